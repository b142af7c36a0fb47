"""What the sandbox's API does, apart from HTTP: zones and records as DNScale's contract shapes
them, its validation and its errors. ``api`` routes requests here.

Requests are held to the contract too: a body or query key it does not name is refused (422),
so that a plugin sending one fails its tests here rather than in production.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from certbot_dns_dnscale.sandbox.faults import FaultPlan
from certbot_dns_dnscale.sandbox.store import (
    SUPPORTED_TYPES,
    ConflictError,
    Record,
    ZoneState,
    ZoneStore,
    canonical,
)

ALL_SCOPES = frozenset({"zones:read", "records:read", "records:write"})
MAX_TTL_SECONDS = 86400
DEFAULT_TTL_SECONDS = 3600
MAX_COMMENT_CHARS = 500
CREATE_KEYS = frozenset({"name", "type", "content", "ttl", "priority", "comment"})
PAGE_KEYS = frozenset({"offset", "limit"})

Answer = tuple[int, dict[str, Any] | None]  # status, the envelope's ``data`` (None: no body)


@dataclass(frozen=True)
class Grant:
    """What a token may do: scopes, and optionally only some zones."""

    scopes: frozenset[str] = ALL_SCOPES
    zones: frozenset[str] | None = None


@dataclass
class ApiSettings:
    tokens: dict[str, Grant]
    latency_ms: float = 0.0
    min_ttl_seconds: int = 120
    max_zone_page_size: int = 100
    quote_txt_content: bool = False
    faults: FaultPlan = field(default_factory=FaultPlan)


class ApiError(Exception):
    """Answered in DNScale's error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Request:
    """One API request as the behaviour sees it: path parameters, query, body, who asks."""

    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    grant: Grant | None


class DNScaleService:
    """The API's behaviour over the zone store, one method a route."""

    def __init__(self, store: ZoneStore, settings: ApiSettings) -> None:
        self.store = store
        self.settings = settings

    def health(self, request: Request) -> Answer:
        return 200, {"health": {"status": "ok"}}

    def list_zones(self, request: Request) -> Answer:
        _only_keys(request.query, PAGE_KEYS, "query parameter")
        zones = [z for z in self.store.zones() if _may_see(request.grant, z.name)]
        limit = min(
            _int_param(request.query, "limit", 10, 1, 100), self.settings.max_zone_page_size
        )
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        page = [z.to_api() for z in zones[offset : offset + limit]]
        return 200, {"zones": page, "pagination": _pagination(len(zones), offset, limit, len(page))}

    def get_zone(self, request: Request) -> Answer:
        return 200, {"zone": self._zone(request).to_api()}

    def list_records(self, request: Request) -> Answer:
        _only_keys(request.query, PAGE_KEYS, "query parameter")
        zone = self._zone(request)
        limit = _int_param(request.query, "limit", 50, 1, 1000)
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        records = self.store.records(zone.id)
        page = [self._record_out(r) for r in records[offset : offset + limit]]
        return 200, {
            "records": page,
            "pagination": _pagination(len(records), offset, limit, len(page)),
        }

    def create_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        body = _json_object(request.body)
        _only_keys(body, CREATE_KEYS, "field")
        rtype = str(body.get("type", "")).upper()
        content, comment = body.get("content"), body.get("comment")
        ttl = body.get("ttl", DEFAULT_TTL_SECONDS)
        self._check_record(rtype, content, ttl, comment)
        name = _absolute_name(str(body.get("name", "")), zone.name)
        try:
            record = self.store.add(zone.id, name, rtype, str(content), ttl, comment)
        except ConflictError as err:
            raise ApiError(409, "CONFLICT", "a record with this content already exists") from err
        return 201, {"record": self._record_out(record)}

    def get_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        record = self.store.get(zone.id, request.params["record_id"])
        if record is None:
            raise ApiError(404, "NOT_FOUND", "record not found")
        return 200, {"record": self._record_out(record)}

    def delete_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        if not self.store.delete(zone.id, [request.params["record_id"]]):
            raise ApiError(404, "NOT_FOUND", "record not found")
        return 204, None

    def delete_by_name(self, request: Request) -> Answer:
        _only_keys(request.query, frozenset({"content"}), "query parameter")
        zone = self._zone(request)
        name = _absolute_name(request.params["name"], zone.name)
        content = request.query.get("content", [None])[0]  # faithful: no content = whole RRset
        matching = self.store.matching(zone.id, name, request.params["type"], content)
        if not matching:
            raise ApiError(404, "NOT_FOUND", "no matching record")
        self.store.delete(zone.id, matching)
        return 204, None

    def _zone(self, request: Request) -> ZoneState:
        zone = self.store.zone(request.params["zone_id"])
        if zone is None:
            raise ApiError(404, "INVALID_ZONE_ID", "zone not found")
        if not _may_see(request.grant, zone.name):
            raise ApiError(403, "FORBIDDEN", f"API key has no access to zone {zone.name}")
        return zone

    def _record_out(self, record: Record) -> dict[str, object]:
        shaped = record.to_api()
        if self.settings.quote_txt_content and record.type == "TXT":
            shaped["content"] = f'"{record.content}"'
        return shaped

    def _check_record(self, rtype: str, content: object, ttl: object, comment: object) -> None:
        if rtype not in SUPPORTED_TYPES:
            raise ApiError(
                422, "VALIDATION_ERROR", f"type must be one of {sorted(SUPPORTED_TYPES)}"
            )
        if not isinstance(content, str) or not content:
            raise ApiError(422, "VALIDATION_ERROR", "content is required")
        low = self.settings.min_ttl_seconds
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not low <= ttl <= MAX_TTL_SECONDS:
            raise ApiError(
                422, "VALIDATION_ERROR", f"ttl must be between {low} and {MAX_TTL_SECONDS}"
            )
        if comment is not None and (
            not isinstance(comment, str) or len(comment) > MAX_COMMENT_CHARS
        ):
            raise ApiError(422, "VALIDATION_ERROR", "comment must be at most 500 characters")


def _may_see(grant: Grant | None, zone_name: str) -> bool:
    return grant is None or grant.zones is None or zone_name in grant.zones


def _only_keys(given: dict[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"unknown {what} {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
        )


def _pagination(total: int, offset: int, limit: int, count: int) -> dict[str, Any]:
    return {
        "total": total,
        "offset": offset,
        "limit": limit,
        "count": count,
        "has_more": offset + count < total,
    }


def _int_param(query: dict[str, list[str]], key: str, default: int, low: int, high: int) -> int:
    raw = query.get(key, [None])[0]
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(422, "INVALID_PARAMETER", f"{key} must be an integer from {low} to {high}")
    return value


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body or b"null")
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ApiError(400, "INVALID_JSON", "the body must be a JSON object")
    return parsed


def _absolute_name(name: str, zone_name: str) -> str:
    """``@``, a name relative to the zone, or a fully qualified one (trailing dot)."""
    name = name.strip()
    if not name:
        raise ApiError(422, "VALIDATION_ERROR", "name is required")
    if name == "@":
        return zone_name
    absolute = canonical(name)
    if not name.endswith(".") and absolute != zone_name and not absolute.endswith("." + zone_name):
        return canonical(f"{name}.{zone_name}")  # relative; a name ending in the zone is not
    if absolute != zone_name and not absolute.endswith("." + zone_name):
        raise ApiError(422, "VALIDATION_ERROR", f"{name} is not inside zone {zone_name}")
    return absolute

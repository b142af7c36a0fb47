"""What the sandbox's API does, apart from HTTP: zones and records as DNScale's contract shapes
them, who may reach which, and the errors. ``api`` routes requests here; ``record_bodies``
checks what clients send (a body or query key the contract does not name is refused, 422).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from certbot_dns_dnscale.sandbox.errors import ApiError
from certbot_dns_dnscale.sandbox.faults import FaultPlan
from certbot_dns_dnscale.sandbox.grants import ALL_SCOPES, Grant, NamesListing
from certbot_dns_dnscale.sandbox.record_bodies import (
    DEFAULT_TTL_SECONDS,
    MAX_COMMENT_CHARS,
    MAX_TTL_SECONDS,
    absolute_name,
    create_fields,
    only_keys,
    update_by_name_fields,
)
from certbot_dns_dnscale.sandbox.store import (
    ConflictError,
    Record,
    RecordFields,
    ZoneState,
    ZoneStore,
)

__all__ = [
    "ALL_SCOPES", "DEFAULT_TTL_SECONDS", "MAX_COMMENT_CHARS", "MAX_TTL_SECONDS", "Answer",
    "ApiError", "ApiSettings", "DNScaleService", "Grant", "NamesListing", "Request",
]  # fmt: skip

SANDBOX_VERSION = "sandbox"  # the contract's health.version: the service's build
PAGE_KEYS = frozenset({"offset", "limit"})
CONTENT_KEYS = frozenset({"content"})

Answer = tuple[int, dict[str, Any] | None]  # status, the envelope's ``data`` (None: no body)


@dataclass
class ApiSettings:
    tokens: dict[str, Grant]
    latency_ms: float = 0.0
    min_ttl_seconds: int = 120
    max_zone_page_size: int = 100
    quote_txt_content: bool = False
    names_listing: NamesListing = NamesListing.FILTER
    faults: FaultPlan = field(default_factory=FaultPlan)


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
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, {"health": {"status": "ok", "timestamp": now, "version": SANDBOX_VERSION}}

    def not_implemented(self, request: Request) -> Answer:
        """Contract routes the sandbox answers on purpose with 501: its zones come from its
        settings, and no ACME client creates, renames or deletes zones."""
        raise ApiError(
            501, "NOT_IMPLEMENTED", "the sandbox does not manage zones; start it with --zones"
        )

    def list_zones(self, request: Request) -> Answer:
        only_keys(request.query, PAGE_KEYS, "query parameter")
        zones = [z for z in self.store.zones() if _sees_zone(request.grant, z.name)]
        limit = min(
            _int_param(request.query, "limit", 10, 1, 100), self.settings.max_zone_page_size
        )
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        page = [z.to_api() for z in zones[offset : offset + limit]]
        return 200, {"zones": page, "pagination": _pagination(len(zones), offset, limit, len(page))}

    def get_zone(self, request: Request) -> Answer:
        return 200, {"zone": self._zone(request).to_api()}

    def list_records(self, request: Request) -> Answer:
        only_keys(request.query, PAGE_KEYS, "query parameter")
        zone = self._zone(request)
        limit = _int_param(request.query, "limit", 50, 1, 1000)
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        records = self.store.records(zone.id)
        if request.grant is not None and request.grant.names_in(zone.name) is not None:
            if self.settings.names_listing is NamesListing.REFUSE:
                raise ApiError(
                    403, "FORBIDDEN", f"API key is limited to some names in zone {zone.name}"
                )
            records = [r for r in records if request.grant.reaches(zone.name, r.name)]
        page = [self._record_out(r) for r in records[offset : offset + limit]]
        return 200, {
            "records": page,
            "pagination": _pagination(len(records), offset, limit, len(page)),
        }

    def create_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        fields = create_fields(request.body, zone.name, self.settings.min_ttl_seconds)
        self._check_reach(request, zone, fields.name)
        return 201, {"record": self._record_out(self._store(zone, fields))}

    def get_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        return 200, {"record": self._record_out(self._record(request, zone))}

    def update_record(self, request: Request) -> Answer:
        """``PUT .../records/{record_id}``: replace it; name and type must stay the same."""
        zone = self._zone(request)
        old = self._record(request, zone)
        fields = create_fields(request.body, zone.name, self.settings.min_ttl_seconds)
        if (fields.name, fields.type) != (old.name, old.type):
            raise ApiError(
                422, "VALIDATION_ERROR", "name and type must match the record being replaced"
            )
        return 200, {"record": self._record_out(self._replace(zone, old, fields))}

    def delete_record(self, request: Request) -> Answer:
        zone = self._zone(request)
        self.store.delete(zone.id, [self._record(request, zone).id])
        return 204, None

    def delete_by_name(self, request: Request) -> Answer:
        only_keys(request.query, CONTENT_KEYS, "query parameter")
        zone = self._zone(request)
        matching = self._at_name(request, zone)  # faithful: no content = the whole RRset
        self.store.delete(zone.id, [r.id for r in matching])
        return 204, None

    def update_by_name(self, request: Request) -> Answer:
        """``PUT .../records/by-name/{name}/{type}``: one value, picked by ``content`` when the
        RRset holds several."""
        only_keys(request.query, CONTENT_KEYS, "query parameter")
        zone = self._zone(request)
        matching = self._at_name(request, zone)
        if len(matching) > 1:
            raise ApiError(
                409, "CONFLICT", "several values at this name: pass content=<old value> to pick one"
            )
        old = matching[0]
        fields = update_by_name_fields(
            request.body, old.name, old.type, self.settings.min_ttl_seconds
        )
        return 200, {"record": self._record_out(self._replace(zone, old, fields))}

    # -- helpers -------------------------------------------------------------------------------

    def _zone(self, request: Request) -> ZoneState:
        zone = self.store.zone(request.params["zone_id"])
        if zone is None:
            raise ApiError(404, "INVALID_ZONE_ID", "zone not found")
        if not _sees_zone(request.grant, zone.name):
            raise ApiError(403, "FORBIDDEN", f"API key has no access to zone {zone.name}")
        return zone

    def _record(self, request: Request, zone: ZoneState) -> Record:
        record = self.store.get(zone.id, request.params["record_id"])
        if record is None:
            raise ApiError(404, "NOT_FOUND", "record not found")
        self._check_reach(request, zone, record.name)
        return record

    def _at_name(self, request: Request, zone: ZoneState) -> list[Record]:
        name = absolute_name(request.params["name"], zone.name)
        self._check_reach(request, zone, name)
        content = request.query.get("content", [None])[0]
        ids = set(self.store.matching(zone.id, name, request.params["type"], content))
        if not ids:
            raise ApiError(404, "NOT_FOUND", "no matching record")
        return [r for r in self.store.records(zone.id) if r.id in ids]

    @staticmethod
    def _check_reach(request: Request, zone: ZoneState, name: str) -> None:
        if request.grant is not None and not request.grant.reaches(zone.name, name):
            raise ApiError(
                403, "FORBIDDEN", f"API key has no access to the name {name} in zone {zone.name}"
            )

    def _store(self, zone: ZoneState, fields: RecordFields) -> Record:
        try:
            return self.store.add(
                zone.id, fields.name, fields.type, fields.content, fields.ttl, fields.comment,
                priority=fields.priority, disabled=fields.disabled,
            )  # fmt: skip
        except ConflictError as err:
            raise ApiError(409, "CONFLICT", "a record with this content already exists") from err

    def _replace(self, zone: ZoneState, old: Record, fields: RecordFields) -> Record:
        try:
            return self.store.update(zone.id, old.id, fields)
        except ConflictError as err:
            raise ApiError(409, "CONFLICT", "a record with this content already exists") from err
        except KeyError as err:  # deleted meanwhile
            raise ApiError(404, "NOT_FOUND", "record not found") from err

    def _record_out(self, record: Record) -> dict[str, object]:
        shaped = record.to_api()
        if self.settings.quote_txt_content and record.type == "TXT":
            shaped["content"] = f'"{record.content}"'
        return shaped


def _sees_zone(grant: Grant | None, zone_name: str) -> bool:
    return grant is None or grant.sees_zone(zone_name)


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

"""The sandbox's HTTP side: the DNScale REST API subset in docs, envelopes and status codes."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from certbot_dns_dnscale.sandbox.faults import FaultPlan
from certbot_dns_dnscale.sandbox.store import SUPPORTED_TYPES, ConflictError, ZoneStore, canonical

ALL_SCOPES = frozenset({"zones:read", "records:read", "records:write"})
MAX_TTL_SECONDS = 86400
MAX_COMMENT_CHARS = 500


@dataclass(frozen=True)
class Grant:
    """What a token may do: scopes, and optionally only some zones."""

    scopes: frozenset[str] = ALL_SCOPES
    zones: frozenset[str] | None = None


@dataclass(frozen=True)
class Call:
    """One line of the call log."""

    method: str
    route: str
    path: str
    status: int  # 0 when the connection was dropped without an answer
    fault: str | None
    at: float


@dataclass
class ApiSettings:
    tokens: dict[str, Grant]
    latency_ms: float = 0.0
    min_ttl_seconds: int = 120
    max_zone_page_size: int = 100
    quote_txt_content: bool = False
    faults: FaultPlan = field(default_factory=FaultPlan)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


Handler = Callable[["Request"], tuple[int, dict[str, Any] | None]]


@dataclass
class Request:
    method: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    grant: Grant | None


class DNScaleApi:
    """Routes, authorisation and the call log; the HTTP plumbing is in ``_RequestHandler``."""

    def __init__(self, store: ZoneStore, settings: ApiSettings) -> None:
        self.store = store
        self.settings = settings
        self.calls: list[Call] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most API requests handled at once
        self._calls_lock = threading.Lock()
        self._request_ids = itertools.count(1)
        self._routes: list[tuple[str, str, re.Pattern[str], str | None, Handler]] = []
        self._route("GET", "/v1/health", None, self._health)
        self._route("GET", "/v1/zones", "zones:read", self._list_zones)
        self._route("GET", "/v1/zones/{zone_id}", "zones:read", self._get_zone)
        self._route("GET", "/v1/zones/{zone_id}/records", "records:read", self._list_records)
        self._route("POST", "/v1/zones/{zone_id}/records", "records:write", self._create_record)
        self._route(
            "DELETE",
            "/v1/zones/{zone_id}/records/by-name/{name}/{type}",
            "records:write",
            self._delete_by_name,
        )
        self._route("GET", "/v1/zones/{zone_id}/records/{record_id}", "records:read", self._get)
        self._route("DELETE", "/v1/zones/{zone_id}/records/{record_id}", "records:write", self._del)

    def _route(self, method: str, template: str, scope: str | None, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, template, re.compile(f"^{pattern}/?$"), scope, handler))

    def record_call(
        self, method: str, route: str, path: str, status: int, fault: str | None
    ) -> None:
        with self._calls_lock:
            self.calls.append(Call(method, route, path, status, fault, time.monotonic()))

    def enter(self) -> None:
        with self._calls_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._calls_lock:
            self.in_flight -= 1

    def next_request_id(self) -> str:
        return f"sbx-{next(self._request_ids):06d}"

    def match(self, method: str, path: str) -> tuple[str, dict[str, str], str | None, Handler]:
        allowed = False
        for route_method, template, pattern, scope, handler in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            if route_method == method:
                params = {k: unquote(v) for k, v in found.groupdict().items()}
                return template.removeprefix("/v1"), params, scope, handler
            allowed = True
        if allowed:
            raise ApiError(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {path}")
        raise ApiError(404, "NOT_FOUND", f"no route for {path}")

    def authorise(self, authorization: str | None, scope: str | None) -> Grant | None:
        if scope is None:
            return None
        token = (authorization or "").removeprefix("Bearer ").strip()
        grant = self.settings.tokens.get(token) if authorization else None
        if grant is None:
            raise ApiError(401, "UNAUTHORIZED", "missing or invalid API key")
        if scope not in grant.scopes:
            raise ApiError(403, "FORBIDDEN", f"API key lacks the {scope} scope")
        return grant

    # -- handlers ---------------------------------------------------------------------------

    def _health(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        return 200, {"health": {"status": "ok", "version": "sandbox"}}

    def _list_zones(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zones = [z for z in self.store.zones() if _may_see(request.grant, z.name)]
        limit = min(
            _int_param(request.query, "limit", 10, 1, 100), self.settings.max_zone_page_size
        )
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        page = [z.to_api() for z in zones[offset : offset + limit]]
        return 200, {"zones": page, "pagination": _pagination(len(zones), offset, limit, len(page))}

    def _zone(self, request: Request) -> Any:
        zone = self.store.zone(request.params["zone_id"])
        if zone is None:
            raise ApiError(404, "INVALID_ZONE_ID", "zone not found")
        if not _may_see(request.grant, zone.name):
            raise ApiError(403, "FORBIDDEN", f"API key has no access to zone {zone.name}")
        return zone

    def _get_zone(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        return 200, {"zone": self._zone(request).to_api()}

    def _list_records(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zone = self._zone(request)
        limit = _int_param(request.query, "limit", 50, 1, 1000)
        offset = _int_param(request.query, "offset", 0, 0, 10**9)
        records = self.store.records(zone.id)
        page = [self._record_out(r.to_api()) for r in records[offset : offset + limit]]
        return 200, {
            "records": page,
            "pagination": _pagination(len(records), offset, limit, len(page)),
        }

    def _record_out(self, record: dict[str, Any]) -> dict[str, Any]:
        if self.settings.quote_txt_content and record["type"] == "TXT":
            record["content"] = f'"{record["content"]}"'
        return record

    def _create_record(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zone = self._zone(request)
        body = _json_object(request.body)
        rtype = str(body.get("type", "")).upper()
        content, ttl, comment = body.get("content"), body.get("ttl", 3600), body.get("comment")
        if rtype not in SUPPORTED_TYPES:
            raise ApiError(
                422, "VALIDATION_ERROR", f"type must be one of {sorted(SUPPORTED_TYPES)}"
            )
        if not isinstance(content, str) or not content:
            raise ApiError(422, "VALIDATION_ERROR", "content is required")
        if not isinstance(ttl, int) or not self.settings.min_ttl_seconds <= ttl <= MAX_TTL_SECONDS:
            raise ApiError(
                422,
                "VALIDATION_ERROR",
                f"ttl must be between {self.settings.min_ttl_seconds} and {MAX_TTL_SECONDS}",
            )
        if comment is not None and (not isinstance(comment, str) or len(comment) > 500):
            raise ApiError(422, "VALIDATION_ERROR", "comment must be at most 500 characters")
        name = _absolute_name(str(body.get("name", "")), zone.name)
        try:
            record = self.store.add(zone.id, name, rtype, content, ttl, comment)
        except ConflictError as err:
            raise ApiError(409, "CONFLICT", "a record with this content already exists") from err
        return 201, {"record": self._record_out(record.to_api())}

    def _get(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zone = self._zone(request)
        record = self.store.get(zone.id, request.params["record_id"])
        if record is None:
            raise ApiError(404, "NOT_FOUND", "record not found")
        return 200, {"record": self._record_out(record.to_api())}

    def _del(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zone = self._zone(request)
        if not self.store.delete(zone.id, [request.params["record_id"]]):
            raise ApiError(404, "NOT_FOUND", "record not found")
        return 204, None

    def _delete_by_name(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        zone = self._zone(request)
        name = _absolute_name(request.params["name"], zone.name)
        content = request.query.get("content", [None])[0]  # faithful: no content = whole RRset
        matching = self.store.matching(zone.id, name, request.params["type"], content)
        if not matching:
            raise ApiError(404, "NOT_FOUND", "no matching record")
        self.store.delete(zone.id, matching)
        return 204, None


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: DNScaleApi  # set on the subclass made per server
    _path = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        self._path = url.path
        if url.path.startswith("/_sandbox/"):
            self._admin(method, url.path)
            return
        self.api.enter()
        try:
            self._api_call(method, url.path, url.query, body)
        finally:
            self.api.leave()

    def _api_call(self, method: str, path: str, query: str, body: bytes) -> None:
        settings = self.api.settings
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000)
        try:
            route, params, scope, handler = self.api.match(method, path)
        except ApiError as err:
            self._send_error(method, path, err, None)
            return
        fault = settings.faults.draw(method, route)
        if fault in ("429", "500", "502", "503"):
            self._send_fault(method, route, int(fault))
            return
        if fault == "drop":
            self._drop(method, route, fault)
            return
        if fault == "slow":
            time.sleep(settings.faults.slow_seconds)
        try:
            grant = self.api.authorise(self.headers.get("Authorization"), scope)
            status, data = handler(Request(method, params, parse_qs(query), body, grant))
        except ApiError as err:
            self._send_error(method, route, err, fault)
            return
        if fault == "lost":
            self._drop(method, route, fault)
            return
        payload = None if data is None else {"status": "success", "data": data}
        if data is not None and "zones" in data:
            payload = {**(payload or {}), "zones": data["zones"]}  # the deprecated alias
        self.api.record_call(method, route, self._path, status, fault)
        self._send(status, payload)

    def _admin(self, method: str, path: str) -> None:
        if path == "/_sandbox/calls" and method == "GET":
            calls = [c.__dict__ for c in self.api.calls]
            self._send(200, {"status": "success", "data": {"calls": calls}})
        elif path == "/_sandbox/calls" and method == "DELETE":
            self.api.calls.clear()
            self._send(204, None)
        else:
            self._send(404, {"status": "error", "error": {"code": "NOT_FOUND", "message": path}})

    def _send_error(self, method: str, route: str, err: ApiError, fault: str | None) -> None:
        error = {"code": err.code, "message": err.message, "details": []}
        self.api.record_call(method, route, self._path, err.status, fault)
        self._send(err.status, {"status": "error", "error": error})

    def _send_fault(self, method: str, route: str, status: int) -> None:
        self.api.record_call(method, route, self._path, status, str(status))
        if status == 429:
            retry_after = str(self.api.settings.faults.retry_after_seconds)
            self._send(
                429, _error("RATE_LIMITED", "too many requests"), {"Retry-After": retry_after}
            )
        elif status == 502:
            self._send_raw(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        else:
            self._send(status, _error("INTERNAL_ERROR", "transient failure"))

    def _drop(self, method: str, route: str, fault: str) -> None:
        self.close_connection = True
        self.api.record_call(method, route, self._path, 0, fault)

    def _send(
        self, status: int, payload: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self._send_raw(status, body, "application/json", headers)

    def _send_raw(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("X-Request-ID", self.api.next_request_id())
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a "slow" fault)


def make_http_server(api: DNScaleApi, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("SandboxHandler", (_RequestHandler,), {"api": api})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _error(code: str, message: str) -> dict[str, Any]:
    return {"status": "error", "error": {"code": code, "message": message, "details": []}}


def _may_see(grant: Grant | None, zone_name: str) -> bool:
    return grant is None or grant.zones is None or zone_name in grant.zones


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

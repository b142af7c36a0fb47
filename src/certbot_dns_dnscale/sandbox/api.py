"""The sandbox API's routing table: which method and path reach which behaviour in
``service``, with which scope; plus the call log the tests read. HTTP itself is in
``http_handler``.

Every route of the contract's zones and records (what DNScale's SDK calls) is here: the zone
routes that change zones answer 501 on purpose (``DNScaleService.not_implemented``).
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from certbot_dns_dnscale.sandbox.service import (
    ALL_SCOPES,
    Answer,
    ApiError,
    ApiSettings,
    DNScaleService,
    Grant,
    NamesListing,
    Request,
)
from certbot_dns_dnscale.sandbox.store import ZoneStore

__all__ = [
    "ALL_SCOPES", "ApiError", "ApiSettings", "Call", "DNScaleApi", "Grant", "NamesListing", "Route",
]  # fmt: skip

Behaviour = Callable[[Request], Answer]


@dataclass(frozen=True)
class Call:
    """One line of the call log."""

    method: str
    route: str
    path: str
    status: int  # 0 when the connection was dropped without an answer
    fault: str | None
    at: float  # time.monotonic() when answered
    query: str = ""  # as sent, still URL-encoded
    body: str = ""  # as sent
    answer: str = ""  # the body the sandbox answered with ("" for none, or a dropped connection)


@dataclass(frozen=True)
class Route:
    method: str
    template: str  # as DNScale documents it, under /v1
    scope: str | None  # None: no token needed
    behaviour: Behaviour

    def match(self, path: str) -> dict[str, str] | None:
        """The path's parameters, URL-decoded, or None when ``path`` is not this route's."""
        found = _pattern(self.template).match(path)
        return None if found is None else {k: unquote(v) for k, v in found.groupdict().items()}


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile("^/v1" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$")


class DNScaleApi:
    """Routes, authorisation and the call log over a ``DNScaleService``."""

    def __init__(self, store: ZoneStore, settings: ApiSettings) -> None:
        self.store = store
        self.settings = settings
        self.service = service = DNScaleService(store, settings)
        self.calls: list[Call] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most API requests handled at once
        self._calls_lock = threading.Lock()
        self._request_ids = itertools.count(1)
        zone, records = "/zones/{zone_id}", "/zones/{zone_id}/records"
        by_name, by_id = records + "/by-name/{name}/{type}", records + "/{record_id}"
        self.routes = [
            Route("GET", "/health", None, service.health),
            Route("GET", "/zones", "zones:read", service.list_zones),
            Route("POST", "/zones", None, service.not_implemented),
            Route("GET", zone, "zones:read", service.get_zone),
            Route("PUT", zone, None, service.not_implemented),
            Route("DELETE", zone, None, service.not_implemented),
            Route("GET", records, "records:read", service.list_records),
            Route("POST", records, "records:write", service.create_record),
            Route("PUT", by_name, "records:write", service.update_by_name),
            Route("DELETE", by_name, "records:write", service.delete_by_name),
            Route("GET", by_id, "records:read", service.get_record),
            Route("PUT", by_id, "records:write", service.update_record),
            Route("DELETE", by_id, "records:write", service.delete_record),
        ]  # fmt: skip

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route for ``method`` and ``path`` and its path parameters; 404 or 405."""
        allowed = False
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == method:
                return route, params
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

    def record_call(self, call: Call) -> None:
        with self._calls_lock:
            self.calls.append(call)

    def enter(self) -> None:
        with self._calls_lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._calls_lock:
            self.in_flight -= 1

    def next_request_id(self) -> str:
        return f"sbx-{next(self._request_ids):06d}"

"""Every answer the sandbox gave, read by DNScale's official SDK (``dnscale`` on PyPI) the way it
reads production's: its generated models (``ZonesResponse.from_dict``, ``Record.from_dict``...)
and its pagination guard, plus the contract's closed JSON schemas (which the SDK's models do not
close: they ignore a key they do not know). A missing, misnamed or mistyped field is a problem.

Used on the sandbox's call log (``Sandbox.calls``: each call keeps the body it answered with) at
the end of every end-to-end world and by ``test_sdk_oracle``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from dnscale.errors import ProtocolError
from dnscale.pagination import next_offset
from dnscale_api.models.error_response import ErrorResponse
from dnscale_api.models.health_response import HealthResponse
from dnscale_api.models.record_response import RecordResponse
from dnscale_api.models.records_response import RecordsResponse
from dnscale_api.models.zone_response import ZoneResponse
from dnscale_api.models.zones_response import ZonesResponse

from certbot_dns_dnscale.sandbox.api import Call
from tests import dnscale_contract as contract

ZONES, ZONE = "/zones", "/zones/{zone_id}"
RECORDS = "/zones/{zone_id}/records"
BY_ID, BY_NAME = RECORDS + "/{record_id}", RECORDS + "/by-name/{name}/{type}"

Reader = Callable[[dict[str, Any]], object]

# (method, route) of each success answer with a body: the SDK model that reads it, the schema
SUCCESS: dict[tuple[str, str], tuple[Reader, contract.Schema]] = {
    ("GET", "/health"): (HealthResponse.from_dict, contract.HEALTH),
    ("GET", ZONES): (ZonesResponse.from_dict, contract.ZONE_LIST),
    ("GET", ZONE): (ZoneResponse.from_dict, contract.ONE_ZONE),
    ("GET", RECORDS): (RecordsResponse.from_dict, contract.RECORD_LIST),
    ("POST", RECORDS): (RecordResponse.from_dict, contract.ONE_RECORD),
    ("GET", BY_ID): (RecordResponse.from_dict, contract.ONE_RECORD),
    ("PUT", BY_ID): (RecordResponse.from_dict, contract.ONE_RECORD),
    ("PUT", BY_NAME): (RecordResponse.from_dict, contract.ONE_RECORD),
}


def answer_problems(call: Call) -> list[str]:
    """What is wrong with the answer of one call; empty when the SDK and the contract read it."""
    where = f"{call.method} {call.path}?{call.query} -> {call.status}"
    if not call.answer:
        return [] if call.status in (0, 204) else [f"{where}: no body"]
    if call.fault == "502":
        return []  # a gateway's HTML page, on purpose: no client can read it as DNScale's
    try:
        body = json.loads(call.answer)
    except ValueError:
        return [f"{where}: not JSON: {call.answer[:80]!r}"]
    if call.status >= 400:
        return _read(where, ErrorResponse.from_dict, contract.ERROR, body)
    reader = SUCCESS.get((call.method, call.route))
    if reader is None:
        return [f"{where}: a body where the contract has none"]
    problems = _read(where, *reader, body)
    if not problems and call.method == "GET" and call.route in (ZONES, RECORDS):
        problems = _pagination_problems(where, call, body)
    return problems


def all_answer_problems(calls: Iterable[Call]) -> list[str]:
    return [problem for call in calls for problem in answer_problems(call)]


def _read(where: str, reader: Reader, schema: contract.Schema, body: Any) -> list[str]:
    try:
        reader(body)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [f"{where}: the SDK cannot read it ({type(err).__name__}: {err})"]
    return [f"{where}: {problem}" for problem in contract.problems(schema, body)]


def _pagination_problems(where: str, call: Call, body: dict[str, Any]) -> list[str]:
    """The SDK's own guard: the page says the offset asked for and counts what it holds."""
    key = "zones" if call.route == ZONES else "records"
    reader = ZonesResponse if key == "zones" else RecordsResponse
    page = reader.from_dict(body).data
    offset = int(parse_qs(call.query).get("offset", ["0"])[0])
    try:
        next_offset(page.pagination, offset, len(body["data"][key]))
    except ProtocolError as err:
        return [f"{where}: {err}"]
    return []

"""The sandbox answers exactly as DNScale's contract shapes its answers, and the plugin's own
requests stay inside the contract too (validated against ``tests/dnscale_contract.py``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from certbot_dns_dnscale._internal.commands.cli import main as plugin_cli
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.api import Grant
from tests import dnscale_contract as contract
from tests.sandbox_client import SandboxApi

NAME = "_acme-challenge.example.com."


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(extra_zones=20)) as running:
        yield running


class Api(SandboxApi):
    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        super().__init__(sandbox, token)
        self.zone_id = sandbox.store.zone_by_name("example.com").id

    def create(self, **body: Any) -> requests.Response:
        body = {"name": NAME, "type": "TXT", "content": "v1", "ttl": 300, **body}
        return self.call("POST", f"/zones/{self.zone_id}/records", json=body)


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


def pages(api: Api, path: str, limit: int) -> Iterator[dict[str, Any]]:
    """Every page of a listing, following ``has_more``."""
    offset = 0
    while True:
        body = api.call("GET", path, params={"offset": offset, "limit": limit}).json()
        yield body
        pagination = body["data"]["pagination"]
        if not pagination["has_more"]:
            return
        offset += pagination["count"]


# -- the schemas are not vacuous -------------------------------------------------------------


def valid_zone() -> dict[str, Any]:
    return {
        "id": "3f1c2b7a-4f55-4d59-9a49-5e6f1c2b7a10",
        "customer_id": "9d3a4a52-4f55-4d59-9a49-5e6f1c2b7a10",
        "name": "example.com", "type": "master", "region": "EU", "status": "active",
        "settings": {"dnssec_enabled": True},
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
    }  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"customer_id": "sandbox-customer"},
        {"region": "eu"},
        {"settings": {}},
        {"settings": {"dnssec_enabled": False, "other": 1}},
        {"id": "not-a-uuid"},
        {"extra": "key"},
    ],
)
def test_zone_schema_refuses_what_the_contract_does_not_allow(change: dict[str, Any]) -> None:
    assert contract.problems(contract.ZONE, valid_zone()) == []
    assert contract.problems(contract.ZONE, {**valid_zone(), **change}) != []


def test_record_schema_refuses_a_creation_time() -> None:
    record = {"id": "r1", "name": NAME, "type": "TXT", "content": "v", "ttl": 300,
              "priority": None, "disabled": False, "comment": None}  # fmt: skip
    assert contract.problems(contract.RECORD, record) == []
    assert contract.problems(contract.RECORD, {**record, "created_at": "2026-01-01T00:00:00Z"})


# -- successes -------------------------------------------------------------------------------


def test_health_answer_matches_the_contract(sandbox: Sandbox) -> None:
    body = requests.get(sandbox.api_url + "/v1/health", timeout=5).json()
    assert contract.problems(contract.HEALTH, body) == []


def test_every_zone_list_page_matches_the_contract_and_covers_every_zone(api: Api) -> None:
    listed = list(pages(api, "/zones", limit=7))
    assert [contract.problems(contract.ZONE_LIST, page) for page in listed] == [[]] * 4
    ids = [zone["id"] for page in listed for zone in page["data"]["zones"]]
    assert len(set(ids)) == len(ids) == listed[0]["data"]["pagination"]["total"] == 24


def test_zone_list_without_parameters_matches_the_contract(api: Api) -> None:
    assert contract.problems(contract.ZONE_LIST, api.call("GET", "/zones").json()) == []


def test_one_zone_matches_the_contract(api: Api) -> None:
    body = api.call("GET", f"/zones/{api.zone_id}").json()
    assert contract.problems(contract.ONE_ZONE, body) == []


def test_created_record_matches_the_contract_with_exactly_its_eight_keys(api: Api) -> None:
    answer = api.create(comment="ours")
    assert answer.status_code == 201
    assert contract.problems(contract.ONE_RECORD, answer.json()) == []
    assert set(answer.json()["data"]["record"]) == contract.RECORD_KEYS


def test_fetched_record_matches_the_contract(api: Api) -> None:
    record_id = api.create().json()["data"]["record"]["id"]
    body = api.call("GET", f"/zones/{api.zone_id}/records/{record_id}").json()
    assert contract.problems(contract.ONE_RECORD, body) == []


@pytest.mark.parametrize("quoted", [False, True])
def test_every_record_list_page_matches_the_contract(
    sandbox: Sandbox, api: Api, quoted: bool
) -> None:
    sandbox.api.settings.quote_txt_content = quoted
    for value in ("a", "b", "c", "d", "e"):
        api.create(content=value)
    listed = list(pages(api, f"/zones/{api.zone_id}/records", limit=2))
    assert [contract.problems(contract.RECORD_LIST, page) for page in listed] == [[]] * 3
    assert sum(len(page["data"]["records"]) for page in listed) == 5


# -- errors ----------------------------------------------------------------------------------

ErrorCase = Callable[[Sandbox, Api], requests.Response]

ERRORS: dict[str, tuple[int, ErrorCase]] = {
    "no token": (401, lambda s, a: Api(s, "wrong").call("GET", "/zones")),
    "no scope": (403, lambda s, a: Api(s, s.settings.readonly_token).create()),
    "other zone": (403, lambda s, a: Api(s, "narrow").create()),
    "no route": (404, lambda s, a: a.call("GET", "/nothing")),
    "wrong method": (405, lambda s, a: a.call("PUT", "/zones")),
    "unknown zone": (404, lambda s, a: a.call("GET", "/zones/nope")),
    "unknown record": (404, lambda s, a: a.call("GET", f"/zones/{a.zone_id}/records/nope")),
    "duplicate": (409, lambda s, a: (a.create(), a.create())[1]),
    "bad ttl": (422, lambda s, a: a.create(ttl=60)),
    "bad limit": (422, lambda s, a: a.call("GET", "/zones", params={"limit": 0})),
    "not json": (400, lambda s, a: a.call("POST", f"/zones/{a.zone_id}/records", data=b"[1]")),
    "nothing to delete": (
        404,
        lambda s, a: a.call(
            "DELETE", f"/zones/{a.zone_id}/records/by-name/{NAME}/TXT", params={"content": "x"}
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_every_error_answer_is_the_contract_error_envelope(
    sandbox: Sandbox, api: Api, case: str
) -> None:
    sandbox.api.settings.tokens["narrow"] = Grant(zones=frozenset({"example.org"}))
    status, make = ERRORS[case]
    answer = make(sandbox, api)
    assert answer.status_code == status
    assert contract.problems(contract.ERROR, answer.json()) == []


@pytest.mark.parametrize("fault", ["429", "500", "503"])
def test_injected_faults_with_a_json_body_use_the_error_envelope(
    sandbox: Sandbox, api: Api, fault: str
) -> None:
    sandbox.faults.script(fault)
    answer = api.call("GET", "/zones")
    assert answer.status_code == int(fault)
    assert contract.problems(contract.ERROR, answer.json()) == []


# -- requests --------------------------------------------------------------------------------


def test_create_with_a_key_outside_the_contract_is_refused(sandbox: Sandbox, api: Api) -> None:
    answer = api.create(created_at="2026-01-01T00:00:00Z")
    assert answer.status_code == 422
    assert "created_at" in answer.json()["error"]["message"]
    assert sandbox.txt_values(NAME) == []


@pytest.mark.parametrize("path", ["/zones", "/zones/{zone}/records"])
def test_listing_with_a_query_parameter_outside_the_contract_is_refused(
    api: Api, path: str
) -> None:
    answer = api.call("GET", path.format(zone=api.zone_id), params={"name": NAME})
    assert answer.status_code == 422


def test_delete_by_name_with_a_query_parameter_outside_the_contract_is_refused(
    sandbox: Sandbox, api: Api
) -> None:
    api.create()
    path = f"/zones/{api.zone_id}/records/by-name/{NAME}/TXT"
    assert api.call("DELETE", path, params={"content": "v1", "all": "1"}).status_code == 422
    assert sandbox.txt_values(NAME) == ["v1"]


def test_the_plugins_requests_stay_inside_the_contract(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``check`` with its write test lists zones, creates and deletes a TXT record."""
    credentials = tmp_path / "dnscale.ini"
    credentials.write_text(sandbox.credentials_ini())
    credentials.chmod(0o600)
    dns = sandbox.dns_address
    plugin_cli([
        "check", "--credentials", str(credentials), "-d", "example.com", "--json",
        "--resolver", dns, "--nameservers", dns,
    ])  # fmt: skip
    capsys.readouterr()
    calls = sandbox.calls
    assert {c.method for c in calls} == {"GET", "POST", "DELETE"}
    assert [c for c in calls if not 200 <= c.status < 300] == []
    bodies = [json.loads(c.body) for c in calls if c.method == "POST"]
    assert [contract.problems(contract.CREATE_RECORD_BODY, body) for body in bodies] == [[]]
    assert bodies[0]["name"].endswith(".")  # fully qualified, never read as relative
    limits = {(c.route, *parse_qs(c.query)["limit"]) for c in calls if c.method == "GET"}
    assert limits == {("/zones", "100"), ("/zones/{zone_id}/records", "1000")}  # the maxima

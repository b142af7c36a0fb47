"""The sandbox serves DNScale's whole record contract: every body field stored and listed, the
TTL bounds, disabled records kept out of DNS, replacing records, the zone routes it refuses on
purpose, and keys limited to names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.grants import NamesListing, names_grant
from tests import dnscale_contract as contract
from tests.sandbox_client import SandboxApi, served_txt

NAME = "_acme-challenge.example.com."
OTHER = "www.example.com."


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


class Api(SandboxApi):
    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        super().__init__(sandbox, token)
        self.records = f"/zones/{sandbox.store.zone_by_name('example.com').id}/records"

    def create(self, **body: Any) -> requests.Response:
        return self.call("POST", self.records, json={"name": NAME, "type": "TXT", **body})

    def listed(self) -> list[dict[str, Any]]:
        answer = self.call("GET", self.records, params={"limit": 1000})
        assert answer.status_code == 200, answer.text
        records: list[dict[str, Any]] = answer.json()["data"]["records"]
        return records


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


# -- every field of the create body ------------------------------------------------------------


def test_create_with_every_contract_field_stores_and_lists_them(api: Api) -> None:
    body = {"content": "v", "ttl": 600, "priority": None, "disabled": False, "comment": "mine"}
    assert (
        contract.problems(contract.CREATE_RECORD_BODY, {"name": NAME, "type": "TXT", **body}) == []
    )

    created = api.create(**body)

    assert created.status_code == 201, created.text
    record = created.json()["data"]["record"]
    assert {k: record[k] for k in body} == body
    assert api.listed() == [record]


def test_create_without_ttl_gets_the_contracts_default_of_3600(api: Api) -> None:
    assert api.create(content="v").json()["data"]["record"]["ttl"] == 3600


@pytest.mark.parametrize("ttl", [120, 86400])
def test_ttl_at_the_contracts_bounds_is_accepted(api: Api, ttl: int) -> None:
    assert api.create(content="v", ttl=ttl).status_code == 201


@pytest.mark.parametrize("ttl", [119, 86401, "300", True])
def test_ttl_outside_the_contracts_bounds_is_refused(api: Api, ttl: object) -> None:
    answer = api.create(content="v", ttl=ttl)
    assert answer.status_code == 422
    assert "ttl must be between 120 and 86400" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("priority", True, "priority"),
        ("priority", -1, "priority"),
        ("disabled", "yes", "disabled"),
        ("disabled", None, "disabled"),
        ("comment", "x" * 501, "comment"),
    ],
)
def test_a_field_of_the_wrong_kind_is_refused_naming_it(
    api: Api, field: str, value: object, says: str
) -> None:
    answer = api.create(content="v", **{field: value})
    assert answer.status_code == 422
    assert says in answer.json()["error"]["message"]
    assert api.listed() == []


def test_priority_is_stored_and_listed(api: Api) -> None:
    record = api.create(content="v", priority=10).json()["data"]["record"]
    assert record["priority"] == 10


# -- disabled records ----------------------------------------------------------------------------


def test_record_created_disabled_is_listed_as_such_and_not_served(
    sandbox: Sandbox, api: Api
) -> None:
    api.create(content="hidden", disabled=True)
    api.create(content="shown")

    assert {r["content"]: r["disabled"] for r in api.listed()} == {"hidden": True, "shown": False}
    assert served_txt(sandbox.dns_port, NAME) == ["shown"]


def test_enabling_a_disabled_record_by_id_serves_it_under_the_same_id(
    sandbox: Sandbox, api: Api
) -> None:
    record = api.create(content="v", disabled=True, comment="c").json()["data"]["record"]

    answer = api.call(
        "PUT",
        f"{api.records}/{record['id']}",
        json={"name": NAME, "type": "TXT", "content": "v", "ttl": 3600, "disabled": False},
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["record"]["id"] == record["id"]
    assert answer.json()["data"]["record"]["disabled"] is False
    assert served_txt(sandbox.dns_port, NAME) == ["v"]


# -- replacing records ---------------------------------------------------------------------------


def test_replacing_a_value_by_id_gives_it_a_new_id_and_the_old_one_is_gone(api: Api) -> None:
    old = api.create(content="old").json()["data"]["record"]

    new = api.call(
        "PUT", f"{api.records}/{old['id']}", json={"name": NAME, "type": "TXT", "content": "new"}
    ).json()["data"]["record"]

    assert new["id"] != old["id"]
    assert [r["content"] for r in api.listed()] == ["new"]
    assert api.call("GET", f"{api.records}/{old['id']}").status_code == 404


def test_replacing_by_id_cannot_move_a_record_to_another_name(api: Api) -> None:
    old = api.create(content="v").json()["data"]["record"]
    body = {"name": OTHER, "type": "TXT", "content": "v"}
    assert api.call("PUT", f"{api.records}/{old['id']}", json=body).status_code == 422


def test_update_by_name_picks_one_value_of_several_by_content(api: Api) -> None:
    api.create(content="a")
    api.create(content="b")
    path = f"{api.records}/by-name/{NAME}/TXT"

    answer = api.call("PUT", path, params={"content": "a"}, json={"content": "a", "disabled": True})

    assert answer.status_code == 200, answer.text
    assert contract.problems(contract.ONE_RECORD, answer.json()) == []
    assert {r["content"]: r["disabled"] for r in api.listed()} == {"a": True, "b": False}


def test_update_by_name_without_content_on_several_values_is_a_conflict(api: Api) -> None:
    api.create(content="a")
    api.create(content="b")
    answer = api.call("PUT", f"{api.records}/by-name/{NAME}/TXT", json={"content": "c"})
    assert answer.status_code == 409
    assert sorted(r["content"] for r in api.listed()) == ["a", "b"]


def test_update_by_name_refuses_a_name_or_type_in_the_body(api: Api) -> None:
    api.create(content="a")
    body = {"content": "a", "name": NAME}
    answer = api.call("PUT", f"{api.records}/by-name/{NAME}/TXT", json=body)
    assert answer.status_code == 422
    assert "unknown field name" in answer.json()["error"]["message"]


# -- zone routes answered 501 on purpose ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/zones"), ("PUT", "/zones/{zone}"), ("DELETE", "/zones/{zone}")]
)
def test_zone_changes_are_answered_501_in_the_error_envelope(
    sandbox: Sandbox, api: Api, method: str, path: str
) -> None:
    zone = sandbox.store.zone_by_name("example.com").id
    answer = api.call(method, path.format(zone=zone), json={"name": "new.example"})
    assert answer.status_code == 501
    assert contract.problems(contract.ERROR, answer.json()) == []
    assert [z.name for z in sandbox.store.zones()] == sorted(SandboxSettings().zones)


# -- keys limited to names -----------------------------------------------------------------------


@pytest.fixture
def acme_key(sandbox: Sandbox) -> Api:
    """The sandbox's key limited to ``_acme-challenge`` in every zone."""
    return Api(sandbox, sandbox.settings.acme_names_token)


def test_key_limited_to_names_writes_and_deletes_at_them(sandbox: Sandbox, acme_key: Api) -> None:
    assert acme_key.create(content="v").status_code == 201
    path = f"{acme_key.records}/by-name/{NAME}/TXT"
    assert acme_key.call("DELETE", path, params={"content": "v"}).status_code == 204
    assert sandbox.txt_values(NAME) == []


def test_key_limited_to_names_is_refused_any_other_name(sandbox: Sandbox, acme_key: Api) -> None:
    refused = acme_key.call(
        "POST", acme_key.records, json={"name": OTHER, "type": "TXT", "content": "v"}
    )
    assert refused.status_code == 403
    assert "www.example.com" in refused.json()["error"]["message"]
    assert sandbox.txt_values(OTHER) == []


def test_key_limited_to_names_cannot_touch_another_names_record_by_id_or_name(
    sandbox: Sandbox, api: Api, acme_key: Api
) -> None:
    other = api.call(
        "POST", api.records, json={"name": OTHER, "type": "TXT", "content": "v"}
    ).json()["data"]["record"]
    by_id = f"{api.records}/{other['id']}"
    by_name = f"{api.records}/by-name/{OTHER}/TXT"
    assert acme_key.call("GET", by_id).status_code == 403
    assert acme_key.call("DELETE", by_id).status_code == 403
    assert acme_key.call("DELETE", by_name, params={"content": "v"}).status_code == 403
    assert sandbox.txt_values(OTHER) == ["v"]


def test_listing_for_a_key_limited_to_names_shows_only_its_names_by_default(
    api: Api, acme_key: Api
) -> None:
    api.create(content="challenge")
    api.call("POST", api.records, json={"name": OTHER, "type": "TXT", "content": "other"})

    assert [r["content"] for r in acme_key.listed()] == ["challenge"]


def test_listing_for_a_key_limited_to_names_can_be_refused_instead() -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        acme_key = Api(sandbox, sandbox.settings.acme_names_token)
        answer = acme_key.call("GET", acme_key.records)
        assert answer.status_code == 403
        assert contract.problems(contract.ERROR, answer.json()) == []
        assert acme_key.create(content="v").status_code == 201  # writing is still allowed


def test_names_grant_names_are_relative_to_each_zone(sandbox: Sandbox) -> None:
    grant = names_grant(["example.com", "example.org"], frozenset({"_acme-challenge.api", "@"}))
    assert grant.reaches("example.com", "_acme-challenge.api.example.com")
    assert grant.reaches("example.org", "example.org")
    assert not grant.reaches("example.com", "_acme-challenge.example.com")
    assert not grant.sees_zone("example.net")

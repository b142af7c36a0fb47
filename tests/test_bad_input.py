"""Bad input of every kind: a clear PluginError naming the fix, and no record left behind."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import requests_mock as rm
from certbot import errors

from tests.conftest import (
    API,
    TOKEN,
    MakeAuthenticator,
    achall,
    envelope,
    error_envelope,
    records_page,
    txt,
    zone,
    zones_page,
)

ZONES = [zone("z-com", "example.com"), zone("z-org", "example.org")]
FIRST, SECOND = achall("example.com"), achall("example.org", b"o" * 32)


class FakeZones:
    """requests-mock answers that keep the records: what was created and not deleted."""

    def __init__(self, mock: rm.Mocker) -> None:
        self.live: dict[str, str] = {}
        mock.get(f"{API}/zones", json=zones_page(ZONES))
        for zone_id in ("z-com", "z-org"):
            mock.post(f"{API}/zones/{zone_id}/records", status_code=201, json=self._create)
            mock.get(f"{API}/zones/{zone_id}/records", json=self._list)
        mock.delete(rm.ANY, status_code=204, json=self._delete)

    def _create(self, request: requests.PreparedRequest, context: Any) -> dict[str, Any]:
        body = request.json()  # type: ignore[attr-defined]
        record_id = f"id{len(self.live)}"
        self.live[record_id] = body["name"]
        return envelope({"record": txt(record_id, body["name"], body["content"])})

    def _list(self, request: requests.PreparedRequest, context: Any) -> dict[str, Any]:
        return records_page([txt(i, name, "-") for i, name in self.live.items()])

    def _delete(self, request: requests.PreparedRequest, context: Any) -> None:
        self.live.pop(str(request.path).rsplit("/", 1)[-1], None)  # type: ignore[attr-defined]


@pytest.fixture
def fake(requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch) -> FakeZones:
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # the client's retry waits
    return FakeZones(requests_mock)


def second_create_answers(mock: rm.Mocker, **answer: Any) -> None:
    mock.post(f"{API}/zones/z-org/records", **answer)


API_ANSWERS: dict[str, tuple[Callable[[rm.Mocker], None], str]] = {
    "non-JSON answer": (
        lambda m: second_create_answers(m, text="OK", headers={"Content-Type": "text/plain"}),
        "did not answer like the DNScale API",
    ),
    "JSON of the wrong shape": (
        lambda m: second_create_answers(m, json={"status": "success", "data": ["record"]}),
        "did not answer like the DNScale API",
    ),
    "HTML error page from a proxy": (
        lambda m: second_create_answers(
            m, status_code=502, text="<html><h1>502 Bad Gateway</h1></html>"
        ),
        "kept failing on its side",
    ),
    "200 with status error": (
        lambda m: second_create_answers(m, json=error_envelope("QUOTA", "record quota reached")),
        "refused the request",
    ),
    "zone list of the wrong shape": (
        lambda m: m.get(f"{API}/zones", json=envelope({"zones": {"id": "z-com"}})),
        "did not answer like the DNScale API",
    ),
}

CREDENTIALS: dict[str, tuple[str, str]] = {
    "malformed INI": (f"dns_dnscale_api_token {TOKEN}\n", "not a valid INI file"),
    "empty token": ("dns_dnscale_api_token =\n", "dns_dnscale_api_token"),
    "non-numeric TTL": (
        f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_ttl = 5m\n",
        "dns_dnscale_ttl",
    ),
    "API URL with a path": (
        f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_api_url = https://api.dnscale.eu/api\n",
        "dns_dnscale_api_url",
    ),
    "API URL with a query": (
        f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_api_url = https://api.dnscale.eu/?v=1\n",
        "dns_dnscale_api_url",
    ),
}


def run(make_authenticator: MakeAuthenticator, path: Path, **options: object) -> str:
    """perform then cleanup, as certbot does; the PluginError's text."""
    auth = make_authenticator(path, **options)
    try:
        auth.prepare()
        auth.perform([FIRST, SECOND])
    except errors.PluginError as err:
        auth.cleanup([FIRST, SECOND])
        return str(err)
    raise AssertionError("no PluginError")


@pytest.mark.parametrize("case", API_ANSWERS)
def test_bad_api_answers_give_a_clear_error_and_leave_nothing(
    case: str,
    fake: FakeZones,
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
) -> None:
    install, expected = API_ANSWERS[case]
    install(requests_mock)
    assert expected in run(make_authenticator, write_credentials())
    assert fake.live == {}


@pytest.mark.parametrize("case", CREDENTIALS)
def test_bad_credentials_give_a_clear_error_and_send_nothing(
    case: str,
    fake: FakeZones,
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
) -> None:
    text, expected = CREDENTIALS[case]
    message = run(make_authenticator, write_credentials(text))
    assert expected in message
    assert TOKEN not in message
    assert requests_mock.call_count == 0


def test_negative_propagation_seconds_give_a_clear_error_and_send_nothing(
    fake: FakeZones,
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
) -> None:
    message = run(make_authenticator, write_credentials(), propagation_seconds=-5)
    assert "--dns-dnscale-propagation-seconds must be a whole number" in message
    assert requests_mock.call_count == 0


def test_the_fake_zone_does_keep_records_until_deleted(
    fake: FakeZones,
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
) -> None:
    auth = make_authenticator(write_credentials())
    auth.perform([FIRST, SECOND])
    assert sorted(fake.live.values()) == [
        "_acme-challenge.example.com.",
        "_acme-challenge.example.org.",
    ]
    auth.cleanup([FIRST, SECOND])
    assert fake.live == {}

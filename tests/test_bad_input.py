"""Bad input of every kind: a clear PluginError naming the fix, and no record left behind."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import requests_mock as rm
from certbot import errors

from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from tests.conftest import (
    API,
    TOKEN,
    MakeAuthenticator,
    achall,
    envelope,
    error_envelope,
    records_page,
    txt,
    value_of,
    zone,
    zones_page,
)
from tests.fake_dns import FakeDns, fake_dns

ZONES = [zone("z-com", "example.com"), zone("z-org", "example.org")]
FIRST_DOMAIN, SECOND_DOMAIN = "example.com", "example.org"
FIRST, SECOND = achall(FIRST_DOMAIN), achall(SECOND_DOMAIN, b"o" * 32)


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

# -- the matrix: every credentials key and every plugin option, good and bad values ---------------

BOM = b"\xef\xbb\xbf"
TOKEN_LINE = f"dns_dnscale_api_token = {TOKEN}\n".encode()
PASTED = "pasted-rest"  # what follows a stray line break in a token: part of the secret too
DNS = "{dns}"  # stands for the address of a local DNS server serving the challenge values
BEYOND_SLEEP_SECONDS = (2**63 - 1) // 10**9  # time.sleep() raises OverflowError beyond this


@dataclass(frozen=True)
class Case:
    """One input: a credentials file (bytes, or a special path) and plugin options.

    A bad case names the text its error must contain (the fix) and any secret besides the
    token that must appear nowhere.
    """

    credentials: bytes = TOKEN_LINE
    path: str | None = None
    options: dict[str, object] = field(default_factory=dict)
    fix: str = ""
    secrets: tuple[str, ...] = ()
    domain: str = "example.org"
    line: int | None = None  # the line of the credentials file the error must name


def token_file(*lines: str) -> bytes:
    return TOKEN_LINE + "".join(f"{line}\n" for line in lines).encode()


GOOD: dict[str, Case] = {
    "token": Case(),
    "token-quoted": Case(f'dns_dnscale_api_token = "{TOKEN}"\n'.encode()),
    "token-crlf": Case(TOKEN_LINE.replace(b"\n", b"\r\n")),
    "token-utf8-bom": Case(BOM + TOKEN_LINE),
    "token-comment-with-comma": Case(b"# DNScale, for certbot\n" + TOKEN_LINE),
    "api_url-with-v1": Case(token_file("dns_dnscale_api_url = https://api.dnscale.eu/v1")),
    "api_url-trailing-slash": Case(token_file("dns_dnscale_api_url = https://api.dnscale.eu/")),
    "ttl-120": Case(token_file("dns_dnscale_ttl = 120")),
    "ttl-86400": Case(token_file("dns_dnscale_ttl = 86400")),
    "ttl-quoted": Case(token_file('dns_dnscale_ttl = "600"')),
    "propagation-seconds-0": Case(options={"propagation_seconds": 0}),
    "propagation-seconds-day": Case(options={"propagation_seconds": 86400}),
    "propagation-check-off": Case(options={"propagation_check": "off"}),
    "propagation-check-on": Case(options={"propagation_check": "on", "nameservers": DNS}),
    "nameservers-text": Case(options={"propagation_check": "on", "nameservers": f" {DNS} "}),
    "nameservers-two": Case(options={"propagation_check": "on", "nameservers": f"{DNS},{DNS}"}),
    "nameservers-renewal-conf-list": Case(
        options={"propagation_check": "on", "nameservers": [DNS, DNS]}
    ),
    "resolver-ip-port": Case(options={"resolver": DNS}),
    "require-propagation": Case(
        options={"propagation_check": "on", "nameservers": DNS, "require_propagation": True}
    ),
}

BAD: dict[str, Case] = {
    # the file itself
    "file-missing": Case(path="{tmp}/missing.ini", fix="Create it with the line"),
    "file-directory": Case(path="{tmp}", fix="point --dns-dnscale-credentials at the INI file"),
    "file-fifo": Case(path="{fifo}", fix="point --dns-dnscale-credentials at the INI file"),
    "file-dev-zero": Case(path="/dev/zero", fix="point --dns-dnscale-credentials at the INI"),
    "file-huge": Case(TOKEN_LINE + b"#" * 70_000, fix="Point --dns-dnscale-credentials at the"),
    "file-utf16": Case(b"\xff\xfe" + TOKEN_LINE.decode().encode("utf-16-le"), fix="as UTF-8"),
    "file-not-utf8": Case(TOKEN_LINE + b"# caf\xe9\n", fix="Save it as UTF-8 text"),
    "file-malformed-line": Case(f"dns_dnscale_api_token {TOKEN}\n".encode(), fix="key = value"),
    # dns_dnscale_api_token
    "token-empty": Case(b"dns_dnscale_api_token =\n", fix="dns_dnscale_api_token"),
    "token-missing": Case(b"dns_dnscale_ttl = 300\n", fix="dns_dnscale_api_token"),
    "token-cr": Case(
        f"dns_dnscale_api_token = {TOKEN}\r{PASTED}\n".encode(),
        fix="Put the token on one line",
        secrets=(PASTED,),
        line=1,
    ),
    "token-space": Case(
        f"dns_dnscale_api_token = {TOKEN} {PASTED}\n".encode(),
        fix="Put the token on one line",
        secrets=(PASTED,),
        line=1,
    ),
    "token-vertical-tab": Case(
        f"dns_dnscale_api_token = {TOKEN}\x0b{PASTED}\n".encode(),
        fix="Put the token on one line",
        secrets=(PASTED,),
        line=1,
    ),
    "token-two-lines": Case(
        f'dns_dnscale_api_token = """{TOKEN}\n{PASTED}"""\n'.encode(),
        fix="Put the token on one line",
        secrets=(PASTED,),
        line=1,
    ),
    "token-non-ascii": Case(
        f"dns_dnscale_api_token = {TOKEN}\u00e9\n".encode(), fix="Put the token on one line"
    ),
    "token-comma": Case(
        f"dns_dnscale_api_token = {TOKEN}, {PASTED}\n".encode(),
        fix="put the value in double quotes",
        secrets=(PASTED,),
        line=1,
    ),
    "token-section": Case(
        f"[dns_dnscale_api_token]\nx = {TOKEN}\n".encode(), fix="write it as 'key = value'"
    ),
    "token-interpolation": Case(
        f"dns_dnscale_api_token = {TOKEN}%(x)s\n".encode(), fix="Remove it"
    ),
    # dns_dnscale_api_url
    "api_url-plain-http": Case(
        token_file("dns_dnscale_api_url = http://api.dnscale.eu"), fix="Use https://api.dnscale.eu"
    ),
    "api_url-other-scheme": Case(
        token_file("dns_dnscale_api_url = ftp://api.dnscale.eu"), fix="Use https://api.dnscale.eu"
    ),
    "api_url-path": Case(
        token_file("dns_dnscale_api_url = https://api.dnscale.eu/api"), fix="Use https://"
    ),
    "api_url-query": Case(
        token_file("dns_dnscale_api_url = https://api.dnscale.eu/?key=sekrit"),
        fix="Use https://api.dnscale.eu",
        secrets=("sekrit",),
    ),
    "api_url-password": Case(
        token_file("dns_dnscale_api_url = https://admin:hunter2@api.dnscale.eu"),
        fix="Use https://api.dnscale.eu",
        secrets=("hunter2",),
    ),
    "api_url-control-character": Case(
        token_file("dns_dnscale_api_url = https://api.dnscale.eu\x0b/v1"), fix="Use https://"
    ),
    "api_url-comma": Case(
        token_file("dns_dnscale_api_url = https://api.dnscale.eu, https://backup"),
        fix="put the value in double quotes",
    ),
    "api_url-token-pasted": Case(
        token_file(f"dns_dnscale_api_url = {TOKEN}"), fix="Use https://api.dnscale.eu"
    ),
    # dns_dnscale_ttl
    "ttl-too-low": Case(token_file("dns_dnscale_ttl = 119"), fix="from 120 to 86400"),
    "ttl-too-high": Case(token_file("dns_dnscale_ttl = 86401"), fix="from 120 to 86400"),
    "ttl-with-unit": Case(token_file("dns_dnscale_ttl = 5m"), fix="from 120 to 86400"),
    "ttl-underscore": Case(token_file("dns_dnscale_ttl = 1_000"), fix="from 120 to 86400"),
    "ttl-comment-with-comma": Case(
        token_file("dns_dnscale_ttl = 300  (seconds, 120..86400)"),
        fix="put the value in double quotes",
        line=2,
    ),
    # --dns-dnscale-propagation-seconds
    "propagation-seconds-negative": Case(
        options={"propagation_seconds": -5}, fix="--dns-dnscale-propagation-seconds"
    ),
    "propagation-seconds-10**20": Case(
        options={"propagation_seconds": 10**20}, fix="--dns-dnscale-propagation-seconds"
    ),
    "propagation-seconds-10**20-check-on": Case(
        options={"propagation_seconds": 10**20, "propagation_check": "on"},
        fix="--dns-dnscale-propagation-seconds",
    ),
    # --dns-dnscale-propagation-check
    "propagation-check-maybe": Case(
        options={"propagation_check": "maybe"}, fix="must be on or off"
    ),
    # --dns-dnscale-nameservers
    "nameservers-empty": Case(
        options={"propagation_check": "on", "nameservers": ""}, fix="--dns-dnscale-nameservers"
    ),
    "nameservers-empty-entry": Case(
        options={"propagation_check": "on", "nameservers": [DNS, ""]},
        fix="--dns-dnscale-nameservers",
    ),
    "nameservers-unclosed-bracket": Case(
        options={"nameservers": "[::1"}, fix="write [ADDRESS] or [ADDRESS]:PORT"
    ),
    "nameservers-ambiguous-ipv6": Case(options={"nameservers": "::1:53"}, fix="write [::1]:53"),
    "nameservers-bad-port": Case(
        options={"nameservers": "127.0.0.1:x"}, fix="the port must be a number"
    ),
    "nameservers-label-too-long": Case(
        options={"nameservers": "a" * 64 + ".example.com"}, fix="--dns-dnscale-nameservers"
    ),
    # --dns-dnscale-resolver
    "resolver-empty": Case(options={"resolver": ""}, fix="--dns-dnscale-resolver"),
    "resolver-name": Case(options={"resolver": "dns.example.com"}, fix="use IP or IP:PORT"),
    "resolver-unclosed-bracket": Case(options={"resolver": "[::1"}, fix="--dns-dnscale-resolver"),
    "resolver-renewal-conf-list": Case(
        options={"resolver": ["127.0.0.1", "127.0.0.2"]}, fix="--dns-dnscale-resolver"
    ),
    # the names themselves
    "name-label-too-long": Case(domain="a" * 64 + ".example.org", fix="Remove that name"),
    "name-too-long": Case(domain=("a" * 60 + ".") * 4 + "example.org", fix="Remove that name"),
}


def prepare_and_perform(auth: Authenticator, achalls: list[Any]) -> None:
    """What certbot does first with the plugin."""
    auth.prepare()
    auth.perform(achalls)


@pytest.fixture
def dns_values() -> Iterator[FakeDns]:
    """A local DNS server serving both challenges' TXT values."""
    steps = {
        (f"_acme-challenge.{FIRST_DOMAIN}", "TXT"): [[f'"{value_of(FIRST)}"']],
        (f"_acme-challenge.{SECOND_DOMAIN}", "TXT"): [[f'"{value_of(SECOND)}"']],
    }
    with fake_dns(steps) as server:
        yield server


def _options(case: Case, dns_address: str) -> dict[str, object]:
    def fill(value: object) -> object:
        if isinstance(value, str):
            return value.replace(DNS, dns_address)
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    return {key: fill(value) for key, value in case.options.items()}


def _credentials_path(case: Case, tmp_path: Path) -> Path:
    if case.path == "{fifo}":
        fifo = tmp_path / "fifo.ini"
        os.mkfifo(fifo)
        return fifo
    if case.path is not None:
        return Path(case.path.replace("{tmp}", str(tmp_path)))
    path = tmp_path / "dnscale.ini"
    path.write_bytes(case.credentials)
    path.chmod(0o600)
    return path


def _posts(mock: rm.Mocker) -> list[Any]:
    return [request for request in mock.request_history if request.method == "POST"]


@pytest.fixture
def sleep_like_time_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The plugin's sleeps, recorded and not slept; beyond what time.sleep can take, its error."""
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        if seconds > BEYOND_SLEEP_SECONDS:
            raise OverflowError("timestamp too large to convert to C _PyTime_t")
        slept.append(seconds)

    monkeypatch.setattr("time.sleep", sleep)
    return slept


@pytest.mark.parametrize("name", GOOD)
def test_good_input_gets_the_records_created_then_removed(
    name: str,
    fake: FakeZones,
    sleep_like_time_sleep: list[float],
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    dns_values: FakeDns,
    tmp_path: Path,
    display: io.StringIO,
) -> None:
    case = GOOD[name]
    auth = make_authenticator(
        _credentials_path(case, tmp_path), **_options(case, dns_values.address)
    )
    auth.prepare()
    responses = auth.perform([FIRST, SECOND])
    assert len(responses) == 2
    assert sorted(fake.live.values()) == [
        f"_acme-challenge.{FIRST_DOMAIN}.",
        f"_acme-challenge.{SECOND_DOMAIN}.",
    ]
    assert {r.headers["Authorization"] for r in requests_mock.request_history} == {
        f"Bearer {TOKEN}"
    }
    auth.cleanup([FIRST, SECOND])
    assert fake.live == {}
    checked = case.options.get("propagation_check") == "on"
    assert sleep_like_time_sleep == (
        [] if checked else [case.options.get("propagation_seconds", 0)]
    )


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_a_clear_error_before_anything_is_created_and_never_shows_the_token(
    name: str,
    fake: FakeZones,
    sleep_like_time_sleep: list[float],
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    dns_values: FakeDns,
    tmp_path: Path,
    display: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    case = BAD[name]
    second = achall(case.domain, b"o" * 32)
    auth = make_authenticator(
        _credentials_path(case, tmp_path), **_options(case, dns_values.address)
    )
    with pytest.raises(errors.PluginError) as raised:
        prepare_and_perform(auth, [FIRST, second])
    auth.cleanup([FIRST, second])
    message = str(raised.value)
    assert case.fix in message
    assert case.line is None or f"at line {case.line} of" in message
    assert _posts(requests_mock) == []
    assert fake.live == {}
    assert sleep_like_time_sleep == []
    captured = capsys.readouterr()
    outputs = [message, caplog.text, display.getvalue(), captured.out, captured.err]
    for secret in (TOKEN, *case.secrets):
        assert not [text for text in outputs if secret in text], secret


# -- bad answers from the API -------------------------------------------------------------------


@pytest.mark.parametrize("case", API_ANSWERS)
def test_bad_api_answers_give_a_clear_error_and_leave_nothing(
    case: str,
    fake: FakeZones,
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    install, expected = API_ANSWERS[case]
    install(requests_mock)
    auth = make_authenticator(write_credentials())
    with pytest.raises(errors.PluginError) as raised:
        prepare_and_perform(auth, [FIRST, SECOND])
    auth.cleanup([FIRST, SECOND])
    assert expected in str(raised.value)
    assert fake.live == {}
    assert TOKEN not in str(raised.value) + caplog.text + display.getvalue()


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

"""The dns-dnscale authenticator: what certbot sees, against a faked DNScale API."""

from __future__ import annotations

import hashlib
import io
import logging
import subprocess
import sys
import unittest
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm
from certbot import errors
from certbot.plugins import dns_test_common

from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from tests.conftest import (
    API,
    TOKEN,
    MakeAuthenticator,
    achall,
    authenticator,
    envelope,
    error_envelope,
    records_page,
    txt,
    value_of,
    zone,
    zones_page,
)

ZONES = [
    zone("z-com", "example.com"),
    zone("z-sub", "sub.example.com"),
    zone("z-org", "example.org"),
]


@pytest.fixture
def auth(
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    make_authenticator: MakeAuthenticator,
) -> Authenticator:
    return make_authenticator(write_credentials())


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The client's retry waits, recorded instead of slept."""
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    return waits


BACKOFF_SECONDS = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
"""The default policy's waits between its 8 attempts before jitter: doubling, capped at 8 s."""


def assert_jittered_backoff(waits: list[float]) -> None:
    """Seven waits, each between half and all of the doubling backoff (equal jitter)."""
    assert len(waits) == len(BACKOFF_SECONDS), waits
    for wait, backoff in zip(waits, BACKOFF_SECONDS, strict=True):
        assert backoff / 2 <= wait <= backoff, waits


@pytest.fixture
def api(requests_mock: rm.Mocker) -> rm.Mocker:
    """An API with three zones whose record creates succeed with ids r1, r2, ..."""
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))

    def created(request: requests.PreparedRequest, context: object) -> dict[str, object]:
        body = request.json()  # type: ignore[attr-defined]
        return envelope({"record": txt(record_id(body["content"]), body["name"], body["content"])})

    for zone_id in ("z-com", "z-sub", "z-org"):
        requests_mock.post(f"{API}/zones/{zone_id}/records", status_code=201, json=created)
        requests_mock.delete(rm.ANY, status_code=204)
    return requests_mock


def record_id(value: str) -> str:
    """Like DNScale's, the fake API's record ids derive from the content."""
    return "id-" + hashlib.sha256(value.encode()).hexdigest()[:12]


def calls(mock: rm.Mocker) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in mock.request_history]


class TestCertbotContract(unittest.TestCase, dns_test_common.BaseAuthenticatorTest):
    """certbot's own checks for DNS authenticators."""

    def setUp(self) -> None:
        self.auth = authenticator(Path("/nonexistent.ini"))


def test_certbot_finds_the_plugin_under_its_published_name() -> None:
    (entry_point,) = metadata.entry_points(group="certbot.plugins", name="dns-dnscale")
    assert entry_point.load() is Authenticator


def test_default_propagation_seconds_stays_60_as_in_1_0_2() -> None:
    options: dict[str, object] = {}
    Authenticator.add_parser_arguments(lambda name, **kw: options.__setitem__(name, kw))
    assert options["propagation-seconds"]["default"] == 60  # type: ignore[index]
    assert "credentials" in options


# -- perform -----------------------------------------------------------------------------------


def test_perform_creates_the_txt_record_in_the_zone_of_the_name(
    auth: Authenticator, api: rm.Mocker
) -> None:
    challenge = achall("www.example.org")
    auth.perform([challenge])
    post = api.request_history[-1]
    assert post.path == "/v1/zones/z-org/records"
    assert post.json()["name"] == "_acme-challenge.www.example.org."
    assert post.json()["content"] == value_of(challenge)
    assert post.json()["ttl"] == 300
    assert post.json()["comment"].startswith("certbot-dns-dnscale ACME challenge, created 20")


def test_nested_zone_gets_the_records_of_its_names(auth: Authenticator, api: rm.Mocker) -> None:
    auth.perform([achall("a.sub.example.com"), achall("example.com", b"b" * 32)])
    posts = [r.path for r in api.request_history if r.method == "POST"]
    assert sorted(posts) == ["/v1/zones/z-com/records", "/v1/zones/z-sub/records"]


def test_zone_list_is_fetched_once_per_run(auth: Authenticator, api: rm.Mocker) -> None:
    auth.perform([achall(d, bytes([65 + i]) * 32) for i, d in enumerate(["a.example.com",
                  "b.example.com", "example.org", "sub.example.com"])])  # fmt: skip
    assert [m for m, p in calls(api) if p == "/v1/zones"] == ["GET"]


def test_apex_and_wildcard_put_two_values_at_one_name(auth: Authenticator, api: rm.Mocker) -> None:
    apex, wildcard = achall("example.com", b"a" * 32), achall("example.com", b"w" * 32)
    auth.perform([apex, wildcard])
    posts = [r.json() for r in api.request_history if r.method == "POST"]
    assert {p["name"] for p in posts} == {"_acme-challenge.example.com."}
    assert {p["content"] for p in posts} == {value_of(apex), value_of(wildcard)}


def test_custom_ttl_from_the_credentials_file_is_sent(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    api: rm.Mocker,
) -> None:
    auth = make_authenticator(write_credentials(dns_dnscale_ttl="600"))
    auth.perform([achall("example.com")])
    assert api.request_history[-1].json()["ttl"] == 600


def test_api_url_without_v1_from_1_0_2_still_reaches_v1(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials(dns_dnscale_api_url="http://127.0.0.1:8053")
    requests_mock.get("http://127.0.0.1:8053/v1/zones", json=zones_page([zone("z", "example.com")]))
    requests_mock.post(
        "http://127.0.0.1:8053/v1/zones/z/records", status_code=201, json=envelope({})
    )
    make_authenticator(path).perform([achall("example.com")])
    assert requests_mock.call_count == 2


def test_perform_answers_each_challenge(auth: Authenticator, api: rm.Mocker) -> None:
    challenges_ = [achall("example.com"), achall("example.org", b"o" * 32)]
    responses = auth.perform(challenges_)
    assert responses == [c.response(c.account_key) for c in challenges_]


def test_perform_says_how_long_it_waits(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    api: rm.Mocker,
) -> None:
    make_authenticator(write_credentials()).perform([achall("example.com")])
    assert "Waiting 0 seconds for DNS changes to propagate" in display.getvalue()


# -- errors on the perform path ----------------------------------------------------------------


def test_name_without_a_zone_says_which_names_were_tried_and_how_many_zones(
    auth: Authenticator, api: rm.Mocker
) -> None:
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("www.example.net")])
    assert str(raised.value) == (
        "No DNScale zone holds _acme-challenge.www.example.net: tried "
        "_acme-challenge.www.example.net, www.example.net, example.net, net among the 3 "
        "zone(s) this API token can see. Add the domain's zone to DNScale, or give the token "
        "access to the zone."
    )


def test_rejected_token_names_the_key_and_the_file(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials()
    requests_mock.get(f"{API}/zones", status_code=401, json=error_envelope("UNAUTHORIZED", "x"))
    with pytest.raises(errors.PluginError) as raised:
        make_authenticator(path).perform([achall("example.com")])
    assert str(raised.value) == (
        f"Could not list the zones the API token can see: DNScale rejected the API token in "
        f"{path}: it is mistyped, expired or revoked. Create a new token in the DNScale "
        "dashboard and put it in dns_dnscale_api_token. [x (HTTP 401 UNAUTHORIZED)]"
    )


def test_missing_write_scope_names_the_scopes_zone_and_name(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))
    requests_mock.post(
        f"{API}/zones/z-com/records",
        status_code=403,
        json=error_envelope("FORBIDDEN", "missing scope records:write"),
        headers={"X-Request-ID": "req-7"},
    )
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    message = str(raised.value)
    assert "zones:read, records:read and records:write" in message
    assert "access to example.com" in message
    assert "the name _acme-challenge.example.com" in message
    assert "missing scope records:write" in message
    assert "req-7" in message


def test_validation_error_passes_on_the_api_message_and_points_at_the_ttl(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))
    requests_mock.post(
        f"{API}/zones/z-com/records",
        status_code=422,
        json=error_envelope("VALIDATION_ERROR", "ttl must be between 300 and 86400"),
    )
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    assert "ttl must be between 300 and 86400" in str(raised.value)
    assert "dns_dnscale_ttl" in str(raised.value)


def test_zone_gone_between_list_and_create_is_explained(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))
    requests_mock.post(
        f"{API}/zones/z-com/records", status_code=404, json=error_envelope("NOT_FOUND", "zone")
    )
    with pytest.raises(errors.PluginError, match="was the zone deleted or moved"):
        auth.perform([achall("example.com")])


def test_other_client_errors_say_the_api_refused(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", status_code=400, json=error_envelope("BAD", "bad request"))
    with pytest.raises(errors.PluginError, match=r"refused the request.*bad request"):
        auth.perform([achall("example.com")])


def test_lasting_server_errors_say_try_later_with_the_request_id(
    auth: Authenticator, requests_mock: rm.Mocker, no_retry_waits: list[float]
) -> None:
    requests_mock.get(f"{API}/zones", status_code=503, headers={"X-Request-ID": "req-9"})
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    assert "kept failing on its side. Try again later" in str(raised.value)
    assert "req-9" in str(raised.value)
    assert "after 8 attempts" in str(raised.value)
    assert_jittered_backoff(no_retry_waits)


def test_lasting_rate_limit_says_so(auth: Authenticator, requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/zones", status_code=429, headers={"Retry-After": "600"})
    with pytest.raises(errors.PluginError, match=r"kept rate limiting.*wait 600 s"):
        auth.perform([achall("example.com")])


def test_unreachable_api_names_the_url_and_the_setting(
    auth: Authenticator, requests_mock: rm.Mocker, no_retry_waits: list[float]
) -> None:
    requests_mock.get(f"{API}/zones", exc=requests.ConnectionError("Name or service not known"))
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    assert f"the DNScale API at {API} could not be reached" in str(raised.value)
    assert "dns_dnscale_api_url" in str(raised.value)
    assert_jittered_backoff(no_retry_waits)


def test_something_that_is_not_the_api_says_check_the_url(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", text="<html>captive portal</html>")
    with pytest.raises(errors.PluginError, match="did not answer like the DNScale API"):
        auth.perform([achall("example.com")])


# -- options and credentials -------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [-1, "ten"])
def test_invalid_propagation_seconds_are_refused_before_anything_happens(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path], seconds: object
) -> None:
    auth = make_authenticator(write_credentials(), propagation_seconds=seconds)
    with pytest.raises(errors.PluginError, match="propagation-seconds must be a whole number"):
        auth.prepare()


def test_zero_propagation_seconds_are_accepted(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    auth = make_authenticator(write_credentials(), propagation_seconds=0)
    auth.prepare()
    assert auth._wait_settings().bound_seconds == 0


def test_missing_token_names_the_key_and_the_file(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials("dns_dnscale_ttl = 300\n")
    with pytest.raises(errors.PluginError) as raised:
        make_authenticator(path).perform([achall("example.com")])
    assert str(raised.value) == (
        f"Missing property in credentials configuration file {path}:\n * Property "
        '"dns_dnscale_api_token" not found (should be an API token for DNScale with scopes '
        "zones:read, records:read and records:write)."
    )
    assert requests_mock.call_count == 0


def test_malformed_credentials_file_fails_before_any_request(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials(f"dns_dnscale_api_token: {TOKEN}\n[oops\n")
    with pytest.raises(errors.PluginError, match="not a valid INI file"):
        make_authenticator(path).perform([achall("example.com")])
    assert requests_mock.call_count == 0


def test_invalid_api_url_fails_before_any_request(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials(dns_dnscale_api_url="http://api.dnscale.eu")
    with pytest.raises(errors.PluginError, match="only allowed for a loopback host"):
        make_authenticator(path).perform([achall("example.com")])
    assert requests_mock.call_count == 0


# -- cleanup -----------------------------------------------------------------------------------


def test_cleanup_deletes_by_id_exactly_the_records_created(
    auth: Authenticator, api: rm.Mocker
) -> None:
    created = [achall("example.com"), achall("example.com", b"w" * 32)]
    auth.perform(created)
    auth.cleanup(created)
    deletes = sorted(p for m, p in calls(api) if m == "DELETE")
    assert deletes == sorted(f"/v1/zones/z-com/records/{record_id(value_of(c))}" for c in created)


def test_cleanup_of_a_challenge_that_was_never_created_sends_nothing(
    auth: Authenticator, api: rm.Mocker
) -> None:
    auth.perform([achall("example.com")])
    api.reset_mock()
    auth.cleanup([achall("example.org", b"x" * 32)])
    assert api.call_count == 0


def test_cleanup_runs_once_per_record(auth: Authenticator, api: rm.Mocker) -> None:
    challenge = achall("example.com")
    auth.perform([challenge])
    auth.cleanup([challenge])
    auth.cleanup([challenge])
    assert [m for m, _ in calls(api)].count("DELETE") == 1


def test_cleanup_falls_back_to_delete_by_name_and_value_when_the_id_is_gone(
    auth: Authenticator, api: rm.Mocker
) -> None:
    challenge = achall("example.com")
    auth.perform([challenge])
    api.delete(
        f"{API}/zones/z-com/records/{record_id(value_of(challenge))}",
        status_code=404,
        json=error_envelope("NOT_FOUND", ""),
    )
    auth.cleanup([challenge])
    # requests-mock lowercases ``path`` and ``qs``; the raw URL keeps what was sent, and ACME
    # values are case-sensitive: a lowercased value would match nothing at DNScale.
    assert value_of(challenge) != value_of(challenge).lower()  # a value case can break
    sent = urlsplit(api.request_history[-1].url)
    assert sent.path == "/v1/zones/z-com/records/by-name/_acme-challenge.example.com./TXT"
    assert parse_qs(sent.query) == {"content": [value_of(challenge)]}


def test_cleanup_deletes_by_name_when_the_create_answer_had_no_id(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))
    requests_mock.post(f"{API}/zones/z-com/records", status_code=201, json=envelope({}))
    requests_mock.delete(rm.ANY, status_code=204)
    challenge = achall("example.com")
    auth.perform([challenge])
    auth.cleanup([challenge])
    assert "/by-name/" in requests_mock.request_history[-1].path


def test_cleanup_of_a_value_already_removed_is_quiet(
    auth: Authenticator, api: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    challenge = achall("example.com")
    auth.perform([challenge])
    api.delete(rm.ANY, status_code=404, json=error_envelope("NOT_FOUND", "gone"))
    auth.cleanup([challenge])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_cleanup_leaves_a_value_that_was_there_before(
    auth: Authenticator, requests_mock: rm.Mocker
) -> None:
    challenge = achall("example.com")
    requests_mock.get(f"{API}/zones", json=zones_page(ZONES))
    requests_mock.post(
        f"{API}/zones/z-com/records", status_code=409, json=error_envelope("CONFLICT", "")
    )
    requests_mock.get(
        f"{API}/zones/z-com/records",
        json=records_page([txt("old", "_acme-challenge.example.com.", value_of(challenge))]),
    )
    auth.perform([challenge])
    auth.cleanup([challenge])
    assert "DELETE" not in [r.method for r in requests_mock.request_history]


def test_cleanup_failure_is_a_warning_naming_the_record_left_behind(
    auth: Authenticator, api: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = achall("example.com"), achall("example.org", b"o" * 32)
    auth.perform([first, second])
    api.delete(
        f"{API}/zones/z-com/records/{record_id(value_of(first))}",
        status_code=401,
        json=error_envelope("UNAUTH", "token revoked"),
    )
    auth.cleanup([first, second])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    credentials = auth.conf("credentials")
    assert warnings == [
        f"Could not remove the TXT record _acme-challenge.example.com with value "
        f"{value_of(first)!r} (zone id z-com): token revoked (HTTP 401 UNAUTH). It is left behind: "
        f"delete it in the DNScale dashboard, or `certbot-dns-dnscale sweep --credentials "
        f"{credentials}` removes it (and any other leftover of this plugin) once it is 6 hours "
        "old; add --older-than 30m to remove it sooner when no other certbot run is using this "
        "token."
    ]
    org_delete = ("DELETE", f"/v1/zones/z-org/records/{record_id(value_of(second))}")
    assert org_delete in calls(api)  # the other cleanup still ran


# -- secrecy -----------------------------------------------------------------------------------


def test_the_token_appears_in_no_log_or_error_of_a_whole_run(
    auth: Authenticator,
    api: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
    no_retry_waits: list[float],
) -> None:
    caplog.set_level(logging.DEBUG)
    ok, failing = achall("example.com"), achall("example.net", b"n" * 32)
    auth.perform([ok])
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([failing])
    api.delete(rm.ANY, status_code=500)
    auth.cleanup([ok, failing])
    assert caplog.records
    assert TOKEN not in caplog.text
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(auth.__dict__)
    # the check-off wait of 0 s, then the failing delete's retries: their log lines were checked
    assert no_retry_waits[0] == 0
    assert_jittered_backoff(no_retry_waits[1:])


def test_the_plugin_does_not_load_the_sandbox() -> None:
    code = (
        "import sys, certbot_dns_dnscale._internal.dns_dnscale; "
        "print(any(m.startswith('certbot_dns_dnscale.sandbox') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_challenges_of_certbots_before_5_3_are_read_by_their_domain(
    auth: Authenticator, api: rm.Mocker
) -> None:
    """certbot 2.x-5.2 (Debian 12's, Ubuntu 24.04's) give ``achall.domain``, no ``identifier``."""

    class OldStyleChallenge:
        def __init__(self, modern: object) -> None:
            self._modern = modern
            self.domain = "www.example.org"
            self.account_key = dns_test_common.KEY

        def __getattr__(self, name: str) -> object:
            if name == "identifier":
                raise AttributeError(name)  # as certbot 2.x: proxied to the challenge, missing
            return getattr(self._modern, name)

    challenge = achall("www.example.org")
    auth.perform([OldStyleChallenge(challenge)])  # type: ignore[list-item]
    assert api.request_history[-1].json()["name"] == "_acme-challenge.www.example.org."


# -- one certbot process, many lineages (certbot renew) ----------------------------------------


def test_lineages_renewed_in_one_process_share_one_zone_listing(
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    make_authenticator: MakeAuthenticator,
    api: rm.Mocker,
) -> None:
    """certbot renew builds one authenticator per lineage; the zone list is read once."""
    credentials = write_credentials()
    for index, domain in enumerate(["www.example.com", "example.org", "a.sub.example.com"]):
        lineage = make_authenticator(credentials)
        challenge = achall(domain, bytes([65 + index]) * 32)
        lineage.perform([challenge])
        lineage.cleanup([challenge])
    assert [m for m, p in calls(api) if p == "/v1/zones"] == ["GET"]
    assert [m for m, _ in calls(api)].count("DELETE") == 3


# -- options as a hand-edited renewal conf gives them ------------------------------------------


def test_nameservers_from_a_renewal_conf_list_are_each_checked(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    auth = make_authenticator(write_credentials(), nameservers=["127.0.0.1:53", "[::1"])
    with pytest.raises(errors.PluginError) as raised:
        auth.prepare()
    message = str(raised.value)  # the middle is dns_client's reason, '[::1' lacks the ']'
    assert message.startswith("--dns-dnscale-nameservers: '[::1'")
    assert message.endswith("; use HOST or HOST:PORT (IPv6: [ADDRESS]:PORT), separated by commas.")


def test_nameservers_from_a_renewal_conf_list_are_used_one_by_one(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    auth = make_authenticator(write_credentials(), nameservers=["127.0.0.1:53", " 127.0.0.2"])
    auth.prepare()
    assert auth._wait_settings().nameservers == ("127.0.0.1:53", "127.0.0.2")


@pytest.mark.parametrize(
    ("option", "value"),
    [("resolver", ""), ("resolver", "  "), ("resolver", ["127.0.0.1", "127.0.0.2"]),
     ("nameservers", "")],
)  # fmt: skip
def test_empty_or_several_resolvers_are_refused_naming_the_fix(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    option: str,
    value: object,
) -> None:
    auth = make_authenticator(write_credentials(), **{option: value})
    with pytest.raises(
        errors.PluginError, match=rf"--dns-dnscale-{option}.*leave (it|the option) out"
    ):
        auth.prepare()


def test_a_propagation_bound_beyond_a_day_is_refused(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    auth = make_authenticator(write_credentials(), propagation_seconds=10**20)
    with pytest.raises(errors.PluginError, match="use at most 86400"):
        auth.prepare()


def test_a_propagation_bound_of_a_day_is_accepted(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    auth = make_authenticator(write_credentials(), propagation_seconds=86400)
    auth.prepare()
    assert auth._wait_settings().bound_seconds == 86400


def test_cleanup_after_a_perform_that_failed_before_its_batch_existed_does_nothing(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    """certbot calls cleanup after a failed perform; with nothing set up there is nothing to do."""
    auth = make_authenticator(write_credentials(), nameservers="127.0.0.1:x")
    challenge = achall("example.com")
    with pytest.raises(errors.PluginError, match="--dns-dnscale-nameservers"):
        auth.perform([challenge])
    auth.cleanup([challenge])
    assert requests_mock.call_count == 0


def test_without_a_credentials_option_certbot_asks_for_the_file_by_its_name(
    display: io.StringIO, requests_mock: rm.Mocker
) -> None:
    auth = authenticator(Path("unused"))
    auth.config.dns_dnscale_credentials = None
    with pytest.raises(errors.MissingCommandlineFlag) as raised:
        auth.perform([achall("example.com")])
    assert str(raised.value).endswith("Input the path to your DNScale credentials INI file")
    assert requests_mock.call_count == 0


def test_a_batch_without_credentials_set_up_is_refused(
    make_authenticator: MakeAuthenticator, write_credentials: Callable[..., Path]
) -> None:
    """Only perform sets the credentials up; nothing may build a client before it."""
    auth = make_authenticator(write_credentials())
    with pytest.raises(errors.PluginError, match=r"^The DNScale credentials were not set up\.$"):
        auth._get_batch()


def test_each_api_url_keeps_its_own_zone_list_for_one_token(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    api: rm.Mocker,
    tmp_path: Path,
) -> None:
    """Two lineages in one certbot renew, one token, two API URLs: two zone lists."""
    sandbox_url = "http://127.0.0.1:8053/v1"
    api.get(f"{sandbox_url}/zones", json=zones_page([zone("z-local", "example.com")]))
    api.post(f"{sandbox_url}/zones/z-local/records", status_code=201, json=envelope({}))
    make_authenticator(write_credentials()).perform([achall("example.com")])
    local = tmp_path / "local"
    local.mkdir()
    local_ini = local / "dnscale.ini"
    local_ini.write_text(f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_api_url = {sandbox_url}\n")
    local_ini.chmod(0o600)
    make_authenticator(local_ini).perform([achall("example.com", b"l" * 32)])
    posts = [r.url for r in api.request_history if r.method == "POST"]
    assert posts == [f"{API}/zones/z-com/records", f"{sandbox_url}/zones/z-local/records"]


def test_the_authenticator_can_be_built_with_keywords_like_any_certbot_plugin(
    write_credentials: Callable[..., Path],
) -> None:
    config = authenticator(write_credentials(), propagation_seconds=7).config
    auth = Authenticator(config=config, name="dns-dnscale")
    assert auth.conf("propagation-seconds") == 7


def test_a_bad_value_in_the_credentials_file_names_that_file(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    path = write_credentials(dns_dnscale_ttl="ten")
    with pytest.raises(errors.PluginError) as raised:
        make_authenticator(path).perform([achall("example.com")])
    assert f" in {path} is not valid" in str(raised.value)
    assert requests_mock.call_count == 0

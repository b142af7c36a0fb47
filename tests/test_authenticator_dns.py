"""The authenticator's DNS side against the whole local sandbox (its API and its DNS server):
waiting for propagation, CNAME delegation, and the options that steer them."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from certbot import errors

from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import achall, authenticator, closed_udp_port, value_of

DELEGATED = "example.com.acme.example.net"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(propagation_delay_seconds=0.3)) as running:
        yield running


@pytest.fixture
def make(sandbox: Sandbox, tmp_path: Path, display: io.StringIO) -> Callable[..., Authenticator]:
    credentials = tmp_path / "sandbox.ini"
    credentials.write_text(sandbox.credentials_ini())
    credentials.chmod(0o600)

    def build(**options: object) -> Authenticator:
        defaults: dict[str, object] = {
            "propagation_seconds": 30,
            "propagation_check": "on",
            "nameservers": sandbox.dns_address,
            "resolver": sandbox.dns_address,
        }
        return authenticator(credentials, **{**defaults, **options})

    return build


def test_wait_ends_when_the_nameservers_serve_the_records(
    make: Callable[..., Authenticator], sandbox: Sandbox, display: io.StringIO
) -> None:
    challenges = [achall("example.com"), achall("example.com", b"w" * 32)]
    make().perform(challenges)
    assert "The TXT records are visible on every nameserver after" in display.getvalue()
    assert len(sandbox.store.visible("_acme-challenge.example.com")) == 2


def test_check_off_waits_the_fixed_time(
    make: Callable[..., Authenticator], sandbox: Sandbox, display: io.StringIO
) -> None:
    make(propagation_check="off", propagation_seconds=0).perform([achall("example.com")])
    assert "Waiting 0 seconds for DNS changes to propagate" in display.getvalue()
    assert len(sandbox.dns.queries) == 1  # the CNAME check only: no TXT polling


def test_records_still_missing_at_the_bound_are_named_and_the_ca_still_asked(
    make: Callable[..., Authenticator],
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox.dns.tamper_txt = True
    make(propagation_seconds=1).perform([achall("example.com")])
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert re.fullmatch(
        rf"After \d+\.\d s the records are still missing: 127\.0\.0\.1:{sandbox.dns_port} "
        r"lacks _acme-challenge\.example\.com\. Asking the CA to validate anyway\.",
        warning,
    ), warning


def test_required_propagation_fails_when_records_stay_missing(
    make: Callable[..., Authenticator], sandbox: Sandbox
) -> None:
    sandbox.dns.tamper_txt = True
    auth = make(propagation_seconds=1, require_propagation=True)
    challenge = achall("example.com")
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([challenge])
    assert re.fullmatch(
        rf"After \d+\.\d s: 127\.0\.0\.1:{sandbox.dns_port} lacks _acme-challenge\.example\.com\. "
        r"Raise --dns-dnscale-propagation-seconds, or check that these nameservers serve the "
        r"zone\.",
        str(raised.value),
    ), raised.value
    auth.cleanup([challenge])
    assert sandbox.acme_challenge_records() == []


def test_no_answering_nameserver_falls_back_to_the_fixed_wait_and_says_so(
    make: Callable[..., Authenticator], display: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    silent = f"127.0.0.1:{closed_udp_port()}"
    make(nameservers=silent, propagation_seconds=0).perform([achall("example.com")])
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning == (
        "Cannot check whether the DNS records are live: no nameserver answered. "
        "Waiting the full 0 s instead."
    )
    assert "for DNS changes to propagate." in display.getvalue()


def test_cname_delegated_name_gets_its_record_at_the_target_zone(
    make: Callable[..., Authenticator], sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="certbot_dns_dnscale")
    sandbox.add_record("_acme-challenge.example.com", "CNAME", DELEGATED + ".")
    challenge = achall("example.com")
    auth = make()
    auth.perform([challenge, achall("example.org", b"o" * 32)])
    assert [r.getMessage() for r in caplog.records if r.name.endswith(".batch")] == [
        f"_acme-challenge.example.com is delegated: _acme-challenge.example.com -> {DELEGATED}"
    ]
    assert sandbox.txt_values(DELEGATED) == [value_of(challenge)]
    assert sandbox.records("_acme-challenge.example.com", "CNAME")  # left as it was
    auth.cleanup([challenge])
    assert sandbox.txt_values(DELEGATED) == []


def test_cname_to_a_name_outside_dnscale_names_the_chain(
    make: Callable[..., Authenticator], sandbox: Sandbox
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "acme.elsewhere.invalid.")
    with pytest.raises(errors.PluginError) as raised:
        make().perform([achall("example.com")])
    assert str(raised.value) == (
        "No DNScale zone holds acme.elsewhere.invalid (reached by CNAME "
        "_acme-challenge.example.com -> acme.elsewhere.invalid): tried acme.elsewhere.invalid, "
        f"elsewhere.invalid, invalid among the {len(sandbox.store.zones())} zone(s) this API "
        "token can see. Point the CNAME at a name inside a DNScale zone, or give the token "
        "access to the zone."
    )


def test_cname_loop_is_an_error_naming_the_loop(
    make: Callable[..., Authenticator], sandbox: Sandbox
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "loop.example.org.")
    sandbox.add_record("loop.example.org", "CNAME", "_acme-challenge.example.com.")
    with pytest.raises(errors.PluginError, match=r"CNAME loop: _acme-challenge.example.com ->"):
        make().perform([achall("example.com")])


def test_unreachable_resolver_warns_once_and_uses_the_names_themselves(
    make: Callable[..., Authenticator],
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    auth = make(resolver=f"127.0.0.1:{closed_udp_port()}")
    # more names than the pool's 4 threads: the last are planned once the lookups are known bad
    names = ["example.com", "a.example.com", "b.example.com", "c.example.com", "example.org"]
    auth.perform([achall(name, bytes([65 + i]) * 32) for i, name in enumerate(names)])
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert re.fullmatch(
        r"Could not check whether _acme-challenge\.[a-z.]+ is delegated by CNAME \(.+\); "
        r"records go to the names themselves\. Set --dns-dnscale-resolver to a resolver that "
        r"answers\.",
        warnings[0],
    ), warnings
    assert "(None)" not in warnings[0]
    assert len(sandbox.acme_challenge_records()) == 5


def test_nameserver_names_that_do_not_resolve_are_an_error(
    make: Callable[..., Authenticator],
) -> None:
    with pytest.raises(errors.PluginError, match=r"--dns-dnscale-nameservers: .*no address"):
        make(nameservers="ns.nowhere.example.com").perform([achall("example.com")])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"propagation_check": "maybe"}, "propagation-check must be on or off"),
        ({"nameservers": "127.0.0.1:x"}, "--dns-dnscale-nameservers: '127.0.0.1:x' is not HOST"),
        ({"resolver": "127.0.0.1:99999"}, "--dns-dnscale-resolver: '127.0.0.1:99999' is not"),
        ({"resolver": "dns.example.com"}, "--dns-dnscale-resolver: the resolver must be an IP"),
    ],
)
def test_invalid_dns_options_are_refused_before_anything_happens(
    make: Callable[..., Authenticator], options: dict[str, object], message: str
) -> None:
    with pytest.raises(errors.PluginError, match=message):
        make(**options).prepare()


def test_valid_dns_options_pass_and_reach_the_wait(make: Callable[..., Authenticator]) -> None:
    auth = make(nameservers="127.0.0.1:53, [::1]:5353", resolver="127.0.0.1")
    auth.prepare()
    settings = auth._wait_settings()
    assert settings.nameservers == ("127.0.0.1:53", "[::1]:5353")
    assert settings.resolver == "127.0.0.1"


def test_auth_hint_points_at_delegation_and_the_bound(make: Callable[..., Authenticator]) -> None:
    hint = make(propagation_seconds=45).auth_hint([])
    assert "NS records point at DNScale" in hint
    assert "--dns-dnscale-propagation-seconds (currently 45)" in hint


# -- what the wait says, word for word ---------------------------------------------------------


def test_the_end_of_a_complete_wait_says_how_long_it_took(
    make: Callable[..., Authenticator], display: io.StringIO
) -> None:
    make().perform([achall("example.com")])
    lines = display.getvalue().splitlines()
    assert any(
        re.fullmatch(r"The TXT records are visible on every nameserver after \d+\.\d s\.", line)
        for line in lines
    ), lines


def test_a_nameserver_that_never_answers_is_logged_once_the_others_serve_everything(
    make: Callable[..., Authenticator], sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="certbot_dns_dnscale")
    silent = f"127.0.0.1:{closed_udp_port()}"
    make(nameservers=f"{sandbox.dns_address},{silent}").perform([achall("example.com")])
    infos = [r.getMessage() for r in caplog.records if r.name.endswith(".waiting")]
    assert infos == [f"Not waited for (no answer): {silent} did not answer"]


def test_required_propagation_with_no_nameserver_answering_fails_naming_the_fix(
    make: Callable[..., Authenticator],
) -> None:
    silent = f"127.0.0.1:{closed_udp_port()}"
    auth = make(nameservers=silent, propagation_seconds=0, require_propagation=True)
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    assert str(raised.value) == (
        "Could not check whether the TXT records are live (no nameserver answered), and "
        "--dns-dnscale-require-propagation is set: not asking the CA to validate. Allow "
        "outbound DNS to the zone's nameservers, or set --dns-dnscale-resolver / "
        "--dns-dnscale-nameservers."
    )


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_wait_shows_how_many_names_are_visible(
    make: Callable[..., Authenticator], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.dns.tamper_txt = True  # never visible: the wait goes on past its first round
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    make(propagation_seconds=1).perform([achall("example.com")])
    assert "\rWaiting for DNS: 0 of 1 challenge names visible on 1 nameserver(s)" in (
        terminal.getvalue()
    )

"""The real certbot, the real Pebble and the local sandbox: certificates issue, renew, and leave
nothing behind."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509

from certbot_dns_dnscale.sandbox import pebble
from certbot_dns_dnscale.sandbox.authorizations import deactivate_valid_authorizations
from certbot_dns_dnscale.sandbox.pebble import certificate_names
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

FOREIGN_VALUE = "someone-elses-value-keep-me"


def serial(path: Path) -> int:
    return x509.load_pem_x509_certificate(path.read_bytes()).serial_number


def posts(world: World) -> list[str]:
    return [c.path for c in world.sandbox.calls if c.method == "POST"]


def forget_authorizations(world: World) -> int:
    """Deactivate the account's valid authorizations at Pebble: how many there were.

    Even with PEBBLE_AUTHZREUSE=0, Pebble reuses a valid one about once in a hundred names (its
    test is rand(100) > percent), and a renewal needing no challenge would prove nothing.
    """
    pebble = world.pebble
    return deactivate_valid_authorizations(
        world.certbot.config_dir, pebble.directory_url, pebble.ca_bundle
    )


def renew(world: World) -> subprocess.CompletedProcess[str]:
    return world.certbot.run("renew", "--force-renewal", "--no-random-sleep-on-renew")


def assert_issued(result: object, world: World, lineage: str, names: set[str]) -> None:
    assert result.returncode == 0, result.stderr  # type: ignore[attr-defined]
    assert certificate_names(world.certbot.live_certificate(lineage)) == names


def test_wildcard_and_apex_certificate_carries_exactly_those_names(world: World) -> None:
    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert_issued(result, world, "example.com", {"example.com", "*.example.com"})
    assert len(posts(world)) == 2
    assert world.sandbox.acme_challenge_records() == []


def test_names_across_three_zones_one_nested_in_an_account_of_250_zones(
    make_world: Callable[..., World],
) -> None:
    world = make_world(extra_zones=246)
    names = ["example.com", "www.sub.example.com", "example.org"]
    result = world.certbot.certonly(names, *world.plugin_args())
    assert_issued(result, world, "example.com", set(names))
    zone_pages = [c for c in world.sandbox.calls if c.route == "/zones"]
    assert len(zone_pages) == 3  # 250 zones, 100 a page, listed once for the whole run
    zones = ["example.com", "sub.example.com", "example.org"]
    zone_ids = {world.sandbox.store.zone_by_name(zone).id for zone in zones}
    assert {p.split("/")[3] for p in posts(world)} == zone_ids
    assert world.sandbox.acme_challenge_records() == []


def test_renew_works_from_the_saved_renewal_conf_alone(world: World) -> None:
    first = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert first.returncode == 0, first.stderr
    before = serial(world.certbot.live_certificate("example.com"))
    assert forget_authorizations(world) == 2  # the apex's and the wildcard's
    world.sandbox.api.calls.clear()

    result = renew(world)

    assert result.returncode == 0, result.stderr
    assert serial(world.certbot.live_certificate("example.com")) != before
    assert len(posts(world)) == 2
    assert world.sandbox.acme_challenge_records() == []


@pytest.fixture
def always_reusing_world(
    make_world: Callable[..., World], monkeypatch: pytest.MonkeyPatch
) -> World:
    """Pebble reusing every valid authorization: what 1 % of renewals meet by chance."""
    monkeypatch.setitem(pebble.PEBBLE_ENV, "PEBBLE_AUTHZREUSE", "100")
    world = make_world()
    first = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert first.returncode == 0, first.stderr
    world.sandbox.api.calls.clear()
    return world


def test_a_renewal_pebble_authorizes_from_memory_makes_no_dns_change(
    always_reusing_world: World,
) -> None:
    """Why renewal tests forget authorizations first: otherwise they may prove nothing."""
    result = renew(always_reusing_world)
    assert result.returncode == 0, result.stderr
    assert posts(always_reusing_world) == []


def test_forgotten_authorizations_make_the_renewal_answer_every_challenge(
    always_reusing_world: World,
) -> None:
    assert forget_authorizations(always_reusing_world) == 2
    result = renew(always_reusing_world)
    assert result.returncode == 0, result.stderr
    assert len(posts(always_reusing_world)) == 2


def test_http01_lineage_switched_to_dns_dnscale_by_its_renewal_conf_renews(world: World) -> None:
    world.sandbox.add_record("web.example.org", "A", "127.0.0.1")
    first = world.certbot.certonly(
        ["web.example.org"],
        "--standalone",
        "--http-01-address", "127.0.0.1",
        "--http-01-port", str(world.pebble.http_port),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert posts(world) == []
    assert forget_authorizations(world) == 1
    conf = world.certbot.renewal_conf("web.example.org")
    text = re.sub(r"(?m)^(http01_port|http01_address|pref_challs) = .*\n", "", conf.read_text())
    text = text.replace("authenticator = standalone", "authenticator = dns-dnscale")
    text = text.replace(
        "[renewalparams]\n",
        f"[renewalparams]\ndns_dnscale_credentials = {world.credentials}\n"
        f"dns_dnscale_nameservers = {world.sandbox.dns_address}\n"
        f"dns_dnscale_resolver = {world.sandbox.dns_address}\n",
    )
    conf.write_text(text)

    result = renew(world)

    assert result.returncode == 0, result.stderr
    assert len(posts(world)) == 1
    assert world.sandbox.acme_challenge_records() == []


def test_failed_validation_removes_our_records_and_keeps_a_foreign_one(
    make_world: Callable[..., World],
) -> None:
    world = make_world(tamper_txt=True)
    world.sandbox.add_record("_acme-challenge.example.com", "TXT", FOREIGN_VALUE)

    result = world.certbot.certonly(
        ["example.com", "*.example.com"],
        *world.plugin_args(),
        "--dns-dnscale-propagation-seconds", "2",
    )  # fmt: skip

    assert result.returncode != 0
    assert "the records are still missing" in result.stderr
    assert "Correct value not found for DNS challenge" in result.stdout + result.stderr
    assert len(posts(world)) == 2
    assert [r.content for r in world.sandbox.acme_challenge_records()] == [FOREIGN_VALUE]


def test_refused_writes_name_the_scope_and_keep_a_foreign_value(world: World) -> None:
    world.sandbox.add_record("_acme-challenge.example.com", "TXT", FOREIGN_VALUE)
    readonly = world.write_credentials(world.sandbox.settings.readonly_token, "readonly.ini")

    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args(readonly))

    assert result.returncode != 0
    assert "records:write" in result.stderr
    assert {c.status for c in world.sandbox.calls if c.method == "POST"} == {403}
    assert [r.content for r in world.sandbox.acme_challenge_records()] == [FOREIGN_VALUE]


def test_token_appears_nowhere_in_output_or_logs_at_maximum_verbosity(world: World) -> None:
    token = world.sandbox.settings.token
    ok = world.certbot.certonly(["example.com", "*.example.com"], "-vvv", *world.plugin_args())
    readonly = world.write_credentials(world.sandbox.settings.readonly_token, "readonly.ini")
    refused = world.certbot.certonly(["example.org"], "-vvv", *world.plugin_args(readonly))
    assert ok.returncode == 0, ok.stderr
    assert refused.returncode != 0
    outputs = [ok.stdout, ok.stderr, refused.stdout, refused.stderr]
    files = [p for d in ("logs", "config") for p in (world.tmp / "certbot" / d).rglob("*")]
    texts = outputs + [p.read_text(errors="replace") for p in files if p.is_file()]
    assert any("DNScale API" in text for text in texts)  # the debug log did capture our calls
    assert not [t for t in texts if token in t]
    assert not [t for t in texts if world.sandbox.settings.readonly_token in t]


def test_wait_lasts_as_long_as_dns_needs_not_the_bound(make_world: Callable[..., World]) -> None:
    world = make_world(propagation_delay_seconds=3)
    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert_issued(result, world, "example.com", {"example.com", "*.example.com"})
    found = re.search(r"visible on every nameserver after ([0-9.]+) s", result.stdout)
    assert found is not None, result.stdout
    assert 3.0 <= float(found.group(1)) < 60  # ended when DNS caught up, not at the 60 s bound


def test_cname_delegated_challenge_in_another_zone_issues(world: World) -> None:
    delegated = "example.com.acme.example.net"
    world.sandbox.add_record("_acme-challenge.example.com", "CNAME", delegated + ".")
    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert_issued(result, world, "example.com", {"example.com", "*.example.com"})
    net_zone = world.sandbox.store.zone_by_name("example.net").id
    assert posts(world) == [f"/v1/zones/{net_zone}/records"] * 2
    assert world.sandbox.txt_values(delegated) == []
    assert world.sandbox.records("_acme-challenge.example.com", "CNAME")


def test_the_wait_lasts_until_every_value_at_a_name_shows_not_the_first(
    make_world: Callable[..., World],
) -> None:
    world = make_world(rrset_stagger_seconds=2)  # the wildcard's value shows 2 s after the apex's
    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert_issued(result, world, "example.com", {"example.com", "*.example.com"})
    txt = [q for q in world.sandbox.dns.queries if q.type == "TXT"]
    plugin_saw_both = next(q for q in txt if not q.recursion_desired and q.answers == 2)
    ca_asks = [q for q in txt if q.recursion_desired]  # Pebble asks as a stub resolver does
    assert ca_asks
    assert any(not q.recursion_desired and q.answers == 1 for q in txt)  # one value showed first
    assert plugin_saw_both.at < ca_asks[0].at

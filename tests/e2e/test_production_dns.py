"""The production propagation path end to end: given only a resolver, the plugin finds the zone's
NS records, resolves the nameservers' names and asks each of them itself, recursion off, until
every one serves every value. The sandbox's nameservers listen on port 53 of loopback addresses
of their own, as the plugin (like the CA) asks nameservers on port 53: that needs root, as CI
runs; elsewhere these tests are skipped, saying why."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from certbot_dns_dnscale._internal.commands.cli import main as plugin_cli
from certbot_dns_dnscale.sandbox.dns_answers import Query
from certbot_dns_dnscale.sandbox.nameservers import NameserverBindError, NameserverSettings
from certbot_dns_dnscale.sandbox.pebble import certificate_names
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

CHALLENGE = "_acme-challenge.example.com."
NAMES = ["example.com", "*.example.com"]


def production_world(make_world: Callable[..., World], *lags: float | None) -> World:
    """A world whose zones are served by one nameserver per lag, ns1, ns2, ... .dnscale.eu."""
    nameservers = tuple(
        NameserverSettings(f"ns{i}.dnscale.eu", lag_seconds=lag) for i, lag in enumerate(lags, 1)
    )
    try:
        return make_world(nameservers=nameservers)
    except NameserverBindError as err:
        pytest.skip(f"the production DNS path needs nameservers on port 53 (run as root): {err}")


def resolver_only_args(world: World) -> list[str]:
    """The plugin told where to resolve names, and nothing about nameservers."""
    return [
        "--authenticator", "dns-dnscale",
        "--dns-dnscale-credentials", str(world.credentials),
        "--dns-dnscale-resolver", world.sandbox.dns_address,
    ]  # fmt: skip


def txt_queries(queries: list[Query]) -> list[Query]:
    return [q for q in queries if q.type == "TXT" and q.name == CHALLENGE]


def first_full_answer(queries: list[Query]) -> Query:
    """The first TXT question a server answered with both values."""
    full = [q for q in txt_queries(queries) if q.answers == 2]
    assert full, f"never asked while it served both values: {queries}"
    return full[0]


def test_issuance_without_nameservers_option_discovers_and_asks_them_itself(
    make_world: Callable[..., World],
) -> None:
    world = production_world(make_world, None, None)

    result = world.certbot.certonly(NAMES, *resolver_only_args(world))

    assert result.returncode == 0, result.stderr
    assert certificate_names(world.certbot.live_certificate("example.com")) == set(NAMES)
    resolved = {(q.name, q.type) for q in world.sandbox.dns.queries}
    assert {("example.com.", "NS"), ("ns1.dnscale.eu.", "A"), ("ns2.dnscale.eu.", "A")} <= resolved
    for nameserver in world.sandbox.nameservers:
        first_full_answer(nameserver.queries)  # each was asked until it showed both
        assert [q for q in nameserver.queries if q.recursion_desired] == []
    assert world.sandbox.acme_challenge_records() == []


def test_the_wait_lasts_until_the_slowest_nameserver_serves_every_value(
    make_world: Callable[..., World],
) -> None:
    world = production_world(make_world, 1.0, 3.0)
    fast, slow = world.sandbox.nameservers

    result = world.certbot.certonly(NAMES, *resolver_only_args(world))

    assert result.returncode == 0, result.stderr
    fast_has_both, slow_has_both = first_full_answer(fast.queries), first_full_answer(slow.queries)
    assert any(
        fast_has_both.at < q.at < slow_has_both.at for q in txt_queries(slow.queries)
    )  # the slow one was asked again after the fast one showed both values
    ca_asks = txt_queries(world.sandbox.dns.queries)  # only Pebble asks the resolver for TXT
    assert ca_asks
    assert slow_has_both.at < ca_asks[0].at  # the CA was sent only once the slow one had both
    for nameserver in (fast, slow):
        assert [q for q in nameserver.queries if q.recursion_desired] == []
    assert world.sandbox.acme_challenge_records() == []


def test_setup_check_finds_the_nameservers_and_their_port_53_from_the_resolver_alone(
    make_world: Callable[..., World], capsys: pytest.CaptureFixture[str]
) -> None:
    world = production_world(make_world, None, None)
    argv = ["check", "--credentials", str(world.credentials), "-d", "example.com", "--json"]

    status = plugin_cli([*argv, "--resolver", world.sandbox.dns_address])

    (report,) = json.loads(capsys.readouterr().out)
    assert status == 0, report
    outcomes = {finding["check"]: finding["ok"] for finding in report["findings"]}
    assert outcomes["NS"] is outcomes["port 53"] is True
    for nameserver in world.sandbox.nameservers:
        assert ("example.com.", "SOA") in {(q.name, q.type) for q in nameserver.queries}

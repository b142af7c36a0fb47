"""Waiting for the nameservers, with a fake DNS whose answers change as the fake clock moves."""

from __future__ import annotations

import logging

import pytest

from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError, Server
from certbot_dns_dnscale._internal.propagation import (
    POLL_FIRST_SECONDS,
    Dns,
    Expected,
    PropagationWaiter,
)
from tests.conftest import FakeClock
from tests.fake_dns import fake_dns

NS1 = Server("ns1.dnscale.eu", "192.0.2.1")
NS2 = Server("ns2.dnscale.eu", "192.0.2.2")
APEX = Expected("_acme-challenge.example.com", "example.com", frozenset({"apex", "wild"}))
ORG = Expected("_acme-challenge.example.org", "example.org", frozenset({"org"}))


class FakeDns:
    """Each (server, name) shows its values from a given time on; silent servers never answer."""

    def __init__(self, clock: FakeClock, shows_at: dict[tuple[Server, str], float]) -> None:
        self.clock = clock
        self.shows_at = shows_at
        self.silent: set[Server] = set()
        self.values: dict[str, frozenset[str]] = {APEX.name: APEX.values, ORG.name: ORG.values}
        self.queries: list[tuple[Server, str]] = []
        self.zones_asked: list[str] = []
        self.nameservers_fail = False

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        self.queries.append((server, name))
        if server in self.silent:
            raise DnsLookupError(f"{server}: Timeout")
        if self.clock.now >= self.shows_at.get((server, name), 0.0):
            return self.values.get(name, frozenset()) | {"someone-else"}
        return frozenset({"someone-else"})

    def nameservers(self, zone: str) -> list[Server]:
        self.zones_asked.append(zone)
        if self.nameservers_fail:
            raise DnsLookupError(f"NS lookup of {zone} failed: LifetimeTimeout")
        return [NS1, NS2]


def waiter(dns: Dns, clock: FakeClock, bound: float = 60, **kw: object) -> PropagationWaiter:
    return PropagationWaiter(
        dns,
        bound_seconds=bound,
        sleep=clock.sleep,
        clock=clock,
        **kw,  # type: ignore[arg-type]
    )


def test_records_visible_at_once_end_the_wait_without_sleeping(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    outcome = waiter(dns, clock).wait([APEX, ORG])
    assert (outcome.checked, outcome.complete) == (True, True)
    assert clock.sleeps == []
    assert len(dns.queries) == 4  # two names on two nameservers


def test_each_zone_is_asked_for_its_own_nameservers_once(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    waiter(dns, clock).wait([APEX, ORG, Expected("x.example.com", "example.com", frozenset())])
    assert dns.zones_asked == ["example.com", "example.org"]


def test_given_nameservers_replace_the_zone_ones(clock: FakeClock) -> None:
    local = Server("127.0.0.1", "127.0.0.1", 18053)
    dns = FakeDns(clock, {})
    waiter(dns, clock, nameservers=[local]).wait([APEX])
    assert dns.zones_asked == []
    assert dns.queries == [(local, APEX.name)]


def test_wait_lasts_until_the_slowest_nameserver_shows_the_records(clock: FakeClock) -> None:
    start = clock.now
    dns = FakeDns(clock, {(NS2, APEX.name): start + 3.0})
    outcome = waiter(dns, clock).wait([APEX])
    assert outcome.complete
    assert 3.0 <= outcome.waited_seconds < 4.0
    assert clock.sleeps[0] == POLL_FIRST_SECONDS


def test_visible_checks_are_not_asked_again(clock: FakeClock) -> None:
    dns = FakeDns(clock, {(NS2, APEX.name): clock.now + 1.0})
    waiter(dns, clock).wait([APEX])
    assert dns.queries.count((NS1, APEX.name)) == 1
    assert dns.queries.count((NS2, APEX.name)) > 1


def test_poll_interval_backs_off_gently_up_to_two_seconds(clock: FakeClock) -> None:
    dns = FakeDns(clock, {(NS1, APEX.name): clock.now + 30})
    waiter(dns, clock).wait([APEX])
    assert clock.sleeps[:4] == [0.25, 0.375, 0.5625, 0.84375]
    assert max(clock.sleeps) == 2.0
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:], strict=False))


def test_never_visible_stops_at_the_bound_and_names_what_is_missing(clock: FakeClock) -> None:
    dns = FakeDns(clock, {(NS1, ORG.name): clock.now + 999})
    outcome = waiter(dns, clock, bound=10).wait([APEX, ORG])
    assert (outcome.checked, outcome.complete) == (True, False)
    assert outcome.waited_seconds == pytest.approx(10.0)
    assert outcome.missing == {NS1: [ORG.name]}
    assert outcome.describe_missing() == (
        "ns1.dnscale.eu (192.0.2.1) lacks _acme-challenge.example.org"
    )


def test_a_zero_bound_checks_once_and_does_not_sleep(clock: FakeClock) -> None:
    dns = FakeDns(clock, {(NS1, APEX.name): clock.now + 5})
    outcome = waiter(dns, clock, bound=0).wait([APEX])
    assert not outcome.complete
    assert clock.sleeps == []


def test_no_nameserver_answering_falls_back_to_the_full_wait(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    dns = FakeDns(clock, {})
    dns.silent = {NS1, NS2}
    outcome = waiter(dns, clock, bound=30).wait([APEX])
    assert (outcome.checked, outcome.complete) == (False, False)
    assert sum(clock.sleeps) == pytest.approx(30)
    assert outcome.reason == "no nameserver answered"
    assert [r.getMessage() for r in caplog.records] == [
        "Cannot check whether the DNS records are live: no nameserver answered. "
        "Waiting the full 30 s instead."
    ]


def test_nameservers_that_cannot_be_found_fall_back_to_the_full_wait(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    dns.nameservers_fail = True
    outcome = waiter(dns, clock, bound=20).wait([APEX])
    assert not outcome.checked
    assert clock.sleeps == [20]
    assert "LifetimeTimeout" in outcome.reason


def test_a_silent_nameserver_is_not_waited_for_once_the_others_show_all(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    dns.silent = {NS2}
    outcome = waiter(dns, clock).wait([APEX])
    assert outcome.complete
    assert outcome.silent == [NS2]
    assert clock.sleeps == [POLL_FIRST_SECONDS]  # one more round to give it a chance
    assert outcome.describe_missing() == "ns2.dnscale.eu (192.0.2.2) did not answer"


def test_a_nameserver_lagging_and_one_silent_at_the_bound_are_both_named(
    clock: FakeClock,
) -> None:
    dns = FakeDns(clock, {(NS1, APEX.name): clock.now + 999})
    dns.silent = {NS2}
    outcome = waiter(dns, clock, bound=5).wait([APEX])
    assert outcome.missing == {NS1: [APEX.name]}
    assert outcome.silent == [NS2]


def test_progress_says_how_many_names_are_visible(clock: FakeClock) -> None:
    messages: list[str] = []
    dns = FakeDns(clock, {(NS1, ORG.name): clock.now + 1})
    waiter(dns, clock, progress=messages.append).wait([APEX, ORG])
    assert messages[0].startswith(
        "Waiting for DNS: 1 of 2 challenge names visible on 2 nameserver(s) after 0.0 s"
    )
    assert "(at most 60 s)" in messages[0]


def test_no_log_noise_when_all_goes_well(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    waiter(FakeDns(clock, {}), clock).wait([APEX])
    assert caplog.records == []


class OneValueAtATime:
    """One nameserver that shows one more of a name's values at each question."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        self.queries.append(name)
        return frozenset(sorted(APEX.values)[: len(self.queries)])

    def nameservers(self, zone: str) -> list[Server]:
        return [NS1]


def test_the_wait_goes_on_until_every_value_at_a_name_shows(clock: FakeClock) -> None:
    dns = OneValueAtATime()
    outcome = waiter(dns, clock).wait([APEX])
    assert outcome.complete
    assert dns.queries == [APEX.name, APEX.name]
    assert clock.sleeps == [POLL_FIRST_SECONDS]


def test_a_name_with_one_value_of_two_at_the_bound_is_missing(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    dns.values[APEX.name] = frozenset({"apex"})
    outcome = waiter(dns, clock, bound=3).wait([APEX])
    assert not outcome.complete
    assert outcome.missing == {NS1: [APEX.name], NS2: [APEX.name]}


def test_a_real_nameserver_showing_values_one_at_a_time_is_waited_for(clock: FakeClock) -> None:
    steps = {(APEX.name, "TXT"): [['"apex"'], ['"apex"', '"wild"']]}
    with fake_dns(steps) as server:
        local = Server("fake", "127.0.0.1", server.port)
        outcome = waiter(DnsClient(server.address), clock, nameservers=[local]).wait([APEX])
    assert outcome.complete
    assert len(server.queries) == 2
    assert server.rd_flags() == [False, False]
    assert clock.sleeps == [POLL_FIRST_SECONDS]


TOO_LONG = Expected(
    "_acme-challenge." + ("a" * 60 + ".") * 4 + "example.com", "example.com", frozenset({"v"})
)


def test_a_name_too_long_for_dns_is_reported_not_asked_for(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    outcome = waiter(dns, clock).wait([APEX, TOO_LONG])
    assert (outcome.checked, outcome.complete) == (True, False)
    assert {name for _, name in dns.queries} == {APEX.name}
    assert outcome.invalid == [f"{TOO_LONG.name} is 271 characters long; DNS allows at most 253"]
    assert outcome.describe_missing() == f"not looked up: {outcome.invalid[0]}"


def test_only_invalid_names_end_the_wait_at_once_incomplete(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    outcome = waiter(dns, clock).wait([TOO_LONG])
    assert (outcome.checked, outcome.complete, outcome.waited_seconds) == (True, False, 0.0)
    assert dns.queries == []
    assert dns.zones_asked == []
    assert clock.sleeps == []


def test_nothing_to_wait_for_is_complete_at_once(clock: FakeClock) -> None:
    dns = FakeDns(clock, {})
    outcome = waiter(dns, clock).wait([])
    assert (outcome.checked, outcome.complete) == (True, True)
    assert dns.queries == []
    assert clock.sleeps == []

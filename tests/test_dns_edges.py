"""Edges of the DNS side the mutation survey found untested: server ports at their limits, the
words of option errors, a SOA question answered with no record, a TXT value that is not UTF-8,
and what the propagation wait reports when it cannot ask or when servers stay silent."""

from __future__ import annotations

import re

import pytest

from certbot_dns_dnscale._internal.dns_client import (
    DnsClient,
    DnsLookupError,
    Server,
    UnusableAnswerError,
    parse_server,
    server_list,
)
from certbot_dns_dnscale._internal.propagation import Expected, Outcome, PropagationWaiter
from tests.conftest import FakeClock
from tests.fake_dns import fake_dns

# -- servers as the options name them ----------------------------------------------------------


@pytest.mark.parametrize(("text", "port"), [("127.0.0.1:1", 1), ("127.0.0.1:65535", 65535)])
def test_the_first_and_last_ports_are_accepted(text: str, port: int) -> None:
    assert parse_server(text) == ("127.0.0.1", port)


@pytest.mark.parametrize("text", ["127.0.0.1:0", "127.0.0.1:65536"])
def test_ports_outside_1_to_65535_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_server(text)


def test_an_empty_server_says_what_to_give() -> None:
    with pytest.raises(ValueError, match=r"^the server is empty: give HOST or HOST:PORT$"):
        parse_server(" ")


def test_an_empty_entry_in_a_list_says_how_to_write_one() -> None:
    fix = "an empty entry: give HOST[:PORT] separated by commas, or leave the option out"
    with pytest.raises(ValueError, match=f"{re.escape(fix)}$"):
        server_list("127.0.0.1,,127.0.0.2")


# -- answers from a server itself --------------------------------------------------------------


def test_a_soa_question_answered_without_a_record_is_not_an_answer_for_the_zone() -> None:
    with fake_dns({("example.com", "SOA"): [[]]}) as server:
        nameserver = Server("127.0.0.1", "127.0.0.1", server.port)
        with pytest.raises(UnusableAnswerError, match=r"has no SOA record for example.com: it"):
            DnsClient().check_serves(nameserver, "example.com")


def test_a_soa_record_is_an_answer_for_the_zone() -> None:
    soa = "ns1.dnscale.eu. hostmaster.dnscale.eu. 1 3600 600 86400 300"
    with fake_dns({("example.com", "SOA"): [[soa]]}) as server:
        nameserver = Server("127.0.0.1", "127.0.0.1", server.port)
        DnsClient().check_serves(nameserver, "example.com")


def test_a_txt_value_that_is_not_utf8_is_read_with_replacement_characters() -> None:
    name = "_acme-challenge.example.com"
    with fake_dns({(name, "TXT"): [['"ab\\255"']]}) as server:
        nameserver = Server("127.0.0.1", "127.0.0.1", server.port)
        assert DnsClient().txt_at(nameserver, name) == {"ab\ufffd"}


# -- the propagation wait's outcome ------------------------------------------------------------

NS1, NS2, NS3 = (Server(f"ns{i}.dnscale.eu", f"192.0.2.{i}") for i in (1, 2, 3))


class ScriptedDns:
    """Nameservers that serve everything, or never answer (``silent``)."""

    def __init__(self, servers: list[Server], silent: set[Server]) -> None:
        self._servers, self._silent = servers, silent

    def nameservers(self, zone: str) -> list[Server]:
        return self._servers

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        if server in self._silent:
            raise DnsLookupError(f"{server}: Timeout")
        return frozenset({"v"})


def expected(name: str = "_acme-challenge.example.com") -> list[Expected]:
    return [Expected(name, "example.com", frozenset({"v"}))]


def test_what_is_missing_is_told_server_by_server() -> None:
    outcome = Outcome(True, False, 1.0, {NS1: ["b", "a"], NS2: ["c"]}, [NS3], invalid=["x"])
    assert outcome.describe_missing() == (
        "ns1.dnscale.eu (192.0.2.1) lacks a, b; ns2.dnscale.eu (192.0.2.2) lacks c; "
        "ns3.dnscale.eu (192.0.2.3) did not answer; not looked up: x"
    )


def test_silent_servers_are_listed_in_order_once_the_others_serve_everything(
    clock: FakeClock,
) -> None:
    dns = ScriptedDns([NS3, NS1, NS2], silent={NS3, NS2})
    waiter = PropagationWaiter(dns, bound_seconds=30, sleep=clock.sleep, clock=clock)
    outcome = waiter.wait(expected())
    assert (outcome.checked, outcome.complete, outcome.silent) == (True, True, [NS2, NS3])


def test_with_no_server_answering_the_rest_of_the_bound_is_slept(clock: FakeClock) -> None:
    dns = ScriptedDns([NS1], silent={NS1})
    outcome = PropagationWaiter(dns, bound_seconds=0, sleep=clock.sleep, clock=clock).wait(
        expected()
    )
    assert clock.sleeps == [0.0]
    assert (outcome.checked, outcome.complete, outcome.waited_seconds) == (False, False, 0.0)
    assert outcome.reason == "no nameserver answered"


def test_a_caller_that_fails_anyway_is_not_made_to_sleep(clock: FakeClock) -> None:
    dns = ScriptedDns([NS1], silent={NS1})
    waiter = PropagationWaiter(
        dns, bound_seconds=30, sleep=clock.sleep, clock=clock, sleep_when_unchecked=False
    )
    outcome = waiter.wait(expected())
    assert clock.sleeps == []
    assert (outcome.checked, outcome.complete, outcome.waited_seconds) == (False, False, 0.0)


def test_names_dns_cannot_hold_are_reported_and_never_asked(clock: FakeClock) -> None:
    dns = ScriptedDns([NS1], silent=set())
    outcome = PropagationWaiter(dns, bound_seconds=30, sleep=clock.sleep, clock=clock).wait(
        expected("a..example.com")
    )
    assert (outcome.checked, outcome.complete) == (True, False)
    assert outcome.invalid == ["a..example.com has an empty label (two dots in a row)"]

"""The run's one wait, with the zone's nameservers found from its NS records (the production
path: no --dns-dnscale-nameservers), against DNS answered from memory."""

from __future__ import annotations

import io

import pytest

from certbot_dns_dnscale._internal.dns_client import DnsLookupError, Server
from certbot_dns_dnscale._internal.errors import ChallengeError
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.waiting import WaitSettings, wait_for_records
from certbot_dns_dnscale._internal.zones import Zone

ZONES = [Zone("z-com", "example.com"), Zone("z-org", "example.org")]


class MemoryDns:
    """Each zone's nameservers and the TXT values every server serves, from memory."""

    def __init__(self, serving: dict[str, set[str]]) -> None:
        self.serving = serving
        self.zones_asked: list[str] = []

    def servers(self, hosts: list[str]) -> list[Server]:
        if hosts:
            raise DnsLookupError(f"{hosts[0]} has no address")
        return []

    def nameservers(self, zone: str) -> list[Server]:
        self.zones_asked.append(zone)
        return [Server(f"ns1.{zone}", "192.0.2.1")]

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        return frozenset(self.serving.get(name, set()))


def wait(dns: MemoryDns, records: list[TxtRecord], **settings: object) -> None:
    options = {"bound_seconds": 5, **settings}
    wait_for_records(records, ZONES, lambda: dns, WaitSettings(**options), lambda _: None)  # type: ignore[arg-type]


def test_the_nameservers_of_each_records_zone_are_looked_up_by_the_zone_name(
    display: io.StringIO,
) -> None:
    dns = MemoryDns(
        {"_acme-challenge.example.com": {"v1", "v2"}, "_acme-challenge.example.org": {"v3"}}
    )
    wait(
        dns,
        [
            TxtRecord("z-com", "r1", "_acme-challenge.example.com", "v1"),
            TxtRecord("z-com", "r2", "_acme-challenge.example.com", "v2"),
            TxtRecord("z-org", "r3", "_acme-challenge.example.org", "v3"),
        ],
    )
    assert sorted(dns.zones_asked) == ["example.com", "example.org"]
    assert display.getvalue().startswith("The TXT records are visible on every nameserver after")


def test_a_named_nameserver_that_does_not_resolve_is_an_option_error(
    display: io.StringIO,
) -> None:
    with pytest.raises(
        ChallengeError, match=r"^--dns-dnscale-nameservers: ns9\.nowhere has no address\.$"
    ):
        wait(
            MemoryDns({}),
            [TxtRecord("z-com", "r1", "_acme-challenge.example.com", "v1")],
            nameservers=("ns9.nowhere",),
        )


class SilentDns(MemoryDns):
    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        raise DnsLookupError(f"{server}: Timeout")


def test_required_propagation_fails_at_once_when_no_nameserver_answers(
    display: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    """Sleeping the bound first would only delay the failure."""
    with pytest.raises(ChallengeError, match="--dns-dnscale-require-propagation is set"):
        wait(
            SilentDns({}),
            [TxtRecord("z-com", "r1", "_acme-challenge.example.com", "v1")],
            bound_seconds=1,
            require=True,
        )
    assert not [r for r in caplog.records if "Waiting the full" in r.getMessage()]

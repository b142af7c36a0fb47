"""The plugin's DNS questions carry the right recursion flag, read from the sandbox's query log:
nameservers are asked with recursion off (an authoritative server must answer from its own
data), the resolver with recursion on (it has to go and find the answer)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from certbot_dns_dnscale._internal.dns_client import DnsClient, Server
from certbot_dns_dnscale.sandbox import NameserverSettings, Sandbox, SandboxSettings

CHALLENGE = "_acme-challenge.example.com"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """One nameserver on a free port: the plugin is told its port, so no root is needed."""
    settings = SandboxSettings(nameservers=(NameserverSettings("ns1.dnscale.eu", port=0),))
    with Sandbox(settings) as running:
        yield running


@pytest.fixture
def nameserver(sandbox: Sandbox) -> Server:
    (ns1,) = sandbox.nameservers
    return Server(ns1.host, ns1.address, ns1.port)


def test_txt_check_asks_the_nameserver_with_recursion_off(
    sandbox: Sandbox, nameserver: Server
) -> None:
    sandbox.add_record(CHALLENGE, "TXT", "value")
    assert DnsClient(sandbox.dns_address).txt_at(nameserver, CHALLENGE) == {"value"}
    (query,) = sandbox.nameservers[0].queries
    assert (query.type, query.recursion_desired) == ("TXT", False)


def test_soa_check_asks_the_nameserver_with_recursion_off(
    sandbox: Sandbox, nameserver: Server
) -> None:
    DnsClient(sandbox.dns_address).check_serves(nameserver, "example.com")
    (query,) = sandbox.nameservers[0].queries
    assert (query.type, query.recursion_desired) == ("SOA", False)


def test_nameserver_discovery_asks_the_resolver_with_recursion_on(sandbox: Sandbox) -> None:
    (found,) = DnsClient(sandbox.dns_address).nameservers("example.com")
    assert (found.host, found.address) == ("ns1.dnscale.eu", sandbox.nameservers[0].address)
    queries = sandbox.dns.queries
    assert {("example.com.", "NS"), ("ns1.dnscale.eu.", "A")} <= {(q.name, q.type) for q in queries}
    assert all(q.recursion_desired for q in queries)

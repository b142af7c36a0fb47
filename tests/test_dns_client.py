"""DNS questions, asked of the sandbox's real DNS server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from certbot_dns_dnscale._internal.dns_client import (
    DnsClient,
    DnsLookupError,
    Server,
    parse_server,
)
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import closed_udp_port

NAME = "_acme-challenge.example.com"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    zones = ("example.com", "example.org", "example.net", "dnscale.eu")
    with Sandbox(SandboxSettings(zones=zones)) as running:
        running.add_record("ns1.dnscale.eu", "AAAA", "::1")
        running.add_record("ns1.dnscale.eu", "A", "127.0.0.1")
        running.add_record("ns2.dnscale.eu", "AAAA", "::1")
        running.add_record("_acme-challenge.example.org", "CNAME", "org.acme.example.net.")
        for i in range(12):
            running.add_record("_acme-challenge.example.net", "TXT", f"{i:02d}" + "v" * 41)
        yield running


@pytest.fixture
def client(sandbox: Sandbox) -> DnsClient:
    return DnsClient(sandbox.dns_address)


@pytest.fixture
def server(sandbox: Sandbox) -> Server:
    return Server("sandbox", "127.0.0.1", sandbox.dns_port)


def test_txt_values_come_from_the_server_asked(
    sandbox: Sandbox, client: DnsClient, server: Server
) -> None:
    record = sandbox.add_record(NAME, "TXT", "value-1")
    try:
        assert client.txt_at(server, NAME) == {"value-1"}
    finally:
        sandbox.store.delete(record.zone_id, [record.id])


def test_a_name_without_records_has_no_values(client: DnsClient, server: Server) -> None:
    assert client.txt_at(server, "_acme-challenge.nothing.example.com") == frozenset()


def test_a_truncated_udp_answer_is_asked_again_over_tcp(client: DnsClient, server: Server) -> None:
    assert len(client.txt_at(server, "_acme-challenge.example.net")) == 12


def test_a_refusal_is_a_lookup_error(client: DnsClient, server: Server) -> None:
    with pytest.raises(DnsLookupError, match=r"REFUSED"):
        client.txt_at(server, "_acme-challenge.example.invalid")


def test_a_server_that_is_not_there_is_a_lookup_error(client: DnsClient) -> None:
    with pytest.raises(DnsLookupError):
        client.txt_at(Server("gone", "127.0.0.1", closed_udp_port()), NAME)


def test_zone_nameservers_come_from_its_ns_records_with_ipv4_first(client: DnsClient) -> None:
    assert client.nameservers("example.com") == [
        Server("ns1.dnscale.eu", "127.0.0.1"),
        Server("ns2.dnscale.eu", "::1"),
    ]


def test_a_nameserver_without_address_is_a_lookup_error(
    sandbox: Sandbox, client: DnsClient
) -> None:
    sandbox.add_record("example.org", "NS", "ns.nowhere.dnscale.eu.")
    with pytest.raises(DnsLookupError, match=r"ns.nowhere.dnscale.eu has no address"):
        client.nameservers("example.org")


def test_a_zone_without_ns_records_is_a_lookup_error(client: DnsClient) -> None:
    with pytest.raises(DnsLookupError, match=r"no NS records"):
        client.nameservers("nothing.example.com")


def test_lookups_through_a_resolver_that_refuses_say_which_resolver(client: DnsClient) -> None:
    with pytest.raises(DnsLookupError, match=r"NS lookup of example.invalid via 127.0.0.1:"):
        client.nameservers("example.invalid")


def test_cname_target_is_found_and_a_plain_name_has_none(client: DnsClient) -> None:
    assert client.cname_target("_acme-challenge.example.org") == "org.acme.example.net"
    assert client.cname_target(NAME) is None


def test_given_servers_accept_ports_ipv6_and_names(client: DnsClient) -> None:
    assert client.servers(["127.0.0.1:5353", "[::1]:54", "ns1.dnscale.eu"]) == [
        Server("127.0.0.1", "127.0.0.1", 5353),
        Server("::1", "::1", 54),
        Server("ns1.dnscale.eu", "127.0.0.1", 53),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.1", ("192.0.2.1", 53)),
        ("192.0.2.1:5353", ("192.0.2.1", 5353)),
        ("ns1.dnscale.eu", ("ns1.dnscale.eu", 53)),
        ("[2001:db8::1]:5353", ("2001:db8::1", 5353)),
        ("[2001:db8::1]", ("2001:db8::1", 53)),
        ("2001:db8::1", ("2001:db8::1", 53)),
    ],
)
def test_server_options_parse(text: str, expected: tuple[str, int]) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("text", ["", "host:", "host:abc", "host:70000", ":53", "[::1]:x"])
def test_bad_server_options_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not HOST or HOST:PORT"):
        parse_server(text)


def test_the_resolver_must_be_an_address() -> None:
    with pytest.raises(ValueError, match=r"must be an IP address"):
        DnsClient("resolver.example.com")


def test_the_default_resolver_is_the_systems() -> None:
    assert DnsClient().resolver_description == "the system resolver"


@pytest.mark.parametrize(
    ("server", "text"),
    [
        (Server("127.0.0.1", "127.0.0.1", 18053), "127.0.0.1:18053"),
        (Server("ns1.dnscale.eu", "192.0.2.1"), "ns1.dnscale.eu (192.0.2.1)"),
        (Server("::1", "::1", 5353), "[::1]:5353"),
    ],
)
def test_servers_print_as_users_write_them(server: Server, text: str) -> None:
    assert str(server) == text

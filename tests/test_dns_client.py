"""DNS questions, asked of the sandbox's real DNS server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator

import dns.rdatatype
import pytest

from certbot_dns_dnscale._internal.dns_client import (
    DnsClient,
    DnsLookupError,
    Server,
    UnusableAnswerError,
    parse_server,
    server_list,
)
from certbot_dns_dnscale._internal.zones import InvalidNameError
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import closed_udp_port
from tests.fake_dns import FakeDns, fake_dns

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


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "the server is empty: give HOST or HOST:PORT"),
        ("  ", "the server is empty: give HOST or HOST:PORT"),
        ("host:", "'host:' is not HOST or HOST:PORT: the port must be a number from 1 to"),
        ("host:abc", "'host:abc' is not HOST or HOST:PORT: the port must be a number"),
        ("host:70000", "'host:70000' is not HOST or HOST:PORT: the port must be a number"),
        ("host:0", "'host:0' is not HOST or HOST:PORT: the port must be a number"),
        ("host:\uff15\uff13", "is not HOST or HOST:PORT: the port must be a number"),
        ("[::1]:x", "'[::1]:x' is not HOST or HOST:PORT: the port must be a number"),
        (":53", "':53' is not a host name or IP address: the name is empty"),
        ("[::1", "'[::1' lacks the closing ']': write [ADDRESS] or [ADDRESS]:PORT"),
        ("[::1]53", "'[::1]53': only ':PORT' may follow the ']'"),
        ("[ns1.dnscale.eu]:53", "only an IPv6 address goes in brackets"),
        ("[192.0.2.1]:53", "only an IPv6 address goes in brackets"),
        ("::1:53", "'::1:53' is ambiguous: write [::1]:53 for port 53 of ::1, or [::1:53]"),
        ("2001:db8::5:5353", "is ambiguous: write [2001:db8::5]:5353 for port 5353"),
        ("ns1:53:53", "'ns1:53:53' is not an IPv6 address; a port goes after HOST: or"),
        (
            "ns 1.example.com",
            "is not a host name or IP address: ns\\0321.example.com has the label",
        ),
        ("a" * 64 + ".example.com:53", "has a label of 64 characters; DNS allows at most 63"),
    ],
)
def test_bad_server_options_are_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        parse_server(text)


@pytest.mark.parametrize(
    ("value", "servers"),
    [
        (None, []),
        ("127.0.0.1:53", ["127.0.0.1:53"]),
        ("10.0.0.1:53, 10.0.0.2:53", ["10.0.0.1:53", "10.0.0.2:53"]),
        (["10.0.0.1:53", "10.0.0.2:53"], ["10.0.0.1:53", "10.0.0.2:53"]),
        (
            ["10.0.0.1:53, [::1]:54", " ns1.dnscale.eu "],
            ["10.0.0.1:53", "[::1]:54", "ns1.dnscale.eu"],
        ),
    ],
    ids=["unset", "one", "command-line", "renewal-conf-list", "mixed"],
)
def test_server_lists_come_from_text_or_from_a_renewal_conf_list(
    value: object, servers: list[str]
) -> None:
    assert server_list(value) == servers


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "an empty entry: give HOST[:PORT] separated by commas, or leave the option out"),
        ([], "an empty entry"),
        ("10.0.0.1,,10.0.0.2", "an empty entry"),
        (["10.0.0.1", ""], "an empty entry"),
        ([53], "53 is not HOST[:PORT] text"),
        ("10.0.0.1, [::1", "'[::1' lacks the closing ']'"),
    ],
)
def test_bad_server_lists_are_refused_saying_why(value: object, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        server_list(value)


def test_the_resolver_must_be_an_address() -> None:
    with pytest.raises(ValueError, match=r"must be an IP address"):
        DnsClient("resolver.example.com")


def test_an_empty_resolver_is_refused_naming_the_fix() -> None:
    with pytest.raises(ValueError, match=r"the server is empty: give HOST or HOST:PORT"):
        DnsClient("")


def test_a_list_of_resolvers_is_refused() -> None:
    with pytest.raises(ValueError, match=r"give one resolver, not \['127.0.0.1', '127.0.0.2'\]"):
        DnsClient(["127.0.0.1", "127.0.0.2"])  # type: ignore[arg-type]


def test_a_resolver_with_a_port_is_used_at_that_port() -> None:
    assert DnsClient("[::1]:5353").resolver_description == "[::1]:5353"


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


# -- on the wire: a recording DNS server --------------------------------------------------------

ZONE_SOA = "ns1.dnscale.eu. hostmaster.example.com. 1 3600 600 86400 300"


def local(server: FakeDns) -> Server:
    return Server("fake", "127.0.0.1", server.port)


def test_txt_questions_to_a_nameserver_go_with_recursion_off() -> None:
    with fake_dns({(NAME, "TXT"): [['"v1"']]}) as server:
        assert DnsClient(server.address).txt_at(local(server), NAME) == {"v1"}
    assert server.rd_flags() == [False]
    assert server.queries[0].question[0].rdtype == dns.rdatatype.TXT


def test_soa_questions_to_a_nameserver_go_with_recursion_off() -> None:
    with fake_dns({("example.com", "SOA"): [[ZONE_SOA]]}) as server:
        DnsClient(server.address).check_serves(local(server), "example.com")
    assert server.rd_flags() == [False]


def test_lookups_through_the_resolver_ask_for_recursion() -> None:
    with fake_dns({("example.com", "NS"): [["ns1.dnscale.eu."]]}) as server:
        assert DnsClient(server.address).ns_hosts("example.com") == ["ns1.dnscale.eu"]
    assert server.rd_flags() == [True]


def test_a_zone_whose_ns_answer_is_empty_has_no_nameservers() -> None:
    with fake_dns({("example.com", "NS"): [[]]}) as server:
        client = DnsClient(server.address)
        with pytest.raises(DnsLookupError, match=r"^example.com has no NS records$"):
            client.nameservers("example.com")
    assert len(server.queries) == 1


def test_a_server_that_does_not_serve_the_zone_does_not_answer_for_it() -> None:
    with (
        fake_dns({}) as server,
        pytest.raises(UnusableAnswerError, match=r"says example.com does not exist \(NXDOMAIN\)$"),
    ):
        DnsClient(server.address).check_serves(local(server), "example.com")


LONG_NAME = "_acme-challenge." + ("a" * 60 + ".") * 4 + "example.com"


def test_a_name_too_long_for_dns_is_never_asked_for() -> None:
    with fake_dns({}) as server:
        client = DnsClient(server.address)
        with pytest.raises(InvalidNameError, match=r"characters long; DNS allows at most 253"):
            client.txt_at(local(server), LONG_NAME)
        with pytest.raises(DnsLookupError, match=r"not asked for: .* a label of 64 characters"):
            client.check_serves(local(server), "a" * 64 + ".example.com")
        with pytest.raises(DnsLookupError, match=r"^CNAME lookup of .* not made: .* at most 253"):
            client.cname_target(LONG_NAME)
    assert server.queries == []

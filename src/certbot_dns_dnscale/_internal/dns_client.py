"""DNS queries the plugin makes: nameservers of a zone, TXT values at one server, CNAME targets.

Recursive lookups (NS, addresses, CNAME) go to the system resolver or ``--dns-dnscale-resolver``;
TXT checks go straight to the authoritative servers, recursion off, UDP then TCP on truncation.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from certbot_dns_dnscale._internal.caa import Caa
from certbot_dns_dnscale._internal.zones import InvalidNameError, validate_name

DNS_PORT = 53
QUERY_TIMEOUT_SECONDS = 2.0
RESOLVER_LIFETIME_SECONDS = 4.0


class DnsLookupError(Exception):
    """A DNS question got no usable answer (timeout, refusal, server failure)."""


@dataclass(frozen=True)
class Server:
    """One DNS server to ask: ``host`` is what the user or the NS record named."""

    host: str
    address: str
    port: int = DNS_PORT

    def __str__(self) -> str:
        where = self.address if self.port == DNS_PORT else _join(self.address, self.port)
        return where if self.host == self.address else f"{self.host} ({where})"


def parse_server(text: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[V6]``, ``[V6]:PORT`` or a bare IPv6 address -> (host, port).

    A port after an IPv6 address needs the brackets. A bare address that could also be read as
    an address and a port (``::1:53``) is refused as ambiguous rather than guessed.
    """
    text = text.strip()
    if not text:
        raise ValueError("the server is empty: give HOST or HOST:PORT")
    if text.startswith("["):
        host, port = _bracketed(text)
    elif text.count(":") > 1:
        host, port = _bare_ipv6(text), str(DNS_PORT)
    else:
        host, colon, port = text.partition(":")
        port = port if colon else str(DNS_PORT)
        _check_host_name(host, text)
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(
            f"{text!a} is not HOST or HOST:PORT: the port must be a number from 1 to 65535"
        )
    return host, int(port)


def _bracketed(text: str) -> tuple[str, str]:
    host, closed, rest = text[1:].partition("]")
    if not closed:
        raise ValueError(f"{text!a} lacks the closing ']': write [ADDRESS] or [ADDRESS]:PORT")
    if not _is_ipv6(host):
        raise ValueError(f"{text!a}: only an IPv6 address goes in brackets")
    if rest and not rest.startswith(":"):
        raise ValueError(f"{text!a}: only ':PORT' may follow the ']'")
    return host, rest[1:] if rest else str(DNS_PORT)


def _bare_ipv6(text: str) -> str:
    if not _is_ipv6(text):
        raise ValueError(f"{text!a} is not an IPv6 address; a port goes after HOST: or [ADDRESS]:")
    head, _, tail = text.rpartition(":")
    if tail.isdigit() and _is_ipv6(head):
        raise ValueError(
            f"{text!a} is ambiguous: write [{head}]:{tail} for port {tail} of {head}, or "
            f"[{text}] for the address {text}"
        )
    return text


def _check_host_name(host: str, text: str) -> None:
    try:
        if not _is_ip(host):
            validate_name(host)
    except InvalidNameError as err:
        raise ValueError(f"{text!a} is not a host name or IP address: {err}") from err


def server_list(value: object) -> list[str]:
    """A servers option as ``HOST[:PORT]`` strings, each checked by :func:`parse_server`.

    The command line gives ``"a,b"``; a renewal conf line ``a, b`` reaches the plugin as the
    list ``["a", "b"]`` (configobj); None means the option is not set. An empty value or entry
    is refused: the user meant something.
    """
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    servers = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{item!r} is not HOST[:PORT] text")
        servers += [part.strip() for part in item.split(",")]
    if not servers or any(not server for server in servers):
        raise ValueError(
            "an empty entry: give HOST[:PORT] separated by commas, or leave the option out"
        )
    for server in servers:
        parse_server(server)
    return servers


def _query_name(name: str) -> dns.name.Name:
    """``name`` for a question; InvalidNameError (not a dnspython error) if DNS cannot hold it."""
    return dns.name.from_text(validate_name(name))


def _join(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class DnsClient:
    """dnspython underneath; every question has a short timeout."""

    def __init__(self, resolver: str | None = None) -> None:
        if resolver is None:
            self._resolver = dns.resolver.Resolver()
            self.resolver_description = "the system resolver"
        else:
            if not isinstance(resolver, str):
                raise ValueError(f"give one resolver, not {resolver!r}")
            host, port = parse_server(resolver)
            if not _is_ip(host):
                raise ValueError(f"the resolver must be an IP address, not {host!r}")
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = [host]
            self._resolver.port = port
            self.resolver_description = _join(host, port)
        self._resolver.lifetime = RESOLVER_LIFETIME_SECONDS
        self._resolver.timeout = QUERY_TIMEOUT_SECONDS

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        """The TXT values ``server`` itself serves at ``name`` (empty for NXDOMAIN/NODATA)."""
        qname = _query_name(name)
        response = self._ask(server, qname, dns.rdatatype.TXT)
        if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            raise DnsLookupError(f"{server}: {dns.rcode.to_text(response.rcode())}")
        return frozenset(
            b"".join(rdata.strings).decode(errors="replace")
            for rrset in response.answer
            if rrset.name == qname and rrset.rdtype == dns.rdatatype.TXT
            for rdata in rrset
        )

    def answers(self, server: Server, zone: str) -> bool:
        """Does ``server`` answer for ``zone`` (its SOA) on port 53?"""
        try:
            response = self._ask(server, _query_name(zone), dns.rdatatype.SOA)
        except (DnsLookupError, InvalidNameError):
            return False
        return response.rcode() == dns.rcode.NOERROR and bool(response.answer)

    @staticmethod
    def _ask(
        server: Server, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> dns.message.Message:
        """One question to ``server`` itself: recursion off, UDP, TCP when truncated."""
        query = dns.message.make_query(qname, rdtype)
        query.flags &= ~dns.flags.RD
        try:
            response = dns.query.udp(
                query, server.address, port=server.port, timeout=QUERY_TIMEOUT_SECONDS
            )
            if response.flags & dns.flags.TC:
                response = dns.query.tcp(
                    query, server.address, port=server.port, timeout=QUERY_TIMEOUT_SECONDS
                )
        except (dns.exception.DNSException, OSError) as err:
            raise DnsLookupError(f"{server}: {type(err).__name__}") from err
        return response

    def caa(self, name: str) -> list[Caa]:
        """The CAA records at ``name`` itself (none: an empty list)."""
        records = []
        for text in self._resolve(name, "CAA"):
            flags, tag, value = text.split(" ", 2)
            records.append(Caa(int(flags), tag.lower(), value.strip('"')))
        return records

    def ns_hosts(self, zone: str) -> list[str]:
        """The names in the zone's NS records, as resolvers see them."""
        return sorted(target.rstrip(".").lower() for target in self._resolve(zone, "NS"))

    def servers(self, hosts: list[str]) -> list[Server]:
        """``HOST[:PORT]`` strings as servers; names are resolved to one address each."""
        servers = []
        for text in hosts:
            host, port = parse_server(text)
            servers.append(Server(host, self.address_of(host), port))
        return servers

    def nameservers(self, zone: str) -> list[Server]:
        """The zone's authoritative servers, from its NS records."""
        hosts = self.ns_hosts(zone)
        if not hosts:
            raise DnsLookupError(f"{zone} has no NS records")
        return [Server(host, self.address_of(host)) for host in hosts]

    def address_of(self, host: str) -> str:
        """An address for ``host``: IPv4 first, since many hosts cannot reach IPv6."""
        if _is_ip(host):
            return host
        for rdtype in ("A", "AAAA"):
            addresses = self._resolve(host, rdtype)
            if addresses:
                return addresses[0]
        raise DnsLookupError(f"{host} has no address")

    def cname_target(self, name: str) -> str | None:
        """Where ``name`` is a CNAME to, or None when it is not one."""
        targets = self._resolve(name, "CNAME")
        return targets[0].rstrip(".") if targets else None

    def _resolve(self, name: str, rdtype: str) -> list[str]:
        """The answer's records in text form; empty for NXDOMAIN and NODATA."""
        try:
            validate_name(name)
        except InvalidNameError as err:
            raise DnsLookupError(f"{rdtype} lookup of {name!a} not made: {err}") from err
        try:
            answer = self._resolver.resolve(name, rdtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return []
        except dns.exception.DNSException as err:
            raise DnsLookupError(
                f"{rdtype} lookup of {name} via {self.resolver_description} failed: "
                f"{type(err).__name__}"
            ) from err
        return [rdata.to_text() for rdata in answer.rrset or []]

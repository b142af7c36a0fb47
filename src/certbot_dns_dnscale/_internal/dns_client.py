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
    """``HOST``, ``HOST:PORT``, ``[V6]:PORT`` or a bare IPv6 address -> (host, port)."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.removeprefix(":") or str(DNS_PORT)
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, str(DNS_PORT)
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} is not HOST or HOST:PORT")
    return host, int(port)


def _join(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


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
        qname = dns.name.from_text(name)
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
            response = self._ask(server, dns.name.from_text(zone), dns.rdatatype.SOA)
        except DnsLookupError:
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
            answer = self._resolver.resolve(name, rdtype, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            return []
        except dns.exception.DNSException as err:
            raise DnsLookupError(
                f"{rdtype} lookup of {name} via {self.resolver_description} failed: "
                f"{type(err).__name__}"
            ) from err
        return [rdata.to_text() for rdata in answer.rrset or []]

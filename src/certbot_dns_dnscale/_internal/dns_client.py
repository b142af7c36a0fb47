"""DNS queries the plugin makes: nameservers of a zone, TXT values at one server, CNAME targets.

Recursive lookups (NS, addresses, CNAME) go to the system resolver or ``--dns-dnscale-resolver``;
TXT checks go straight to the authoritative servers, recursion off, UDP then TCP on truncation.
A server that answers, but refuses or answers another question, is an UnusableAnswerError
saying exactly that, never just "no answer".
"""

from __future__ import annotations

import socket
import time

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from certbot_dns_dnscale._internal.caa import Caa
from certbot_dns_dnscale._internal.dns_servers import Server as Server  # re-exported
from certbot_dns_dnscale._internal.dns_servers import is_ip, join_host_port, parse_server
from certbot_dns_dnscale._internal.dns_servers import server_list as server_list  # re-exported
from certbot_dns_dnscale._internal.zones import InvalidNameError, validate_name

QUERY_TIMEOUT_SECONDS = 2.0
RESOLVER_LIFETIME_SECONDS = 4.0


class DnsLookupError(Exception):
    """A DNS question got no usable answer (timeout, refusal, server failure)."""


class UnusableAnswerError(DnsLookupError):
    """A server did answer, but with a refusal, an error code or an answer to another
    question: it is there, and the message says exactly what it said."""


_RCODE_MEANINGS = {
    dns.rcode.REFUSED: "refused the query",
    dns.rcode.SERVFAIL: "failed to answer",
    dns.rcode.NOTIMP: "does not implement the query",
}


def _udp(query: dns.message.Message, server: Server) -> dns.message.Message:
    """The first answer from ``server`` to ``query`` over UDP, whatever question it answers:
    ``dns.query.udp`` would reject one for another name without saying which name it was."""
    family = socket.AF_INET6 if ":" in server.address else socket.AF_INET
    destination = (server.address, server.port)
    expiration = time.time() + QUERY_TIMEOUT_SECONDS
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        dns.query.send_udp(sock, query, destination, expiration)
        response, _ = dns.query.receive_udp(sock, destination, expiration)
    return response  # type: ignore[no-any-return]


def _mismatch_error(
    server: Server, query: dns.message.Message, response: dns.message.Message
) -> UnusableAnswerError:
    asked = query.question[0].name.to_text(omit_final_dot=True)
    if response.question and response.question[0].name != query.question[0].name:
        answered = response.question[0].name.to_text(omit_final_dot=True)
        return UnusableAnswerError(
            f"{server} answered for another name (asked {asked}, answered {answered})"
        )
    return UnusableAnswerError(f"{server} sent an answer that does not match the question {asked}")


def _rcode_error(server: Server, response: dns.message.Message) -> UnusableAnswerError:
    rcode = response.rcode()
    meaning = _RCODE_MEANINGS.get(rcode, "answered with an error")
    return UnusableAnswerError(f"{server} {meaning} ({dns.rcode.to_text(rcode)})")


def _query_name(name: str) -> dns.name.Name:
    """``name`` for a question; InvalidNameError (not a dnspython error) if DNS cannot hold it."""
    return dns.name.from_text(validate_name(name))


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
            if not is_ip(host):
                raise ValueError(f"the resolver must be an IP address, not {host!r}")
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = [host]
            self._resolver.port = port
            self.resolver_description = join_host_port(host, port)
        self._resolver.lifetime = RESOLVER_LIFETIME_SECONDS
        self._resolver.timeout = QUERY_TIMEOUT_SECONDS

    def txt_at(self, server: Server, name: str) -> frozenset[str]:
        """The TXT values ``server`` itself serves at ``name`` (empty for NXDOMAIN/NODATA)."""
        qname = _query_name(name)
        response = self._ask(server, qname, dns.rdatatype.TXT)
        if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            raise _rcode_error(server, response)
        return frozenset(
            b"".join(rdata.strings).decode(errors="replace")
            for rrset in response.answer
            if rrset.name == qname and rrset.rdtype == dns.rdatatype.TXT
            for rdata in rrset
        )

    def check_serves(self, server: Server, zone: str) -> None:
        """Returns when ``server`` answers for ``zone`` (its SOA). UnusableAnswerError says
        what it answered instead; DnsLookupError: no answer at all."""
        try:
            qname = _query_name(zone)
        except InvalidNameError as err:
            raise DnsLookupError(f"{zone} not asked for: {err}") from err
        response = self._ask(server, qname, dns.rdatatype.SOA)
        if response.rcode() == dns.rcode.NXDOMAIN:
            raise UnusableAnswerError(f"{server} says {zone} does not exist (NXDOMAIN)")
        if response.rcode() != dns.rcode.NOERROR:
            raise _rcode_error(server, response)
        if not response.answer:
            raise UnusableAnswerError(
                f"{server} has no SOA record for {zone}: it does not serve the zone"
            )

    @staticmethod
    def _ask(
        server: Server, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> dns.message.Message:
        """One question to ``server`` itself: recursion off, UDP, TCP when truncated."""
        query = dns.message.make_query(qname, rdtype)
        query.flags &= ~dns.flags.RD
        try:
            response = _udp(query, server)
            if response.flags & dns.flags.TC:
                response = dns.query.tcp(
                    query, server.address, port=server.port, timeout=QUERY_TIMEOUT_SECONDS
                )
        except (dns.exception.DNSException, OSError) as err:
            raise DnsLookupError(f"{server}: {type(err).__name__}") from err
        if not query.is_response(response):
            raise _mismatch_error(server, query, response)
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
        if is_ip(host):
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

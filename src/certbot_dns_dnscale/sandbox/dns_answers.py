"""The sandbox's DNS answers, from the zone store; the sockets are in ``dns_server``.

Answers are as a resolver pointed at DNScale would see them: CNAME chains inside the sandbox are
followed in one answer, NXDOMAIN and NODATA carry the zone's SOA, and UDP answers too big for the
client's buffer (512 bytes without EDNS) come back truncated so that TCP is needed. The zones'
NS records name the sandbox's nameservers, whose names resolve to their loopback addresses.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

from certbot_dns_dnscale.sandbox.store import Record, ZoneStore

NAMESERVERS = ("ns1.dnscale.eu", "ns2.dnscale.eu")  # named when no nameserver is configured
SOA_MINIMUM_SECONDS = 60
MAX_CNAME_CHAIN = 8
UDP_DEFAULT_PAYLOAD = 512


@dataclass(frozen=True)
class NameserverHost:
    """A nameserver the zones' NS records name, and the address its name resolves to."""

    host: str
    address: str


class Query(NamedTuple):
    """One line of a DNS server's query log."""

    name: str
    type: str
    recursion_desired: bool  # the RD flag: an authoritative server's clients should clear it
    at: float  # time.monotonic() when it was answered
    answers: int  # records in the answer section (the CNAMEs of a chain included)


class DnsAnswerer:
    """Builds answers; knows nothing of sockets. ``lag_seconds`` (default: the store's
    propagation delay) is how far behind the API this server is."""

    def __init__(
        self,
        store: ZoneStore,
        *,
        tamper_txt: bool = False,
        lag_seconds: float | None = None,
        nameservers: Sequence[NameserverHost] = (),
    ) -> None:
        self.store = store
        self.tamper_txt = tamper_txt
        self.lag_seconds = lag_seconds
        self.nameservers = tuple(nameservers)
        self.queries: list[Query] = []
        self._lock = threading.Lock()

    def answer(self, wire: bytes, *, over_udp: bool) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        response = dns.message.make_response(query)
        response.flags &= ~dns.flags.RA
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        question = query.question[0]
        self._fill(response, question.name, question.rdtype)
        self._log(question.name, question.rdtype, query, response)
        limit = max(query.payload, UDP_DEFAULT_PAYLOAD) if query.edns >= 0 else UDP_DEFAULT_PAYLOAD
        try:
            return response.to_wire(max_size=limit if over_udp else 65535)
        except dns.exception.TooBig:
            response.answer, response.authority, response.additional = [], [], []
            response.flags |= dns.flags.TC
            return response.to_wire()

    def _log(
        self,
        name: dns.name.Name,
        rdtype: dns.rdatatype.RdataType,
        query: dns.message.Message,
        response: dns.message.Message,
    ) -> None:
        logged = Query(
            name.to_text(),
            dns.rdatatype.to_text(rdtype),
            bool(query.flags & dns.flags.RD),
            time.monotonic(),
            sum(len(rrset) for rrset in response.answer),
        )
        with self._lock:
            self.queries.append(logged)

    def _fill(self, response: dns.message.Message, qname: dns.name.Name, qtype: int) -> None:
        if self._fill_nameserver_address(response, qname, qtype):
            return
        name = qname
        for _ in range(MAX_CNAME_CHAIN):
            zone = self.store.zone_for(name.to_text())
            if zone is None:
                # Above the zones (com, org, ...) the names exist, empty: as a resolver sees
                # them. Anything else is not ours to answer.
                if name == qname and not self.store.is_above_a_zone(name.to_text()):
                    response.set_rcode(dns.rcode.REFUSED)
                return
            response.flags |= dns.flags.AA
            records = self._records_at(name, zone.name)
            cnames = [r for r in records if r.type == "CNAME"]
            if cnames and qtype != dns.rdatatype.CNAME:
                response.answer.append(self._rrset(name, cnames))
                name = dns.name.from_text(cnames[0].content)
                continue
            wanted = [r for r in records if dns.rdatatype.from_text(r.type) == qtype]
            if wanted:
                response.answer.append(self._rrset(name, wanted))
                return
            if not self.store.name_exists(name.to_text(), self.lag_seconds):
                response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self._soa(zone.name))
            return

    def _fill_nameserver_address(
        self, response: dns.message.Message, qname: dns.name.Name, qtype: int
    ) -> bool:
        """The A record of a nameserver's name (NODATA for other types); False: not one."""
        wanted = qname.to_text(omit_final_dot=True).lower()
        hosts = [ns for ns in self.nameservers if ns.host == wanted]
        if not hosts:
            return False
        if qtype == dns.rdatatype.A:
            records = [_synthetic(wanted, "A", ns.address) for ns in hosts]
            response.answer.append(self._rrset(qname, records))
        return True

    def _records_at(self, name: dns.name.Name, zone_name: str) -> list[Record]:
        records = self.store.visible(name.to_text(), self.lag_seconds)
        if name.to_text(omit_final_dot=True).lower() == zone_name:
            records += self._apex_records(zone_name, records)
        return records

    def _ns_hosts(self) -> list[str]:
        return [ns.host for ns in self.nameservers] or list(NAMESERVERS)

    def _apex_records(self, zone_name: str, stored: list[Record]) -> list[Record]:
        primary = self._ns_hosts()[0]
        soa = f"{primary}. hostmaster.dnscale.eu. 1 3600 600 604800 {SOA_MINIMUM_SECONDS}"
        extra = [_synthetic(zone_name, "SOA", soa)]
        if not any(r.type == "NS" for r in stored):
            extra += [_synthetic(zone_name, "NS", f"{host}.") for host in self._ns_hosts()]
        return extra

    def _soa(self, zone_name: str) -> dns.rrset.RRset:
        name = dns.name.from_text(zone_name)
        soa = [r for r in self._apex_records(zone_name, []) if r.type == "SOA"]
        rrset = self._rrset(name, soa)
        rrset.ttl = SOA_MINIMUM_SECONDS
        return rrset

    def _rrset(self, name: dns.name.Name, records: list[Record]) -> dns.rrset.RRset:
        rtype = dns.rdatatype.from_text(records[0].type)
        rrset = dns.rrset.RRset(name, dns.rdataclass.IN, rtype)
        for record in records:
            rrset.add(self._rdata(record), ttl=record.ttl)
        return rrset

    def _rdata(self, record: Record) -> dns.rdata.Rdata:
        if record.type != "TXT":
            return dns.rdata.from_text(dns.rdataclass.IN, record.type, record.content)
        content = record.content.encode()
        if self.tamper_txt:
            content = b"tampered-" + hashlib.sha256(content).hexdigest()[:32].encode()
        chunks = [content[i : i + 255] for i in range(0, len(content), 255)] or [b""]
        return dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, chunks)


def _synthetic(name: str, rtype: str, content: str) -> Record:
    """A record no API call made: the zone's SOA and NS, a nameserver's address."""
    return Record("", "", name, rtype, content, 3600, None, 0.0, propagated=True)

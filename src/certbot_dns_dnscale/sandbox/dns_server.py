"""The sandbox's DNS side: an authoritative server (UDP and TCP) answering from the zone store.

It answers as a resolver pointed at DNScale would see it: CNAME chains inside the sandbox are
followed in one answer, NXDOMAIN and NODATA carry the zone's SOA, and UDP answers too big for the
client's buffer (512 bytes without EDNS) come back truncated so that TCP is needed.
"""

from __future__ import annotations

import hashlib
import socket
import socketserver
import struct
import threading

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

NAMESERVERS = ("ns1.dnscale.eu.", "ns2.dnscale.eu.")
SOA_MINIMUM_SECONDS = 60
MAX_CNAME_CHAIN = 8
UDP_DEFAULT_PAYLOAD = 512


class DnsAnswerer:
    """Builds answers; knows nothing of sockets."""

    def __init__(self, store: ZoneStore, *, tamper_txt: bool = False) -> None:
        self.store = store
        self.tamper_txt = tamper_txt
        self.queries: list[tuple[str, str]] = []
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
        with self._lock:
            self.queries.append((question.name.to_text(), dns.rdatatype.to_text(question.rdtype)))
        self._fill(response, question.name, question.rdtype)
        limit = max(query.payload, UDP_DEFAULT_PAYLOAD) if query.edns >= 0 else UDP_DEFAULT_PAYLOAD
        try:
            return response.to_wire(max_size=limit if over_udp else 65535)
        except dns.exception.TooBig:
            response.answer, response.authority, response.additional = [], [], []
            response.flags |= dns.flags.TC
            return response.to_wire()

    def _fill(self, response: dns.message.Message, qname: dns.name.Name, qtype: int) -> None:
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
            if not self.store.name_exists(name.to_text()):
                response.set_rcode(dns.rcode.NXDOMAIN)
            response.authority.append(self._soa(zone.name))
            return

    def _records_at(self, name: dns.name.Name, zone_name: str) -> list[Record]:
        records = self.store.visible(name.to_text())
        if name.to_text(omit_final_dot=True).lower() == zone_name:
            records += self._apex_records(zone_name, records)
        return records

    @staticmethod
    def _apex_records(zone_name: str, stored: list[Record]) -> list[Record]:
        def synthetic(rtype: str, content: str) -> Record:
            return Record("", "", zone_name, rtype, content, 3600, None, "", 0.0)

        soa = f"{NAMESERVERS[0]} hostmaster.dnscale.eu. 1 3600 600 604800 {SOA_MINIMUM_SECONDS}"
        extra = [synthetic("SOA", soa)]
        if not any(r.type == "NS" for r in stored):
            extra += [synthetic("NS", ns) for ns in NAMESERVERS]
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


class _UdpHandler(socketserver.BaseRequestHandler):
    answerer: DnsAnswerer

    def handle(self) -> None:
        data, sock = self.request
        reply = self.answerer.answer(data, over_udp=True)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class _UdpServer(socketserver.ThreadingUDPServer):
    daemon_threads = True


class _TcpHandler(socketserver.BaseRequestHandler):
    answerer: DnsAnswerer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        try:
            while True:
                header = _recv_exactly(conn, 2)
                if header is None:
                    return
                query = _recv_exactly(conn, struct.unpack("!H", header)[0])
                if query is None:
                    return
                reply = self.answerer.answer(query, over_udp=False)
                if reply is None:
                    return
                conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return


def _recv_exactly(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class DnsServer:
    """UDP and TCP on one port of ``host``; port 0 picks a free one for both."""

    def __init__(self, answerer: DnsAnswerer, host: str = "127.0.0.1", port: int = 0) -> None:
        udp_handler = type("UdpHandler", (_UdpHandler,), {"answerer": answerer})
        tcp_handler = type("TcpHandler", (_TcpHandler,), {"answerer": answerer})
        for _ in range(20):
            udp = _UdpServer((host, port), udp_handler)
            bound = udp.server_address[1]
            try:
                tcp = _TcpServer((host, bound), tcp_handler)
            except OSError:
                udp.server_close()
                if port:
                    raise
                continue
            break
        else:  # pragma: no cover - twenty collisions in a row
            raise OSError("no free port for both UDP and TCP")
        self.udp, self.tcp = udp, tcp
        self.host, self.port = host, bound
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for server in (self.udp, self.tcp):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in (self.udp, self.tcp):
            server.shutdown()
            server.server_close()

"""A tiny DNS server on 127.0.0.1 (UDP) for tests: scripted answers, and every query recorded.

Unlike the sandbox's DNS server it keeps each query as received, so that a test can assert on
what went over the wire (the RD flag), and it can show a name's values one step at a time.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

POLL_SECONDS = 0.05


@dataclass
class FakeDns:
    """``steps[(name, type)]``: the record texts of each successive answer; the last repeats.

    A name without steps gets NXDOMAIN. ``queries`` holds every query received, in order.
    ``rcode``: every query gets that code and no records (REFUSED, say); ``answer_for``: every
    answer names that name in its question, as a broken or hostile server might.
    """

    port: int = 0
    steps: dict[tuple[str, str], list[list[str]]] = field(default_factory=dict)
    queries: list[dns.message.Message] = field(default_factory=list)
    rcode: dns.rcode.Rcode | None = None
    answer_for: str | None = None
    _asked: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def answer(self, query: dns.message.Message) -> dns.message.Message:
        self.queries.append(query)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        if self.rcode is not None:
            response.set_rcode(self.rcode)
            return response
        if self.answer_for is not None:
            other = dns.name.from_text(self.answer_for)
            response.question = [dns.rrset.RRset(other, question.rdclass, question.rdtype)]
            return response
        key = (question.name.to_text(omit_final_dot=True), dns.rdatatype.to_text(question.rdtype))
        if key not in self.steps:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        step = self._asked.get(key, 0)
        self._asked[key] = step + 1
        texts = self.steps[key][min(step, len(self.steps[key]) - 1)]
        if texts:
            response.answer.append(
                dns.rrset.from_text(question.name, 60, "IN", question.rdtype, *texts)
            )
        return response

    def rd_flags(self) -> list[bool]:
        """For each query received: did it ask for recursion?"""
        return [bool(query.flags & dns.flags.RD) for query in self.queries]


@contextmanager
def fake_dns(
    steps: dict[tuple[str, str], list[list[str]]],
    *,
    rcode: dns.rcode.Rcode | None = None,
    answer_for: str | None = None,
) -> Iterator[FakeDns]:
    """A FakeDns answering on a free loopback UDP port until the block ends."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(POLL_SECONDS)
        port = int(sock.getsockname()[1])
        server = FakeDns(port=port, steps=steps, rcode=rcode, answer_for=answer_for)
        stop = threading.Event()
        thread = threading.Thread(target=_serve, args=(sock, server, stop), daemon=True)
        thread.start()
        try:
            yield server
        finally:
            stop.set()
            thread.join()


def _serve(sock: socket.socket, server: FakeDns, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            wire, peer = sock.recvfrom(4096)
        except TimeoutError:
            continue
        sock.sendto(server.answer(dns.message.from_wire(wire)).to_wire(), peer)

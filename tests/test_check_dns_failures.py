"""check when every DNS lookup fails: each finding names the lookup that failed and its fix.

The resolver here refuses every query at once (REFUSED), so the failures come without waiting
for timeouts.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dns.message
import dns.rcode
import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings


@contextmanager
def refusing_resolver() -> Iterator[str]:
    """HOST:PORT of a DNS server on 127.0.0.1 that answers every query with REFUSED."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.05)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(4096)
            except OSError:
                continue
            response = dns.message.make_response(dns.message.from_wire(data))
            response.set_rcode(dns.rcode.REFUSED)
            sock.sendto(response.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def test_every_failed_lookup_is_a_finding_with_the_lookup_and_its_fix(
    credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with refusing_resolver() as resolver:
        argv = [
            "check", "--credentials", str(credentials), "-d", "example.com", "--no-write-test",
            "--resolver", resolver, "--json",
        ]  # fmt: skip
        assert main(argv) == 1
    (report,) = json.loads(capsys.readouterr().out)
    assert (report["name"], report["ready"]) == ("example.com", False)
    found = [(f["check"], f["ok"], f["fix"]) for f in report["findings"]]
    assert found == [
        (
            "challenge",
            False,
            "check the resolver (--resolver); the zone is checked for the name itself",
        ),
        ("zone", True, None),
        ("NS", False, "check the resolver, or that the domain exists"),
        ("port 53", False, "check the resolver (--resolver)"),
        (
            "CAA",
            False,
            "CAs refuse to issue when CAA lookups fail: fix the DNS servers of the name",
        ),
    ]
    details = [f["detail"] for f in report["findings"]]
    assert details[0].startswith(
        f"CNAME lookup of _acme-challenge.example.com via {resolver} failed: "
    )
    assert details[1] == "example.com"
    assert details[2].startswith(f"NS lookup of example.com via {resolver} failed: ")
    assert details[3].startswith(f"NS lookup of example.com via {resolver} failed: ")
    assert details[4].startswith(f"CAA lookup of example.com via {resolver} failed: ")

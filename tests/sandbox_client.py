"""Poking a running sandbox from tests: its API over HTTP with a token, and the TXT values its DNS
server serves."""

from __future__ import annotations

from typing import Any

import dns.message
import dns.query
import dns.rdatatype
import requests

from certbot_dns_dnscale.sandbox import Sandbox


class SandboxApi:
    """Calls to the sandbox's API with ``token`` (the sandbox's full token by default)."""

    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        self.base = sandbox.api_url + "/v1"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token or sandbox.settings.token}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, self.base + path, timeout=5, **kwargs)


def txt_strings(answer: dns.message.Message) -> list[str]:
    """The TXT values in a DNS answer, sorted."""
    return sorted(
        b"".join(rdata.strings).decode()
        for rrset in answer.answer
        if rrset.rdtype == dns.rdatatype.TXT
        for rdata in rrset
    )


def served_txt(dns_port: int, name: str) -> list[str]:
    """The TXT values the DNS server on 127.0.0.1:``dns_port`` serves at ``name``, sorted."""
    query = dns.message.make_query(name, "TXT")
    return txt_strings(dns.query.udp(query, "127.0.0.1", port=dns_port, timeout=2))

"""The sandbox's authoritative nameservers: what the zones' NS records name, on port 53 of a
loopback address each, so that the plugin can find and query them as it does DNScale's.

The plugin asks a zone's nameservers on port 53 (as the CA does), so these servers must listen
there: binding port 53 needs root (or CAP_NET_BIND_SERVICE), as in CI. Each loopback address
(127.0.0.0/8 is all loopback on Linux) holds one server; left unset, a free one is picked in
127.53.0.0/16 so that several sandboxes can run at once.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Sequence
from dataclasses import dataclass

from certbot_dns_dnscale.sandbox.dns_answers import DnsAnswerer, NameserverHost, Query
from certbot_dns_dnscale.sandbox.dns_server import DnsServer
from certbot_dns_dnscale.sandbox.lifecycle import Lifecycle
from certbot_dns_dnscale.sandbox.store import ZoneStore

DNS_PORT = 53
ADDRESS_TRIES = 50


@dataclass(frozen=True)
class NameserverSettings:
    """One nameserver: its name in the NS records, where it listens, how far it lags the API
    (None: the sandbox's propagation delay)."""

    host: str
    address: str | None = None
    port: int = DNS_PORT
    lag_seconds: float | None = None


class NameserverBindError(OSError):
    """A nameserver's address and port could not be bound (port 53 needs root)."""


class Nameserver(Lifecycle):
    """One authoritative server: a DNS server on its own address, with its own lag and log."""

    def __init__(self, settings: NameserverSettings, store: ZoneStore, *, tamper_txt: bool) -> None:
        self.host = settings.host.rstrip(".").lower()
        self.answerer = DnsAnswerer(store, tamper_txt=tamper_txt, lag_seconds=settings.lag_seconds)
        self._server = _bind(self.answerer, settings)
        self.address, self.port = self._server.host, self._server.port

    @property
    def queries(self) -> list[Query]:
        return list(self.answerer.queries)

    @property
    def as_host(self) -> NameserverHost:
        return NameserverHost(self.host, self.address)

    def start(self) -> Nameserver:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()


def bind_nameservers(
    settings: Sequence[NameserverSettings],
    store: ZoneStore,
    answerers: Sequence[DnsAnswerer],
    *,
    tamper_txt: bool,
) -> list[Nameserver]:
    """Bind every nameserver (``start()`` serves), and teach every answerer (theirs and
    ``answerers``) their names and addresses. Nothing stays bound when one fails."""
    servers: list[Nameserver] = []
    try:
        for item in settings:
            servers.append(Nameserver(item, store, tamper_txt=tamper_txt))
    except OSError:
        for server in servers:
            server.stop()
        raise
    hosts = [server.as_host for server in servers]
    for answerer in [*answerers, *(server.answerer for server in servers)]:
        answerer.nameservers = tuple(hosts)
    return servers


def _bind(answerer: DnsAnswerer, settings: NameserverSettings) -> DnsServer:
    candidates = [settings.address] if settings.address else _free_loopback_candidates()
    for address in candidates:
        try:
            return DnsServer(answerer, address, settings.port)
        except OSError as err:
            if err.errno != errno.EADDRINUSE or settings.address:
                raise NameserverBindError(
                    err.errno,
                    f"cannot serve nameserver {settings.host} on {address}:{settings.port} "
                    f"({err.strerror}): port 53 needs root or CAP_NET_BIND_SERVICE, and the "
                    "address must be free",
                ) from err
    raise NameserverBindError(errno.EADDRINUSE, f"no free loopback address for {settings.host}")


def _free_loopback_candidates() -> list[str]:
    draw = random.Random()  # noqa: S311 - spreading addresses, not security
    return [f"127.53.{draw.randrange(256)}.{draw.randrange(1, 255)}" for _ in range(ADDRESS_TRIES)]

"""The sandbox as one object: zone store, API and DNS servers, started and stopped together."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from certbot_dns_dnscale.sandbox.api import ALL_SCOPES, ApiSettings, Call, DNScaleApi, Grant
from certbot_dns_dnscale.sandbox.dns_answers import DnsAnswerer
from certbot_dns_dnscale.sandbox.dns_server import DnsServer
from certbot_dns_dnscale.sandbox.faults import FAULT_KINDS, FaultPlan
from certbot_dns_dnscale.sandbox.grants import NamesListing, names_grant
from certbot_dns_dnscale.sandbox.http_handler import make_http_server
from certbot_dns_dnscale.sandbox.lifecycle import Lifecycle
from certbot_dns_dnscale.sandbox.nameservers import Nameserver, NameserverSettings, bind_nameservers
from certbot_dns_dnscale.sandbox.store import Record, ZoneStore, canonical

DEFAULT_ZONES = ("example.com", "sub.example.com", "example.org", "example.net")
DEFAULT_TOKEN = "sandbox-token"  # noqa: S105 - the sandbox's well-known test token
READONLY_TOKEN = "sandbox-readonly-token"  # noqa: S105 - lacks records:write
ACME_NAMES_TOKEN = "sandbox-acme-token"  # noqa: S105 - limited to _acme-challenge names
ACME_NAMES = frozenset({"_acme-challenge"})


@dataclass
class SandboxSettings:
    zones: tuple[str, ...] = DEFAULT_ZONES
    extra_zones: int = 0
    token: str = DEFAULT_TOKEN
    readonly_token: str = READONLY_TOKEN
    # DNScale's narrowest key for ACME: in every zone, only ``_acme-challenge`` (the apex's
    # challenge name, which the wildcard shares)
    acme_names_token: str = ACME_NAMES_TOKEN
    # how a record listing answers a key limited to names: only its names, or 403
    names_listing: NamesListing = NamesListing.FILTER
    api_latency_ms: float = 0.0
    propagation_delay_seconds: float = 0.0
    rrset_stagger_seconds: float = 0.0  # each further value at a name shows this much later
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_seed: int = 0
    retry_after_seconds: int = 1
    slow_seconds: float = 3.0
    max_zone_page_size: int = 100
    min_ttl_seconds: int = 120
    quote_txt_content: bool = False
    tamper_txt: bool = False
    host: str = "127.0.0.1"
    api_port: int = 0
    dns_port: int = 0
    extra_tokens: dict[str, Grant] = field(default_factory=dict)
    # Authoritative servers on port 53 named by the zones' NS records (needs root); without
    # them the NS records name ns1/ns2.dnscale.eu, which do not resolve.
    nameservers: tuple[NameserverSettings, ...] = ()


class Sandbox(Lifecycle):
    """A local DNScale: ``with Sandbox() as sandbox: ...`` or ``start()`` / ``stop()``."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings = settings or SandboxSettings()
        zone_names = list(settings.zones) + [
            f"extra-{i:04d}.example" for i in range(settings.extra_zones)
        ]
        lags = [ns.lag_seconds or 0.0 for ns in settings.nameservers]
        self.store = ZoneStore(
            zone_names,
            propagation_delay_seconds=settings.propagation_delay_seconds,
            longest_lag_seconds=max(lags, default=0.0),
            rrset_stagger_seconds=settings.rrset_stagger_seconds,
        )
        self.faults = FaultPlan(
            settings.fault_rate,
            settings.fault_kinds,
            seed=settings.fault_seed,
            retry_after_seconds=settings.retry_after_seconds,
            slow_seconds=settings.slow_seconds,
        )
        tokens = {
            settings.token: Grant(),
            settings.readonly_token: Grant(scopes=ALL_SCOPES - {"records:write"}),
            settings.acme_names_token: names_grant(zone_names, ACME_NAMES),
            **settings.extra_tokens,
        }
        self.api = DNScaleApi(
            self.store,
            ApiSettings(
                tokens=tokens,
                latency_ms=settings.api_latency_ms,
                min_ttl_seconds=settings.min_ttl_seconds,
                max_zone_page_size=settings.max_zone_page_size,
                quote_txt_content=settings.quote_txt_content,
                names_listing=NamesListing(settings.names_listing),
                faults=self.faults,
            ),
        )
        self.dns = DnsAnswerer(self.store, tamper_txt=settings.tamper_txt)
        self.nameservers: list[Nameserver] = bind_nameservers(
            settings.nameservers, self.store, [self.dns], tamper_txt=settings.tamper_txt
        )
        try:
            self._http = make_http_server(self.api, settings.host, settings.api_port)
            self._dns_server = DnsServer(self.dns, settings.host, settings.dns_port)
        except OSError:
            for nameserver in self.nameservers:
                nameserver.stop()
            raise
        self._http_thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def dns_port(self) -> int:
        return self._dns_server.port

    @property
    def dns_address(self) -> str:
        return f"{self._dns_server.host}:{self._dns_server.port}"

    @property
    def calls(self) -> list[Call]:
        return list(self.api.calls)

    def start(self) -> Sandbox:
        self._http_thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._http_thread.start()
        self._dns_server.start()
        for nameserver in self.nameservers:
            nameserver.start()
        return self

    def stop(self) -> None:
        if self._http_thread is not None:  # shutdown() waits for a loop that never ran
            self._http.shutdown()
        self._http.server_close()
        self._dns_server.stop()
        for nameserver in self.nameservers:
            nameserver.stop()

    def credentials_ini(self, token: str | None = None, **extra: str) -> str:
        """The text of a credentials file pointing the plugin at this sandbox."""
        lines = {
            "dns_dnscale_api_token": token or self.settings.token,
            "dns_dnscale_api_url": self.api_url,
            **extra,
        }
        return "".join(f"{key} = {value}\n" for key, value in lines.items())

    def add_record(
        self,
        name: str,
        rtype: str,
        content: str,
        ttl: int = 300,
        *,
        comment: str | None = None,
        disabled: bool = False,
    ) -> Record:
        """Put a record straight into the store, already live in DNS (unless disabled): set-up
        done beforehand, by someone else (a foreign TXT value, a CNAME delegation, an A record)."""
        zone = self.store.zone_for(name)
        if zone is None:
            raise KeyError(f"no sandbox zone holds {name}")
        return self.store.add(
            zone.id, name, rtype, content, ttl, comment, propagated=True, disabled=disabled
        )

    def records(self, name: str, rtype: str = "TXT") -> list[Record]:
        """What the API would list at ``name`` (changes are immediate here)."""
        zone = self.store.zone_for(name)
        if zone is None:
            return []
        wanted = canonical(name)
        return [
            r for r in self.store.records(zone.id) if r.name == wanted and r.type == rtype.upper()
        ]

    def txt_values(self, name: str) -> list[str]:
        return sorted(r.content for r in self.records(name))

    def acme_challenge_records(self) -> list[Record]:
        """Every ``_acme-challenge`` TXT record in every zone."""
        return [
            r
            for zone in self.store.zones()
            for r in self.store.records(zone.id)
            if r.type == "TXT" and r.name.split(".")[0] == "_acme-challenge"
        ]

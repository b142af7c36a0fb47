"""Is a name ready for DNS-01 through DNScale? The known pitfalls, checked one by one, before a
renewal fails at 3 a.m.: each finding says what it saw and, when it is a problem, the fix."""

from __future__ import annotations

import os
import stat
import uuid
from dataclasses import dataclass, field

from certbot_dns_dnscale._internal.caa import verdict
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.delegation import DelegationError, describe, follow_cnames
from certbot_dns_dnscale._internal.dns_client import (
    DnsClient,
    DnsLookupError,
    Server,
    UnusableAnswerError,
)
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.hints import Context, diagnose
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale._internal.name_rules import name_problem
from certbot_dns_dnscale._internal.redact import redact
from certbot_dns_dnscale._internal.zones import Zone, find_zone, normalize_name, suffixes

DNSCALE_NAMESERVERS = frozenset({"ns1.dnscale.eu", "ns2.dnscale.eu"})
WRITE_TEST_PREFIX = "certbot-dns-dnscale-check-"
HTTP_FORBIDDEN = 403


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str | None = None


@dataclass
class NameReport:
    name: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(finding.ok for finding in self.findings)


@dataclass(frozen=True)
class CheckOptions:
    credentials_path: str
    ttl_seconds: int
    ca: str = "letsencrypt.org"
    write_test: bool = True
    nameservers: list[Server] | None = None


def credentials_mode_finding(path: str) -> Finding:
    """Whether the credentials file is closed to others: certbot only warns about it, but a token
    others can read is a token anyone on the machine can use."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & stat.S_IRWXO:
        return Finding(
            "credentials",
            False,
            f"{path} is readable by others (mode {mode:o})",
            f"chmod 600 {path}",
        )
    return Finding("credentials", True, f"{path} (mode {mode:o})")


class SetupChecker:
    def __init__(
        self,
        client: DNScaleClient,
        dns: DnsClient,
        options: CheckOptions,
        zones: list[Zone] | None = None,
    ) -> None:
        """``zones``: the account's zone list when the caller has read it already."""
        self._client = client
        self._dns = dns
        self._options = options
        self._zones = zones
        self._written: dict[str, Finding] = {}  # one write test per target: apex + wildcard
        self._listings: dict[str, Finding | None] = {}  # one record listing per zone

    def check(self, name: str) -> NameReport:
        report = NameReport(name)
        problem = name_problem(name)
        if problem is not None:
            report.findings.append(Finding("name", False, problem, "correct the name"))
            return report
        base = name.removeprefix("*.")
        chain = self._chain("_acme-challenge." + base, report)
        zone = self._zone(chain, report) if chain else None
        if zone is not None:
            if self._options.write_test:
                report.findings.append(self._write_test_once(zone, chain))
            listing = self._listing_once(zone)
            if listing is not None:
                report.findings.append(listing)
            report.findings.append(self._delegation(zone))
            report.findings.append(self._port_53(zone))
        report.findings.append(self._caa(base, wildcard=name.startswith("*.")))
        return report

    def _chain(self, validation_name: str, report: NameReport) -> list[str]:
        try:
            chain = follow_cnames(
                validation_name, self._dns.cname_target, lookup_error=DnsLookupError
            )
        except DelegationError as err:
            report.findings.append(
                Finding("challenge", False, str(err), f"fix the CNAME records of {validation_name}")
            )
            return []
        except DnsLookupError as err:
            fix = "check the resolver (--resolver); the zone is checked for the name itself"
            report.findings.append(Finding("challenge", False, str(err), fix))
            return [normalize_name(validation_name)]
        detail = f"{describe(chain)} (CNAME)" if len(chain) > 1 else f"{chain[0]} (no CNAME)"
        report.findings.append(Finding("challenge", True, detail))
        return chain

    def _zone(self, chain: list[str], report: NameReport) -> Zone | None:
        if self._zones is None:
            self._zones = self._client.list_zones()
        zone = find_zone(chain[-1], self._zones)
        if zone is None:
            report.findings.append(
                Finding(
                    "zone",
                    False,
                    f"no DNScale zone holds {chain[-1]} (tried {', '.join(suffixes(chain[-1]))} "
                    f"among {len(self._zones)} zone(s) the token can see)",
                    "add the zone to DNScale or give the token access to it"
                    + (", or point the CNAME into a DNScale zone" if len(chain) > 1 else ""),
                )
            )
            return None
        report.findings.append(Finding("zone", True, zone.name))
        return zone

    def _write_test_once(self, zone: Zone, chain: list[str]) -> Finding:
        if chain[-1] not in self._written:
            self._written[chain[-1]] = self._write_test(zone, chain)
        return self._written[chain[-1]]

    def _write_test(self, zone: Zone, chain: list[str]) -> Finding:
        """Create and delete a TXT record where the plugin would, marked as the plugin marks it
        (so that a sweep cleans it up should the delete fail)."""
        target = chain[-1]
        value = WRITE_TEST_PREFIX + uuid.uuid4().hex
        mark = make_mark(answering=chain[0] if len(chain) > 1 else None)
        try:
            created = self._client.create_txt_record(
                zone.id, target, value, ttl=self._options.ttl_seconds, comment=mark
            )
            self._client.delete_txt(created.record)
        except DNScaleError as err:
            context = Context(
                f"write a test TXT record at {target}",
                self._options.credentials_path,
                self._client.base_url,
                zone.name,
                target,
            )
            return Finding("write test", False, redact(str(err)), diagnose(err, context))
        return Finding("write test", True, f"created and deleted a TXT record at {target}")

    def _listing_once(self, zone: Zone) -> Finding | None:
        if zone.id not in self._listings:
            self._listings[zone.id] = self._listing(zone)
        return self._listings[zone.id]

    def _listing(self, zone: Zone) -> Finding | None:
        """Can the key list the zone's records? Shown only when it cannot: a key limited to
        names may be refused (issuing works without the listing; sweep does not)."""
        try:
            self._client.zone_txt_records(zone.id)
        except DNScaleError as err:
            if err.status == HTTP_FORBIDDEN:
                return Finding(
                    "listing",
                    True,
                    f"DNScale refuses this API key the record listing of {zone.name} (HTTP 403): "
                    "the key is limited to some names (or lacks records:read). Enough to issue; "
                    f"`certbot-dns-dnscale sweep` cannot look for leftovers in {zone.name} "
                    "with this key",
                )
            context = Context(
                f"list the records of {zone.name}",
                self._options.credentials_path,
                self._client.base_url,
                zone.name,
            )
            return Finding("listing", False, redact(str(err)), diagnose(err, context))
        return None

    def _delegation(self, zone: Zone) -> Finding:
        try:
            hosts = self._dns.ns_hosts(zone.name)
        except DnsLookupError as err:
            return Finding("NS", False, str(err), "check the resolver, or that the domain exists")
        expected = ", ".join(sorted(DNSCALE_NAMESERVERS))
        others = [host for host in hosts if host not in DNSCALE_NAMESERVERS]
        if not hosts or others:
            where = ", ".join(hosts) or "nothing"
            return Finding(
                "NS",
                False,
                f"{zone.name} is delegated to {where}, not only to DNScale",
                f"set the NS records of {zone.name} at your registrar to {expected}",
            )
        return Finding("NS", True, f"{zone.name} is delegated to {', '.join(hosts)}")

    def _port_53(self, zone: Zone) -> Finding:
        try:
            servers = self._options.nameservers or self._dns.nameservers(zone.name)
        except DnsLookupError as err:
            return Finding("port 53", False, str(err), "check the resolver (--resolver)")
        silent, unusable = self._serving(servers, zone)
        if silent:
            return Finding(
                "port 53",
                False,
                "; ".join([f"no answer for {zone.name} from {', '.join(silent)}", *unusable]),
                "allow outbound DNS (UDP and TCP port 53) to them, or name reachable ones "
                "with --nameservers",
            )
        if unusable:
            return Finding(
                "port 53",
                False,
                "; ".join(unusable),
                f"these servers do not serve {zone.name}: set its NS records (or --nameservers) "
                "to servers that do",
            )
        return Finding("port 53", True, f"{', '.join(map(str, servers))} answer for {zone.name}")

    def _serving(self, servers: list[Server], zone: Zone) -> tuple[list[str], list[str]]:
        """The servers that did not answer for the zone, and what the others said instead."""
        silent, unusable = [], []
        for server in servers:
            try:
                self._dns.check_serves(server, zone.name)
            except UnusableAnswerError as err:
                unusable.append(str(err))
            except DnsLookupError:
                silent.append(str(server))
        return silent, unusable

    def _caa(self, name: str, *, wildcard: bool) -> Finding:
        try:
            caa = verdict(name, self._options.ca, self._dns.caa, wildcard=wildcard)
        except DnsLookupError as err:
            return Finding(
                "CAA",
                False,
                str(err),
                "CAs refuse to issue when CAA lookups fail: fix the DNS servers of the name",
            )
        return Finding("CAA", caa.allowed, caa.detail, caa.fix)

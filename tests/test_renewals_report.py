"""``check --renewals`` word for word: the text a person reads and the JSON a monitor parses,
for a config directory with a ready lineage, an expired one and one for another plugin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.commands.renewals import due as renewal_due
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.test_renewals import NOW, add_lineage, plugin_params

NS = "example.{} is delegated to ns1.dnscale.eu, ns2.dnscale.eu"
RULE = "certbot 4.0+: when a third of the lifetime is left"


@pytest.fixture(autouse=True)
def certbot_4_or_newer(monkeypatch: pytest.MonkeyPatch) -> None:
    """These expectations use certbot 4.0+'s renewal rule, whichever certbot runs the tests
    (CI also runs Debian 12's 2.1.0 and Ubuntu 24.04's 2.9.0: test_renewal_due covers theirs)."""
    monkeypatch.setattr(renewal_due, "certbot_major", lambda: 5)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com", "example.org"))) as running:
        yield running


@pytest.fixture
def config_dir(sandbox: Sandbox, tmp_path: Path) -> Path:
    credentials = tmp_path / "dnscale.ini"
    credentials.write_text(sandbox.credentials_ini())
    credentials.chmod(0o600)
    config_dir = tmp_path / "letsencrypt"
    (config_dir / "renewal").mkdir(parents=True)
    params = plugin_params(sandbox, credentials)
    add_lineage(config_dir, "example.com", ["example.com", "*.example.com"], params=params)
    add_lineage(config_dir, "old.example.org", params=params, days_old=100)
    add_lineage(config_dir, "other", params="authenticator = standalone\n")
    return config_dir


def certificate_time(days_from_now: int) -> datetime:
    """A time of the certificates add_lineage makes: whole seconds, as X.509 keeps them."""
    return NOW.replace(microsecond=0) + timedelta(days=days_from_now)


def minute(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC"


def check_output(config_dir: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> str:
    status = main(
        ["check", "--renewals", "--config-dir", str(config_dir), "--no-write-test", *flags]
    )
    assert status == 1  # one lineage is not ready
    return capsys.readouterr().out


def test_the_text_report_shows_each_lineage_its_findings_and_a_summary(
    config_dir: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = config_dir.parent / "dnscale.ini"
    dns = sandbox.dns_address
    settings = (
        f"dns_dnscale_credentials = {credentials}, dns_dnscale_nameservers = {dns}, "
        f"dns_dnscale_propagation_seconds = 5, dns_dnscale_require_propagation = True, "
        f"dns_dnscale_resolver = {dns}"
    )

    def name_block(name: str, tld: str) -> list[str]:
        return [
            f"  {name}: ready",
            f"    ok    challenge   _acme-challenge.{name.removeprefix('*.')} (no CNAME)",
            f"    ok    zone        example.{tld}",
            f"    ok    NS          {NS.format(tld)}",
            f"    ok    port 53     {dns} answer for example.{tld}",
            "    ok    CAA         no CAA records: any CA may issue",
        ]

    common = [
        f"  ok    settings    {settings}",
        f"  ok    credentials {credentials} (mode 600)",
        "  ok    token       accepted; it sees 2 zone(s)",
    ]
    expected = [
        f"example.com: ready  ({config_dir}/renewal/example.com.conf)",
        "  names       example.com, *.example.com",
        f"  ok    expiry      expires {minute(certificate_time(80))} (in 79 days)",
        f"  ok    renewal     certbot renews it from {minute(certificate_time(50))} "
        f"(in 49 days; {RULE})",
        *common,
        *name_block("example.com", "com"),
        *name_block("*.example.com", "com"),
        f"old.example.org: NOT READY  ({config_dir}/renewal/old.example.org.conf)",
        "  names       old.example.org",
        f"  FAIL  expiry      expires {minute(certificate_time(-10))} (10 days ago)",
        "                    fix: renewals have been failing: run certbot renew and read its log",
        f"  ok    renewal     certbot renews it at its next run ({RULE})",
        *common,
        *name_block("old.example.org", "org"),
        "other: skipped (authenticator standalone, not dns-dnscale)",
        "",
        f"2 certificate(s) in {config_dir} renew with dns-dnscale: 1 NOT READY; 1 skipped",
    ]
    assert check_output(config_dir, capsys).splitlines() == expected


def ok(check: str, detail: str) -> dict[str, Any]:
    return {"check": check, "ok": True, "detail": detail, "fix": None}


def test_the_json_report_carries_every_field_a_monitor_reads(
    config_dir: Path, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    output = check_output(config_dir, capsys, "--json")
    document = json.loads(output)
    assert output == json.dumps(document, indent=2) + "\n"
    credentials = str(config_dir.parent / "dnscale.ini")
    dns = sandbox.dns_address
    settings = {
        "credentials": credentials,
        "propagation_seconds": "5",
        "nameservers": dns,
        "resolver": dns,
        "require_propagation": "True",
    }
    settings_detail = (
        f"dns_dnscale_credentials = {credentials}, dns_dnscale_nameservers = {dns}, "
        f"dns_dnscale_propagation_seconds = 5, dns_dnscale_require_propagation = True, "
        f"dns_dnscale_resolver = {dns}"
    )
    common = [
        ok("settings", settings_detail),
        ok("credentials", f"{credentials} (mode 600)"),
        ok("token", "accepted; it sees 2 zone(s)"),
    ]

    def name_check(name: str, tld: str) -> dict[str, Any]:
        return {
            "name": name,
            "ready": True,
            "findings": [
                ok("challenge", f"_acme-challenge.{name.removeprefix('*.')} (no CNAME)"),
                ok("zone", f"example.{tld}"),
                ok("NS", NS.format(tld)),
                ok("port 53", f"{dns} answer for example.{tld}"),
                ok("CAA", "no CAA records: any CA may issue"),
            ],
        }

    assert document == {
        "config_dir": str(config_dir),
        "ready": False,
        "lineages": [
            {
                "name": "example.com",
                "conf": f"{config_dir}/renewal/example.com.conf",
                "authenticator": "dns-dnscale",
                "status": "ready",
                "names": ["example.com", "*.example.com"],
                "expires": certificate_time(80).isoformat(),
                "days_left": 79,
                "renews_from": certificate_time(50).isoformat(),
                "renewal_due": False,
                "settings": settings,
                "findings": [
                    ok("expiry", f"expires {minute(certificate_time(80))} (in 79 days)"),
                    ok(
                        "renewal",
                        f"certbot renews it from {minute(certificate_time(50))} "
                        f"(in 49 days; {RULE})",
                    ),
                    *common,
                ],
                "checks": [name_check("example.com", "com"), name_check("*.example.com", "com")],
            },
            {
                "name": "old.example.org",
                "conf": f"{config_dir}/renewal/old.example.org.conf",
                "authenticator": "dns-dnscale",
                "status": "not ready",
                "names": ["old.example.org"],
                "expires": certificate_time(-10).isoformat(),
                "days_left": -10,
                "renews_from": certificate_time(-40).isoformat(),
                "renewal_due": True,
                "settings": settings,
                "findings": [
                    {
                        "check": "expiry",
                        "ok": False,
                        "detail": f"expires {minute(certificate_time(-10))} (10 days ago)",
                        "fix": "renewals have been failing: run certbot renew and read its log",
                    },
                    ok("renewal", f"certbot renews it at its next run ({RULE})"),
                    *common,
                ],
                "checks": [name_check("old.example.org", "org")],
            },
            {
                "name": "other",
                "conf": f"{config_dir}/renewal/other.conf",
                "authenticator": "standalone",
                "status": "skipped",
                "names": [],
                "expires": None,
                "days_left": None,
                "renews_from": None,
                "renewal_due": None,
                "settings": {},
                "findings": [],
                "checks": [],
            },
        ],
    }

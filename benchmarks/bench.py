"""What the issuance comparison and the mass renewal share: the variants and their certbot runs.

``compare.py`` runs the issuance workloads and ``mass_renewal.py`` the renewal; both issue through
:class:`Bench` and name their variants the same way, so both import this module (and neither the
other).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from measure import HERE, OLD_VERSION, Run, old_plugin_certbot, run_certbot

from certbot_dns_dnscale.sandbox import Sandbox
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble

ZONES = ("example.com", "sub.example.com", "example.org")


def names(count: int) -> list[str]:
    return [f"host{i}.{ZONES[i % 3]}" for i in range(count)]


WORKLOADS = {
    "1 name": ["example.com"],
    "apex + wildcard": ["example.com", "*.example.com"],
    "20 names, 3 zones": names(20),
    "100 names, 3 zones": names(100),
}


class Bench:
    """Issuances in fresh certbot directories against one sandbox and one Pebble."""

    def __init__(self, sandbox: Sandbox, pebble: Pebble, tmp: Path) -> None:
        self.sandbox, self.pebble, self.tmp = sandbox, pebble, tmp
        self.runs = 0
        self.zone_ids = tmp / "zone-ids.json"
        self.zone_ids.write_text(json.dumps({z.name: z.id for z in sandbox.store.zones()}))

    def fresh_base(self) -> Path:
        self.runs += 1
        base = self.tmp / f"run-{self.runs}"
        base.mkdir()
        credentials = base / "dnscale.ini"
        credentials.write_text(self.sandbox.credentials_ini())
        credentials.chmod(0o600)
        return base

    def issue(self, variant: str, domains: list[str], base: Path | None = None) -> Run:
        """One issuance, in fresh directories unless ``base`` is given."""
        base = base or self.fresh_base()
        certbot = Certbot(base / "certbot", self.pebble)
        command = certbot.command("certonly", *certbot.certonly_args(domains))
        command += self.variant_args(variant, base / "dnscale.ini", base)
        if variant.startswith(OLD_VERSION):
            command[0] = str(old_plugin_certbot())
        return run_certbot(command, self.env(base), self.sandbox, base / "stderr.txt")

    def env(self, base: Path) -> dict[str, str]:
        return {
            **os.environ,
            "REQUESTS_CA_BUNDLE": str(self.pebble.ca_bundle),
            **self._hook_env(base),
        }

    def variant_args(self, variant: str, credentials: Path, base: Path) -> list[str]:
        if variant == "floor":
            hook = f"{sys.executable} {HERE / 'manual_hook.py'}"
            return ["--manual", "--preferred-challenges", "dns",
                    "--manual-auth-hook", f"{hook} auth",
                    "--manual-cleanup-hook", f"{hook} cleanup"]  # fmt: skip
        args = ["--authenticator", "dns-dnscale", "--dns-dnscale-credentials", str(credentials)]
        if variant == "ours":
            return [*args, "--dns-dnscale-nameservers", self.sandbox.dns_address,
                    "--dns-dnscale-resolver", self.sandbox.dns_address]  # fmt: skip
        return [*args, "--dns-dnscale-propagation-seconds", str(old_seconds(variant))]

    def _hook_env(self, base: Path) -> dict[str, str]:
        return {
            "SANDBOX_API": self.sandbox.api_url,
            "SANDBOX_TOKEN": self.sandbox.settings.token,
            "SANDBOX_DNS": self.sandbox.dns_address,
            "HOOK_STATE": str(base / "hook-state.jsonl"),
            "ZONE_IDS": str(self.zone_ids),
        }


def old_seconds(variant: str) -> int:
    """``"1.0.2 (60 s)"`` -> 60."""
    return int(variant.split("(")[1].split()[0])


def smallest_old_setting(bench: Bench) -> int:
    """The fewest propagation seconds with which 1.0.2 gets apex + wildcard here."""
    for seconds in range(1, 30):
        run = bench.issue(f"{OLD_VERSION} ({seconds} s)", WORKLOADS["apex + wildcard"])
        print(f"  probe 1.0.2 at {seconds} s: {'ok' if run.ok else 'failed'}", flush=True)
        if run.ok:
            return seconds
    raise SystemExit("1.0.2 never succeeded")


def variants(smallest: int, quick: bool, floor: bool = True) -> list[str]:
    names = ["ours", *([] if quick else [f"{OLD_VERSION} (60 s)"]), f"{OLD_VERSION} ({smallest} s)"]
    return [*names, "floor"] if floor else names

"""Side by side: this plugin, the published certbot-dns-dnscale 1.0.2, and the floor.

Same certbot, same Pebble, same sandbox (80 ms API latency, 2 s DNS propagation delay). Variants:

- ``ours``: this plugin, default settings (only the sandbox's nameserver and resolver given);
- ``1.0.2 (60 s)``: the published plugin, in its own virtualenv, default propagation seconds;
- ``1.0.2 (N s)``: the same with the smallest propagation seconds that succeeded here;
- ``floor``: certbot ``--manual`` with hooks that write straight to the sandbox and wait exactly
  until DNS serves the values: what any plugin would need at the least (issuance only).

Issuance workloads, in an account of 500 zones: one name; apex + wildcard; 20 names in 3 zones;
100 names in 3 zones. Mass renewal (``mass_renewal.py``), in an account of 1000 zones: N
single-name lineages issued first, then one timed ``certbot renew``. For each cell: the median
and spread of wall time over ``--runs`` runs, API requests and zone-list requests (from the
sandbox's call log) and peak memory of the certbot process.

Raw results go to benchmarks/results.json; ``--part`` reruns one part and keeps the other's
results from that file; BENCHMARKS.md and benchmarks/benchmark.png are written from it.

    python benchmarks/compare.py [--runs 3] [--quick] [--part all|issuance|renewal]
        [--lineages 5] [--report-only]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import HERE, OLD_VERSION, Cell, Run, old_plugin_certbot, print_run, run_certbot
from report import write_chart, write_report

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble
from certbot_dns_dnscale.sandbox.server import DEFAULT_ZONES

RESULTS = HERE / "results.json"
ZONES = ("example.com", "sub.example.com", "example.org")
ACCOUNT_ZONES = 500  # the sandbox's own zones included
SETTINGS = {
    "api_latency_ms": 80.0,
    "propagation_delay_seconds": 2.0,
    "extra_zones": ACCOUNT_ZONES - len(DEFAULT_ZONES),
}


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


def run_issuance(runs: int, quick: bool) -> dict[str, Any]:
    """Every issuance workload for every variant, ``runs`` times."""
    cells: dict[str, dict[str, Cell]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        settings = SandboxSettings(**SETTINGS)  # type: ignore[arg-type]
        with Sandbox(settings) as sandbox, Pebble(Path(tmp) / "pebble", sandbox.dns_address) as pb:
            bench = Bench(sandbox, pb, Path(tmp))
            smallest = smallest_old_setting(bench)
            for workload, domains in WORKLOADS.items():
                cells[workload] = {}
                for variant in variants(smallest, quick):
                    cell = cells[workload][variant] = Cell()
                    for number in range(1, runs + 1):
                        run = bench.issue(variant, domains)
                        print_run(workload, variant, number, run)
                        cell.add(run)
    return {"runs": runs, "smallest_seconds": smallest, "cells": cells}


def load_results() -> dict[str, Any]:
    if not RESULTS.exists():
        return {}
    data: dict[str, Any] = json.loads(RESULTS.read_text())
    for part in data.values():
        part["cells"] = {
            workload: {variant: Cell.from_json(cell) for variant, cell in row.items()}
            for workload, row in part["cells"].items()
        }
    return data


def save_results(results: dict[str, Any]) -> None:
    def encode(value: object) -> object:
        if isinstance(value, Cell):
            return value.to_json()
        raise TypeError(type(value))

    RESULTS.write_text(json.dumps(results, indent=1, default=encode) + "\n")


def timed(part: str, argv: list[str], measure: Any) -> dict[str, Any]:
    """Run one part, adding its wall time and the command line that ran it."""
    started = time.monotonic()
    result: dict[str, Any] = measure()
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    result["command"] = " ".join(["python benchmarks/compare.py", *argv])
    result["load_average_at_end"] = round(os.getloadavg()[0], 2)  # others share the machine
    print(f"{part}: {result['wall_seconds'] / 60:.1f} minutes", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the 60 s variant (a try-out)")
    parser.add_argument("--part", choices=("all", "issuance", "renewal"), default="all")
    parser.add_argument("--lineages", type=int, default=5, help="lineages in the mass renewal")
    parser.add_argument(
        "--report-only", action="store_true", help="rewrite BENCHMARKS.md from results.json"
    )
    args = parser.parse_args()
    if args.lineages < 1:
        parser.error("--lineages must be 1 or more")
    results = load_results()
    argv = sys.argv[1:]
    if not args.report_only:
        old_plugin_certbot()
        if args.part in ("all", "issuance"):
            results["issuance"] = timed(
                "issuance", argv, lambda: run_issuance(args.runs, args.quick)
            )
            save_results(results)
        if args.part in ("all", "renewal"):
            from mass_renewal import run_renewal

            results["renewal"] = timed(
                "renewal", argv, lambda: run_renewal(args.runs, args.quick, args.lineages)
            )
            save_results(results)
    write_report(results)
    write_chart(results)


if __name__ == "__main__":
    main()

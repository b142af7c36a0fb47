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

from bench import WORKLOADS, Bench, smallest_old_setting, variants
from mass_renewal import run_renewal
from measure import HERE, Cell, old_plugin_certbot, print_run
from report import write_chart, write_report

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.pebble import Pebble
from certbot_dns_dnscale.sandbox.server import DEFAULT_ZONES

RESULTS = HERE / "results.json"
ACCOUNT_ZONES = 500  # the sandbox's own zones included
SETTINGS = {
    "api_latency_ms": 80.0,
    "propagation_delay_seconds": 2.0,
    "extra_zones": ACCOUNT_ZONES - len(DEFAULT_ZONES),
}


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
            results["renewal"] = timed(
                "renewal", argv, lambda: run_renewal(args.runs, args.quick, args.lineages)
            )
            save_results(results)
    write_report(results)
    write_chart(results)


if __name__ == "__main__":
    main()

"""Mass renewal: N single-name lineages renewed by one ``certbot renew``, ours against 1.0.2.

In an account of 1000 zones, each run issues the lineages in fresh certbot directories (not
timed), deactivates Pebble's valid authorizations (Pebble would otherwise reuse them and the
renewal would make no DNScale call), then times ONE ``certbot renew --force-renewal
--no-random-sleep-on-renew`` and counts its API and zone-list requests. A run counts only when
every lineage got a new certificate. Called by ``compare.py --part renewal`` (or ``all``).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from bench import Bench, old_seconds, smallest_old_setting, variants
from cryptography import x509
from measure import OLD_VERSION, Cell, Run, old_plugin_certbot, print_run, run_certbot

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.authorizations import deactivate_valid_authorizations
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble
from certbot_dns_dnscale.sandbox.server import DEFAULT_ZONES

ACCOUNT_ZONES = 1000  # the sandbox's own zones included
ISSUE_ATTEMPTS = 3


def lineage_names(count: int) -> list[str]:
    return [f"host{i}.example.com" for i in range(1, count + 1)]


def scenario_name(lineages: int) -> str:
    return f"renew {lineages} lineages, {ACCOUNT_ZONES} zones"


def run_renewal(runs: int, quick: bool, lineages: int) -> dict[str, Any]:
    """Every variant's mass renewal, ``runs`` times, against one sandbox and one Pebble."""
    settings = SandboxSettings(
        api_latency_ms=80.0,
        propagation_delay_seconds=2.0,
        extra_zones=ACCOUNT_ZONES - len(DEFAULT_ZONES),
    )
    with tempfile.TemporaryDirectory(prefix="bench-renewal-") as tmp:
        tmp_path = Path(tmp)
        with Sandbox(settings) as sandbox, Pebble(tmp_path / "pebble", sandbox.dns_address) as pb:
            bench = Bench(sandbox, pb, tmp_path)
            smallest = smallest_old_setting(bench)
            row = {
                variant: renew_runs(bench, variant, runs, lineages, smallest)
                for variant in variants(smallest, quick, floor=False)
            }
    return {
        "runs": runs,
        "lineages": lineages,
        "smallest_seconds": smallest,
        "cells": {scenario_name(lineages): row},
    }


def renew_runs(bench: Bench, variant: str, runs: int, lineages: int, smallest: int) -> Cell:
    cell = Cell()
    for number in range(1, runs + 1):
        run = renew_once(bench, variant, lineage_names(lineages), smallest)
        print_run(scenario_name(lineages), variant, number, run)
        cell.add(run)
    return cell


def renew_once(bench: Bench, variant: str, lineages: list[str], smallest: int) -> Run:
    """Issue ``lineages`` (untimed), then one timed ``certbot renew`` of all of them."""
    base = bench.fresh_base()
    certbot = Certbot(base / "certbot", bench.pebble)
    issuer = variant if variant == "ours" else f"{OLD_VERSION} ({smallest} s)"
    for lineage in lineages:
        issued = issue_with_retries(bench, issuer, lineage, base)
        if not issued.ok:
            print(f"    could not issue {lineage}: this run does not count", flush=True)
            return issued
    before = {lineage: serial(certbot, lineage) for lineage in lineages}
    pebble = bench.pebble
    deactivate_valid_authorizations(certbot.config_dir, pebble.directory_url, pebble.ca_bundle)
    command = certbot.command("renew", "--force-renewal", "--no-random-sleep-on-renew")
    if variant.startswith(OLD_VERSION):
        command[0] = str(old_plugin_certbot())
        if old_seconds(variant) != smallest:  # issued at the tuned setting: override it
            command += ["--dns-dnscale-propagation-seconds", str(old_seconds(variant))]
    run = run_certbot(command, bench.env(base), bench.sandbox, base / "renew-stderr.txt")
    renewed = all(serial(certbot, lineage) != before[lineage] for lineage in lineages)
    if not renewed:
        print("    not every lineage was renewed", flush=True)
    return dataclasses.replace(run, ok=run.ok and renewed)


def issue_with_retries(bench: Bench, issuer: str, lineage: str, base: Path) -> Run:
    """The untimed set-up issuance; 1.0.2 at its tuned seconds sometimes loses a race with
    DNS (or Pebble's DNS query times out on a loaded machine), so a few attempts."""
    for _ in range(ISSUE_ATTEMPTS - 1):
        issued = bench.issue(issuer, [lineage], base)
        if issued.ok:
            return issued
        print(f"    set-up issuance of {lineage} failed; again", flush=True)
    return bench.issue(issuer, [lineage], base)


def serial(certbot: Certbot, lineage: str) -> int:
    pem = certbot.live_certificate(lineage).read_bytes()
    return x509.load_pem_x509_certificate(pem).serial_number

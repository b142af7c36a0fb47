"""Side by side: this plugin, the published certbot-dns-dnscale 1.0.2, and the floor.

Same certbot, same Pebble, same sandbox (80 ms API latency, 2 s DNS propagation delay, an account
of 500 zones). Variants:

- ``ours``: this plugin, default settings (only the sandbox's nameserver and resolver given);
- ``1.0.2 (60 s)``: the published plugin, in its own virtualenv, default propagation seconds;
- ``1.0.2 (N s)``: the same with the smallest propagation seconds that succeeded here;
- ``floor``: certbot ``--manual`` with hooks that write straight to the sandbox and wait exactly
  until DNS serves the values: what any plugin would need at the least.

Workloads: one name; apex + wildcard; 20 names in 3 zones; 100 names in 3 zones. For each cell:
the median and spread of wall time to certificate over ``--runs`` runs, API requests (from the
sandbox's call log) and peak memory of the certbot process. Writes BENCHMARKS.md and
benchmarks/benchmark.png.

    python benchmarks/compare.py [--runs 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OLD_VERSION = "1.0.2"
ZONES = ("example.com", "sub.example.com", "example.org")
SETTINGS = {"api_latency_ms": 80.0, "propagation_delay_seconds": 2.0, "extra_zones": 497}


def names(count: int) -> list[str]:
    return [f"host{i}.{ZONES[i % 3]}" for i in range(count)]


WORKLOADS = {
    "1 name": ["example.com"],
    "apex + wildcard": ["example.com", "*.example.com"],
    "20 names, 3 zones": names(20),
    "100 names, 3 zones": names(100),
}


@dataclass
class Cell:
    seconds: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def old_plugin_certbot() -> Path:
    """A virtualenv with the same certbot and the published plugin; made once, reused."""
    venv = HERE / ".venv-1.0.2"
    certbot = venv / "bin" / "certbot"
    if not certbot.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pins = [f"certbot=={metadata.version('certbot')}", f"acme=={metadata.version('acme')}"]
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", *pins,
             f"certbot-dns-dnscale=={OLD_VERSION}"],
            check=True,
        )  # fmt: skip
    return certbot


class Bench:
    def __init__(self, sandbox: Sandbox, pebble: Pebble, tmp: Path) -> None:
        self.sandbox, self.pebble, self.tmp = sandbox, pebble, tmp
        self.runs = 0
        self.zone_ids = tmp / "zone-ids.json"
        self.zone_ids.write_text(json.dumps({z.name: z.id for z in sandbox.store.zones()}))

    def issue(self, variant: str, domains: list[str]) -> tuple[bool, float, int, float]:
        """One issuance in fresh directories: (ok, seconds, API requests, peak MB)."""
        self.runs += 1
        base = self.tmp / f"run-{self.runs}"
        base.mkdir()
        credentials = base / "dnscale.ini"
        credentials.write_text(self.sandbox.credentials_ini())
        credentials.chmod(0o600)
        certbot = Certbot(base / "certbot", self.pebble)
        command = certbot.command("certonly", *certbot.certonly_args(domains))
        command += self._variant_args(variant, credentials, base)
        if variant.startswith(OLD_VERSION):
            command[0] = str(old_plugin_certbot())
        env = {
            **os.environ,
            "REQUESTS_CA_BUNDLE": str(self.pebble.ca_bundle),
            **self._hook_env(base),
        }
        calls_before = len(self.sandbox.calls)
        started = time.monotonic()
        with (base / "stderr.txt").open("w+") as stderr:
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            _, status, usage = os.wait4(process.pid, 0)  # wait4: this child's own peak memory
            elapsed = time.monotonic() - started
            ok = os.waitstatus_to_exitcode(status) == 0
            if not ok:
                stderr.seek(0)
                print(f"    failed: {stderr.read()[-400:]}", flush=True)
        requests = len(self.sandbox.calls) - calls_before
        return ok, elapsed, requests, usage.ru_maxrss / 1024

    def _variant_args(self, variant: str, credentials: Path, base: Path) -> list[str]:
        if variant == "floor":
            hook = f"{sys.executable} {HERE / 'manual_hook.py'}"
            return ["--manual", "--preferred-challenges", "dns",
                    "--manual-auth-hook", f"{hook} auth",
                    "--manual-cleanup-hook", f"{hook} cleanup"]  # fmt: skip
        args = ["--authenticator", "dns-dnscale", "--dns-dnscale-credentials", str(credentials)]
        if variant == "ours":
            return [*args, "--dns-dnscale-nameservers", self.sandbox.dns_address,
                    "--dns-dnscale-resolver", self.sandbox.dns_address]  # fmt: skip
        seconds = variant.split("(")[1].split()[0]
        return [*args, "--dns-dnscale-propagation-seconds", seconds]

    def _hook_env(self, base: Path) -> dict[str, str]:
        return {
            "SANDBOX_API": self.sandbox.api_url,
            "SANDBOX_TOKEN": self.sandbox.settings.token,
            "SANDBOX_DNS": self.sandbox.dns_address,
            "HOOK_STATE": str(base / "hook-state.jsonl"),
            "ZONE_IDS": str(self.zone_ids),
        }


def smallest_old_setting(bench: Bench) -> int:
    """The fewest propagation seconds with which 1.0.2 gets apex + wildcard here."""
    for seconds in range(1, 30):
        ok, *_ = bench.issue(f"{OLD_VERSION} ({seconds} s)", WORKLOADS["apex + wildcard"])
        print(f"  probe 1.0.2 at {seconds} s: {'ok' if ok else 'failed'}", flush=True)
        if ok:
            return seconds
    raise SystemExit("1.0.2 never succeeded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip the 60 s variant (a try-out)")
    args = parser.parse_args()
    old_plugin_certbot()
    results: dict[str, dict[str, Cell]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        settings = SandboxSettings(**SETTINGS)  # type: ignore[arg-type]
        with Sandbox(settings) as sandbox, Pebble(Path(tmp) / "pebble", sandbox.dns_address) as pb:
            bench = Bench(sandbox, pb, Path(tmp))
            smallest = smallest_old_setting(bench)
            variants = ["ours", f"{OLD_VERSION} ({smallest} s)", "floor"]
            if not args.quick:
                variants.insert(1, f"{OLD_VERSION} (60 s)")
            for workload, domains in WORKLOADS.items():
                results[workload] = {}
                for variant in variants:
                    cell = results[workload][variant] = Cell()
                    for run in range(args.runs):
                        ok, seconds, requests, peak = bench.issue(variant, domains)
                        print(f"{workload} | {variant} | run {run + 1}: {seconds:.2f} s, "
                              f"{requests} requests, {peak:.0f} MB{'' if ok else ' FAILED'}",
                              flush=True)  # fmt: skip
                        if ok:
                            cell.seconds.append(seconds)
                            cell.requests.append(requests)
                            cell.peak_mb.append(peak)
    write_report(results, args.runs, sys.argv[1:])
    write_chart(results)


def write_report(results: dict[str, dict[str, Cell]], runs: int, argv: list[str]) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Wall time to a certificate with the real certbot against Pebble and the local DNScale",
        "sandbox (80 ms API latency, DNS changes visible 2 s after they are made, an account of",
        f"500 zones), median and spread (min-max) of {runs} runs per cell; API requests from the",
        "sandbox's call log; peak memory (max RSS) of the certbot process.",
        "",
        "- **ours**: this plugin with default settings (only the sandbox's nameserver and",
        "  resolver given);",
        f"- **{OLD_VERSION} (60 s)**: the published plugin, default propagation seconds;",
        f"- **{OLD_VERSION} (N s)**: the same with the fewest propagation seconds that passed;",
        "- **floor**: certbot `--manual` with hooks that write straight to the sandbox (zone ids",
        "  known beforehand) and wait exactly until DNS serves every value. certbot runs manual",
        "  hooks one after another, each a new process, so for many names this floor is the",
        "  floor of *sequential* plugins; ours creates and deletes 4 records at a time.",
        "",
        "| workload | variant | median s | spread s | API requests | peak MB | ours / this |",
        "|---|---|---|---|---|---|---|",
    ]
    for workload, cells in results.items():
        ours = cells["ours"].median if cells["ours"].seconds else float("nan")
        for variant, cell in cells.items():
            if not cell.seconds:
                lines.append(f"| {workload} | {variant} | failed | | | | |")
                continue
            lines.append(
                f"| {workload} | {variant} | {cell.median:.2f} | "
                f"{min(cell.seconds):.2f}-{max(cell.seconds):.2f} | "
                f"{statistics.median(cell.requests):.0f} | {statistics.median(cell.peak_mb):.0f} | "
                f"{ours / cell.median:.2f} |"
            )
    lines += [
        "",
        "![Median wall time per workload](benchmarks/benchmark.png)",
        "",
        "## Machine and command",
        "",
        f"- {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs",
        f"- certbot {metadata.version('certbot')}, certbot-dns-dnscale "
        f"{metadata.version('certbot-dns-dnscale')} (ours) and {OLD_VERSION} (PyPI), Pebble from "
        "Debian's `pebble` package",
        f"- command: `{' '.join(['python benchmarks/compare.py', *argv])}` "
        "(`tox -e bench` runs it with the defaults)",
        "",
    ]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


def write_chart(results: dict[str, dict[str, Cell]]) -> None:
    import matplotlib  # the benchmark extra only

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workloads = list(results)
    variants = list(next(iter(results.values())))
    figure, axes = plt.subplots(figsize=(9, 4.5))
    width = 0.8 / len(variants)
    for i, variant in enumerate(variants):
        medians = [
            results[w][variant].median if results[w][variant].seconds else 0 for w in workloads
        ]
        positions = [x + i * width for x in range(len(workloads))]
        axes.bar(positions, medians, width, label=variant)
    axes.set_xticks([x + width * (len(variants) - 1) / 2 for x in range(len(workloads))], workloads)
    axes.set_ylabel("seconds to certificate (median)")
    axes.set_yscale("log")
    axes.set_title("certbot + DNScale sandbox (80 ms API, 2 s DNS delay, 500 zones)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(HERE / "benchmark.png", dpi=110)


if __name__ == "__main__":
    main()

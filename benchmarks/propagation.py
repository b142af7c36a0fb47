"""Wall time to a certificate: waiting on the nameservers vs a fixed sleep.

Runs the real certbot against Pebble and the local sandbox (DNS changes show after
``--delay`` seconds) for ``example.com`` + ``*.example.com``, several times per variant:

- ``check``: this plugin with default settings (the sandbox nameserver given);
- ``sleep``: this plugin with ``--dns-dnscale-propagation-check off`` at the default bound (60 s),
  which is what the published 1.0.2 does.

    python benchmarks/propagation.py [--runs 3] [--delay 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble

DOMAINS = ["example.com", "*.example.com"]


def one_issuance(sandbox: Sandbox, pebble: Pebble, base: Path, extra: list[str]) -> float:
    base.mkdir(parents=True)
    credentials = base / "dnscale.ini"
    credentials.write_text(sandbox.credentials_ini())
    credentials.chmod(0o600)
    certbot = Certbot(base / "certbot", pebble)
    args = [
        "--authenticator", "dns-dnscale",
        "--dns-dnscale-credentials", str(credentials),
        "--dns-dnscale-nameservers", sandbox.dns_address,
        "--dns-dnscale-resolver", sandbox.dns_address,
        *extra,
    ]  # fmt: skip
    started = time.monotonic()
    result = certbot.certonly(DOMAINS, *args)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"certbot failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=2.0, help="sandbox propagation delay, s")
    args = parser.parse_args()
    variants = {
        "check (defaults)": [],
        "sleep (check off, 60 s)": ["--dns-dnscale-propagation-check", "off"],
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory(prefix="bench-propagation-") as tmp:
        settings = SandboxSettings(propagation_delay_seconds=args.delay)
        with Sandbox(settings) as sandbox, Pebble(Path(tmp) / "pebble", sandbox.dns_address) as pb:
            for run in range(args.runs):
                for name, extra in variants.items():
                    base = Path(tmp) / f"{run}-{len(times[name])}-{name.split()[0]}"
                    times[name].append(one_issuance(sandbox, pb, base, extra))
                    print(f"run {run + 1}: {name}: {times[name][-1]:.2f} s", flush=True)
    print(f"\nWall time to a certificate ({', '.join(DOMAINS)}), sandbox propagation delay "
          f"{args.delay:g} s, {args.runs} runs each:\n")  # fmt: skip
    print("| variant | median s | min s | max s |\n|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | "
              f"{max(values):.2f} |")  # fmt: skip
    check, sleep = (statistics.median(v) for v in times.values())
    print(f"\nRatio check/sleep: {check / sleep:.3f} ({sleep / check:.1f}x faster)")


if __name__ == "__main__":
    main()

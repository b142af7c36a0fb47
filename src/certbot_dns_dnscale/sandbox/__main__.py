"""``python -m certbot_dns_dnscale.sandbox``: run the local DNScale, or a whole demo issuance.

- ``serve``: the sandbox API and DNS server until Ctrl-C, with a credentials file for it.
- ``demo``: the sandbox, Pebble (Debian's ``pebble``) and the real certbot with this plugin,
  issuing a wildcard certificate from Pebble's test CA. No DNScale account needed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from certbot_dns_dnscale.sandbox.faults import FAULT_KINDS
from certbot_dns_dnscale.sandbox.grants import NamesListing
from certbot_dns_dnscale.sandbox.nameservers import NameserverBindError, NameserverSettings
from certbot_dns_dnscale.sandbox.pebble import (
    Certbot,
    Pebble,
    PebbleNotFoundError,
    certificate_names,
)
from certbot_dns_dnscale.sandbox.server import DEFAULT_ZONES, Sandbox, SandboxSettings

DEMO_DOMAINS = ("example.com", "*.example.com")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m certbot_dns_dnscale.sandbox")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the sandbox API and DNS until interrupted",
        description="Run a local DNScale (REST API and DNS) until Ctrl-C. Point the plugin at "
        "it with the credentials file and --dns-dnscale-resolver at the DNS address.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address the API and DNS listen on")
    serve.add_argument("--api-port", type=int, default=18080, help="API port (0: a free one)")
    serve.add_argument(
        "--dns-port", type=int, default=18053,
        help="DNS port, UDP and TCP (0: a free one); it answers as a resolver would",
    )  # fmt: skip
    serve.add_argument(
        "--credentials", type=Path,
        help="write a credentials INI file (mode 600) for the plugin here",
    )  # fmt: skip
    serve.add_argument(
        "--nameserver", action="append", default=[], metavar="HOST=ADDRESS[/LAG]",
        type=_nameserver,
        help="repeatable: an authoritative nameserver the zones' NS records name, on port 53 of "
        "ADDRESS (needs root), serving changes LAG seconds after the API (default: "
        "--propagation-delay); e.g. ns1.dnscale.eu=127.0.0.2/1. Without any, the NS records "
        "name ns1/ns2.dnscale.eu, which do not resolve, and the plugin needs "
        "--dns-dnscale-nameservers",
    )  # fmt: skip
    _add_world_options(serve)

    demo = commands.add_parser("demo", help="issue a wildcard certificate from Pebble's test CA")
    demo.add_argument(
        "--dir", type=Path, help="where certbot keeps its files (default: a temp dir)"
    )
    demo.add_argument("-d", "--domain", action="append", dest="domains", help="repeatable")
    _add_world_options(demo)
    return parser


def _add_world_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--zones", default=",".join(DEFAULT_ZONES), help="comma-separated zones in the account"
    )
    parser.add_argument(
        "--extra-zones", type=int, default=0,
        help="filler zones (extra-0000.example, ...) added to the account",
    )  # fmt: skip
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="milliseconds added to each API call"
    )
    parser.add_argument(
        "--propagation-delay", type=float, default=0.0, help="seconds until DNS shows a change"
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.0,
        help="share (0..1) of API calls that misbehave, drawn at random",
    )  # fmt: skip
    parser.add_argument(
        "--fault-kinds", default=",".join(FAULT_KINDS),
        help="comma-separated misbehaviours to draw from: 429/500/502/503 answers, drop "
        "(connection closed, nothing stored), lost (stored, answer lost), slow (late answer)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="random seed, for reproducible faults")
    parser.add_argument(
        "--names-listing", choices=[mode.value for mode in NamesListing], default="filter",
        help="how a record listing answers the key limited to _acme-challenge names: show only "
        "those names, or refuse (403); DNScale's contract does not say which",
    )  # fmt: skip


def _nameserver(text: str) -> NameserverSettings:
    """``HOST=ADDRESS[/LAG]`` as a nameserver's settings."""
    host, _, rest = text.partition("=")
    address, _, lag = rest.partition("/")
    try:
        lag_seconds = float(lag) if lag else None
    except ValueError:
        lag_seconds = -1.0
    if not host or not address or (lag_seconds is not None and lag_seconds < 0):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not HOST=ADDRESS[/LAG], e.g. ns1.dnscale.eu=127.0.0.2/1"
        )
    return NameserverSettings(host, address, lag_seconds=lag_seconds)


def _settings(args: argparse.Namespace, **fixed: object) -> SandboxSettings:
    return SandboxSettings(
        zones=tuple(z for z in args.zones.split(",") if z),
        extra_zones=args.extra_zones,
        api_latency_ms=args.latency_ms,
        propagation_delay_seconds=args.propagation_delay,
        fault_rate=args.fault_rate,
        fault_kinds=tuple(k for k in args.fault_kinds.split(",") if k),
        fault_seed=args.seed,
        names_listing=NamesListing(args.names_listing),
        **fixed,  # type: ignore[arg-type]
    )


def serve(args: argparse.Namespace, stop: threading.Event) -> int:
    settings = _settings(
        args,
        host=args.host,
        api_port=args.api_port,
        dns_port=args.dns_port,
        nameservers=tuple(args.nameserver),
    )
    try:
        sandbox = Sandbox(settings)
    except NameserverBindError as err:
        print(err.strerror, file=sys.stderr)
        return 2
    with sandbox:
        if args.credentials:
            args.credentials.write_text(sandbox.credentials_ini())
            args.credentials.chmod(0o600)
        print(f"DNScale sandbox API: {sandbox.api_url}/v1 (token {settings.token})")
        print(
            f"Narrow API key:      {settings.acme_names_token} (only _acme-challenge names; "
            f"listing: {settings.names_listing.value})"
        )
        print(f"DNScale sandbox DNS: {sandbox.dns_address} (UDP and TCP)")
        for nameserver in sandbox.nameservers:
            where = f"{nameserver.address}:{nameserver.port}"
            print(f"Nameserver:          {nameserver.host} at {where} (UDP and TCP)")
        if args.credentials:
            print(f"Credentials file:    {args.credentials}")
        print("Ready; Ctrl-C stops it.", flush=True)
        stop.wait()
    return 0


def demo(args: argparse.Namespace) -> int:
    base = args.dir or Path(tempfile.mkdtemp(prefix="dnscale-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    domains = args.domains or list(DEMO_DOMAINS)
    with Sandbox(_settings(args)) as sandbox:
        credentials = base / "dnscale.ini"
        credentials.write_text(sandbox.credentials_ini())
        credentials.chmod(0o600)
        try:
            pebble = Pebble(base / "pebble", sandbox.dns_address).start()
        except PebbleNotFoundError as err:
            print(err, file=sys.stderr)
            return 2
        try:
            certbot = Certbot(base / "certbot", pebble)
            result = certbot.certonly(
                domains,
                "--authenticator", "dns-dnscale",
                "--dns-dnscale-credentials", str(credentials),
                "--dns-dnscale-nameservers", sandbox.dns_address,
                "--dns-dnscale-resolver", sandbox.dns_address,
            )  # fmt: skip
        finally:
            pebble.stop()
        print(result.stdout, end="")
        print(result.stderr, end="", file=sys.stderr)
        if result.returncode != 0:
            return result.returncode
        lineage = domains[0].removeprefix("*.")
        path = certbot.live_certificate(lineage)
        print(f"\nCertificate for {', '.join(sorted(certificate_names(path)))}: {path}")
        print("It is signed by Pebble's throw-away test CA: good for trying, not for serving.")
        print(f"API calls made: {len(sandbox.calls)}; records left behind in the zone: "
              f"{len(sandbox.acme_challenge_records())}")  # fmt: skip
    return 0


def main(argv: Sequence[str] | None = None, stop: threading.Event | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return demo(args)
    stop = stop or threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
    return serve(args, stop)


if __name__ == "__main__":
    sys.exit(main())

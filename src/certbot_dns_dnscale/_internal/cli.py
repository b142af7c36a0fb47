"""``certbot-dns-dnscale``: check a setup before the first certificate; sweep leftovers.

Exit status: 0 all good; 1 a name is not ready, or a leftover could not be deleted; 2 the command
could not run (bad options, unreadable credentials, the API refused the token).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime, timezone

from certbot import errors

from certbot_dns_dnscale._internal.about import user_agent
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.credentials import Credentials, read_credentials_file
from certbot_dns_dnscale._internal.dns_client import DnsClient
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.hints import Context, explain
from certbot_dns_dnscale._internal.setup_check import CheckOptions, NameReport, SetupChecker
from certbot_dns_dnscale._internal.sweep import Leftover, find_leftovers, parse_age, remove

READY, NOT_READY, CANNOT_RUN = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certbot-dns-dnscale", description="Companion tools for the dns-dnscale plugin."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="check that names are ready for DNS-01 through DNScale"
    )
    check.add_argument("--credentials", required=True, help="the plugin's credentials INI file")
    check.add_argument("-d", "--domain", action="append", required=True, dest="domains")
    check.add_argument("--nameservers", help="HOST[:PORT],... to check instead of the zone's NS")
    check.add_argument("--resolver", help="IP[:PORT] for NS, address, CNAME and CAA lookups")
    check.add_argument("--ca", default="letsencrypt.org", help="issuer domain for CAA checks")
    check.add_argument(
        "--no-write-test", action="store_false", dest="write_test",
        help="do not create and delete a test TXT record",
    )  # fmt: skip
    check.add_argument("--json", action="store_true", help="machine-readable output")

    sweep = commands.add_parser(
        "sweep", help="delete challenge records this plugin left behind (and only those)"
    )
    sweep.add_argument("--credentials", required=True, help="the plugin's credentials INI file")
    sweep.add_argument("--older-than", default="6h", help="age such as 30m, 6h, 2d (default 6h)")
    sweep.add_argument("--dry-run", action="store_true", help="list, delete nothing")
    sweep.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        credentials = read_credentials_file(args.credentials)
        client = DNScaleClient(
            credentials.api_token, credentials.base_url, user_agent=user_agent(args.command)
        )
        if args.command == "check":
            return _check(args, credentials, client)
        return _sweep(args, credentials, client)
    except errors.PluginError as err:
        print(f"error: {err}", file=sys.stderr)
    except DNScaleError as err:
        context = Context("list the zones", args.credentials, credentials.base_url)
        print(f"error: {explain(err, context)}", file=sys.stderr)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
    return CANNOT_RUN


def _check(args: argparse.Namespace, credentials: Credentials, client: DNScaleClient) -> int:
    dns = DnsClient(args.resolver)
    nameservers = (
        dns.servers([s.strip() for s in args.nameservers.split(",") if s.strip()])
        if args.nameservers
        else None
    )
    options = CheckOptions(
        credentials_path=args.credentials,
        ttl_seconds=credentials.ttl_seconds,
        ca=args.ca,
        write_test=args.write_test,
        nameservers=nameservers,
    )
    checker = SetupChecker(client, dns, options)
    reports = [checker.check(name) for name in args.domains]
    if args.json:
        print(json.dumps([_report_json(r) for r in reports], indent=2))
    else:
        print("\n".join(_report_text(r) for r in reports))
    return READY if all(report.ready for report in reports) else NOT_READY


def _report_json(report: NameReport) -> dict[str, object]:
    return {
        "name": report.name,
        "ready": report.ready,
        "findings": [finding.__dict__ for finding in report.findings],
    }


def _report_text(report: NameReport) -> str:
    lines = [f"{report.name}: {'ready' if report.ready else 'NOT READY'}"]
    for finding in report.findings:
        lines.append(f"  {'ok' if finding.ok else 'FAIL':<5} {finding.check:<11} {finding.detail}")
        if not finding.ok and finding.fix:
            lines.append(f"  {'':<5} {'':<11} fix: {finding.fix}")
    return "\n".join(lines)


def _sweep(args: argparse.Namespace, credentials: Credentials, client: DNScaleClient) -> int:
    older_than = parse_age(args.older_than)
    leftovers = find_leftovers(client, client.list_zones(), older_than, datetime.now(timezone.utc))
    if not args.dry_run:
        leftovers = remove(client, leftovers)
    if args.json:
        print(json.dumps([_leftover_json(x, args.dry_run) for x in leftovers], indent=2))
    else:
        verb = "would delete" if args.dry_run else "deleted"
        for leftover in leftovers:
            outcome = f"FAILED: {leftover.error}" if leftover.error else verb
            print(
                f"{outcome}: {leftover.record.name} TXT {leftover.record.content!r} "
                f"(zone {leftover.zone}, made {leftover.created:%Y-%m-%d %H:%M} UTC)"
            )
        print(f"{len(leftovers)} leftover record(s) older than {args.older_than}")
    return NOT_READY if any(x.error for x in leftovers) else READY


def _leftover_json(leftover: Leftover, dry_run: bool) -> dict[str, object]:
    return {
        "zone": leftover.zone,
        "name": leftover.record.name,
        "content": leftover.record.content,
        "created": leftover.created.isoformat(),
        "deleted": not dry_run and leftover.error is None,
        "error": leftover.error,
    }

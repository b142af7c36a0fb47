"""``certbot-dns-dnscale``: check a setup before the first certificate or every renewal certbot
will make with the plugin; sweep leftovers.

Exit status: 0 all good; 1 a name or lineage is not ready, or a leftover could not be deleted or
was left alone; 2 the command could not run (bad options, unreadable credentials or config
directory, the API refused the token, or refused it the record listing of a zone to sweep).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from certbot import errors

from certbot_dns_dnscale._internal.about import user_agent, version_line
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.commands.check import (
    CheckOptions,
    SetupChecker,
    credentials_mode_finding,
)
from certbot_dns_dnscale._internal.commands.output import (
    leftover_json,
    leftover_text,
    report_json,
    report_text,
)
from certbot_dns_dnscale._internal.commands.renewals.check import RenewalCheck, check_renewals
from certbot_dns_dnscale._internal.commands.renewals.conf import ConfigDirError
from certbot_dns_dnscale._internal.commands.renewals.output import renewals_json, renewals_text
from certbot_dns_dnscale._internal.commands.sweep import (
    leftovers_by_zone,
    parse_age,
    remove,
)
from certbot_dns_dnscale._internal.credentials import Credentials, read_credentials_file
from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError, Server
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.hints import Context, explain
from certbot_dns_dnscale._internal.name_rules import name_problem
from certbot_dns_dnscale._internal.redact import redact

READY, NOT_READY, CANNOT_RUN = 0, 1, 2
DEFAULT_CONFIG_DIR = "/etc/letsencrypt"
PACKAGE_LOGGER = "certbot_dns_dnscale"


class UsageError(Exception):
    """Bad command-line input; the message names the flag and the fix."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="certbot-dns-dnscale", description="Companion tools for the dns-dnscale plugin."
    )
    parser.add_argument(
        "--version", action="version", version=version_line(),
        help="print the plugin's version, the certbot it runs with and the Python, then exit",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="check that names, or every renewal, are ready for DNS-01 through DNScale"
    )
    check.add_argument("--credentials", help="the plugin's credentials INI file")
    check.add_argument("-d", "--domain", action="append", dest="domains", help="a name to check")
    check.add_argument("--nameservers", help="HOST[:PORT],... to check instead of the zone's NS")
    check.add_argument("--resolver", help="IP[:PORT] for NS, address, CNAME and CAA lookups")
    check.add_argument("--ca", default="letsencrypt.org", help="issuer domain for CAA checks")
    check.add_argument(
        "--renewals", action="store_true",
        help="check every certificate certbot renews with dns-dnscale, with its saved settings",
    )  # fmt: skip
    check.add_argument(
        "--config-dir",
        help=f"certbot's config directory, with --renewals (default {DEFAULT_CONFIG_DIR})",
    )
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
    sweep.add_argument(
        "--resolver",
        help="IP[:PORT] for the CNAME lookups that show where a challenge name points now",
    )
    sweep.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    warnings = _warnings_to_stderr()
    try:
        if args.command == "check" and args.renewals:
            return _check_renewals(args)
        if args.command == "check":
            return _check(args)
        return _sweep(args)
    except (UsageError, ConfigDirError, errors.PluginError) as err:
        print(f"error: {redact(str(err))}", file=sys.stderr)
    finally:
        logging.getLogger(PACKAGE_LOGGER).removeHandler(warnings)
    return CANNOT_RUN


def _warnings_to_stderr() -> logging.Handler:
    """The package's warnings (a token cut at '#') as ``warning: ...`` lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logging.getLogger(PACKAGE_LOGGER).addHandler(handler)
    return handler


def _with_client(args: argparse.Namespace) -> tuple[Credentials, DNScaleClient]:
    credentials = read_credentials_file(args.credentials)
    client = DNScaleClient(
        credentials.api_token, credentials.base_url, user_agent=user_agent(args.command)
    )
    return credentials, client


def _api_refused(
    err: DNScaleError, args: argparse.Namespace, credentials: Credentials, action: str = ""
) -> int:
    context = Context(action or "list the zones", args.credentials, credentials.base_url)
    print(f"error: {redact(explain(err, context), [credentials.api_token])}", file=sys.stderr)
    return CANNOT_RUN


# -- check -------------------------------------------------------------------------------------


def _check_renewals(args: argparse.Namespace) -> int:
    given = [flag for flag, value in _per_name_flags(args) if value is not None]
    if given:
        raise UsageError(
            f"--renewals takes names and settings from the renewal confs: drop {', '.join(given)}"
        )
    if args.config_dir == "":
        raise UsageError(
            f"--config-dir is empty: give certbot's config directory ({DEFAULT_CONFIG_DIR})"
        )
    config_dir = Path(args.config_dir or DEFAULT_CONFIG_DIR)
    _check_ca(args.ca)
    how = RenewalCheck(datetime.now(timezone.utc), write_test=args.write_test, ca=args.ca)
    reports = check_renewals(config_dir, how)
    print(renewals_json(config_dir, reports) if args.json else renewals_text(config_dir, reports))
    checked = [report for report in reports if not report.skipped]
    return READY if all(report.ready for report in checked) else NOT_READY


def _per_name_flags(args: argparse.Namespace) -> list[tuple[str, object]]:
    return [
        ("-d", args.domains), ("--credentials", args.credentials),
        ("--nameservers", args.nameservers), ("--resolver", args.resolver),
    ]  # fmt: skip


def _check(args: argparse.Namespace) -> int:
    if args.config_dir is not None:
        raise UsageError("--config-dir goes with --renewals: add --renewals, or drop --config-dir")
    if not args.credentials or not args.domains:
        raise UsageError(
            "check needs --credentials FILE and at least one -d NAME (or --renewals to check "
            "what certbot will renew)"
        )
    problems = [problem for problem in map(name_problem, args.domains) if problem]
    if problems:
        raise UsageError(f"-d: {problems[0]}; correct the name")
    _check_ca(args.ca)
    dns = _dns_client(args.resolver)
    nameservers = _nameservers(dns, args.nameservers)
    credentials, client = _with_client(args)
    with client:
        return _check_with(args, credentials, client, dns, nameservers)


def _check_with(
    args: argparse.Namespace,
    credentials: Credentials,
    client: DNScaleClient,
    dns: DnsClient,
    nameservers: list[Server] | None,
) -> int:
    options = CheckOptions(
        credentials_path=args.credentials,
        ttl_seconds=credentials.ttl_seconds,
        ca=args.ca,
        write_test=args.write_test,
        nameservers=nameservers,
    )
    try:
        zones = client.list_zones()
    except DNScaleError as err:
        return _api_refused(err, args, credentials)
    checker = SetupChecker(client, dns, options, zones)
    reports = [checker.check(name) for name in args.domains]
    mode = credentials_mode_finding(args.credentials)
    if not mode.ok:  # as check --renewals flags it; a closed file adds no line to each name
        for report in reports:
            report.findings.insert(0, mode)
    if args.json:
        print(json.dumps([report_json(r) for r in reports], indent=2))
    else:
        print("\n".join(report_text(r) for r in reports))
    return READY if all(report.ready for report in reports) else NOT_READY


def _check_ca(ca: str) -> None:
    if name_problem(ca) is not None:
        raise UsageError(
            f"--ca {ca!r} is not an issuer domain: give the CA's CAA domain, e.g. letsencrypt.org"
        )


def _dns_client(resolver: str | None) -> DnsClient:
    try:
        return DnsClient(resolver)
    except ValueError as err:
        raise UsageError(f"--resolver: {err}; use IP or IP:PORT (IPv6: [ADDRESS]:PORT)") from err


def _nameservers(dns: DnsClient, text: str | None) -> list[Server] | None:
    if text is None:
        return None
    hosts = [host.strip() for host in text.split(",") if host.strip()]
    if not hosts:
        raise UsageError("--nameservers is empty: give HOST[:PORT],... or drop the flag")
    try:
        return dns.servers(hosts)
    except ValueError as err:
        raise UsageError(f"--nameservers: {err}; use HOST[:PORT],...") from err
    except DnsLookupError as err:
        raise UsageError(
            f"--nameservers: cannot find an address ({err}); give names that resolve via "
            f"{dns.resolver_description}, or IP addresses"
        ) from err


# -- sweep -------------------------------------------------------------------------------------


def _sweep(args: argparse.Namespace) -> int:
    older_than = _age(args.older_than)
    cname_target = _dns_client(args.resolver).cname_target
    credentials, client = _with_client(args)
    now = datetime.now(timezone.utc)
    with client:
        action = "list the zones"
        try:
            zones = client.list_zones()
            action = "list the TXT records of the zones"
            leftovers, unlisted = leftovers_by_zone(client, zones, older_than, now, cname_target)
        except DNScaleError as err:
            return _api_refused(err, args, credentials, action)
        if not args.dry_run:
            leftovers = remove(client, leftovers)
    if args.json:
        print(json.dumps([leftover_json(x, args.dry_run) for x in leftovers], indent=2))
    else:
        for leftover in leftovers:
            print(leftover_text(leftover, args.dry_run))
        print(f"{len(leftovers)} leftover record(s) older than {args.older_than}")
    if unlisted:
        print(f"error: {_not_swept(unlisted, args.credentials)}", file=sys.stderr)
        return CANNOT_RUN
    return NOT_READY if any(x.error or x.skipped for x in leftovers) else READY


def _not_swept(zones: list[str], credentials_path: str) -> str:
    return (
        f"DNScale refused this API key the record listing of {', '.join(zones)} (HTTP 403): the "
        f"key in {credentials_path} is limited to some names (or lacks records:read), so sweep "
        "cannot find leftovers there; the other zones were swept. Run sweep with a key that "
        "may list and delete those zones' records (records:read and records:write on the "
        "whole zone) in a credentials file of its own: --credentials FILE"
    )


def _age(text: str) -> timedelta:
    try:
        return parse_age(text)
    except ValueError as err:
        raise UsageError(str(err)) from err

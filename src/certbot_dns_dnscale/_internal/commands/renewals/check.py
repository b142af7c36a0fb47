"""``check --renewals``: every certificate certbot will renew with dns-dnscale, checked with the
names of its current certificate and the settings saved in its renewal conf.

A problem with one lineage (a broken conf, a missing certificate, unreadable credentials, a
value no check can use, even an unforeseen error) is a finding of that lineage; the others are
still checked. Nothing here trusts the config directory: confs and certificates are read as
regular files of bounded size, and saved options named like secrets are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from certbot import errors

from certbot_dns_dnscale._internal.about import user_agent
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.commands.check import (
    CheckOptions,
    Finding,
    NameReport,
    SetupChecker,
    credentials_mode_finding,
)
from certbot_dns_dnscale._internal.commands.renewals.conf import (
    OPTION_PREFIX,
    Certificate,
    CertificateError,
    Lineage,
    RenewalConfError,
    read_certificate,
    read_lineage,
    renewal_confs,
)
from certbot_dns_dnscale._internal.commands.renewals.due import renewal_time
from certbot_dns_dnscale._internal.commands.renewals.settings import (
    Settings,
    SettingsError,
    check_settings,
)
from certbot_dns_dnscale._internal.credentials import Credentials, read_credentials_file
from certbot_dns_dnscale._internal.credentials_file import TOKEN_KEY
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.hints import Context, diagnose
from certbot_dns_dnscale._internal.redact import redact
from certbot_dns_dnscale._internal.zones import Zone


@dataclass
class LineageReport:
    name: str
    conf_path: str
    authenticator: str | None
    skipped: bool = False
    names: list[str] = field(default_factory=list)
    expires: datetime | None = None
    days_left: int | None = None
    renews_from: datetime | None = None
    due: bool | None = None
    settings: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    name_reports: list[NameReport] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return (
            not self.skipped
            and all(f.ok for f in self.findings)
            and all(r.ready for r in self.name_reports)
        )


@dataclass(frozen=True)
class RenewalCheck:
    """How to check: the write test or not, the CA for CAA, and now."""

    now: datetime
    write_test: bool = True
    ca: str = "letsencrypt.org"


def check_renewals(config_dir: Path, how: RenewalCheck) -> list[LineageReport]:
    """One report per renewal conf; ConfigDirError when the directory cannot be read."""
    return [_check_conf(path, how) for path in renewal_confs(config_dir)]


def _check_conf(path: Path, how: RenewalCheck) -> LineageReport:
    try:
        lineage = read_lineage(path)
    except RenewalConfError as err:
        report = LineageReport(path.name.removesuffix(".conf"), str(path), None)
        report.findings.append(Finding("renewal conf", False, str(err), f"fix or remove {path}"))
        return report
    report = LineageReport(
        lineage.name, str(path), lineage.authenticator, skipped=not lineage.uses_plugin
    )
    if lineage.uses_plugin:
        report.settings = dict(lineage.options)
        report.findings.extend(_secrets_in_conf(lineage))
        try:
            _check_lineage(lineage, report, how)
        except Exception as err:  # noqa: BLE001 - one lineage's surprise must not stop the rest
            report.findings.append(_unexpected(err, lineage))
    return report


def _secrets_in_conf(lineage: Lineage) -> list[Finding]:
    """A saved dns_dnscale_api_token (or any option named like a secret): the plugin never
    reads it there, and every copy of a renewal conf (backups, this report) carries it."""
    credentials = lineage.options.get("credentials", "the credentials file")
    return [
        Finding(
            "renewal conf",
            False,
            f"{OPTION_PREFIX}{option} is saved in {lineage.conf_path} (value hidden): a token "
            "belongs in the credentials file, never in a renewal conf",
            f"move the token to the credentials file named by {OPTION_PREFIX}credentials "
            f"({credentials}) as {TOKEN_KEY} = ..., then remove the {OPTION_PREFIX}{option} "
            f"line from {lineage.conf_path}",
        )
        for option in lineage.secret_options
    ]


def _unexpected(err: Exception, lineage: Lineage) -> Finding:
    """A failure no check foresaw. Only its type is shown: its text may quote the conf."""
    return Finding(
        "lineage",
        False,
        f"checking {lineage.name} failed unexpectedly ({type(err).__name__}); the other "
        "lineages were still checked",
        f"run certbot renew --dry-run --cert-name {lineage.name} to see certbot's view of "
        f"{lineage.conf_path}, and report this as a bug of certbot-dns-dnscale",
    )


def _check_lineage(lineage: Lineage, report: LineageReport, how: RenewalCheck) -> None:
    try:
        cert = read_certificate(lineage.cert_path)
    except CertificateError as err:
        fix = f"run certbot certificates, then certbot renew --cert-name {lineage.name}"
        report.findings.append(Finding("certificate", False, str(err), fix))
        return
    if not cert.names:
        fix = "this plugin answers DNS names only: renew it with another authenticator"
        report.findings.append(
            Finding("certificate", False, f"{lineage.cert_path} has no DNS names", fix)
        )
        return
    report.names = cert.names
    report.findings.extend(_timing(lineage, cert, report, how.now))
    try:
        settings = check_settings(lineage)
    except SettingsError as err:
        report.findings.append(Finding("settings", False, str(err), err.fix))
        return
    report.findings.append(Finding("settings", True, settings.describe()))
    credentials = _credentials(settings.credentials_path, report)
    if credentials is not None:
        report.name_reports = _check_names(cert.names, settings, credentials, how, report)


def _check_names(
    names: list[str],
    settings: Settings,
    credentials: Credentials,
    how: RenewalCheck,
    report: LineageReport,
) -> list[NameReport]:
    """The checks of plain ``check``, once the token is known to be accepted."""
    client = DNScaleClient(
        credentials.api_token, credentials.base_url, user_agent=user_agent("check")
    )
    try:
        zones = _token(client, settings.credentials_path, credentials.api_token, report)
        if zones is None:
            return []
        options = CheckOptions(
            credentials_path=settings.credentials_path,
            ttl_seconds=credentials.ttl_seconds,
            ca=how.ca,
            write_test=how.write_test,
            nameservers=settings.nameservers,
        )
        checker = SetupChecker(client, settings.dns, options, zones)
        return [checker.check(name) for name in names]
    finally:
        client.close()


def _timing(
    lineage: Lineage, cert: Certificate, report: LineageReport, now: datetime
) -> list[Finding]:
    left = cert.not_after - now
    report.expires, report.days_left = cert.not_after, _whole_days(left)
    expiry = Finding(
        "expiry",
        left.total_seconds() > 0,
        f"expires {cert.not_after:%Y-%m-%d %H:%M} UTC ({_days(_whole_days(left))})",
        None
        if left.total_seconds() > 0
        else "renewals have been failing: run certbot renew and read its log",
    )
    try:
        when = renewal_time(cert, lineage.renew_before_expiry)
    except ValueError as err:
        return [
            expiry,
            Finding("renewal", False, str(err), f"fix renew_before_expiry in {lineage.conf_path}"),
        ]
    report.renews_from, report.due = when.renews_from, now >= when.renews_from
    if not lineage.autorenew:
        detail = "autorenew = False: certbot renew leaves it alone"
    elif report.due:
        detail = f"certbot renews it at its next run ({when.rule})"
    else:
        days = _days(_whole_days(when.renews_from - now))
        detail = (
            f"certbot renews it from {when.renews_from:%Y-%m-%d %H:%M} UTC ({days}; {when.rule})"
        )
    return [expiry, Finding("renewal", True, detail)]


def _whole_days(span: timedelta) -> int:
    """Whole days, rounded towards zero either side of now."""
    return span.days if span >= timedelta(0) else -(-span).days


def _days(days: int) -> str:
    return f"in {days} days" if days >= 0 else f"{-days} days ago"


def _credentials(path: str, report: LineageReport) -> Credentials | None:
    try:
        credentials = read_credentials_file(path)
    except errors.PluginError as err:
        report.findings.append(
            Finding(
                "credentials",
                False,
                str(err),
                "fix the file or dns_dnscale_credentials in the renewal conf",
            )
        )
        return None
    report.findings.append(credentials_mode_finding(path))
    return credentials


def _token(
    client: DNScaleClient, credentials_path: str, token: str, report: LineageReport
) -> list[Zone] | None:
    try:
        zones = client.list_zones()
    except DNScaleError as err:
        context = Context("list the zones", credentials_path, client.base_url)
        report.findings.append(
            Finding("token", False, redact(str(err), [token]), diagnose(err, context))
        )
        return None
    report.findings.append(Finding("token", True, f"accepted; it sees {len(zones)} zone(s)"))
    return zones

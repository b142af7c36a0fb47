"""check --renewals' findings per lineage, field by field: broken confs and certificates, the
expiry and renewal times at their exact boundaries, the credentials file and the token."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from certbot_dns_dnscale._internal.commands.check import Finding
from certbot_dns_dnscale._internal.commands.renewals import due as renewal_due
from certbot_dns_dnscale._internal.commands.renewals.check import (
    LineageReport,
    RenewalCheck,
    check_renewals,
)
from certbot_dns_dnscale._internal.commands.renewals.conf import _validity as validity
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.test_renewals import add_lineage, plugin_params

RULE = "certbot 4.0+: when a third of the lifetime is left"


@pytest.fixture(autouse=True)
def certbot_4_or_newer(monkeypatch: pytest.MonkeyPatch) -> None:
    """These expectations use certbot 4.0+'s renewal rule, whichever certbot runs the tests
    (CI also runs Debian 12's 2.1.0 and Ubuntu 24.04's 2.9.0: test_renewal_due covers theirs)."""
    monkeypatch.setattr(renewal_due, "certbot_major", lambda: 5)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def only_report(config_dir: Path, now: datetime | None = None) -> LineageReport:
    how = RenewalCheck(now or datetime.now(timezone.utc), write_test=False)
    (report,) = check_renewals(config_dir, how)
    return report


def certificate_times(conf: Path) -> tuple[datetime, datetime]:
    pem = Path(conf.read_text().split("cert = ", 1)[1].split("\n", 1)[0]).read_bytes()
    return validity(x509.load_pem_x509_certificate(pem))


# -- the conf and the certificate --------------------------------------------------------------


def test_an_unreadable_conf_is_one_failed_finding_naming_the_file(config_dir: Path) -> None:
    conf = config_dir / "renewal" / "broken.conf"
    conf.write_text("[renewalparams\n")
    report = only_report(config_dir)
    assert (report.name, report.conf_path, report.authenticator) == ("broken", str(conf), None)
    assert report.findings == [
        Finding(
            "renewal conf",
            False,
            f"{conf} is not a valid renewal configuration (problem at line 1); fix that line, or "
            "run certbot renew --cert-name to see certbot's view",
            f"fix or remove {conf}",
        )
    ]


def test_a_missing_certificate_says_how_to_see_and_renew_the_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    cert_path = conf.read_text().split("cert = ", 1)[1].split("\n", 1)[0]
    Path(cert_path).unlink()
    report = only_report(config_dir)
    assert report.findings == [
        Finding(
            "certificate",
            False,
            f"the certificate {cert_path} does not exist",
            "run certbot certificates, then certbot renew --cert-name example.com",
        )
    ]
    assert report.settings == {
        "credentials": str(credentials),
        "propagation_seconds": "5",
        "nameservers": sandbox.dns_address,
        "resolver": sandbox.dns_address,
        "require_propagation": "True",
    }


def test_a_certificate_without_dns_names_is_for_another_authenticator(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "ip", params=plugin_params(sandbox, credentials))
    cert_path = conf.read_text().split("cert = ", 1)[1].split("\n", 1)[0]
    Path(cert_path).write_bytes(ip_only_certificate())
    report = only_report(config_dir)
    assert report.names == []
    assert report.findings == [
        Finding(
            "certificate",
            False,
            f"{cert_path} has no DNS names",
            "this plugin answers DNS names only: renew it with another authenticator",
        )
    ]


def ip_only_certificate() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "192.0.2.1")])
    now = datetime.now(timezone.utc)
    san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("192.0.2.1"))])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=90))
        .add_extension(san, False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


# -- expiry and renewal at their boundaries ----------------------------------------------------


def timing(report: LineageReport) -> list[Finding]:
    return [f for f in report.findings if f.check in ("expiry", "renewal")]


def test_at_the_exact_moment_of_expiry_the_certificate_counts_as_expired(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    _, not_after = certificate_times(conf)
    report = only_report(config_dir, now=not_after)
    assert (report.days_left, report.due) == (0, True)
    assert timing(report) == [
        Finding(
            "expiry",
            False,
            f"expires {not_after:%Y-%m-%d %H:%M} UTC (in 0 days)",
            "renewals have been failing: run certbot renew and read its log",
        ),
        Finding("renewal", True, f"certbot renews it at its next run ({RULE})"),
    ]


def test_a_second_before_expiry_the_certificate_is_still_valid(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    _, not_after = certificate_times(conf)
    report = only_report(config_dir, now=not_after - timedelta(seconds=1))
    assert timing(report)[0] == Finding(
        "expiry", True, f"expires {not_after:%Y-%m-%d %H:%M} UTC (in 0 days)"
    )


def test_a_day_and_a_half_after_expiry_counts_as_one_whole_day_ago(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    _, not_after = certificate_times(conf)
    report = only_report(config_dir, now=not_after + timedelta(days=1, hours=12))
    assert report.days_left == -1
    assert timing(report)[0].detail == f"expires {not_after:%Y-%m-%d %H:%M} UTC (1 days ago)"


def test_renewal_is_due_from_the_exact_renewal_time(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    not_before, not_after = certificate_times(conf)
    renews_from = not_before + (not_after - not_before) * 2 / 3
    assert only_report(config_dir, now=renews_from).due is True
    before = only_report(config_dir, now=renews_from - timedelta(days=1))
    assert before.due is False
    assert timing(before)[1] == Finding(
        "renewal",
        True,
        f"certbot renews it from {renews_from:%Y-%m-%d %H:%M} UTC (in 1 days; {RULE})",
    )


def test_an_unreadable_renew_before_expiry_names_the_conf_to_fix(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    params = plugin_params(sandbox, credentials)
    conf = add_lineage(config_dir, "example.com", params=params, top="renew_before_expiry = soon\n")
    assert timing(only_report(config_dir))[1] == Finding(
        "renewal",
        False,
        "renew_before_expiry = 'soon' is not an interval certbot understands; use e.g. "
        "'30 days' or '2 weeks'",
        f"fix renew_before_expiry in {conf}",
    )


def test_a_lineage_with_autorenew_off_is_left_alone_by_certbot_renew(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    params = plugin_params(sandbox, credentials, autorenew="False")
    add_lineage(config_dir, "example.com", params=params)
    assert timing(only_report(config_dir))[1] == Finding(
        "renewal", True, "autorenew = False: certbot renew leaves it alone"
    )


# -- the credentials file and the token --------------------------------------------------------


def credential_findings(report: LineageReport) -> list[Finding]:
    return [f for f in report.findings if f.check in ("credentials", "token")]


def test_a_credentials_file_others_can_read_says_to_chmod_it(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    credentials.chmod(0o644)
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    assert credential_findings(only_report(config_dir)) == [
        Finding(
            "credentials",
            False,
            f"{credentials} is readable by others (mode 644)",
            f"chmod 600 {credentials}",
        ),
        Finding("token", True, "accepted; it sees 1 zone(s)"),
    ]


def test_a_credentials_file_that_is_gone_says_where_to_fix_it(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    credentials.unlink()
    (finding,) = credential_findings(only_report(config_dir))
    assert (finding.check, finding.ok) == ("credentials", False)
    assert str(credentials) in finding.detail
    assert finding.fix == "fix the file or dns_dnscale_credentials in the renewal conf"


def test_a_rejected_token_is_diagnosed_without_showing_it(
    sandbox: Sandbox, tmp_path: Path, config_dir: Path
) -> None:
    wrong = "wrong-token-0123456789abcdef"
    credentials = tmp_path / "wrong.ini"
    credentials.write_text(sandbox.credentials_ini(token=wrong))
    credentials.chmod(0o600)
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    report = only_report(config_dir)
    (token,) = [f for f in report.findings if f.check == "token"]
    assert token.ok is False
    assert wrong not in token.detail
    assert "HTTP 401" in token.detail
    assert token.fix == (
        f"Could not list the zones: DNScale rejected the API token in {credentials}: it is "
        "mistyped, expired or revoked. Create a new token in the DNScale dashboard and put it "
        "in dns_dnscale_api_token."
    )
    assert report.name_reports == []

"""``check --renewals`` on a config directory it must not trust: a token saved in a renewal conf
is never shown, a FIFO or a device never hangs or fills memory, a value the check cannot use is a
finding of its lineage, and the other lineages are still checked."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.check import Finding
from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.commands.renewals import check as renewals
from certbot_dns_dnscale._internal.commands.renewals.check import RenewalCheck, check_renewals
from certbot_dns_dnscale._internal.commands.renewals.conf import (
    MAX_CONF_BYTES,
    CertificateError,
    RenewalConfError,
    read_certificate,
    read_lineage,
)
from certbot_dns_dnscale._internal.commands.renewals.due import renewal_time
from certbot_dns_dnscale._internal.commands.renewals.settings import SettingsError, check_settings
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.test_renewals import add_lineage, findings, plugin_params, run_json

SAVED_TOKEN = "saved-in-the-conf-5f0c9a1e7b2d"
HANG_GUARD_SECONDS = 60  # only stops a regression from hanging the suite; never reached


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com", "example.org"))) as running:
        yield running


def without_hanging(call: Callable[[], object]) -> object:
    """``call()``'s result or exception; fails the test instead of hanging it if ``call``
    blocks (as reading a FIFO with no writer would)."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as err:  # noqa: BLE001 - handed back to the test's thread
            outcome.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_SECONDS)
    assert not thread.is_alive(), "blocked (a FIFO read?)"
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return outcome[0]


def cert_path_of(conf: Path) -> Path:
    return Path(conf.read_text().split("cert = ", 1)[1].split("\n", 1)[0])


def only_report(config_dir: Path) -> renewals.LineageReport:
    (report,) = check_renewals(config_dir, RenewalCheck(datetime.now(timezone.utc), False))
    return report


# -- secrets saved in a renewal conf -------------------------------------------------------------


@pytest.mark.parametrize(
    "option", ["api_token", "API_TOKEN", "client_secret", "password", "api_key", "keyfile"]
)
def test_an_option_named_like_a_secret_is_read_masked(config_dir: Path, option: str) -> None:
    params = f"authenticator = dns-dnscale\ndns_dnscale_{option} = {SAVED_TOKEN}\n"
    lineage = read_lineage(add_lineage(config_dir, "example.com", params=params))
    assert lineage.options[option] == "***"
    assert lineage.secret_options == (option,)


def test_the_plugins_own_options_are_shown_as_saved(config_dir: Path) -> None:
    params = (
        "authenticator = dns-dnscale\ndns_dnscale_credentials = /etc/dnscale.ini\n"
        "dns_dnscale_propagation_check = off\n"
    )
    lineage = read_lineage(add_lineage(config_dir, "example.com", params=params))
    assert lineage.options == {"credentials": "/etc/dnscale.ini", "propagation_check": "off"}
    assert lineage.secret_options == ()


def test_a_saved_token_is_a_finding_that_says_to_move_it_to_the_credentials_file(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    params = plugin_params(sandbox, credentials, dns_dnscale_api_token=SAVED_TOKEN)
    conf = add_lineage(config_dir, "example.com", params=params)
    report = only_report(config_dir)
    assert report.findings[0] == Finding(
        "renewal conf",
        False,
        f"dns_dnscale_api_token is saved in {conf} (value hidden): a token belongs in the "
        "credentials file, never in a renewal conf",
        "move the token to the credentials file named by dns_dnscale_credentials "
        f"({credentials}) as dns_dnscale_api_token = ..., then remove the "
        f"dns_dnscale_api_token line from {conf}",
    )
    assert not report.ready
    assert report.settings["api_token"] == "***"


@pytest.mark.parametrize("output", ["--json", "--no-write-test"])
def test_a_saved_token_appears_in_no_output(
    sandbox: Sandbox,
    credentials: Path,
    config_dir: Path,
    capsys: pytest.CaptureFixture[str],
    output: str,
) -> None:
    params = plugin_params(sandbox, credentials, dns_dnscale_api_token=SAVED_TOKEN)
    add_lineage(config_dir, "example.com", params=params)
    status = main(["check", "--renewals", "--config-dir", str(config_dir), output])
    shown = capsys.readouterr()
    assert status == 1
    assert "dns_dnscale_api_token = ***" in shown.out
    assert SAVED_TOKEN not in shown.out + shown.err


def test_a_saved_token_with_a_comma_is_not_quoted_back_as_a_fix(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    params = plugin_params(sandbox, credentials, dns_dnscale_api_token="abc, def")
    lineage = read_lineage(add_lineage(config_dir, "example.com", params=params))
    assert check_settings(lineage).saved["api_token"] == "***"


# -- files that are not what they seem -----------------------------------------------------------


def test_a_fifo_renewal_conf_is_a_finding_not_a_hang(config_dir: Path) -> None:
    fifo = config_dir / "renewal" / "x.conf"
    os.mkfifo(fifo)
    with pytest.raises(RenewalConfError) as raised:
        without_hanging(lambda: read_lineage(fifo))
    assert str(raised.value) == f"{fifo} is not a regular file (a pipe, socket or device)"


def test_a_renewal_conf_linked_to_dev_zero_is_refused_unread(config_dir: Path) -> None:
    conf = config_dir / "renewal" / "zero.conf"
    conf.symlink_to("/dev/zero")
    with pytest.raises(RenewalConfError, match="is not a regular file"):
        read_lineage(conf)


def test_a_renewal_conf_over_the_cap_is_refused(config_dir: Path) -> None:
    conf = config_dir / "renewal" / "huge.conf"
    conf.write_text("#" * MAX_CONF_BYTES + "\n")
    with pytest.raises(RenewalConfError) as raised:
        read_lineage(conf)
    assert str(raised.value) == (
        f"{conf} is larger than 64 KiB: not a renewal configuration (certbot writes about 1 KiB)"
    )


def test_a_fifo_given_as_the_certificate_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "cert.pem"
    os.mkfifo(fifo)
    with pytest.raises(CertificateError) as raised:
        without_hanging(lambda: read_certificate(str(fifo)))
    assert str(raised.value) == (
        f"the certificate {fifo} is not a regular file (a pipe, socket or device)"
    )


def test_a_certificate_linked_to_dev_zero_fails_its_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    cert = cert_path_of(conf)
    cert.unlink()
    cert.symlink_to("/dev/zero")
    (certificate,) = only_report(config_dir).findings
    assert certificate.check == "certificate"
    assert certificate.detail.endswith("is not a regular file (a pipe, socket or device)")


# -- values the check cannot use -----------------------------------------------------------------


def test_renew_before_expiry_beyond_the_calendar_is_a_value_error() -> None:
    now = datetime.now(timezone.utc)
    cert = renewals.Certificate(["example.com"], now, now + timedelta(days=90))
    expected = (
        "renew_before_expiry = '5000 years' is too long to count back from the expiry date: "
        "certbot would renew the certificate at every run; use e.g. '30 days'"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        renewal_time(cert, "5000 years")


def test_renew_before_expiry_of_5000_years_fails_renewal_and_the_rest_is_still_checked(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    add_lineage(
        config_dir, "example.com", params=plugin_params(sandbox, credentials),
        top="renew_before_expiry = 5000 years\n",
    )  # fmt: skip
    report = only_report(config_dir)
    by_check = {finding.check: finding for finding in report.findings}
    assert by_check["renewal"].ok is False
    assert "'5000 years' is too long" in by_check["renewal"].detail
    assert by_check["token"].ok is True
    assert [name.ready for name in report.name_reports] == [True]


@pytest.mark.parametrize("seconds", ["6" * 5000, "\u0661\u0662"])
def test_propagation_seconds_python_cannot_count_is_a_settings_error(
    config_dir: Path, seconds: str
) -> None:
    """5000 digits: ``int()`` refuses over 4300; Arabic-Indic digits pass ``isdigit()``."""
    params = (
        "authenticator = dns-dnscale\ndns_dnscale_credentials = /x.ini\n"
        f"dns_dnscale_propagation_seconds = {seconds}\n"
    )
    lineage = read_lineage(add_lineage(config_dir, "example.com", params=params))
    with pytest.raises(SettingsError, match="dns_dnscale_propagation_seconds"):
        check_settings(lineage)


def test_a_lineage_that_fails_unexpectedly_leaves_the_others_checked(
    sandbox: Sandbox,
    credentials: Path,
    config_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    broken = add_lineage(config_dir, "example.org", params=plugin_params(sandbox, credentials))
    real = renewals.read_certificate

    def read(path: str) -> renewals.Certificate:
        if path == str(cert_path_of(broken)):
            raise RuntimeError(f"a bug quoting {SAVED_TOKEN}")
        return real(path)

    monkeypatch.setattr(renewals, "read_certificate", read)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 1
    assert lineages["example.com"]["status"] == "ready"
    failed = findings(lineages["example.org"])["lineage"]
    assert failed["detail"] == (
        "checking example.org failed unexpectedly (RuntimeError); the other lineages were "
        "still checked"
    )
    assert SAVED_TOKEN not in json.dumps(lineages)


# -- the whole hostile config directory, through the command line ------------------------------


def test_a_hostile_config_dir_shows_no_token_does_not_hang_and_reports_the_good_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "good.example.com", params=plugin_params(sandbox, credentials))
    token_params = plugin_params(sandbox, credentials, dns_dnscale_api_token=SAVED_TOKEN)
    add_lineage(config_dir, "token.example.com", params=token_params)
    add_lineage(
        config_dir, "long.example.org", params=plugin_params(sandbox, credentials),
        top="renew_before_expiry = 5000 years\n",
    )  # fmt: skip
    os.mkfifo(config_dir / "renewal" / "fifo.conf")
    (config_dir / "renewal" / "zero.conf").symlink_to("/dev/zero")
    argv = ["check", "--renewals", "--config-dir", str(config_dir), "--no-write-test"]

    status = without_hanging(lambda: main(argv))

    out, err = capsys.readouterr()
    assert status == 1
    assert SAVED_TOKEN not in out + err
    heads = [line.split("  (")[0] for line in out.splitlines() if line[:1].isalnum()]
    assert heads == [
        "fifo: NOT READY",
        "good.example.com: ready",
        "long.example.org: NOT READY",
        "token.example.com: NOT READY",
        "zero: NOT READY",
        f"5 certificate(s) in {config_dir} renew with dns-dnscale: 4 NOT READY; 0 skipped",
    ]

"""One real certificate from Let's Encrypt's staging CA through the real certbot and this plugin,
then ``check`` and ``sweep --dry-run`` against the same account. Costs one staging certificate
(staging limits are generous) and two TXT records for a minute."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.marks import marked_at
from certbot_dns_dnscale.sandbox.pebble import certbot_executable, certificate_names
from tests.live.conftest import LETS_ENCRYPT_STAGING, Live

ISSUANCE_TIMEOUT_SECONDS = 600


def made_since(comment: str | None, started: datetime) -> bool:
    """Marked by this plugin at ``started`` or later (marks keep whole seconds)."""
    made = marked_at(comment)
    return made is not None and made >= started


def test_a_staging_certificate_for_the_domain_and_its_wildcard_leaves_nothing_behind(
    live: Live, tmp_path: Path
) -> None:
    started = datetime.now(timezone.utc).replace(microsecond=0)
    domains = [live.domain, f"*.{live.domain}"]
    command = [
        certbot_executable(), "certonly", "--non-interactive", "--agree-tos",
        "--register-unsafely-without-email", "--server", LETS_ENCRYPT_STAGING,
        "--config-dir", str(tmp_path / "config"), "--work-dir", str(tmp_path / "work"),
        "--logs-dir", str(tmp_path / "logs"),
        "--authenticator", "dns-dnscale",
        "--dns-dnscale-credentials", str(live.credentials(tmp_path)),
        *[arg for domain in domains for arg in ("-d", domain)],
    ]  # fmt: skip

    result = subprocess.run(
        command, capture_output=True, text=True, timeout=ISSUANCE_TIMEOUT_SECONDS, check=False
    )

    assert result.returncode == 0, result.stderr[-3000:]
    fullchain = tmp_path / "config" / "live" / live.domain / "fullchain.pem"
    assert certificate_names(fullchain) == set(domains)
    with live.client() as client:
        at_challenge = client.list_txt_records(live.zone().id, f"_acme-challenge.{live.domain}")
    ours_since = [r for r in at_challenge if made_since(r.comment, started)]
    assert ours_since == []


def test_check_finds_the_domain_ready(
    live: Live, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = str(live.credentials(tmp_path))
    status = main(["check", "--credentials", credentials, "-d", live.domain, "--json"])
    (report,) = json.loads(capsys.readouterr().out)
    assert status == 0, report
    assert report["ready"] is True


def test_sweep_dry_run_lists_and_deletes_nothing(
    live: Live, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = str(live.credentials(tmp_path))
    status = main(["sweep", "--credentials", credentials, "--dry-run", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert status in (0, 1), "sweep could not run"  # 1: a marked record it leaves alone
    assert [entry for entry in listed if entry["deleted"]] == []

"""The README's "try it without an account" command does what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from certbot_dns_dnscale.sandbox.__main__ import main
from certbot_dns_dnscale.sandbox.pebble import certificate_names

pytestmark = pytest.mark.e2e


def test_demo_issues_a_wildcard_certificate_and_says_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    certificate = tmp_path / "certbot" / "config" / "live" / "example.com" / "fullchain.pem"
    assert f"Certificate for *.example.com, example.com: {certificate}" in out
    assert certificate_names(certificate) == {"example.com", "*.example.com"}
    assert "records left behind in the zone: 0" in out


def test_demo_without_pebble_says_how_to_install_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert "apt-get install -y pebble" in capsys.readouterr().err

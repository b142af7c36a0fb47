"""certbot-dns-dnscale check: its text and JSON word for word, its usage errors, and the write
test that check --renewals makes unless told not to."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.test_renewals import add_lineage, plugin_params


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def check(sandbox: Sandbox, credentials: Path, *extra: str) -> list[str]:
    return [
        "check", "--credentials", str(credentials), "-d", "example.com", "--no-write-test",
        "--resolver", sandbox.dns_address, "--nameservers", sandbox.dns_address, *extra,
    ]  # fmt: skip


def test_the_text_of_a_ready_name_lists_each_finding(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(check(sandbox, credentials)) == 0
    dns = sandbox.dns_address
    assert capsys.readouterr().out.splitlines()[:6] == [
        "example.com: ready",
        "  ok    challenge   _acme-challenge.example.com (no CNAME)",
        "  ok    zone        example.com",
        "  ok    NS          example.com is delegated to ns1.dnscale.eu, ns2.dnscale.eu",
        f"  ok    port 53     {dns} answer for example.com",
        "  ok    CAA         no CAA records: any CA may issue",
    ]


def test_the_text_of_a_failing_finding_gives_its_fix_on_the_next_line(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.com", "CAA", '0 issue "pki.goog"')
    assert main(check(sandbox, credentials)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "example.com: NOT READY"
    assert lines[-2:] == [
        "  FAIL  CAA         CAA at example.com allows only pki.goog (issue)",
        '                    fix: add the record example.com. CAA 0 issue "letsencrypt.org"',
    ]


def test_the_json_of_a_name_has_its_name_readiness_and_findings(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*check(sandbox, credentials), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert set(report) == {"name", "ready", "findings"}
    assert (report["name"], report["ready"]) == ("example.com", True)
    assert report["findings"][0] == {
        "check": "challenge",
        "ok": True,
        "detail": "_acme-challenge.example.com (no CNAME)",
        "fix": None,
    }


@pytest.mark.parametrize("empty", ["", " , "])
def test_empty_nameservers_are_a_usage_error_naming_the_fix(
    credentials: Path, capsys: pytest.CaptureFixture[str], empty: str
) -> None:
    argv = ["check", "--credentials", str(credentials), "-d", "example.com", "--nameservers", empty]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "error: --nameservers is empty: give HOST[:PORT],... or drop the flag\n"
    )


def test_renewals_with_per_name_flags_says_which_to_drop(
    credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["check", "--renewals", "-d", "example.com", "--credentials", str(credentials)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "error: --renewals takes names and settings from the renewal confs: drop -d, "
        "--credentials\n"
    )


def test_renewals_make_the_write_test_by_default(
    sandbox: Sandbox, credentials: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir = tmp_path / "letsencrypt"
    (config_dir / "renewal").mkdir(parents=True)
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    assert main(["check", "--renewals", "--config-dir", str(config_dir)]) == 0
    assert [c.method for c in sandbox.calls if c.method != "GET"] == ["POST", "DELETE"]


def write_check(sandbox: Sandbox, credentials: Path, name: str = "example.com") -> list[str]:
    return [
        "check", "--credentials", str(credentials), "-d", name, "--json",
        "--resolver", sandbox.dns_address, "--nameservers", sandbox.dns_address,
    ]  # fmt: skip


def finding(reports: list[dict[str, Any]], check: str) -> dict[str, Any]:
    (found,) = [f for f in reports[0]["findings"] if f["check"] == check]
    return found


def test_a_passed_write_test_says_where_it_wrote_and_marks_its_record_as_the_plugin_does(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(write_check(sandbox, credentials)) == 0
    reports = json.loads(capsys.readouterr().out)
    assert finding(reports, "write test") == {
        "check": "write test",
        "ok": True,
        "detail": "created and deleted a TXT record at _acme-challenge.example.com",
        "fix": None,
    }
    (post,) = [c for c in sandbox.calls if c.method == "POST"]
    assert re.fullmatch(
        r"certbot-dns-dnscale ACME challenge, created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
        json.loads(post.body)["comment"],
    )


def test_a_failed_write_test_names_the_scope_zone_and_name(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readonly = tmp_path / "readonly.ini"
    readonly.write_text(sandbox.credentials_ini(sandbox.settings.readonly_token))
    assert main(write_check(sandbox, readonly)) == 1
    found = finding(json.loads(capsys.readouterr().out), "write test")
    assert found["ok"] is False
    assert "HTTP 403" in found["detail"]
    assert found["fix"] == (
        "Could not write a test TXT record at _acme-challenge.example.com in zone example.com: "
        f"the API token in {readonly} is not allowed to. Give it the scopes zones:read, "
        "records:read and records:write, access to example.com and, if the token is limited "
        "to names, the name _acme-challenge.example.com."
    )


def test_a_name_in_no_zone_says_what_was_tried_and_what_to_add(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(write_check(sandbox, credentials, "www.example.net")) == 1
    assert finding(json.loads(capsys.readouterr().out), "zone") == {
        "check": "zone",
        "ok": False,
        "detail": "no DNScale zone holds _acme-challenge.www.example.net (tried "
        "_acme-challenge.www.example.net, www.example.net, example.net, net among 1 zone(s) "
        "the token can see)",
        "fix": "add the zone to DNScale or give the token access to it",
    }


def test_a_certified_name_dns_cannot_carry_is_its_only_finding(
    sandbox: Sandbox, credentials: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """certbot and the CA accept a 64-character label; check --renewals finds it."""
    long_name = "a" * 64 + ".example.com"
    config_dir = tmp_path / "letsencrypt"
    (config_dir / "renewal").mkdir(parents=True)
    params = plugin_params(sandbox, credentials)
    add_lineage(config_dir, "long", ["example.com", long_name], params=params)
    argv = ["check", "--renewals", "--config-dir", str(config_dir), "--no-write-test", "--json"]
    assert main(argv) == 1
    (lineage,) = json.loads(capsys.readouterr().out)["lineages"]
    assert lineage["checks"][1:] == [
        {
            "name": long_name,
            "ready": False,
            "findings": [
                {
                    "check": "name",
                    "ok": False,
                    "detail": f"{long_name!r} has a label of 64 characters; DNS allows at most 63",
                    "fix": "correct the name",
                }
            ],
        }
    ]


def test_the_json_of_check_is_indented_by_two(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*check(sandbox, credentials), "--json"]) == 0
    output = capsys.readouterr().out
    assert output == json.dumps(json.loads(output), indent=2) + "\n"


def test_the_text_of_two_names_puts_each_report_on_its_own_lines(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*check(sandbox, credentials), "-d", "*.example.com"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "example.com: ready"
    assert lines[6] == "*.example.com: ready"
    assert len(lines) == 12


def test_the_ca_named_with_ca_is_the_one_caa_is_checked_for(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.com", "CAA", '0 issue "pki.goog"')
    assert main([*check(sandbox, credentials), "--ca", "pki.goog", "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["findings"][-1]["detail"] == "CAA at example.com lets pki.goog issue (issue)"


def test_a_refused_zone_listing_stops_check_with_the_reason_on_stderr(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong.ini"
    wrong.write_text(sandbox.credentials_ini(token="wrong-token-0123456789abcdef"))
    wrong.chmod(0o600)
    assert main(check(sandbox, wrong)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        f"error: Could not list the zones: DNScale rejected the API token in {wrong}: it is "
        "mistyped, expired or revoked."
    )


def test_a_credentials_file_others_can_read_fails_each_name_with_the_chmod_fix(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials.chmod(0o644)
    assert main([*check(sandbox, credentials), "-d", "*.example.com"]) == 1
    lines = capsys.readouterr().out.splitlines()
    flagged = [
        f"  FAIL  credentials {credentials} is readable by others (mode 644)",
        f"                    fix: chmod 600 {credentials}",
    ]
    assert lines[0:3] == ["example.com: NOT READY", *flagged]
    assert lines[8:11] == ["*.example.com: NOT READY", *flagged]


def test_a_credentials_file_only_its_owner_can_read_adds_no_finding(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials.chmod(0o640)
    assert main([*check(sandbox, credentials), "--json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert "credentials" not in [finding["check"] for finding in report["findings"]]

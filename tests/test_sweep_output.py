"""What ``sweep`` prints, word for word, and the JSON a script reads: deleted, would delete,
failed and left alone; a refused listing on stderr."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings

MADE = (datetime.now(timezone.utc) - timedelta(hours=30)).replace(microsecond=0)
NAME = "_acme-challenge.example.com"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def leave(sandbox: Sandbox, name: str, value: str) -> None:
    zone = sandbox.store.zone_for(name)
    assert zone is not None
    sandbox.store.add(zone.id, name, "TXT", value, 300, make_mark(MADE))


def sweep(credentials: Path, *extra: str) -> list[str]:
    return ["sweep", "--credentials", str(credentials), *extra]


def made_text() -> str:
    return f"made {MADE:%Y-%m-%d %H:%M} UTC"


def test_a_deleted_leftover_is_one_line_then_the_count(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, NAME, "old-ours")
    assert main(sweep(credentials)) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"deleted: {NAME} TXT 'old-ours' (zone example.com, {made_text()})",
        "1 leftover record(s) older than 6h",
    ]


def test_a_dry_run_says_what_it_would_delete(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, NAME, "old-ours")
    assert main(sweep(credentials, "--dry-run", "--older-than", "2h")) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"would delete: {NAME} TXT 'old-ours' (zone example.com, {made_text()})",
        "1 leftover record(s) older than 2h",
    ]


def test_a_failed_delete_says_why_in_the_text(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, NAME, "old-ours")
    sandbox.api.settings.tokens["half"] = sandbox.api.settings.tokens[
        sandbox.settings.readonly_token
    ]
    credentials.write_text(sandbox.credentials_ini("half"))
    assert main(sweep(credentials)) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("FAILED: ")
    assert line.endswith(f": {NAME} TXT 'old-ours' (zone example.com, {made_text()})")


def test_the_json_of_a_deleted_leftover_has_every_field(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, NAME, "old-ours")
    assert main(sweep(credentials, "--json")) == 0
    output = capsys.readouterr().out
    listed = json.loads(output)
    assert output == json.dumps(listed, indent=2) + "\n"
    assert listed == [
        {
            "zone": "example.com",
            "name": NAME,
            "content": "old-ours",
            "created": MADE.isoformat(),
            "deleted": True,
            "error": None,
            "skipped": None,
        }
    ]


def test_the_json_of_a_dry_run_marks_nothing_deleted(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, NAME, "old-ours")
    assert main(sweep(credentials, "--json", "--dry-run")) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert (listed["deleted"], listed["error"], listed["skipped"]) == (False, None, None)


def test_a_refused_listing_is_explained_on_stderr_without_the_token(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "wrong-token-0123456789abcdef"
    credentials = tmp_path / "wrong.ini"
    credentials.write_text(sandbox.credentials_ini(token=wrong))
    credentials.chmod(0o600)
    assert main(sweep(credentials)) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: Could not list the zones: DNScale rejected the API token in {credentials}: it "
        "is mistyped, expired or revoked. Create a new token in the DNScale dashboard and put "
        "it in dns_dnscale_api_token. ["
    )
    assert wrong not in err


def test_a_failed_record_listing_is_named_as_such_without_the_token(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.faults.script("echo", method="GET", route="/zones/{zone_id}/records")
    assert main(sweep(credentials)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Could not list the TXT records of the zones: ")
    assert sandbox.settings.token not in err

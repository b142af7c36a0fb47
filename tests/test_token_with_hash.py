"""A ``#`` in the token: configobj (certbot's INI reader) cuts the value there as a comment, with
or without a space before it, unless the value is quoted. The reader warns, naming the fix, and
never shows the token."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.credentials import read_credentials_file
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings

BEFORE, AFTER = "tok-before-9c1e0b", "after-3f7a2d"
HASHED_TOKEN = f"{BEFORE}#{AFTER}"
WARNING_START = "dns_dnscale_api_token at line 1 of "


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",), token=HASHED_TOKEN)) as running:
        yield running


def write(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "dnscale.ini"
    path.write_text(f"{line}\ndns_dnscale_api_url = http://127.0.0.1:9/v1\n")
    path.chmod(0o600)
    return path


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "value", [HASHED_TOKEN, f"{BEFORE} #{AFTER}", f"{BEFORE}\t# a comment"], ids=str.split
)
def test_an_unquoted_hash_cuts_the_token_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    path = write(tmp_path, f"dns_dnscale_api_token = {value}")
    assert read_credentials_file(str(path)).api_token == BEFORE
    (warning,) = warnings_of(caplog)
    assert warning == (
        f"{WARNING_START}{path} has a '#' after the value: the INI reader drops the '#' and the "
        "rest of the line as a comment, so only what comes before it is sent as the token. If "
        "the '#' is part of the token, put the whole token in double quotes: "
        'dns_dnscale_api_token = "...". If it is a comment, move it to a line of its own.'
    )
    assert BEFORE not in warning
    assert AFTER not in warning


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_quoted_token_keeps_its_hash_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, quote: str
) -> None:
    path = write(tmp_path, f"dns_dnscale_api_token = {quote}{HASHED_TOKEN}{quote}")
    assert read_credentials_file(str(path)).api_token == HASHED_TOKEN
    assert warnings_of(caplog) == []


def test_a_comment_on_its_own_line_does_not_warn(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, f"# the token\ndns_dnscale_api_token = {BEFORE}")
    assert read_credentials_file(str(path)).api_token == BEFORE
    assert warnings_of(caplog) == []


def test_a_cut_token_is_rejected_by_the_api_after_the_warning(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the command line: the warning reaches stderr before DNScale's refusal."""
    path = tmp_path / "dnscale.ini"
    path.write_text(sandbox.credentials_ini(token=HASHED_TOKEN))
    path.chmod(0o600)
    assert main(["sweep", "--credentials", str(path), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.index("has a '#' after the value") < err.index("DNScale rejected the API token")
    assert BEFORE not in err
    assert AFTER not in err


def test_the_quoted_token_with_a_hash_is_accepted_by_the_api(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dnscale.ini"
    path.write_text(sandbox.credentials_ini(token=f'"{HASHED_TOKEN}"'))
    path.chmod(0o600)
    assert main(["sweep", "--credentials", str(path), "--dry-run"]) == 0
    assert capsys.readouterr().err == ""

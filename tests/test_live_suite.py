"""The live suite (``tox -e live``) without an account: every test skipped, saying why, and the
run passing; and its API tests, pointed at the local sandbox by the same variables a maintainer
sets for DNScale's real API, doing what they say (so the suite works the day it meets the
real thing)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from certbot_dns_dnscale.sandbox import Sandbox
from tests.live.conftest import DOMAIN_VAR, TOKEN_VAR, URL_VAR

ROOT = Path(__file__).resolve().parent.parent
LIVE_VARS = (TOKEN_VAR, DOMAIN_VAR, URL_VAR)


def run_live(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in LIVE_VARS}
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-p", "no:cacheprovider", "-rs"],
        capture_output=True, text=True, cwd=ROOT, env={**clean, **env}, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


def test_without_credentials_every_live_test_is_skipped_saying_why_and_the_run_passes() -> None:
    result = run_live("tests/live")

    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" not in result.stdout
    assert "7 skipped" in result.stdout
    assert f"live tests need {TOKEN_VAR} (a DNScale API key) and {DOMAIN_VAR}" in result.stdout


def test_with_only_the_token_the_live_tests_still_skip() -> None:
    result = run_live("tests/live", **{TOKEN_VAR: "tok"})
    assert result.returncode == 0
    assert "7 skipped" in result.stdout


def test_the_live_api_tests_pass_against_an_api_keeping_the_contract(sandbox: Sandbox) -> None:
    result = run_live(
        "tests/live/test_live_api.py",
        "tests/live/test_live_issuance.py::test_sweep_dry_run_lists_and_deletes_nothing",
        **{TOKEN_VAR: sandbox.settings.token, DOMAIN_VAR: "example.com",
           URL_VAR: sandbox.api_url + "/v1"},
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:]
    assert "5 passed" in result.stdout
    assert sandbox.settings.token not in result.stdout + result.stderr
    assert sandbox.acme_challenge_records() == []  # each test removed what it made
    assert {c.method for c in sandbox.calls} >= {"GET", "POST", "DELETE"}

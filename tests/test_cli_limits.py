"""``check`` and ``sweep`` against an API that misbehaves: each ends with a clear error (exit 2,
no traceback), and the token is in none of their output. The CLI's client gets a small budget."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.commands import cli
from certbot_dns_dnscale._internal.retry import RetryPolicy
from tests.conftest import TOKEN
from tests.misbehaving_server import (
    MisbehavingServer,
    echo_authorization,
    misbehaving_server,
    raw_answer,
    trickle,
)

CANNOT_RUN = 2


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[MisbehavingServer]:
    small_budget = RetryPolicy(budget_seconds=1.0, base_delay_seconds=0.05)
    monkeypatch.setattr(
        cli, "DNScaleClient", functools.partial(DNScaleClient, retry_policy=small_budget)
    )
    with misbehaving_server() as running:
        yield running


@pytest.fixture
def credentials(server: MisbehavingServer, tmp_path: Path) -> Path:
    path = tmp_path / "dnscale.ini"
    path.write_text(f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_api_url = {server.url}\n")
    path.chmod(0o600)
    return path


@pytest.fixture(params=["check", "sweep"])
def argv(request: pytest.FixtureRequest, credentials: Path, local_dns: str) -> list[str]:
    """The command line of ``check`` or ``sweep``, each of which lists the zones first."""
    if request.param == "check":
        return [
            "check",
            "--credentials",
            str(credentials),
            "-d",
            "example.com",
            "--resolver",
            local_dns,
        ]
    return ["sweep", "--credentials", str(credentials)]


def test_an_api_that_trickles_ends_the_command_with_a_clear_error(
    argv: list[str],
    server: MisbehavingServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.serve("/zones", trickle(b" " * 1000 + b"{}"))
    assert cli.main(argv) == CANNOT_RUN
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: Could not list the zones: the DNScale API at {server.url} did not finish "
        "answering in time. Try again later; if it lasts, look for a proxy or firewall between "
        "this machine and the API that holds answers back (dns_dnscale_api_url in "
    )
    assert "no complete answer within the 1 s this call may take (received HTTP 200" in err


def test_json_nested_too_deep_ends_the_command_saying_it_did_not_answer_like_the_api(
    argv: list[str],
    server: MisbehavingServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.serve("/zones", raw_answer(200, b"[" * 100_000 + b"]" * 100_000))
    assert cli.main(argv) == CANNOT_RUN
    err = capsys.readouterr().err
    assert (
        f"error: Could not list the zones: {server.url} did not answer like the DNScale API" in err
    )
    assert "Traceback" not in err


def test_an_answer_echoing_the_authorization_header_leaves_the_token_out_of_the_output(
    argv: list[str],
    server: MisbehavingServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.serve("/zones", echo_authorization())
    assert cli.main(argv) == CANNOT_RUN
    out, err = capsys.readouterr()
    assert "request id Bearer ***" in err
    assert TOKEN not in out + err

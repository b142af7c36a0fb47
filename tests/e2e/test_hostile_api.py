"""The real certbot against an API that misbehaves as a hostile network would: an answer that
trickles ends the run with a clear error within the call's budget, an interruption while a
create's answer trickles names the record with the command that removes it, and an answer that
echoes the Authorization header leaves the token in no output and no log."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from certbot_dns_dnscale.sandbox.api import Grant
from tests.conftest import wait_for
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

CREATE_ROUTE = "/zones/{zone_id}/records"
HOSTILE_TOKEN = "tok-E2E-hostile-5b1f0c7e9a2d"
LEFT_BEHIND = "got no answer: DNScale may have stored it, and it is then left behind."


def sweep(credentials: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as the warning tells the admin to run it."""
    script = Path(sys.executable).parent / "certbot-dns-dnscale"
    argv = [str(script), "sweep", "--credentials", str(credentials), *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_a_create_whose_answer_trickles_fails_the_run_at_its_budget_and_names_the_record(
    world: World,
) -> None:
    world.sandbox.faults.script("trickle", method="POST", route=CREATE_ROUTE)

    result = world.certbot.certonly(["example.com"], *world.plugin_args())  # 180 s at most

    assert result.returncode != 0
    assert "Could not create the TXT record _acme-challenge.example.com in zone example.com: " \
        "the DNScale API at " in result.stderr  # fmt: skip
    assert "did not finish answering in time" in result.stderr
    assert "no complete answer within the 90 s this call may take (received HTTP 201 headers " \
        "and " in result.stderr  # fmt: skip
    assert LEFT_BEHIND in result.stderr
    assert f"`certbot-dns-dnscale sweep --credentials {world.credentials}`" in result.stderr
    assert len(world.sandbox.acme_challenge_records()) == 1  # the API had stored it

    swept = sweep(world.credentials, "--older-than", "0s")

    assert swept.returncode == 0, swept.stdout + swept.stderr
    assert world.sandbox.acme_challenge_records() == []


def test_a_signal_while_a_create_trickles_ends_the_run_soon_naming_the_record(
    world: World,
) -> None:
    world.sandbox.faults.script("trickle", method="POST", route=CREATE_ROUTE)
    process = world.certbot.start(
        "certonly", *world.certbot.certonly_args(["example.com"], *world.plugin_args())
    )
    try:
        wait_for(lambda: any(c.method == "POST" for c in world.sandbox.calls))
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)  # well before the create's 90 s budget
    finally:
        if process.poll() is None:
            process.kill()

    assert process.returncode != 0
    assert LEFT_BEHIND in stderr
    assert f"`certbot-dns-dnscale sweep --credentials {world.credentials}`" in stderr


def test_an_answer_echoing_the_authorization_header_leaves_the_token_in_no_output_or_log(
    make_world: Callable[..., World],
) -> None:
    world = make_world(extra_tokens={HOSTILE_TOKEN: Grant()})
    credentials = world.write_credentials(HOSTILE_TOKEN, name="hostile.ini")
    world.sandbox.faults.script("echo", method="GET", route="/zones")

    result = world.certbot.certonly(["example.com"], "-vvv", *world.plugin_args(credentials))

    log = (world.certbot.logs_dir / "letsencrypt.log").read_text()
    assert result.returncode != 0
    assert (
        "rejected request with Authorization: *** [{'header': 'Authorization', 'value': "
        "'Bearer ***'}] (HTTP 400 BAD_REQUEST, request id sbx-000001, Bearer ***)" in result.stderr
    )
    assert "DNScale API <- GET" in log  # -vvv: the answer was logged, redacted
    for text in (result.stdout, result.stderr, log):
        assert HOSTILE_TOKEN not in text

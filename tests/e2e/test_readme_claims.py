"""What the README says about running the real certbot, checked with the real certbot: which
verbosity shows the plugin's API calls on the console, and that the log file always has them."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e


def console_and_log(world: World, domain: str, verbosity: str) -> tuple[str, str]:
    """certbot's console output and its log file after one issuance at ``verbosity``."""
    result = world.certbot.certonly([domain], verbosity, *world.plugin_args())
    assert result.returncode == 0, result.stderr
    log = (world.certbot.logs_dir / "letsencrypt.log").read_text()
    return result.stdout + result.stderr, log


def test_api_calls_reach_the_console_at_vv_not_at_v_and_the_log_file_at_both(
    world: World,
) -> None:
    zones_url = f"{world.sandbox.api_url}/v1/zones"
    console_v, log_v = console_and_log(world, "example.com", "-v")
    console_vv, log_vv = console_and_log(world, "example.org", "-vv")
    assert zones_url not in console_v
    assert zones_url in log_v
    assert zones_url in console_vv
    assert zones_url in log_vv


def test_token_appears_in_neither_console_nor_log_file_at_vv(world: World) -> None:
    console, log = console_and_log(world, "example.com", "-vv")
    token = world.sandbox.settings.token
    assert token not in console
    assert token not in log

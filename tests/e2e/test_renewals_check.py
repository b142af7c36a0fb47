"""``certbot-dns-dnscale check --renewals`` on the config directory of a real certbot that issued
through Pebble and the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e


def check_renewals(world: World, *extra: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a timer would run it."""
    script = Path(sys.executable).parent / "certbot-dns-dnscale"
    argv = [str(script), "check", "--renewals", "--config-dir", str(world.certbot.config_dir)]
    return subprocess.run([*argv, *extra], capture_output=True, text=True, timeout=120, check=False)


def add_standalone_lineage(world: World, name: str) -> None:
    """A lineage certbot renews with another authenticator: a copy of the real conf."""
    conf = world.certbot.renewal_conf("example.com").read_text()
    other = conf.replace("authenticator = dns-dnscale", "authenticator = standalone")
    (world.certbot.config_dir / "renewal" / f"{name}.conf").write_text(other)


def test_renewals_check_passes_then_names_the_lineage_whose_token_was_revoked(
    world: World,
) -> None:
    issued = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
    assert issued.returncode == 0, issued.stderr
    add_standalone_lineage(world, "www.example.org")

    ready = check_renewals(world)

    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert "example.com: ready" in ready.stdout
    assert "names       example.com, *.example.com" in ready.stdout
    assert "www.example.org: skipped (authenticator standalone, not dns-dnscale)" in ready.stdout
    assert world.sandbox.acme_challenge_records() == []

    del world.sandbox.api.settings.tokens[world.sandbox.settings.token]
    revoked = check_renewals(world, "--json")

    assert revoked.returncode == 1, revoked.stdout + revoked.stderr
    lineages = {x["name"]: x for x in json.loads(revoked.stdout)["lineages"]}
    assert lineages["www.example.org"]["status"] == "skipped"
    assert lineages["example.com"]["status"] == "not ready"
    token = {f["check"]: f for f in lineages["example.com"]["findings"]}["token"]
    assert token["ok"] is False
    assert "DNScale rejected the API token in " in token["fix"]
    assert world.sandbox.settings.token not in revoked.stdout + revoked.stderr


def test_a_bad_token_in_the_credentials_file_fails_the_lineage_in_text_too(world: World) -> None:
    issued = world.certbot.certonly(["example.com"], *world.plugin_args())
    assert issued.returncode == 0, issued.stderr
    world.write_credentials("not-the-token")

    result = check_renewals(world, "--no-write-test")

    assert result.returncode == 1
    assert result.stdout.startswith("example.com: NOT READY")
    assert "FAIL  token       " in result.stdout
    assert "DNScale rejected the API token in" in result.stdout
    assert "not-the-token" not in result.stdout + result.stderr


def test_a_token_saved_in_the_conf_a_fifo_and_5000_years_neither_leak_nor_hang(
    world: World,
) -> None:
    """The issue's hostile config dir, on a real certbot's: the console script finishes (the
    subprocess timeout would fail the test otherwise), shows no token, and still checks the
    lineage certbot made."""
    for name in ("example.com", "example.org"):
        issued = world.certbot.certonly([name], *world.plugin_args())
        assert issued.returncode == 0, issued.stderr
    saved = "tok-saved-in-renewal-conf-77e1"
    conf = world.certbot.renewal_conf("example.com")
    conf.write_text(conf.read_text() + f"dns_dnscale_api_token = {saved}\n")
    other = world.certbot.renewal_conf("example.org")
    other.write_text("renew_before_expiry = 5000 years\n" + other.read_text())
    os.mkfifo(world.certbot.config_dir / "renewal" / "fifo.conf")

    result = check_renewals(world, "--no-write-test")

    assert result.returncode == 1, result.stdout + result.stderr
    assert saved not in result.stdout + result.stderr
    assert world.sandbox.settings.token not in result.stdout + result.stderr
    assert "fifo: NOT READY" in result.stdout
    assert "is not a regular file (a pipe, socket or device)" in result.stdout
    assert "dns_dnscale_api_token = ***" in result.stdout
    assert "'5000 years' is too long to count back from the expiry date" in result.stdout
    assert "  ok    token       accepted" in result.stdout

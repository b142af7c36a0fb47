"""End-to-end fixtures: the local sandbox, Pebble asking the sandbox's DNS, and the real certbot.

Pebble missing is an error, not a skip: these tests are the proof that certificates issue.
Every answer the sandbox gave in a world must read in DNScale's official SDK's models and the
contract's schemas (``tests/sdk_answers.py``): checked when the world ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.pebble import Certbot, Pebble
from tests.sdk_answers import all_answer_problems

pytestmark = pytest.mark.e2e


@dataclass
class World:
    """One sandbox, one Pebble asking it for DNS, one certbot with its own directories."""

    sandbox: Sandbox
    pebble: Pebble
    certbot: Certbot
    credentials: Path
    tmp: Path

    def write_credentials(self, token: str | None = None, name: str = "dnscale.ini") -> Path:
        path = self.tmp / name
        path.write_text(self.sandbox.credentials_ini(token))
        path.chmod(0o600)
        return path

    def plugin_args(self, credentials: Path | None = None) -> list[str]:
        """The plugin with default settings but for the sandbox's DNS server: certbot's DNS
        questions must never leave 127.0.0.1."""
        return [
            "--authenticator", "dns-dnscale",
            "--dns-dnscale-credentials", str(credentials or self.credentials),
            "--dns-dnscale-nameservers", self.sandbox.dns_address,
            "--dns-dnscale-resolver", self.sandbox.dns_address,
        ]  # fmt: skip


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[Callable[..., World]]:
    started: list[tuple[Sandbox, Pebble]] = []

    def make(**settings: object) -> World:
        sandbox = Sandbox(SandboxSettings(**settings)).start()  # type: ignore[arg-type]
        pebble = Pebble(tmp_path / "pebble", sandbox.dns_address)
        started.append((sandbox, pebble))
        pebble.start()
        world = World(sandbox, pebble, Certbot(tmp_path / "certbot", pebble), Path(), tmp_path)
        world.credentials = world.write_credentials()
        return world

    yield make
    for sandbox, pebble in started:
        pebble.stop()
        sandbox.stop()
    for sandbox, _ in started:
        assert all_answer_problems(sandbox.calls) == [], "the SDK or the contract refused these"


@pytest.fixture
def world(make_world: Callable[..., World]) -> World:
    return make_world()

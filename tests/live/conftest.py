"""The live suite: DNScale's real API and Let's Encrypt's staging CA, for a maintainer with an
account (``tox -e live``). Opt-in: without ``DNSCALE_LIVE_TOKEN`` and ``DNSCALE_LIVE_DOMAIN`` in
the environment every test here is skipped, saying so, and the run still passes (CI's path: no
internet there). ``DNSCALE_LIVE_API_URL`` picks the API (default: DNScale's own test
environment). The token never appears in any output: only the variable's name does.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.about import user_agent
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.zones import Zone, find_zone, normalize_name

TOKEN_VAR, DOMAIN_VAR, URL_VAR = "DNSCALE_LIVE_TOKEN", "DNSCALE_LIVE_DOMAIN", "DNSCALE_LIVE_API_URL"
DEFAULT_API_URL = "https://api-sandbox.dnscale.eu/v1"
LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory"
SKIP_REASON = (
    f"live tests need {TOKEN_VAR} (a DNScale API key) and {DOMAIN_VAR} (a domain whose zone is "
    f"in that account), optionally {URL_VAR} (default {DEFAULT_API_URL})"
)


@dataclass(frozen=True)
class Live:
    token: str
    domain: str
    api_url: str

    def client(self) -> DNScaleClient:
        return DNScaleClient(self.token, self.api_url, user_agent=user_agent("live-tests"))

    def credentials(self, directory: Path) -> Path:
        path = directory / "dnscale-live.ini"
        path.write_text(
            f"dns_dnscale_api_token = {self.token}\ndns_dnscale_api_url = {self.api_url}\n"
        )
        path.chmod(0o600)
        return path

    def zone(self) -> Zone:
        with self.client() as client:
            zone = find_zone(self.domain, client.list_zones())
        assert zone is not None, f"no zone of this DNScale account holds {self.domain}"
        return zone

    def random_challenge_name(self) -> str:
        """``_acme-challenge.<random>.<domain>``: a name no one else uses."""
        return f"_acme-challenge.live-{secrets.token_hex(4)}.{self.domain}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(TOKEN_VAR) and os.environ.get(DOMAIN_VAR):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live() -> Live:
    return Live(
        token=os.environ[TOKEN_VAR],
        domain=normalize_name(os.environ[DOMAIN_VAR]),
        api_url=os.environ.get(URL_VAR) or DEFAULT_API_URL,
    )

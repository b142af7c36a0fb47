"""Shared fixtures: a fake clock, API envelopes, credentials files."""

from __future__ import annotations

import io
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import urllib3
from acme import challenges, messages
from certbot import achallenges
from certbot._internal.display import obj as display_obj
from certbot.plugins import dns_test_common
from certbot.tests import acme_util

from certbot_dns_dnscale._internal import zone_cache
from certbot_dns_dnscale._internal.batch import ChallengeBatch
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from certbot_dns_dnscale._internal.waiting import WaitSettings
from certbot_dns_dnscale._internal.zone_cache import ZoneView, directory_for
from certbot_dns_dnscale.sandbox import Sandbox

API = "https://api.dnscale.eu/v1"
TOKEN = "tok-SECRET-8f2c1e77d0a94b3c"


def pytest_configure(config: pytest.Config) -> None:
    """urllib3 1.x (Debian 12's 1.26) has no finalizer that closes a dropped connection pool's
    sockets, so a DNScale client that is never closed shows as a ResourceWarning there that
    urllib3 2 never raises. Those are not failures on urllib3 1.x until every client is closed."""
    if int(urllib3.__version__.split(".")[0]) < 2:
        config.addinivalue_line(
            "filterwarnings",
            r"ignore:Exception ignored in. <socket\.socket:pytest.PytestUnraisableExceptionWarning",
        )


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {"status": "success", "data": data}


def error_envelope(code: str, message: str) -> dict[str, Any]:
    return {"status": "error", "error": {"code": code, "message": message, "details": []}}


def zone(zone_id: str, name: str) -> dict[str, Any]:
    return {"id": zone_id, "name": name, "type": "master", "status": "active"}


def zones_page(
    zones: list[dict[str, Any]],
    *,
    offset: int = 0,
    total: int | None = None,
    has_more: bool = False,
) -> dict[str, Any]:
    pagination = {
        "total": len(zones) if total is None else total,
        "offset": offset,
        "limit": 100,
        "count": len(zones),
        "has_more": has_more,
    }
    return envelope({"zones": zones, "pagination": pagination})


def txt(record_id: str, name: str, content: str) -> dict[str, Any]:
    return {"id": record_id, "name": name, "type": "TXT", "content": content, "ttl": 300}


def records_page(records: list[dict[str, Any]]) -> dict[str, Any]:
    pagination = {"total": len(records), "offset": 0, "limit": 1000, "count": len(records)}
    return envelope({"records": records, "pagination": {**pagination, "has_more": False}})


@pytest.fixture
def write_credentials(tmp_path: Path) -> Callable[..., Path]:
    """Write an INI credentials file, mode 600, and return its path."""

    def write(text: str | None = None, **values: str) -> Path:
        path = tmp_path / "dnscale.ini"
        if text is None:
            values.setdefault("dns_dnscale_api_token", TOKEN)
            text = "".join(f"{key} = {value}\n" for key, value in values.items())
        path.write_text(text)
        path.chmod(0o600)
        return path

    return write


@pytest.fixture(autouse=True)
def fresh_process_zone_lists() -> Iterator[None]:
    """Each test starts as a new certbot process would: no zone list kept from another test."""
    zone_cache.forget_all()
    yield
    zone_cache.forget_all()


@pytest.fixture
def credentials(sandbox: Sandbox, tmp_path: Path) -> Path:
    """A credentials file (mode 600) for the ``sandbox`` fixture of the test module using it."""
    path = tmp_path / "dnscale.ini"
    path.write_text(sandbox.credentials_ini())
    path.chmod(0o600)
    return path


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """An empty certbot config directory (``renewal/`` made), for check --renewals."""
    (tmp_path / "letsencrypt" / "renewal").mkdir(parents=True)
    return tmp_path / "letsencrypt"


@pytest.fixture(scope="session")
def local_dns() -> Iterator[str]:
    """HOST:PORT of a sandbox DNS server, so that no test's DNS question leaves 127.0.0.1."""
    with Sandbox() as sandbox:
        yield sandbox.dns_address


@pytest.fixture
def display() -> Iterator[io.StringIO]:
    """certbot's non-interactive display, writing to a buffer the test can read."""
    out = io.StringIO()
    display_obj.set_display(display_obj.NoninteractiveDisplay(out))
    return out


def achall(domain: str, token: bytes = b"a" * 32) -> achallenges.KeyAuthorizationAnnotatedChallenge:
    challb = acme_util.chall_to_challb(challenges.DNS01(token=token), messages.STATUS_PENDING)
    annotated = achallenges.KeyAuthorizationAnnotatedChallenge
    if "identifier" not in annotated.__slots__:  # certbot < 5.3 knows only ``domain``
        return annotated(challb=challb, domain=domain, account_key=dns_test_common.KEY)
    identifier = messages.Identifier(typ=messages.IDENTIFIER_FQDN, value=domain)
    return annotated(challb=challb, identifier=identifier, account_key=dns_test_common.KEY)


def value_of(challenge: achallenges.KeyAuthorizationAnnotatedChallenge) -> str:
    return str(challenge.validation(challenge.account_key))


MakeAuthenticator = Callable[..., Authenticator]


def authenticator(credentials: Path, **options: object) -> Authenticator:
    defaults: dict[str, object] = {
        "propagation_seconds": 0,
        "propagation_check": "off",
        "nameservers": None,
        "resolver": None,
        "require_propagation": False,
    }
    config = SimpleNamespace(
        dns_dnscale_credentials=str(credentials),
        **{f"dns_dnscale_{key}": value for key, value in {**defaults, **options}.items()},
    )
    return Authenticator(config, "dns-dnscale")


@pytest.fixture
def make_authenticator(local_dns: str) -> MakeAuthenticator:
    """Authenticators whose DNS lookups go to a local sandbox DNS server, never elsewhere."""

    def make(credentials: Path, **options: object) -> Authenticator:
        return authenticator(credentials, **{"resolver": local_dns, **options})

    return make


def closed_udp_port() -> int:
    """A loopback UDP port nothing listens on: a DNS server that never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])


def sandbox_batch(sandbox: Sandbox, token: str) -> ChallengeBatch:
    """A challenge batch against the sandbox's API with ``token``, not waiting for DNS."""
    client = DNScaleClient(token, sandbox.api_url + "/v1", user_agent="t", sleep=lambda _: None)
    return ChallengeBatch(
        client,
        ZoneView(directory_for(sandbox.api_url, token), client.list_zones),
        ttl_seconds=300,
        credentials_path="/etc/letsencrypt/dnscale.ini",
        wait=WaitSettings(bound_seconds=0, check=False, resolver=sandbox.dns_address),
        notify=lambda _: None,
    )


def wait_for(condition: Callable[[], object], timeout_seconds: float = 60.0) -> None:
    """Return once ``condition()`` is true; fail the test after ``timeout_seconds``."""
    deadline = time.monotonic() + timeout_seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)

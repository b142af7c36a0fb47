"""The User-Agent every API request carries: what DNScale support sees of this plugin."""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import certbot
import pytest
import requests_mock as rm

from certbot_dns_dnscale._internal import about
from certbot_dns_dnscale._internal.about import plugin_version, user_agent
from tests.conftest import API, MakeAuthenticator, achall, envelope, zone, zones_page

EXPECTED = (
    f"certbot-dns-dnscale/{metadata.version('certbot-dns-dnscale')} certbot/{certbot.__version__}"
)


def test_plugin_version_is_the_installed_distributions() -> None:
    assert plugin_version() == metadata.version("certbot-dns-dnscale")


def test_user_agent_names_the_plugin_and_certbot_versions_and_nothing_else() -> None:
    assert user_agent() == EXPECTED


def test_user_agent_of_a_tool_ends_with_the_tool_in_parentheses() -> None:
    assert user_agent("sweep") == EXPECTED + " (sweep)"


def test_the_authenticator_sends_the_plugins_user_agent(
    make_authenticator: MakeAuthenticator,
    write_credentials: Callable[..., Path],
    display: io.StringIO,
    requests_mock: rm.Mocker,
) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(f"{API}/zones/z-com/records", status_code=201, json=envelope({}))
    make_authenticator(write_credentials()).perform([achall("example.com")])
    assert {r.headers["User-Agent"] for r in requests_mock.request_history} == {EXPECTED}


def test_a_tree_that_is_not_installed_reports_an_unknown_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Run from a bare source tree, the distribution's metadata is missing."""

    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(about.metadata, "version", not_installed)
    assert plugin_version() == "0+unknown"

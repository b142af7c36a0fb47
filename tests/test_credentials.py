"""The credentials file: reading it safely and validating its values."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from certbot import errors

from certbot_dns_dnscale._internal import credentials
from certbot_dns_dnscale._internal.credentials import (
    api_base_url,
    check_readable_ini,
    parse_credentials,
    parse_ttl,
)
from tests.conftest import TOKEN

PATH = "/etc/letsencrypt/dnscale.ini"


def test_missing_file_names_the_file_and_the_option(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ini"
    with pytest.raises(errors.PluginError, match=r"does not exist.*--dns-dnscale-credentials"):
        check_readable_ini(str(missing))


def test_a_directory_is_not_a_credentials_file(tmp_path: Path) -> None:
    with pytest.raises(errors.PluginError, match="is a directory"):
        check_readable_ini(str(tmp_path))


def _deny(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied")


def test_unreadable_file_says_permission_denied(
    write_credentials: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_credentials()
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make open() fail the way it does for others
        monkeypatch.setattr(credentials, "open", _deny, raising=False)
    with pytest.raises(errors.PluginError, match=r"permission denied.*mode 600"):
        check_readable_ini(str(path))


def test_binary_file_is_reported_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "creds.ini"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(errors.PluginError, match="UTF-8 text INI"):
        check_readable_ini(str(path))


def test_malformed_ini_names_the_line_but_never_quotes_it(
    write_credentials: Callable[..., Path],
) -> None:
    path = write_credentials(f"dns_dnscale_api_token {TOKEN}\n")
    with pytest.raises(errors.PluginError) as raised:
        check_readable_ini(str(path))
    assert "line 1" in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is not None


def test_several_malformed_lines_are_all_named(write_credentials: Callable[..., Path]) -> None:
    path = write_credentials(f"[broken\ndns_dnscale_api_token {TOKEN}\n")
    with pytest.raises(errors.PluginError, match="line 1, 2"):
        check_readable_ini(str(path))


def test_well_formed_file_passes(write_credentials: Callable[..., Path]) -> None:
    check_readable_ini(str(write_credentials()))


@pytest.mark.parametrize("token", [None, "", "   "])
def test_empty_token_names_the_key_and_file(token: str | None) -> None:
    with pytest.raises(errors.PluginError, match=f"dns_dnscale_api_token is empty in {PATH}"):
        parse_credentials(token, None, None, path=PATH)


def test_defaults_are_the_production_api_and_ttl_300() -> None:
    creds = parse_credentials(TOKEN, None, None, path=PATH)
    assert (creds.base_url, creds.ttl_seconds) == ("https://api.dnscale.eu/v1", 300)


def test_credentials_repr_hides_the_token() -> None:
    assert TOKEN not in repr(parse_credentials(TOKEN, None, None, path=PATH))


@pytest.mark.parametrize(
    "url",
    [
        "https://api.dnscale.eu",
        "https://api.dnscale.eu/",
        "https://api.dnscale.eu/v1",
        "https://api.dnscale.eu/v1/",
        " https://api.dnscale.eu/v1 ",
    ],
)
def test_api_url_with_or_without_v1_gives_the_same_base(url: str) -> None:
    assert api_base_url(url, path=PATH) == "https://api.dnscale.eu/v1"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.53"])
def test_plain_http_is_allowed_on_loopback(host: str) -> None:
    assert api_base_url(f"http://{host}:8080", path=PATH) == f"http://{host}:8080/v1"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://api.dnscale.eu", "only allowed for a loopback host"),
        ("http://192.168.1.5:8080", "only allowed for a loopback host"),
        ("ftp://api.dnscale.eu", "must start with https://"),
        ("api.dnscale.eu", "must start with https://"),
        ("https://api.dnscale.eu/api/v2", "path must be empty or /v1"),
        ("https://api.dnscale.eu/v1?x=1", "must not carry a query"),
        ("https://user:pw@api.dnscale.eu", "must not carry a query, fragment or user name"),
        ("https://api.dnscale.eu:99999", "not a valid URL"),
    ],
)
def test_unusable_api_url_says_why_and_what_to_use(url: str, why: str) -> None:
    with pytest.raises(errors.PluginError) as raised:
        api_base_url(url, path=PATH)
    message = str(raised.value)
    assert why in message
    assert "dns_dnscale_api_url" in message
    assert PATH in message
    assert "https://api.dnscale.eu" in message


@pytest.mark.parametrize(
    ("raw", "seconds"), [(None, 300), ("", 300), ("120", 120), (" 86400 ", 86400)]
)
def test_ttl_accepts_whole_seconds_in_range(raw: str | None, seconds: int) -> None:
    assert parse_ttl(raw, path=PATH) == seconds


@pytest.mark.parametrize("raw", ["abc", "300s", "1.5", "119", "86401", "-300"])
def test_ttl_outside_the_range_or_not_a_number_is_refused(raw: str) -> None:
    with pytest.raises(errors.PluginError, match=r"dns_dnscale_ttl .* from 120 to 86400"):
        parse_ttl(raw, path=PATH)

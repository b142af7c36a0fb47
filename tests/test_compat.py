"""The start-up check that refuses a certbot older than the one the plugin is tested with."""

from __future__ import annotations

import re
from pathlib import Path

import certbot
import pytest
from certbot import errors

from certbot_dns_dnscale._internal.compat import (
    MINIMUM_CERTBOT_VERSION,
    release_numbers,
    require_certbot,
)
from tests.conftest import authenticator

ROOT = Path(__file__).resolve().parent.parent


def test_a_certbot_older_than_the_minimum_is_refused_naming_both_versions() -> None:
    with pytest.raises(errors.PluginError) as raised:
        require_certbot("999.1.0")
    message = str(raised.value)
    assert "needs certbot 999.1.0 or newer" in message
    assert f"this certbot is {certbot.__version__}" in message
    assert "pip install --upgrade certbot" in message


def test_the_running_certbot_meets_the_declared_minimum() -> None:
    require_certbot()


def test_exactly_the_minimum_is_enough() -> None:
    require_certbot(certbot.__version__)


def test_a_certbot_whose_version_cannot_be_read_is_let_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(certbot, "__version__", "unknown")
    require_certbot("999.1.0")


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("2.1.0", (2, 1)),
        ("2.1", (2, 1)),
        ("2.10.0rc1", (2, 10)),
        ("5.0.0.dev0", (5,)),
        ("v3.2.1", (3, 2, 1)),
        ("0", (0,)),
    ],
)
def test_release_numbers_ignore_suffixes_and_trailing_zeros(
    version: str, numbers: tuple[int, ...]
) -> None:
    assert release_numbers(version) == numbers


def test_two_point_ten_is_newer_than_two_point_nine() -> None:
    assert release_numbers("2.10.0") > release_numbers("2.9.0")


def test_text_that_is_no_version_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a version number: 'latest'"):
        release_numbers("latest")


def test_declared_minimum_is_the_one_pyproject_promises() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    declared = re.search(r'"certbot>=([^",;]+)"', pyproject)
    assert declared is not None
    assert declared.group(1) == MINIMUM_CERTBOT_VERSION


def test_the_authenticator_refuses_an_old_certbot_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A distribution's certbot is not checked by pip: the plugin says so itself, in prepare()."""
    monkeypatch.setattr(certbot, "__version__", "1.32.0")
    auth = authenticator(tmp_path / "never-read.ini")
    with pytest.raises(errors.PluginError, match=r"needs certbot 2\.1\.0 or newer.*is 1\.32\.0"):
        auth.prepare()

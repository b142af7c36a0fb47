"""``certbot-dns-dnscale --version``: the one line a bug report needs."""

from __future__ import annotations

import platform
import re
from pathlib import Path

import certbot
import pytest

from certbot_dns_dnscale._internal.commands.cli import main

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def pyproject_version() -> str:
    found = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(), flags=re.M)
    assert found is not None
    return found.group(1)


def test_version_names_the_plugin_version_in_pyproject_then_certbot_and_python(
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = (
        f"certbot-dns-dnscale {pyproject_version()} "
        f"(certbot {certbot.__version__}, Python {platform.python_version()})\n"
    )
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == expected


def test_version_before_a_command_still_prints_only_the_version_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version", "sweep"])
    assert exited.value.code == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"certbot-dns-dnscale {pyproject_version()} (certbot ")
    assert captured.err == ""


def test_help_lists_the_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--version" in capsys.readouterr().out

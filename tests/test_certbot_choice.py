"""Which certbot the end-to-end tests run: $DNSCALE_E2E_CERTBOT, else this environment's."""

from __future__ import annotations

from pathlib import Path

import pytest

from certbot_dns_dnscale.sandbox.pebble import (
    CERTBOT_ENV_VAR,
    Certbot,
    Pebble,
    certbot_executable,
)


@pytest.fixture
def fake_certbot(tmp_path: Path) -> Path:
    script = tmp_path / "bin" / "certbot"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    return script


def test_the_variable_names_the_certbot_to_run(
    monkeypatch: pytest.MonkeyPatch, fake_certbot: Path
) -> None:
    monkeypatch.setenv(CERTBOT_ENV_VAR, str(fake_certbot))
    assert certbot_executable() == str(fake_certbot)


def test_the_variable_may_name_a_command_on_path(
    monkeypatch: pytest.MonkeyPatch, fake_certbot: Path
) -> None:
    monkeypatch.setenv("PATH", str(fake_certbot.parent))
    monkeypatch.setenv(CERTBOT_ENV_VAR, "certbot")
    assert certbot_executable() == str(fake_certbot)


def test_a_variable_naming_no_executable_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CERTBOT_ENV_VAR, str(tmp_path / "no-certbot"))
    with pytest.raises(FileNotFoundError, match=f"{CERTBOT_ENV_VAR}=.*unset it"):
        certbot_executable()


def test_without_the_variable_this_environments_certbot_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(CERTBOT_ENV_VAR, raising=False)
    assert Path(certbot_executable()).name == "certbot"


def test_every_certbot_command_starts_with_the_chosen_certbot(
    monkeypatch: pytest.MonkeyPatch, fake_certbot: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv(CERTBOT_ENV_VAR, str(fake_certbot))
    certbot = Certbot(tmp_path / "certbot", Pebble(tmp_path / "pebble", "127.0.0.1:53"))
    command = certbot.command("renew", "--dry-run")
    assert command[:2] == [str(fake_certbot), "renew"]
    assert command[-1] == "--dry-run"


def test_without_a_certbot_beside_python_the_one_on_path_runs(
    monkeypatch: pytest.MonkeyPatch, fake_certbot: Path, tmp_path: Path
) -> None:
    monkeypatch.delenv(CERTBOT_ENV_VAR, raising=False)
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(fake_certbot.parent))
    assert certbot_executable() == str(fake_certbot)


def test_no_certbot_anywhere_says_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(CERTBOT_ENV_VAR, raising=False)
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="pip install certbot"):
        certbot_executable()

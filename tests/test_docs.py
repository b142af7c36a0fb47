"""The README's commands and the examples stay true."""

from __future__ import annotations

import re
from pathlib import Path

import configobj

from certbot_dns_dnscale._internal.credentials import read_credentials_file

ROOT = Path(__file__).resolve().parent.parent


def shell_blocks(markdown: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", markdown, flags=re.DOTALL)


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    test_command = next(line for line in ci_lines if "tox" in line and not line.startswith("#"))
    assert test_command.strip() + "\n" in shell_blocks(readme)


def test_readme_main_command_runs_the_sandbox_demo() -> None:
    blocks = shell_blocks((ROOT / "README.md").read_text())
    assert any("-m certbot_dns_dnscale.sandbox demo" in block for block in blocks)


def test_example_credentials_file_is_valid_for_the_plugin() -> None:
    credentials = read_credentials_file(str(ROOT / "examples" / "dnscale.ini"))
    assert credentials.base_url == "https://api.dnscale.eu/v1"
    assert credentials.ttl_seconds == 300


def test_example_renewal_conf_uses_the_plugin_and_no_webroot_keys() -> None:
    conf = configobj.ConfigObj(str(ROOT / "examples" / "renewal-example.com.conf"))
    params = conf["renewalparams"]
    assert params["authenticator"] == "dns-dnscale"
    assert params["dns_dnscale_credentials"].endswith("dnscale.ini")
    assert not [key for key in params if key.startswith(("webroot", "http01"))]

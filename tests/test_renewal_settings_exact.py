"""The saved dns_dnscale_* options of a renewal conf as check --renewals judges them: each
refusal word for word, with the fix it names, and the limits exactly where they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.renewals.conf import read_lineage
from certbot_dns_dnscale._internal.commands.renewals.settings import SettingsError, check_settings
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.test_renewals import add_lineage, plugin_params


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def conf_with(sandbox: Sandbox, tmp_path: Path, **options: str) -> Path:
    config_dir = tmp_path / "letsencrypt"
    (config_dir / "renewal").mkdir(parents=True)
    params = plugin_params(sandbox, tmp_path / "dnscale.ini", **options)
    return add_lineage(config_dir, "example.com", params=params)


def refusal(conf: Path) -> tuple[str, str]:
    with pytest.raises(SettingsError) as raised:
        check_settings(read_lineage(conf))
    return str(raised.value), raised.value.fix


@pytest.mark.parametrize(
    ("options", "message", "fix"),
    [
        (
            {"dns_dnscale_propagation_seconds": "ten"},
            "dns_dnscale_propagation_seconds = 'ten' in {conf} is not a whole number",
            "set dns_dnscale_propagation_seconds = 60 (or remove the line)",
        ),
        (
            {"dns_dnscale_propagation_seconds": "86401"},
            "dns_dnscale_propagation_seconds = 86401 in {conf} is more than a day",
            "set dns_dnscale_propagation_seconds = 60 (at most 86400)",
        ),
        (
            {"dns_dnscale_propagation_check": "maybe"},
            "dns_dnscale_propagation_check = 'maybe' in {conf} is neither on nor off",
            "set dns_dnscale_propagation_check = on (or remove the line)",
        ),
        (
            {"dns_dnscale_require_propagation": "yes"},
            "dns_dnscale_require_propagation = 'yes' in {conf} is not True or False",
            "set dns_dnscale_require_propagation = True or False",
        ),
        (
            {"dns_dnscale_credentials": "None"},
            "in {conf}: no dns_dnscale_credentials",
            "add dns_dnscale_credentials = /etc/letsencrypt/dnscale.ini under [renewalparams]",
        ),
        (
            {"dns_dnscale_resolver": "127.0.0.1, 127.0.0.2"},
            "dns_dnscale_resolver in {conf} holds a comma outside quotes: certbot reads a list",
            'put the value in double quotes: dns_dnscale_resolver = "127.0.0.1,127.0.0.2"',
        ),
    ],
    ids=["seconds-not-a-number", "seconds-over-a-day", "check", "require", "credentials", "list"],
)
def test_an_option_certbot_renew_would_refuse_is_named_with_its_fix(
    sandbox: Sandbox, tmp_path: Path, options: dict[str, str], message: str, fix: str
) -> None:
    conf = conf_with(sandbox, tmp_path, **options)
    assert refusal(conf) == (message.format(conf=conf), fix)


def test_a_resolver_that_is_not_an_address_names_the_option_and_its_form(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    conf = conf_with(sandbox, tmp_path, dns_dnscale_resolver="dns.example.com")
    message, fix = refusal(conf)
    assert message.startswith(f"dns_dnscale_resolver in {conf}: ")
    assert fix == "set dns_dnscale_resolver = IP or IP:PORT (IPv6: [ADDRESS]:PORT), or remove it"


def test_a_nameserver_that_is_not_host_port_names_the_option_and_its_form(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    conf = conf_with(sandbox, tmp_path, dns_dnscale_nameservers="127.0.0.1:x")
    message, fix = refusal(conf)
    assert message.startswith(f"dns_dnscale_nameservers in {conf}: ")
    assert fix == "set dns_dnscale_nameservers = HOST[:PORT], ... or remove it"


def test_a_nameserver_that_does_not_resolve_says_to_name_one_that_does(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    conf = conf_with(sandbox, tmp_path, dns_dnscale_nameservers="ns.nowhere.example.com")
    message, fix = refusal(conf)
    assert message.startswith(f"dns_dnscale_nameservers in {conf}: cannot find an address: ")
    assert fix == "name nameservers that resolve, or give their IP addresses"


def test_a_propagation_bound_of_exactly_a_day_is_accepted(sandbox: Sandbox, tmp_path: Path) -> None:
    conf = conf_with(sandbox, tmp_path, dns_dnscale_propagation_seconds="86400")
    assert check_settings(read_lineage(conf)).saved["propagation_seconds"] == "86400"


@pytest.mark.parametrize("unset", ["", "None"])
def test_an_empty_or_none_resolver_means_the_systems(
    sandbox: Sandbox, tmp_path: Path, unset: str
) -> None:
    conf = conf_with(sandbox, tmp_path, dns_dnscale_resolver=unset, dns_dnscale_nameservers="None")
    settings = check_settings(read_lineage(conf))
    assert settings.nameservers is None
    assert settings.dns.resolver_description == "the system resolver"

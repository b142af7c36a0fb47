"""The dns_dnscale_* options saved in a renewal conf, read and checked as certbot renew would
hand them to the plugin (strings; ``None``, ``True`` and ``False`` as words)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from certbot_dns_dnscale._internal.commands.renewals.conf import OPTION_PREFIX, Lineage
from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError, Server, server_list
from certbot_dns_dnscale._internal.options import (
    MAX_PROPAGATION_SECONDS,
    PROPAGATION_CHECK_CHOICES,
)

LISTS_CERTBOT_JOINS = ("nameservers",)  # the plugin registers these with a joining type
_BOOLEAN_WORDS = ("True", "False", "None")


class SettingsError(Exception):
    """A saved option certbot renew would refuse, or one the checks cannot use."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class Settings:
    credentials_path: str
    dns: DnsClient
    nameservers: list[Server] | None
    saved: dict[str, str]

    def describe(self) -> str:
        return ", ".join(
            f"{OPTION_PREFIX}{key} = {value}" for key, value in sorted(self.saved.items())
        )


def check_settings(lineage: Lineage) -> Settings:
    """The lineage's settings, or SettingsError naming the option and the fix."""
    options = lineage.options
    where = f"in {lineage.conf_path}"
    # a secret's own finding says to move it out of the conf, list or not
    lists = set(lineage.listed_options) - set(LISTS_CERTBOT_JOINS) - set(lineage.secret_options)
    for option in sorted(lists):
        raise SettingsError(
            f"{OPTION_PREFIX}{option} {where} holds a comma outside quotes: certbot reads a list",
            f'put the value in double quotes: {OPTION_PREFIX}{option} = "{options[option]}"',
        )
    path = _given(options.get("credentials"))
    if path is None:
        raise SettingsError(
            f"{where}: no {OPTION_PREFIX}credentials",
            f"add {OPTION_PREFIX}credentials = /etc/letsencrypt/dnscale.ini under [renewalparams]",
        )
    _check_propagation(options, where)
    dns = _dns_client(_given(options.get("resolver")), where)
    return Settings(
        os.path.expanduser(path),
        dns,
        _nameservers(dns, _given(options.get("nameservers")), where),
        options,
    )


def _given(value: str | None) -> str | None:
    """certbot saves an unset option as the word None."""
    return None if value is None or value.strip() in ("", "None") else value.strip()


def _check_propagation(options: dict[str, str], where: str) -> None:
    seconds = options.get("propagation_seconds", "60").strip()
    if not (seconds.isascii() and seconds.isdigit()):
        raise SettingsError(
            f"{OPTION_PREFIX}propagation_seconds = {seconds!r} {where} is not a whole number",
            f"set {OPTION_PREFIX}propagation_seconds = 60 (or remove the line)",
        )
    if _too_large(seconds, MAX_PROPAGATION_SECONDS):
        raise SettingsError(
            f"{OPTION_PREFIX}propagation_seconds = {seconds} {where} is more than a day",
            f"set {OPTION_PREFIX}propagation_seconds = 60 (at most {MAX_PROPAGATION_SECONDS})",
        )
    check = options.get("propagation_check", "on").strip()
    if check not in PROPAGATION_CHECK_CHOICES:
        raise SettingsError(
            f"{OPTION_PREFIX}propagation_check = {check!r} {where} is neither on nor off",
            f"set {OPTION_PREFIX}propagation_check = on (or remove the line)",
        )
    required = options.get("require_propagation", "False").strip()
    if required not in _BOOLEAN_WORDS:
        raise SettingsError(
            f"{OPTION_PREFIX}require_propagation = {required!r} {where} is not True or False",
            f"set {OPTION_PREFIX}require_propagation = True or False",
        )


def _too_large(digits: str, limit: int) -> bool:
    """Compares without ``int()`` of a huge text (Python refuses over 4300 digits)."""
    significant = digits.lstrip("0")
    return len(significant) > len(str(limit)) or int(significant or "0") > limit


def _dns_client(resolver: str | None, where: str) -> DnsClient:
    try:
        return DnsClient(resolver)
    except ValueError as err:
        raise SettingsError(
            f"{OPTION_PREFIX}resolver {where}: {err}",
            f"set {OPTION_PREFIX}resolver = IP or IP:PORT (IPv6: [ADDRESS]:PORT), or remove it",
        ) from err


def _nameservers(dns: DnsClient, text: str | None, where: str) -> list[Server] | None:
    if text is None:
        return None
    try:
        return dns.servers(server_list(text))
    except ValueError as err:
        raise SettingsError(
            f"{OPTION_PREFIX}nameservers {where}: {err}",
            f"set {OPTION_PREFIX}nameservers = HOST[:PORT], ... or remove it",
        ) from err
    except DnsLookupError as err:
        raise SettingsError(
            f"{OPTION_PREFIX}nameservers {where}: cannot find an address: {err}",
            "name nameservers that resolve, or give their IP addresses",
        ) from err

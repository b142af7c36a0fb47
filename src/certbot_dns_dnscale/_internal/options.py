"""The plugin's propagation options, checked before anything is created. No certbot here.

Values come from the command line or, for ``certbot renew``, from a renewal conf, possibly
edited by hand: there a line ``a, b`` is read as the list ``["a", "b"]``.
"""

from __future__ import annotations

from certbot_dns_dnscale._internal.dns_client import DnsClient, server_list
from certbot_dns_dnscale._internal.waiting import WaitSettings

DEFAULT_PROPAGATION_SECONDS = 60
MAX_PROPAGATION_SECONDS = 86400
PROPAGATION_CHECK_CHOICES = ("on", "off")


class OptionError(ValueError):
    """An option value the plugin cannot use; the message names the option and the fix."""


def comma_separated(value: str | list[str]) -> str:
    """The option as text. certbot renew passes a saved value through the option's type, and a
    hand-edited renewal conf line ``a, b`` arrives as the list ``["a", "b"]``."""
    return ", ".join(value) if isinstance(value, list) else value


def wait_settings(
    *,
    propagation_seconds: object,
    propagation_check: object,
    nameservers: object,
    resolver: object,
    require_propagation: object,
) -> WaitSettings:
    """The options as the batch uses them, or OptionError naming the option and the fix."""
    return WaitSettings(
        bound_seconds=_propagation_seconds(propagation_seconds),
        check=_propagation_check(propagation_check) == "on",
        nameservers=tuple(_nameservers(nameservers)),
        resolver=_resolver(resolver),
        require=bool(require_propagation),
    )


def _propagation_seconds(seconds: object) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise OptionError(
            f"--dns-dnscale-propagation-seconds must be a whole number of seconds, 0 or "
            f"more (got {seconds!r})."
        )
    if seconds > MAX_PROPAGATION_SECONDS:
        raise OptionError(
            f"--dns-dnscale-propagation-seconds {seconds} is more than a day; use at most "
            f"{MAX_PROPAGATION_SECONDS} (DNScale's nameservers show changes in seconds)."
        )
    return seconds


def _propagation_check(value: object) -> object:
    if value not in PROPAGATION_CHECK_CHOICES:
        raise OptionError(f"--dns-dnscale-propagation-check must be on or off (got {value!r}).")
    return value


def _nameservers(value: object) -> list[str]:
    try:
        return server_list(value)
    except ValueError as err:
        raise OptionError(
            f"--dns-dnscale-nameservers: {err}; use HOST or HOST:PORT (IPv6: "
            "[ADDRESS]:PORT), separated by commas."
        ) from err


def _resolver(resolver: object) -> str | None:
    if resolver is None:
        return None
    if not isinstance(resolver, str) or not resolver.strip():
        raise OptionError(
            f"--dns-dnscale-resolver must be one IP or IP:PORT (got {resolver!r}); leave "
            "it out to use the system's resolver."
        )
    try:
        DnsClient(resolver)
    except ValueError as err:
        raise OptionError(
            f"--dns-dnscale-resolver: {err}; use IP or IP:PORT (IPv6: [ADDRESS]:PORT)."
        ) from err
    return resolver

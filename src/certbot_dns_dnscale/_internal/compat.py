"""Which certbot the plugin runs on: the oldest one it is tested with, checked at start.

pip enforces the minimum from the package metadata, but a certbot that pip does not manage (a
distribution's ``python3-certbot``, a hand-made install) is never asked. The authenticator calls
:func:`require_certbot` before any work, so such a certbot gets one clear sentence, not a
traceback from deep inside an API it lacks.
"""

from __future__ import annotations

import re

import certbot
from certbot import errors

#: The oldest certbot CI runs the unit and end-to-end tests on: Debian 12's ``python3-certbot``.
#: Keep it equal to the ``certbot>=`` minimum in ``pyproject.toml`` (a unit test checks).
MINIMUM_CERTBOT_VERSION = "2.1.0"

_RELEASE = re.compile(r"\s*v?(\d+(?:\.\d+)*)")


def release_numbers(version: str) -> tuple[int, ...]:
    """The numeric release part of a version: ``"2.10.0rc1"`` -> ``(2, 10, 0)``.

    Trailing zeros are dropped so that ``2.1`` and ``2.1.0`` compare equal. Pre-release and
    local suffixes are ignored: a ``5.0.0.dev0`` build counts as 5.0.0.
    """
    match = _RELEASE.match(version)
    if match is None:
        raise ValueError(f"not a version number: {version!r}")
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def require_certbot(minimum: str = MINIMUM_CERTBOT_VERSION) -> None:
    """Raise :class:`certbot.errors.PluginError` if the running certbot is older than ``minimum``.

    The message names the installed and the needed version and how to get it. An installed
    version that cannot be read is let through: refusing to run on a certbot we cannot date
    would break more than it protects.
    """
    installed = str(getattr(certbot, "__version__", ""))
    try:
        too_old = release_numbers(installed) < release_numbers(minimum)
    except ValueError:
        return
    if too_old:
        raise errors.PluginError(
            f"The dns-dnscale plugin needs certbot {minimum} or newer, but this certbot is "
            f"{installed}. Upgrade certbot: pip install --upgrade certbot in certbot's "
            f"environment, or a newer certbot package from your distribution."
        )

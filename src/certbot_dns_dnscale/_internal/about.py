"""The plugin's version, the User-Agent it sends and the version line for bug reports."""

from __future__ import annotations

import platform
from importlib import metadata

import certbot


def plugin_version() -> str:
    try:
        return metadata.version("certbot-dns-dnscale")
    except metadata.PackageNotFoundError:  # pragma: no cover - only when run from a bare tree
        return "0+unknown"


def user_agent(tool: str = "") -> str:
    """``certbot-dns-dnscale/2.0.0 certbot/5.8.0``, plus the tool (``check``, ``sweep``)."""
    suffix = f" ({tool})" if tool else ""
    return f"certbot-dns-dnscale/{plugin_version()} certbot/{certbot.__version__}{suffix}"


def version_line() -> str:
    """``certbot-dns-dnscale 2.0.0 (certbot 4.0.0, Python 3.13.5)``: what a bug report needs."""
    return (
        f"certbot-dns-dnscale {plugin_version()} "
        f"(certbot {certbot.__version__}, Python {platform.python_version()})"
    )

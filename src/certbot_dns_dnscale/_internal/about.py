"""The plugin's version and the User-Agent it sends."""

from __future__ import annotations

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

"""Turning client errors into sentences a sysadmin can act on at 3 a.m."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

from certbot_dns_dnscale._internal.errors import (
    DeadlineError,
    DNScaleError,
    MalformedResponseError,
    RateLimitedError,
    TransportError,
)

SCOPES = "zones:read, records:read and records:write"
SWEEP_DEFAULT_AGE = "6 hours"  # certbot-dns-dnscale sweep's --older-than default (cli.py)


@dataclass(frozen=True)
class Context:
    """What we were doing when the error came: it goes into the sentence."""

    action: str
    credentials_path: str
    api_url: str
    zone: str | None = None
    name: str | None = None


def explain(err: DNScaleError, context: Context) -> str:
    """One message: what failed, the likely cause, the fix; then the API's own details."""
    return f"{diagnose(err, context)} [{err}]"


def diagnose(err: DNScaleError, ctx: Context) -> str:
    """What failed, the likely cause and the fix, in one or two sentences."""
    where = f" in zone {ctx.zone}" if ctx.zone else ""
    failed = f"Could not {ctx.action}{where}"
    if isinstance(err, DeadlineError):
        return (
            f"{failed}: the DNScale API at {ctx.api_url} did not finish answering in time. Try "
            "again later; if it lasts, look for a proxy or firewall between this machine and "
            f"the API that holds answers back (dns_dnscale_api_url in {ctx.credentials_path})."
        )
    if isinstance(err, TransportError):
        return (
            f"{failed}: the DNScale API at {ctx.api_url} could not be reached. Check this "
            f"machine's network, firewall and proxy settings, and dns_dnscale_api_url in "
            f"{ctx.credentials_path}."
        )
    if isinstance(err, MalformedResponseError):
        return (
            f"{failed}: {ctx.api_url} did not answer like the DNScale API. Check "
            f"dns_dnscale_api_url in {ctx.credentials_path}; a proxy may be in the way."
        )
    if isinstance(err, RateLimitedError):
        wait = (
            f" (it asks to wait {err.retry_after_seconds:.0f} s)"
            if err.retry_after_seconds is not None
            else ""
        )
        return (
            f"{failed}: DNScale kept rate limiting this token{wait}. Try again later, and avoid "
            "running many certbot processes with one token at once."
        )
    return _diagnosis_by_status(err, ctx, failed)


def _diagnosis_by_status(err: DNScaleError, ctx: Context, failed: str) -> str:
    status = err.status or 0
    if status == 401:
        return (
            f"{failed}: DNScale rejected the API token in {ctx.credentials_path}: it is "
            "mistyped, expired or revoked. Create a new token in the DNScale dashboard and put "
            "it in dns_dnscale_api_token."
        )
    if status == 403:
        zone = ctx.zone or "the zone"
        names = f" and, if the token is limited to names, the name {ctx.name}" if ctx.name else ""
        return (
            f"{failed}: the API token in {ctx.credentials_path} is not allowed to. Give it the "
            f"scopes {SCOPES}, access to {zone}{names}."
        )
    if status == 404:
        return f"{failed}: DNScale does not know it (was the zone deleted or moved?)."
    if status == 422:
        return (
            f"{failed}: DNScale refused the values. If the message is about the TTL, set "
            f"dns_dnscale_ttl in {ctx.credentials_path} to a value it accepts (300 is safe)."
        )
    if status >= 500:
        return (
            f"{failed}: the DNScale API kept failing on its side. Try again later; if it "
            "lasts, give DNScale support the request id below."
        )
    return f"{failed}: the DNScale API refused the request."


def sweep_advice(credentials_path: str) -> str:
    """The command that removes what a run may have left behind, with this credentials file."""
    path = os.path.abspath(os.path.expanduser(credentials_path))
    return (
        f"`certbot-dns-dnscale sweep --credentials {shlex.quote(path)}` removes it (and any "
        f"other leftover of this plugin) once it is {SWEEP_DEFAULT_AGE} old; add --older-than "
        "30m to remove it sooner when no other certbot run is using this token"
    )

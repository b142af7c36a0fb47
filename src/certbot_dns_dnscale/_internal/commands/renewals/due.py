"""When certbot renews a certificate, by the rule of the certbot installed beside the plugin.

- ``renew_before_expiry`` in the renewal conf, when set, wins in every version: renew once the
  certificate expires within that interval ("30 days", "2 weeks"; a bare number is days),
  parsed with parsedatetime as certbot does.
- Otherwise certbot 4.0 and later renew once a third of the lifetime is left (half, for
  certificates valid under 10 days); certbot before 4.0 renews 30 days before expiry.

certbot 4.1+ may also renew earlier when the CA's ACME Renewal Info (ARI) says so, or when the
certificate is revoked; neither can be known without asking the CA, so they are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import certbot
import parsedatetime  # type: ignore[import-untyped]  # certbot's own dependency

from certbot_dns_dnscale._internal.commands.renewals.conf import Certificate

LIFETIME_RULE_SINCE_MAJOR = 4
SHORT_LIFETIME = timedelta(days=10)
OLD_DEFAULT_INTERVAL = "30 days"


@dataclass(frozen=True)
class RenewalTime:
    renews_from: datetime
    rule: str


def certbot_major(version: str = certbot.__version__) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def renewal_time(
    cert: Certificate, renew_before_expiry: str | None, major: int | None = None
) -> RenewalTime:
    """From when certbot renew would renew ``cert``; ValueError for an unreadable interval."""
    major = certbot_major() if major is None else major
    if renew_before_expiry is not None:
        return _by_saved_interval(cert, renew_before_expiry)
    if major >= LIFETIME_RULE_SINCE_MAJOR:
        lifetime = cert.not_after - cert.not_before
        if lifetime < SHORT_LIFETIME:
            return RenewalTime(
                cert.not_before + lifetime / 2, "certbot 4.0+: when half the lifetime is left"
            )
        return RenewalTime(
            cert.not_before + lifetime * 2 / 3, "certbot 4.0+: when a third of the lifetime is left"
        )
    interval = _interval(OLD_DEFAULT_INTERVAL, cert.not_after)
    return RenewalTime(cert.not_after - interval, "certbot before 4.0: 30 days before expiry")


def _by_saved_interval(cert: Certificate, text: str) -> RenewalTime:
    """``renew_before_expiry``; an interval reaching past the calendar (``5000 years``) is a
    ValueError: certbot (which adds it to now) would renew at every run."""
    try:
        renews_from = cert.not_after - _interval(text, cert.not_after)
    except OverflowError:
        raise ValueError(
            f"renew_before_expiry = {text!r} is too long to count back from the expiry date: "
            "certbot would renew the certificate at every run; use e.g. '30 days'"
        ) from None
    return RenewalTime(renews_from, f"renew_before_expiry = {text}")


def _interval(text: str, base: datetime) -> timedelta:
    """certbot's reading of an interval: parsedatetime, a bare number meaning days."""
    spec = f"{text} days" if text.strip().isdigit() else text
    calendar = parsedatetime.Calendar(version=parsedatetime.VERSION_CONTEXT_STYLE)
    parsed, context = calendar.parseDT(spec, base, tzinfo=base.tzinfo)
    if not context.hasDateOrTime:
        raise ValueError(
            f"renew_before_expiry = {text!r} is not an interval certbot understands; "
            "use e.g. '30 days' or '2 weeks'"
        )
    return parsed - base  # type: ignore[no-any-return]

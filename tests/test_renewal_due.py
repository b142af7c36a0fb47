"""When certbot would renew: renew_before_expiry, else the default of the installed certbot."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from certbot_dns_dnscale._internal.commands.renewals.conf import Certificate
from certbot_dns_dnscale._internal.commands.renewals.due import certbot_major, renewal_time

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def cert(lifetime_days: float) -> Certificate:
    return Certificate(["example.com"], START, START + timedelta(days=lifetime_days))


def test_certbot_4_and_later_renew_with_a_third_of_the_lifetime_left() -> None:
    assert renewal_time(cert(90), None, major=5).renews_from == START + timedelta(days=60)
    assert renewal_time(cert(45), None, major=4).renews_from == START + timedelta(days=30)


def test_certificates_under_10_days_renew_at_half_their_lifetime() -> None:
    assert renewal_time(cert(6), None, major=5).renews_from == START + timedelta(days=3)


def test_certbot_before_4_renews_30_days_before_expiry_whatever_the_lifetime() -> None:
    assert renewal_time(cert(45), None, major=2).renews_from == START + timedelta(days=15)


@pytest.mark.parametrize(
    ("interval", "days_before"), [("20 days", 20), ("2 weeks", 14), ("10", 10)]
)
def test_renew_before_expiry_wins_in_every_version(interval: str, days_before: int) -> None:
    for major in (2, 5):
        when = renewal_time(cert(90), interval, major=major).renews_from
        assert when == START + timedelta(days=90 - days_before)


def test_an_interval_certbot_cannot_read_is_an_error_naming_the_key() -> None:
    with pytest.raises(ValueError, match="renew_before_expiry = 'whenever' is not an interval"):
        renewal_time(cert(90), "whenever", major=5)


def test_the_installed_certbot_version_is_read_by_its_major_number() -> None:
    assert certbot_major("5.8.0") == 5
    assert certbot_major("2.1.0") == 2
    assert certbot_major("dev") == 0

"""Edges of the pure rules (CAA, names, marks, renewal times, the progress line) that the
mutation survey found untested: exact boundaries and every field of what they return."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from certbot_dns_dnscale._internal.caa import Caa, CaaVerdict, verdict
from certbot_dns_dnscale._internal.commands.renewals.conf import Certificate
from certbot_dns_dnscale._internal.commands.renewals.due import RenewalTime, renewal_time
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale._internal.name_rules import name_problem
from certbot_dns_dnscale._internal.progress import ProgressLine
from certbot_dns_dnscale._internal.zones import InvalidNameError, normalize_name, validate_name

LE = "letsencrypt.org"
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


# -- CAA: every field of the verdict -----------------------------------------------------------


def test_no_caa_anywhere_is_an_open_verdict_found_nowhere() -> None:
    assert verdict("www.example.com", LE, lambda _: [], wildcard=False) == CaaVerdict(
        True, None, "no CAA records: any CA may issue"
    )


def test_an_unknown_critical_property_is_a_closed_verdict_with_the_fix() -> None:
    records = {"example.com": [Caa(128, "tbs", "x")]}
    assert verdict("www.example.com", LE, lambda n: records.get(n, []), wildcard=False) == (
        CaaVerdict(
            False,
            "example.com",
            "CAA at example.com has a critical property it does not know (tbs)",
            "remove or un-flag that CAA record at example.com",
        )
    )


def test_caa_without_issue_is_open_and_says_where_it_was_found() -> None:
    records = {"example.com": [Caa(0, "iodef", "mailto:x@example.com")]}
    assert verdict("example.com", LE, lambda n: records.get(n, []), wildcard=False) == (
        CaaVerdict(True, "example.com", "CAA at example.com sets no issue: any CA may issue")
    )


def test_caa_naming_the_ca_is_open_and_says_where_and_by_which_tag() -> None:
    records = {"example.com": [Caa(0, "issuewild", LE)]}
    assert verdict("example.com", LE, lambda n: records.get(n, []), wildcard=True) == (
        CaaVerdict(True, "example.com", f"CAA at example.com lets {LE} issue (issuewild)")
    )


def test_caa_naming_other_cas_lists_them_comma_separated_and_says_what_to_add() -> None:
    records = {"example.com": [Caa(0, "issue", "pki.goog"), Caa(0, "issue", "digicert.com")]}
    assert verdict("example.com", LE, lambda n: records.get(n, []), wildcard=False) == (
        CaaVerdict(
            False,
            "example.com",
            "CAA at example.com allows only digicert.com, pki.goog (issue)",
            f'add the record example.com. CAA 0 issue "{LE}"',
        )
    )


# -- names -------------------------------------------------------------------------------------


def test_a_label_of_exactly_63_characters_is_allowed() -> None:
    assert name_problem("a" * 63 + ".example.com") is None


def test_a_label_with_a_forbidden_character_is_named_with_the_rule() -> None:
    assert name_problem("a_b.example.com") == (
        "'a_b.example.com' has the label 'a_b': only letters, digits and inner hyphens are allowed"
    )


# -- marks -------------------------------------------------------------------------------------


@pytest.fixture
def local_time_zone_india(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine whose local time is not UTC (UTC+05:30)."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_zone_india")
def test_a_mark_is_stamped_in_utc_on_a_machine_whose_local_time_is_not_utc() -> None:
    when = datetime(2026, 11, 25, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert make_mark(when) == "certbot-dns-dnscale ACME challenge, created 2026-11-25T01:04:05Z"


def test_a_mark_names_the_challenge_without_its_trailing_dot_in_lower_case() -> None:
    when = datetime(2026, 11, 25, 3, 4, 5, tzinfo=timezone.utc)
    assert make_mark(when, answering="_ACME-challenge.Example.BOX.") == (
        "certbot-dns-dnscale ACME challenge for _acme-challenge.example.box, "
        "created 2026-11-25T03:04:05Z"
    )


# -- renewal times: the rule's wording and its boundary ----------------------------------------


def cert(lifetime: timedelta) -> Certificate:
    return Certificate(["example.com"], START, START + lifetime)


def test_a_lifetime_of_exactly_10_days_renews_with_a_third_left() -> None:
    assert renewal_time(cert(timedelta(days=10)), None, major=5) == RenewalTime(
        START + timedelta(days=10) * 2 / 3, "certbot 4.0+: when a third of the lifetime is left"
    )


def test_a_short_lifetime_renews_at_half_and_says_so() -> None:
    assert renewal_time(cert(timedelta(days=6)), None, major=5) == RenewalTime(
        START + timedelta(days=3), "certbot 4.0+: when half the lifetime is left"
    )


def test_old_certbots_rule_is_named() -> None:
    assert renewal_time(cert(timedelta(days=90)), None, major=2) == RenewalTime(
        START + timedelta(days=60), "certbot before 4.0: 30 days before expiry"
    )


def test_a_renew_before_expiry_rule_is_named_after_the_setting() -> None:
    assert renewal_time(cert(timedelta(days=90)), "2 weeks", major=5) == RenewalTime(
        START + timedelta(days=76), "renew_before_expiry = 2 weeks"
    )


def test_an_unreadable_interval_says_what_certbot_understands() -> None:
    expected = (
        "renew_before_expiry = 'whenever' is not an interval certbot understands; use e.g. "
        "'30 days' or '2 weeks'"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        renewal_time(cert(timedelta(days=90)), "whenever", major=5)


# -- the progress line -------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_finish_on_a_terminal_with_nothing_shown_writes_nothing_there(
    display: io.StringIO,
) -> None:
    terminal = Terminal()
    ProgressLine(terminal).finish("Done.")
    assert terminal.getvalue() == ""
    assert display.getvalue() == "Done.\n"


# -- zone names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "normal"),
    [("example.com..", "example.com"), ("MAIL.EXAMPLE.BOX.", "mail.example.box")],
)
def test_every_trailing_dot_goes_and_nothing_else(name: str, normal: str) -> None:
    assert normalize_name(name) == normal


def test_a_label_dns_cannot_hold_is_named_with_what_is_allowed() -> None:
    expected = (
        "a+b.example.com has the label 'a+b': only letters, digits, '-' and '_' can be used "
        "(internationalised names in their xn-- form)"
    )
    with pytest.raises(InvalidNameError, match=f"^{re.escape(expected)}$"):
        validate_name("a+b.example.com")

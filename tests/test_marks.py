"""The mark in the comment of every record the plugin makes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from certbot_dns_dnscale._internal.marks import (
    ImpossibleMarkError,
    Mark,
    make_mark,
    marked_at,
    read_mark,
)

WHEN = datetime(2026, 11, 25, 3, 4, 5, tzinfo=timezone.utc)


def test_a_mark_says_who_made_the_record_and_when() -> None:
    assert make_mark(WHEN) == "certbot-dns-dnscale ACME challenge, created 2026-11-25T03:04:05Z"


def test_the_time_is_read_back_from_the_mark() -> None:
    assert marked_at(make_mark(WHEN)) == WHEN


def test_a_mark_is_made_in_utc_whatever_the_time_zone() -> None:
    local = WHEN.astimezone(timezone(timedelta(hours=2)))
    assert marked_at(make_mark(local)) == WHEN


NOT_OURS = [
    None,
    "",
    "made by hand",
    "certbot-dns-dnscale ACME challenge",
    "certbot-dns-dnscale ACME challenge, created yesterday",
    "x certbot-dns-dnscale ACME challenge, created 2026-11-25T03:04:05Z",
]


def test_comments_without_the_mark_are_not_ours() -> None:
    assert [marked_at(comment) for comment in NOT_OURS] == [None] * len(NOT_OURS)


def test_a_mark_without_a_time_given_is_made_now() -> None:
    made = marked_at(make_mark())
    assert made is not None
    assert abs((datetime.now(timezone.utc) - made).total_seconds()) < 5


def test_a_mark_at_a_cname_target_names_the_challenge_name_it_answers_for() -> None:
    mark = make_mark(WHEN, answering="_acme-challenge.Example.com.")
    assert mark == (
        "certbot-dns-dnscale ACME challenge for _acme-challenge.example.com, "
        "created 2026-11-25T03:04:05Z"
    )
    assert read_mark(mark) == Mark(WHEN, "_acme-challenge.example.com")


def test_a_mark_without_a_challenge_name_reads_as_none_there() -> None:
    assert read_mark(make_mark(WHEN)) == Mark(WHEN, None)


def test_a_mark_with_an_impossible_time_is_an_error_not_a_crash() -> None:
    with pytest.raises(ImpossibleMarkError, match="2026-02-30T03:04:05Z is not a real time"):
        read_mark("certbot-dns-dnscale ACME challenge, created 2026-02-30T03:04:05Z")

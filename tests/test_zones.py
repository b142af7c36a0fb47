"""Zone matching and name handling."""

from __future__ import annotations

import re

import pytest

from certbot_dns_dnscale._internal.zones import (
    InvalidNameError,
    Zone,
    absolute,
    find_zone,
    normalize_name,
    suffixes,
    validate_name,
)

ZONES = [Zone("z1", "example.com"), Zone("z2", "sub.example.com"), Zone("z3", "example.org")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Example.COM.", "example.com"),
        (" example.com ", "example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("XN--BCHER-KVA.de", "xn--bcher-kva.de"),
        ("", ""),
        (".", ""),
    ],
)
def test_names_are_compared_lower_case_ascii_without_trailing_dot(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


def test_a_name_dnspython_cannot_parse_is_still_compared_lower_case() -> None:
    assert normalize_name("A..B") == "a..b"


def test_suffixes_run_from_the_name_to_the_top_level() -> None:
    assert suffixes("_acme-challenge.Sub.example.com.") == [
        "_acme-challenge.sub.example.com",
        "sub.example.com",
        "example.com",
        "com",
    ]


def test_longest_suffix_wins_for_nested_zones() -> None:
    assert find_zone("_acme-challenge.www.sub.example.com", ZONES) == ZONES[1]


def test_parent_zone_holds_names_outside_the_nested_zone() -> None:
    assert find_zone("_acme-challenge.other.example.com", ZONES) == ZONES[0]


def test_zone_apex_name_matches_its_zone() -> None:
    assert find_zone("example.org.", ZONES) == ZONES[2]


def test_a_zone_is_not_matched_by_a_partial_label() -> None:
    assert find_zone("_acme-challenge.notexample.com", ZONES) is None


def test_idn_record_name_matches_a_unicode_zone_name() -> None:
    zones = [Zone("z", normalize_name("bücher.de"))]
    assert find_zone("_acme-challenge.xn--bcher-kva.de", zones) == zones[0]


def test_absolute_names_end_in_a_dot() -> None:
    assert absolute("_acme-challenge.Example.com") == "_acme-challenge.example.com."


LABEL_63 = "a" * 63


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("_acme-challenge.Example.COM.", "_acme-challenge.example.com"),
        ("_acme-challenge.bücher.de", "_acme-challenge.xn--bcher-kva.de"),
        (f"{LABEL_63}.example.com", f"{LABEL_63}.example.com"),
        (".".join([LABEL_63] * 3 + ["a" * 61]), ".".join([LABEL_63] * 3 + ["a" * 61])),
    ],
    ids=["mixed-case", "idn", "label-of-63", "name-of-253"],
)
def test_names_dns_can_hold_are_accepted_normalised(name: str, normal: str) -> None:
    assert validate_name(name) == normal


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("", "the name is empty"),
        (" . ", "the name is empty"),
        (".".join([LABEL_63] * 3 + ["a" * 62]), "is 254 characters long; DNS allows at most 253"),
        (f"_acme-challenge.{'a' * 64}.com", "has a label of 64 characters; DNS allows at most 63"),
        ("_acme-challenge..example.com", "has an empty label (two dots in a row)"),
        ("_acme-challenge.*.example.com", "has the label '*': only letters, digits, '-' and '_'"),
        ("_acme-challenge.ex ample.com", "only letters, digits, '-' and '_'"),
    ],
    ids=["empty", "root", "name-of-254", "label-of-64", "empty-label", "star", "space"],
)
def test_names_dns_cannot_hold_are_refused_saying_why(name: str, why: str) -> None:
    with pytest.raises(InvalidNameError, match=re.escape(why)):
        validate_name(name)


def test_an_invalid_name_is_a_value_error_for_callers_that_catch_those() -> None:
    with pytest.raises(ValueError, match="empty label"):
        validate_name("a..b")

"""Zone matching and name handling."""

from __future__ import annotations

import pytest

from certbot_dns_dnscale._internal.zones import Zone, absolute, find_zone, normalize_name, suffixes

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

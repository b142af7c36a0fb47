"""Following CNAME delegation of _acme-challenge names."""

from __future__ import annotations

import pytest

from certbot_dns_dnscale._internal.delegation import (
    MAX_CNAME_HOPS,
    DelegationError,
    follow_cnames,
)


def lookup(cnames: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda name: cnames.get(name)


def test_a_name_that_is_no_cname_is_its_own_target() -> None:
    assert follow_cnames("_acme-challenge.Example.com.", lookup({})) == [
        "_acme-challenge.example.com"
    ]


def test_a_chain_is_followed_to_its_end() -> None:
    cnames = {
        "_acme-challenge.example.com": "hop.example.org.",
        "hop.example.org": "Example.com.acme.example.net.",
    }
    assert follow_cnames("_acme-challenge.example.com", lookup(cnames)) == [
        "_acme-challenge.example.com",
        "hop.example.org",
        "example.com.acme.example.net",
    ]


def test_a_loop_is_refused_and_shown() -> None:
    cnames = {"a.example.com": "b.example.com", "b.example.com": "a.example.com"}
    loop = r"CNAME loop: a.example.com -> b.example.com -> a.example.com"
    with pytest.raises(DelegationError, match=loop):
        follow_cnames("a.example.com", lookup(cnames))


def test_a_chain_longer_than_the_limit_is_refused() -> None:
    cnames = {f"n{i}.example.com": f"n{i + 1}.example.com" for i in range(MAX_CNAME_HOPS + 1)}
    with pytest.raises(DelegationError, match=f"more than {MAX_CNAME_HOPS} CNAMEs"):
        follow_cnames("n0.example.com", lookup(cnames))


def test_a_chain_of_exactly_the_limit_is_followed() -> None:
    cnames = {f"n{i}.example.com": f"n{i + 1}.example.com" for i in range(MAX_CNAME_HOPS)}
    chain = follow_cnames("n0.example.com", lookup(cnames))
    assert chain[-1] == f"n{MAX_CNAME_HOPS}.example.com"


class UnansweredError(Exception):
    pass


def flaky(cnames: dict[str, str], failing: set[str]):  # type: ignore[no-untyped-def]
    def lookup(name: str) -> str | None:
        if name in failing:
            raise UnansweredError(name)
        return cnames.get(name)

    return lookup


def test_a_failed_lookup_of_the_name_itself_is_raised() -> None:
    with pytest.raises(UnansweredError):
        follow_cnames("a.example.com", flaky({}, {"a.example.com"}), lookup_error=UnansweredError)


def test_a_failed_lookup_past_the_first_hop_ends_the_chain_there() -> None:
    lookup = flaky({"a.example.com": "b.elsewhere.test"}, {"b.elsewhere.test"})
    assert follow_cnames("a.example.com", lookup, lookup_error=UnansweredError) == [
        "a.example.com",
        "b.elsewhere.test",
    ]

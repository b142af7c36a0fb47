"""What certbot shows of the plugin: its options with their defaults and help, its description,
``more_info`` and the hint after a failed validation, word for word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from certbot_dns_dnscale._internal.dns_dnscale import Authenticator
from tests.conftest import authenticator


def declared_options() -> dict[str, dict[str, Any]]:
    """The options as the plugin declares them to certbot (name -> argparse keywords)."""
    options: dict[str, dict[str, Any]] = {}
    Authenticator.add_parser_arguments(lambda name, **kw: options.__setitem__(name, kw))
    return options


def without_type(keywords: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in keywords.items() if key != "type"}


def test_the_options_are_named_defaulted_and_explained_as_certbot_shows_them() -> None:
    assert {name: without_type(kw) for name, kw in declared_options().items()} == {
        "propagation-seconds": {
            "default": 60,
            "help": "At most this many seconds to wait for the TXT records to show on the "
            "zone's nameservers before asking the CA to look; the wait ends as soon as they "
            "all show. With --dns-dnscale-propagation-check off: the fixed wait.",
        },
        "credentials": {"help": "DNScale credentials INI file (dns_dnscale_api_token = ...)."},
        "propagation-check": {
            "default": "on",
            "choices": ("on", "off"),
            "help": "on: query the zone's authoritative nameservers until they serve the "
            "records (default); off: just wait --dns-dnscale-propagation-seconds.",
        },
        "nameservers": {
            "default": None,
            "help": "HOST[:PORT],... servers to check instead of the zone's NS records "
            "(split-horizon setups, a local sandbox).",
        },
        "resolver": {
            "default": None,
            "help": "IP[:PORT] of the resolver for NS, address and CNAME lookups "
            "(default: the system's).",
        },
        "require-propagation": {
            "action": "store_true",
            "default": False,
            "help": "Fail when the records are still missing on a nameserver at the end of "
            "the wait, instead of letting the CA try anyway.",
        },
    }


def test_propagation_seconds_are_read_as_a_whole_number() -> None:
    assert declared_options()["propagation-seconds"]["type"] is int


def test_a_caller_may_choose_another_default_propagation_bound() -> None:
    options: dict[str, dict[str, Any]] = {}
    Authenticator.add_parser_arguments(lambda n, **kw: options.__setitem__(n, kw), 120)
    assert options["propagation-seconds"]["default"] == 120


def test_the_description_says_what_the_plugin_is_for() -> None:
    assert Authenticator.description == (
        "Obtain certificates using a DNS TXT record (if you are using DNScale for DNS), "
        "wildcards included."
    )


def test_more_info_says_what_the_plugin_does() -> None:
    assert authenticator(Path("/nonexistent.ini")).more_info() == (
        "This plugin answers dns-01 challenges by creating TXT records through the DNScale "
        "API and removes them afterwards."
    )


def test_the_hint_after_a_failed_validation_names_delegation_and_the_current_bound() -> None:
    auth = authenticator(Path("/nonexistent.ini"), propagation_seconds=45)
    assert auth.auth_hint([]) == (
        "The Certificate Authority could not see the DNS TXT records created by "
        "--dns-dnscale. Check that the domains' NS records point at DNScale (or that their "
        "_acme-challenge names are CNAMEs into a DNScale zone); if the plugin said records "
        "were missing on a nameserver, raise --dns-dnscale-propagation-seconds (currently 45)."
    )


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("_perform", "perform() hands the whole batch over at once"),
        ("_cleanup", "cleanup() hands the whole batch over at once"),
    ],
)
def test_certbots_one_challenge_hooks_are_never_used(method: str, message: str) -> None:
    """The batch replaces them; a certbot that called them would be told so, not ignored."""
    auth = authenticator(Path("/nonexistent.ini"))
    with pytest.raises(NotImplementedError) as raised:
        getattr(auth, method)("example.com", "_acme-challenge.example.com", "value")
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("saved", "given"),
    [(["127.0.0.1:53", "127.0.0.2"], "127.0.0.1:53, 127.0.0.2"), ("127.0.0.1", "127.0.0.1")],
    ids=["renewal-conf-list", "command-line-text"],
)
def test_nameservers_reach_the_plugin_as_text_even_from_a_hand_edited_list(
    saved: object, given: str
) -> None:
    """certbot renew passes a saved value through the option's type; ``a, b`` arrives as a list."""
    assert declared_options()["nameservers"]["type"](saved) == given

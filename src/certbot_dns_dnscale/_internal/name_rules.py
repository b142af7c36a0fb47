"""Whether a name can get a certificate through DNS-01 at all: pure functions, no network.

certbot and Pebble accept some names DNS cannot carry (a 64-character label, a name whose
``_acme-challenge`` form is longer than 253 characters); ``check`` must call those bad input,
not ready.
"""

from __future__ import annotations

import re

from certbot_dns_dnscale._internal.zones import MAX_LABEL_CHARS, MAX_NAME_CHARS

CHALLENGE_PREFIX = "_acme-challenge."
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be certified through DNS-01, or None when it can."""
    text = name.strip().rstrip(".").lower()
    if not text:
        return "the name is empty"
    if not text.isascii():
        return f"{name!r} is not ASCII: give an internationalised name in its xn-- (punycode) form"
    base = text.removeprefix("*.")
    if "*" in base:
        return f"{name!r} has a '*' other than a whole first label ('*.example.com')"
    if len(text) > MAX_NAME_CHARS:
        return f"{name!r} is {len(text)} characters long; DNS allows at most {MAX_NAME_CHARS}"
    challenge = CHALLENGE_PREFIX + base
    if len(challenge) > MAX_NAME_CHARS:
        return (
            f"the challenge name {challenge} would be {len(challenge)} characters long; DNS "
            f"allows at most {MAX_NAME_CHARS}, so DNS-01 cannot work for {name!r}"
        )
    return _label_problem(name, base.split("."))


def _label_problem(name: str, labels: list[str]) -> str | None:
    if len(labels) < 2:
        return f"{name!r} is not a domain name under a public suffix (such as example.com)"
    for label in labels:
        if not label:
            return f"{name!r} has an empty label (two dots in a row)"
        if len(label) > MAX_LABEL_CHARS:
            return (
                f"{name!r} has a label of {len(label)} characters; DNS allows at most "
                f"{MAX_LABEL_CHARS}"
            )
        if not _LABEL.match(label):
            return (
                f"{name!r} has the label {label!r}: only letters, digits and inner hyphens "
                "are allowed"
            )
    return None

"""Zone matching and DNS name handling: pure functions, no network."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.name


@dataclass(frozen=True)
class Zone:
    """A DNScale zone; ``name`` is normalised (see :func:`normalize_name`)."""

    id: str
    name: str


def normalize_name(name: str) -> str:
    """The comparable form of a DNS name: ASCII (punycode), lower case, no trailing dot.

    The API may return internationalised zone names in Unicode or in punycode (it is not
    documented which); certbot always hands us punycode. Both end up in the same form here.
    """
    stripped = name.strip().rstrip(".")
    if not stripped:
        return ""
    try:
        ascii_name = dns.name.from_unicode(stripped).to_text(omit_final_dot=True)
    except (dns.exception.DNSException, UnicodeError):
        ascii_name = stripped
    return ascii_name.lower()


def suffixes(name: str) -> list[str]:
    """``a.b.example.com`` -> ``[a.b.example.com, b.example.com, example.com, com]``."""
    labels = normalize_name(name).split(".")
    return [".".join(labels[i:]) for i in range(len(labels)) if labels[i]]


def find_zone(record_name: str, zones: Iterable[Zone]) -> Zone | None:
    """The zone holding ``record_name``: the longest zone name that is a suffix of it.

    Nested zones exist (``example.com`` and ``sub.example.com``), so the most specific wins.
    """
    by_name = {zone.name: zone for zone in zones}
    for candidate in suffixes(record_name):
        if candidate in by_name:
            return by_name[candidate]
    return None


def absolute(name: str) -> str:
    """The fully qualified form the API cannot misread as relative: trailing dot included."""
    return normalize_name(name) + "."

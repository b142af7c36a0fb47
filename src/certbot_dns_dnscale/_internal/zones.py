"""Zone matching and DNS name handling: pure functions, no network."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import dns.exception
import dns.name

MAX_NAME_CHARS = 253  # 255 octets on the wire, less the first length octet and the root
MAX_LABEL_CHARS = 63
_LABEL = re.compile(r"[a-z0-9_-]+")


class InvalidNameError(ValueError):
    """A name DNS cannot hold: too long, a label too long or empty, or characters it refuses."""


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


def validate_name(name: str) -> str:
    """``name`` normalised (see :func:`normalize_name`), or InvalidNameError saying why DNS
    cannot hold it.

    certbot and ACME servers accept names whose ``_acme-challenge`` form DNS cannot carry (more
    than 253 characters, or a label over 63): call this on every name before anything is
    created. Letters, digits, ``-`` and ``_`` are allowed in a label (``_acme-challenge``).
    """
    normal = normalize_name(name)
    if not normal:
        raise InvalidNameError("the name is empty")
    if len(normal) > MAX_NAME_CHARS:
        raise InvalidNameError(
            f"{normal} is {len(normal)} characters long; DNS allows at most {MAX_NAME_CHARS}"
        )
    for label in normal.split("."):
        if not label:
            raise InvalidNameError(f"{normal} has an empty label (two dots in a row)")
        if len(label) > MAX_LABEL_CHARS:
            raise InvalidNameError(
                f"{normal} has a label of {len(label)} characters; DNS allows at most "
                f"{MAX_LABEL_CHARS}"
            )
        if not _LABEL.fullmatch(label):
            raise InvalidNameError(
                f"{normal} has the label {label!a}: only letters, digits, '-' and '_' can be "
                "used (internationalised names in their xn-- form)"
            )
    return normal

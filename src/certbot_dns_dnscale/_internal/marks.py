"""The mark on every record this plugin creates: who made it and when, in the record comment.

``sweep`` deletes only records that carry it, so the format is a contract: never change it
without still reading the old one. Two forms:

- ``certbot-dns-dnscale ACME challenge, created 2026-11-25T03:04:05Z`` (at ``_acme-challenge``
  names, and every record made before 2.0);
- ``certbot-dns-dnscale ACME challenge for _acme-challenge.example.com, created ...`` at the end
  of a CNAME chain, naming the challenge name the record answers for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

MARK_PREFIX = "certbot-dns-dnscale ACME challenge"
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_MARK = re.compile(
    re.escape(MARK_PREFIX) + r"(?: for (\S+))?, created (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$"
)


class ImpossibleMarkError(ValueError):
    """A comment carries the mark, but its time cannot exist (a hand edit, a broken copy)."""


@dataclass(frozen=True)
class Mark:
    created: datetime
    answering: str | None = None  # the _acme-challenge name, for a record at a CNAME target


def make_mark(now: datetime | None = None, *, answering: str | None = None) -> str:
    """The comment for a new record; ``answering`` when the record sits at a CNAME target."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(_STAMP_FORMAT)
    where = f" for {answering.rstrip('.').lower()}" if answering else ""
    return f"{MARK_PREFIX}{where}, created {stamp}"


def read_mark(comment: str | None) -> Mark | None:
    """The mark in ``comment``; None for a record without it.

    Raises ImpossibleMarkError when the mark is there but its time cannot be (2026-13-45).
    """
    found = _MARK.match((comment or "").strip())
    if found is None:
        return None
    try:
        created = datetime.strptime(found.group(2), _STAMP_FORMAT)
    except ValueError as err:
        raise ImpossibleMarkError(f"the mark's time {found.group(2)} is not a real time") from err
    return Mark(created.replace(tzinfo=timezone.utc), found.group(1))


def marked_at(comment: str | None) -> datetime | None:
    """When a record carrying the mark was made; None for a record without the mark."""
    mark = read_mark(comment)
    return mark.created if mark else None

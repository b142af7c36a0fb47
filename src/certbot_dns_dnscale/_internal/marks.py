"""The mark on every record this plugin creates: who made it and when, in the record comment.

``sweep`` deletes only records that carry it, so the format is a contract: never change it
without still reading the old one.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

MARK_PREFIX = "certbot-dns-dnscale ACME challenge"
_STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_MARK = re.compile(re.escape(MARK_PREFIX) + r", created (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


def make_mark(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(_STAMP_FORMAT)
    return f"{MARK_PREFIX}, created {stamp}"


def marked_at(comment: str | None) -> datetime | None:
    """When a record carrying the mark was made; None for a record without the mark."""
    found = _MARK.match((comment or "").strip())
    if found is None:
        return None
    return datetime.strptime(found.group(1), _STAMP_FORMAT).replace(tzinfo=timezone.utc)

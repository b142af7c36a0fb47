"""Finding and removing challenge records that an interrupted run left behind.

Only TXT records carrying this plugin's mark (see ``marks``) are ever touched, and of those only
the ones the plugin can have written: at a name whose first label is ``_acme-challenge``, or at a
CNAME target whose mark names the ``_acme-challenge`` name it answered for. A record without the
mark, whoever made it, is never listed nor deleted; a marked record anywhere else, or one whose
mark holds an impossible time, is reported and left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from certbot_dns_dnscale._internal.client import DNScaleClient, TxtRecord
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.marks import ImpossibleMarkError, Mark, read_mark
from certbot_dns_dnscale._internal.redact import redact
from certbot_dns_dnscale._internal.zones import Zone

CHALLENGE_LABEL = "_acme-challenge"
HTTP_FORBIDDEN = 403
MAX_AGE_DAYS = 36500
_AGE = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Leftover:
    """A marked record old enough to sweep; ``skipped`` says why it is left alone."""

    zone: str
    record: TxtRecord
    created: datetime | None
    error: str | None = None
    skipped: str | None = None


def parse_age(text: str) -> timedelta:
    """``90s``, ``30m``, ``6h``, ``2d``; at most 100 years."""
    found = _AGE.match(text.strip().lower())
    if found is None:
        raise ValueError(
            f"--older-than {text!r} is not an age: use a whole number and s, m, h or d (6h)"
        )
    seconds = int(found.group(1)) * _UNIT_SECONDS[found.group(2)]
    if seconds > MAX_AGE_DAYS * _UNIT_SECONDS["d"]:
        raise ValueError(f"--older-than {text!r} is too long: use at most {MAX_AGE_DAYS}d")
    return timedelta(seconds=seconds)


def find_leftovers(
    client: DNScaleClient, zones: list[Zone], older_than: timedelta, now: datetime
) -> list[Leftover]:
    leftovers = []
    for zone in zones:
        for record in client.zone_txt_records(zone.id):
            leftover = _leftover(zone, record, older_than, now)
            if leftover is not None:
                leftovers.append(leftover)
    return leftovers


def leftovers_by_zone(
    client: DNScaleClient, zones: list[Zone], older_than: timedelta, now: datetime
) -> tuple[list[Leftover], list[str]]:
    """The leftovers of every zone whose records this key may list, and the names of the zones
    it may not (403: a key limited to names may be refused the listing)."""
    leftovers: list[Leftover] = []
    unlisted = []
    for zone in zones:
        try:
            leftovers += find_leftovers(client, [zone], older_than, now)
        except DNScaleError as err:
            if err.status != HTTP_FORBIDDEN:
                raise
            unlisted.append(zone.name)
    return leftovers, unlisted


def _leftover(
    zone: Zone, record: TxtRecord, older_than: timedelta, now: datetime
) -> Leftover | None:
    try:
        mark = read_mark(record.comment)
    except ImpossibleMarkError as err:
        return Leftover(
            zone.name, record, None, skipped=f"{err}; if it is a leftover, delete it by hand"
        )
    if mark is None or now - mark.created < older_than:
        return None
    return Leftover(zone.name, record, mark.created, skipped=_not_ours_to_delete(record.name, mark))


def _not_ours_to_delete(name: str, mark: Mark) -> str | None:
    """Why the plugin cannot have written this marked record, or None when it can have."""
    if name.split(".", 1)[0] == CHALLENGE_LABEL:
        return None
    if mark.answering and mark.answering.split(".", 1)[0] == CHALLENGE_LABEL:
        return None
    return (
        f"not at an {CHALLENGE_LABEL} name, and its mark names no {CHALLENGE_LABEL} name it "
        "answered for (made before 2.0, or copied by hand); if it is a leftover, delete it by hand"
    )


def remove(client: DNScaleClient, leftovers: list[Leftover]) -> list[Leftover]:
    """Delete each one not skipped; the result says, record by record, what failed."""
    done = []
    for leftover in leftovers:
        if leftover.skipped is None:
            try:
                client.delete_txt(leftover.record)
            except DNScaleError as err:
                leftover = replace(leftover, error=redact(str(err)))
        done.append(leftover)
    return done

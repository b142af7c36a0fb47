"""Finding and removing challenge records that an interrupted run left behind.

Only TXT records carrying this plugin's mark (see ``marks``) are ever touched: a record without
it, whoever made it, is never listed nor deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from certbot_dns_dnscale._internal.client import DNScaleClient, TxtRecord
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.marks import marked_at
from certbot_dns_dnscale._internal.zones import Zone

_AGE = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Leftover:
    zone: str
    record: TxtRecord
    created: datetime
    error: str | None = None


def parse_age(text: str) -> timedelta:
    """``90s``, ``30m``, ``6h``, ``2d``."""
    found = _AGE.match(text.strip().lower())
    if found is None:
        raise ValueError(f"{text!r} is not an age such as 30m, 6h or 2d")
    return timedelta(seconds=int(found.group(1)) * _UNIT_SECONDS[found.group(2)])


def find_leftovers(
    client: DNScaleClient, zones: list[Zone], older_than: timedelta, now: datetime
) -> list[Leftover]:
    leftovers = []
    for zone in zones:
        for record in client.zone_txt_records(zone.id):
            created = marked_at(record.comment)
            if created is not None and now - created >= older_than:
                leftovers.append(Leftover(zone.name, record, created))
    return leftovers


def remove(client: DNScaleClient, leftovers: list[Leftover]) -> list[Leftover]:
    """Delete each; the result says, record by record, what failed."""
    done = []
    for leftover in leftovers:
        try:
            client.delete_txt(leftover.record)
        except DNScaleError as err:
            leftover = Leftover(leftover.zone, leftover.record, leftover.created, str(err))
        done.append(leftover)
    return done

"""Finding and removing challenge records that an interrupted run left behind.

Only TXT records carrying this plugin's mark (see ``marks``) are ever touched, and of those only
the ones the plugin can have written: at a name whose first label is ``_acme-challenge``, or at
the end of the CNAME chain of the ``_acme-challenge`` name the mark names, as DNS shows that
chain right now. A mark is only a comment, which anyone who can edit the zone can write or copy:
a marked record anywhere else (an SPF record at the apex, say), one whose challenge name no
longer points at it, one whose CNAME cannot be looked up, or one whose mark holds an impossible
time, is reported LEFT ALONE with the reason. A record without the mark is never listed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.delegation import DelegationError, describe, follow_cnames
from certbot_dns_dnscale._internal.dns_client import DnsLookupError
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.marks import ImpossibleMarkError, Mark, read_mark
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.redact import redact
from certbot_dns_dnscale._internal.zones import Zone, normalize_name

CHALLENGE_LABEL = "_acme-challenge"
BY_HAND = "if it is a leftover, delete it by hand"
HTTP_FORBIDDEN = 403
MAX_AGE_DAYS = 36500
_AGE = re.compile(r"^(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

CnameTarget = Callable[[str], "str | None"]


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


def leftovers_by_zone(
    client: DNScaleClient,
    zones: list[Zone],
    older_than: timedelta,
    now: datetime,
    cname_target: CnameTarget,
) -> tuple[list[Leftover], list[str]]:
    """The marked records older than ``older_than`` in every zone whose records this key may
    list, and the names of the zones it may not (403: a key limited to names may be refused the
    listing). ``cname_target`` answers one CNAME hop (None: no CNAME), to check where a mark's
    challenge name points now; each challenge name is looked up once per sweep."""
    chains = _Chains(cname_target)
    leftovers: list[Leftover] = []
    unlisted = []
    for zone in zones:
        try:
            records = client.zone_txt_records(zone.id)
        except DNScaleError as err:
            if err.status != HTTP_FORBIDDEN:
                raise
            unlisted.append(zone.name)
            continue
        for record in records:
            leftover = _leftover(zone, record, older_than, now, chains)
            if leftover is not None:
                leftovers.append(leftover)
    return leftovers, unlisted


def _leftover(
    zone: Zone, record: TxtRecord, older_than: timedelta, now: datetime, chains: _Chains
) -> Leftover | None:
    try:
        mark = read_mark(record.comment)
    except ImpossibleMarkError as err:
        return Leftover(zone.name, record, None, skipped=f"{err}; {BY_HAND}")
    if mark is None or now - mark.created < older_than:
        return None
    skipped = _not_ours_to_delete(record.name, mark, chains)
    return Leftover(zone.name, record, mark.created, skipped=skipped)


def _not_ours_to_delete(name: str, mark: Mark, chains: _Chains) -> str | None:
    """Why the plugin cannot have written this marked record, or None when it can have."""
    if name.split(".", 1)[0] == CHALLENGE_LABEL:
        return None
    answering = mark.answering
    if not answering or answering.split(".", 1)[0] != CHALLENGE_LABEL:
        return (
            f"not at an {CHALLENGE_LABEL} name, and its mark names no {CHALLENGE_LABEL} name "
            f"it answered for (made before 2.0, or copied by hand); {BY_HAND}"
        )
    chain = chains.of(answering)
    if isinstance(chain, str):
        return f"could not check that {answering} points at it by CNAME ({chain}); {BY_HAND}"
    if chain[-1] == normalize_name(name):
        return None
    now = f"now points at {chain[-1]} ({describe(chain)})" if len(chain) > 1 else "is no CNAME"
    return (
        f"not at an {CHALLENGE_LABEL} name, and {answering}, which its mark names, {now}; {BY_HAND}"
    )


class _Chains:
    """Each challenge name's CNAME chain, looked up once per sweep; a str says why not."""

    def __init__(self, cname_target: CnameTarget) -> None:
        self._cname_target = cname_target
        self._known: dict[str, list[str] | str] = {}

    def of(self, name: str) -> list[str] | str:
        if name not in self._known:
            try:
                self._known[name] = follow_cnames(
                    name, self._cname_target, lookup_error=DnsLookupError
                )
            except (DnsLookupError, DelegationError) as err:
                self._known[name] = str(err)
        return self._known[name]


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

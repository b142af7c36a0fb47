"""A TXT value already in the zone but disabled: stored, yet not served in DNS, so the CA would
fail to validate. It is enabled when this plugin made it (its comment carries the mark);
otherwise the run stops and says what to do, for it is not ours to change."""

from __future__ import annotations

import logging

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import ChallengeError, DNScaleError
from certbot_dns_dnscale._internal.hints import Context, explain
from certbot_dns_dnscale._internal.marks import ImpossibleMarkError, read_mark
from certbot_dns_dnscale._internal.records import CreatedRecord
from certbot_dns_dnscale._internal.zones import Zone

logger = logging.getLogger(__name__)


def enable_if_ours(
    client: DNScaleClient,
    created: CreatedRecord,
    zone: Zone,
    target: str,
    *,
    ttl_seconds: int,
    context: Context,
) -> CreatedRecord:
    """The value is there but disabled, so DNS does not serve it and the CA would fail to
    validate: enable it if this plugin made it (marked), otherwise stop and say so.
    ``context``: what a failure to enable it is explained with."""
    record = created.record
    if not _carries_mark(record.comment):
        raise ChallengeError(
            f"The TXT value for {target} is already in zone {zone.name} but disabled (record "
            f"id {record.id}), so DNS does not serve it and validation would fail. It was "
            "not made by this plugin (its comment has no certbot-dns-dnscale mark), so it is "
            "left as it is: enable or delete that TXT record in DNScale, then run certbot "
            "again."
        )
    try:
        enabled = client.enable_txt(record, ttl=ttl_seconds)
    except DNScaleError as err:
        raise ChallengeError(explain(err, context)) from err
    logger.warning(
        "The TXT value for %s was in zone %s but disabled; it carries this plugin's mark, "
        "so it was enabled (record id %s)",
        target, zone.name, record.id,
    )  # fmt: skip
    return CreatedRecord(enabled, created.preexisting)


def _carries_mark(comment: str | None) -> bool:
    """Made by this plugin? A mark with an impossible time is a hand edit: not ours to change."""
    try:
        return read_mark(comment) is not None
    except ImpossibleMarkError:
        return False

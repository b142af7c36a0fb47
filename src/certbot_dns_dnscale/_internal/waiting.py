"""The one wait of a run: until the nameservers serve what was created, then say how it went."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError
from certbot_dns_dnscale._internal.errors import ChallengeError
from certbot_dns_dnscale._internal.progress import ProgressLine
from certbot_dns_dnscale._internal.propagation import Expected, Outcome, PropagationWaiter
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.zones import Zone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaitSettings:
    """The plugin's propagation options, checked."""

    bound_seconds: int
    check: bool = True
    nameservers: tuple[str, ...] = ()
    resolver: str | None = None
    require: bool = False


def wait_for_records(
    records: list[TxtRecord],
    zones: list[Zone],
    dns: Callable[[], DnsClient],
    settings: WaitSettings,
    notify: Callable[[str], None],
) -> None:
    """Wait until every authoritative nameserver serves every record, at most the bound; with
    the check off (or nothing created) wait the bound itself."""
    bound = settings.bound_seconds
    if not settings.check or not records:
        notify(f"Waiting {bound} seconds for DNS changes to propagate")
        time.sleep(bound)
        return
    try:
        fixed = dns().servers(list(settings.nameservers)) or None
    except DnsLookupError as err:
        raise ChallengeError(f"--dns-dnscale-nameservers: {err}.") from err
    progress = ProgressLine()
    waiter = PropagationWaiter(
        dns(),
        bound_seconds=bound,
        nameservers=fixed,
        progress=progress.update,
        sleep_when_unchecked=not settings.require,
    )
    outcome = waiter.wait(_expected(records, zones))
    _report(outcome, progress, settings.require)


def _expected(records: list[TxtRecord], zones: list[Zone]) -> list[Expected]:
    zone_names = {zone.id: zone.name for zone in zones}
    values: dict[tuple[str, str], set[str]] = {}
    for record in records:
        values.setdefault((record.name, zone_names[record.zone_id]), set()).add(record.content)
    return [Expected(name, zone, frozenset(v)) for (name, zone), v in sorted(values.items())]


def _report(outcome: Outcome, progress: ProgressLine, require: bool) -> None:
    seconds = f"{outcome.waited_seconds:.1f} s"
    if not outcome.checked and require:
        raise ChallengeError(
            f"Could not check whether the TXT records are live ({outcome.reason}), and "
            "--dns-dnscale-require-propagation is set: not asking the CA to validate. Allow "
            "outbound DNS to the zone's nameservers, or set --dns-dnscale-resolver / "
            "--dns-dnscale-nameservers."
        )
    if not outcome.checked:
        progress.finish(f"Waited {seconds} for DNS changes to propagate.")
    elif outcome.complete:
        progress.finish(f"The TXT records are visible on every nameserver after {seconds}.")
        if outcome.silent:
            logger.info("Not waited for (no answer): %s", outcome.describe_missing())
    elif require:
        raise ChallengeError(
            f"After {seconds}: {outcome.describe_missing()}. Raise "
            "--dns-dnscale-propagation-seconds, or check that these nameservers serve the "
            "zone."
        )
    else:
        logger.warning(
            "After %s the records are still missing: %s. Asking the CA to validate anyway.",
            seconds, outcome.describe_missing(),
        )  # fmt: skip

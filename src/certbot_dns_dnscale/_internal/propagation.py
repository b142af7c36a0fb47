"""Waiting until the authoritative nameservers serve every TXT value: no longer, no blind sleep."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from certbot_dns_dnscale._internal.dns_client import DnsLookupError, Server, UnusableAnswerError
from certbot_dns_dnscale._internal.zones import InvalidNameError, validate_name

logger = logging.getLogger(__name__)

POLL_FIRST_SECONDS = 0.25
POLL_GROWTH = 1.5
POLL_MAX_SECONDS = 2.0
QUERY_WORKERS = 8
ROUNDS_BEFORE_IGNORING_SILENT_SERVERS = 2


class Dns(Protocol):
    def txt_at(self, server: Server, name: str) -> frozenset[str]: ...

    def nameservers(self, zone: str) -> list[Server]: ...


@dataclass(frozen=True)
class Expected:
    """All the values this run needs at one name, and the zone holding it."""

    name: str
    zone: str
    values: frozenset[str]


@dataclass
class Outcome:
    checked: bool  # False: the check could not run and the whole bound was slept instead
    complete: bool
    waited_seconds: float
    missing: dict[Server, list[str]] = field(default_factory=dict)
    silent: list[Server] = field(default_factory=list)
    reason: str = ""
    invalid: list[str] = field(default_factory=list)  # why names could not be asked for at all
    unusable: dict[Server, str] = field(default_factory=dict)  # what a silent server said

    def describe_missing(self) -> str:
        parts = [
            f"{server} lacks {', '.join(sorted(names))}" for server, names in self.missing.items()
        ]
        parts += [self.unusable.get(server, f"{server} did not answer") for server in self.silent]
        parts += [f"not looked up: {why}" for why in self.invalid]
        return "; ".join(parts)


Progress = Callable[[str], None]
Check = tuple[Server, Expected]


class PropagationWaiter:
    """Polls each nameserver of each zone for each name until all values show, or the bound."""

    def __init__(
        self,
        dns: Dns,
        *,
        bound_seconds: float,
        nameservers: list[Server] | None = None,
        progress: Progress = lambda message: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        sleep_when_unchecked: bool = True,
    ) -> None:
        """``sleep_when_unchecked``: with no nameserver to ask, sleep the bound (the plain
        fixed wait) or, when the caller will fail the run anyway, return at once."""
        self._sleep_when_unchecked = sleep_when_unchecked
        self._dns = dns
        self._bound = bound_seconds
        self._fixed_nameservers = nameservers
        self._progress = progress
        self._sleep = sleep
        self._clock = clock

    def wait(self, expected: list[Expected]) -> Outcome:
        """Until every nameserver of each name's zone serves all of its values, or the bound.

        A name DNS cannot hold (the planning should have refused it) is reported in the
        outcome's ``invalid``, never asked for, and makes the outcome incomplete.
        """
        valid, invalid = _split_by_validity(expected)
        if not valid:
            return Outcome(True, not invalid, 0.0, invalid=invalid)
        outcome = self._wait(valid)
        outcome.invalid = invalid
        outcome.complete = outcome.complete and not invalid
        return outcome

    def _wait(self, expected: list[Expected]) -> Outcome:
        started = self._clock()
        try:
            checks = self._checks(expected)
        except DnsLookupError as err:
            return self._sleep_the_bound(started, f"the nameservers could not be found ({err})")
        pending, answered = set(checks), set[Server]()
        unusable: dict[Server, str] = {}
        servers = {server for server, _ in checks}
        interval, rounds = POLL_FIRST_SECONDS, 0
        with ThreadPoolExecutor(max_workers=QUERY_WORKERS) as pool:
            while True:
                pending, answered_now = self._poll(pool, pending, unusable)
                answered |= answered_now
                rounds += 1
                if not answered:
                    return self._sleep_the_bound(started, _none_answered(servers, unusable))
                waited = self._clock() - started
                silent = sorted(servers - answered, key=str)
                # A server that never answers (an unreachable IPv6 address, a firewall) is not
                # waited for once the others have had a chance: the CA asks those too.
                patient = rounds < ROUNDS_BEFORE_IGNORING_SILENT_SERVERS
                lagging = [c for c in pending if c[0] in answered or patient]
                if not lagging:
                    return Outcome(True, True, waited, silent=silent, unusable=unusable)
                if waited >= self._bound:
                    missing = _by_server(lagging)
                    return Outcome(True, False, waited, missing, silent, unusable=unusable)
                self._report(expected, pending, len(servers), waited)
                self._sleep(min(interval, self._bound - waited))
                interval = min(interval * POLL_GROWTH, POLL_MAX_SECONDS)

    def _checks(self, expected: list[Expected]) -> list[Check]:
        by_zone: dict[str, list[Server]] = {}
        checks = []
        for item in expected:
            if item.zone not in by_zone:
                by_zone[item.zone] = self._fixed_nameservers or self._dns.nameservers(item.zone)
            checks += [(server, item) for server in by_zone[item.zone]]
        return checks

    def _poll(
        self, pool: ThreadPoolExecutor, pending: Iterable[Check], unusable: dict[Server, str]
    ) -> tuple[set[Check], set[Server]]:
        """Ask once for every pending check; what is still pending, and who answered.
        What a server said instead of answering (REFUSED...) goes into ``unusable``."""
        checks = list(pending)
        results = pool.map(self._visible, checks)
        still, answered = set(), set()
        for check, visible in zip(checks, results, strict=True):
            if isinstance(visible, str):
                unusable[check[0]] = visible
            elif visible is not None:
                answered.add(check[0])
            if visible is not True:
                still.add(check)
        return still, answered

    def _visible(self, check: Check) -> bool | str | None:
        """True/False: does the server show all values; None: it did not answer; a str: what
        it answered instead (a refusal, an answer for another name)."""
        server, item = check
        try:
            return item.values <= self._dns.txt_at(server, item.name)
        except UnusableAnswerError as err:
            return str(err)
        except DnsLookupError:
            return None

    def _report(
        self, expected: list[Expected], pending: set[Check], servers: int, waited: float
    ) -> None:
        lagging = {item.name for _, item in pending}
        self._progress(
            f"Waiting for DNS: {len(expected) - len(lagging)} of {len(expected)} challenge names "
            f"visible on {servers} nameserver(s) after {waited:.1f} s (at most {self._bound:g} s)"
        )

    def _sleep_the_bound(self, started: float, reason: str) -> Outcome:
        if not self._sleep_when_unchecked:
            return Outcome(False, False, self._clock() - started, reason=reason)
        remaining = max(0.0, self._bound - (self._clock() - started))
        logger.warning(
            "Cannot check whether the DNS records are live: %s. Waiting the full %g s instead.",
            reason, self._bound,
        )  # fmt: skip
        self._sleep(remaining)
        return Outcome(False, False, self._clock() - started, reason=reason)


def _none_answered(servers: set[Server], unusable: dict[Server, str]) -> str:
    """ "no nameserver answered", or what each said instead when some did say something."""
    if not unusable:
        return "no nameserver answered"
    ordered = sorted(servers, key=str)
    return "; ".join(unusable.get(server, f"{server} did not answer") for server in ordered)


def _split_by_validity(expected: list[Expected]) -> tuple[list[Expected], list[str]]:
    valid, invalid = [], []
    for item in expected:
        try:
            validate_name(item.name)
        except InvalidNameError as err:
            invalid.append(str(err))
        else:
            valid.append(item)
    return valid, invalid


def _by_server(pending: Iterable[Check]) -> dict[Server, list[str]]:
    missing: dict[Server, list[str]] = {}
    for server, item in sorted(pending, key=lambda c: (str(c[0]), c[1].name)):
        missing.setdefault(server, []).append(item.name)
    return missing

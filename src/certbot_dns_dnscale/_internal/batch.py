"""One certbot run's batch of DNS-01 challenges, knowing nothing of certbot.

Plan every name (CNAME chain, zone) before anything is created, create every record on a small
pool, wait once for the records to show, and delete exactly what was created.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from certbot_dns_dnscale._internal.call_pool import CallPool
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.delegation import DelegationError, describe, follow_cnames
from certbot_dns_dnscale._internal.disabled_values import enable_if_ours
from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError
from certbot_dns_dnscale._internal.errors import ChallengeError, DNScaleError
from certbot_dns_dnscale._internal.hints import Context, explain, sweep_advice
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale._internal.name_rules import CHALLENGE_PREFIX, name_problem
from certbot_dns_dnscale._internal.records import CreatedRecord
from certbot_dns_dnscale._internal.waiting import WaitSettings, wait_for_records
from certbot_dns_dnscale._internal.zone_cache import ZoneView
from certbot_dns_dnscale._internal.zones import Zone, find_zone, normalize_name, suffixes

logger = logging.getLogger(__name__)

Challenge = tuple[str, str]
"""(validation name, TXT value): ``_acme-challenge.example.com`` and the key authorization."""


@dataclass(frozen=True)
class Plan:
    """Where one challenge's TXT value goes: the end of its CNAME chain, in that zone."""

    validation_name: str
    validation: str
    chain: list[str]
    zone: Zone


class ChallengeBatch:
    """The records of one run: planned, created and waited for together, then deleted."""

    def __init__(
        self,
        client: DNScaleClient,
        zones: ZoneView,
        *,
        ttl_seconds: int,
        credentials_path: str,
        wait: WaitSettings,
        notify: Callable[[str], None],
    ) -> None:
        self._client = client
        self._zone_view = zones
        self._ttl_seconds = ttl_seconds
        self._credentials_path = credentials_path
        self._wait = wait
        self._notify = notify
        self._created: dict[Challenge, CreatedRecord] = {}
        self._unsettled: dict[Challenge, Plan] = {}  # creates on their way, or that may be stored
        self._dns_client: DnsClient | None = None
        self._cname_lookups_work = True
        self._lock = threading.Lock()  # the pool's threads share what was created
        self._calls = CallPool()

    def perform(self, challenges: list[Challenge]) -> None:
        """Find where every record goes, create them all concurrently, then wait once.

        Every name is matched to its zone before anything is created, so a name without a zone
        fails the run with nothing to clean up.
        """
        for validation_name, _ in challenges:
            _check_name(validation_name)
        self._zones()
        plans = self._calls.map(lambda c: self._plan(*c), challenges)
        self._calls.map(self._create, plans)
        records = [created.record for created in self._created.values()]
        wait_for_records(records, self._zones(), self._dns, self._wait, self._notify)

    def cleanup(self, challenges: list[Challenge]) -> None:
        """Delete, concurrently, exactly the records this run created; never raises, and is
        over within one cleanup call's budget (``CLEANUP_POLICY``).

        After an interruption (SIGTERM, Ctrl-C) creates may still be on their way: they get
        ``call_pool.IN_FLIGHT_GRACE_SECONDS`` to finish, so that a record stored a moment later
        is deleted too; then they are stopped. Each create that may have been stored without us
        knowing is named, with the command that removes it.
        """
        deadline = self._client.cleanup_deadline()
        self._calls.settle(
            self._client.cancel_running_calls, lambda: self._client.seconds_until(deadline)
        )
        self._calls.map(lambda challenge: self._delete(challenge, deadline), challenges)
        self._warn_unsettled(challenges)

    def close(self) -> None:
        """Release the API client's connections (a batch can still be used afterwards)."""
        self._client.close()

    # -- planning ------------------------------------------------------------------------------

    def _plan(self, validation_name: str, validation: str) -> Plan:
        chain = self._delegation_chain(validation_name)
        return Plan(validation_name, validation, chain, self._zone_for(chain[-1], chain))

    def _zones(self, find: str | None = None) -> list[Zone]:
        """The zone list (``find``: making sure the list is fresh when it lacks that name)."""
        try:
            if find is not None:
                self._zone_view.find(find)
            return self._zone_view.zones()
        except DNScaleError as err:
            raise ChallengeError(
                explain(err, self._context("list the zones the API token can see"))
            ) from err

    def _zone_for(self, name: str, chain: list[str]) -> Zone:
        zones = self._zones(find=name)
        zone = find_zone(name, zones)
        if zone is None:
            via = f" (reached by CNAME {describe(chain)})" if len(chain) > 1 else ""
            fix = (
                "Point the CNAME at a name inside a DNScale zone"
                if via
                else "Add the domain's zone to DNScale"
            )
            raise ChallengeError(
                f"No DNScale zone holds {name}{via}: tried {', '.join(suffixes(name))} among "
                f"the {len(zones)} zone(s) this API token can see. {fix}, or give the token "
                "access to the zone."
            )
        return zone

    def _delegation_chain(self, validation_name: str) -> list[str]:
        """``[name]``, or the CNAME chain from it to where the TXT record has to go."""
        if not self._cname_lookups_work:
            return [normalize_name(validation_name)]
        try:
            chain = follow_cnames(
                validation_name, self._dns().cname_target, lookup_error=DnsLookupError
            )
        except DelegationError as err:
            raise ChallengeError(f"{err}. Fix the CNAME records of {validation_name}.") from err
        except DnsLookupError as err:
            with self._lock:
                warn, self._cname_lookups_work = self._cname_lookups_work, False
            if warn:
                logger.warning(
                    "Could not check whether %s is delegated by CNAME (%s); records go to the "
                    "names themselves. Set --dns-dnscale-resolver to a resolver that answers.",
                    validation_name, err,
                )  # fmt: skip
            return [normalize_name(validation_name)]
        if len(chain) > 1:
            logger.info("%s is delegated: %s", validation_name, describe(chain))
        return chain

    # -- creating and deleting -----------------------------------------------------------------

    def _create(self, plan: Plan) -> None:
        target, zone = plan.chain[-1], plan.zone
        context = self._context("create the TXT record " + target, zone, target)
        key = _key(plan.validation_name, plan.validation)
        with self._lock:
            self._unsettled[key] = plan
        try:
            created = self._client.create_txt_record(
                zone.id, target, plan.validation, ttl=self._ttl_seconds, comment=_mark(plan)
            )
        except DNScaleError as err:
            if not err.may_have_taken_effect:
                self._settle(key)
            raise ChallengeError(explain(err, context)) from err
        if created.record.disabled:
            created = self._enabled(created, plan, key)
        if created.preexisting:
            logger.info(
                "TXT value for %s was already in zone %s; it will be left there",
                target, zone.name,
            )  # fmt: skip
        else:
            logger.debug("Created TXT record %s in zone %s", created.record, zone.name)
        self._settle(key, created)

    def _settle(self, key: Challenge, created: CreatedRecord | None = None) -> None:
        """This create is over: no longer unsettled and, when it left a record to delete,
        registered for cleanup in the same step, so a cleanup arriving meanwhile sees it."""
        with self._lock:
            if created is not None:
                self._created[key] = created
            self._unsettled.pop(key, None)

    def _enabled(self, created: CreatedRecord, plan: Plan, key: Challenge) -> CreatedRecord:
        """The disabled value enabled, if ours. The create was answered, and a value this run
        stored is never disabled: when enabling fails, no create of this run is left unsettled."""
        target, zone = plan.chain[-1], plan.zone
        enabling = self._context("enable the disabled TXT record " + target, zone, target)
        try:
            return enable_if_ours(
                self._client, created, zone, target, ttl_seconds=self._ttl_seconds, context=enabling
            )
        except ChallengeError:
            self._settle(key)
            raise

    def _delete(self, challenge: Challenge, deadline: float) -> None:
        validation_name, validation = challenge
        with self._lock:
            created = self._created.pop(_key(validation_name, validation), None)
        if created is None or created.preexisting:
            return  # certbot calls cleanup for every challenge; only ours are deleted
        try:
            self._client.delete_txt(created.record, deadline=deadline)
        except Exception as err:  # noqa: BLE001 - a raise here would stop certbot's other cleanups
            logger.warning(
                "Could not remove the TXT record %s with value %r (zone id %s): %s. "
                "It is left behind: delete it in the DNScale dashboard, or %s.",
                created.record.name, validation, created.record.zone_id, err,
                self._sweep_advice(),
            )  # fmt: skip

    def _warn_unsettled(self, challenges: list[Challenge]) -> None:
        """Name each create whose answer never came (cut short, timed out, stopped): DNScale
        may have stored the record without this run knowing its id."""
        with self._lock:
            unsettled = [self._unsettled.pop(_key(*c), None) for c in challenges]
        for plan in unsettled:
            if plan is not None:
                logger.warning(
                    "The creation of the TXT record %s with value %r (zone %s) got no answer: "
                    "DNScale may have stored it, and it is then left behind. %s.",
                    plan.chain[-1], plan.validation, plan.zone.name, self._sweep_advice(),
                )  # fmt: skip

    def _sweep_advice(self) -> str:
        return sweep_advice(self._credentials_path)

    # -- helpers -------------------------------------------------------------------------------

    def _dns(self) -> DnsClient:
        with self._lock:
            if self._dns_client is None:
                self._dns_client = DnsClient(self._wait.resolver)
            return self._dns_client

    def _context(self, action: str, zone: Zone | None = None, name: str | None = None) -> Context:
        return Context(
            action=action,
            credentials_path=self._credentials_path,
            api_url=self._client.base_url,
            zone=zone.name if zone else None,
            name=name,
        )


def _mark(plan: Plan) -> str:
    """The record's comment; at a CNAME target it names the challenge it answers, so that
    ``sweep`` can tell our leftovers there from anything else."""
    delegated = len(plan.chain) > 1
    return make_mark(answering=plan.chain[0] if delegated else None)


def _check_name(validation_name: str) -> None:
    """Refuse, before anything is created, a name DNS cannot carry (certbot and the CA may
    accept a 64-character label or a name too long once ``_acme-challenge.`` is put before it)."""
    problem = name_problem(validation_name.removeprefix(CHALLENGE_PREFIX))
    if problem is not None:
        raise ChallengeError(
            f"Cannot answer the DNS-01 challenge at {validation_name}: {problem}. Remove that "
            "name from the certificate (certbot's -d options)."
        )


def _key(validation_name: str, validation: str) -> Challenge:
    return normalize_name(validation_name), validation

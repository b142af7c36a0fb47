"""The ``dns-dnscale`` authenticator: certbot glue around the DNScale client."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from acme import challenges
from certbot import achallenges, errors
from certbot.display import util as display_util
from certbot.plugins import dns_common

from certbot_dns_dnscale._internal.about import user_agent
from certbot_dns_dnscale._internal.client import CreatedRecord, DNScaleClient, RetryPolicy
from certbot_dns_dnscale._internal.credentials import (
    Credentials,
    check_readable_ini,
    parse_credentials,
)
from certbot_dns_dnscale._internal.delegation import DelegationError, describe, follow_cnames
from certbot_dns_dnscale._internal.dns_client import DnsClient, DnsLookupError, parse_server
from certbot_dns_dnscale._internal.errors import DNScaleError
from certbot_dns_dnscale._internal.hints import Context, explain
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale._internal.progress import ProgressLine
from certbot_dns_dnscale._internal.propagation import Expected, Outcome, PropagationWaiter
from certbot_dns_dnscale._internal.zones import Zone, find_zone, normalize_name, suffixes

logger = logging.getLogger(__name__)

DEFAULT_PROPAGATION_SECONDS = 60
PROPAGATION_CHECK_CHOICES = ("on", "off")
CONCURRENT_API_CALLS = 4  # small: DNScale's rate limits are not published


class Authenticator(dns_common.DNSAuthenticator):
    """DNS Authenticator for DNScale: answers dns-01 challenges with TXT records."""

    description = (
        "Obtain certificates using a DNS TXT record (if you are using DNScale for DNS), "
        "wildcards included."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._credentials: Credentials | None = None
        self._client: DNScaleClient | None = None
        self._zones: list[Zone] | None = None
        self._created: dict[tuple[str, str], CreatedRecord] = {}
        self._dns_client: DnsClient | None = None
        self._cname_lookups_work = True
        self._lock = threading.Lock()  # perform and cleanup work from a small thread pool
        self._in_flight: list[futures.Future[Any]] = []

    @classmethod
    def add_parser_arguments(
        cls,
        add: Callable[..., None],
        default_propagation_seconds: int = DEFAULT_PROPAGATION_SECONDS,
    ) -> None:
        add(
            "propagation-seconds",
            default=default_propagation_seconds,
            type=int,
            help="At most this many seconds to wait for the TXT records to show on the zone's "
            "nameservers before asking the CA to look; the wait ends as soon as they all show. "
            "With --dns-dnscale-propagation-check off: the fixed wait.",
        )
        add("credentials", help="DNScale credentials INI file (dns_dnscale_api_token = ...).")
        add(
            "propagation-check",
            default="on",
            choices=PROPAGATION_CHECK_CHOICES,
            help="on: query the zone's authoritative nameservers until they serve the records "
            "(default); off: just wait --dns-dnscale-propagation-seconds.",
        )
        add(
            "nameservers",
            default=None,
            help="HOST[:PORT],... servers to check instead of the zone's NS records "
            "(split-horizon setups, a local sandbox).",
        )
        add(
            "resolver",
            default=None,
            help="IP[:PORT] of the resolver for NS, address and CNAME lookups "
            "(default: the system's).",
        )
        add(
            "require-propagation",
            action="store_true",
            default=False,
            help="Fail when the records are still missing on a nameserver at the end of the "
            "wait, instead of letting the CA try anyway.",
        )

    def more_info(self) -> str:
        return (
            "This plugin answers dns-01 challenges by creating TXT records through the DNScale "
            "API and removes them afterwards."
        )

    def prepare(self) -> None:
        """Check the options before anything is created."""
        seconds = self.conf("propagation-seconds")
        if not isinstance(seconds, int) or seconds < 0:
            raise errors.PluginError(
                f"--dns-dnscale-propagation-seconds must be a whole number of seconds, 0 or "
                f"more (got {seconds!r})."
            )
        if self.conf("propagation-check") not in PROPAGATION_CHECK_CHOICES:
            raise errors.PluginError(
                f"--dns-dnscale-propagation-check must be on or off "
                f"(got {self.conf('propagation-check')!r})."
            )
        for server in self._nameserver_option():
            _check_server_option("nameservers", server)
        if self.conf("resolver"):
            try:
                DnsClient(self.conf("resolver"))
            except ValueError as err:
                raise errors.PluginError(
                    f"--dns-dnscale-resolver: {err}; use IP or IP:PORT (IPv6: [ADDRESS]:PORT)."
                ) from err

    def auth_hint(self, failed_achalls: list[achallenges.AnnotatedChallenge]) -> str:
        return (
            "The Certificate Authority could not see the DNS TXT records created by "
            "--dns-dnscale. Check that the domains' NS records point at DNScale (or that their "
            "_acme-challenge names are CNAMEs into a DNScale zone); if the plugin said records "
            "were missing on a nameserver, raise --dns-dnscale-propagation-seconds (currently "
            f"{self.conf('propagation-seconds')})."
        )

    def perform(
        self, achalls: list[achallenges.AnnotatedChallenge]
    ) -> list[challenges.ChallengeResponse]:
        """Find where every record goes, create them all concurrently, then wait once.

        Every name is matched to its zone before anything is created, so a name without a zone
        fails the run with nothing to clean up.
        """
        self._setup_credentials()
        self._attempt_cleanup = True
        self._list_zones()
        plans = self._map_concurrently(lambda w: self._plan(*w), _challenge_values(achalls))
        self._map_concurrently(self._create, plans)
        self._wait_for_propagation()
        return [achall.response(achall.account_key) for achall in achalls]

    def cleanup(self, achalls: list[achallenges.AnnotatedChallenge]) -> None:
        """Delete, concurrently, exactly the records this run created; never raises.

        After an interruption (SIGTERM, Ctrl-C) creates may still be on their way: they are
        waited for first, so that a record stored a moment later is not left behind.
        """
        if not self._attempt_cleanup:
            return
        with self._lock:
            in_flight = list(self._in_flight)
        futures.wait(in_flight, timeout=RetryPolicy().budget_seconds)
        self._map_concurrently(lambda k: self._cleanup("", *k), _challenge_values(achalls))

    # -- certbot's hooks -----------------------------------------------------------------------

    def _setup_credentials(self) -> None:
        path = self.conf("credentials")
        if path:
            check_readable_ini(os.path.expanduser(path))
        config = self._configure_credentials(
            "credentials",
            "DNScale credentials INI file",
            {"api_token": "an API token for DNScale with scopes zones:read, records:read and "
             "records:write"},
            self._check_credentials,
        )  # fmt: skip
        self._credentials = self._validate_credentials(config)

    def _map_concurrently(
        self, function: Callable[[Item], Result], items: list[Item]
    ) -> list[Result]:
        """``function`` over ``items`` on a small pool; all run to the end, then the first error
        (in item order) is raised, so that nothing is left half-done and unrecorded."""
        with ThreadPoolExecutor(max_workers=CONCURRENT_API_CALLS) as pool:
            submitted = [pool.submit(function, item) for item in items]
            with self._lock:
                self._in_flight.extend(submitted)
        for future in submitted:
            error = future.exception()
            if error is not None:
                raise error
        return [future.result() for future in submitted]

    def _perform(self, domain: str, validation_name: str, validation: str) -> None:
        self._create(self._plan(validation_name, validation))

    def _plan(self, validation_name: str, validation: str) -> _Plan:
        chain = self._delegation_chain(validation_name)
        return _Plan(validation_name, validation, chain, self._zone_for(chain[-1], chain))

    def _create(self, plan: _Plan) -> None:
        target, zone = plan.chain[-1], plan.zone
        context = self._context("create the TXT record " + target, zone, target)
        try:
            created = self._get_client().create_txt_record(
                zone.id,
                target,
                plan.validation,
                ttl=self._require_credentials().ttl_seconds,
                comment=make_mark(),
            )
        except DNScaleError as err:
            raise errors.PluginError(explain(err, context)) from err
        if created.preexisting:
            logger.info(
                "TXT value for %s was already in zone %s; it will be left there",
                target, zone.name,
            )  # fmt: skip
        else:
            logger.debug("Created TXT record %s in zone %s", created.record, zone.name)
        with self._lock:
            self._created[_key(plan.validation_name, plan.validation)] = created

    def _cleanup(self, domain: str, validation_name: str, validation: str) -> None:
        with self._lock:
            created = self._created.pop(_key(validation_name, validation), None)
        if created is None or created.preexisting:
            return  # certbot calls cleanup for every challenge; only ours are deleted
        try:
            self._get_client().delete_txt(created.record)
        except Exception as err:  # noqa: BLE001 - a raise here would stop certbot's other cleanups
            logger.warning(
                "Could not remove the TXT record %s with value %r (zone id %s): %s. "
                "It is left behind: delete it in the DNScale dashboard.",
                created.record.name, validation, created.record.zone_id, err,
            )  # fmt: skip

    # -- helpers -------------------------------------------------------------------------------

    def _check_credentials(self, config: dns_common.CredentialsConfiguration) -> None:
        self._validate_credentials(config)

    def _validate_credentials(self, config: dns_common.CredentialsConfiguration) -> Credentials:
        return parse_credentials(
            config.conf("api_token"),
            config.conf("api_url"),
            config.conf("ttl"),
            path=config.confobj.filename,
        )

    def _require_credentials(self) -> Credentials:
        if self._credentials is None:
            raise errors.PluginError("The DNScale credentials were not set up.")
        return self._credentials

    def _get_client(self) -> DNScaleClient:
        with self._lock:
            return self._client_locked()

    def _client_locked(self) -> DNScaleClient:
        if self._client is None:
            credentials = self._require_credentials()
            self._client = DNScaleClient(
                credentials.api_token,
                credentials.base_url,
                user_agent=user_agent(),
            )
        return self._client

    def _zone_for(self, name: str, chain: list[str]) -> Zone:
        """The zone holding ``name``; the zone list is fetched once per certbot run."""
        zones = self._list_zones()
        zone = find_zone(name, zones)
        if zone is None:
            via = f" (reached by CNAME {describe(chain)})" if len(chain) > 1 else ""
            fix = (
                "Point the CNAME at a name inside a DNScale zone"
                if via
                else "Add the domain's zone to DNScale"
            )
            raise errors.PluginError(
                f"No DNScale zone holds {name}{via}: tried {', '.join(suffixes(name))} among "
                f"the {len(zones)} zone(s) this API token can see. {fix}, or give the token "
                "access to the zone."
            )
        return zone

    def _list_zones(self) -> list[Zone]:
        if self._zones is None:
            context = self._context("list the zones the API token can see")
            try:
                self._zones = self._get_client().list_zones()
            except DNScaleError as err:
                raise errors.PluginError(explain(err, context)) from err
        return self._zones

    def _delegation_chain(self, validation_name: str) -> list[str]:
        """``[name]``, or the CNAME chain from it to where the TXT record has to go."""
        if not self._cname_lookups_work:
            return [normalize_name(validation_name)]
        try:
            chain = follow_cnames(
                validation_name, self._dns().cname_target, lookup_error=DnsLookupError
            )
        except DelegationError as err:
            raise errors.PluginError(f"{err}. Fix the CNAME records of {validation_name}.") from err
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

    def _dns(self) -> DnsClient:
        with self._lock:
            if self._dns_client is None:
                self._dns_client = DnsClient(self.conf("resolver"))
            return self._dns_client

    def _nameserver_option(self) -> list[str]:
        value = self.conf("nameservers")
        return [part.strip() for part in str(value).split(",") if part.strip()] if value else []

    def _wait_for_propagation(self) -> None:
        bound = self.conf("propagation-seconds")
        if self.conf("propagation-check") == "off" or not self._created:
            display_util.notify(f"Waiting {bound} seconds for DNS changes to propagate")
            time.sleep(bound)
            return
        try:
            fixed = self._dns().servers(self._nameserver_option()) or None
        except DnsLookupError as err:
            raise errors.PluginError(f"--dns-dnscale-nameservers: {err}.") from err
        progress = ProgressLine()
        waiter = PropagationWaiter(
            self._dns(), bound_seconds=bound, nameservers=fixed, progress=progress.update
        )
        outcome = waiter.wait(self._expected())
        self._report(outcome, progress)

    def _expected(self) -> list[Expected]:
        zone_names = {zone.id: zone.name for zone in self._list_zones()}
        values: dict[tuple[str, str], set[str]] = {}
        for created in self._created.values():
            record = created.record
            values.setdefault((record.name, zone_names[record.zone_id]), set()).add(record.content)
        return [Expected(name, zone, frozenset(v)) for (name, zone), v in sorted(values.items())]

    def _report(self, outcome: Outcome, progress: ProgressLine) -> None:
        seconds = f"{outcome.waited_seconds:.1f} s"
        if not outcome.checked:
            progress.finish(f"Waited {seconds} for DNS changes to propagate.")
        elif outcome.complete:
            progress.finish(f"The TXT records are visible on every nameserver after {seconds}.")
            if outcome.silent:
                logger.info("Not waited for (no answer): %s", outcome.describe_missing())
        elif self.conf("require-propagation"):
            raise errors.PluginError(
                f"After {seconds}: {outcome.describe_missing()}. Raise "
                "--dns-dnscale-propagation-seconds, or check that these nameservers serve the "
                "zone."
            )
        else:
            logger.warning(
                "After %s the records are still missing: %s. Asking the CA to validate anyway.",
                seconds, outcome.describe_missing(),
            )  # fmt: skip

    def _context(self, action: str, zone: Zone | None = None, name: str | None = None) -> Context:
        credentials = self._require_credentials()
        return Context(
            action=action,
            credentials_path=str(self.conf("credentials")),
            api_url=credentials.base_url,
            zone=zone.name if zone else None,
            name=name,
        )


@dataclass(frozen=True)
class _Plan:
    """Where one challenge's TXT value goes: the end of its CNAME chain, in that zone."""

    validation_name: str
    validation: str
    chain: list[str]
    zone: Zone


Item = TypeVar("Item")
Result = TypeVar("Result")


def _challenge_values(achalls: list[achallenges.AnnotatedChallenge]) -> list[tuple[str, str]]:
    """(validation name, TXT value) of each challenge."""
    return [
        (achall.validation_domain_name(_identifier_value(achall)),
         achall.validation(achall.account_key))
        for achall in achalls
    ]  # fmt: skip


def _identifier_value(achall: achallenges.AnnotatedChallenge) -> str:
    """The name a challenge is for: certbot 5.3 added ``achall.identifier``; the certbots before
    it (Debian 12's 2.1.0, Ubuntu 24.04's 2.9.0) have only ``achall.domain``."""
    identifier = getattr(achall, "identifier", None)
    if identifier is not None:
        return str(identifier.value)
    return str(achall.domain)


def _check_server_option(option: str, value: str) -> None:
    try:
        parse_server(value)
    except ValueError as err:
        raise errors.PluginError(
            f"--dns-dnscale-{option}: {err}; use HOST or HOST:PORT (IPv6: [ADDRESS]:PORT)."
        ) from err


def _key(validation_name: str, validation: str) -> tuple[str, str]:
    return normalize_name(validation_name), validation

"""The ``dns-dnscale`` authenticator: certbot glue around a batch of challenges.

Options, the credentials file and certbot's perform/cleanup calls live here; the work is done by
:class:`~certbot_dns_dnscale._internal.batch.ChallengeBatch`, which knows nothing of certbot.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from acme import challenges
from certbot import achallenges, errors
from certbot.display import util as display_util
from certbot.plugins import dns_common

from certbot_dns_dnscale._internal import compat, options
from certbot_dns_dnscale._internal.about import user_agent
from certbot_dns_dnscale._internal.batch import Challenge, ChallengeBatch
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.credentials import (
    Credentials,
    check_readable_ini,
    parse_credentials,
)
from certbot_dns_dnscale._internal.errors import ChallengeError
from certbot_dns_dnscale._internal.waiting import WaitSettings
from certbot_dns_dnscale._internal.zone_cache import ZoneView, directory_for

logger = logging.getLogger(__name__)


class Authenticator(dns_common.DNSAuthenticator):
    """DNS Authenticator for DNScale: answers dns-01 challenges with TXT records."""

    description = (
        "Obtain certificates using a DNS TXT record (if you are using DNScale for DNS), "
        "wildcards included."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._credentials: Credentials | None = None
        self._batch: ChallengeBatch | None = None

    @classmethod
    def add_parser_arguments(
        cls,
        add: Callable[..., None],
        default_propagation_seconds: int = options.DEFAULT_PROPAGATION_SECONDS,
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
            choices=options.PROPAGATION_CHECK_CHOICES,
            help="on: query the zone's authoritative nameservers until they serve the records "
            "(default); off: just wait --dns-dnscale-propagation-seconds.",
        )
        add(
            "nameservers",
            default=None,
            type=options.comma_separated,
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
        """Check the certbot and the options before anything is created."""
        compat.require_certbot()
        self._wait_settings()

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
        """Hand every challenge to one batch: planned and created together, waited for once."""
        self._setup_credentials()
        self._attempt_cleanup = True
        try:
            self._get_batch().perform(_challenge_values(achalls))
        except ChallengeError as err:
            raise errors.PluginError(str(err)) from err
        return [achall.response(achall.account_key) for achall in achalls]

    def cleanup(self, achalls: list[achallenges.AnnotatedChallenge]) -> None:
        """Delete exactly the records this run created; never raises."""
        if self._attempt_cleanup and self._batch is not None:
            try:
                self._batch.cleanup(_challenge_values(achalls))
            finally:
                self._batch.close()

    def _perform(self, domain: str, validation_name: str, validation: str) -> None:
        raise NotImplementedError("perform() hands the whole batch over at once")

    def _cleanup(self, domain: str, validation_name: str, validation: str) -> None:
        raise NotImplementedError("cleanup() hands the whole batch over at once")

    # -- credentials ---------------------------------------------------------------------------

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

    def _check_credentials(self, config: dns_common.CredentialsConfiguration) -> None:
        self._validate_credentials(config)

    def _validate_credentials(self, config: dns_common.CredentialsConfiguration) -> Credentials:
        return parse_credentials(
            config.conf("api_token"),
            config.conf("api_url"),
            config.conf("ttl"),
            path=config.confobj.filename,
        )

    # -- the batch -----------------------------------------------------------------------------

    def _get_batch(self) -> ChallengeBatch:
        if self._batch is None:
            credentials = self._credentials
            if credentials is None:
                raise errors.PluginError("The DNScale credentials were not set up.")
            client = DNScaleClient(
                credentials.api_token, credentials.base_url, user_agent=user_agent()
            )
            directory = directory_for(credentials.base_url, credentials.api_token)
            self._batch = ChallengeBatch(
                client,
                ZoneView(directory, client.list_zones),
                ttl_seconds=credentials.ttl_seconds,
                credentials_path=str(self.conf("credentials")),
                wait=self._wait_settings(),
                notify=display_util.notify,
            )
        return self._batch

    def _wait_settings(self) -> WaitSettings:
        try:
            return options.wait_settings(
                propagation_seconds=self.conf("propagation-seconds"),
                propagation_check=self.conf("propagation-check"),
                nameservers=self.conf("nameservers"),
                resolver=self.conf("resolver"),
                require_propagation=self.conf("require-propagation"),
            )
        except options.OptionError as err:
            raise errors.PluginError(str(err)) from err


def _challenge_values(achalls: list[achallenges.AnnotatedChallenge]) -> list[Challenge]:
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

"""The ``dns-dnscale`` authenticator: certbot glue around the DNScale client."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

import certbot
from certbot import errors
from certbot.plugins import dns_common

from certbot_dns_dnscale._internal.client import CreatedRecord, DNScaleClient, TxtRecord
from certbot_dns_dnscale._internal.credentials import (
    Credentials,
    check_readable_ini,
    parse_credentials,
)
from certbot_dns_dnscale._internal.errors import DNScaleError, NotFoundError
from certbot_dns_dnscale._internal.hints import Context, explain
from certbot_dns_dnscale._internal.zones import Zone, find_zone, normalize_name, suffixes

logger = logging.getLogger(__name__)

DEFAULT_PROPAGATION_SECONDS = 60
RECORD_COMMENT_PREFIX = "certbot-dns-dnscale ACME challenge"


def _plugin_version() -> str:
    try:
        return metadata.version("certbot-dns-dnscale")
    except metadata.PackageNotFoundError:  # pragma: no cover - only when run from a bare tree
        return "0+unknown"


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

    @classmethod
    def add_parser_arguments(
        cls,
        add: Callable[..., None],
        default_propagation_seconds: int = DEFAULT_PROPAGATION_SECONDS,
    ) -> None:
        super().add_parser_arguments(add, default_propagation_seconds)
        add("credentials", help="DNScale credentials INI file (dns_dnscale_api_token = ...).")

    def more_info(self) -> str:
        return (
            "This plugin answers dns-01 challenges by creating TXT records through the DNScale "
            "API and removes them afterwards."
        )

    def prepare(self) -> None:
        seconds = self.conf("propagation-seconds")
        if not isinstance(seconds, int) or seconds < 0:
            raise errors.PluginError(
                f"--dns-dnscale-propagation-seconds must be a whole number of seconds, 0 or "
                f"more (got {seconds!r})."
            )

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

    def _perform(self, domain: str, validation_name: str, validation: str) -> None:
        zone = self._zone_for(validation_name)
        context = self._context("create the TXT record " + validation_name, zone, validation_name)
        try:
            created = self._get_client().create_txt_record(
                zone.id,
                validation_name,
                validation,
                ttl=self._require_credentials().ttl_seconds,
                comment=_record_comment(),
            )
        except DNScaleError as err:
            raise errors.PluginError(explain(err, context)) from err
        if created.preexisting:
            logger.info(
                "TXT value for %s was already in zone %s; it will be left there",
                validation_name, zone.name,
            )  # fmt: skip
        else:
            logger.debug("Created TXT record %s in zone %s", created.record, zone.name)
        self._created[_key(validation_name, validation)] = created

    def _cleanup(self, domain: str, validation_name: str, validation: str) -> None:
        created = self._created.pop(_key(validation_name, validation), None)
        if created is None or created.preexisting:
            return  # certbot calls cleanup for every challenge; only ours are deleted
        try:
            self._delete(created.record)
        except Exception as err:  # noqa: BLE001 - a raise here would stop certbot's other cleanups
            logger.warning(
                "Could not remove the TXT record %s with value %r (zone id %s): %s. "
                "It is left behind: delete it in the DNScale dashboard.",
                validation_name, validation, created.record.zone_id, err,
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
        if self._client is None:
            credentials = self._require_credentials()
            self._client = DNScaleClient(
                credentials.api_token,
                credentials.base_url,
                user_agent=(
                    f"certbot-dns-dnscale/{_plugin_version()} certbot/{certbot.__version__}"
                ),
            )
        return self._client

    def _zone_for(self, name: str) -> Zone:
        """The zone holding ``name``; the zone list is fetched once per certbot run."""
        if self._zones is None:
            context = self._context("list the zones the API token can see")
            try:
                self._zones = self._get_client().list_zones()
            except DNScaleError as err:
                raise errors.PluginError(explain(err, context)) from err
        zone = find_zone(name, self._zones)
        if zone is None:
            raise errors.PluginError(
                f"No DNScale zone holds {name}: tried {', '.join(suffixes(name))} among the "
                f"{len(self._zones)} zone(s) this API token can see. Add the domain's zone to "
                "DNScale, or give the token access to it."
            )
        return zone

    def _delete(self, record: TxtRecord) -> None:
        """Delete by id; when the id is unknown or gone (404), by name with the exact value."""
        client = self._get_client()
        if record.id is not None:
            try:
                client.delete_record(record.zone_id, record.id)
                return
            except NotFoundError:
                logger.debug("Record id %s is gone; deleting %s by name", record.id, record.name)
        try:
            client.delete_txt_value(record.zone_id, record.name, record.content)
        except NotFoundError:
            logger.debug("TXT value at %s was already removed", record.name)

    def _context(self, action: str, zone: Zone | None = None, name: str | None = None) -> Context:
        credentials = self._require_credentials()
        return Context(
            action=action,
            credentials_path=str(self.conf("credentials")),
            api_url=credentials.base_url,
            zone=zone.name if zone else None,
            name=name,
        )


def _key(validation_name: str, validation: str) -> tuple[str, str]:
    return normalize_name(validation_name), validation


def _record_comment() -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{RECORD_COMMENT_PREFIX}, created {stamp}"

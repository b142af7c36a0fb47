"""The DNScale resources DNS-01 needs: zones and TXT records, over the HTTP transport."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import quote

from certbot_dns_dnscale._internal.errors import (
    ApiError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
)
from certbot_dns_dnscale._internal.pagination import Page, read_listing
from certbot_dns_dnscale._internal.records import (
    CreatedRecord,
    TxtRecord,
    record_payload,
    txt_record_from,
)
from certbot_dns_dnscale._internal.responses import JSONObject
from certbot_dns_dnscale._internal.retry import RetryPolicy, equal_jitter
from certbot_dns_dnscale._internal.transport import Transport
from certbot_dns_dnscale._internal.zones import Zone, absolute, normalize_name

logger = logging.getLogger(__name__)

ZONES_PAGE_SIZE = 100
RECORDS_PAGE_SIZE = 1000
CLEANUP_POLICY = RetryPolicy(max_retry_after_seconds=300.0, budget_seconds=330.0)
"""Deletes wait out a rate limit of up to 5 minutes: a record left behind is worse than a wait."""
HTTP_FORBIDDEN = 403  # a key limited to names may be refused the record listing


class DNScaleClient:
    """Zones and TXT records of one DNScale API base URL (``https://api.dnscale.eu/v1``)."""

    def __init__(
        self,
        api_token: str,
        base_url: str,
        *,
        user_agent: str,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float], float] = equal_jitter,
    ) -> None:
        self._transport = Transport(
            api_token,
            base_url,
            user_agent=user_agent,
            retry_policy=retry_policy,
            sleep=sleep,
            clock=clock,
            jitter=jitter,
        )
        self.base_url = self._transport.base_url

    def __repr__(self) -> str:
        return f"DNScaleClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> DNScaleClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def retry_budget_seconds(self) -> float:
        """How long one call may take, retries included."""
        return self._transport.policy.budget_seconds

    def cleanup_deadline(self) -> float:
        """When a cleanup starting now must be over: one cleanup call's budget from now."""
        return self._transport.clock() + CLEANUP_POLICY.budget_seconds

    def seconds_until(self, deadline: float) -> float:
        return max(0.0, deadline - self._transport.clock())

    def cancel_running_calls(self) -> None:
        """Stop the calls running now (they raise ``CancelledCallError``); later ones run."""
        self._transport.cancel_running()

    # -- the API -------------------------------------------------------------------------------

    def list_zones(self) -> list[Zone]:
        """Every zone the token can see, all pages."""
        zones = []
        for item in self._paginate("/zones", "zones", ZONES_PAGE_SIZE):
            zone_id, name = item.get("id"), item.get("name")
            if not isinstance(zone_id, str) or not isinstance(name, str):
                raise MalformedResponseError(
                    f"a zone in the zone list lacks an id or name: {self._transport.quote(item)}"
                )
            zones.append(Zone(id=zone_id, name=normalize_name(name)))
        return zones

    def list_txt_records(
        self, zone_id: str, name: str, *, deadline: float | None = None
    ) -> list[TxtRecord]:
        """The TXT values at ``name`` in the zone (the API has no filter: we list and filter)."""
        wanted = normalize_name(name)
        return [r for r in self.zone_txt_records(zone_id, deadline=deadline) if r.name == wanted]

    def zone_txt_records(self, zone_id: str, *, deadline: float | None = None) -> list[TxtRecord]:
        """Every TXT value in the zone, all pages."""
        path = f"/zones/{quote(zone_id, safe='')}/records"
        items = self._paginate(path, "records", RECORDS_PAGE_SIZE, deadline=deadline)
        return [r for r in (txt_record_from(zone_id, item) for item in items) if r is not None]

    def create_txt_record(
        self, zone_id: str, name: str, content: str, *, ttl: int, comment: str | None = None
    ) -> CreatedRecord:
        """Add one TXT value at ``name``, keeping any other values there.

        A create whose answer was lost may have been stored: before posting again we look, so a
        retry never adds the value twice. A value that was there before we started is reported
        as ``preexisting`` (it is not ours to delete).
        """
        body: JSONObject = {"name": absolute(name), "type": "TXT", "content": content, "ttl": ttl}
        if comment:
            body["comment"] = comment

        def already_stored(deadline: float) -> JSONObject | None:
            found, _ = self._look_for_txt(zone_id, name, content, deadline=deadline)
            # Not listed (or the listing is refused): post again; a 409 says it is stored.
            return None if found is None else {"record": record_payload(found)}

        path = f"/zones/{quote(zone_id, safe='')}/records"
        try:
            data = self._transport.request("POST", path, body=body, replay_check=already_stored)
        except ConflictError as err:
            return self._conflict(zone_id, name, content, err)
        record = txt_record_from(zone_id, data.get("record"))
        if record is None:
            # Tolerate a create answer without the record: delete by name and content later.
            record = TxtRecord(zone_id, None, normalize_name(name), content)
        return CreatedRecord(record, preexisting=False)

    def enable_txt(self, record: TxtRecord, *, ttl: int) -> TxtRecord:
        """Enable a disabled value (``PUT`` by id, the record otherwise unchanged); DNS then
        serves it. The value stays the same, so the id does too."""
        if record.id is None:
            raise ValueError(f"cannot enable the TXT record at {record.name} without its id")
        body: JSONObject = {
            "name": absolute(record.name), "type": "TXT", "content": record.content,
            "ttl": ttl, "disabled": False, "comment": record.comment,
        }  # fmt: skip
        path = f"/zones/{quote(record.zone_id, safe='')}/records/{quote(record.id, safe='')}"
        data = self._transport.request("PUT", path, body=body)
        return txt_record_from(record.zone_id, data.get("record")) or replace(
            record, disabled=False
        )

    def delete_record(self, zone_id: str, record_id: str, *, deadline: float | None = None) -> None:
        path = f"/zones/{quote(zone_id, safe='')}/records/{quote(record_id, safe='')}"
        self._transport.request("DELETE", path, policy=CLEANUP_POLICY, deadline=deadline)

    def delete_txt_value(
        self, zone_id: str, name: str, content: str, *, deadline: float | None = None
    ) -> None:
        """Delete one TXT value by name. Never without ``content``: that would drop the RRset."""
        if not content:
            raise ValueError("refusing to delete a TXT RRset without naming the value")
        path = (
            f"/zones/{quote(zone_id, safe='')}/records/by-name/{quote(absolute(name), safe='')}/TXT"
        )
        self._transport.request(
            "DELETE", path, params={"content": content}, policy=CLEANUP_POLICY, deadline=deadline
        )

    def delete_txt(self, record: TxtRecord, *, deadline: float | None = None) -> None:
        """Delete one value: by id; when the id is unknown or gone (404), by name with the exact
        value. Already gone is fine. ``deadline``: when a cleanup of several must be over."""
        if record.id is not None:
            try:
                self.delete_record(record.zone_id, record.id, deadline=deadline)
                return
            except NotFoundError:
                logger.debug("Record id %s is gone; deleting %s by name", record.id, record.name)
        try:
            self.delete_txt_value(record.zone_id, record.name, record.content, deadline=deadline)
        except NotFoundError:
            logger.debug("TXT value at %s was already removed", record.name)

    # -- plumbing ------------------------------------------------------------------------------

    def _find_txt(
        self, zone_id: str, name: str, content: str, *, deadline: float | None = None
    ) -> TxtRecord | None:
        for record in self.list_txt_records(zone_id, name, deadline=deadline):
            if record.content == content:
                return record
        return None

    def _look_for_txt(
        self, zone_id: str, name: str, content: str, *, deadline: float | None = None
    ) -> tuple[TxtRecord | None, bool]:
        """As ``_find_txt``, and whether DNScale refused this key the listing (403), as it may
        for a key limited to names: the caller then does without it."""
        try:
            return self._find_txt(zone_id, name, content, deadline=deadline), False
        except ApiError as err:
            if err.status != HTTP_FORBIDDEN:
                raise
            logger.debug("Listing the records of zone id %s is refused: %s", zone_id, err)
            return None, True

    def _conflict(self, zone_id: str, name: str, content: str, err: ConflictError) -> CreatedRecord:
        """A create answered 409: the value is at the name. Listed, it tells its id and whether
        it is disabled; when the listing is refused it is deleted by name and value later. On a
        retry, the value is there because an earlier attempt of ours stored it."""
        preexisting = err.attempts == 1
        found, refused = self._look_for_txt(zone_id, name, content)
        if found is not None:
            return CreatedRecord(found, preexisting=preexisting)
        if not refused:
            raise err
        if preexisting:
            logger.warning(
                "The TXT value at %s was already there, and this API key may not list records, "
                "so whether it is enabled cannot be checked: if validation fails, look for a "
                "disabled TXT record at %s in DNScale.",
                name, name,
            )  # fmt: skip
        return CreatedRecord(TxtRecord(zone_id, None, normalize_name(name), content), preexisting)

    def _paginate(
        self, path: str, key: str, page_size: int, *, deadline: float | None = None
    ) -> list[JSONObject]:
        return read_listing(
            path, key, lambda offsets: self._pages(path, key, offsets, page_size, deadline)
        )

    def _pages(
        self, path: str, key: str, offsets: list[int], page_size: int, deadline: float | None
    ) -> list[Page]:
        """The pages at ``offsets``, in that order; several at once when there are several."""

        def page(offset: int) -> Page:
            params = {"offset": offset, "limit": page_size}
            data = self._transport.request("GET", path, params=params, deadline=deadline)
            items = data.get(key)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise MalformedResponseError(f"GET {path}: no list of {key} in the answer")
            return items, data.get("pagination")

        if len(offsets) == 1:
            return [page(offsets[0])]
        with ThreadPoolExecutor(max_workers=len(offsets)) as pool:
            return list(pool.map(page, offsets))

"""A thin client for the parts of the DNScale REST API that DNS-01 needs. HTTP only.

Every call has a timeout; transient faults (429, 500/502/503/504, dropped connections, timeouts)
are retried a bounded number of times within one time budget, honouring ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests
import requests.adapters

from certbot_dns_dnscale._internal.errors import (
    ApiError,
    ConflictError,
    DNScaleError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    TransportError,
)
from certbot_dns_dnscale._internal.zones import Zone, absolute, normalize_name

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
CONNECTION_POOL_SIZE = 10
ZONES_PAGE_SIZE = 100
RECORDS_PAGE_SIZE = 1000
MAX_PAGES = 1000
PAGE_WORKERS = 4  # pages fetched at once once the total is known
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
BODY_SNIPPET_CHARS = 200

JSONObject = dict[str, Any]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The budget bounds the whole call, retries and waits included."""

    max_attempts: int = 8
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0
    max_retry_after_seconds: float = 30.0
    budget_seconds: float = 90.0


@dataclass(frozen=True)
class TxtRecord:
    """One TXT value as the API lists it; ``name`` normalised, ``content`` without quotes."""

    zone_id: str
    id: str | None
    name: str
    content: str
    comment: str | None = None


@dataclass(frozen=True)
class CreatedRecord:
    """The outcome of a create: ``preexisting`` when the exact value was already there."""

    record: TxtRecord
    preexisting: bool


def _equal_jitter(delay_seconds: float) -> float:
    return delay_seconds * random.uniform(0.5, 1.0)  # noqa: S311 - not for security


class DNScaleClient:
    """Talks to one DNScale API base URL (``https://api.dnscale.eu/v1``) with one token."""

    def __init__(
        self,
        api_token: str,
        base_url: str,
        *,
        user_agent: str,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float], float] = _equal_jitter,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._policy = retry_policy or RetryPolicy()
        self._sleep = sleep if sleep is not None else time.sleep  # looked up late: tests patch it
        self._clock = clock
        self._jitter = jitter
        self._pause_until = 0.0  # a 429's Retry-After holds back every thread, not just one
        self._pause_lock = threading.Lock()
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=CONNECTION_POOL_SIZE)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers.update(
            {
                "Authorization": f"Bearer {api_token}",
                "Accept": "application/json",
                "User-Agent": user_agent,
            }
        )

    def __repr__(self) -> str:
        return f"DNScaleClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    # -- the API -------------------------------------------------------------------------------

    def list_zones(self) -> list[Zone]:
        """Every zone the token can see, all pages."""
        zones = []
        for item in self._paginate("/zones", "zones", ZONES_PAGE_SIZE):
            zone_id, name = item.get("id"), item.get("name")
            if not isinstance(zone_id, str) or not isinstance(name, str):
                raise MalformedResponseError(
                    f"a zone in the zone list lacks an id or name: {item!r}"
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
        return [r for r in (_txt_record_from(zone_id, item) for item in items) if r is not None]

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
            found = self._find_txt(zone_id, name, content, deadline=deadline)
            return None if found is None else {"record": _record_payload(found)}

        path = f"/zones/{quote(zone_id, safe='')}/records"
        try:
            data = self._request("POST", path, body=body, replay_check=already_stored)
        except ConflictError as err:
            found = self._find_txt(zone_id, name, content)
            if found is None:
                raise
            # On a retry, the value is there because an earlier attempt of ours stored it.
            return CreatedRecord(found, preexisting=err.attempts == 1)
        record = _txt_record_from(zone_id, data.get("record"))
        if record is None:
            # Tolerate a create answer without the record: delete by name and content later.
            record = TxtRecord(zone_id, None, normalize_name(name), content)
        return CreatedRecord(record, preexisting=False)

    def delete_record(self, zone_id: str, record_id: str) -> None:
        path = f"/zones/{quote(zone_id, safe='')}/records/{quote(record_id, safe='')}"
        self._request("DELETE", path)

    def delete_txt_value(self, zone_id: str, name: str, content: str) -> None:
        """Delete one TXT value by name. Never without ``content``: that would drop the RRset."""
        if not content:
            raise ValueError("refusing to delete a TXT RRset without naming the value")
        path = (
            f"/zones/{quote(zone_id, safe='')}/records/by-name/{quote(absolute(name), safe='')}/TXT"
        )
        self._request("DELETE", path, params={"content": content})

    def delete_txt(self, record: TxtRecord) -> None:
        """Delete one value: by id; when the id is unknown or gone (404), by name with the exact
        value. Already gone is fine."""
        if record.id is not None:
            try:
                self.delete_record(record.zone_id, record.id)
                return
            except NotFoundError:
                logger.debug("Record id %s is gone; deleting %s by name", record.id, record.name)
        try:
            self.delete_txt_value(record.zone_id, record.name, record.content)
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

    def _paginate(
        self, path: str, key: str, page_size: int, *, deadline: float | None = None
    ) -> list[JSONObject]:
        """The items of every page, advancing by what each page really held.

        Servers may cap the page size below what we ask, and send ``has_more``, ``total``, both
        or neither: an explicit ``has_more: false``, reaching ``total``, or an empty page ends it.
        Once the first page tells the total and the server's page size, the next pages are
        fetched a few at a time; a short page in the middle (the list changed meanwhile) makes
        the rest of that batch be fetched again from where it really ends.
        """
        items: list[JSONObject] = []
        offset, step, total = 0, 0, None
        for _ in range(MAX_PAGES):
            batch: list[int] = (
                list(range(offset, total, step))[:PAGE_WORKERS] if step and total else []
            )
            for page, pagination in self._pages(path, key, batch or [offset], page_size, deadline):
                if not page:
                    return items
                items.extend(page)
                offset += len(page)
                step = step or len(page)
                total = _total(pagination)
                if _is_last_page(pagination, offset):
                    return items
                if len(page) < step:
                    break
        raise MalformedResponseError(f"GET {path}: still more pages after {MAX_PAGES}")

    def _pages(
        self, path: str, key: str, offsets: list[int], page_size: int, deadline: float | None
    ) -> list[tuple[list[JSONObject], object]]:
        """The pages at ``offsets``, in that order; several at once when there are several."""

        def page(offset: int) -> tuple[list[JSONObject], object]:
            params = {"offset": offset, "limit": page_size}
            data = self._request("GET", path, params=params, deadline=deadline)
            items = data.get(key)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise MalformedResponseError(f"GET {path}: no list of {key} in the answer")
            return items, data.get("pagination")

        if len(offsets) == 1:
            return [page(offsets[0])]
        with ThreadPoolExecutor(max_workers=len(offsets)) as pool:
            return list(pool.map(page, offsets))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: JSONObject | None = None,
        deadline: float | None = None,
        replay_check: Callable[[float], JSONObject | None] | None = None,
    ) -> JSONObject:
        """One API call with bounded retries; returns the envelope's ``data``.

        ``replay_check`` is for calls that are not idempotent: before sending again after a
        failure the server may have acted on, it is asked whether the effect is already there.
        """
        if deadline is None:
            deadline = self._clock() + self._policy.budget_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                failure = self._attempt(method, path, params, body, deadline)
            except DNScaleError as err:
                err.attempts = attempt
                raise
            if isinstance(failure, dict):
                return failure
            delay = self._retry_delay(failure, attempt, deadline)
            if delay is None:
                failure.attempts = attempt
                raise failure
            logger.info(
                "DNScale API %s %s failed (%s); retrying in %.1f s (attempt %d of %d)",
                method, path, failure, delay, attempt + 1, self._policy.max_attempts,
            )  # fmt: skip
            self._sleep(delay)
            if replay_check is not None and failure.status != 429:
                stored = replay_check(deadline)
                if stored is not None:
                    logger.info("DNScale API %s %s had taken effect before it failed", method, path)
                    return stored

    def _attempt(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        body: JSONObject | None,
        deadline: float,
    ) -> JSONObject | DNScaleError:
        """Send once: the ``data`` of a success, or the failure (raised only if not retryable)."""
        self._wait_out_rate_limit(deadline)
        remaining = deadline - self._clock()
        if remaining <= 0:
            return TransportError(f"{method} {path}: no time left in the retry budget")
        url = self.base_url + path
        timeout = (min(CONNECT_TIMEOUT_SECONDS, remaining), min(READ_TIMEOUT_SECONDS, remaining))
        logger.debug("DNScale API -> %s %s params=%s body=%s", method, url, params, body)
        started = self._clock()
        try:
            response = self._session.request(method, url, params=params, json=body, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as err:
            if isinstance(err, requests.exceptions.SSLError):
                raise TransportError(f"TLS failure talking to {url}: {err}") from err
            return TransportError(f"{method} {url}: {type(err).__name__}: {err}")
        except requests.RequestException as err:
            raise TransportError(f"{method} {url}: {type(err).__name__}: {err}") from err
        logger.debug(
            "DNScale API <- %s %s: HTTP %d in %.0f ms (request id %s): %s",
            method, url, response.status_code, (self._clock() - started) * 1000,
            response.headers.get("X-Request-ID", "-"), _snippet(response.text, 500),
        )  # fmt: skip
        try:
            return _data_of(response)
        except ApiError as err:
            if err.status == 429 and err.retry_after_seconds is not None:
                self._pause_everyone(err.retry_after_seconds)
            if err.status in RETRYABLE_STATUSES:
                return err
            raise

    def _pause_everyone(self, seconds: float) -> None:
        with self._pause_lock:
            self._pause_until = max(self._pause_until, self._clock() + seconds)

    def _wait_out_rate_limit(self, deadline: float) -> None:
        with self._pause_lock:
            wait = min(self._pause_until, deadline) - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _retry_delay(self, failure: DNScaleError, attempt: int, deadline: float) -> float | None:
        """Seconds to wait before the next attempt, or None when it is time to give up."""
        if attempt >= self._policy.max_attempts:
            return None
        if failure.retry_after_seconds is not None:
            if failure.retry_after_seconds > self._policy.max_retry_after_seconds:
                return None
            delay = failure.retry_after_seconds
        else:
            backoff = self._policy.base_delay_seconds * 2 ** (attempt - 1)
            delay = self._jitter(min(backoff, self._policy.max_delay_seconds))
        if self._clock() + delay >= deadline:
            return None
        return delay


def _total(pagination: object) -> int | None:
    total = pagination.get("total") if isinstance(pagination, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _is_last_page(pagination: object, offset: int) -> bool:
    if not isinstance(pagination, dict):
        return False
    has_more = pagination.get("has_more")
    if isinstance(has_more, bool):
        return not has_more
    total = pagination.get("total")
    return isinstance(total, int) and offset >= total


def _data_of(response: requests.Response) -> JSONObject:
    """The ``data`` of a success envelope; raises the matching error otherwise."""
    request_id = response.headers.get("X-Request-ID")
    payload = _json_or_none(response)
    if not response.ok:
        raise _api_error(response, payload, request_id)
    if response.status_code == 204 or not response.content:
        return {}
    if not isinstance(payload, dict):
        raise MalformedResponseError(
            f"{response.request.method} {response.url}: expected DNScale's JSON, got "
            f"{_describe_body(response)}",
            status=response.status_code,
            request_id=request_id,
        )
    if payload.get("status") == "error":
        raise _api_error(response, payload, request_id)
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"{response.request.method} {response.url}: the answer has no 'data' object",
            status=response.status_code,
            request_id=request_id,
        )
    return data


def _api_error(response: requests.Response, payload: object, request_id: str | None) -> ApiError:
    code, message = _error_details(payload)
    if message is None:
        message = f"{response.reason or 'error'}: {_describe_body(response)}"
    error_class: type[ApiError] = {
        404: NotFoundError,
        409: ConflictError,
        429: RateLimitedError,
    }.get(response.status_code, ApiError)
    return error_class(
        message,
        status=response.status_code,
        code=code,
        request_id=request_id,
        retry_after_seconds=_retry_after_seconds(response.headers.get("Retry-After")),
    )


def _error_details(payload: object) -> tuple[str | None, str | None]:
    if not isinstance(payload, dict):
        return None, None
    error = payload.get("error")
    if isinstance(error, str):
        return None, error
    if not isinstance(error, dict):
        message = payload.get("message")
        return None, message if isinstance(message, str) else None
    code, message = error.get("code"), error.get("message")
    details = error.get("details")
    if isinstance(message, str) and isinstance(details, list) and details:
        message = f"{message} {details!r}"
    return (
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
    )


def _json_or_none(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _describe_body(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type")
    text = _snippet(re.sub(r"<[^>]*>", " ", response.text), BODY_SNIPPET_CHARS)
    if not text:
        return f"an empty {content_type} body" if content_type else "an empty body"
    return f"{content_type or 'untyped'} body {text!r}"


def _snippet(text: str, limit: int) -> str:
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= limit else collapsed[:limit] + "..."


def _retry_after_seconds(header: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if header is None:
        return None
    header = header.strip()
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _unquote(content: str) -> str:
    if len(content) >= 2 and content[0] == content[-1] == '"':
        return content[1:-1]
    return content


def _txt_record_from(zone_id: str, item: object) -> TxtRecord | None:
    if not isinstance(item, dict) or str(item.get("type", "")).upper() != "TXT":
        return None
    name, content, record_id = item.get("name"), item.get("content"), item.get("id")
    if not isinstance(name, str) or not isinstance(content, str):
        return None
    comment = item.get("comment")
    return TxtRecord(
        zone_id=zone_id,
        id=record_id if isinstance(record_id, str) and record_id else None,
        name=normalize_name(name),
        content=_unquote(content),
        comment=comment if isinstance(comment, str) else None,
    )


def _record_payload(record: TxtRecord) -> JSONObject:
    return {"id": record.id, "name": record.name, "type": "TXT", "content": record.content}

"""HTTP transport to the DNScale API: one session, timeouts, bounded retries, ``Retry-After``.

Every call has a timeout; transient faults (429, 408, 500/502/503/504, dropped connections,
timeouts) are retried a bounded number of times within one time budget, honouring
``Retry-After``. It knows nothing of zones or records.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters

from certbot_dns_dnscale._internal.errors import DNScaleError, RateLimitedError, TransportError
from certbot_dns_dnscale._internal.redact import describe_error, redact
from certbot_dns_dnscale._internal.responses import JSONObject, data_of, snippet

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0
CONNECTION_POOL_SIZE = 10
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

ReplayCheck = Callable[[float], JSONObject | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The budget bounds the whole call, retries and waits included."""

    max_attempts: int = 8
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0
    max_retry_after_seconds: float = 30.0
    budget_seconds: float = 90.0


@dataclass(frozen=True)
class _Failure:
    """A request that got no HTTP answer."""

    error: TransportError
    retryable: bool


def _equal_jitter(delay_seconds: float) -> float:
    return delay_seconds * random.uniform(0.5, 1.0)  # noqa: S311 - not for security


class Transport:
    """Sends requests to one DNScale API base URL (``https://api.dnscale.eu/v1``) with one
    token, and returns the success envelope's ``data`` or raises a ``DNScaleError``."""

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
        self._secrets = (api_token,)
        self.policy = retry_policy or RetryPolicy()
        self._sleep = sleep if sleep is not None else time.sleep  # looked up late: tests patch it
        self.clock = clock
        self._jitter = jitter
        self._pause_until = 0.0  # a 429's Retry-After holds back every thread, not just one
        self._pause_lock = threading.Lock()
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=CONNECTION_POOL_SIZE)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        if self.base_url.startswith("http://"):
            # Plain http is for a loopback sandbox only: a proxy from the environment would
            # see the Authorization header in clear.
            self._session.trust_env = False
        self._session.headers.update(
            {
                "Authorization": f"Bearer {api_token}",
                "Accept": "application/json",
                "User-Agent": user_agent,
            }
        )

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: JSONObject | None = None,
        deadline: float | None = None,
        replay_check: ReplayCheck | None = None,
        policy: RetryPolicy | None = None,
    ) -> JSONObject:
        """One API call with bounded retries; returns the envelope's ``data``.

        ``replay_check`` is for calls that are not idempotent: before sending again after a
        failure the server may have acted on, it is asked whether the effect is already there.
        ``policy`` replaces the transport's own for this call (cleanup waits out longer limits).
        """
        policy = policy or self.policy
        if deadline is None:
            deadline = self.clock() + policy.budget_seconds
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
            delay = self._retry_delay(failure, attempt, deadline, policy)
            if delay is None:
                failure.attempts = attempt
                raise failure
            logger.info(
                "DNScale API %s %s failed (%s); retrying in %.1f s (attempt %d of %d)",
                method, path, failure, delay, attempt + 1, policy.max_attempts,
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
        self._wait_out_rate_limit(method, path, deadline)
        remaining = deadline - self.clock()
        if remaining <= 0:
            return TransportError(f"{method} {path}: no time left in the retry budget")
        url = self.base_url + path
        timeout = (min(CONNECT_TIMEOUT_SECONDS, remaining), min(READ_TIMEOUT_SECONDS, remaining))
        logger.debug("DNScale API -> %s %s params=%s body=%s", method, url, params, body)
        started = self.clock()
        response = self._send(method, url, params, body, timeout)
        if isinstance(response, _Failure):
            if response.retryable:
                return response.error
            raise response.error  # raised here, not in an except block: nothing chained to it
        logger.debug(
            "DNScale API <- %s %s: HTTP %d in %.0f ms (request id %s): %s",
            method, url, response.status_code, (self.clock() - started) * 1000,
            response.headers.get("X-Request-ID", "-"), self._redact(snippet(response.text, 500)),
        )  # fmt: skip
        try:
            return data_of(response)
        except DNScaleError as err:
            err.message = self._redact(err.message)  # an answer may echo the request's headers
            err.args = (err.message,)
            if err.status == 429 and err.retry_after_seconds is not None:
                self._pause_everyone(err.retry_after_seconds)
            if err.status in RETRYABLE_STATUSES:
                return err
            raise

    def _send(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        body: JSONObject | None,
        timeout: tuple[float, float],
    ) -> requests.Response | _Failure:
        """The response, or the failure described without anything secret: requests'
        InvalidHeader, for one, quotes the whole Authorization header."""
        try:
            return self._session.request(
                method, url, params=params, json=body, timeout=timeout, allow_redirects=False
            )
        except requests.exceptions.SSLError as err:
            message = f"TLS failure talking to {url}: {self._describe(err)}"
            return _Failure(TransportError(message), retryable=False)
        except (requests.ConnectionError, requests.Timeout) as err:
            return _Failure(TransportError(f"{method} {url}: {self._describe(err)}"), True)
        except requests.RequestException as err:
            return _Failure(TransportError(f"{method} {url}: {self._describe(err)}"), False)

    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def _describe(self, err: BaseException) -> str:
        return describe_error(err, self._secrets)

    def _pause_everyone(self, seconds: float) -> None:
        with self._pause_lock:
            self._pause_until = max(self._pause_until, self.clock() + seconds)

    def _wait_out_rate_limit(self, method: str, path: str, deadline: float) -> None:
        """Hold this call back while DNScale's ``Retry-After`` lasts; when it lasts beyond the
        call's deadline, fail at once instead of sleeping through the budget for nothing."""
        with self._pause_lock:
            now = self.clock()
            pause_until = self._pause_until
        if pause_until <= now:
            return
        if pause_until >= deadline:
            raise RateLimitedError(
                f"{method} {path}: DNScale asked to wait {pause_until - now:.0f} s more before "
                f"the next request, longer than this call may take "
                f"({max(0.0, deadline - now):.0f} s)",
                status=429,
                retry_after_seconds=pause_until - now,
            )
        self._sleep(pause_until - now)

    def _retry_delay(
        self, failure: DNScaleError, attempt: int, deadline: float, policy: RetryPolicy
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when it is time to give up."""
        if attempt >= policy.max_attempts:
            return None
        if failure.retry_after_seconds is not None:
            if failure.retry_after_seconds > policy.max_retry_after_seconds:
                return None
            delay = failure.retry_after_seconds
        else:
            backoff = policy.base_delay_seconds * 2 ** (attempt - 1)
            delay = self._jitter(min(backoff, policy.max_delay_seconds))
        if self.clock() + delay >= deadline:
            return None
        return delay

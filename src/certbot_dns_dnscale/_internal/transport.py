"""HTTP transport to the DNScale API: one session, a deadline per call, bounded retries,
``Retry-After``.

Every call has one deadline covering all of it: each exchange (connect, headers and body, see
``exchange``), the retries and the waits between them. Transient faults (429, 408,
500/502/503/504, dropped connections, timeouts) are retried a bounded number of times within
it, honouring ``Retry-After``. The calls running can be stopped from outside (cleanup after an
interruption). It knows nothing of zones or records.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import requests.adapters

from certbot_dns_dnscale._internal.errors import (
    CancelledCallError,
    DNScaleError,
    RateLimitedError,
    TransportError,
)
from certbot_dns_dnscale._internal.exchange import Exchange, Failure, Timeouts
from certbot_dns_dnscale._internal.responses import Answer, JSONObject, data_of, quote_value
from certbot_dns_dnscale._internal.retry import RetryPolicy, equal_jitter, retry_delay

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
READ_TIMEOUT_SECONDS = 10.0  # each wait for bytes; the call's deadline bounds the whole answer
CONNECTION_POOL_SIZE = 10
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
LOGGED_ANSWER_CHARS = 500

ReplayCheck = Callable[[float], JSONObject | None]


class _Call:
    """One running call, as seen by whoever may have to stop it; ``budget_seconds``: how long
    it may take in all (from its start to its deadline)."""

    def __init__(self, budget_seconds: float) -> None:
        self.budget_seconds = budget_seconds
        self._lock = threading.Lock()
        self._exchange: Exchange | None = None
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            exchange = self._exchange
        if exchange is not None:
            exchange.interrupt()

    def attach(self, exchange: Exchange) -> bool:
        """Make ``exchange`` the one :meth:`cancel` interrupts; False when already cancelled."""
        with self._lock:
            self._exchange = exchange
            return not self.cancelled


@dataclass(frozen=True)
class _Request:
    """One API call as its attempts send it; ``deadline``: the ``clock`` time it must end by."""

    method: str
    path: str
    params: dict[str, Any] | None
    body: JSONObject | None
    deadline: float

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


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
        jitter: Callable[[float], float] = equal_jitter,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._secrets = (api_token,)
        self.policy = retry_policy or RetryPolicy()
        self._sleep = sleep if sleep is not None else time.sleep  # looked up late: tests patch it
        self.clock = clock
        self._jitter = jitter
        self._pause_until = 0.0  # a 429's Retry-After holds back every thread, not just one
        self._pause_lock = threading.Lock()
        self._running: set[_Call] = set()
        self._running_lock = threading.Lock()
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

    def cancel_running(self) -> None:
        """Stop every call running now: at once where it waits for an answer, else before its
        next attempt. It raises :class:`CancelledCallError`; calls made later are not affected."""
        with self._running_lock:
            running = list(self._running)
        for call in running:
            call.cancel()

    def quote(self, value: object) -> str:
        """A value from an answer as ``repr`` for a message: bounded and redacted."""
        return quote_value(value, self._secrets)

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
        An error that leaves open whether the server acted says so in ``may_have_taken_effect``.
        """
        policy = policy or self.policy
        if deadline is None:
            deadline = self.clock() + policy.budget_seconds
        call = _Call(round(deadline - self.clock(), 1))
        with self._running_lock:
            self._running.add(call)
        try:
            return self._call(
                call, _Request(method, path, params, body, deadline), replay_check, policy
            )
        finally:
            with self._running_lock:
                self._running.discard(call)

    def _call(
        self, call: _Call, request: _Request, replay_check: ReplayCheck | None, policy: RetryPolicy
    ) -> JSONObject:
        attempt = 0
        uncertain = False  # an attempt may have taken effect, and no look since says otherwise
        while True:
            attempt += 1
            try:
                failure = self._attempt(call, request)
            except DNScaleError as err:
                err.attempts = attempt
                err.may_have_taken_effect = err.may_have_taken_effect or uncertain
                raise
            if isinstance(failure, dict):
                return failure
            uncertain = uncertain or failure.may_have_taken_effect
            delay = retry_delay(
                failure, attempt, request.deadline, policy, clock=self.clock, jitter=self._jitter
            )
            if call.cancelled:
                failure = CancelledCallError(f"{request}: stopped after {failure}")
                delay = None
            if delay is None:
                failure.attempts = attempt
                failure.may_have_taken_effect = uncertain
                raise failure
            logger.info(
                "DNScale API %s failed (%s); retrying in %.1f s (attempt %d of %d)",
                request, failure, delay, attempt + 1, policy.max_attempts,
            )  # fmt: skip
            self._sleep(delay)
            if replay_check is not None and failure.status != 429 and not call.cancelled:
                stored = replay_check(request.deadline)
                if stored is not None:
                    logger.info("DNScale API %s had taken effect before it failed", request)
                    return stored
                uncertain = False

    def _attempt(self, call: _Call, request: _Request) -> JSONObject | DNScaleError:
        """Send once: the ``data`` of a success, or the failure (raised only if not retryable)."""
        self._wait_out_rate_limit(request)
        if request.deadline - self.clock() <= 0:
            return TransportError(f"{request}: no time left in the retry budget")
        url = self.base_url + request.path
        logger.debug(
            "DNScale API -> %s %s params=%s body=%s", request.method, url, request.params,
            request.body,
        )  # fmt: skip
        started = self.clock()
        answer = self._send(call, request, url)
        if isinstance(answer, Failure):
            if answer.retryable:
                return answer.error
            raise answer.error  # raised here, not in an except block: nothing chained to it
        logger.debug(
            "DNScale API <- %s %s: HTTP %d in %.0f ms (request id %s): %s",
            request.method, url, answer.status, (self.clock() - started) * 1000,
            answer.request_id or "-", answer.excerpt(LOGGED_ANSWER_CHARS),
        )  # fmt: skip
        try:
            return data_of(answer)
        except DNScaleError as err:
            err.may_have_taken_effect = answer.status >= 500  # a gateway's 5xx may come after
            if err.status == 429 and err.retry_after_seconds is not None:
                self._pause_everyone(err.retry_after_seconds)
            if err.status in RETRYABLE_STATUSES:
                return err
            raise

    def _send(self, call: _Call, request: _Request, url: str) -> Answer | Failure:
        """The answer, or the failure (described without anything secret)."""
        timeouts = Timeouts(CONNECT_TIMEOUT_SECONDS, READ_TIMEOUT_SECONDS, request.deadline)
        exchange = Exchange(self._session, self._secrets, self.clock, timeouts)
        if not call.attach(exchange):
            cancelled = CancelledCallError(f"{request.method} {url}: stopped before it was sent")
            return Failure(cancelled, retryable=False)
        return exchange.start(request.method, url, request.params, request.body).wait(
            call.budget_seconds
        )

    def _pause_everyone(self, seconds: float) -> None:
        with self._pause_lock:
            self._pause_until = max(self._pause_until, self.clock() + seconds)

    def _wait_out_rate_limit(self, request: _Request) -> None:
        """Hold this call back while DNScale's ``Retry-After`` lasts; when it lasts beyond the
        call's deadline, fail at once instead of sleeping through the budget for nothing."""
        with self._pause_lock:
            now = self.clock()
            pause_until = self._pause_until
        deadline = request.deadline
        if pause_until <= now:
            return
        if pause_until >= deadline:
            raise RateLimitedError(
                f"{request}: DNScale asked to wait {pause_until - now:.0f} s more before "
                f"the next request, longer than this call may take "
                f"({max(0.0, deadline - now):.0f} s)",
                status=429,
                retry_after_seconds=pause_until - now,
            )
        self._sleep(pause_until - now)

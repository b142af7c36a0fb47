"""One HTTP exchange with the API under a hard deadline and a cap on the answer's size.

requests' timeouts bound each wait for the next bytes, not the answer: a server (or a proxy in
front of it) that sends a byte every few seconds, or a chunked body that never ends, would hold
the call for ever. So the whole exchange (connect, request, headers, body) runs on a thread of
its own and the caller waits for it until the deadline at most; the body is read as a stream
(``answer_body``), counted after decompression, every wait for it bounded by what is left of the
deadline, and the connection is shut when the caller stops waiting.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
import urllib3.exceptions

from certbot_dns_dnscale._internal.answer_body import (
    limit_next_wait,
    pieces,
    refuse_announced_oversize,
    refuse_received_oversize,
    socket_of,
)
from certbot_dns_dnscale._internal.errors import (
    CancelledCallError,
    DeadlineError,
    DNScaleError,
    MalformedResponseError,
    TransportError,
)
from certbot_dns_dnscale._internal.redact import describe_error, redact_url
from certbot_dns_dnscale._internal.responses import Answer, JSONObject

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """The bounds of one exchange: each wait to connect and for bytes, and the deadline (a
    ``clock`` time) for all of it."""

    connect_seconds: float
    read_seconds: float
    deadline: float


@dataclass(frozen=True)
class Failure:
    """An exchange that got no usable HTTP answer; ``retryable``: worth sending again."""

    error: DNScaleError
    retryable: bool


class _StoppedError(Exception):
    """The caller stopped waiting: the exchange's thread ends its read here."""


class Exchange:
    """One request and its answer, on a daemon thread; :meth:`wait` is the caller's side.

    A daemon thread: one held by a server that never answers cannot keep the process alive.
    """

    def __init__(
        self,
        session: requests.Session,
        secrets: tuple[str, ...],
        clock: Callable[[], float],
        timeouts: Timeouts,
    ) -> None:
        self._session = session
        self._secrets = secrets
        self._clock = clock
        self._timeouts = timeouts
        self._deadline = timeouts.deadline
        self._lock = threading.Lock()
        self._settled = threading.Event()  # the outcome is there, or the caller was interrupted
        self._outcome_value: Answer | Exception | None = None
        self._method = self._url = self._what = ""
        self._response: requests.Response | None = None
        self._stopped = False
        self._interrupted = False
        self._status: int | None = None
        self._received_bytes = 0

    def start(
        self, method: str, url: str, params: dict[str, Any] | None, body: JSONObject | None
    ) -> Exchange:
        self._method, self._url, self._what = method, url, f"{method} {url}"
        thread = threading.Thread(
            target=self._run, args=(method, url, params, body), name="dnscale-api", daemon=True
        )
        thread.start()
        return self

    def interrupt(self) -> None:
        """Stop waiting for this exchange (from another thread): :meth:`wait` gives a
        :class:`CancelledCallError` failure at once."""
        with self._lock:
            self._interrupted = True
        self._settled.set()

    def wait(self, budget_seconds: float) -> Answer | Failure:
        """The answer, once complete, or the failure: what the exchange raised, or a
        :class:`DeadlineError` when the deadline comes first (``budget_seconds``: how long the
        call was given, for the message)."""
        try:
            return self._outcome(budget_seconds)
        except (DeadlineError, CancelledCallError) as err:
            err.may_have_taken_effect = True
            return Failure(err, retryable=False)
        except MalformedResponseError as err:
            return Failure(err, retryable=False)
        except requests.exceptions.SSLError as err:
            message = f"TLS failure talking to {self._url}: {self._describe(err)}"
            return Failure(TransportError(message), retryable=False)
        except (
            requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError
        ) as err:  # fmt: skip
            failure = TransportError(f"{self._what}: {self._describe(err)}")
            failure.may_have_taken_effect = not _never_sent(err)
            return Failure(failure, retryable=True)
        except requests.RequestException as err:
            return Failure(TransportError(f"{self._what}: {self._describe(err)}"), False)

    def _outcome(self, budget_seconds: float) -> Answer:
        self._settled.wait(max(0.0, self._deadline - self._clock()))
        with self._lock:
            outcome, interrupted = self._outcome_value, self._interrupted
        if isinstance(outcome, Answer):
            return outcome
        if isinstance(outcome, Exception) and not self._ended_by_deadline(outcome):
            raise outcome
        received = self.received()
        self._stop()
        what = f"{self._method} {redact_url(self._url)}"
        if interrupted:
            raise CancelledCallError(f"{what}: stopped after receiving {received}")
        raise DeadlineError(
            f"{what}: no complete answer within the {budget_seconds:g} s this call may take "
            f"(received {received})"
        )

    def _ended_by_deadline(self, err: Exception) -> bool:
        """Whether a wait for bytes that the deadline bounded ended with it: the deadline came,
        not a network fault, though the exchange's thread may tell of it first (a read timeout)."""
        if not isinstance(err, (requests.Timeout, requests.ConnectionError)):
            return False
        return not _never_sent(err) and self._clock() >= self._deadline

    def _describe(self, err: BaseException) -> str:
        """An error's text without anything secret: requests' InvalidHeader, for one, quotes
        the whole Authorization header."""
        return describe_error(err, self._secrets)

    def received(self) -> str:
        """What has come so far, for messages: ``HTTP 200 headers and 1234 bytes of the body``."""
        with self._lock:
            status, received = self._status, self._received_bytes
        if status is None:
            return "no answer"
        return f"HTTP {status} headers and {received} bytes of the body"

    # -- the exchange's own thread -------------------------------------------------------------

    def _run(
        self, method: str, url: str, params: dict[str, Any] | None, body: JSONObject | None
    ) -> None:
        try:
            outcome: Answer | Exception = self._talk(method, url, params, body)
        except _StoppedError:
            return
        except Exception as err:  # noqa: BLE001 - handed over: the caller's wait raises it
            outcome = err
        with self._lock:
            self._outcome_value = outcome
        self._settled.set()

    def _talk(
        self, method: str, url: str, params: dict[str, Any] | None, body: JSONObject | None
    ) -> Answer:
        remaining = self._deadline - self._clock()
        timeout = (
            min(self._timeouts.connect_seconds, remaining),
            min(self._timeouts.read_seconds, remaining),
        )
        response = self._session.request(
            method, url, params=params, json=body, timeout=timeout, allow_redirects=False,
            stream=True,
        )  # fmt: skip
        with response:
            with self._lock:
                self._response, self._status = response, response.status_code
                stopped = self._stopped
            if stopped:
                raise _StoppedError
            refuse_announced_oversize(response)
            content = self._read_body(response)
        return Answer(
            method=method,
            url=str(response.url),
            status=response.status_code,
            reason=response.reason or "",
            headers=response.headers,
            body=content,
            secrets=self._secrets,
        )

    def _read_body(self, response: requests.Response) -> bytes:
        """The body, decompressed, read in chunks: after each, the cap and the deadline are
        checked and the next wait for bytes is bounded by what is left of the deadline."""
        chunks = []
        for chunk in pieces(response):
            with self._lock:
                self._received_bytes += len(chunk)
                received, stopped = self._received_bytes, self._stopped
            if stopped:
                raise _StoppedError
            refuse_received_oversize(response, received)
            chunks.append(chunk)
            remaining = self._deadline - self._clock()
            limit_next_wait(response, min(self._timeouts.read_seconds, remaining))
        return b"".join(chunks)

    def _stop(self) -> None:
        """Make the exchange's thread end: it checks the flag between chunks, and a wait for
        bytes it is in ends when the connection is shut."""
        with self._lock:
            self._stopped = True
            response = self._response
        sock = socket_of(response)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def _never_sent(err: requests.RequestException) -> bool:
    """Whether the request surely never reached the server: no connection was made (refused,
    no address, connect timeout)."""
    if isinstance(err, requests.ConnectTimeout):
        return True
    reason = getattr(err.args[0] if err.args else None, "reason", None)
    return isinstance(reason, urllib3.exceptions.ConnectTimeoutError)  # NewConnectionError too

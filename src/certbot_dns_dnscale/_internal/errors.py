"""The DNScale client's exceptions: one family, each carrying what support and users need.

These know nothing of certbot; the authenticator turns them into ``PluginError`` sentences.
"""

from __future__ import annotations


class DNScaleError(Exception):
    """Anything that went wrong talking to the DNScale API."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        attempts: int = 1,
        retry_after_seconds: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.request_id = request_id
        self.attempts = attempts
        self.retry_after_seconds = retry_after_seconds
        # The request may have reached DNScale without its answer reaching us (a timeout, a
        # dropped connection, a gateway's 5xx): what it asked for may have been done.
        self.may_have_taken_effect = False

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}" + (f" {self.code}" if self.code else ""))
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        if self.attempts > 1:
            parts.append(f"after {self.attempts} attempts")
        return parts[0] if len(parts) == 1 else f"{parts[0]} ({', '.join(parts[1:])})"


class ApiError(DNScaleError):
    """The API answered with an error status (4xx/5xx, or a 2xx whose envelope says error)."""


class NotFoundError(ApiError):
    """HTTP 404: the zone or record does not exist (any more)."""


class ConflictError(ApiError):
    """HTTP 409: most often, the exact value is already there."""


class RateLimitedError(ApiError):
    """HTTP 429, still rate limited once the retries were spent."""


class TransportError(DNScaleError):
    """No usable HTTP answer: connection refused or dropped, DNS failure, timeout, TLS error."""


class DeadlineError(TransportError):
    """The call's time budget ran out before its answer was complete (a server or proxy that
    trickles, or never ends, its answer)."""


class CancelledCallError(TransportError):
    """The call was stopped from outside (cleanup after an interruption) before it ended."""


class MalformedResponseError(DNScaleError):
    """An answer that is not the DNScale JSON envelope: a proxy's HTML page, the wrong shape."""


class ChallengeError(Exception):
    """A challenge this run cannot answer; the message says what failed and how to fix it.

    The batch raises it without knowing certbot; the authenticator turns it into a
    ``PluginError`` with the same message.
    """

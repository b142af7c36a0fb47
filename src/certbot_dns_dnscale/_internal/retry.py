"""How hard one API call tries: the retry policy, and the wait before the next attempt.

The wait honours the server's ``Retry-After`` up to a bound, otherwise backs off exponentially
with jitter; a wait that would reach the call's deadline means giving up instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from certbot_dns_dnscale._internal.errors import DNScaleError


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The budget bounds the whole call, retries and waits included."""

    max_attempts: int = 8
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 8.0
    max_retry_after_seconds: float = 30.0
    budget_seconds: float = 90.0


def equal_jitter(delay_seconds: float) -> float:
    return delay_seconds * random.uniform(0.5, 1.0)  # noqa: S311 - not for security


def retry_delay(
    failure: DNScaleError,
    attempt: int,
    deadline: float,
    policy: RetryPolicy,
    *,
    clock: Callable[[], float],
    jitter: Callable[[float], float],
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
        delay = jitter(min(backoff, policy.max_delay_seconds))
    if clock() + delay >= deadline:
        return None
    return delay

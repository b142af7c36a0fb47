"""A batch's API calls on a small pool, each one remembered while it is in flight, so that a
cleanup after an interruption (SIGTERM, Ctrl-C) can let them finish or stop them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent import futures
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

CONCURRENT_API_CALLS = 4  # small: DNScale's rate limits are not published
IN_FLIGHT_GRACE_SECONDS = 10.0
"""After an interruption, how long creates still on their way may take to finish before they are
stopped: an answer already coming arrives well within it, and it leaves most of a service
manager's stop timeout (systemd's is 90 s) to the deletes."""

Item = TypeVar("Item")
Result = TypeVar("Result")


class CallPool:
    """Runs calls ``CONCURRENT_API_CALLS`` at a time and keeps every one it started."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: list[futures.Future[Any]] = []

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> list[Result]:
        """``function`` over ``items`` on a small pool; all run to the end, then the first error
        (in item order) is raised, so that nothing is left half-done and unrecorded."""
        with ThreadPoolExecutor(max_workers=CONCURRENT_API_CALLS) as pool:
            submitted = self._submit(pool, function, items)
        for future in submitted:
            error = future.exception()
            if error is not None:
                raise error
        return [future.result() for future in submitted]

    def settle(self, stop: Callable[[], None], seconds_left: Callable[[], float]) -> None:
        """Give the calls still in flight ``IN_FLIGHT_GRACE_SECONDS`` to finish; then ``stop``
        them, and wait for them to end for ``seconds_left()`` at most."""
        with self._lock:
            in_flight = list(self._in_flight)
        _, pending = futures.wait(in_flight, timeout=IN_FLIGHT_GRACE_SECONDS)
        if pending:
            stop()
            futures.wait(pending, timeout=seconds_left())

    def _submit(
        self, pool: ThreadPoolExecutor, function: Callable[[Item], Result], items: Iterable[Item]
    ) -> list[futures.Future[Result]]:
        """Submit and register as in flight under the lock that :meth:`settle` takes to look: no
        call can be running yet unseen by a cleanup that arrives meanwhile."""
        with self._lock:
            submitted = [pool.submit(function, item) for item in items]
            self._in_flight.extend(submitted)
        return submitted

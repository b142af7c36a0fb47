"""Fault injection for the sandbox API: random (seeded, reproducible) and scripted."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

# "drop": the connection closes before the request is handled; "lost": the request is handled
# (a record is stored) and then the connection closes, so the answer is lost; "slow": the answer
# comes after ``slow_seconds``.
FAULT_KINDS = ("429", "500", "502", "503", "drop", "lost", "slow")
# Only when scripted (a hostile network, not noise): "trickle": the request is handled (a record
# is stored), then the answer's headers come at once and its body one byte every
# ``trickle_interval_seconds``; "echo": a 400 error whose request id, message and details repeat
# the request's Authorization header, as a broken proxy may.
SCRIPTED_FAULT_KINDS = (*FAULT_KINDS, "trickle", "echo")


@dataclass
class _Scripted:
    kind: str
    method: str | None
    route: str | None
    times: int


class FaultPlan:
    """Decides, request by request, whether and how to misbehave."""

    def __init__(
        self,
        rate: float = 0.0,
        kinds: tuple[str, ...] = FAULT_KINDS,
        *,
        seed: int = 0,
        retry_after_seconds: int = 1,
        slow_seconds: float = 3.0,
        trickle_interval_seconds: float = 1.0,
    ) -> None:
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown or not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be 0..1 and kinds among {FAULT_KINDS}")
        self.rate = rate
        self.kinds = kinds
        self.retry_after_seconds = retry_after_seconds
        self.slow_seconds = slow_seconds
        self.trickle_interval_seconds = trickle_interval_seconds
        self._random = random.Random(seed)  # noqa: S311 - reproducible noise, not security
        self._scripted: list[_Scripted] = []
        self._lock = threading.Lock()

    def script(
        self, kind: str, *, method: str | None = None, route: str | None = None, times: int = 1
    ) -> None:
        """Fault the next ``times`` requests that match ``method`` and ``route`` (a template)."""
        if kind not in SCRIPTED_FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}")
        with self._lock:
            self._scripted.append(_Scripted(kind, method, route, times))

    def draw(self, method: str, route: str) -> str | None:
        with self._lock:
            for entry in self._scripted:
                if entry.method in (None, method) and entry.route in (None, route):
                    entry.times -= 1
                    if entry.times <= 0:
                        self._scripted.remove(entry)
                    return entry.kind
            if self.rate and self._random.random() < self.rate:
                return self._random.choice(self.kinds)
        return None

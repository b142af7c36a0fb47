"""``with Thing() as thing:`` for the sandbox's servers and processes."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

Started = TypeVar("Started", bound="Lifecycle")


class Lifecycle:
    """Subclasses define start() (returning self) and stop(); ``with`` calls both."""

    def start(self: Started) -> Started:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: Started) -> Started:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

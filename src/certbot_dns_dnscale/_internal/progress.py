"""One status line that updates in place on a terminal, and stays quiet in cron logs."""

from __future__ import annotations

import sys
from typing import TextIO

from certbot.display import util as display_util


class ProgressLine:
    """On a terminal, ``update`` rewrites the line; elsewhere only ``finish`` prints."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._interactive = self._stream.isatty()
        self._width = 0

    def update(self, message: str) -> None:
        if self._interactive:
            self._stream.write("\r" + message.ljust(self._width))
            self._stream.flush()
            self._width = len(message)

    def finish(self, message: str) -> None:
        if self._interactive and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
        display_util.notify(message)

"""The waiting line: rewritten in place on a terminal, silent until the end elsewhere."""

from __future__ import annotations

import io

from certbot_dns_dnscale._internal.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_update_rewrites_the_line(display: io.StringIO) -> None:
    terminal = Terminal()
    line = ProgressLine(terminal)
    line.update("Waiting: 1 of 2")
    line.update("Waiting: 2")
    assert terminal.getvalue() == "\rWaiting: 1 of 2\rWaiting: 2     "


def test_on_a_terminal_finish_clears_the_line_and_notifies(display: io.StringIO) -> None:
    terminal = Terminal()
    line = ProgressLine(terminal)
    line.update("Waiting")
    line.finish("Done after 3.0 s.")
    assert terminal.getvalue().endswith("\r       \r")
    assert display.getvalue() == "Done after 3.0 s.\n"


def test_off_a_terminal_only_the_final_line_is_printed(display: io.StringIO) -> None:
    log = io.StringIO()
    line = ProgressLine(log)
    line.update("Waiting: 1 of 2")
    line.finish("Done.")
    assert log.getvalue() == ""
    assert display.getvalue() == "Done.\n"

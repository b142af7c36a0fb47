"""Reading a small file the user named without trusting what the path really is.

A credentials file, a renewal conf and a certificate are all a few KiB. A path that is a FIFO
would block a plain ``open`` forever, a device (a symlink to ``/dev/zero``) never ends, a huge
file fills memory: :func:`read_small_file` opens without blocking, refuses anything but a
regular file, and reads at most the cap plus one byte. Callers word the error for their file.
"""

from __future__ import annotations

import errno
import os
import stat
from enum import Enum


class Problem(Enum):
    MISSING = "does not exist"
    DENIED = "permission denied"
    DIRECTORY = "is a directory"
    NOT_REGULAR = "is not a regular file (a pipe, socket or device)"
    TOO_LARGE = "is too large"
    OPEN_FAILED = "cannot be opened"
    READ_FAILED = "cannot be read"


class SmallFileError(Exception):
    """Why a file was not read; ``reason`` is the system's wording where there is one."""

    def __init__(self, path: str, problem: Problem, reason: str | None = None) -> None:
        super().__init__(f"{path} {problem.value}" + (f": {reason}" if reason else ""))
        self.path = path
        self.problem = problem
        self.reason = reason or problem.value


def read_small_file(path: str, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``max_bytes``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError as err:
        raise SmallFileError(path, Problem.MISSING, _why(err)) from err
    except PermissionError as err:
        raise SmallFileError(path, Problem.DENIED, _why(err)) from err
    except OSError as err:
        raise SmallFileError(path, Problem.OPEN_FAILED, _why(err)) from err
    try:
        _check_regular_file(os.fstat(fd), path)
        data = _read_at_most(fd, max_bytes + 1, path)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise SmallFileError(path, Problem.TOO_LARGE)
    return data


def _check_regular_file(status: os.stat_result, path: str) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise SmallFileError(path, Problem.DIRECTORY, os.strerror(errno.EISDIR))
    if not stat.S_ISREG(status.st_mode):
        raise SmallFileError(path, Problem.NOT_REGULAR)


def _read_at_most(fd: int, limit: int, path: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while size < limit:
            chunk = os.read(fd, limit - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise SmallFileError(path, Problem.READ_FAILED, _why(err)) from err
    return b"".join(chunks)


def _why(err: OSError) -> str:
    return err.strerror or type(err).__name__

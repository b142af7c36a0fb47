"""The lines of the credentials file, read exactly as certbot reads them.

A regular file of at most MAX_FILE_BYTES (never a FIFO or a device: those would hang or never
end), UTF-8 with an optional byte-order mark, split on ``\\n`` only: the lines certbot's own
``CredentialsConfiguration`` hands configobj. No message quotes a line: it may hold the token.
"""

from __future__ import annotations

import codecs
import io

from certbot import errors

from certbot_dns_dnscale._internal.small_file import Problem, SmallFileError, read_small_file

MAX_FILE_BYTES = 64 * 1024  # a credentials file is a few lines; more is the wrong file
TOKEN_KEY = "dns_dnscale_api_token"  # noqa: S105 - a key name, not a secret
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_lines(path: str) -> list[str]:
    """The file's lines as configobj gets them from certbot."""
    return _decoded_lines(_read_bytes(path), path)


def _read_bytes(path: str) -> bytes:
    """At most MAX_FILE_BYTES of a regular file; never blocks on a FIFO or reads a device."""
    try:
        return read_small_file(path, MAX_FILE_BYTES)
    except SmallFileError as err:
        raise errors.PluginError(_message(path, err)) from err


def _message(path: str, err: SmallFileError) -> str:
    if err.problem is Problem.MISSING:
        return (
            f"Credentials file {path} does not exist. Create it with the line "
            f"'{TOKEN_KEY} = <your token>' and chmod 600, or fix --dns-dnscale-credentials."
        )
    if err.problem is Problem.DENIED:
        return (
            f"Cannot read credentials file {path}: permission denied. Run certbot as a user "
            "that can read it (it should be owned by that user, mode 600)."
        )
    if err.problem is Problem.DIRECTORY:
        return (
            f"Credentials path {path} is a directory; point --dns-dnscale-credentials at the "
            "INI file itself."
        )
    if err.problem is Problem.NOT_REGULAR:
        return (
            f"Credentials path {path} is not a regular file (a pipe, socket or device); point "
            "--dns-dnscale-credentials at the INI file itself."
        )
    if err.problem is Problem.TOO_LARGE:
        return (
            f"Credentials file {path} is larger than {MAX_FILE_BYTES // 1024} KiB: that is not "
            "a credentials file (a few 'key = value' lines). Point --dns-dnscale-credentials "
            "at the right file."
        )
    verb = "read" if err.problem is Problem.READ_FAILED else "open"
    return (
        f"Cannot {verb} credentials file {path}: {err.reason}. "
        "Point --dns-dnscale-credentials at the INI file."
    )


def _decoded_lines(data: bytes, path: str) -> list[str]:
    """The lines configobj makes of the file certbot hands it: split on ``\\n`` only (``\\r``,
    ``\\x0b`` and ``\\u2028`` stay inside their line), a UTF-8 byte-order mark dropped."""
    if data.startswith(_UTF16_BOMS):
        raise errors.PluginError(
            f"Credentials file {path} is UTF-16 encoded; save it as UTF-8 (in Notepad: "
            "Save As, Encoding UTF-8)."
        )
    raw_lines = io.BytesIO(data.removeprefix(codecs.BOM_UTF8)).readlines()
    lines = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise errors.PluginError(
                f"Credentials file {path} is not UTF-8 text (line {number}). Save it as UTF-8 "
                "text; the file must be an INI file of 'key = value' lines."
            ) from None  # the decoder's message quotes bytes of the line
    return lines

"""Removing secrets from text before it reaches a message, a log line or a file.

An exception raised while a request is built or sent may quote the request's headers: requests'
``InvalidHeader`` quotes the whole ``Authorization`` value (``'Bearer <token>'``), and urllib3
quotes URLs, which may carry a ``user:password@`` part. Run any such text through
:func:`redact` before copying it anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Pieces of a secret shorter than this are not masked on their own: they would mask ordinary
# words, and a fragment that short does not give the secret away.
MIN_SECRET_PIECE_CHARS = 6

_QUOTED_BEARER = re.compile(r"""(?i)(['"])(\s*bearer\b)(?:\\.|(?!\1).)*""")
_BEARER = re.compile(r"""(?i)\b(bearer)(\s+)[^\s'"]+""")
_QUOTED_AUTHORIZATION = re.compile(
    r"""(?i)(authorization['"]?\s*[:=]\s*)(['"])(?:\\.|(?!\2).)*\2"""
)
# to the end of the line (a header's value), unless already masked: redacting twice changes
# nothing, and what follows a masked value stays readable
_AUTHORIZATION = re.compile(r"(?i)(authorization\s*[:=](?!\s*(?:['\"]|\*\*\*))\s*)[^\r\n]*")
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@'\"<>]*@")
_SECRET_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f]+")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secrets, ``Bearer`` values, ``Authorization`` header values
    and URL user information (``https://user:pw@host`` -> ``https://***@host``).

    A secret is also removed where it appears escaped (``repr``), and each long enough piece of
    a secret that holds whitespace or control characters is removed on its own, since a message
    may quote it split across lines.
    """
    for variant in _secret_variants(secrets):
        text = text.replace(variant, MASK)
    text = _QUOTED_AUTHORIZATION.sub(rf"\1\2{MASK}\2", text)
    text = _AUTHORIZATION.sub(rf"\1{MASK}", text)
    text = _QUOTED_BEARER.sub(rf"\1\2 {MASK}", text)
    text = _BEARER.sub(rf"\1\2{MASK}", text)
    return _URL_USERINFO.sub(rf"\1{MASK}@", text)


def redact_url(url: str) -> str:
    """``url`` without its ``user:password@`` part: safe to show in a message."""
    return _URL_USERINFO.sub(rf"\1{MASK}@", url)


def describe_error(err: BaseException, secrets: Iterable[str] = ()) -> str:
    """``TypeName: message`` of an exception, redacted: for messages and logs."""
    message = redact(str(err), secrets)
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


def _secret_variants(secrets: Iterable[str]) -> list[str]:
    """Every form in which each secret may show up, longest first so that none is left half."""
    variants: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        variants |= {secret, repr(secret)[1:-1], ascii(secret)[1:-1]}
        pieces = _SECRET_SEPARATORS.split(secret)
        if len(pieces) > 1:
            variants |= {piece for piece in pieces if len(piece) >= MIN_SECRET_PIECE_CHARS}
    return sorted(variants, key=len, reverse=True)

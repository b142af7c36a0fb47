"""Reading the DNScale API's answers: the success envelope's ``data``, or the matching error.

Pure functions over a ``requests.Response``; nothing here sends anything.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import reprlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests.utils

from certbot_dns_dnscale._internal.errors import (
    ApiError,
    ConflictError,
    DNScaleError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
)
from certbot_dns_dnscale._internal.redact import redact, redact_url

BODY_SNIPPET_CHARS = 200
EXCERPT_BYTES_PER_CHAR = 8  # bytes decoded per character of an excerpt: room for markup, spaces
QUOTED_VALUE_CHARS = 300

JSONObject = dict[str, Any]

_QUOTE = reprlib.Repr()
_QUOTE.maxlevel, _QUOTE.maxstring, _QUOTE.maxother = 4, QUOTED_VALUE_CHARS, QUOTED_VALUE_CHARS
_QUOTE.maxlist = _QUOTE.maxdict = 20


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, read whole (within the size cap and the call's deadline).

    This is where the API's words enter: an answer may echo the request's ``Authorization``
    header (a broken proxy does) in a header, its message or anything it lists, so every text
    taken from it for a message, a log line or an exception goes through :meth:`shown`.
    """

    method: str
    url: str
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    secrets: tuple[str, ...] = ()

    def shown(self, text: str) -> str:
        """``text`` from this answer, safe to quote: without the token or any Bearer value."""
        return redact(text, self.secrets)

    def quote(self, value: object) -> str:
        """A value from this answer as ``repr`` for a message: bounded in size and depth (an
        answer may nest deeper than ``repr`` can go) and redacted."""
        return quote_value(value, self.secrets)

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else self.shown(value)

    @property
    def where(self) -> str:
        """``GET https://...``: the request this answers, for messages."""
        return f"{self.method} {self.shown(redact_url(self.url))}"

    def excerpt(self, limit: int) -> str:
        """The start of the body as text, whitespace collapsed, at most ``limit`` characters,
        redacted: for messages and logs.

        Only the first bytes are decoded (an answer may be megabytes long); when that cuts the
        body, the last characters, as many as a secret may take, are dropped too: a secret cut in
        two would not be recognised, and no piece of one may be shown.
        """
        head = self.body[: limit * EXCERPT_BYTES_PER_CHAR]
        text = self._decode(head)
        if len(head) < len(self.body):
            text = text[: max(0, len(text) - max(map(len, map(ascii, self.secrets)), default=0))]
        return snippet(self.shown(text), limit)

    def _decode(self, body: bytes) -> str:
        charset = requests.utils.get_encoding_from_headers(dict(self.headers)) or "utf-8"
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            return body.decode("utf-8", errors="replace")

    @property
    def request_id(self) -> str | None:
        return self.header("X-Request-ID")


def quote_value(value: object, secrets: tuple[str, ...] = ()) -> str:
    return redact(_QUOTE.repr(value), secrets)


def data_of(answer: Answer) -> JSONObject:
    """The ``data`` of a success envelope; raises the matching error otherwise."""
    request_id = answer.request_id
    payload = parse_json(answer.body)
    if 300 <= answer.status < 400:
        raise _redirect_error(answer, request_id)
    if answer.status >= 400:
        raise api_error(answer, payload, request_id)
    if answer.status == 204 or not answer.body:
        return {}
    if not isinstance(payload, dict):
        raise MalformedResponseError(
            f"{answer.where}: expected DNScale's JSON, got {_describe_body(answer)}",
            status=answer.status,
            request_id=request_id,
        )
    if payload.get("status") == "error":
        raise api_error(answer, payload, request_id)
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"{answer.where}: the answer has no 'data' object",
            status=answer.status,
            request_id=request_id,
        )
    return data


def parse_json(body: bytes) -> object:
    """The JSON value of ``body``, or None when it is not JSON Python can read: not JSON at
    all, or nested too deep (``RecursionError``), or a number too long to convert."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _redirect_error(answer: Answer, request_id: str | None) -> DNScaleError:
    """The API never redirects: whatever does is something else, and the token is not sent on."""
    location = redact_url(answer.header("Location") or "nowhere")
    return MalformedResponseError(
        f"{answer.where}: answered with a redirect (HTTP {answer.status}) to {location}, which "
        "was not followed",
        status=answer.status,
        request_id=request_id,
    )


def api_error(answer: Answer, payload: object, request_id: str | None) -> ApiError:
    code, message = _error_details(answer, payload)
    if message is None:
        message = f"{answer.shown(answer.reason) or 'error'}: {_describe_body(answer)}"
    error_class: type[ApiError] = {
        404: NotFoundError,
        409: ConflictError,
        429: RateLimitedError,
    }.get(answer.status, ApiError)
    return error_class(
        message,
        status=answer.status,
        code=code,
        request_id=request_id,
        retry_after_seconds=retry_after_seconds(answer.headers.get("Retry-After")),
    )


def _error_details(answer: Answer, payload: object) -> tuple[str | None, str | None]:
    """The API's error code and message (with its ``details``), redacted."""
    if not isinstance(payload, dict):
        return None, None
    error = payload.get("error")
    if isinstance(error, str):
        return None, answer.shown(error)
    if not isinstance(error, dict):
        message = payload.get("message")
        return None, answer.shown(message) if isinstance(message, str) else None
    code, message = error.get("code"), error.get("message")
    if not isinstance(message, str):
        return answer.shown(code) if isinstance(code, str) else None, None
    details = error.get("details")
    shown = answer.shown(message)
    if isinstance(details, list) and details:
        shown = f"{shown} {answer.quote(details)}"
    return answer.shown(code) if isinstance(code, str) else None, shown


def _describe_body(answer: Answer) -> str:
    content_type = answer.header("Content-Type")
    without_markup = re.sub(r"<[^>]*>", " ", answer.excerpt(BODY_SNIPPET_CHARS * 4))
    text = snippet(without_markup, BODY_SNIPPET_CHARS)
    if not text:
        return f"an empty {content_type} body" if content_type else "an empty body"
    return f"{content_type or 'untyped'} body {text!r}"


def snippet(text: str, limit: int) -> str:
    collapsed = " ".join(text.split())
    return collapsed if len(collapsed) <= limit else collapsed[:limit] + "..."


def retry_after_seconds(header: str | None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if header is None:
        return None
    header = header.strip()
    try:
        seconds = float(header)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

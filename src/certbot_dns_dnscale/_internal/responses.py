"""Reading the DNScale API's answers: the success envelope's ``data``, or the matching error.

Pure functions over a ``requests.Response``; nothing here sends anything.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from typing import Any

import requests

from certbot_dns_dnscale._internal.errors import (
    ApiError,
    ConflictError,
    DNScaleError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
)
from certbot_dns_dnscale._internal.redact import redact_url

BODY_SNIPPET_CHARS = 200

JSONObject = dict[str, Any]


def data_of(response: requests.Response) -> JSONObject:
    """The ``data`` of a success envelope; raises the matching error otherwise."""
    request_id = response.headers.get("X-Request-ID")
    payload = _json_or_none(response)
    if 300 <= response.status_code < 400:
        raise _redirect_error(response, request_id)
    if not response.ok:
        raise api_error(response, payload, request_id)
    if response.status_code == 204 or not response.content:
        return {}
    if not isinstance(payload, dict):
        raise MalformedResponseError(
            f"{response.request.method} {response.url}: expected DNScale's JSON, got "
            f"{_describe_body(response)}",
            status=response.status_code,
            request_id=request_id,
        )
    if payload.get("status") == "error":
        raise api_error(response, payload, request_id)
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"{response.request.method} {response.url}: the answer has no 'data' object",
            status=response.status_code,
            request_id=request_id,
        )
    return data


def _redirect_error(response: requests.Response, request_id: str | None) -> DNScaleError:
    """The API never redirects: whatever does is something else, and the token is not sent on."""
    location = redact_url(response.headers.get("Location") or "nowhere")
    return MalformedResponseError(
        f"{response.request.method} {redact_url(str(response.url))}: answered with a redirect "
        f"(HTTP {response.status_code}) to {location}, which was not followed",
        status=response.status_code,
        request_id=request_id,
    )


def api_error(response: requests.Response, payload: object, request_id: str | None) -> ApiError:
    code, message = _error_details(payload)
    if message is None:
        message = f"{response.reason or 'error'}: {_describe_body(response)}"
    error_class: type[ApiError] = {
        404: NotFoundError,
        409: ConflictError,
        429: RateLimitedError,
    }.get(response.status_code, ApiError)
    return error_class(
        message,
        status=response.status_code,
        code=code,
        request_id=request_id,
        retry_after_seconds=retry_after_seconds(response.headers.get("Retry-After")),
    )


def _error_details(payload: object) -> tuple[str | None, str | None]:
    if not isinstance(payload, dict):
        return None, None
    error = payload.get("error")
    if isinstance(error, str):
        return None, error
    if not isinstance(error, dict):
        message = payload.get("message")
        return None, message if isinstance(message, str) else None
    code, message = error.get("code"), error.get("message")
    details = error.get("details")
    if isinstance(message, str) and isinstance(details, list) and details:
        message = f"{message} {details!r}"
    return (
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
    )


def _json_or_none(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _describe_body(response: requests.Response) -> str:
    content_type = response.headers.get("Content-Type")
    text = snippet(re.sub(r"<[^>]*>", " ", response.text), BODY_SNIPPET_CHARS)
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

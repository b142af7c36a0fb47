"""An answer's body read as a stream: the cap on its size (counted after decompression), the
pieces as they come, and each wait for bytes bounded by the call's deadline. The reading loop is
the :class:`~certbot_dns_dnscale._internal.exchange.Exchange`'s, on the exchange's own thread.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import requests
import urllib3.exceptions

from certbot_dns_dnscale._internal.errors import MalformedResponseError
from certbot_dns_dnscale._internal.redact import redact_url

MAX_ANSWER_BYTES = 8 * 1024 * 1024
"""The largest answer read, counted after decompression. The largest legitimate answer is a page
of 1000 records (the API's page limit); a record is a few hundred bytes of JSON, and about 1.5 KB
even with a 500-character comment and a long TXT value: 1.5 MB a page. 8 MiB is five times
that, and small enough that a hostile answer cannot exhaust memory."""
CHUNK_BYTES = 16 * 1024


def pieces(response: requests.Response) -> Iterator[bytes]:
    """The body as it comes, decompressed: with urllib3 2.3 or later what each read brings (at
    most ``CHUNK_BYTES``), so that progress and the deadline are checked as bytes come; with an
    older urllib3 (Debian 12's 1.26) in pieces of ``CHUNK_BYTES``, where the caller's deadline
    is what bounds a trickle. urllib3's errors are raised as requests raises them."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:
        yield from response.iter_content(CHUNK_BYTES)
        return
    try:
        while piece := read1(CHUNK_BYTES, decode_content=True):
            yield piece
    except urllib3.exceptions.SSLError as err:
        raise requests.exceptions.SSLError(err) from err
    except urllib3.exceptions.ProtocolError as err:
        raise requests.exceptions.ChunkedEncodingError(err) from err
    except urllib3.exceptions.DecodeError as err:
        raise requests.exceptions.ContentDecodingError(err) from err
    except urllib3.exceptions.ReadTimeoutError as err:
        raise requests.exceptions.ConnectionError(err) from err


def refuse_announced_oversize(response: requests.Response) -> None:
    """Refuse before reading a body whose announced length is over the cap."""
    try:
        length = int(response.headers.get("Content-Length") or 0)
    except ValueError:
        return  # requests reads it as a body of unknown length; the cap still holds
    if length > MAX_ANSWER_BYTES:
        raise MalformedResponseError(
            f"{response.request.method} {_shown_url(response)}: the answer announces {length} "
            f"bytes, more than the {_mib(MAX_ANSWER_BYTES)} an answer of the DNScale API may "
            "have; not read",
            status=response.status_code,
        )


def refuse_received_oversize(response: requests.Response, received_bytes: int) -> None:
    """Stop reading a body that has grown past the cap."""
    if received_bytes > MAX_ANSWER_BYTES:
        raise MalformedResponseError(
            f"{response.request.method} {_shown_url(response)}: the answer is larger than "
            f"the {_mib(MAX_ANSWER_BYTES)} an answer of the DNScale API may have; stopped "
            f"reading it after {received_bytes} bytes",
            status=response.status_code,
        )


def socket_of(response: requests.Response | None) -> socket.socket | None:
    """The socket an answer is read from, when urllib3 lets us see it (1.26 and 2.x do)."""
    if response is None:
        return None
    connection = getattr(response.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def limit_next_wait(response: requests.Response, seconds: float) -> None:
    """requests' read timeout restarts with every byte: bound the next wait by the deadline."""
    sock = socket_of(response)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _shown_url(response: requests.Response) -> str:
    return redact_url(str(response.url))


def _mib(size_bytes: int) -> str:
    return f"{size_bytes / 1024 / 1024:g} MiB"

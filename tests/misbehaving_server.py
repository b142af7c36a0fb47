"""An HTTP server on 127.0.0.1 that misbehaves on purpose, as a hostile network or a broken
proxy in front of the DNScale API would: it trickles, never ends, lies about sizes, bombs,
nests, pages for ever and echoes the request's headers.

Each path is given a behaviour (a function writing the whole answer); every request is
recorded, and so is how many body bytes each behaviour managed to send before the client went
away. Behaviours that would go on for ever stop when the server stops.
"""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Behaviour = Callable[["Handler"], None]
TRICKLE_INTERVAL_SECONDS = 0.2


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class MisbehavingServer:
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    sent_bytes: list[int] = field(default_factory=list)  # body bytes each answer got out
    stopping: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def serve(self, path: str, behaviour: Behaviour) -> None:
        """Answer requests to ``/v1`` + ``path`` (any method) with ``behaviour``."""
        self.behaviours["/v1" + path] = behaviour

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == "/v1" + path]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: MisbehavingServer  # set on the subclass made per server
    request_body = b""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        self.request_body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        state = self.server_state
        state.seen.append(
            Seen(self.command, url.path, parse_qs(url.query), dict(self.headers.items()))
        )
        behaviour = state.behaviours.get(url.path, not_found)
        self.sent = 0
        try:
            behaviour(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is what these answers are for
        finally:
            state.sent_bytes.append(self.sent)
        self.close_connection = True

    # -- helpers for behaviours ------------------------------------------------------------------

    def head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()

    def body(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()
        self.sent += len(data)

    def pause(self, seconds: float) -> bool:
        """Wait; False once the server is stopping (the behaviour should end)."""
        return not self.server_state.stopping.wait(seconds)

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.path).query)


@contextmanager
def misbehaving_server() -> Iterator[MisbehavingServer]:
    state = MisbehavingServer()
    handler = type("BoundHandler", (Handler,), {"server_state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


# -- behaviours ----------------------------------------------------------------------------------


def not_found(handler: Handler) -> None:
    json_answer(404, {"status": "error", "error": {"code": "NOT_FOUND", "message": "no route"}})(
        handler
    )


def json_answer(status: int, payload: object, headers: dict[str, str] | None = None) -> Behaviour:
    return raw_answer(status, json.dumps(payload).encode(), headers)


def raw_answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> Behaviour:
    def behave(handler: Handler) -> None:
        handler.head(
            status,
            {
                "Content-Type": "application/json",
                "Content-Length": str(len(body)),
                **(headers or {}),
            },
        )
        handler.body(body)

    return behave


def envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {"status": "success", "data": data}


def trickle(body: bytes, interval_seconds: float = TRICKLE_INTERVAL_SECONDS) -> Behaviour:
    """The headers at once (with the body's true length), then one byte per interval: each
    byte arrives well within any read timeout, the whole never within a call's budget."""

    def behave(handler: Handler) -> None:
        handler.head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        for index in range(len(body)):
            if not handler.pause(interval_seconds):
                return
            handler.body(body[index : index + 1])

    return behave


def trickled_headers(interval_seconds: float = TRICKLE_INTERVAL_SECONDS) -> Behaviour:
    """A status line, then header lines one byte at a time, for ever."""

    def behave(handler: Handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        while handler.pause(interval_seconds):
            handler.wfile.write(b"X")
            handler.wfile.flush()

    return behave


def endless_chunks(chunk: bytes = b" ", interval_seconds: float = 0.01) -> Behaviour:
    """A chunked body that never ends: a small chunk after another."""

    def behave(handler: Handler) -> None:
        handler.head(200, {"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
        handler.body(b"%x\r\n{\r\n" % 1)
        while handler.pause(interval_seconds):
            handler.body(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    return behave


def announced_length(length: int) -> Behaviour:
    """Headers announcing ``length`` bytes, then a little of a body that never comes whole."""

    def behave(handler: Handler) -> None:
        handler.head(200, {"Content-Type": "application/json", "Content-Length": str(length)})
        handler.body(b'{"status": "success", "data": {"zones": [')
        handler.pause(30)

    return behave


def flood(total_bytes: int, piece: bytes = b" " * 65536) -> Behaviour:
    """``total_bytes`` of body as fast as the client takes them, no length given (the end is
    the connection's close)."""

    def behave(handler: Handler) -> None:
        handler.head(200, {"Content-Type": "application/json", "Connection": "close"})
        while handler.sent < total_bytes and not handler.server_state.stopping.is_set():
            handler.body(piece)

    return behave


def gzip_bomb(inflated_bytes: int) -> Behaviour:
    """A small gzip body that inflates to ``inflated_bytes`` of JSON-looking spaces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    piece = b" " * 1024 * 1024
    parts = [compressor.compress(piece) for _ in range(inflated_bytes // len(piece))]
    body = b"".join(parts) + compressor.flush()
    assert len(gzip.decompress(body)) == inflated_bytes // len(piece) * len(piece)

    def behave(handler: Handler) -> None:
        handler.head(
            200,
            {
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Content-Length": str(len(body)),
            },
        )
        handler.body(body)

    behave.compressed_bytes = len(body)  # type: ignore[attr-defined]
    return behave


def echo_authorization(status: int = 400) -> Behaviour:
    """An error answer that repeats the request's Authorization header in its request id, its
    message and its details, as a broken proxy may."""

    def behave(handler: Handler) -> None:
        echoed = handler.headers.get("Authorization", "")
        payload = {
            "status": "error",
            "error": {
                "code": "BAD_REQUEST",
                "message": f"rejected request with Authorization: {echoed}",
                "details": [{"header": echoed}],
            },
        }
        json_answer(status, payload, {"X-Request-ID": echoed})(handler)

    return behave


def pages(
    make_page: Callable[[int, int], tuple[list[dict[str, Any]], dict[str, Any]]], key: str
) -> Behaviour:
    """A paged listing: ``make_page(offset, limit)`` gives the items and the pagination."""

    def behave(handler: Handler) -> None:
        offset = int(handler.query.get("offset", ["0"])[0])
        limit = int(handler.query.get("limit", ["100"])[0])
        items, pagination = make_page(offset, limit)
        json_answer(200, envelope({key: items, "pagination": pagination}))(handler)

    return behave

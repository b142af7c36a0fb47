"""The sandbox API's HTTP plumbing: reading requests, injecting faults, writing DNScale's
envelopes with a request id. What a route does is in ``api`` (routing) and ``service``."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from certbot_dns_dnscale.sandbox.api import Call, DNScaleApi
from certbot_dns_dnscale.sandbox.service import ApiError, Request


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: DNScaleApi  # set on the subclass made per server
    _path = _query = _body = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        self._path, self._query = url.path, url.query
        self._body = body.decode(errors="replace")
        if url.path.startswith("/_sandbox/"):
            self._admin(method, url.path)
            return
        self.api.enter()
        try:
            self._api_call(method, url.path, url.query, body)
        finally:
            self.api.leave()

    def _api_call(self, method: str, path: str, query: str, body: bytes) -> None:
        settings = self.api.settings
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000)
        try:
            matched, params = self.api.match(method, path)
        except ApiError as err:
            self._send_error(method, path, err, None)
            return
        route = matched.template
        fault = settings.faults.draw(method, route)
        if fault in ("429", "500", "502", "503"):
            self._send_fault(method, route, int(fault))
            return
        if fault == "drop":
            self._drop(method, route, fault)
            return
        if fault == "echo":
            self._send_echo(method, route)
            return
        if fault == "slow":
            time.sleep(settings.faults.slow_seconds)
        try:
            grant = self.api.authorise(self.headers.get("Authorization"), matched.scope)
            status, data = matched.behaviour(Request(params, parse_qs(query), body, grant))
        except ApiError as err:
            self._send_error(method, route, err, fault)
            return
        if fault == "lost":
            self._drop(method, route, fault)
            return
        payload = None if data is None else {"status": "success", "data": data}
        if data is not None and "zones" in data:
            payload = {**(payload or {}), "zones": data["zones"]}  # the deprecated alias
        self._log_call(method, route, status, fault, _json(payload))
        if fault == "trickle":
            self._trickle(status, payload)
            return
        self._send(status, payload)

    def _admin(self, method: str, path: str) -> None:
        if path == "/_sandbox/calls" and method == "GET":
            calls = [c.__dict__ for c in self.api.calls]
            self._send(200, {"status": "success", "data": {"calls": calls}})
        elif path == "/_sandbox/calls" and method == "DELETE":
            self.api.calls.clear()
            self._send(204, None)
        else:
            self._send(404, {"status": "error", "error": {"code": "NOT_FOUND", "message": path}})

    def _log_call(
        self, method: str, route: str, status: int, fault: str | None, answer: bytes = b""
    ) -> None:
        call = Call(
            method, route, self._path, status, fault, time.monotonic(), self._query, self._body,
            answer.decode(errors="replace"),
        )  # fmt: skip
        self.api.record_call(call)

    def _send_error(self, method: str, route: str, err: ApiError, fault: str | None) -> None:
        payload = {
            "status": "error",
            "error": {"code": err.code, "message": err.message, "details": []},
        }
        self._log_call(method, route, err.status, fault, _json(payload))
        self._send(err.status, payload)

    def _send_fault(self, method: str, route: str, status: int) -> None:
        if status == 502:
            page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self._log_call(method, route, status, str(status), page)
            self._send_raw(502, page, "text/html")
            return
        headers = {}
        if status == 429:
            payload = _error("RATE_LIMITED", "too many requests")
            headers["Retry-After"] = str(self.api.settings.faults.retry_after_seconds)
        else:
            payload = _error("INTERNAL_ERROR", "transient failure")
        self._log_call(method, route, status, str(status), _json(payload))
        self._send(status, payload, headers)

    def _send_echo(self, method: str, route: str) -> None:
        echoed = self.headers.get("Authorization", "")
        error = _error("BAD_REQUEST", f"rejected request with Authorization: {echoed}")
        error["error"]["details"] = [{"header": "Authorization", "value": echoed}]
        self._log_call(method, route, 400, "echo", _json(error))
        self._send(400, error, {"X-Request-ID": echoed})

    def _trickle(self, status: int, payload: dict[str, Any] | None) -> None:
        """The headers now, the body a byte at a time until it ends or the client goes."""
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("X-Request-ID", self.api.next_request_id())
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            for index in range(len(body)):
                time.sleep(self.api.settings.faults.trickle_interval_seconds)
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def _drop(self, method: str, route: str, fault: str) -> None:
        self.close_connection = True
        self._log_call(method, route, 0, fault)

    def _send(
        self, status: int, payload: dict[str, Any] | None, headers: dict[str, str] | None = None
    ) -> None:
        self._send_raw(status, _json(payload), "application/json", headers)

    def _send_raw(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("X-Request-ID", self.api.next_request_id())
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting (a "slow" fault)


def make_http_server(api: DNScaleApi, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("SandboxHandler", (_RequestHandler,), {"api": api})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _json(payload: dict[str, Any] | None) -> bytes:
    return b"" if payload is None else json.dumps(payload).encode()


def _error(code: str, message: str) -> dict[str, Any]:
    return {"status": "error", "error": {"code": code, "message": message, "details": []}}

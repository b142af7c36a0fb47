"""Pebble's TLS listener certificate (the sandbox makes it) passes strict X.509 verification:
Python 3.13 and newer requests/urllib3 verify strictly, and certbot and the sandbox's own readiness
check would otherwise never reach Pebble (seen on Debian 13 with the newest certbot from pip)."""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

from certbot_dns_dnscale.sandbox.pebble import _listener_certificate


def serve_one_handshake(listener: socket.socket, context: ssl.SSLContext) -> None:
    connection, _ = listener.accept()
    try:
        with context.wrap_socket(connection, server_side=True):
            pass
    except (ssl.SSLError, OSError):
        pass  # the client's verdict is what the test reads


def test_a_strict_client_accepts_the_listener_certificate_for_127_0_0_1(tmp_path: Path) -> None:
    ca_bundle = tmp_path / "ca.pem"
    cert, key = _listener_certificate(tmp_path, ca_bundle)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(ca_bundle))
    client.verify_flags |= ssl.VERIFY_X509_STRICT
    with socket.create_server(("127.0.0.1", 0)) as listener:
        thread = threading.Thread(target=serve_one_handshake, args=(listener, server))
        thread.start()
        try:
            with (
                socket.create_connection(listener.getsockname(), timeout=10) as raw,
                client.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
            ):
                assert tls.version() is not None
        finally:
            thread.join(timeout=10)

"""The sandbox's DNS servers: UDP and TCP on one address and port, answering with a
``DnsAnswerer``."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading

from certbot_dns_dnscale.sandbox.dns_answers import DnsAnswerer


class _UdpHandler(socketserver.BaseRequestHandler):
    answerer: DnsAnswerer

    def handle(self) -> None:
        data, sock = self.request
        reply = self.answerer.answer(data, over_udp=True)
        if reply is not None:
            sock.sendto(reply, self.client_address)


class _TcpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class _UdpServer(socketserver.ThreadingUDPServer):
    daemon_threads = True


class _TcpHandler(socketserver.BaseRequestHandler):
    answerer: DnsAnswerer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        try:
            while True:
                header = _recv_exactly(conn, 2)
                if header is None:
                    return
                query = _recv_exactly(conn, struct.unpack("!H", header)[0])
                if query is None:
                    return
                reply = self.answerer.answer(query, over_udp=False)
                if reply is None:
                    return
                conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return


def _recv_exactly(conn: socket.socket, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class DnsServer:
    """UDP and TCP on one port of ``host``; port 0 picks a free one for both."""

    def __init__(self, answerer: DnsAnswerer, host: str = "127.0.0.1", port: int = 0) -> None:
        udp_handler = type("UdpHandler", (_UdpHandler,), {"answerer": answerer})
        tcp_handler = type("TcpHandler", (_TcpHandler,), {"answerer": answerer})
        for _ in range(20):
            udp = _UdpServer((host, port), udp_handler)
            bound = udp.server_address[1]
            try:
                tcp = _TcpServer((host, bound), tcp_handler)
            except OSError:
                udp.server_close()
                if port:
                    raise
                continue
            break
        else:  # pragma: no cover - twenty collisions in a row
            raise OSError("no free port for both UDP and TCP")
        self.udp, self.tcp = udp, tcp
        self.host, self.port = host, bound
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for server in (self.udp, self.tcp):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        for server in (self.udp, self.tcp):
            if self._threads:  # shutdown() would wait forever for a loop never started
                server.shutdown()
            server.server_close()
        self._threads.clear()

"""Naming DNS servers: ``HOST[:PORT]`` text as users and renewal confs give it, checked."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from certbot_dns_dnscale._internal.zones import InvalidNameError, validate_name

DNS_PORT = 53


@dataclass(frozen=True)
class Server:
    """One DNS server to ask: ``host`` is what the user or the NS record named."""

    host: str
    address: str
    port: int = DNS_PORT

    def __str__(self) -> str:
        where = self.address if self.port == DNS_PORT else join_host_port(self.address, self.port)
        return where if self.host == self.address else f"{self.host} ({where})"


def parse_server(text: str) -> tuple[str, int]:
    """``HOST``, ``HOST:PORT``, ``[V6]``, ``[V6]:PORT`` or a bare IPv6 address -> (host, port).

    A port after an IPv6 address needs the brackets. A bare address that could also be read as
    an address and a port (``::1:53``) is refused as ambiguous rather than guessed.
    """
    text = text.strip()
    if not text:
        raise ValueError("the server is empty: give HOST or HOST:PORT")
    if text.startswith("["):
        host, port = _bracketed(text)
    elif text.count(":") > 1:
        host, port = _bare_ipv6(text), str(DNS_PORT)
    else:
        host, colon, port = text.partition(":")
        port = port if colon else str(DNS_PORT)
        _check_host_name(host, text)
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(
            f"{text!a} is not HOST or HOST:PORT: the port must be a number from 1 to 65535"
        )
    return host, int(port)


def _bracketed(text: str) -> tuple[str, str]:
    host, closed, rest = text[1:].partition("]")
    if not closed:
        raise ValueError(f"{text!a} lacks the closing ']': write [ADDRESS] or [ADDRESS]:PORT")
    if not _is_ipv6(host):
        raise ValueError(f"{text!a}: only an IPv6 address goes in brackets")
    if rest and not rest.startswith(":"):
        raise ValueError(f"{text!a}: only ':PORT' may follow the ']'")
    return host, rest[1:] if rest else str(DNS_PORT)


def _bare_ipv6(text: str) -> str:
    if not _is_ipv6(text):
        raise ValueError(f"{text!a} is not an IPv6 address; a port goes after HOST: or [ADDRESS]:")
    head, _, tail = text.rpartition(":")
    if tail.isdigit() and _is_ipv6(head):
        raise ValueError(
            f"{text!a} is ambiguous: write [{head}]:{tail} for port {tail} of {head}, or "
            f"[{text}] for the address {text}"
        )
    return text


def _check_host_name(host: str, text: str) -> None:
    try:
        if not is_ip(host):
            validate_name(host)
    except InvalidNameError as err:
        raise ValueError(f"{text!a} is not a host name or IP address: {err}") from err


def server_list(value: object) -> list[str]:
    """A servers option as ``HOST[:PORT]`` strings, each checked by :func:`parse_server`.

    The command line gives ``"a,b"``; a renewal conf line ``a, b`` reaches the plugin as the
    list ``["a", "b"]`` (configobj); None means the option is not set. An empty value or entry
    is refused: the user meant something.
    """
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    servers = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{item!r} is not HOST[:PORT] text")
        servers += [part.strip() for part in item.split(",")]
    if not servers or any(not server for server in servers):
        raise ValueError(
            "an empty entry: give HOST[:PORT] separated by commas, or leave the option out"
        )
    for server in servers:
        parse_server(server)
    return servers


def join_host_port(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True

"""Reading and validating the credentials INI file's values. Errors name the key and the fix."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import configobj
from certbot import errors

DEFAULT_API_URL = "https://api.dnscale.eu"
API_VERSION_PATH = "/v1"
DEFAULT_TTL_SECONDS = 300
MIN_TTL_SECONDS = 120
MAX_TTL_SECONDS = 86400

TOKEN_KEY = "dns_dnscale_api_token"  # noqa: S105 - a key name, not a secret
URL_KEY = "dns_dnscale_api_url"
TTL_KEY = "dns_dnscale_ttl"


@dataclass(frozen=True)
class Credentials:
    """What the credentials file says, validated. The token is kept out of ``repr``."""

    api_token: str = field(repr=False)
    base_url: str
    ttl_seconds: int


def check_readable_ini(path: str) -> configobj.ConfigObj:
    """The parsed file; a clear message if it cannot be read or parsed.

    certbot's own parser quotes the offending line in its error and debug log; that line may
    hold the token, so we parse first and report only line numbers.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError as err:
        raise errors.PluginError(
            f"Credentials file {path} does not exist. Create it with the line "
            f"'{TOKEN_KEY} = <your token>' and chmod 600, or fix --dns-dnscale-credentials."
        ) from err
    except IsADirectoryError as err:
        raise errors.PluginError(
            f"Credentials path {path} is a directory; point --dns-dnscale-credentials at the "
            "INI file itself."
        ) from err
    except PermissionError as err:
        raise errors.PluginError(
            f"Cannot read credentials file {path}: permission denied. Run certbot as a user "
            "that can read it (it should be owned by that user, mode 600)."
        ) from err
    except (OSError, UnicodeDecodeError) as err:
        raise errors.PluginError(
            f"Cannot read credentials file {path}: {type(err).__name__}. "
            "It must be a UTF-8 text INI file."
        ) from err
    try:
        return configobj.ConfigObj(lines)
    except configobj.ConfigObjError as err:
        raise errors.PluginError(
            f"Credentials file {path} is not a valid INI file (problem at line "
            f"{_error_lines(err)}). Each line must look like 'key = value'."
        ) from None  # the parser's own message quotes the line, which may hold the token


def read_credentials_file(path: str) -> Credentials:
    """The credentials file as the plugin reads it, for tools that run without certbot."""
    values = check_readable_ini(path)
    return parse_credentials(
        values.get(TOKEN_KEY), values.get(URL_KEY), values.get(TTL_KEY), path=path
    )


def _error_lines(err: configobj.ConfigObjError) -> str:
    nested = getattr(err, "errors", None) or [err]
    numbers = [str(getattr(e, "line_number", "?")) for e in nested]
    return ", ".join(numbers)


def parse_credentials(
    token: str | None, api_url: str | None, ttl: str | None, *, path: str
) -> Credentials:
    """Validate the raw values read from the file at ``path``."""
    if not token or not token.strip():
        raise errors.PluginError(
            f"{TOKEN_KEY} is empty in {path}. Put your DNScale API token there "
            "(scopes zones:read, records:read, records:write)."
        )
    return Credentials(
        api_token=token.strip(),
        base_url=api_base_url(api_url or DEFAULT_API_URL, path=path),
        ttl_seconds=parse_ttl(ttl, path=path),
    )


def api_base_url(api_url: str, *, path: str) -> str:
    """``https://api.dnscale.eu`` or ``https://api.dnscale.eu/v1`` -> ``https://api.dnscale.eu/v1``.

    Plain http is refused except on loopback (the local sandbox): the token travels in a header.
    """
    try:
        parts = urlsplit(api_url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as err:
        raise _url_error(api_url, path, "it is not a valid URL") from err
    if parts.scheme not in ("https", "http") or not host:
        raise _url_error(api_url, path, "it must start with https:// and name a host")
    if parts.scheme == "http" and not _is_loopback(host):
        raise _url_error(api_url, path, "plain http:// is only allowed for a loopback host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise _url_error(api_url, path, "it must not carry a query, fragment or user name")
    if parts.path.rstrip("/") not in ("", API_VERSION_PATH):
        raise _url_error(api_url, path, f"its path must be empty or {API_VERSION_PATH}")
    return f"{parts.scheme}://{parts.netloc}{API_VERSION_PATH}"


def _url_error(api_url: str, path: str, why: str) -> errors.PluginError:
    return errors.PluginError(
        f"{URL_KEY} = {api_url!r} in {path} is not usable: {why}. "
        f"Use {DEFAULT_API_URL} (or remove the line to get that default)."
    )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_ttl(ttl: str | None, *, path: str) -> int:
    if ttl is None or not ttl.strip():
        return DEFAULT_TTL_SECONDS
    try:
        seconds = int(ttl.strip())
    except ValueError:
        seconds = None
    if seconds is None or not MIN_TTL_SECONDS <= seconds <= MAX_TTL_SECONDS:
        raise errors.PluginError(
            f"{TTL_KEY} = {ttl!r} in {path} is not valid: use a whole number of seconds from "
            f"{MIN_TTL_SECONDS} to {MAX_TTL_SECONDS} (default {DEFAULT_TTL_SECONDS})."
        )
    return seconds

"""Reading and validating the credentials INI file. Errors name the file, line, key and fix.

There is one reader for the file: :func:`check_readable_ini` hands configobj the very lines
certbot's own ``CredentialsConfiguration`` gets (split on ``\\n`` only, a UTF-8 byte-order mark
dropped, UTF-8 decoded), so the plugin and the ``check``/``sweep`` commands can never read one file
two ways. No message here ever quotes a line or a value of the file: a line may hold the token.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import configobj
from certbot import errors

from certbot_dns_dnscale._internal.credentials_file import TOKEN_KEY, read_lines
from certbot_dns_dnscale._internal.redact import MASK, redact, redact_url

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.dnscale.eu"
API_VERSION_PATH = "/v1"
DEFAULT_TTL_SECONDS = 300
MIN_TTL_SECONDS = 120
MAX_TTL_SECONDS = 86400

URL_KEY = "dns_dnscale_api_url"
TTL_KEY = "dns_dnscale_ttl"
KEYS = (TOKEN_KEY, URL_KEY, TTL_KEY)

_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Credentials:
    """What the credentials file says, validated. The token is kept out of ``repr``."""

    api_token: str = field(repr=False)
    base_url: str
    ttl_seconds: int


def read_credentials_file(path: str) -> Credentials:
    """The credentials file, read as certbot reads it and fully validated.

    The one entry point for the plugin and the command-line tools alike.
    """
    values = check_readable_ini(path)
    return parse_credentials(
        values.get(TOKEN_KEY), values.get(URL_KEY), values.get(TTL_KEY), path=path
    )


def check_readable_ini(path: str) -> configobj.ConfigObj:
    """The parsed file, its values checked where certbot's own parser would let them through.

    Refused here, naming the line and never its text: a path that is no regular file or is
    larger than MAX_FILE_BYTES, text that is not UTF-8, a line configobj cannot parse, a value of
    ours that configobj read as a list (a comma in it) or as a section, and a token holding
    whitespace, control or non-ASCII characters (it would end up in an HTTP header, and the
    error about that header quotes it). certbot parses the file again afterwards, the same way:
    a file that passes here passes there.
    """
    lines = read_lines(path)
    try:
        values = configobj.ConfigObj(lines)
    except configobj.ConfigObjError as err:
        raise errors.PluginError(
            f"Credentials file {path} is not a valid INI file (problem at line "
            f"{_error_lines(err)}). Each line must look like 'key = value'."
        ) from None  # the parser's own message quotes the line, which may hold the token
    for key in KEYS:
        _check_value(values, key, _where(key, lines, path))
    _warn_of_a_cut_token(values, _where(TOKEN_KEY, lines, path))
    return values


def _warn_of_a_cut_token(values: configobj.ConfigObj, where: str) -> None:
    """configobj reads ``#`` and the rest of an unquoted value's line as a comment, with or
    without a space before it: a token holding ``#`` arrives cut, and DNScale then rejects it.
    A warning, not an error: ``token  # comment`` is a real comment that works."""
    if values.inline_comments.get(TOKEN_KEY):
        logger.warning(
            "%s has a '#' after the value: the INI reader drops the '#' and the rest of the "
            "line as a comment, so only what comes before it is sent as the token. If the '#' "
            'is part of the token, put the whole token in double quotes: %s = "...". If it '
            "is a comment, move it to a line of its own.",
            where, TOKEN_KEY,
        )  # fmt: skip


def _error_lines(err: configobj.ConfigObjError) -> str:
    nested = getattr(err, "errors", None) or [err]
    numbers = [str(getattr(e, "line_number", "?")) for e in nested]
    return ", ".join(numbers)


def _where(key: str, lines: list[str], path: str) -> str:
    """``KEY at line N of PATH``: where a value came from, for messages."""
    pattern = re.compile(rf"""\s*(['"]?){re.escape(key)}\1\s*=""")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return f"{key} at line {number} of {path}"
    return f"{key} in {path}"


def _check_value(values: configobj.ConfigObj, key: str, where: str) -> None:
    try:
        value = values.get(key)
    except configobj.InterpolationError:
        raise errors.PluginError(
            f"{where} holds '%(...)s', which the INI reader replaces by another value. "
            "Remove it, or write a literal '%' differently."
        ) from None  # the interpolation error quotes part of the value
    text = _text(value, where)
    if key == TOKEN_KEY and text is not None:
        _check_token_characters(text, where)


def _text(value: object, where: str) -> str | None:
    """A configobj value as text; a list (a comma in the value) or a section is refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        raise errors.PluginError(
            f"{where} holds a comma, so it is read as a list of values. Remove what follows "
            "the value (comments go on their own line, starting with #), or put the value in "
            'double quotes: key = "value".'
        )
    raise errors.PluginError(
        f"{where} is a [section], not a value: write it as 'key = value' above any [section] line."
    )


def _check_token_characters(token: str, where: str) -> None:
    stripped = token.strip(" \t")
    if stripped and not _PRINTABLE_ASCII.fullmatch(stripped):
        raise errors.PluginError(
            f"{where} holds whitespace, a control character (such as a carriage return from "
            "a Windows editor) or a non-ASCII character inside the token. Put the token on one "
            "line, exactly as DNScale shows it, without quotes spanning lines."
        )


def parse_credentials(token: object, api_url: object, ttl: object, *, path: str) -> Credentials:
    """Validate the raw values read from the file at ``path`` (str, None, or what configobj
    makes of a value with a comma: a list, refused)."""
    token_text = _text(token, f"{TOKEN_KEY} in {path}")
    if not token_text or not token_text.strip(" \t"):
        raise errors.PluginError(
            f"{TOKEN_KEY} is empty in {path}. Put your DNScale API token there "
            "(scopes zones:read, records:read, records:write)."
        )
    _check_token_characters(token_text, f"{TOKEN_KEY} in {path}")
    secret = token_text.strip(" \t")
    url_text = _text(api_url, f"{URL_KEY} in {path}")
    try:
        return Credentials(
            api_token=secret,
            base_url=api_base_url(url_text or DEFAULT_API_URL, path=path),
            ttl_seconds=parse_ttl(_text(ttl, f"{TTL_KEY} in {path}"), path=path),
        )
    except errors.PluginError as err:  # a token pasted into another line must not show
        raise errors.PluginError(redact(str(err), [secret])) from None


def api_base_url(api_url: str, *, path: str) -> str:
    """``https://api.dnscale.eu`` or ``https://api.dnscale.eu/v1`` -> ``https://api.dnscale.eu/v1``.

    Plain http is refused except on loopback (the local sandbox): the token travels in a header.
    """
    text = api_url.strip(" \t")
    if not _PRINTABLE_ASCII.fullmatch(text):
        raise _url_error(
            api_url, path, "it holds whitespace, control or non-ASCII characters (write an "
            "internationalised host name in its xn-- form)"
        )  # fmt: skip
    try:
        parts = urlsplit(text)
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
        f"{URL_KEY} = {_shown_url(api_url)} in {path} is not usable: {why}. "
        f"Use {DEFAULT_API_URL} (or remove the line to get that default)."
    )


def _shown_url(api_url: str) -> str:
    """The URL as an error may show it: no ``user:password@``, no query or fragment (either
    may hold a secret), control characters escaped."""
    shown = re.sub(r"([?#]).*", rf"\1{MASK}", redact_url(api_url.strip()), flags=re.DOTALL)
    return ascii(shown)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_ttl(ttl: str | None, *, path: str) -> int:
    """Whole seconds, ASCII digits only (``int`` would also take ``1_000`` or Arabic digits)."""
    if ttl is None or not ttl.strip():
        return DEFAULT_TTL_SECONDS
    text = ttl.strip()
    seconds = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
    if seconds is None or not MIN_TTL_SECONDS <= seconds <= MAX_TTL_SECONDS:
        raise errors.PluginError(
            f"{TTL_KEY} = {text!a} in {path} is not valid: use a whole number of seconds "
            f"from {MIN_TTL_SECONDS} to {MAX_TTL_SECONDS} (default {DEFAULT_TTL_SECONDS})."
        )
    return seconds

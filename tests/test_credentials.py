"""The credentials file: reading it safely, the way certbot reads it, and validating its values."""

from __future__ import annotations

import ctypes
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from certbot import errors
from certbot.plugins.dns_common import CredentialsConfiguration

from certbot_dns_dnscale._internal.credentials import (
    api_base_url,
    check_readable_ini,
    parse_credentials,
    parse_ttl,
    read_credentials_file,
)
from certbot_dns_dnscale._internal.credentials_file import MAX_FILE_BYTES
from tests.conftest import TOKEN

PATH = "/etc/letsencrypt/dnscale.ini"
NOBODY_UID = 65534

WriteCredentials = Callable[..., Path]


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "dnscale.ini"
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def plugin_error(function: Callable[[], object]) -> str:
    with pytest.raises(errors.PluginError) as raised:
        function()
    return str(raised.value)


# -- what can be read at all -------------------------------------------------------------------


def test_missing_file_names_the_file_and_the_option(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ini"
    with pytest.raises(errors.PluginError, match=r"does not exist.*--dns-dnscale-credentials"):
        check_readable_ini(str(missing))


def test_a_directory_is_not_a_credentials_file(tmp_path: Path) -> None:
    with pytest.raises(errors.PluginError, match="is a directory"):
        check_readable_ini(str(tmp_path))


def test_a_path_through_a_file_cannot_be_opened_and_says_so(tmp_path: Path) -> None:
    inside_a_file = tmp_path / "file" / "dnscale.ini"
    (tmp_path / "file").write_text("")
    message = plugin_error(lambda: check_readable_ini(str(inside_a_file)))
    assert message.startswith(f"Cannot open credentials file {inside_a_file}: Not a directory.")


def test_a_fifo_is_refused_at_once_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "dnscale.ini"
    os.mkfifo(fifo)
    with pytest.raises(errors.PluginError, match=r"is not a regular file \(a pipe"):
        check_readable_ini(str(fifo))


def test_a_device_is_refused_instead_of_read_forever() -> None:
    with pytest.raises(errors.PluginError, match="/dev/zero is not a regular file"):
        check_readable_ini("/dev/zero")


def test_a_file_larger_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(errors.PluginError, match=r"larger than 64 KiB: that is not a credentials"):
        check_readable_ini(str(path))


def test_a_file_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    line = f"dns_dnscale_api_token = {TOKEN}\n".encode()
    path = write_bytes(tmp_path, line + b"#" * (MAX_FILE_BYTES - len(line)))
    assert read_credentials_file(str(path)).api_token == TOKEN


def test_a_read_error_after_opening_is_reported_by_name() -> None:
    # /proc/self/mem opens as a regular file, then fails to read at offset 0 (EIO).
    message = plugin_error(lambda: check_readable_ini("/proc/self/mem"))
    assert message.startswith("Cannot read credentials file /proc/self/mem: Input/output error.")


@pytest.fixture
def unreadable_file() -> Iterator[Path]:
    """A mode-000 file in a directory everyone may enter (pytest's tmp_path is mode 700)."""
    with tempfile.TemporaryDirectory() as directory:
        Path(directory).chmod(0o755)  # another user must be able to enter it
        path = Path(directory) / "dnscale.ini"
        path.write_text(f"dns_dnscale_api_token = {TOKEN}\n")
        path.chmod(0)
        yield path


def as_another_user(function: Callable[[], object]) -> BaseException | None:
    """Run ``function`` with file access checked as an unprivileged user; what it raised.

    root reads a mode-000 file, so as root this runs in a thread of its own whose filesystem
    uid is ``nobody`` (Linux keeps that per thread and drops root's file-access capabilities
    with it); the rest of the test process keeps running as root.
    """
    raised: list[BaseException | None] = [None]

    def run() -> None:
        if os.geteuid() == 0:
            ctypes.CDLL(None, use_errno=True).setfsuid(NOBODY_UID)
        try:
            function()
        except BaseException as err:  # noqa: BLE001 - handed to the test thread to assert on
            raised[0] = err

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return raised[0]


def test_unreadable_file_says_permission_denied(unreadable_file: Path) -> None:
    error = as_another_user(lambda: check_readable_ini(str(unreadable_file)))
    assert isinstance(error, errors.PluginError)
    assert "permission denied" in str(error)
    assert "mode 600" in str(error)


# -- one reader: the lines certbot's configobj sees --------------------------------------------


def certbot_reads(path: Path) -> dict[str, object]:
    """What certbot's own credentials reader makes of the file."""
    return dict(CredentialsConfiguration(str(path)).confobj)


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfdns_dnscale_api_token = " + TOKEN.encode() + b"\r\n",
        b"dns_dnscale_api_token = " + TOKEN.encode() + b"\r\ndns_dnscale_ttl = 600\r\n",
        b"dns_dnscale_ttl = 600\x0bdns_dnscale_api_token = " + TOKEN.encode() + b"\n",
        "dns_dnscale_ttl = 600\u2028dns_dnscale_api_token = x\n".encode(),
        b"# note\rdns_dnscale_api_token = " + TOKEN.encode() + b"\n",
        b"dns_dnscale_api_token = " + TOKEN.encode(),  # no final line ending
    ],
    ids=["utf8-bom", "crlf", "vertical-tab", "line-separator", "lone-cr", "no-final-newline"],
)
def test_the_file_is_split_into_lines_exactly_as_certbot_splits_it(
    tmp_path: Path, data: bytes
) -> None:
    path = write_bytes(tmp_path, data)
    assert dict(check_readable_ini(str(path))) == certbot_reads(path)


SEPARATORS = [
    "\n",
    "\r\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]


@pytest.mark.parametrize(
    "separator", SEPARATORS, ids=[f"U{ord(s[0]):04X}x{len(s)}" for s in SEPARATORS]
)
def test_every_line_break_python_knows_splits_lines_as_certbot_splits_them(
    tmp_path: Path, separator: str
) -> None:
    text = f"note = 1{separator}dns_dnscale_ttl = 600{separator}dns_dnscale_api_token = x\n"
    path = write_bytes(tmp_path, text.encode())
    assert dict(check_readable_ini(str(path))) == certbot_reads(path)


def test_a_utf8_byte_order_mark_from_notepad_is_accepted(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfdns_dnscale_api_token = " + TOKEN.encode() + b"\n")
    assert read_credentials_file(str(path)).api_token == TOKEN


def test_a_utf16_file_is_refused_with_the_encoding_to_use(tmp_path: Path) -> None:
    text = f"dns_dnscale_api_token = {TOKEN}\n"
    path = write_bytes(tmp_path, b"\xff\xfe" + text.encode("utf-16-le"))
    message = plugin_error(lambda: check_readable_ini(str(path)))
    assert "is UTF-16 encoded; save it as UTF-8" in message


def test_a_line_that_is_not_utf8_is_named_by_number(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"# ok\ndns_dnscale_api_token = \xff" + TOKEN.encode() + b"\n")
    with pytest.raises(errors.PluginError, match=r"is not UTF-8 text \(line 2\)") as raised:
        check_readable_ini(str(path))
    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None


def test_malformed_ini_names_the_line_but_never_quotes_it(
    write_credentials: WriteCredentials,
) -> None:
    path = write_credentials(f"dns_dnscale_api_token {TOKEN}\n")
    with pytest.raises(errors.PluginError) as raised:
        check_readable_ini(str(path))
    assert "line 1" in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is not None


def test_several_malformed_lines_are_all_named(write_credentials: WriteCredentials) -> None:
    path = write_credentials(f"[broken\ndns_dnscale_api_token {TOKEN}\n")
    with pytest.raises(errors.PluginError, match="line 1, 2"):
        check_readable_ini(str(path))


def test_well_formed_file_gives_its_values(write_credentials: WriteCredentials) -> None:
    values = check_readable_ini(str(write_credentials(dns_dnscale_ttl="600")))
    assert dict(values) == {"dns_dnscale_api_token": TOKEN, "dns_dnscale_ttl": "600"}


def test_read_credentials_file_gives_the_validated_values(
    write_credentials: WriteCredentials,
) -> None:
    path = write_credentials(dns_dnscale_api_url="http://127.0.0.1:18080", dns_dnscale_ttl="600")
    creds = read_credentials_file(str(path))
    assert (creds.api_token, creds.base_url, creds.ttl_seconds) == (
        TOKEN,
        "http://127.0.0.1:18080/v1",
        600,
    )


# -- values configobj lets through that must not be used ---------------------------------------


@pytest.mark.parametrize("key", ["dns_dnscale_api_token", "dns_dnscale_api_url", "dns_dnscale_ttl"])
def test_a_comma_in_any_value_names_the_key_the_line_and_the_fix(
    write_credentials: WriteCredentials, key: str
) -> None:
    lines = {"dns_dnscale_api_token": TOKEN, key: "300  (seconds, 120..86400)"}
    path = write_credentials("# DNScale\n" + "".join(f"{k} = {v}\n" for k, v in lines.items()))
    line = 2 if key == "dns_dnscale_api_token" else 3
    message = plugin_error(lambda: check_readable_ini(str(path)))
    assert message.startswith(f"{key} at line {line} of {path} holds a comma")
    assert 'put the value in double quotes: key = "value"' in message
    assert "120..86400" not in message


def test_a_quoted_value_with_a_comma_is_one_value(write_credentials: WriteCredentials) -> None:
    path = write_credentials(f'dns_dnscale_api_token = "{TOKEN}"\n# a, b\n')
    assert read_credentials_file(str(path)).api_token == TOKEN


def test_a_key_written_as_a_section_is_refused(write_credentials: WriteCredentials) -> None:
    path = write_credentials(f"[dns_dnscale_api_token]\nvalue = {TOKEN}\n")
    with pytest.raises(errors.PluginError, match=r"dns_dnscale_api_token in .* is a \[section\]"):
        check_readable_ini(str(path))


def test_interpolation_in_a_value_is_refused_without_quoting_it(
    write_credentials: WriteCredentials,
) -> None:
    path = write_credentials(f"dns_dnscale_api_token = {TOKEN}%(missing)s\n")
    message = plugin_error(lambda: check_readable_ini(str(path)))
    assert message.startswith(f"dns_dnscale_api_token at line 1 of {path} holds '%(...)s'")
    assert TOKEN not in message


@pytest.mark.parametrize(
    "token_line",
    [
        f"dns_dnscale_api_token = {TOKEN}\rpasted-rest",
        f"dns_dnscale_api_token = {TOKEN}\x0bpasted-rest",
        f"dns_dnscale_api_token = {TOKEN} pasted-rest",
        f"dns_dnscale_api_token = {TOKEN}\tpasted-rest",
        f"dns_dnscale_api_token = {TOKEN}\u2028pasted-rest",
        f"dns_dnscale_api_token = {TOKEN}\u00e9",
        f"dns_dnscale_api_token = {TOKEN}\x00",
        f'dns_dnscale_api_token = """{TOKEN}\npasted-rest"""',
    ],
    ids=["cr", "vertical-tab", "space", "tab", "line-separator", "non-ascii", "nul", "two-lines"],
)
def test_a_token_that_cannot_be_sent_in_a_header_is_refused_naming_only_its_line(
    tmp_path: Path, token_line: str
) -> None:
    path = write_bytes(tmp_path, f"# DNScale\n{token_line}\n".encode())
    message = plugin_error(lambda: read_credentials_file(str(path)))
    assert message.startswith(f"dns_dnscale_api_token at line 2 of {path} holds whitespace")
    assert TOKEN not in message
    assert "pasted-rest" not in message


def test_a_token_with_a_windows_line_ending_is_read_without_it(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, f"dns_dnscale_api_token = {TOKEN}\r\n".encode())
    assert read_credentials_file(str(path)).api_token == TOKEN


def test_spaces_around_a_quoted_token_are_dropped() -> None:
    assert parse_credentials(f"  {TOKEN} ", None, None, path=PATH).api_token == TOKEN


@pytest.mark.parametrize("token", [None, "", "   "])
def test_empty_token_names_the_key_and_file(token: str | None) -> None:
    with pytest.raises(errors.PluginError, match=f"dns_dnscale_api_token is empty in {PATH}"):
        parse_credentials(token, None, None, path=PATH)


def test_values_handed_over_as_lists_are_refused_naming_the_key() -> None:
    message = plugin_error(lambda: parse_credentials(TOKEN, None, ["300", "x"], path=PATH))
    assert message.startswith(f"dns_dnscale_ttl in {PATH} holds a comma")


def test_a_bad_token_handed_over_directly_is_refused_without_showing_it() -> None:
    message = plugin_error(lambda: parse_credentials(TOKEN + "\rrest", None, None, path=PATH))
    assert message.startswith(f"dns_dnscale_api_token in {PATH} holds whitespace")
    assert TOKEN not in message


def test_the_token_pasted_into_another_line_does_not_show_in_its_error() -> None:
    message = plugin_error(lambda: parse_credentials(TOKEN, None, TOKEN, path=PATH))
    assert "dns_dnscale_ttl" in message
    assert TOKEN not in message


def test_defaults_are_the_production_api_and_ttl_300() -> None:
    creds = parse_credentials(TOKEN, None, None, path=PATH)
    assert (creds.base_url, creds.ttl_seconds) == ("https://api.dnscale.eu/v1", 300)


def test_credentials_repr_hides_the_token() -> None:
    assert TOKEN not in repr(parse_credentials(TOKEN, None, None, path=PATH))


# -- the API URL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.dnscale.eu",
        "https://api.dnscale.eu/",
        "https://api.dnscale.eu/v1",
        "https://api.dnscale.eu/v1/",
        " https://api.dnscale.eu/v1 ",
    ],
)
def test_api_url_with_or_without_v1_gives_the_same_base(url: str) -> None:
    assert api_base_url(url, path=PATH) == "https://api.dnscale.eu/v1"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.0.0.53"])
def test_plain_http_is_allowed_on_loopback(host: str) -> None:
    assert api_base_url(f"http://{host}:8080", path=PATH) == f"http://{host}:8080/v1"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://api.dnscale.eu", "only allowed for a loopback host"),
        ("http://192.168.1.5:8080", "only allowed for a loopback host"),
        ("ftp://api.dnscale.eu", "must start with https://"),
        ("api.dnscale.eu", "must start with https://"),
        ("https://api.dnscale.eu/api/v2", "path must be empty or /v1"),
        ("https://api.dnscale.eu/v1?x=1", "must not carry a query"),
        ("https://user:pw@api.dnscale.eu", "must not carry a query, fragment or user name"),
        ("https://api.dnscale.eu:99999", "not a valid URL"),
        ("https://api.dns\rcale.eu", "holds whitespace, control or non-ASCII"),
        ("https://bücher.de", "in its xn-- form"),
    ],
)
def test_unusable_api_url_says_why_and_what_to_use(url: str, why: str) -> None:
    message = plugin_error(lambda: api_base_url(url, path=PATH))
    assert why in message
    assert "dns_dnscale_api_url" in message
    assert PATH in message
    assert "https://api.dnscale.eu" in message


def test_a_url_in_an_error_never_shows_its_password_or_query() -> None:
    message = plugin_error(
        lambda: api_base_url("https://admin:hunter2@api.dnscale.eu/v1?key=sekrit", path=PATH)
    )
    assert "'https://***@api.dnscale.eu/v1?***'" in message
    assert "hunter2" not in message
    assert "sekrit" not in message


def test_a_url_with_a_control_character_is_shown_escaped() -> None:
    message = plugin_error(lambda: api_base_url("https://api\x1b[2Jdnscale.eu", path=PATH))
    assert "'https://api\\x1b[2Jdnscale.eu'" in message


# -- the TTL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "seconds"), [(None, 300), ("", 300), ("120", 120), (" 86400 ", 86400)]
)
def test_ttl_accepts_whole_seconds_in_range(raw: str | None, seconds: int) -> None:
    assert parse_ttl(raw, path=PATH) == seconds


@pytest.mark.parametrize(
    "raw", ["abc", "300s", "1.5", "119", "86401", "-300", "1_000", "\uff13\uff10\uff10", "9" * 5000]
)
def test_ttl_outside_the_range_or_not_plain_digits_is_refused(raw: str) -> None:
    with pytest.raises(errors.PluginError, match=r"dns_dnscale_ttl .* from 120 to 86400"):
        parse_ttl(raw, path=PATH)


def test_files_written_by_the_fixture_are_private(write_credentials: WriteCredentials) -> None:
    assert stat.S_IMODE(write_credentials().stat().st_mode) == 0o600

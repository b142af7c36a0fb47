"""Reading certbot's config directory for check --renewals: every refusal word for word, and
the autorenew switch in each spelling certbot accepts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.renewals.conf import (
    CertificateError,
    ConfigDirError,
    RenewalConfError,
    read_certificate,
    read_lineage,
    renewal_confs,
)

LINES = "version = 5.8.0\ncert = /etc/letsencrypt/live/x/cert.pem\n[renewalparams]\n"


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def conf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.conf"
    path.write_text(text)
    return path


def test_a_config_dir_that_is_not_a_directory_names_the_option(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigDirError, match=exactly(
        f"{missing} is not a directory: give certbot's config directory with --config-dir "
        "(the same as certbot's --config-dir; default /etc/letsencrypt)"
    )):  # fmt: skip
        renewal_confs(missing)


def test_a_config_dir_without_renewal_asks_whether_it_is_certbots(tmp_path: Path) -> None:
    with pytest.raises(ConfigDirError, match=exactly(
        f"{tmp_path} has no renewal/ directory: is it certbot's config directory? Give that "
        "with --config-dir"
    )):  # fmt: skip
        renewal_confs(tmp_path)


def test_an_unreadable_renewal_dir_says_to_run_as_a_user_that_can_read_it(tmp_path: Path) -> None:
    """A symlink loop: unreadable even for root, who reads a mode-000 directory anyway."""
    renewal = tmp_path / "renewal"
    os.symlink(renewal, renewal)
    with pytest.raises(ConfigDirError, match=exactly(
        f"cannot read {renewal}: Too many levels of symbolic links; run as a user that can read "
        "certbot's config directory (usually root)"
    )):  # fmt: skip
        renewal_confs(tmp_path)


def test_a_renewal_dir_that_is_a_file_is_not_certbots(tmp_path: Path) -> None:
    (tmp_path / "renewal").write_text("")
    with pytest.raises(ConfigDirError, match="has no renewal/ directory"):
        renewal_confs(tmp_path)


def test_a_conf_that_is_not_utf8_says_why_it_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "x.conf"
    path.write_bytes(b"version = \xff\n")
    with pytest.raises(
        RenewalConfError, match=exactly(f"cannot read {path}: it is not UTF-8 text")
    ):
        read_lineage(path)


def test_a_conf_that_is_gone_says_so(tmp_path: Path) -> None:
    path = tmp_path / "gone.conf"
    with pytest.raises(RenewalConfError, match=exactly(
        f"cannot read {path}: No such file or directory"
    )):  # fmt: skip
        read_lineage(path)


def test_a_conf_configobj_cannot_parse_names_the_line_and_certbots_view(tmp_path: Path) -> None:
    path = conf(tmp_path, "version = 5.8.0\n[renewalparams\n")
    with pytest.raises(RenewalConfError, match=exactly(
        f"{path} is not a valid renewal configuration (problem at line 2); fix that line, or "
        "run certbot renew --cert-name to see certbot's view"
    )):  # fmt: skip
        read_lineage(path)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("authenticator = \n", "names no authenticator in [renewalparams]"),
        ("authenticator = a, b\n", "names no authenticator in [renewalparams]"),
    ],
)
def test_an_authenticator_that_is_empty_or_a_list_is_refused(
    tmp_path: Path, line: str, problem: str
) -> None:
    path = conf(tmp_path, LINES + line)
    with pytest.raises(RenewalConfError, match=exactly(f"{path} {problem}")):
        read_lineage(path)


@pytest.mark.parametrize("cert_line", ["cert = \n", "cert = a, b\n"])
def test_a_cert_line_that_is_empty_or_a_list_is_refused(tmp_path: Path, cert_line: str) -> None:
    path = conf(tmp_path, f"version = 5.8.0\n{cert_line}[renewalparams]\nauthenticator = x\n")
    with pytest.raises(RenewalConfError, match=exactly(f"{path} has no 'cert = <path>' line")):
        read_lineage(path)


@pytest.mark.parametrize(
    ("value", "autorenew"),
    [
        (None, True),
        ("True", True),
        ("false", False),
        ("No", False),
        ("0", False),
        (" OFF ", False),
        ("yes", True),
    ],
)
def test_autorenew_is_off_only_for_the_words_certbot_reads_as_false(
    tmp_path: Path, value: str | None, autorenew: bool
) -> None:
    line = "" if value is None else f"autorenew = {value}\n"
    lineage = read_lineage(conf(tmp_path, LINES + "authenticator = dns-dnscale\n" + line))
    assert lineage.autorenew is autorenew
    assert lineage.conf_path == tmp_path / "x.conf"


def test_a_missing_certificate_says_where_its_symlink_points(tmp_path: Path) -> None:
    link = tmp_path / "cert.pem"
    os.symlink(tmp_path / "archive" / "cert1.pem", link)
    with pytest.raises(CertificateError, match=exactly(
        f"the certificate {link} does not exist (it points at {tmp_path}/archive/cert1.pem)"
    )):  # fmt: skip
        read_certificate(str(link))


def test_a_missing_certificate_that_is_no_symlink_says_only_that(tmp_path: Path) -> None:
    path = tmp_path / "cert.pem"
    with pytest.raises(CertificateError, match=exactly(f"the certificate {path} does not exist")):
        read_certificate(str(path))


def test_a_certificate_that_is_a_directory_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=exactly(
        f"cannot read the certificate {tmp_path}: Is a directory"
    )):  # fmt: skip
        read_certificate(str(tmp_path))

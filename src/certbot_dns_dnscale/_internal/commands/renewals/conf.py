"""Reading certbot's renewal configurations (``DIR/renewal/*.conf``) and their certificates.

The confs are configobj files, as certbot 2.1 to 5.8 write them: ``cert = <path>`` (a symlink
into ``live/``) and the rest at the top, the options under ``[renewalparams]``. Values are
strings; a hand-edited ``a, b`` arrives as a list, which certbot's own renewal would then choke
on, so a list is joined back with commas and flagged. A dns_dnscale_* option named like a secret
(``dns_dnscale_api_token``, which certbot keeps if a user adds it) is read as MASK, so that its
value can reach no report. Confs and certificates are read like the credentials file: regular
files only, of a bounded size (a FIFO or ``/dev/zero`` would hang or never end).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import configobj
from cryptography import x509

from certbot_dns_dnscale._internal.redact import MASK
from certbot_dns_dnscale._internal.small_file import Problem, SmallFileError, read_small_file

PLUGIN_NAME = "dns-dnscale"
OPTION_PREFIX = "dns_dnscale_"
# certbot before 1.0 named third-party plugins "<distribution>:<name>" in renewal confs
PLUGIN_NAMES = frozenset({PLUGIN_NAME, f"certbot-dns-dnscale:{PLUGIN_NAME}"})
# A saved dns_dnscale_* option whose name holds one of these is never shown (case-insensitive).
SECRET_NAME_PARTS = ("token", "secret", "password", "key")
MAX_CONF_BYTES = 64 * 1024  # certbot writes about 1 KiB
MAX_CERTIFICATE_BYTES = 256 * 1024  # a PEM certificate is 1-3 KiB, a whole chain under 20 KiB


class ConfigDirError(Exception):
    """The config directory or its renewal/ directory cannot be read."""


class RenewalConfError(Exception):
    """One renewal conf cannot be read or lacks what certbot needs."""


class CertificateError(Exception):
    """A lineage's certificate is missing or not a PEM certificate."""


@dataclass(frozen=True)
class Lineage:
    """One renewal conf, as certbot renew would read it."""

    name: str
    conf_path: Path
    authenticator: str
    cert_path: str
    options: dict[str, str] = field(default_factory=dict)  # dns_dnscale_* without the prefix
    listed_options: tuple[str, ...] = ()  # options a hand edit turned into lists
    secret_options: tuple[str, ...] = ()  # options named like secrets; MASK in ``options``
    renew_before_expiry: str | None = None
    autorenew: bool = True

    @property
    def uses_plugin(self) -> bool:
        return self.authenticator in PLUGIN_NAMES


@dataclass(frozen=True)
class Certificate:
    names: list[str]
    not_before: datetime
    not_after: datetime


def renewal_confs(config_dir: Path) -> list[Path]:
    """Every ``renewal/*.conf`` under ``config_dir``, sorted; a clear error if unreadable."""
    renewal = config_dir / "renewal"
    if not config_dir.is_dir():
        raise ConfigDirError(
            f"{config_dir} is not a directory: give certbot's config directory with "
            "--config-dir (the same as certbot's --config-dir; default /etc/letsencrypt)"
        )
    try:
        return sorted(path for path in renewal.iterdir() if path.suffix == ".conf")
    except (FileNotFoundError, NotADirectoryError) as err:
        raise ConfigDirError(
            f"{config_dir} has no renewal/ directory: is it certbot's config directory? "
            "Give that with --config-dir"
        ) from err
    except OSError as err:
        raise ConfigDirError(
            f"cannot read {renewal}: {err.strerror or type(err).__name__}; run as a user that "
            "can read certbot's config directory (usually root)"
        ) from err


def read_lineage(conf_path: Path) -> Lineage:
    """The lineage a renewal conf describes; RenewalConfError names what is wrong."""
    conf = _parse(conf_path)
    params = conf.get("renewalparams")
    if not isinstance(params, dict):
        raise RenewalConfError(f"{conf_path} has no [renewalparams] section")
    authenticator = params.get("authenticator")
    if not isinstance(authenticator, str) or not authenticator:
        raise RenewalConfError(f"{conf_path} names no authenticator in [renewalparams]")
    cert_path = conf.get("cert")
    if not isinstance(cert_path, str) or not cert_path:
        raise RenewalConfError(f"{conf_path} has no 'cert = <path>' line")
    options, listed = _plugin_options(params)
    before = conf.get("renew_before_expiry")
    return Lineage(
        name=conf_path.name.removesuffix(".conf"),
        conf_path=conf_path,
        authenticator=authenticator,
        cert_path=cert_path,
        options=options,
        listed_options=listed,
        secret_options=tuple(option for option in options if looks_secret(option)),
        renew_before_expiry=_joined(before) if before is not None else None,
        autorenew=str(params.get("autorenew", "True")).strip().lower()
        not in ("false", "no", "0", "off"),
    )


def _parse(conf_path: Path) -> configobj.ConfigObj:
    try:
        lines = read_small_file(str(conf_path), MAX_CONF_BYTES).decode("utf-8").splitlines()
    except SmallFileError as err:
        raise RenewalConfError(_conf_unreadable(conf_path, err)) from err
    except UnicodeDecodeError:
        raise RenewalConfError(f"cannot read {conf_path}: it is not UTF-8 text") from None
    try:
        return configobj.ConfigObj(lines)
    except configobj.ConfigObjError as err:
        line = getattr(err, "line_number", "?")
        raise RenewalConfError(
            f"{conf_path} is not a valid renewal configuration (problem at line {line}); "
            "fix that line, or run certbot renew --cert-name to see certbot's view"
        ) from None


def _conf_unreadable(conf_path: Path, err: SmallFileError) -> str:
    if err.problem is Problem.NOT_REGULAR:
        return f"{conf_path} is not a regular file (a pipe, socket or device)"
    if err.problem is Problem.TOO_LARGE:
        return (
            f"{conf_path} is larger than {MAX_CONF_BYTES // 1024} KiB: not a renewal "
            "configuration (certbot writes about 1 KiB)"
        )
    return f"cannot read {conf_path}: {err.reason}"


def _plugin_options(params: dict[str, object]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The dns_dnscale_* options, secret-looking values already replaced by MASK."""
    options, listed = {}, []
    for key, value in params.items():
        if key.startswith(OPTION_PREFIX):
            option = key.removeprefix(OPTION_PREFIX)
            options[option] = MASK if looks_secret(option) else _joined(value)
            if isinstance(value, list):
                listed.append(option)
    return options, tuple(listed)


def looks_secret(option: str) -> bool:
    """Does the option's name say it holds a secret (``api_token``, ``password``, ``key``...)?"""
    lowered = option.lower()
    return any(part in lowered for part in SECRET_NAME_PARTS)


def _joined(value: object) -> str:
    return ",".join(str(part) for part in value) if isinstance(value, list) else str(value)


def read_certificate(cert_path: str) -> Certificate:
    """The names (SANs, wildcards included) and validity of the lineage's current certificate.

    ``cert_path`` is certbot's symlink in ``live/``; opening it follows it into ``archive/``.
    """
    try:
        pem = read_small_file(cert_path, MAX_CERTIFICATE_BYTES)
    except SmallFileError as err:
        raise CertificateError(_cert_unreadable(cert_path, err)) from err
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError as err:
        raise CertificateError(f"{cert_path} is not a PEM certificate") from err
    return Certificate(_names(cert), *_validity(cert))


def _cert_unreadable(cert_path: str, err: SmallFileError) -> str:
    if err.problem is Problem.MISSING:
        target = os.path.realpath(cert_path)
        where = f" (it points at {target})" if target != os.path.abspath(cert_path) else ""
        return f"the certificate {cert_path} does not exist{where}"
    if err.problem is Problem.NOT_REGULAR:
        return f"the certificate {cert_path} is not a regular file (a pipe, socket or device)"
    if err.problem is Problem.TOO_LARGE:
        return (
            f"the certificate {cert_path} is larger than {MAX_CERTIFICATE_BYTES // 1024} KiB: "
            "not a PEM certificate"
        )
    return f"cannot read the certificate {cert_path}: {err.reason}"


def _validity(cert: x509.Certificate) -> tuple[datetime, datetime]:
    try:
        return cert.not_valid_before_utc, cert.not_valid_after_utc
    except AttributeError:  # cryptography before 42 (Debian 12's certbot 2.1, Ubuntu 24.04's 2.9)
        return (
            cert.not_valid_before.replace(tzinfo=timezone.utc),
            cert.not_valid_after.replace(tzinfo=timezone.utc),
        )


def _names(cert: x509.Certificate) -> list[str]:
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(sans.value.get_values_for_type(x509.DNSName))

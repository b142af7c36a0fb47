"""Reading certbot's renewal configurations (``DIR/renewal/*.conf``) and their certificates.

The confs are configobj files, as certbot 2.1 to 5.8 write them: ``cert = <path>`` (a symlink
into ``live/``) and the rest at the top, the options under ``[renewalparams]``. Values are
strings; a hand-edited ``a, b`` arrives as a list, which certbot's own renewal would then choke
on, so a list is joined back with commas and flagged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import configobj
from cryptography import x509

PLUGIN_NAME = "dns-dnscale"
OPTION_PREFIX = "dns_dnscale_"
# certbot before 1.0 named third-party plugins "<distribution>:<name>" in renewal confs
PLUGIN_NAMES = frozenset({PLUGIN_NAME, f"certbot-dns-dnscale:{PLUGIN_NAME}"})


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
        renew_before_expiry=_joined(before) if before is not None else None,
        autorenew=str(params.get("autorenew", "True")).strip().lower()
        not in ("false", "no", "0", "off"),
    )


def _parse(conf_path: Path) -> configobj.ConfigObj:
    try:
        with open(conf_path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as err:
        why = getattr(err, "strerror", None) or type(err).__name__
        raise RenewalConfError(f"cannot read {conf_path}: {why}") from err
    try:
        return configobj.ConfigObj(lines)
    except configobj.ConfigObjError as err:
        line = getattr(err, "line_number", "?")
        raise RenewalConfError(
            f"{conf_path} is not a valid renewal configuration (problem at line {line}); "
            "fix that line, or run certbot renew --cert-name to see certbot's view"
        ) from None


def _plugin_options(params: dict[str, object]) -> tuple[dict[str, str], tuple[str, ...]]:
    options, listed = {}, []
    for key, value in params.items():
        if key.startswith(OPTION_PREFIX):
            option = key.removeprefix(OPTION_PREFIX)
            options[option] = _joined(value)
            if isinstance(value, list):
                listed.append(option)
    return options, tuple(listed)


def _joined(value: object) -> str:
    return ",".join(str(part) for part in value) if isinstance(value, list) else str(value)


def read_certificate(cert_path: str) -> Certificate:
    """The names (SANs, wildcards included) and validity of the lineage's current certificate.

    ``cert_path`` is certbot's symlink in ``live/``; opening it follows it into ``archive/``.
    """
    try:
        pem = Path(cert_path).read_bytes()
    except FileNotFoundError as err:
        target = os.path.realpath(cert_path)
        where = f" (it points at {target})" if target != os.path.abspath(cert_path) else ""
        raise CertificateError(f"the certificate {cert_path} does not exist{where}") from err
    except OSError as err:
        raise CertificateError(f"cannot read the certificate {cert_path}: {err.strerror}") from err
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError as err:
        raise CertificateError(f"{cert_path} is not a PEM certificate") from err
    return Certificate(_names(cert), *_validity(cert))


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

"""Pebble, the ACME test CA (Debian's ``pebble`` package), started for the sandbox, and the real
``certbot`` console script pointed at it."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certbot_dns_dnscale.sandbox.lifecycle import Lifecycle

STARTUP_TIMEOUT_SECONDS = 20.0
PEBBLE_ENV = {
    "PEBBLE_VA_NOSLEEP": "1",  # no random sleep before validating
    "PEBBLE_WFE_NONCEREJECT": "0",  # no random bad-nonce rejections
    "PEBBLE_AUTHZREUSE": "0",  # still ~1 % reuse (rand(100) > 0): renewal tests deactivate first
}


class PebbleNotFoundError(RuntimeError):
    """The ``pebble`` command is not installed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Pebble(Lifecycle):
    """One Pebble process with its own TLS listener certificate, asking ``dns_server`` for DNS."""

    def __init__(self, workdir: Path, dns_server: str) -> None:
        self.workdir = workdir
        self.dns_server = dns_server
        self.port = free_port()
        self.management_port = free_port()
        self.http_port = free_port()
        self.ca_bundle = workdir / "pebble-listener-ca.pem"
        self._process: subprocess.Popen[bytes] | None = None
        self._log = workdir / "pebble.log"

    @property
    def directory_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/dir"

    def start(self) -> Pebble:
        binary = shutil.which("pebble")
        if binary is None:
            raise PebbleNotFoundError(
                "The 'pebble' command is missing: install it with 'apt-get install -y pebble'."
            )
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        env = {**os.environ, **PEBBLE_ENV}
        with open(self._log, "wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own fixed arguments
                [binary, "-config", str(config), "-dnsserver", self.dns_server],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.workdir,
            )
        self._wait_until_ready()
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _write_config(self) -> Path:
        cert, key = _listener_certificate(self.workdir, self.ca_bundle)
        config = {
            "pebble": {
                "listenAddress": f"127.0.0.1:{self.port}",
                "managementListenAddress": f"127.0.0.1:{self.management_port}",
                "certificate": str(cert),
                "privateKey": str(key),
                "httpPort": self.http_port,
                "tlsPort": free_port(),
                "ocspResponderURL": "",
                "externalAccountBindingRequired": False,
            }
        }
        path = self.workdir / "pebble-config.json"
        path.write_text(json.dumps(config, indent=2))
        return path

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"pebble exited at start: {self._log.read_text()[-2000:]}")
            try:
                requests.get(self.directory_url, verify=str(self.ca_bundle), timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"pebble did not answer within {STARTUP_TIMEOUT_SECONDS} s")


#: The listener CA signs certificates only.
CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=False, content_commitment=False, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
    encipher_only=False, decipher_only=False,
)  # fmt: skip


def _listener_certificate(workdir: Path, ca_path: Path) -> tuple[Path, Path]:
    """A throw-away CA and a certificate for 127.0.0.1/localhost signed by it, with the key
    identifiers and key usages that strict verification (Python 3.13's default, ``ssl``'s
    ``VERIFY_X509_STRICT``, used by newer requests/urllib3) demands."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sandbox pebble listener CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(CA_KEY_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_path, key_path = workdir / "pebble-listener.pem", workdir / "pebble-listener.key"
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


#: Names the certbot the end-to-end tests and the demo run, e.g. ``/usr/bin/certbot`` for
#: Debian's own certbot with the plugin from the .deb (``tox -e debian``).
CERTBOT_ENV_VAR = "DNSCALE_E2E_CERTBOT"


def certbot_executable() -> str:
    """The certbot to run: the one ``$DNSCALE_E2E_CERTBOT`` names, else the ``certbot`` console
    script of this Python environment, else the first on ``PATH``."""
    chosen = os.environ.get(CERTBOT_ENV_VAR, "").strip()
    if chosen:
        return _chosen_certbot(chosen)
    beside = Path(sys.executable).parent / "certbot"
    if beside.exists():
        return str(beside)
    found = shutil.which("certbot")
    if found is None:
        raise FileNotFoundError("certbot is not installed in this environment: pip install certbot")
    return found


def _chosen_certbot(chosen: str) -> str:
    found = shutil.which(chosen)
    if found is None:
        raise FileNotFoundError(
            f"{CERTBOT_ENV_VAR}={chosen} is not an executable certbot: set it to the path of a "
            f"certbot (e.g. /usr/bin/certbot) or unset it to use this environment's certbot."
        )
    return found


class Certbot:
    """Runs certbot with its own config, work and logs directories against one Pebble.

    Which certbot: ``$DNSCALE_E2E_CERTBOT`` if set (a path or a command name on ``PATH``), else
    the one installed beside this Python (see :func:`certbot_executable`).
    """

    def __init__(self, base: Path, pebble: Pebble) -> None:
        self.base = base
        self.pebble = pebble
        self.config_dir = base / "config"
        self.logs_dir = base / "logs"

    def command(self, subcommand: str, *args: str) -> list[str]:
        return [
            certbot_executable(),
            subcommand,
            "--non-interactive",
            "--server", self.pebble.directory_url,
            "--config-dir", str(self.config_dir),
            "--work-dir", str(self.base / "work"),
            "--logs-dir", str(self.logs_dir),
            *args,
        ]  # fmt: skip

    def run(
        self, subcommand: str, *args: str, timeout: float = 180.0
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - our own fixed arguments
            self.command(subcommand, *args),
            capture_output=True,
            text=True,
            env=self._env(),
            timeout=timeout,
            check=False,
        )

    def start(self, subcommand: str, *args: str) -> subprocess.Popen[str]:
        """certbot in the background, for tests that signal it or run several at once."""
        return subprocess.Popen(  # noqa: S603 - our own fixed arguments
            self.command(subcommand, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self._env(),
        )

    def certonly(self, domains: Sequence[str], *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("certonly", *self.certonly_args(domains, *args))

    @staticmethod
    def certonly_args(domains: Sequence[str], *args: str) -> list[str]:
        domain_args = [arg for domain in domains for arg in ("-d", domain)]
        return ["--agree-tos", "--register-unsafely-without-email", *domain_args, *args]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "REQUESTS_CA_BUNDLE": str(self.pebble.ca_bundle)}

    def live_certificate(self, lineage: str) -> Path:
        return self.config_dir / "live" / lineage / "fullchain.pem"

    def renewal_conf(self, lineage: str) -> Path:
        return self.config_dir / "renewal" / f"{lineage}.conf"


def certificate_names(pem_path: Path) -> set[str]:
    """The DNS names in the first certificate of a PEM file's SAN extension."""
    cert = x509.load_pem_x509_certificate(pem_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return set(san.value.get_values_for_type(x509.DNSName))

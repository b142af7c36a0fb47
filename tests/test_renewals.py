"""``check --renewals`` on certbot config directories built here, against the local sandbox."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.commands.renewals.conf import (
    RenewalConfError,
    read_certificate,
    read_lineage,
)
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import API, TOKEN, error_envelope

NOW = datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com", "example.org"))) as running:
        yield running


def certificate_pem(names: list[str], not_before: datetime, not_after: datetime) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def add_lineage(
    config_dir: Path,
    name: str,
    names: list[str] | None = None,
    *,
    params: str,
    top: str = "",
    days_old: int = 10,
    lifetime_days: int = 90,
) -> Path:
    """A lineage laid out as certbot does: archive/NAME/cert1.pem, live/NAME/cert.pem -> it."""
    archive, live = config_dir / "archive" / name, config_dir / "live" / name
    archive.mkdir(parents=True)
    live.mkdir(parents=True)
    start = NOW - timedelta(days=days_old)
    pem = certificate_pem(names or [name], start, start + timedelta(days=lifetime_days))
    (archive / "cert1.pem").write_bytes(pem)
    os.symlink("../../archive/" + name + "/cert1.pem", live / "cert.pem")
    conf = config_dir / "renewal" / f"{name}.conf"
    conf.write_text(
        f"{top}version = 5.8.0\narchive_dir = {archive}\ncert = {live}/cert.pem\n"
        f"privkey = {live}/privkey.pem\nchain = {live}/chain.pem\n"
        f"fullchain = {live}/fullchain.pem\n\n[renewalparams]\naccount = 0123abcd\n"
        f"server = https://127.0.0.1:14000/dir\nkey_type = ecdsa\n{params}"
    )
    return conf


def plugin_params(sandbox: Sandbox, credentials: Path, **extra: str) -> str:
    """[renewalparams] lines as certbot saves them for dns-dnscale (strings, None and True)."""
    values = {
        "authenticator": "dns-dnscale",
        "dns_dnscale_credentials": str(credentials),
        "dns_dnscale_propagation_seconds": "5",
        "dns_dnscale_nameservers": sandbox.dns_address,
        "dns_dnscale_resolver": sandbox.dns_address,
        "dns_dnscale_require_propagation": "True",
        **extra,
    }
    return "".join(f"{key} = {value}\n" for key, value in values.items())


def run_json(
    config_dir: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, dict]]:  # type: ignore[type-arg]
    status = main(["check", "--renewals", "--config-dir", str(config_dir), "--json", *extra])
    document = json.loads(capsys.readouterr().out)
    return status, {lineage["name"]: lineage for lineage in document["lineages"]}


def findings(lineage: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {finding["check"]: finding for finding in lineage["findings"]}


# -- reading renewal confs -----------------------------------------------------------------------


def test_saved_options_are_read_as_certbot_saves_them(
    sandbox: Sandbox, credentials: Path, config_dir: Path
) -> None:
    conf = add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    lineage = read_lineage(conf)
    assert lineage.uses_plugin
    assert lineage.options == {
        "credentials": str(credentials),
        "propagation_seconds": "5",
        "nameservers": sandbox.dns_address,
        "resolver": sandbox.dns_address,
        "require_propagation": "True",
    }
    assert lineage.listed_options == ()


def test_a_hand_edited_comma_list_is_joined_and_flagged(config_dir: Path) -> None:
    params = "authenticator = dns-dnscale\ndns_dnscale_nameservers = 10.0.0.1:53, 10.0.0.2:53\n"
    lineage = read_lineage(add_lineage(config_dir, "example.com", params=params))
    assert lineage.options["nameservers"] == "10.0.0.1:53,10.0.0.2:53"
    assert lineage.listed_options == ("nameservers",)


def test_renew_before_expiry_is_read_from_the_top_of_the_conf(config_dir: Path) -> None:
    conf = add_lineage(
        config_dir, "example.com", params="authenticator = dns-dnscale\n",
        top="renew_before_expiry = 20 days\n",
    )  # fmt: skip
    assert read_lineage(conf).renew_before_expiry == "20 days"


def test_a_malformed_conf_names_the_line(config_dir: Path) -> None:
    conf = config_dir / "renewal" / "broken.conf"
    conf.write_text("cert = /x\n[renewalparams\nauthenticator = dns-dnscale\n")
    with pytest.raises(
        RenewalConfError, match=r"not a valid renewal configuration \(problem at line 2\)"
    ):
        read_lineage(conf)


def test_the_certificate_is_read_through_the_live_symlink_with_its_wildcard(
    config_dir: Path,
) -> None:
    conf = add_lineage(
        config_dir, "example.com", ["example.com", "*.example.com"], params="authenticator = x\n"
    )
    cert = read_certificate(read_lineage(conf).cert_path)
    assert cert.names == ["example.com", "*.example.com"]
    assert cert.not_after - cert.not_before == timedelta(days=90)


# -- checking every lineage ----------------------------------------------------------------------


def test_a_ready_lineage_is_checked_with_its_certificate_names_and_exits_0(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["example.com", "*.example.com"]
    add_lineage(config_dir, "example.com", names, params=plugin_params(sandbox, credentials))
    status, lineages = run_json(config_dir, capsys)
    lineage = lineages["example.com"]
    assert status == 0
    assert lineage["status"] == "ready"
    assert [check["name"] for check in lineage["checks"]] == names
    assert list(findings(lineage)) == ["expiry", "renewal", "settings", "credentials", "token"]
    assert lineage["days_left"] == 79
    assert lineage["renewal_due"] is False


def test_another_authenticator_is_skipped_not_failed(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    add_lineage(config_dir, "www.example.org", params="authenticator = webroot\n")
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 0
    assert lineages["www.example.org"]["status"] == "skipped"
    assert lineages["www.example.org"]["authenticator"] == "webroot"


def test_a_broken_conf_fails_its_lineage_and_the_others_are_still_checked(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    (config_dir / "renewal" / "broken.conf").write_text("[renewalparams]\nauthenticator = a\n")
    status, lineages = run_json(config_dir, capsys)
    assert status == 1
    assert lineages["example.com"]["status"] == "ready"
    broken = findings(lineages["broken"])["renewal conf"]
    assert broken["ok"] is False
    assert "has no 'cert = <path>' line" in broken["detail"]


def test_a_missing_certificate_is_reported_for_its_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    (config_dir / "archive" / "example.com" / "cert1.pem").unlink()
    status, lineages = run_json(config_dir, capsys)
    certificate = findings(lineages["example.com"])["certificate"]
    assert status == 1
    assert "cert.pem does not exist (it points at " in certificate["detail"]
    assert "certbot renew --cert-name example.com" in certificate["fix"]


def test_unreadable_credentials_fail_that_lineage_only(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    moved = plugin_params(sandbox, credentials.with_name("moved.ini"))
    add_lineage(config_dir, "example.org", params=moved)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 1
    assert lineages["example.com"]["status"] == "ready"
    assert "does not exist" in findings(lineages["example.org"])["credentials"]["detail"]


def test_credentials_readable_by_others_say_chmod_600(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    credentials.chmod(0o644)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 1
    assert findings(lineages["example.com"])["credentials"]["fix"] == f"chmod 600 {credentials}"


def test_a_comma_list_of_nameservers_is_used_as_certbot_renew_uses_it(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README invites hand edits; certbot renew joins this list (the option's type)."""
    listed = f"{sandbox.dns_address}, {sandbox.dns_address}"
    params = plugin_params(sandbox, credentials, dns_dnscale_nameservers=listed)
    add_lineage(config_dir, "example.com", params=params)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 0
    assert findings(lineages["example.com"])["settings"]["ok"] is True


def test_a_comma_list_in_another_option_fails_with_the_quoted_value_as_fix(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = f"{sandbox.dns_address}, {sandbox.dns_address}"
    params = plugin_params(sandbox, credentials, dns_dnscale_resolver=listed)
    add_lineage(config_dir, "example.com", params=params)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    settings = findings(lineages["example.com"])["settings"]
    assert status == 1
    joined = f"{sandbox.dns_address},{sandbox.dns_address}"
    assert settings["fix"] == f'put the value in double quotes: dns_dnscale_resolver = "{joined}"'


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("dns_dnscale_propagation_seconds", "soon", "is not a whole number"),
        ("dns_dnscale_propagation_seconds", "86401", "is more than a day"),
        ("dns_dnscale_propagation_check", "maybe", "is neither on nor off"),
        ("dns_dnscale_require_propagation", "yes please", "is not True or False"),
        ("dns_dnscale_resolver", "resolver.example", "the resolver must be an IP address"),
        ("dns_dnscale_credentials", "None", "no dns_dnscale_credentials"),
    ],
)
def test_a_saved_option_certbot_would_refuse_fails_the_lineage(
    option: str,
    value: str,
    says: str,
    sandbox: Sandbox,
    credentials: Path,
    config_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_lineage(
        config_dir, "example.com", params=plugin_params(sandbox, credentials, **{option: value})
    )
    status, lineages = run_json(config_dir, capsys)
    assert status == 1
    assert says in findings(lineages["example.com"])["settings"]["detail"]


def test_a_rejected_token_fails_the_lineage_naming_the_file_and_never_showing_it(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials.write_text(sandbox.credentials_ini("tok-REVOKED-4c1d"))
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    status = main(["check", "--renewals", "--config-dir", str(config_dir)])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("example.com: NOT READY")
    assert f"DNScale rejected the API token in {credentials}" in out
    assert "tok-REVOKED-4c1d" not in out


def test_an_expired_certificate_fails_and_is_due(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials), days_old=95)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    lineage = lineages["example.com"]
    assert status == 1
    assert findings(lineage)["expiry"]["detail"].endswith("(5 days ago)")
    assert lineage["renewal_due"] is True


def test_an_empty_config_dir_is_fine_and_says_so(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--renewals", "--config-dir", str(config_dir)]) == 0
    assert capsys.readouterr().out.strip() == (
        f"no certificate in {config_dir} renews with dns-dnscale (0 skipped)"
    )


def test_a_renewal_entry_that_is_a_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "renewal").write_text("not a directory")
    assert main(["check", "--renewals", "--config-dir", str(tmp_path)]) == 2
    assert "has no renewal/ directory: is it certbot's config" in capsys.readouterr().err


def test_a_conf_as_certbot_2_wrote_it_with_the_old_plugin_name_is_checked(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = plugin_params(sandbox, credentials, authenticator="certbot-dns-dnscale:dns-dnscale")
    conf = add_lineage(
        config_dir, "example.com", params=params, top="# renew_before_expiry = 30 days\n"
    )
    as_2_1 = conf.read_text().replace("version = 5.8.0", "version = 2.1.0")
    conf.write_text(
        as_2_1.replace("[renewalparams]", "# Options used in the renewal process\n[renewalparams]")
    )
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    assert status == 0
    assert lineages["example.com"]["status"] == "ready"


def test_a_certificate_name_dns_cannot_carry_is_reported_not_ready(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = ["example.com", "*.*.example.com"]
    add_lineage(config_dir, "example.com", names, params=plugin_params(sandbox, credentials))
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    checks = {check["name"]: check for check in lineages["example.com"]["checks"]}
    assert status == 1
    assert checks["example.com"]["ready"] is True
    assert checks["*.*.example.com"]["findings"][0]["check"] == "name"


def test_the_ca_flag_applies_to_the_caa_check_of_every_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.org", params=plugin_params(sandbox, credentials))
    caa = sandbox.add_record("example.org", "CAA", '0 issue "sectigo.com"')
    try:
        assert run_json(config_dir, capsys, "--no-write-test")[0] == 1
        assert run_json(config_dir, capsys, "--no-write-test", "--ca", "sectigo.com")[0] == 0
    finally:  # the sandbox serves the whole module
        sandbox.store.delete(caa.zone_id, [caa.id])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("cert = /x\n", "has no [renewalparams] section"),
        ("cert = /x\n[renewalparams]\naccount = 1\n", "names no authenticator"),
        (b"cert = \xff\n", "cannot read"),
    ],
)
def test_a_conf_certbot_cannot_use_says_what_is_missing(
    text: str | bytes, says: str, config_dir: Path
) -> None:
    conf = config_dir / "renewal" / "broken.conf"
    conf.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(RenewalConfError, match=re.escape(says)):
        read_lineage(conf)


def test_a_certificate_file_that_is_not_pem_fails_its_lineage(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    (config_dir / "archive" / "example.com" / "cert1.pem").write_text("not a certificate")
    status = main(["check", "--renewals", "--config-dir", str(config_dir)])
    out = capsys.readouterr().out
    assert status == 1
    assert "  FAIL  certificate " in out
    assert "cert.pem is not a PEM certificate" in out


@pytest.mark.parametrize(
    ("nameservers", "says"),
    [
        ("127.0.0.1:x", "is not HOST or HOST:PORT"),
        ("a-host-that-does-not-resolve.example.org", "cannot find an address"),
    ],
)
def test_saved_nameservers_that_cannot_be_used_fail_the_lineage(
    nameservers: str,
    says: str,
    sandbox: Sandbox,
    credentials: Path,
    config_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    params = plugin_params(sandbox, credentials, dns_dnscale_nameservers=nameservers)
    add_lineage(config_dir, "example.com", params=params)
    status, lineages = run_json(config_dir, capsys)
    assert status == 1
    assert says in findings(lineages["example.com"])["settings"]["detail"]


def test_the_text_report_lists_skipped_lineages_and_the_summary(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_lineage(config_dir, "example.com", params=plugin_params(sandbox, credentials))
    add_lineage(config_dir, "www.example.org", params="authenticator = nginx\n")
    assert main(["check", "--renewals", "--config-dir", str(config_dir), "--no-write-test"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"example.com: ready  ({config_dir}/renewal/example.com.conf)\n")
    assert "\n  example.com: ready\n    ok    challenge   _acme-challenge.example.com" in out
    assert "\nwww.example.org: skipped (authenticator nginx, not dns-dnscale)\n" in out
    assert out.endswith(
        f"1 certificate(s) in {config_dir} renew with dns-dnscale: all ready; 1 skipped\n"
    )


def test_an_interval_certbot_cannot_read_fails_the_renewal_finding(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = plugin_params(sandbox, credentials)
    add_lineage(config_dir, "example.com", params=params, top="renew_before_expiry = soonish\n")
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    renewal = findings(lineages["example.com"])["renewal"]
    assert status == 1
    assert renewal["fix"].startswith("fix renew_before_expiry in ")


def test_a_lineage_with_autorenew_off_says_certbot_leaves_it_alone(
    sandbox: Sandbox, credentials: Path, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = plugin_params(sandbox, credentials, autorenew="False")
    add_lineage(config_dir, "example.com", params=params)
    status, lineages = run_json(config_dir, capsys, "--no-write-test")
    renewal = findings(lineages["example.com"])["renewal"]
    assert status == 0
    assert renewal["detail"] == "autorenew = False: certbot renew leaves it alone"


def test_an_api_message_quoting_the_token_never_reaches_the_report(
    requests_mock: Any, config_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = tmp_path / "dnscale.ini"
    credentials.write_text(f"dns_dnscale_api_token = {TOKEN}\n")
    credentials.chmod(0o600)
    quoting = error_envelope("UNAUTHORIZED", f"bad header 'Authorization: Bearer {TOKEN}'")
    requests_mock.get(f"{API}/zones", status_code=401, json=quoting)
    params = f"authenticator = dns-dnscale\ndns_dnscale_credentials = {credentials}\n"
    add_lineage(config_dir, "example.com", params=params)
    for output in ([], ["--json"]):
        assert main(["check", "--renewals", "--config-dir", str(config_dir), *output]) == 1
        out = capsys.readouterr().out
        assert "token" in out
        assert TOKEN not in out

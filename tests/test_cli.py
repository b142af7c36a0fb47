"""``certbot-dns-dnscale check`` and ``sweep``, against the local sandbox's API and DNS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.commands.sweep import parse_age
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import closed_udp_port

ZONES = ("example.com", "example.org", "example.net", "acme.example.net")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=ZONES)) as running:
        yield running


def check(
    sandbox: Sandbox, credentials: Path, *names: str, extra: tuple[str, ...] = ()
) -> list[str]:
    domains = [arg for name in names for arg in ("-d", name)]
    return [
        "check", "--credentials", str(credentials), *domains,
        "--resolver", sandbox.dns_address, "--nameservers", sandbox.dns_address, *extra,
    ]  # fmt: skip


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:  # type: ignore[type-arg]
    status = main([*argv, "--json"])
    return status, json.loads(capsys.readouterr().out)


def findings(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {finding["check"]: finding for finding in report["findings"]}


# -- check -----------------------------------------------------------------------------------


def test_a_ready_name_passes_every_check_and_exits_0(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, reports = run_json(check(sandbox, credentials, "example.com"), capsys)
    assert status == 0
    assert reports[0]["ready"] is True
    assert list(findings(reports[0])) == ["challenge", "zone", "write test", "NS", "port 53", "CAA"]


def test_the_write_test_leaves_nothing_behind(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(check(sandbox, credentials, "example.com"))
    assert [(c.method, c.status) for c in sandbox.calls if c.method != "GET"] == [
        ("POST", 201),
        ("DELETE", 204),
    ]
    assert sandbox.acme_challenge_records() == []


def test_apex_and_wildcard_share_one_write_test(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, reports = run_json(check(sandbox, credentials, "example.com", "*.example.com"), capsys)
    assert status == 0
    assert [findings(r)["write test"]["ok"] for r in reports] == [True, True]
    assert [c.method for c in sandbox.calls if c.method != "GET"] == ["POST", "DELETE"]


def test_no_write_test_writes_nothing(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, reports = run_json(
        check(sandbox, credentials, "example.com", extra=("--no-write-test",)), capsys
    )
    assert status == 0
    assert "write test" not in findings(reports[0])
    assert {c.method for c in sandbox.calls} == {"GET"}


def test_a_token_that_cannot_write_fails_the_write_test_naming_the_scope(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readonly = tmp_path / "readonly.ini"
    readonly.write_text(sandbox.credentials_ini(sandbox.settings.readonly_token))
    status, reports = run_json(check(sandbox, readonly, "example.com"), capsys)
    write_test = findings(reports[0])["write test"]
    assert status == 1
    assert write_test["ok"] is False
    assert "records:write" in write_test["fix"]


def test_a_cname_delegation_is_shown_and_checked_at_its_target(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "example.com.acme.example.net.")
    status, reports = run_json(check(sandbox, credentials, "example.com"), capsys)
    found = findings(reports[0])
    assert status == 0
    assert found["challenge"]["detail"] == (
        "_acme-challenge.example.com -> example.com.acme.example.net (CNAME)"
    )
    assert found["zone"]["detail"] == "acme.example.net"


def test_the_write_test_at_a_cname_target_marks_the_challenge_name_it_answers_for(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "example.com.acme.example.net.")
    main(check(sandbox, credentials, "example.com"))
    posted = [json.loads(c.body) for c in sandbox.calls if c.method == "POST"]
    assert [body["name"] for body in posted] == ["example.com.acme.example.net."]
    assert posted[0]["comment"].startswith(
        "certbot-dns-dnscale ACME challenge for _acme-challenge.example.com, created "
    )


def test_a_cname_out_of_dnscale_says_to_point_it_into_a_zone(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "acme.elsewhere.invalid.")
    status, reports = run_json(check(sandbox, credentials, "example.com"), capsys)
    zone = findings(reports[0])["zone"]
    assert status == 1
    assert "no DNScale zone holds acme.elsewhere.invalid" in zone["detail"]
    assert "point the CNAME into a DNScale zone" in zone["fix"]


def test_a_name_without_a_zone_is_not_ready(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, reports = run_json(check(sandbox, credentials, "www.example.info"), capsys)
    found = findings(reports[0])
    assert status == 1
    assert found["challenge"]["ok"] is False  # the sandbox refuses names outside its zones
    assert found["zone"]["detail"].startswith("no DNScale zone holds _acme-challenge.www.example")
    assert found["zone"]["fix"] == "add the zone to DNScale or give the token access to it"


def test_a_cname_loop_stops_the_checks_of_that_name(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "loop.example.org.")
    sandbox.add_record("loop.example.org", "CNAME", "_acme-challenge.example.com.")
    status, reports = run_json(check(sandbox, credentials, "example.com"), capsys)
    assert status == 1
    assert list(findings(reports[0])) == ["challenge", "CAA"]
    assert findings(reports[0])["challenge"]["detail"].startswith("CNAME loop:")


def test_a_zone_delegated_elsewhere_says_which_ns_to_set(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.org", "NS", "ns1.other-dns.test.")
    status, reports = run_json(check(sandbox, credentials, "example.org"), capsys)
    ns = findings(reports[0])["NS"]
    assert status == 1
    assert ns["detail"] == "example.org is delegated to ns1.other-dns.test, not only to DNScale"
    assert ns["fix"] == (
        "set the NS records of example.org at your registrar to ns1.dnscale.eu, ns2.dnscale.eu"
    )


def test_a_nameserver_that_does_not_answer_says_to_open_port_53(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(sandbox, credentials, "example.com")
    argv[argv.index("--nameservers") + 1] = f"127.0.0.1:{closed_udp_port()}"
    status, reports = run_json(argv, capsys)
    port = findings(reports[0])["port 53"]
    assert status == 1
    assert "allow outbound DNS (UDP and TCP port 53)" in port["fix"]


def test_caa_that_forbids_the_ca_for_wildcards_says_the_record_to_add(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.com", "CAA", '0 issue "letsencrypt.org"')
    sandbox.add_record("example.com", "CAA", '0 issuewild "digicert.com"')
    status, reports = run_json(check(sandbox, credentials, "example.com", "*.example.com"), capsys)
    assert status == 1
    assert [r["ready"] for r in reports] == [True, False]
    assert findings(reports[1])["CAA"]["fix"] == (
        'add the record example.com. CAA 0 issuewild "letsencrypt.org"'
    )


def test_another_ca_can_be_checked_for(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.com", "CAA", '0 issue "sectigo.com"')
    argv = check(sandbox, credentials, "example.com", extra=("--ca", "sectigo.com"))
    assert run_json(argv, capsys)[0] == 0


def test_the_table_shows_each_problem_with_its_fix(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record("example.org", "CAA", '0 issue ";"')
    assert main(check(sandbox, credentials, "example.org")) == 1
    out = capsys.readouterr().out
    assert out.startswith("example.org: NOT READY\n  ok    challenge   _acme-challenge.example.org")
    assert "  FAIL  CAA         CAA at example.org allows only no CA at all (issue)\n" in out
    assert (
        '                    fix: add the record example.org. CAA 0 issue "letsencrypt.org"' in out
    )


def test_unreadable_credentials_exit_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", "--credentials", str(tmp_path / "none.ini"), "-d", "example.com"])
    assert status == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_rejected_token_exits_2_naming_the_file(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong.ini"
    wrong.write_text(sandbox.credentials_ini("not-a-token"))
    argv = check(sandbox, wrong, "example.com")
    assert main(argv) == 2
    assert f"DNScale rejected the API token in {wrong}" in capsys.readouterr().err


def test_a_bad_nameserver_option_exits_2(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(sandbox, credentials, "example.com")
    argv[argv.index("--nameservers") + 1] = "127.0.0.1:x"
    assert main(argv) == 2
    assert "is not HOST or HOST:PORT" in capsys.readouterr().err


# -- sweep -----------------------------------------------------------------------------------


def leave(
    sandbox: Sandbox,
    name: str,
    value: str,
    *,
    hours_ago: float,
    marked: bool = True,
    answering: str | None = None,
    comment: str | None = None,
) -> None:
    made = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
    zone = sandbox.store.zone_for(name)
    assert zone is not None
    mark = make_mark(made, answering=answering) if marked else None
    sandbox.store.add(zone.id, name, "TXT", value, 300, comment or mark)


def remaining(sandbox: Sandbox) -> list[str]:
    return sorted(
        r.content
        for z in sandbox.store.zones()
        for r in sandbox.store.records(z.id)
        if r.type == "TXT"
    )


def sweep(credentials: Path, *extra: str) -> list[str]:
    return ["sweep", "--credentials", str(credentials), *extra]


def test_sweep_deletes_marked_records_older_than_the_age_and_nothing_else(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, "_acme-challenge.example.com", "old-ours", hours_ago=7)
    leave(
        sandbox, "example.com.acme.example.net", "old-ours-delegated", hours_ago=30,
        answering="_acme-challenge.example.com",
    )  # fmt: skip
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "example.com.acme.example.net.")
    leave(sandbox, "_acme-challenge.example.org", "young-ours", hours_ago=1)
    leave(sandbox, "_acme-challenge.example.com", "foreign", hours_ago=100, marked=False)

    argv = sweep(credentials, "--older-than", "6h", "--resolver", sandbox.dns_address)
    assert main(argv) == 0

    assert remaining(sandbox) == ["foreign", "young-ours"]
    out = capsys.readouterr().out
    assert "deleted: _acme-challenge.example.com TXT 'old-ours' (zone example.com, made " in out
    assert out.endswith("2 leftover record(s) older than 6h\n")


def test_sweep_dry_run_lists_and_deletes_nothing(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, "_acme-challenge.example.com", "old-ours", hours_ago=7)
    status, listed = run_json(sweep(credentials, "--dry-run"), capsys)
    assert status == 0
    assert [(x["content"], x["deleted"]) for x in listed] == [("old-ours", False)]
    assert sandbox.txt_values("_acme-challenge.example.com") == ["old-ours"]
    assert {c.method for c in sandbox.calls} == {"GET"}


def test_sweep_reports_a_record_it_could_not_delete(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, "_acme-challenge.example.com", "old-ours", hours_ago=7)
    sandbox.api.settings.tokens["half"] = sandbox.api.settings.tokens[
        sandbox.settings.readonly_token
    ]
    credentials.write_text(sandbox.credentials_ini("half"))
    status, listed = run_json(sweep(credentials), capsys)
    assert status == 1
    assert listed[0]["deleted"] is False
    assert "records:write" in listed[0]["error"]


def test_sweep_refuses_an_age_it_cannot_read(
    credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(sweep(credentials, "--older-than", "6 hours")) == 2
    assert "is not an age: use a whole number and s, m, h or d" in capsys.readouterr().err


def test_sweep_leaves_a_marked_record_outside_challenge_names_alone_and_says_so(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, "spf.example.com", "v=spf1 -all", hours_ago=30)
    leave(sandbox, "example.com.acme.example.net", "old-style-delegated", hours_ago=30)
    status, listed = run_json(sweep(credentials), capsys)
    assert status == 1
    assert remaining(sandbox) == ["old-style-delegated", "v=spf1 -all"]
    assert [x["deleted"] for x in listed] == [False, False]
    assert all("not at an _acme-challenge name" in x["skipped"] for x in listed)


def test_a_mark_naming_a_non_challenge_origin_does_not_make_a_record_sweepable(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave(sandbox, "www.example.com", "keep", hours_ago=30, answering="www.example.org")
    assert main(sweep(credentials)) == 1
    assert remaining(sandbox) == ["keep"]


def test_a_record_whose_mark_holds_an_impossible_date_is_reported_and_the_sweep_goes_on(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    impossible = "certbot-dns-dnscale ACME challenge, created 2026-13-45T99:00:00Z"
    leave(sandbox, "_acme-challenge.example.com", "broken-mark", hours_ago=0, comment=impossible)
    leave(sandbox, "_acme-challenge.example.org", "old-ours", hours_ago=7)
    assert main(sweep(credentials)) == 1
    out = capsys.readouterr().out
    assert remaining(sandbox) == ["broken-mark"]
    assert "LEFT ALONE (the mark's time 2026-13-45T99:00:00Z is not a real time; " in out
    assert "deleted: _acme-challenge.example.org TXT 'old-ours'" in out


def test_sweep_refuses_an_age_too_long_to_count(
    credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(sweep(credentials, "--older-than", "99999999999999999999d")) == 2
    assert "is too long: use at most 36500d" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("6h", 21600), ("2d", 172800), ("0s", 0)]
)
def test_ages_read_in_seconds_minutes_hours_and_days(text: str, seconds: int) -> None:
    assert parse_age(text).total_seconds() == seconds

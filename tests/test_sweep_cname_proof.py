"""``sweep`` trusts no comment on its own: a marked record away from an ``_acme-challenge`` name is
deleted only when the challenge name its mark names points at it by CNAME right now, as DNS
(here the sandbox's DNS server) answers; otherwise it is LEFT ALONE, with the reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import closed_udp_port

MADE = (datetime.now(timezone.utc) - timedelta(hours=30)).replace(microsecond=0)
CHALLENGE = "_acme-challenge.example.com"
TARGET = "example.com.acme.example.net"
SPF = "v=spf1 include:_spf.example.com -all"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com", "acme.example.net"))) as running:
        yield running


def leave_marked(sandbox: Sandbox, name: str, value: str, answering: str | None) -> None:
    zone = sandbox.store.zone_for(name)
    assert zone is not None
    sandbox.store.add(zone.id, name, "TXT", value, 300, make_mark(MADE, answering=answering))


def sweep(sandbox: Sandbox, credentials: Path, *extra: str) -> list[str]:
    return ["sweep", "--credentials", str(credentials), "--resolver", sandbox.dns_address, *extra]


def made() -> str:
    return f"made {MADE:%Y-%m-%d %H:%M} UTC"


def test_a_marked_spf_record_at_the_apex_is_left_alone(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave_marked(sandbox, "example.com", SPF, answering=CHALLENGE)
    assert main(sweep(sandbox, credentials)) == 1
    assert sandbox.txt_values("example.com") == [SPF]
    assert capsys.readouterr().out.splitlines()[0] == (
        f"LEFT ALONE (not at an _acme-challenge name, and {CHALLENGE}, which its mark names, "
        "is no CNAME; if it is a leftover, delete it by hand): "
        f"example.com TXT {SPF!r} (zone example.com, {made()})"
    )


def test_a_marked_record_where_the_challenge_name_points_by_cname_is_deleted(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record(CHALLENGE, "CNAME", f"{TARGET}.")
    leave_marked(sandbox, TARGET, "old-delegated", answering=CHALLENGE)
    assert main(sweep(sandbox, credentials)) == 0
    assert sandbox.txt_values(TARGET) == []
    assert capsys.readouterr().out.splitlines()[0] == (
        f"deleted: {TARGET} TXT 'old-delegated' (zone acme.example.net, {made()})"
    )


def test_a_marked_record_the_challenge_name_no_longer_points_at_is_left_alone(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = "new.acme.example.net"
    sandbox.add_record(CHALLENGE, "CNAME", f"{elsewhere}.")
    leave_marked(sandbox, TARGET, "old-delegated", answering=CHALLENGE)
    assert main(sweep(sandbox, credentials, "--json")) == 1
    (listed,) = json.loads(capsys.readouterr().out)
    assert sandbox.txt_values(TARGET) == ["old-delegated"]
    assert listed["deleted"] is False
    assert listed["skipped"] == (
        f"not at an _acme-challenge name, and {CHALLENGE}, which its mark names, now points at "
        f"{elsewhere} ({CHALLENGE} -> {elsewhere}); if it is a leftover, delete it by hand"
    )


def test_a_marked_record_whose_cname_cannot_be_looked_up_is_left_alone(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leave_marked(sandbox, TARGET, "old-delegated", answering=CHALLENGE)
    silent = f"127.0.0.1:{closed_udp_port()}"
    argv = ["sweep", "--credentials", str(credentials), "--resolver", silent, "--json"]
    assert main(argv) == 1
    (listed,) = json.loads(capsys.readouterr().out)
    assert sandbox.txt_values(TARGET) == ["old-delegated"]
    assert listed["skipped"].startswith(
        f"could not check that {CHALLENGE} points at it by CNAME (CNAME lookup of {CHALLENGE} "
        f"via {silent} failed: "
    )


def test_a_dry_run_makes_the_same_cname_check(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record(CHALLENGE, "CNAME", f"{TARGET}.")
    leave_marked(sandbox, TARGET, "old-delegated", answering=CHALLENGE)
    leave_marked(sandbox, "example.com", SPF, answering=CHALLENGE)
    assert main(sweep(sandbox, credentials, "--dry-run", "--json")) == 1
    listed = {x["name"]: x for x in json.loads(capsys.readouterr().out)}
    assert listed[TARGET]["skipped"] is None
    assert "which its mark names, now points at" in listed["example.com"]["skipped"]
    assert sandbox.txt_values(TARGET) == ["old-delegated"]


def test_a_challenge_name_named_by_marks_in_two_zones_is_looked_up_once(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox.add_record(CHALLENGE, "CNAME", f"{TARGET}.")
    leave_marked(sandbox, TARGET, "old-delegated", answering=CHALLENGE)
    leave_marked(sandbox, "example.com", SPF, answering=CHALLENGE)
    assert main(sweep(sandbox, credentials, "--dry-run")) == 1
    capsys.readouterr()
    looked_up = [q.name for q in sandbox.dns.queries if q.type == "CNAME"]
    assert looked_up.count(f"{CHALLENGE}.") == 1

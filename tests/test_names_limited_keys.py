"""With a key limited to ``_acme-challenge`` names, DNScale may show a record listing only those
names or refuse it (403): the plugin's retry path does without the listing either way. A retried
create's 409 says the value is stored; a delete by name and value needs no listing."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.commands.check import CheckOptions, SetupChecker
from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.commands.sweep import leftovers_by_zone
from certbot_dns_dnscale._internal.dns_client import DnsClient
from certbot_dns_dnscale._internal.errors import ApiError
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.grants import NamesListing
from tests.conftest import sandbox_batch

NAME = "_acme-challenge.example.com"
CHALLENGES = [(NAME, "apex-value"), (NAME, "wildcard-value")]
RECORDS_ROUTE = "/zones/{zone_id}/records"


@pytest.fixture(params=list(NamesListing), ids=lambda mode: f"listing-{mode.value}")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(names_listing=request.param)) as running:
        yield running


def statuses(sandbox: Sandbox, method: str) -> list[int]:
    return [c.status for c in sandbox.calls if c.method == method]


def test_a_create_whose_answer_was_lost_is_stored_once_and_removed(sandbox: Sandbox) -> None:
    sandbox.faults.script("lost", method="POST", route=RECORDS_ROUTE)
    batch = sandbox_batch(sandbox, sandbox.settings.acme_names_token)

    batch.perform(CHALLENGES)
    assert sandbox.txt_values(NAME) == ["apex-value", "wildcard-value"]
    batch.cleanup(CHALLENGES)

    assert sandbox.acme_challenge_records() == []
    batch.close()


def test_a_refused_listing_makes_the_retry_post_again_and_take_409_as_stored() -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        sandbox.faults.script("lost", method="POST", route=RECORDS_ROUTE)
        batch = sandbox_batch(sandbox, sandbox.settings.acme_names_token)

        batch.perform(CHALLENGES[:1])
        batch.cleanup(CHALLENGES[:1])

        assert statuses(sandbox, "POST") == [0, 409]
        listings = [c for c in sandbox.calls if c.route == RECORDS_ROUTE and c.method == "GET"]
        assert {c.status for c in listings} == {403}
        deletes = [c for c in sandbox.calls if c.method == "DELETE"]
        assert [(c.route.endswith("{type}"), c.status) for c in deletes] == [(True, 204)]
        assert sandbox.acme_challenge_records() == []
        batch.close()


def test_a_value_there_before_is_left_alone_with_a_warning_when_the_listing_is_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        sandbox.add_record(NAME, "TXT", "apex-value")
        batch = sandbox_batch(sandbox, sandbox.settings.acme_names_token)

        with caplog.at_level(logging.WARNING):
            batch.perform(CHALLENGES[:1])
        batch.cleanup(CHALLENGES[:1])

        assert sandbox.txt_values(NAME) == ["apex-value"]
        assert "this API key may not list records" in caplog.text
        batch.close()


# -- check and sweep with such a key -----------------------------------------------------------


def narrow_credentials(sandbox: Sandbox, tmp_path: Path) -> Path:
    path = tmp_path / "narrow.ini"
    path.write_text(sandbox.credentials_ini(sandbox.settings.acme_names_token))
    path.chmod(0o600)
    return path


def check_json(sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    dns = sandbox.dns_address
    status = main([
        "check", "--credentials", str(credentials), "-d", "example.com", "-d", "*.example.com",
        "--resolver", dns, "--nameservers", dns, "--json",
    ])  # fmt: skip
    return status, json.loads(capsys.readouterr().out)


def test_check_says_a_refused_listing_comes_from_a_key_limited_to_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        status, reports = check_json(sandbox, narrow_credentials(sandbox, tmp_path), capsys)

    assert status == 0
    for report in reports:
        findings = {f["check"]: f for f in report["findings"]}
        assert findings["write test"]["ok"] is True
        assert findings["listing"]["ok"] is True
        assert findings["listing"]["detail"].startswith(
            "DNScale refuses this API key the record listing of example.com (HTTP 403): the key "
            "is limited to some names"
        )


def test_check_with_a_key_whose_listing_is_filtered_passes_quietly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox() as sandbox:
        status, reports = check_json(sandbox, narrow_credentials(sandbox, tmp_path), capsys)

    assert status == 0
    assert all("listing" not in [f["check"] for f in r["findings"]] for r in reports)


def leave_marked(sandbox: Sandbox, name: str) -> None:
    made = datetime.now(timezone.utc) - timedelta(hours=30)
    sandbox.add_record(name, "TXT", "old", comment=make_mark(made))


def test_sweep_with_a_key_whose_listing_is_filtered_deletes_leftovers_at_its_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Sandbox() as sandbox:
        leave_marked(sandbox, NAME)
        status = main(["sweep", "--credentials", str(narrow_credentials(sandbox, tmp_path))])
        assert sandbox.acme_challenge_records() == []

    assert status == 0
    assert f"deleted: {NAME} TXT 'old'" in capsys.readouterr().out


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["delete", "dry-run"])
def test_sweep_refused_the_listing_exits_2_naming_the_zones_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dry_run: list[str]
) -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        leave_marked(sandbox, NAME)
        credentials = narrow_credentials(sandbox, tmp_path)
        status = main(["sweep", "--credentials", str(credentials), *dry_run])
        assert len(sandbox.acme_challenge_records()) == 1

    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: DNScale refused this API key the record listing of example.com, example.net, "
        "example.org, sub.example.com (HTTP 403)"
    )
    assert "Run sweep with a key that may list and delete those zones' records" in err
    assert sandbox.settings.acme_names_token not in err


def test_check_fails_a_record_listing_that_keeps_failing_with_the_fix() -> None:
    with Sandbox() as sandbox:
        sandbox.faults.script("500", method="GET", route=RECORDS_ROUTE, times=100)
        token, api = sandbox.settings.acme_names_token, sandbox.api_url + "/v1"
        client = DNScaleClient(token, api, user_agent="t", sleep=lambda _: None)
        dns = DnsClient(sandbox.dns_address)
        options = CheckOptions("/etc/letsencrypt/dnscale.ini", 300, write_test=False,
                               nameservers=dns.servers([sandbox.dns_address]))  # fmt: skip
        report = SetupChecker(client, dns, options).check("example.com")
        client.close()

    listing = {f.check: f for f in report.findings}["listing"]
    assert listing.ok is False
    assert listing.fix is not None
    assert listing.fix.startswith(
        "Could not list the records of example.com in zone example.com: the DNScale API kept "
        "failing on its side."
    )


def test_sweep_scan_raises_a_listing_failure_other_than_a_refusal() -> None:
    with Sandbox() as sandbox:
        sandbox.faults.script("500", method="GET", route=RECORDS_ROUTE, times=100)
        token, api = sandbox.settings.token, sandbox.api_url + "/v1"
        client = DNScaleClient(token, api, user_agent="t", sleep=lambda _: None)
        zones = client.list_zones()
        with pytest.raises(ApiError) as raised:
            leftovers_by_zone(
                client, zones, timedelta(hours=6), datetime.now(timezone.utc), lambda _: None
            )
        client.close()
    assert raised.value.status == 500

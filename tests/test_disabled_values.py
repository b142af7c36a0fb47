"""A value the plugin is about to create may already be at the name but disabled: DNS does not
serve it, so the CA would fail to validate. Ours (marked) is enabled; anyone else's stops the
run with a sentence naming the record and the fix. Driven against the sandbox."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import ChallengeError
from certbot_dns_dnscale._internal.marks import make_mark
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale.sandbox import Sandbox
from tests.conftest import sandbox_batch
from tests.sandbox_client import served_txt

NAME = "_acme-challenge.example.com"
CHALLENGE = [(NAME, "token-value")]
CREATE_ROUTE = "/zones/{zone_id}/records"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


def test_our_disabled_value_is_enabled_and_then_served(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.add_record(NAME, "TXT", "token-value", comment=make_mark(), disabled=True)
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    with caplog.at_level(logging.WARNING):
        batch.perform(CHALLENGE)

    assert [r.disabled for r in sandbox.records(NAME)] == [False]
    assert served_txt(sandbox.dns_port, NAME) == ["token-value"]
    assert [c.method for c in sandbox.calls if c.method == "PUT"] == ["PUT"]
    assert "was in zone example.com but disabled; it carries this plugin's mark" in caplog.text
    batch.close()


def test_someone_elses_disabled_value_stops_the_run_naming_it_and_the_fix(
    sandbox: Sandbox,
) -> None:
    record = sandbox.add_record(NAME, "TXT", "token-value", comment="by hand", disabled=True)
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    with pytest.raises(ChallengeError) as raised:
        batch.perform(CHALLENGE)

    message = str(raised.value)
    assert f"The TXT value for {NAME} is already in zone example.com but disabled" in message
    assert f"record id {record.id}" in message
    assert "enable or delete that TXT record in DNScale" in message
    batch.cleanup(CHALLENGE)
    assert [(r.disabled, r.comment) for r in sandbox.records(NAME)] == [(True, "by hand")]
    assert [c.method for c in sandbox.calls if c.method in ("PUT", "DELETE")] == []
    batch.close()


def test_a_run_stopped_by_someone_elses_disabled_value_warns_of_no_unanswered_create(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.add_record(NAME, "TXT", "token-value", comment="by hand", disabled=True)
    batch = sandbox_batch(sandbox, sandbox.settings.token)
    with pytest.raises(ChallengeError):
        batch.perform(CHALLENGE)

    with caplog.at_level(logging.WARNING):
        batch.cleanup(CHALLENGE)

    assert "got no answer" not in caplog.text
    assert caplog.records == []
    batch.close()


def test_a_disabled_value_found_by_a_retrys_lookup_is_not_taken_for_ours(
    sandbox: Sandbox,
) -> None:
    """The first create's connection dropped; the lookup before posting again finds the value,
    disabled and unmarked: someone else's, not a create of ours that went through."""
    sandbox.add_record(NAME, "TXT", "token-value", disabled=True)
    sandbox.faults.script("drop", method="POST", route=CREATE_ROUTE)
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    with pytest.raises(ChallengeError, match="but disabled"):
        batch.perform(CHALLENGE)

    batch.cleanup(CHALLENGE)
    assert [r.disabled for r in sandbox.records(NAME)] == [True]
    batch.close()


def test_an_enabled_value_already_there_needs_no_update(sandbox: Sandbox) -> None:
    sandbox.add_record(NAME, "TXT", "token-value")
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    batch.perform(CHALLENGE)
    batch.cleanup(CHALLENGE)

    assert [c.method for c in sandbox.calls if c.method in ("PUT", "DELETE")] == []
    assert sandbox.txt_values(NAME) == ["token-value"]
    batch.close()


def test_a_disabled_value_whose_mark_has_an_impossible_time_is_not_taken_for_ours(
    sandbox: Sandbox,
) -> None:
    impossible = make_mark()[:-20] + "2026-13-45T00:00:00Z"
    sandbox.add_record(NAME, "TXT", "token-value", comment=impossible, disabled=True)
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    with pytest.raises(ChallengeError, match="not made by this plugin"):
        batch.perform(CHALLENGE)

    assert [r.disabled for r in sandbox.records(NAME)] == [True]
    batch.close()


def test_enabling_our_value_that_keeps_failing_stops_the_run_saying_what_failed(
    sandbox: Sandbox,
) -> None:
    sandbox.add_record(NAME, "TXT", "token-value", comment=make_mark(), disabled=True)
    sandbox.faults.script("500", method="PUT", times=100)
    batch = sandbox_batch(sandbox, sandbox.settings.token)

    with pytest.raises(ChallengeError) as raised:
        batch.perform(CHALLENGE)

    assert str(raised.value).startswith(
        f"Could not enable the disabled TXT record {NAME} in zone example.com: the DNScale API "
        "kept failing on its side."
    )
    batch.close()


def test_a_record_without_its_id_cannot_be_enabled(sandbox: Sandbox) -> None:
    client = DNScaleClient("t", sandbox.api_url + "/v1", user_agent="t")
    record = TxtRecord("zone", None, NAME, "token-value", disabled=True)
    with pytest.raises(ValueError, match="without its id"):
        client.enable_txt(record, ttl=300)
    client.close()

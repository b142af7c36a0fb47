"""A run's batch at the edges: creates stopped after an interruption and named with the sweep
command, deletes that fail with a bug, the one wait built from every value created at a name,
and the token echoed back on the plugin's path."""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import requests_mock as rm
from certbot import errors

from certbot_dns_dnscale._internal import call_pool
from certbot_dns_dnscale._internal.batch import Challenge, ChallengeBatch
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import CancelledCallError, ChallengeError
from certbot_dns_dnscale._internal.retry import RetryPolicy
from certbot_dns_dnscale._internal.waiting import WaitSettings
from certbot_dns_dnscale._internal.zone_cache import ZoneView, directory_for
from tests.conftest import (
    API,
    TOKEN,
    MakeAuthenticator,
    achall,
    envelope,
    txt,
    value_of,
    wait_for,
    zone,
    zones_page,
)
from tests.fake_dns import fake_dns
from tests.misbehaving_server import (
    Behaviour,
    Handler,
    MisbehavingServer,
    echo_authorization,
    json_answer,
    misbehaving_server,
    raw_answer,
    trickle,
)

CREDENTIALS = "/etc/letsencrypt/dnscale.ini"
SWEEP_ADVICE = (
    f"`certbot-dns-dnscale sweep --credentials {CREDENTIALS}` removes it (and any other "
    "leftover of this plugin) once it is 6 hours old; add --older-than 30m to remove it sooner "
    "when no other certbot run is using this token"
)
APEX_AND_WILDCARD: list[Challenge] = [
    ("_acme-challenge.example.com", "v1"),
    ("_acme-challenge.example.com", "v2"),
]


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        running.serve("/zones", json_answer(200, zones_page([zone("z-com", "example.com")])))
        yield running


def batch_for(
    base_url: str, wait: WaitSettings | None = None, budget_seconds: float = 60.0
) -> ChallengeBatch:
    policy = RetryPolicy(budget_seconds=budget_seconds, base_delay_seconds=0.05)
    client = DNScaleClient(TOKEN, base_url, user_agent="t", retry_policy=policy)
    return ChallengeBatch(
        client,
        ZoneView(directory_for(base_url, TOKEN), client.list_zones),
        ttl_seconds=300,
        credentials_path=CREDENTIALS,
        wait=wait or WaitSettings(bound_seconds=0, check=False),
        notify=lambda _: None,
    )


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def perform_on_a_thread(
    batch: ChallengeBatch, challenges: list[Challenge]
) -> tuple[threading.Thread, list[ChallengeError]]:
    failures: list[ChallengeError] = []

    def perform() -> None:
        try:
            batch.perform(challenges)
        except ChallengeError as err:
            failures.append(err)

    thread = threading.Thread(target=perform)
    thread.start()
    return thread, failures


# -- an interruption while creates wait for their answer -----------------------------------------


def test_creates_still_unanswered_after_the_grace_are_stopped_and_named_with_the_sweep_command(
    server: MisbehavingServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(call_pool, "IN_FLIGHT_GRACE_SECONDS", 0.2)
    server.serve("/zones/z-com/records", trickle(b" " * 1000 + b"{}"))  # answers in 200 s
    batch = batch_for(server.url, budget_seconds=60.0)
    performing, failures = perform_on_a_thread(batch, APEX_AND_WILDCARD[:1])
    wait_for(lambda: server.requests_to("/zones/z-com/records"), 10.0)

    batch.cleanup(APEX_AND_WILDCARD[:1])
    performing.join(timeout=10)
    batch.close()

    assert not performing.is_alive()  # stopped, long before the create's 60 s budget
    assert isinstance(failures[0].__cause__, CancelledCallError)
    assert warnings_in(caplog) == [
        "The creation of the TXT record _acme-challenge.example.com with value 'v1' (zone "
        "example.com) got no answer: DNScale may have stored it, and it is then left behind. "
        f"{SWEEP_ADVICE}."
    ]
    assert [s.method for s in server.seen].count("DELETE") == 0  # nothing known to delete


def test_a_create_the_api_refused_is_not_named_as_left_behind(
    server: MisbehavingServer, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = {"status": "error", "error": {"code": "VALIDATION", "message": "bad ttl"}}
    server.serve("/zones/z-com/records", json_answer(422, refusal))
    batch = batch_for(server.url)
    with pytest.raises(ChallengeError, match="bad ttl"):
        batch.perform(APEX_AND_WILDCARD[:1])
    batch.cleanup(APEX_AND_WILDCARD[:1])
    batch.close()
    assert warnings_in(caplog) == []


def test_a_create_that_timed_out_is_named_as_left_behind(
    server: MisbehavingServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.serve("/zones/z-com/records", trickle(b" " * 1000 + b"{}"))
    batch = batch_for(server.url, budget_seconds=0.5)
    with pytest.raises(ChallengeError, match="did not finish answering in time"):
        batch.perform(APEX_AND_WILDCARD[:1])
    batch.cleanup(APEX_AND_WILDCARD[:1])
    batch.close()
    (warning,) = warnings_in(caplog)
    assert warning.startswith("The creation of the TXT record _acme-challenge.example.com")


# -- deletes that fail with something else than an API error -------------------------------------


def test_a_delete_failing_with_a_bug_warns_naming_the_record_and_the_others_still_go(
    requests_mock: rm.Mocker,
    make_authenticator: MakeAuthenticator,
    write_credentials: object,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    display: io.StringIO,
) -> None:
    closed: list[DNScaleClient] = []
    close = DNScaleClient.close
    monkeypatch.setattr(DNScaleClient, "close", lambda self: (closed.append(self), close(self)))
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    first, second = achall("example.com"), achall("example.com", b"w" * 32)
    ids = {value_of(first): "r1", value_of(second): "r2"}

    def created(request: requests.PreparedRequest, context: Any) -> dict[str, Any]:
        content = request.json()["content"]  # type: ignore[attr-defined]
        context.status_code = 201
        return envelope({"record": txt(ids[content], "_acme-challenge.example.com.", content)})

    requests_mock.post(f"{API}/zones/z-com/records", json=created)
    requests_mock.delete(f"{API}/zones/z-com/records/r1", exc=RuntimeError("a bug"))
    requests_mock.delete(f"{API}/zones/z-com/records/r2", status_code=204)
    auth = make_authenticator(write_credentials())  # type: ignore[operator]
    auth.perform([first, second])

    auth.cleanup([first, second])

    (warning,) = warnings_in(caplog)
    assert warning.startswith(
        f"Could not remove the TXT record _acme-challenge.example.com with value "
        f"{value_of(first)!r} (zone id z-com): a bug. It is left behind: delete it in the "
        "DNScale dashboard, or `certbot-dns-dnscale sweep --credentials "
    )
    deletes = [r.path for r in requests_mock.request_history if r.method == "DELETE"]
    assert sorted(deletes) == ["/v1/zones/z-com/records/r1", "/v1/zones/z-com/records/r2"]
    assert len(closed) == 1


# -- the one wait, built from every value created at a name ----------------------------------------


def created_in_order() -> Behaviour:
    """Create answers that always store v1 first: v2's waits until v1's has been given, and a
    little more. A grouping that kept only the first or only the last value is caught either
    way."""
    v1_answered = threading.Event()

    def behave(handler: Handler) -> None:
        content = json.loads(handler.request_body)["content"]
        if content == "v2":
            assert v1_answered.wait(timeout=10)
            time.sleep(0.2)
        record = txt("id-" + content, "_acme-challenge.example.com.", content)
        json_answer(201, envelope({"record": record}))(handler)
        v1_answered.set()

    return behave


@pytest.mark.parametrize("served", ["v1", "v2"])
def test_apex_and_wildcard_values_are_both_waited_for_at_their_shared_name(
    served: str, server: MisbehavingServer
) -> None:
    """DNS serves one of the two values at the name: the wait must not be satisfied."""
    server.serve("/zones/z-com/records", created_in_order())
    server.serve("/zones/z-com/records/id-v1", raw_answer(204, b""))
    server.serve("/zones/z-com/records/id-v2", raw_answer(204, b""))
    steps = {("_acme-challenge.example.com", "TXT"): [[f'"{served}"']]}
    with fake_dns(steps) as dns:
        wait = WaitSettings(
            bound_seconds=1, nameservers=(dns.address,), resolver=dns.address, require=True
        )
        batch = batch_for(server.url, wait)
        lacks = rf"{dns.address} lacks _acme-challenge\.example\.com"
        with pytest.raises(ChallengeError, match=lacks):
            batch.perform(APEX_AND_WILDCARD)
    batch.cleanup(APEX_AND_WILDCARD)
    batch.close()
    assert [s.path for s in server.seen if s.method == "DELETE"].count(
        "/v1/zones/z-com/records/id-v1"
    ) == 1


# -- the token echoed back, on the plugin's path ---------------------------------------------------


def test_an_answer_echoing_the_authorization_header_leaves_the_token_out_of_the_plugins_error(
    server: MisbehavingServer,
    caplog: pytest.LogCaptureFixture,
    make_authenticator: MakeAuthenticator,
    tmp_path: Path,
    display: io.StringIO,
) -> None:
    caplog.set_level(logging.DEBUG)
    server.serve("/zones", echo_authorization())
    credentials = tmp_path / "dnscale.ini"
    credentials.write_text(f"dns_dnscale_api_token = {TOKEN}\ndns_dnscale_api_url = {server.url}\n")
    credentials.chmod(0o600)
    auth = make_authenticator(credentials)
    with pytest.raises(errors.PluginError) as raised:
        auth.perform([achall("example.com")])
    auth.cleanup([achall("example.com")])
    assert "request id Bearer ***" in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in caplog.text

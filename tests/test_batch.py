"""A batch of challenges, driven without certbot: plan, create, wait, delete."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests
import requests_mock as rm

from certbot_dns_dnscale._internal.batch import ChallengeBatch
from certbot_dns_dnscale._internal.call_pool import CONCURRENT_API_CALLS
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import ChallengeError
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.retry import RetryPolicy
from certbot_dns_dnscale._internal.waiting import WaitSettings
from certbot_dns_dnscale._internal.zone_cache import ZoneDirectory, ZoneView, directory_for
from certbot_dns_dnscale._internal.zones import Zone
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import (
    API,
    TOKEN,
    envelope,
    error_envelope,
    records_page,
    txt,
    zone,
    zones_page,
)

RECORDS = f"{API}/zones/z-com/records"
NO_WAIT = WaitSettings(bound_seconds=0, check=False)


def make_batch(token: str = TOKEN, client: DNScaleClient | None = None) -> ChallengeBatch:
    client = client or DNScaleClient(token, API, user_agent="t", sleep=lambda _: None)
    return ChallengeBatch(
        client,
        ZoneView(directory_for(API, token), client.list_zones),
        ttl_seconds=300,
        credentials_path="/etc/letsencrypt/dnscale.ini",
        wait=NO_WAIT,
        notify=lambda _: None,
    )


def created(request: requests.PreparedRequest, context: Any) -> dict[str, Any]:
    body = request.json()  # type: ignore[attr-defined]
    context.status_code = 201
    return envelope({"record": txt("id-" + body["content"], body["name"], body["content"])})


def held_create(
    started: threading.Event, release: threading.Event, timeout_seconds: float
) -> Callable[[requests.PreparedRequest, Any], dict[str, Any]]:
    """A create answer that says it began, then waits to be released (at most the timeout)."""

    def answer(request: requests.PreparedRequest, context: Any) -> dict[str, Any]:
        started.set()
        release.wait(timeout=timeout_seconds)
        return created(request, context)

    return answer


def perform_expecting_failure(batch: ChallengeBatch, challenges: list[tuple[str, str]]) -> None:
    """``perform`` on a thread of its own, where a ChallengeError is the expected end."""
    with pytest.raises(ChallengeError):
        batch.perform(challenges)


@pytest.fixture
def api(requests_mock: rm.Mocker) -> rm.Mocker:
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(RECORDS, json=created)
    requests_mock.delete(rm.ANY, status_code=204)
    return requests_mock


def methods(mock: rm.Mocker) -> list[str]:
    return [request.method for request in mock.request_history]


def test_a_batch_creates_then_deletes_exactly_its_records(api: rm.Mocker) -> None:
    batch = make_batch()
    challenges = [("_acme-challenge.example.com", "v1"), ("_acme-challenge.example.com", "v2")]
    batch.perform(challenges)
    batch.cleanup(challenges)
    deleted = sorted(r.path for r in api.request_history if r.method == "DELETE")
    assert deleted == [f"/v1/zones/z-com/records/id-{v}" for v in ("v1", "v2")]


def test_a_name_without_a_zone_fails_the_batch_before_anything_is_created(
    api: rm.Mocker,
) -> None:
    batch = make_batch()
    challenges = [("_acme-challenge.example.com", "v1"), ("_acme-challenge.example.net", "v2")]
    missing = r"No DNScale zone holds _acme-challenge\.example\.net"
    with pytest.raises(ChallengeError, match=missing):
        batch.perform(challenges)
    assert "POST" not in methods(api)


def test_a_name_dns_cannot_carry_fails_before_any_request(api: rm.Mocker) -> None:
    too_long = "_acme-challenge." + "a" * 64 + ".example.com"
    with pytest.raises(ChallengeError, match="Remove that name from the certificate"):
        make_batch().perform([(too_long, "v1")])
    assert api.request_history == []


def test_cleanup_waits_for_a_create_still_on_its_way(requests_mock: rm.Mocker) -> None:
    """After a signal certbot may clean up while a create is in flight; the record it stores
    a moment later must still be deleted."""
    create_started, release_create = threading.Event(), threading.Event()
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(RECORDS, json=held_create(create_started, release_create, 10))
    requests_mock.delete(rm.ANY, status_code=204)
    batch = make_batch()
    challenge = [("_acme-challenge.example.com", "v1")]
    performing = threading.Thread(target=batch.perform, args=(challenge,))
    performing.start()
    assert create_started.wait(timeout=10)
    cleaning = threading.Thread(target=batch.cleanup, args=(challenge,))
    cleaning.start()
    cleaning.join(timeout=0.3)  # without the wait, cleanup would be over (and found nothing)
    still_waiting = cleaning.is_alive()
    release_create.set()
    cleaning.join(timeout=10)
    performing.join(timeout=10)
    assert still_waiting
    assert methods(requests_mock)[-1] == "DELETE"


# -- one zone list per process (certbot renew with many lineages) ------------------------------


def zone_list_calls(mock: rm.Mocker) -> int:
    return sum(1 for r in mock.request_history if r.method == "GET" and r.path == "/v1/zones")


def test_later_batches_with_the_same_token_reuse_the_zone_list(api: rm.Mocker) -> None:
    for value in ("v1", "v2", "v3"):
        make_batch().perform([("_acme-challenge.example.com", value)])
    assert zone_list_calls(api) == 1


def test_batches_with_another_token_list_the_zones_themselves(api: rm.Mocker) -> None:
    make_batch().perform([("_acme-challenge.example.com", "v1")])
    make_batch("another-token-0123456789").perform([("_acme-challenge.example.com", "v2")])
    assert zone_list_calls(api) == 2
    tokens = {r.headers["Authorization"] for r in api.request_history if r.path == "/v1/zones"}
    assert tokens == {f"Bearer {TOKEN}", "Bearer another-token-0123456789"}


def test_a_zone_added_since_the_list_was_read_is_found_by_one_fresh_listing(
    requests_mock: rm.Mocker,
) -> None:
    requests_mock.get(
        f"{API}/zones",
        [
            {"json": zones_page([zone("z-com", "example.com")])},
            {"json": zones_page([zone("z-com", "example.com"), zone("z-net", "example.net")])},
        ],
    )
    requests_mock.post(rm.ANY, json=created)
    make_batch().perform([("_acme-challenge.example.com", "v1")])
    make_batch().perform([("_acme-challenge.example.net", "v2")])
    assert zone_list_calls(requests_mock) == 2
    assert requests_mock.last_request.path == "/v1/zones/z-net/records"


def test_a_name_without_a_zone_in_a_fresh_list_is_not_listed_again(api: rm.Mocker) -> None:
    batch = make_batch()
    with pytest.raises(ChallengeError, match="among the 1 zone"):
        batch.perform([("_acme-challenge.example.net", "v1"), ("_acme-challenge.a.net", "v2")])
    assert zone_list_calls(api) == 1


def test_a_kept_list_that_lacks_a_name_is_refreshed_only_once_per_batch(api: rm.Mocker) -> None:
    make_batch().perform([("_acme-challenge.example.com", "v1")])
    with pytest.raises(ChallengeError):
        make_batch().perform(
            [("_acme-challenge.example.net", "v2"), ("_acme-challenge.example.org", "v3")]
        )
    assert zone_list_calls(api) == 2


def test_a_refreshed_zone_directory_hands_back_the_new_list() -> None:
    directory = ZoneDirectory()
    lists = iter([[Zone("z1", "example.com")], [Zone("z2", "example.net")]])
    assert directory.zones(lambda: next(lists)) == ([Zone("z1", "example.com")], True)
    assert directory.refresh(lambda: next(lists)) == [Zone("z2", "example.net")]
    assert directory.zones(lambda: []) == ([Zone("z2", "example.net")], False)


def test_cleanup_stops_waiting_for_a_create_stuck_beyond_the_retry_budget(
    requests_mock: rm.Mocker,
) -> None:
    """A create that outlives its own budget is not waited for forever: cleanup goes on."""
    create_started, release_create = threading.Event(), threading.Event()
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(RECORDS, json=held_create(create_started, release_create, 30))
    client = DNScaleClient(TOKEN, API, user_agent="t", retry_policy=RetryPolicy(budget_seconds=0.1))
    batch = make_batch(client=client)
    challenge = [("_acme-challenge.example.com", "v1")]
    performing = threading.Thread(target=perform_expecting_failure, args=(batch, challenge))
    performing.start()
    assert create_started.wait(timeout=10)
    cleaning = threading.Thread(target=batch.cleanup, args=(challenge,))
    cleaning.start()
    cleaning.join(timeout=20)
    cleanup_returned_while_create_stuck = not cleaning.is_alive() and not release_create.is_set()
    release_create.set()
    performing.join(timeout=10)
    cleaning.join(timeout=10)
    assert cleanup_returned_while_create_stuck


# -- what a create says ------------------------------------------------------------------------


def test_a_failed_create_names_the_record_and_the_zone(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(RECORDS, status_code=404, json=error_envelope("NOT_FOUND", "no zone"))
    with pytest.raises(ChallengeError) as raised:
        make_batch().perform([("_acme-challenge.example.com", "v1")])
    assert str(raised.value) == (
        "Could not create the TXT record _acme-challenge.example.com in zone example.com: "
        "DNScale does not know it (was the zone deleted or moved?). [no zone (HTTP 404 "
        "NOT_FOUND)]"
    )


def test_a_value_already_there_is_logged_as_left_alone(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="certbot_dns_dnscale")
    requests_mock.get(f"{API}/zones", json=zones_page([zone("z-com", "example.com")]))
    requests_mock.post(RECORDS, status_code=409, json=error_envelope("CONFLICT", "exists"))
    requests_mock.get(
        RECORDS, json=records_page([txt("old", "_acme-challenge.example.com.", "v1")])
    )
    make_batch().perform([("_acme-challenge.example.com", "v1")])
    assert [r.getMessage() for r in caplog.records if r.name.endswith(".batch")] == [
        "TXT value for _acme-challenge.example.com was already in zone example.com; it will "
        "be left there"
    ]


def test_a_created_record_is_logged_with_its_zone(
    api: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="certbot_dns_dnscale")
    make_batch().perform([("_acme-challenge.example.com", "v1")])
    record = TxtRecord("z-com", "id-v1", "_acme-challenge.example.com", "v1")
    assert [r.getMessage() for r in caplog.records if r.name.endswith(".batch")] == [
        f"Created TXT record {record} in zone example.com"
    ]


def test_at_most_four_api_calls_are_made_at_once() -> None:
    """DNScale publishes no rate limits: a batch of many names stays gentle."""
    with Sandbox(SandboxSettings(api_latency_ms=30)) as sandbox:
        client = DNScaleClient(sandbox.settings.token, sandbox.api_url + "/v1", user_agent="t")
        batch = ChallengeBatch(
            client,
            ZoneView(directory_for(sandbox.api_url, sandbox.settings.token), client.list_zones),
            ttl_seconds=300,
            credentials_path="/etc/letsencrypt/dnscale.ini",
            wait=WaitSettings(bound_seconds=0, check=False, resolver=sandbox.dns_address),
            notify=lambda _: None,
        )
        challenges = [(f"_acme-challenge.n{i}.example.com", f"v{i}") for i in range(12)]
        batch.perform(challenges)
        assert 1 <= sandbox.api.max_in_flight <= CONCURRENT_API_CALLS
        assert len(sandbox.acme_challenge_records()) == 12

"""With a key limited to ``_acme-challenge`` names, DNScale may show a record listing only those
names or refuse it (403): the plugin's retry path does without the listing either way. A retried
create's 409 says the value is stored; a delete by name and value needs no listing."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from certbot_dns_dnscale._internal.batch import ChallengeBatch
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.waiting import WaitSettings
from certbot_dns_dnscale._internal.zone_cache import ZoneView, directory_for
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.grants import NamesListing

NAME = "_acme-challenge.example.com"
CHALLENGES = [(NAME, "apex-value"), (NAME, "wildcard-value")]
RECORDS_ROUTE = "/zones/{zone_id}/records"


@pytest.fixture(params=list(NamesListing), ids=lambda mode: f"listing-{mode.value}")
def sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(names_listing=request.param)) as running:
        yield running


def make_batch(sandbox: Sandbox) -> ChallengeBatch:
    token = sandbox.settings.acme_names_token
    client = DNScaleClient(token, sandbox.api_url + "/v1", user_agent="t", sleep=lambda _: None)
    return ChallengeBatch(
        client,
        ZoneView(directory_for(sandbox.api_url, token), client.list_zones),
        ttl_seconds=300,
        credentials_path="/etc/letsencrypt/dnscale.ini",
        wait=WaitSettings(bound_seconds=0, check=False, resolver=sandbox.dns_address),
        notify=lambda _: None,
    )


def statuses(sandbox: Sandbox, method: str) -> list[int]:
    return [c.status for c in sandbox.calls if c.method == method]


def test_a_create_whose_answer_was_lost_is_stored_once_and_removed(sandbox: Sandbox) -> None:
    sandbox.faults.script("lost", method="POST", route=RECORDS_ROUTE)
    batch = make_batch(sandbox)

    batch.perform(CHALLENGES)
    assert sandbox.txt_values(NAME) == ["apex-value", "wildcard-value"]
    batch.cleanup(CHALLENGES)

    assert sandbox.acme_challenge_records() == []
    batch.close()


def test_a_refused_listing_makes_the_retry_post_again_and_take_409_as_stored() -> None:
    with Sandbox(SandboxSettings(names_listing=NamesListing.REFUSE)) as sandbox:
        sandbox.faults.script("lost", method="POST", route=RECORDS_ROUTE)
        batch = make_batch(sandbox)

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
        batch = make_batch(sandbox)

        with caplog.at_level(logging.WARNING):
            batch.perform(CHALLENGES[:1])
        batch.cleanup(CHALLENGES[:1])

        assert sandbox.txt_values(NAME) == ["apex-value"]
        assert "this API key may not list records" in caplog.text
        batch.close()

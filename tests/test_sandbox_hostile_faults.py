"""The sandbox's scripted hostile faults: an answer that trickles, an error that echoes the
Authorization header. Neither is ever drawn at random."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import DeadlineError
from certbot_dns_dnscale._internal.retry import RetryPolicy
from certbot_dns_dnscale.sandbox import Sandbox
from certbot_dns_dnscale.sandbox.faults import FaultPlan

AUTHORIZATION = "Bearer sandbox-token"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


def test_a_trickled_answer_stores_the_record_but_never_completes_within_a_short_budget(
    sandbox: Sandbox,
) -> None:
    sandbox.faults.trickle_interval_seconds = 0.2
    sandbox.faults.script("trickle", method="POST")
    zone_id = sandbox.store.zone_by_name("example.com").id
    policy = RetryPolicy(budget_seconds=1.0)
    client = DNScaleClient(
        "sandbox-token", sandbox.api_url + "/v1", user_agent="t", retry_policy=policy
    )
    with client, pytest.raises(DeadlineError, match=r"received HTTP 201 headers and \d+ bytes"):
        client.create_txt_record(zone_id, "_acme-challenge.example.com", "v1", ttl=300)
    assert sandbox.txt_values("_acme-challenge.example.com") == ["v1"]
    assert [c.fault for c in sandbox.calls] == ["trickle"]


def test_an_echo_repeats_the_authorization_header_in_the_request_id_message_and_details(
    sandbox: Sandbox,
) -> None:
    sandbox.faults.script("echo", method="GET", route="/zones")
    answer = requests.get(
        f"{sandbox.api_url}/v1/zones", headers={"Authorization": AUTHORIZATION}, timeout=10
    )
    assert answer.status_code == 400
    assert AUTHORIZATION in answer.headers["X-Request-ID"]
    error = answer.json()["error"]
    assert error["message"] == f"rejected request with Authorization: {AUTHORIZATION}"
    assert error["details"] == [{"header": "Authorization", "value": AUTHORIZATION}]


@pytest.mark.parametrize("kind", ["trickle", "echo"])
def test_hostile_faults_are_scripted_only_never_drawn_at_random(kind: str) -> None:
    with pytest.raises(ValueError, match="kinds among"):
        FaultPlan(0.5, (kind,))

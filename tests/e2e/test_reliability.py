"""Unattended renewals survive lost answers, neighbours, big orders and signals, and leave
nothing behind."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest

from certbot_dns_dnscale.sandbox.pebble import certificate_names
from tests.conftest import wait_for
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

CREATE_ROUTE = "/zones/{zone_id}/records"


def creates(world: World) -> list[int]:
    return [c.status for c in world.sandbox.calls if c.method == "POST"]


def test_create_whose_answer_was_lost_leaves_no_duplicate(world: World) -> None:
    world.sandbox.faults.script("lost", method="POST", route=CREATE_ROUTE)

    result = world.certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())

    assert result.returncode == 0, result.stderr
    assert creates(world) == [0, 201]  # one answer lost, never posted again: found by looking
    lookups = [c for c in world.sandbox.calls if c.method == "GET" and c.route == CREATE_ROUTE]
    assert len(lookups) == 1
    assert [c.status for c in world.sandbox.calls if c.method == "DELETE"] == [204, 204]
    assert world.sandbox.acme_challenge_records() == []


def test_two_certbots_at_once_sharing_a_name_leave_each_other_alone(
    make_world: Callable[..., World],
) -> None:
    world = make_world(propagation_delay_seconds=2)
    other = world.certbot.__class__(world.tmp / "certbot-other", world.pebble)
    first = world.certbot.start(
        "certonly",
        *world.certbot.certonly_args(["example.com", "*.example.com"], *world.plugin_args()),
    )
    second = other.start(
        "certonly",
        *other.certonly_args(
            ["example.com", "www.example.com"], "--cert-name", "other", *world.plugin_args()
        ),
    )
    outputs = [process.communicate(timeout=120) for process in (first, second)]

    assert [first.returncode, second.returncode] == [0, 0], outputs
    calls = world.sandbox.calls
    first_delete = next(i for i, c in enumerate(calls) if c.method == "DELETE")
    assert sum(c.method == "POST" for c in calls[:first_delete]) == 4  # both were live at once
    assert certificate_names(other.live_certificate("other")) == {"example.com", "www.example.com"}
    assert world.sandbox.acme_challenge_records() == []


def test_hundred_names_in_three_zones_of_a_thousand_cost_two_calls_a_name(
    make_world: Callable[..., World],
) -> None:
    world = make_world(extra_zones=996, api_latency_ms=30)
    zones = ["example.com", "sub.example.com", "example.org"]
    names = [f"host{i}.{zones[i % 3]}" for i in range(100)]

    result = world.certbot.certonly(names, *world.plugin_args())

    assert result.returncode == 0, result.stderr
    assert certificate_names(world.certbot.live_certificate(names[0])) == set(names)
    calls = world.sandbox.calls
    zone_pages = [c for c in calls if c.route == "/zones"]
    assert len(zone_pages) == 10  # 1000 zones, listed once
    assert len(calls) <= 2 * len(names) + len(zone_pages)
    assert 1 < world.sandbox.api.max_in_flight <= 4  # concurrent, on a small pool
    assert world.sandbox.acme_challenge_records() == []


def test_name_without_a_zone_in_the_middle_fails_naming_it_and_creates_nothing(
    world: World,
) -> None:
    names = ["example.com", "www.example.invalid", "example.org"]

    result = world.certbot.certonly(names, *world.plugin_args())

    assert result.returncode != 0
    assert "No DNScale zone holds _acme-challenge.www.example.invalid" in result.stderr
    assert creates(world) == []
    assert world.sandbox.acme_challenge_records() == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_while_waiting_for_dns_removes_the_records(
    make_world: Callable[..., World], signum: signal.Signals
) -> None:
    world = make_world(propagation_delay_seconds=300)
    process = world.certbot.start(
        "certonly",
        *world.certbot.certonly_args(["example.com", "*.example.com"], *world.plugin_args()),
    )
    try:
        wait_for(lambda: creates(world) == [201, 201])
        wait_for(lambda: world.sandbox.dns.queries[-1].type == "TXT")  # polling the nameserver
        process.send_signal(signum)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    assert [c.status for c in world.sandbox.calls if c.method == "DELETE"] == [204, 204]
    assert world.sandbox.acme_challenge_records() == []


def test_signal_while_records_are_being_created_still_removes_them(
    make_world: Callable[..., World],
) -> None:
    world = make_world(api_latency_ms=2000)
    process = world.certbot.start(
        "certonly",
        *world.certbot.certonly_args(["example.com", "*.example.com"], *world.plugin_args()),
    )
    try:
        wait_for(lambda: any(c.route == "/zones" for c in world.sandbox.calls))
        time.sleep(0.5)  # both creates are on their way, their answers 2 s off
        assert world.sandbox.api.in_flight == 2
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert creates(world) == [201, 201]
    assert world.sandbox.acme_challenge_records() == []

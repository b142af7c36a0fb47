"""Fault soak: 30 apex + wildcard issuances while a fifth of all API requests misbehave.

Run on its own (``tox -e soak``): it takes a few minutes. The figures it prints go into reports.
"""

from __future__ import annotations

import collections
from collections.abc import Callable

import pytest

from certbot_dns_dnscale.sandbox.pebble import Certbot, certificate_names
from tests.e2e.conftest import World

ISSUANCES = 30
FAULT_RATE = 0.2
SEED = 20261125


@pytest.mark.e2e
def test_every_issuance_survives_a_fifth_of_requests_failing(
    make_world: Callable[..., World], capsys: pytest.CaptureFixture[str]
) -> None:
    world = make_world(
        fault_rate=FAULT_RATE,
        fault_seed=SEED,
        slow_seconds=11.0,  # past the client's 10 s read timeout
        retry_after_seconds=1,
    )
    failures, retries = [], 0
    for run in range(ISSUANCES):
        certbot = Certbot(world.tmp / f"run-{run}", world.pebble)
        result = certbot.certonly(["example.com", "*.example.com"], *world.plugin_args())
        if result.returncode != 0:
            failures.append((run, result.stderr[-2000:]))
            continue
        assert certificate_names(certbot.live_certificate("example.com")) == {
            "example.com",
            "*.example.com",
        }
        log = (certbot.logs_dir / "letsencrypt.log").read_text()
        retries += log.count("; retrying in ")

    calls = world.sandbox.calls
    faults = collections.Counter(c.fault for c in calls if c.fault)
    with capsys.disabled():
        print(
            f"\nfault soak: {ISSUANCES} issuances, {len(calls)} API requests, "
            f"{sum(faults.values())} faults injected {dict(sorted(faults.items()))}, "
            f"{retries} retries made, {len(failures)} failed issuances, "
            f"{len(world.sandbox.acme_challenge_records())} records left"
        )
    assert failures == []
    assert sum(faults.values()) > 0.1 * len(calls)  # the soak really was faulty
    assert retries >= sum(faults.values()) - faults["lost"]  # each fault was absorbed
    assert world.sandbox.acme_challenge_records() == []

"""With DNScale's narrowest key for ACME (only ``_acme-challenge`` names), certificates issue
while 30 % of API requests are lost, reset or fail with 500, and nothing is left behind: whether
DNScale's record listing shows such a key only its names or refuses it."""

from __future__ import annotations

import collections
from collections.abc import Callable

import pytest

from certbot_dns_dnscale.sandbox.grants import NamesListing
from certbot_dns_dnscale.sandbox.pebble import Certbot, certificate_names
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

ISSUANCES = 3
FAULT_RATE = 0.3
FAULT_KINDS = ("lost", "drop", "500")
SEED = 20261121  # 8 faults (every kind) among the first 20 requests
RECORDS_ROUTE = "/zones/{zone_id}/records"


@pytest.mark.parametrize("listing", list(NamesListing), ids=lambda mode: f"listing-{mode.value}")
def test_issuance_with_a_key_limited_to_acme_names_survives_faults_and_leaves_nothing(
    make_world: Callable[..., World], listing: NamesListing
) -> None:
    world = make_world(
        names_listing=listing, fault_rate=FAULT_RATE, fault_kinds=FAULT_KINDS, fault_seed=SEED
    )
    credentials = world.write_credentials(world.sandbox.settings.acme_names_token, "narrow.ini")
    failures = []
    for run in range(ISSUANCES):
        certbot = Certbot(world.tmp / f"run-{run}", world.pebble)
        result = certbot.certonly(["example.com", "*.example.com"], *world.plugin_args(credentials))
        if result.returncode != 0:
            failures.append((run, result.stderr[-2000:]))
            continue
        names = certificate_names(certbot.live_certificate("example.com"))
        assert names == {"example.com", "*.example.com"}

    assert failures == []
    assert world.sandbox.acme_challenge_records() == []
    calls = world.sandbox.calls
    faults = collections.Counter(c.fault for c in calls if c.fault)
    assert sum(faults.values()) >= 0.2 * len(calls)  # it really was faulty
    assert not [c for c in calls if c.status == 403 and c.route != RECORDS_ROUTE]
    listed = {c.status for c in calls if c.route == RECORDS_ROUTE and c.method == "GET"} - {0, 500}
    assert listed <= ({403} if listing is NamesListing.REFUSE else {200})

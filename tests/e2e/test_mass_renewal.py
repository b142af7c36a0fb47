"""``certbot renew`` with many due lineages in one process: the zone list is read once."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography import x509

from certbot_dns_dnscale.sandbox.authorizations import deactivate_valid_authorizations
from certbot_dns_dnscale.sandbox.server import DEFAULT_ZONES
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e

LINEAGES = [f"host{i}.example.com" for i in range(1, 6)]
ACCOUNT_ZONES = 1000


def serial(world: World, lineage: str) -> int:
    pem = world.certbot.live_certificate(lineage).read_bytes()
    return x509.load_pem_x509_certificate(pem).serial_number


def test_five_lineages_renewed_in_one_run_read_the_zone_list_once(
    make_world: Callable[..., World],
) -> None:
    world = make_world(extra_zones=ACCOUNT_ZONES - len(DEFAULT_ZONES))
    for lineage in LINEAGES:
        issued = world.certbot.certonly([lineage], *world.plugin_args())
        assert issued.returncode == 0, issued.stderr
    before = {lineage: serial(world, lineage) for lineage in LINEAGES}
    deactivate_valid_authorizations(
        world.certbot.config_dir, world.pebble.directory_url, world.pebble.ca_bundle
    )
    world.sandbox.api.calls.clear()

    renewed = world.certbot.run("renew", "--force-renewal", "--no-random-sleep-on-renew")

    assert renewed.returncode == 0, renewed.stderr
    assert all(serial(world, lineage) != before[lineage] for lineage in LINEAGES)
    calls = world.sandbox.calls
    assert len([c for c in calls if c.route == "/zones"]) == ACCOUNT_ZONES // 100
    assert len([c for c in calls if c.method == "POST"]) == len(LINEAGES)
    assert len([c for c in calls if c.method == "DELETE"]) == len(LINEAGES)
    assert world.sandbox.acme_challenge_records() == []

"""A renewal conf edited by hand, as the README invites: values configobj reads as lists."""

from __future__ import annotations

import re

import pytest

from certbot_dns_dnscale.sandbox.authorizations import deactivate_valid_authorizations
from tests.e2e.conftest import World

pytestmark = pytest.mark.e2e


def test_two_nameservers_written_with_a_comma_in_the_renewal_conf_are_both_used(
    world: World,
) -> None:
    first = world.certbot.certonly(["example.com"], *world.plugin_args())
    assert first.returncode == 0, first.stderr
    conf = world.certbot.renewal_conf("example.com")
    both = f"{world.sandbox.dns_address}, {world.sandbox.dns_address}"
    text = re.sub(r"(?m)^dns_dnscale_nameservers = .*$", f"dns_dnscale_nameservers = {both}",
                  conf.read_text())  # fmt: skip
    conf.write_text(text)
    deactivate_valid_authorizations(
        world.certbot.config_dir, world.pebble.directory_url, world.pebble.ca_bundle
    )
    world.sandbox.api.calls.clear()

    renewed = world.certbot.run(
        "renew", "--force-renewal", "--no-random-sleep-on-renew", "-v"
    )  # fmt: skip

    assert renewed.returncode == 0, renewed.stderr
    assert [c.method for c in world.sandbox.calls if c.route != "/zones"] == ["POST", "DELETE"]
    assert "visible on every nameserver" in renewed.stdout + renewed.stderr

"""Make Pebble forget that certbot's accounts proved control of their names, so that the next
order (a renewal) must answer fresh DNS-01 challenges.

Pebble reuses a valid authorization for a new order unless ``rand.Intn(100) >
PEBBLE_AUTHZREUSE`` (``wfe.makeAuthorizations``): even with 0 it reuses about once in a hundred
names, and a renewal that needs no challenge makes no DNScale call at all. Only *valid* ones are
reused (``FindValidAuthorization``), so deactivating them (RFC 8555 section 7.5.2) after an
issuance makes the next order's challenges certain.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

from acme import client, messages
from josepy.jwa import ES256, RS256
from josepy.jwk import JWK, JWKRSA
from requests import Response

REQUEST_TIMEOUT_SECONDS = 10


def deactivate_valid_authorizations(config_dir: Path, directory_url: str, ca_bundle: Path) -> int:
    """Deactivate every valid authorization of every account certbot keeps in ``config_dir``
    at the ACME server ``directory_url``; how many were deactivated."""
    count = 0
    for regr_file in sorted((config_dir / "accounts").rglob("regr.json")):
        acme = _client(regr_file.parent, directory_url, ca_bundle)
        for url in _valid_authorizations(acme):
            authorization = messages.Authorization.from_json(_post_as_get(acme, url).json())
            resource = messages.AuthorizationResource(body=authorization, uri=url)
            acme.deactivate_authorization(resource)
            count += 1
    return count


def _client(account_dir: Path, directory_url: str, ca_bundle: Path) -> client.ClientV2:
    key = JWK.json_loads((account_dir / "private_key.json").read_bytes())
    regr = messages.RegistrationResource.json_loads((account_dir / "regr.json").read_bytes())
    alg = RS256 if isinstance(key, JWKRSA) else ES256
    network = client.ClientNetwork(
        key,
        account=regr,
        alg=alg,
        verify_ssl=cast(bool, str(ca_bundle)),  # passed to requests' verify: a bundle path works
        user_agent="certbot-dns-dnscale-sandbox",
        timeout=REQUEST_TIMEOUT_SECONDS,
    )
    return client.ClientV2(client.ClientV2.get_directory(directory_url, network), network)


def _valid_authorizations(acme: client.ClientV2) -> Iterator[str]:
    account = acme.net.account
    assert account is not None
    orders_url: str | None = _post_as_get(acme, account.uri).json()["orders"]
    while orders_url:
        page = _post_as_get(acme, orders_url)
        for order_url in page.json()["orders"]:
            for url in _post_as_get(acme, order_url).json()["authorizations"]:
                if _post_as_get(acme, url).json()["status"] == messages.STATUS_VALID.name:
                    yield url
        orders_url = page.links.get("next", {}).get("url")


def _post_as_get(acme: client.ClientV2, url: str) -> Response:
    """RFC 8555's POST-as-GET (an empty JWS payload), signed with the account's key."""
    return acme.net.post(url, None, new_nonce_url=acme.directory["newNonce"])

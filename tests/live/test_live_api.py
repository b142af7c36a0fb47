"""What no stand-in can prove: the plugin's client against DNScale's real API. Each test removes
what it created, even when it fails."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator

import pytest

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.marks import make_mark, read_mark
from certbot_dns_dnscale._internal.records import TxtRecord
from tests.live.conftest import Live

# A key authorization digest as the CA asks for it: 43 base64url characters
VALUE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def challenge_value() -> str:
    return secrets.token_urlsafe(32)[:43]


@pytest.fixture
def client(live: Live) -> Iterator[DNScaleClient]:
    with live.client() as opened:
        yield opened


@pytest.fixture
def created(client: DNScaleClient) -> Iterator[list[TxtRecord]]:
    """Records a test made: deleted at its end whatever happened."""
    made: list[TxtRecord] = []
    yield made
    for record in made:
        client.delete_txt(record)


def test_the_zone_list_holds_the_domains_zone_with_a_uuid(live: Live) -> None:
    zone = live.zone()
    assert live.domain == zone.name or live.domain.endswith("." + zone.name)
    assert str(uuid.UUID(zone.id)) == zone.id.lower()  # the contract's id form


def test_a_marked_txt_value_is_created_listed_as_sent_and_deleted_by_id(
    live: Live, client: DNScaleClient, created: list[TxtRecord]
) -> None:
    zone, name, value = live.zone(), live.random_challenge_name(), challenge_value()
    assert VALUE_PATTERN.match(value)

    made = client.create_txt_record(zone.id, name, value, ttl=300, comment=make_mark())
    created.append(made.record)
    listed = client.list_txt_records(zone.id, name)

    assert made.preexisting is False
    assert made.record.id  # opaque, derived from the content
    assert [(r.content, r.disabled) for r in listed] == [(value, False)]  # quotes stripped
    assert listed[0].id == made.record.id
    assert read_mark(listed[0].comment) is not None
    client.delete_txt(made.record)
    assert client.list_txt_records(zone.id, name) == []


def test_two_values_at_one_name_are_kept_and_deleted_one_by_name(
    live: Live, client: DNScaleClient, created: list[TxtRecord]
) -> None:
    zone, name = live.zone(), live.random_challenge_name()
    first, second = challenge_value(), challenge_value()

    for value in (first, second):
        created.append(client.create_txt_record(zone.id, name, value, ttl=300).record)
    client.delete_txt_value(zone.id, name, first)

    assert [r.content for r in client.list_txt_records(zone.id, name)] == [second]


def test_creating_a_value_already_there_says_it_was_there(
    live: Live, client: DNScaleClient, created: list[TxtRecord]
) -> None:
    zone, name, value = live.zone(), live.random_challenge_name(), challenge_value()
    created.append(client.create_txt_record(zone.id, name, value, ttl=300).record)

    again = client.create_txt_record(zone.id, name, value, ttl=300)

    assert again.preexisting is True
    assert [r.content for r in client.list_txt_records(zone.id, name)] == [value]

"""Hard limits against an API (or a proxy in front of it) that misbehaves: one deadline per call
over the whole exchange, a cap on an answer's size, bounded pagination, JSON Python cannot
read, and the token echoed back. A real local server misbehaves; budgets are small."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from certbot_dns_dnscale._internal import answer_body, pagination
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import (
    ApiError,
    DeadlineError,
    MalformedResponseError,
)
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.retry import RetryPolicy
from tests.conftest import TOKEN, zone
from tests.misbehaving_server import (
    MisbehavingServer,
    announced_length,
    echo_authorization,
    endless_chunks,
    envelope,
    flood,
    gzip_bomb,
    json_answer,
    misbehaving_server,
    pages,
    raw_answer,
    trickle,
    trickled_headers,
)

BUDGET_SECONDS = 1.0
SMALL_CAP_BYTES = 256 * 1024
DEFLATE_MAX_RATIO = 1032  # the most one byte of deflate data can inflate to
LAST_PAGE = {"total": 1, "offset": 0, "limit": 100, "count": 1, "has_more": False}
ZONES_BODY = json.dumps(envelope({"zones": [zone("z1", "example.com")], "pagination": LAST_PAGE}))
SLOW_BODY = b" " * 100 + b"{}"  # 20 s at the trickle's pace


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


@pytest.fixture
def client(server: MisbehavingServer) -> Iterator[DNScaleClient]:
    policy = RetryPolicy(budget_seconds=BUDGET_SECONDS, base_delay_seconds=0.05)
    with DNScaleClient(TOKEN, server.url, user_agent="t", retry_policy=policy) as client:
        yield client


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(answer_body, "MAX_ANSWER_BYTES", SMALL_CAP_BYTES)
    return SMALL_CAP_BYTES


def bytes_read(err: BaseException) -> int:
    found = re.search(r"stopped reading it after (\d+) bytes", str(err))
    assert found, str(err)
    return int(found.group(1))


# -- one deadline per call -------------------------------------------------------------------


def test_a_body_trickled_a_byte_at_a_time_ends_at_the_calls_deadline(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones", trickle(ZONES_BODY.encode()))
    with pytest.raises(DeadlineError) as raised:
        client.list_zones()
    assert re.fullmatch(
        rf"GET {server.url}/zones: no complete answer within the 1 s this call may take "
        r"\(received HTTP 200 headers and \d+ bytes of the body\)",
        str(raised.value),
    ), str(raised.value)
    assert len(server.requests_to("/zones")) == 1  # no retry past the deadline


def test_a_call_past_its_deadline_shuts_its_connection(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    """The exchange's own thread ends too: the server sees the connection go, long before its
    trickle (30 s) would have ended."""
    server.serve("/zones", trickle(ZONES_BODY.encode()))
    with pytest.raises(DeadlineError):
        client.list_zones()
    deadline = time.monotonic() + 10
    while not server.sent_bytes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 0 < server.sent_bytes[0] < len(ZONES_BODY)


def test_a_chunked_body_that_never_ends_ends_at_the_calls_deadline(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones", endless_chunks())
    with pytest.raises(DeadlineError, match=r"received HTTP 200 headers and \d+ bytes"):
        client.list_zones()


def test_headers_trickled_for_ever_end_at_the_calls_deadline_having_received_no_answer(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones", trickled_headers())
    with pytest.raises(DeadlineError, match=r"\(received no answer\)$"):
        client.list_zones()


def test_a_delete_that_trickles_ends_at_the_deadline_cleanup_gave_it(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones/z1/records/r1", trickle(SLOW_BODY))
    record = TxtRecord("z1", "r1", "_acme-challenge.example.com", "v")
    with pytest.raises(DeadlineError, match=r"within the 0\.5 s this call may take"):
        client.delete_txt(record, deadline=time.monotonic() + 0.5)


def test_a_deadline_error_may_have_taken_effect(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones/z1/records", trickle(SLOW_BODY))
    with pytest.raises(DeadlineError) as raised:
        client.create_txt_record("z1", "_acme-challenge.example.com", "v", ttl=300)
    assert raised.value.may_have_taken_effect


def test_a_refusal_by_the_api_did_not_take_effect(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    error = {"status": "error", "error": {"code": "VALIDATION", "message": "ttl"}}
    server.serve("/zones/z1/records", json_answer(422, error))
    with pytest.raises(ApiError) as raised:
        client.create_txt_record("z1", "_acme-challenge.example.com", "v", ttl=300)
    assert not raised.value.may_have_taken_effect


# -- the size of an answer ---------------------------------------------------------------------


def test_an_announced_length_over_the_cap_is_refused_before_reading(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones", announced_length(500 * 1024 * 1024))
    with pytest.raises(MalformedResponseError) as raised:
        client.list_zones()
    assert str(raised.value) == (
        f"GET {server.url}/zones?offset=0&limit=100: the answer announces 524288000 bytes, more "
        "than the 8 MiB an answer of the DNScale API may have; not read (HTTP 200)"
    )


def test_a_body_without_length_is_read_up_to_the_cap_only(
    server: MisbehavingServer, client: DNScaleClient, small_cap: int
) -> None:
    server.serve("/zones", flood(64 * 1024 * 1024))
    with pytest.raises(MalformedResponseError, match=r"larger than the 0\.25 MiB") as raised:
        client.list_zones()
    assert small_cap < bytes_read(raised.value) <= small_cap + answer_body.CHUNK_BYTES


def test_a_gzip_bomb_is_counted_inflated_and_stopped_at_the_cap(
    server: MisbehavingServer, client: DNScaleClient, small_cap: int
) -> None:
    bomb = gzip_bomb(64 * 1024 * 1024)
    assert bomb.compressed_bytes < small_cap  # type: ignore[attr-defined]
    server.serve("/zones", bomb)
    with pytest.raises(MalformedResponseError, match=r"larger than the 0\.25 MiB") as raised:
        client.list_zones()
    # urllib3 2 inflates a chunk at a time; urllib3 1.26 (Debian 12) a read's worth of deflate
    one_chunk_inflated = answer_body.CHUNK_BYTES * DEFLATE_MAX_RATIO
    assert small_cap < bytes_read(raised.value) <= small_cap + one_chunk_inflated


def test_an_answer_just_under_the_cap_is_read(
    server: MisbehavingServer, client: DNScaleClient, small_cap: int
) -> None:
    padding = " " * (small_cap - len(ZONES_BODY))
    server.serve("/zones", raw_answer(200, (ZONES_BODY + padding).encode()))
    assert [z.name for z in client.list_zones()] == ["example.com"]


# -- JSON Python cannot read ---------------------------------------------------------------------


def test_json_nested_too_deep_does_not_answer_like_the_api(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve("/zones", raw_answer(200, b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(
        MalformedResponseError, match=r"expected DNScale's JSON, got application/json body '\[\[\["
    ):
        client.list_zones()


def test_a_deeply_nested_zone_entry_is_quoted_cut_short(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    deep: Any = "bottom"
    for _ in range(900):
        deep = [deep]
    server.serve(
        "/zones",
        json_answer(
            200, envelope({"zones": [{"id": "z1", "name": deep}], "pagination": LAST_PAGE})
        ),
    )
    with pytest.raises(MalformedResponseError) as raised:
        client.list_zones()
    assert str(raised.value) == (
        "a zone in the zone list lacks an id or name: {'id': 'z1', 'name': [[[[...]]]]}"
    )


# -- pagination ----------------------------------------------------------------------------------


def test_a_total_of_a_trillion_is_refused_after_the_first_page(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    def page(offset: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        items = [zone(f"z{offset + i}", f"x{offset + i}.com") for i in range(limit)]
        return items, {"total": 10**12, "offset": offset, "limit": limit, "has_more": True}

    server.serve("/zones", pages(page, "zones"))
    with pytest.raises(MalformedResponseError) as raised:
        client.list_zones()
    assert str(raised.value) == (
        "GET /zones: the API counts 1000000000000 zones, more than this client reads (200 pages "
        "of 100). If the account really holds that many zones, use an API token limited to the "
        "zones certbot needs"
    )
    assert len(server.requests_to("/zones")) == 1


def test_a_page_repeating_an_earlier_one_is_refused(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    def page(offset: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [zone("z1", "example.com")], {"has_more": True}  # offset ignored

    server.serve("/zones", pages(page, "zones"))
    with pytest.raises(MalformedResponseError, match="the page at offset 1 repeats zones"):
        client.list_zones()
    assert len(server.requests_to("/zones")) == 2


def test_has_more_that_never_ends_stops_at_the_page_cap(
    server: MisbehavingServer, client: DNScaleClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "MAX_PAGES", 5)

    def page(offset: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [{**zone(f"z{offset}", f"x{offset}.com")}], {"has_more": True}

    server.serve("/zones", pages(page, "zones"))
    with pytest.raises(MalformedResponseError, match=r"still more zones after 5 pages \(5 zones\)"):
        client.list_zones()
    assert len(server.requests_to("/zones")) == 5


def test_a_total_within_the_page_cap_is_read_several_pages_at_once(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    def page(offset: int, limit: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        items = [zone(f"z{i}", f"x{i}.com") for i in range(offset, min(offset + limit, 450))]
        return items, {
            "total": 450,
            "offset": offset,
            "limit": limit,
            "has_more": offset + limit < 450,
        }

    server.serve("/zones", pages(page, "zones"))
    assert len(client.list_zones()) == 450
    offsets = sorted(int(s.query["offset"][0]) for s in server.requests_to("/zones"))
    assert offsets == [0, 100, 200, 300, 400]


# -- the token echoed back -------------------------------------------------------------------------


def test_an_error_echoing_the_authorization_header_shows_no_token(
    server: MisbehavingServer, client: DNScaleClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    server.serve("/zones", echo_authorization())
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    err = raised.value
    assert server.requests_to("/zones")[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(err)
    assert TOKEN not in repr(err.args)
    assert err.request_id == "Bearer ***"
    assert "rejected request with Authorization: *** [{'header': 'Bearer ***'}]" in str(err)
    assert "DNScale API <- GET" in caplog.text
    assert TOKEN not in caplog.text


def test_a_zone_entry_quoting_the_token_shows_no_token(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    server.serve(
        "/zones", json_answer(200, envelope({"zones": [{"note": TOKEN}], "pagination": LAST_PAGE}))
    )
    with pytest.raises(MalformedResponseError) as raised:
        client.list_zones()
    assert str(raised.value) == "a zone in the zone list lacks an id or name: {'note': '***'}"


def test_a_proxy_page_quoting_the_token_shows_no_token(
    server: MisbehavingServer, client: DNScaleClient
) -> None:
    page = f"<html><body>Blocked: {TOKEN}</body></html>".encode()
    server.serve("/zones", raw_answer(403, page, {"Content-Type": "text/html", "Server": TOKEN}))
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert TOKEN not in str(raised.value)
    assert "Blocked: ***" in str(raised.value)

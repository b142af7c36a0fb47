"""The DNScale client: request shapes, pagination, retries, errors."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import requests_mock as rm

from certbot_dns_dnscale._internal import pagination
from certbot_dns_dnscale._internal import transport as transport_module
from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import (
    ApiError,
    ConflictError,
    MalformedResponseError,
    NotFoundError,
    RateLimitedError,
    TransportError,
)
from certbot_dns_dnscale._internal.records import TxtRecord
from certbot_dns_dnscale._internal.responses import snippet
from certbot_dns_dnscale._internal.retry import RetryPolicy, equal_jitter
from certbot_dns_dnscale._internal.zones import Zone
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import (
    API,
    TOKEN,
    FakeClock,
    envelope,
    error_envelope,
    records_page,
    txt,
    zone,
    zones_page,
)

ZONES_URL = f"{API}/zones"
RECORDS_URL = f"{API}/zones/z1/records"
NAME = "_acme-challenge.example.com"
VALUE = "validation-value-1"


@pytest.fixture
def client(clock: FakeClock) -> DNScaleClient:
    return DNScaleClient(
        TOKEN, API, user_agent="certbot-dns-dnscale/test", sleep=clock.sleep, clock=clock,
        jitter=lambda delay: delay,
    )  # fmt: skip


# -- request shape -----------------------------------------------------------------------------


def test_requests_carry_bearer_token_and_user_agent(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([]))
    client.list_zones()
    headers = requests_mock.request_history[0].headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["User-Agent"] == "certbot-dns-dnscale/test"


def test_every_request_has_connect_and_read_timeouts(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([]))
    client.list_zones()
    assert requests_mock.request_history[0].timeout == (
        transport_module.CONNECT_TIMEOUT_SECONDS,
        transport_module.READ_TIMEOUT_SECONDS,
    )


def test_timeouts_shrink_to_what_is_left_of_the_budget(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    policy = RetryPolicy(budget_seconds=3.0)
    client = DNScaleClient(TOKEN, API, user_agent="t", retry_policy=policy, clock=clock)
    requests_mock.get(ZONES_URL, json=zones_page([]))
    client.list_zones()
    assert requests_mock.request_history[0].timeout == (3.0, 3.0)


def test_repr_shows_the_url_but_not_the_token(client: DNScaleClient) -> None:
    assert API in repr(client)
    assert TOKEN not in repr(client)


# -- zones and pagination ----------------------------------------------------------------------


def test_zone_list_asks_for_pages_of_100_from_offset_0(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([zone("z1", "example.com")]))
    client.list_zones()
    assert requests_mock.request_history[0].qs == {"offset": ["0"], "limit": ["100"]}


class ZoneServer:
    """The zone list served by offset and limit as the API does: the page size capped at
    ``cap``, with the pagination fields named in ``fields``."""

    def __init__(
        self, count: int, *, cap: int = 100, fields: tuple[str, ...] = ("total", "has_more")
    ):
        self.zones = [zone(f"z{i}", f"z{i}.com") for i in range(count)]
        self.cap, self.fields = cap, fields

    def __call__(self, request: requests.PreparedRequest, context: object) -> dict[str, object]:
        query = request.qs  # type: ignore[attr-defined]
        offset, limit = int(query["offset"][0]), min(int(query["limit"][0]), self.cap)
        page = self.zones[offset : offset + limit]
        pagination = {
            "total": len(self.zones),
            "has_more": offset + len(page) < len(self.zones),
            "count": len(page),
        }
        wanted = {k: v for k, v in pagination.items() if k in self.fields or k == "count"}
        return envelope({"zones": page, "pagination": wanted})


def offsets_asked(mock: rm.Mocker) -> list[int]:
    return sorted(int(r.qs["offset"][0]) for r in mock.request_history)


def test_zone_list_follows_has_more_across_pages(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=ZoneServer(101, fields=("has_more",)))
    assert len(client.list_zones()) == 101
    assert offsets_asked(requests_mock) == [0, 100]


def test_zone_list_follows_total_when_has_more_is_absent(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=ZoneServer(250, fields=("total",)))
    assert [z.id for z in client.list_zones()] == [f"z{i}" for i in range(250)]
    assert offsets_asked(requests_mock) == [0, 100, 200]


def test_a_total_that_is_not_a_number_is_ignored_and_the_pages_followed_to_the_end(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    zones = [zone(f"z{i}", f"z{i}.com") for i in range(150)]

    def answer(request: requests.PreparedRequest, context: object) -> dict[str, object]:
        offset = int(request.qs["offset"][0])  # type: ignore[attr-defined]
        return envelope({"zones": zones[offset : offset + 100], "pagination": {"total": True}})

    requests_mock.get(ZONES_URL, json=answer)
    assert [z.id for z in client.list_zones()] == [f"z{i}" for i in range(150)]


def test_zone_list_advances_by_items_returned_when_the_server_caps_the_page(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=ZoneServer(120, cap=50))
    assert [z.id for z in client.list_zones()] == [f"z{i}" for i in range(120)]
    assert offsets_asked(requests_mock) == [0, 50, 100]


def test_a_thousand_zones_take_ten_pages_in_order(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=ZoneServer(1000))
    assert [z.id for z in client.list_zones()] == [f"z{i}" for i in range(1000)]
    assert offsets_asked(requests_mock) == list(range(0, 1000, 100))


def test_once_the_total_is_known_pages_are_fetched_several_at_once() -> None:
    # requests-mock answers one request at a time: this needs a real server.
    with Sandbox(SandboxSettings(extra_zones=996, api_latency_ms=20)) as sandbox:
        client = DNScaleClient(sandbox.settings.token, sandbox.api_url + "/v1", user_agent="t")
        assert len(client.list_zones()) == 1000
        assert sandbox.api.max_in_flight == pagination.PAGE_WORKERS
        assert len(sandbox.calls) == 10


def test_a_short_page_in_the_middle_is_continued_from_where_it_really_ends(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    server = ZoneServer(250)

    def shrinking(request: requests.PreparedRequest, context: object) -> dict[str, object]:
        answer = server(request, context)
        if request.qs["offset"] == ["100"]:  # type: ignore[attr-defined]
            answer["data"]["zones"] = answer["data"]["zones"][:60]  # type: ignore[index]
        return answer

    requests_mock.get(ZONES_URL, json=shrinking)
    assert [z.id for z in client.list_zones()] == [f"z{i}" for i in range(250)]
    assert offsets_asked(requests_mock) == [0, 100, 160, 200]


def test_zone_list_without_pagination_stops_on_an_empty_page(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        [
            {"json": envelope({"zones": [zone("z1", "example.com")]})},
            {"json": envelope({"zones": []})},
        ],
    )
    assert client.list_zones() == [Zone("z1", "example.com")]
    assert requests_mock.call_count == 2


def test_zone_list_that_never_ends_is_cut_off(
    client: DNScaleClient, requests_mock: rm.Mocker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pagination, "MAX_PAGES", 3)
    pages = ({"json": zones_page([zone(f"z{i}", f"x{i}.com")], has_more=True)} for i in range(9))
    requests_mock.get(ZONES_URL, list(pages))
    with pytest.raises(MalformedResponseError, match="still more zones after 3 pages"):
        client.list_zones()
    assert requests_mock.call_count == 3


def test_zone_names_are_normalised(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(
        ZONES_URL, json=zones_page([zone("z1", "Example.COM."), zone("z2", "bücher.de")])
    )
    assert [z.name for z in client.list_zones()] == ["example.com", "xn--bcher-kva.de"]


def test_zone_list_of_the_wrong_shape_is_malformed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=envelope({"zones": "nope"}))
    with pytest.raises(MalformedResponseError, match="no list of zones"):
        client.list_zones()


def test_zone_without_a_name_is_malformed(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([{"id": "z1"}]))
    with pytest.raises(MalformedResponseError, match="lacks an id or name"):
        client.list_zones()


# -- records -----------------------------------------------------------------------------------


def test_create_posts_a_fully_qualified_txt_with_ttl_and_comment(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        RECORDS_URL, status_code=201, json=envelope({"record": txt("r1", NAME, VALUE)})
    )
    client.create_txt_record("z1", NAME, VALUE, ttl=300, comment="made by us")
    assert requests_mock.last_request.json() == {
        "name": NAME + ".",
        "type": "TXT",
        "content": VALUE,
        "ttl": 300,
        "comment": "made by us",
    }


def test_create_returns_the_record_id_from_the_answer(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        RECORDS_URL, status_code=201, json=envelope({"record": txt("r1", NAME, VALUE)})
    )
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert (created.record.id, created.record.zone_id, created.preexisting) == ("r1", "z1", False)


def test_create_answer_without_a_record_keeps_name_and_value_for_deletion(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(RECORDS_URL, status_code=201, json=envelope({}))
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert (created.record.id, created.record.name, created.record.content) == (None, NAME, VALUE)


def test_create_of_a_value_already_there_reports_it_preexisting(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(RECORDS_URL, status_code=409, json=error_envelope("CONFLICT", "exists"))
    requests_mock.get(RECORDS_URL, json=records_page([txt("r9", NAME + ".", f'"{VALUE}"')]))
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert (created.record.id, created.preexisting) == ("r9", True)


def test_create_conflict_without_the_value_there_is_raised(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(RECORDS_URL, status_code=409, json=error_envelope("CONFLICT", "busy"))
    requests_mock.get(RECORDS_URL, json=records_page([]))
    with pytest.raises(ConflictError, match="busy"):
        client.create_txt_record("z1", NAME, VALUE, ttl=300)


def test_create_whose_answer_was_lost_is_not_posted_twice(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(RECORDS_URL, exc=requests.ConnectionError("connection reset"))
    requests_mock.get(RECORDS_URL, json=records_page([txt("r1", NAME + ".", VALUE)]))
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    methods = [r.method for r in requests_mock.request_history]
    assert methods == ["POST", "GET"]
    assert (created.record.id, created.preexisting) == ("r1", False)


def test_create_that_failed_with_502_is_posted_again_when_the_value_is_absent(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        RECORDS_URL,
        [
            {"status_code": 502, "text": "<html>Bad Gateway</html>"},
            {"status_code": 201, "json": envelope({"record": txt("r1", NAME, VALUE)})},
        ],
    )
    requests_mock.get(RECORDS_URL, json=records_page([txt("other", NAME + ".", "someone-else")]))
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert [r.method for r in requests_mock.request_history] == ["POST", "GET", "POST"]
    assert created.record.id == "r1"


def test_create_rate_limited_is_posted_again_without_looking(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        RECORDS_URL,
        [
            {"status_code": 429, "headers": {"Retry-After": "1"}},
            {"status_code": 201, "json": envelope({"record": txt("r1", NAME, VALUE)})},
        ],
    )
    client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert [r.method for r in requests_mock.request_history] == ["POST", "POST"]


def test_txt_listing_keeps_only_txt_values_at_that_name_without_quotes(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        RECORDS_URL,
        json=records_page(
            [
                txt("r1", "_ACME-challenge.example.com.", '"quoted"'),
                txt("r2", "_acme-challenge.example.com", "bare"),
                txt("r3", "_acme-challenge.sub.example.com.", "elsewhere"),
                {"id": "r4", "name": NAME + ".", "type": "A", "content": "192.0.2.1"},
            ]
        ),
    )
    records = client.list_txt_records("z1", NAME)
    assert [(r.id, r.content) for r in records] == [("r1", "quoted"), ("r2", "bare")]
    assert requests_mock.last_request.qs["limit"] == ["1000"]


def test_delete_by_id_sends_delete_to_the_record(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(f"{RECORDS_URL}/r1", status_code=204)
    client.delete_record("z1", "r1")
    assert requests_mock.call_count == 1


def test_delete_by_name_names_the_value_and_encodes_the_name(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    url = f"{RECORDS_URL}/by-name/_acme-challenge.example.com./TXT"
    requests_mock.delete(url, status_code=204)
    client.delete_txt_value("z1", NAME, "a+b/c=")
    request = requests_mock.last_request
    assert request.path.endswith("/by-name/_acme-challenge.example.com./txt")
    assert "content=a%2Bb%2Fc%3D" in request.url


def test_delete_by_name_is_refused_without_a_value(client: DNScaleClient) -> None:
    with pytest.raises(ValueError, match="without naming the value"):
        client.delete_txt_value("z1", NAME, "")


def test_delete_of_a_missing_record_raises_not_found(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(
        f"{RECORDS_URL}/r1", status_code=404, json=error_envelope("NOT_FOUND", "no such record")
    )
    with pytest.raises(NotFoundError):
        client.delete_record("z1", "r1")


# -- retries -----------------------------------------------------------------------------------


def test_rate_limit_waits_as_long_as_retry_after_says(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        [{"status_code": 429, "headers": {"Retry-After": "7"}}, {"json": zones_page([])}],
    )
    client.list_zones()
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=12), usegmt=True)
    requests_mock.get(
        ZONES_URL,
        [{"status_code": 429, "headers": {"Retry-After": when}}, {"json": zones_page([])}],
    )
    client.list_zones()
    assert 9.0 <= clock.sleeps[0] <= 12.0


def test_retry_after_longer_than_the_cap_gives_up_at_once(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimitedError) as raised:
        client.list_zones()
    assert clock.sleeps == []
    assert raised.value.retry_after_seconds == 3600.0


def test_server_errors_are_retried_with_exponential_backoff(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        [
            {"status_code": 500},
            {"status_code": 502},
            {"status_code": 503},
            {"status_code": 504},
            {"json": zones_page([])},
        ],
    )
    client.list_zones()
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_retries_stop_after_the_last_attempt_and_say_how_many(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=503, json=error_envelope("UNAVAILABLE", "down"))
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert requests_mock.call_count == RetryPolicy().max_attempts
    assert raised.value.attempts == RetryPolicy().max_attempts
    assert f"after {RetryPolicy().max_attempts} attempts" in str(raised.value)


def test_retries_stop_when_the_time_budget_is_spent(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    policy = RetryPolicy(max_attempts=100, budget_seconds=10.0)
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=policy, sleep=clock.sleep, clock=clock,
        jitter=lambda d: d,
    )  # fmt: skip
    requests_mock.get(ZONES_URL, status_code=500)
    with pytest.raises(ApiError):
        client.list_zones()
    assert sum(clock.sleeps) < 10.0
    assert requests_mock.call_count == 5  # waits 0.5 + 1 + 2 + 4; 8 more would pass the budget


def test_backoff_is_capped(clock: FakeClock, requests_mock: rm.Mocker) -> None:
    policy = RetryPolicy(max_attempts=8, max_delay_seconds=3.0, budget_seconds=1000)
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=policy, sleep=clock.sleep, clock=clock,
        jitter=lambda d: d,
    )  # fmt: skip
    requests_mock.get(ZONES_URL, status_code=500)
    with pytest.raises(ApiError):
        client.list_zones()
    assert clock.sleeps == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0]


def test_default_jitter_waits_between_half_and_all_of_the_backoff() -> None:
    delays = [equal_jitter(4.0) for _ in range(200)]
    assert all(2.0 <= d <= 4.0 for d in delays)
    assert len(set(delays)) > 1


@pytest.mark.parametrize(
    "failure",
    [requests.ConnectionError("reset"), requests.ReadTimeout("slow"), requests.ConnectTimeout("x")],
)
def test_network_failures_are_retried(
    client: DNScaleClient, requests_mock: rm.Mocker, failure: Exception
) -> None:
    requests_mock.get(ZONES_URL, [{"exc": failure}, {"json": zones_page([])}])
    assert client.list_zones() == []
    assert requests_mock.call_count == 2


def test_network_failure_that_lasts_becomes_a_transport_error(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, exc=requests.ConnectionError("Connection refused"))
    with pytest.raises(TransportError, match="Connection refused"):
        client.list_zones()


def test_tls_failure_is_not_retried(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, exc=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(TransportError, match="TLS failure"):
        client.list_zones()
    assert requests_mock.call_count == 1


def test_other_request_failures_are_not_retried(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, exc=requests.TooManyRedirects("loop"))
    with pytest.raises(TransportError, match="TooManyRedirects"):
        client.list_zones()
    assert requests_mock.call_count == 1


def test_unauthorised_is_not_retried(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, status_code=401, json=error_envelope("UNAUTHORIZED", "bad key"))
    with pytest.raises(ApiError):
        client.list_zones()
    assert requests_mock.call_count == 1


# -- answers -----------------------------------------------------------------------------------


def test_error_envelope_gives_status_code_message_and_request_id(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        status_code=403,
        json=error_envelope("FORBIDDEN", "missing scope zones:read"),
        headers={"X-Request-ID": "req-42"},
    )
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    err = raised.value
    assert (err.status, err.code, err.request_id) == (403, "FORBIDDEN", "req-42")
    assert str(err) == "missing scope zones:read (HTTP 403 FORBIDDEN, request id req-42)"


def test_error_details_are_part_of_the_message(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    body = error_envelope("VALIDATION", "invalid record")
    body["error"]["details"] = [{"field": "ttl", "message": "must be >= 300"}]
    requests_mock.post(RECORDS_URL, status_code=422, json=body)
    with pytest.raises(ApiError, match="must be >= 300"):
        client.create_txt_record("z1", NAME, VALUE, ttl=200)


@pytest.mark.parametrize(
    ("body", "message"),
    [({"error": "plain message"}, "plain message"), ({"message": "top level"}, "top level")],
)
def test_error_bodies_of_other_shapes_keep_their_message(
    client: DNScaleClient, requests_mock: rm.Mocker, body: dict[str, str], message: str
) -> None:
    requests_mock.get(ZONES_URL, status_code=400, json=body)
    with pytest.raises(ApiError, match=message):
        client.list_zones()


def test_html_error_page_from_a_proxy_is_described_without_markup(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        status_code=502,
        reason="Bad Gateway",
        text="<html><body><h1>502 Bad Gateway</h1></body></html>",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert raised.value.status == 502
    assert "Bad Gateway: text/html body '502 Bad Gateway'" in str(raised.value)


def test_empty_error_body_is_described(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, status_code=400, reason="Bad Request", text="")
    with pytest.raises(ApiError, match="Bad Request: an empty"):
        client.list_zones()


def test_success_status_with_an_error_envelope_is_an_api_error(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=error_envelope("INTERNAL", "try later"))
    with pytest.raises(ApiError, match="try later") as raised:
        client.list_zones()
    assert raised.value.code == "INTERNAL"


def test_success_status_with_a_non_json_body_is_malformed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, text="<html>login</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(MalformedResponseError, match="expected DNScale's JSON, got text/html"):
        client.list_zones()


def test_success_without_a_data_object_is_malformed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json={"status": "success", "zones": []})
    with pytest.raises(MalformedResponseError, match="no 'data' object"):
        client.list_zones()


# -- secrecy -----------------------------------------------------------------------------------


def test_the_token_never_reaches_debug_logs(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    requests_mock.get(ZONES_URL, [{"status_code": 500}, {"json": zones_page([])}])
    requests_mock.post(RECORDS_URL, status_code=401, json=error_envelope("UNAUTHORIZED", "no"))
    client.list_zones()
    with pytest.raises(ApiError) as raised:
        client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert "DNScale API" in caplog.text
    assert TOKEN not in caplog.text
    assert TOKEN not in str(raised.value)


def test_conflict_on_a_retried_create_is_our_own_earlier_attempt(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        RECORDS_URL,
        [
            {"exc": requests.ReadTimeout("slow")},
            {"status_code": 409, "json": error_envelope("CONFLICT", "")},
        ],
    )
    requests_mock.get(
        RECORDS_URL,
        [{"json": records_page([])}, {"json": records_page([txt("r1", NAME + ".", VALUE)])}],
    )
    created = client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert (created.record.id, created.preexisting) == ("r1", False)


def test_a_rate_limit_holds_back_the_next_request_too(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=RetryPolicy(max_attempts=1),
        sleep=clock.sleep, clock=clock,
    )  # fmt: skip
    requests_mock.get(ZONES_URL, status_code=429, headers={"Retry-After": "5"})
    requests_mock.get(RECORDS_URL, json=records_page([]))
    with pytest.raises(RateLimitedError):
        client.list_zones()
    client.list_txt_records("z1", NAME)
    assert clock.sleeps == [5.0]


def test_every_error_says_on_which_attempt_it_came(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [{"status_code": 500}, {"status_code": 401}])
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert (raised.value.status, raised.value.attempts) == (401, 2)


def test_empty_untyped_error_body_is_described(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=400, reason="Bad Request", content=b"")
    with pytest.raises(ApiError, match="Bad Request: an empty body"):
        client.list_zones()


def test_delete_by_name_sends_the_value_with_its_case_unchanged(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    """ACME values are case-sensitive: a lowercased value would match nothing and leave the
    record behind. (requests-mock lowercases ``qs``; the raw URL keeps what was sent.)"""
    requests_mock.delete(rm.ANY, status_code=204)
    client.delete_txt_value("z1", NAME, "AbC-xYz_09")
    query = parse_qs(urlsplit(requests_mock.last_request.url).query)
    assert query == {"content": ["AbC-xYz_09"]}


# -- paths, budgets and answers the mutation survey found untested -----------------------------


def test_ids_and_names_each_stay_one_path_segment(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    """An id or name holding ``/`` must not reach another resource."""
    requests_mock.get(rm.ANY, json=records_page([]))
    requests_mock.delete(rm.ANY, status_code=204)
    client.list_txt_records("z/1", NAME)
    client.delete_record("z/1", "r/1")
    client.delete_txt_value("z/1", "a/b.example.com", VALUE)
    paths = [urlsplit(r.url).path for r in requests_mock.request_history]
    assert paths == [
        "/v1/zones/z%2F1/records",
        "/v1/zones/z%2F1/records/r%2F1",
        "/v1/zones/z%2F1/records/by-name/a%2Fb.example.com./TXT",
    ]


def test_delete_by_name_waits_out_a_long_rate_limit_too(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(
        rm.ANY, [{"status_code": 429, "headers": {"Retry-After": "120"}}, {"status_code": 204}]
    )
    client.delete_txt_value("z1", NAME, VALUE)
    assert clock.sleeps == [120.0]
    assert requests_mock.call_count == 2


def test_the_look_before_posting_again_stays_within_the_creates_budget(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    """The listing that checks whether a lost create was stored shares the create's deadline:
    a failing listing must not get a fresh budget of its own."""
    policy = RetryPolicy(budget_seconds=10.0)
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=policy, sleep=clock.sleep, clock=clock,
        jitter=lambda d: d,
    )  # fmt: skip

    def slow_then_reset(request: requests.PreparedRequest, context: object) -> None:
        clock.now += 9.0  # the POST used most of the budget before its connection dropped
        raise requests.ConnectionError("reset")

    requests_mock.post(RECORDS_URL, json=slow_then_reset)
    requests_mock.get(RECORDS_URL, status_code=503)
    started = clock.now
    with pytest.raises(ApiError):
        client.create_txt_record("z1", NAME, VALUE, ttl=300)
    assert clock.now - started <= policy.budget_seconds


def test_delete_by_id_of_a_gone_record_says_so_in_the_debug_log(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="certbot_dns_dnscale")
    requests_mock.delete(f"{RECORDS_URL}/r1", status_code=404, json=error_envelope("NF", "x"))
    requests_mock.delete(f"{RECORDS_URL}/by-name/{NAME}./TXT", status_code=204)
    client.delete_txt(TxtRecord("z1", "r1", NAME, VALUE))
    messages = [r.getMessage() for r in caplog.records if r.name.endswith(".client")]
    assert messages == [f"Record id r1 is gone; deleting {NAME} by name"]


def test_refusing_a_delete_without_a_value_says_why() -> None:
    client = DNScaleClient(TOKEN, API, user_agent="t")
    with pytest.raises(
        ValueError, match=r"^refusing to delete a TXT RRset without naming the value$"
    ):
        client.delete_txt_value("z1", NAME, "")


def test_error_details_follow_the_message_exactly(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    body = error_envelope("VALIDATION", "invalid record")
    body["error"]["details"] = [{"field": "ttl"}]
    requests_mock.post(RECORDS_URL, status_code=422, json=body)
    with pytest.raises(ApiError) as raised:
        client.create_txt_record("z1", NAME, VALUE, ttl=200)
    assert raised.value.message == "invalid record [{'field': 'ttl'}]"
    assert raised.value.code == "VALIDATION"


def test_a_top_level_message_is_the_errors_message(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=400, json={"message": "top level"})
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert (raised.value.message, raised.value.code) == ("top level", None)


@pytest.mark.parametrize(
    "body",
    [{"message": 5}, {"error": {"code": 42, "message": ["not", "text"]}}],
    ids=["top-level-number", "code-and-message-not-text"],
)
def test_error_fields_that_are_not_text_are_replaced_by_the_body(
    client: DNScaleClient, requests_mock: rm.Mocker, body: dict[str, object]
) -> None:
    requests_mock.get(ZONES_URL, status_code=400, reason="Bad Request", json=body)
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert raised.value.code is None
    assert raised.value.message.startswith("Bad Request: untyped body '{")


def test_an_error_body_without_a_content_type_is_called_untyped(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=400, reason="Bad Request", content=b"oops")
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert raised.value.message == "Bad Request: untyped body 'oops'"


def test_an_empty_error_body_names_its_content_type(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL, status_code=400, reason="Bad Request", text="",
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert raised.value.message == "Bad Request: an empty text/plain body"


def test_a_redirect_keeps_its_status_request_id_and_where_it_came_from(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=301, headers={"X-Request-ID": "req-3"})
    with pytest.raises(MalformedResponseError) as raised:
        client.list_zones()
    assert (raised.value.status, raised.value.request_id) == (301, "req-3")
    assert raised.value.message == (
        f"GET {ZONES_URL}?offset=0&limit=100: answered with a redirect (HTTP 301) to nowhere, "
        "which was not followed"
    )


@pytest.mark.parametrize("header", ["0", "-5", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_a_retry_after_now_or_in_the_past_retries_at_once(
    header: str, client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        [{"status_code": 429, "headers": {"Retry-After": header}}, {"json": zones_page([])}],
    )
    client.list_zones()
    assert clock.sleeps == [0.0]


def test_a_value_already_removed_by_name_is_noted_in_the_debug_log(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="certbot_dns_dnscale")
    requests_mock.delete(rm.ANY, status_code=404, json=error_envelope("NOT_FOUND", "x"))
    client.delete_txt(TxtRecord("z1", None, NAME, VALUE))
    messages = [r.getMessage() for r in caplog.records if r.name.endswith(".client")]
    assert messages == [f"TXT value at {NAME} was already removed"]


def test_a_total_that_is_not_a_number_is_ignored_and_pages_are_followed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    first = envelope(
        {"zones": [zone("z1", "a.com")], "pagination": {"total": "2", "has_more": True}}
    )
    last = envelope(
        {"zones": [zone("z2", "b.com")], "pagination": {"total": "2", "has_more": False}}
    )
    requests_mock.get(ZONES_URL, [{"json": first}, {"json": last}])
    assert [z.id for z in client.list_zones()] == ["z1", "z2"]


def test_a_zone_list_holding_something_else_than_objects_is_malformed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=envelope({"zones": [zone("z1", "a.com"), 7]}))
    with pytest.raises(
        MalformedResponseError, match=r"^GET /zones: no list of zones in the answer$"
    ):
        client.list_zones()


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"content": None}, None),
        ({"id": ""}, TxtRecord("z1", None, NAME, VALUE)),
        ({"id": 5}, TxtRecord("z1", None, NAME, VALUE)),
        ({"comment": 7}, TxtRecord("z1", "r1", NAME, VALUE, None)),
        ({"content": '""'}, TxtRecord("z1", "r1", NAME, "")),
        ({"content": '"a'}, TxtRecord("z1", "r1", NAME, '"a')),
    ],
    ids=["no-content", "empty-id", "number-id", "number-comment", "empty-quoted", "one-quote"],
)
def test_odd_fields_of_a_listed_txt_record_are_read_safely(
    client: DNScaleClient,
    requests_mock: rm.Mocker,
    fields: dict[str, object],
    expected: TxtRecord | None,
) -> None:
    item = {**txt("r1", NAME + ".", VALUE), "comment": None, **fields}
    requests_mock.get(RECORDS_URL, json=records_page([item]))
    assert client.list_txt_records("z1", NAME) == ([] if expected is None else [expected])


def test_a_create_posts_to_the_zone_as_one_path_segment(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(rm.ANY, status_code=201, json=envelope({"record": txt("r1", NAME, VALUE)}))
    client.create_txt_record("z/1", NAME, VALUE, ttl=300)
    assert urlsplit(requests_mock.last_request.url).path == "/v1/zones/z%2F1/records"


def test_a_success_with_an_empty_body_is_an_empty_answer(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(f"{RECORDS_URL}/r1", status_code=200, content=b"")
    client.delete_record("z1", "r1")
    assert requests_mock.call_count == 1


def test_a_300_answer_is_a_redirect_that_is_not_followed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, status_code=300, json=envelope({"zones": []}))
    with pytest.raises(MalformedResponseError, match="answered with a redirect"):
        client.list_zones()


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"text": "<html>login</html>"}, "expected DNScale's JSON"),
        ({"json": {"status": "success"}}, "no 'data' object"),
        ({"json": error_envelope("INTERNAL", "odd")}, "odd"),
    ],
    ids=["not-json", "no-data", "error-envelope"],
)
def test_a_bad_success_answer_keeps_its_status_and_request_id(
    client: DNScaleClient, requests_mock: rm.Mocker, answer: dict[str, object], problem: str
) -> None:
    requests_mock.get(ZONES_URL, headers={"X-Request-ID": "req-5"}, **answer)  # type: ignore[arg-type]
    with pytest.raises(ApiError if problem == "odd" else MalformedResponseError) as raised:
        client.list_zones()
    assert problem in raised.value.message
    assert (raised.value.status, raised.value.request_id) == (200, "req-5")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("a" * 10, "a" * 10), ("a" * 11, "a" * 10 + "..."), (" a \n b ", "a b")],
)
def test_a_body_snippet_is_collapsed_and_cut_at_its_limit(text: str, shown: str) -> None:
    assert snippet(text, 10) == shown

"""The HTTP transport: Retry-After, redirects, 408, proxies and the token in error texts."""

from __future__ import annotations

import json
import socket

import pytest
import requests
import requests_mock as rm

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import (
    ApiError,
    MalformedResponseError,
    RateLimitedError,
    TransportError,
)
from certbot_dns_dnscale._internal.retry import RetryPolicy
from certbot_dns_dnscale.sandbox import Sandbox
from tests.conftest import API, TOKEN, FakeClock, records_page, txt, zones_page

ZONES_URL = f"{API}/zones"
RECORD_URL = f"{API}/zones/z1/records/r1"


@pytest.fixture
def client(clock: FakeClock) -> DNScaleClient:
    return DNScaleClient(
        TOKEN, API, user_agent="certbot-dns-dnscale/test", sleep=clock.sleep, clock=clock,
        jitter=lambda delay: delay,
    )  # fmt: skip


def rate_limited(seconds: str) -> dict[str, object]:
    return {"status_code": 429, "headers": {"Retry-After": seconds}}


# -- Retry-After -------------------------------------------------------------------------------


def test_retry_after_of_exactly_the_cap_is_waited_out(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited("30"), {"json": zones_page([])}])
    client.list_zones()
    assert clock.sleeps == [30.0]


def test_retry_after_just_over_the_cap_gives_up_at_once(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited("31"), {"json": zones_page([])}])
    with pytest.raises(RateLimitedError):
        client.list_zones()
    assert (clock.sleeps, requests_mock.call_count) == ([], 1)


def test_retry_after_on_a_server_error_is_honoured_instead_of_the_backoff(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(
        ZONES_URL,
        [{"status_code": 503, "headers": {"Retry-After": "4"}}, {"json": zones_page([])}],
    )
    client.list_zones()
    assert clock.sleeps == [4.0]


@pytest.mark.parametrize("header", ["soon", "", "inf", "nan", "1e999"])
def test_unusable_retry_after_falls_back_to_the_backoff(
    header: str, client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited(header), {"json": zones_page([])}])
    client.list_zones()
    assert clock.sleeps == [0.5]


def test_a_rate_limit_longer_than_the_budget_fails_the_next_call_at_once(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited("120"), {"json": zones_page([])}])
    with pytest.raises(RateLimitedError):
        client.list_zones()
    with pytest.raises(RateLimitedError, match=r"asked to wait 120 s more") as raised:
        client.list_zones()
    assert (clock.sleeps, requests_mock.call_count) == ([], 1)
    assert raised.value.retry_after_seconds == 120.0


def test_cleanup_waits_out_a_long_rate_limit_and_still_deletes(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    """One 429 asking for 120 s after a record was created: the delete waits, then goes."""
    requests_mock.get(ZONES_URL, [rate_limited("120")])
    requests_mock.delete(RECORD_URL, status_code=204)
    with pytest.raises(RateLimitedError):
        client.list_zones()
    client.delete_record("z1", "r1")
    assert clock.sleeps == [120.0]
    assert requests_mock.last_request.method == "DELETE"


def test_cleanup_gives_up_on_a_rate_limit_beyond_five_minutes(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.delete(RECORD_URL, [rate_limited("301"), {"status_code": 204}])
    with pytest.raises(RateLimitedError):
        client.delete_record("z1", "r1")
    assert clock.sleeps == []


# -- answers that are not the API's ------------------------------------------------------------


def test_a_redirect_is_not_followed_and_names_where_it_pointed(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.post(
        f"{API}/zones/z1/records",
        status_code=302,
        headers={"Location": "https://user:pw@elsewhere.example/login"},
    )
    requests_mock.get("https://elsewhere.example/login", json={"data": {"record": {}}})
    with pytest.raises(MalformedResponseError) as raised:
        client.create_txt_record("z1", "_acme-challenge.example.com", "v", ttl=300)
    assert [r.method for r in requests_mock.request_history] == ["POST"]
    assert "https://***@elsewhere.example/login" in str(raised.value)
    assert "pw" not in str(raised.value)


def test_request_timeout_408_is_retried(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [{"status_code": 408}, {"json": zones_page([])}])
    assert client.list_zones() == []
    assert clock.sleeps == [0.5]


def test_lasting_408_ends_as_an_api_error(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, status_code=408)
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert (raised.value.status, raised.value.attempts) == (408, 8)


# -- the token ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token", [TOKEN + "\r", TOKEN + "\nsecond-line-part", "prefix-part\r\n" + TOKEN]
)
def test_a_header_error_never_quotes_the_token(
    token: str, clock: FakeClock, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    """requests' InvalidHeader quotes 'Bearer <token>'; none of it may reach a message."""
    caplog.set_level("DEBUG")
    client = DNScaleClient(token, API, user_agent="t", sleep=clock.sleep, clock=clock)
    with pytest.raises(TransportError) as raised:
        client.list_zones()
    text = f"{raised.value} {raised.value.__cause__} {raised.value.__context__} {caplog.text}"
    assert "InvalidHeader" in text
    assert TOKEN not in text
    assert "second-line-part" not in text
    assert "prefix-part" not in text


def closed_tcp_port() -> int:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        return int(unused.getsockname()[1])


def test_plain_http_to_loopback_ignores_proxies_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The token would cross the proxy in clear: plain http goes direct or not at all."""
    proxy = f"http://127.0.0.1:{closed_tcp_port()}"
    for variable in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(variable, proxy)
    for variable in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    with Sandbox() as sandbox:
        client = DNScaleClient(sandbox.settings.token, sandbox.api_url + "/v1", user_agent="t")
        zones = client.list_zones()
    assert zones


# -- edges the mutation survey found untested --------------------------------------------------


def test_a_connection_error_quoting_the_token_bare_never_shows_it(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    """Not only ``Bearer <token>``: the token alone in an error text is masked too."""
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=RetryPolicy(max_attempts=1), clock=clock
    )
    requests_mock.get(ZONES_URL, exc=requests.ConnectionError(f"proxy refused key={TOKEN}"))
    with pytest.raises(TransportError) as raised:
        client.list_zones()
    assert str(raised.value) == f"GET {ZONES_URL}: ConnectionError: proxy refused key=***"


def test_a_retry_that_would_end_exactly_at_the_deadline_is_not_waited_for(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    """Waiting until the deadline would leave no time to send: the last answer is reported."""
    policy = RetryPolicy(budget_seconds=1.5)
    client = DNScaleClient(
        TOKEN, API, user_agent="t", retry_policy=policy, sleep=clock.sleep, clock=clock,
        jitter=lambda delay: delay,
    )  # fmt: skip
    requests_mock.get(ZONES_URL, status_code=500)
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert clock.sleeps == [0.5]  # the next wait, 1 s, would end at the deadline
    assert (raised.value.status, requests_mock.call_count) == (500, 2)


def test_every_request_asks_for_json(client: DNScaleClient, requests_mock: rm.Mocker) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([]))
    client.list_zones()
    assert requests_mock.last_request.headers["Accept"] == "application/json"


def test_a_base_url_with_a_trailing_slash_makes_no_double_slash(
    clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, json=zones_page([]))
    DNScaleClient(TOKEN, API + "/", user_agent="t", clock=clock).list_zones()
    assert requests_mock.last_request.url.startswith(f"{API}/zones?")


def test_each_retry_is_logged_with_the_failure_the_wait_and_the_attempt(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="certbot_dns_dnscale")
    requests_mock.get(ZONES_URL, [{"status_code": 503}, {"json": zones_page([])}])
    client.list_zones()
    assert [r.getMessage() for r in caplog.records if r.name.endswith(".transport")] == [
        "DNScale API GET /zones failed (error: an empty body (HTTP 503)); "
        "retrying in 0.5 s (attempt 2 of 8)"
    ]


def test_a_create_found_stored_after_a_lost_answer_is_logged_as_such(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="certbot_dns_dnscale")
    requests_mock.post(f"{API}/zones/z1/records", exc=requests.ConnectionError("reset"))
    requests_mock.get(
        f"{API}/zones/z1/records",
        json=records_page([txt("r1", "_acme-challenge.example.com.", "v")]),
    )
    client.create_txt_record("z1", "_acme-challenge.example.com", "v", ttl=300)
    messages = [r.getMessage() for r in caplog.records if r.name.endswith(".transport")]
    assert messages[-1] == "DNScale API POST /zones/z1/records had taken effect before it failed"


def test_a_rate_limit_lasting_past_the_call_says_how_long_each_would_take(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited("120"), {"json": zones_page([])}])
    with pytest.raises(RateLimitedError):
        client.list_zones()
    with pytest.raises(RateLimitedError) as raised:
        client.list_zones()
    assert raised.value.message == (
        "GET /zones: DNScale asked to wait 120 s more before the next request, longer than "
        "this call may take (90 s)"
    )
    assert raised.value.status == 429


def test_a_rate_limit_ending_exactly_at_the_deadline_fails_the_call_at_once(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, [rate_limited("90"), {"json": zones_page([])}])
    with pytest.raises(RateLimitedError):
        client.list_zones()
    with pytest.raises(RateLimitedError, match="asked to wait 90 s more"):
        client.list_zones()
    assert (clock.sleeps, requests_mock.call_count) == ([], 1)


def test_a_tls_failure_names_the_url_and_the_error(
    client: DNScaleClient, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(ZONES_URL, exc=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(TransportError) as raised:
        client.list_zones()
    assert raised.value.message == (
        f"TLS failure talking to {ZONES_URL}: SSLError: certificate verify failed"
    )


def test_each_request_and_answer_is_logged_at_debug_level(
    client: DNScaleClient,
    clock: FakeClock,
    requests_mock: rm.Mocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG", logger="certbot_dns_dnscale")

    def slow(request: object, context: object) -> dict[str, object]:
        clock.now += 1.5
        return zones_page([])

    requests_mock.get(ZONES_URL, json=slow, headers={"X-Request-ID": "req-8"})
    client.list_zones()
    lines = [r.getMessage() for r in caplog.records if r.name.endswith(".transport")]
    body = json.dumps(zones_page([]))
    assert lines == [
        f"DNScale API -> GET {ZONES_URL} params={{'offset': 0, 'limit': 100}} body=None",
        f"DNScale API <- GET {ZONES_URL}: HTTP 200 in 1500 ms (request id req-8): {body}",
    ]


def test_an_answer_without_a_request_id_is_logged_with_a_dash(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="certbot_dns_dnscale")
    requests_mock.get(ZONES_URL, json=zones_page([]))
    client.list_zones()
    (answer,) = [r.getMessage() for r in caplog.records if "DNScale API <-" in r.getMessage()]
    assert "(request id -)" in answer


def test_a_call_whose_deadline_has_come_sends_nothing(
    client: DNScaleClient, clock: FakeClock, requests_mock: rm.Mocker
) -> None:
    requests_mock.get(rm.ANY, json=records_page([]))
    with pytest.raises(TransportError) as raised:
        client.list_txt_records("z1", "_acme-challenge.example.com", deadline=clock.now)
    assert raised.value.message == "GET /zones/z1/records: no time left in the retry budget"
    assert requests_mock.call_count == 0


def test_an_answer_quoting_the_token_bare_never_shows_it(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="certbot_dns_dnscale")
    requests_mock.get(ZONES_URL, status_code=400, json={"message": f"no such key {TOKEN}"})
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    assert str(raised.value) == "no such key *** (HTTP 400)"
    assert TOKEN not in caplog.text


def test_a_requests_body_and_a_long_answer_are_logged_the_answer_cut_at_500_characters(
    client: DNScaleClient, requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG", logger="certbot_dns_dnscale")
    long_message = "x" * 600
    requests_mock.post(f"{API}/zones/z1/records", status_code=422, text=long_message)
    with pytest.raises(ApiError):
        client.create_txt_record("z1", "_acme-challenge.example.com", "v", ttl=300)
    sent, answered = [r.getMessage() for r in caplog.records if r.name.endswith(".transport")]
    assert sent.endswith(
        "body={'name': '_acme-challenge.example.com.', 'type': 'TXT', 'content': 'v', 'ttl': 300}"
    )
    assert answered.endswith(": " + "x" * 500 + "...")

"""The sentences a failed API call turns into: each says what failed, why, and the fix, word
for word as users (and the README's Troubleshooting table) see them."""

from __future__ import annotations

import pytest

from certbot_dns_dnscale._internal.errors import (
    ApiError,
    DNScaleError,
    MalformedResponseError,
    RateLimitedError,
    TransportError,
)
from certbot_dns_dnscale._internal.hints import Context, diagnose, explain

INI = "/etc/letsencrypt/dnscale.ini"
URL = "https://api.dnscale.eu/v1"
CREATE = Context(
    action="create the TXT record _acme-challenge.example.com",
    credentials_path=INI,
    api_url=URL,
    zone="example.com",
    name="_acme-challenge.example.com",
)
LIST = Context(action="list the zones the API token can see", credentials_path=INI, api_url=URL)
FAILED = "Could not create the TXT record _acme-challenge.example.com in zone example.com"


def test_an_unreachable_api_names_the_url_and_the_setting() -> None:
    assert diagnose(TransportError("refused"), CREATE) == (
        f"{FAILED}: the DNScale API at {URL} could not be reached. Check this machine's "
        f"network, firewall and proxy settings, and dns_dnscale_api_url in {INI}."
    )


def test_something_else_answering_points_at_the_url_setting() -> None:
    assert diagnose(MalformedResponseError("html"), CREATE) == (
        f"{FAILED}: {URL} did not answer like the DNScale API. Check dns_dnscale_api_url in "
        f"{INI}; a proxy may be in the way."
    )


def test_a_lasting_rate_limit_says_how_long_dnscale_asked_to_wait() -> None:
    err = RateLimitedError("slow down", status=429, retry_after_seconds=59.6)
    assert diagnose(err, CREATE) == (
        f"{FAILED}: DNScale kept rate limiting this token (it asks to wait 60 s). Try again "
        "later, and avoid running many certbot processes with one token at once."
    )


def test_a_lasting_rate_limit_without_retry_after_names_no_wait() -> None:
    assert diagnose(RateLimitedError("slow down", status=429), CREATE) == (
        f"{FAILED}: DNScale kept rate limiting this token. Try again later, and avoid running "
        "many certbot processes with one token at once."
    )


def test_a_rejected_token_says_to_make_a_new_one() -> None:
    assert diagnose(ApiError("bad key", status=401), LIST) == (
        "Could not list the zones the API token can see: DNScale rejected the API token in "
        f"{INI}: it is mistyped, expired or revoked. Create a new token in the DNScale "
        "dashboard and put it in dns_dnscale_api_token."
    )


def test_a_forbidden_create_names_the_scopes_the_zone_and_the_name() -> None:
    assert diagnose(ApiError("no", status=403), CREATE) == (
        f"{FAILED}: the API token in {INI} is not allowed to. Give it the scopes zones:read, "
        "records:read and records:write, access to example.com and, if the token is limited "
        "to names, the name _acme-challenge.example.com."
    )


def test_a_forbidden_listing_names_the_scopes_and_no_zone_or_name() -> None:
    assert diagnose(ApiError("no", status=403), LIST) == (
        "Could not list the zones the API token can see: the API token in "
        f"{INI} is not allowed to. Give it the scopes zones:read, records:read and "
        "records:write, access to the zone."
    )


def test_not_found_asks_whether_the_zone_moved() -> None:
    assert diagnose(ApiError("gone", status=404), CREATE) == (
        f"{FAILED}: DNScale does not know it (was the zone deleted or moved?)."
    )


def test_a_refused_value_points_at_the_ttl_setting() -> None:
    assert diagnose(ApiError("ttl", status=422), CREATE) == (
        f"{FAILED}: DNScale refused the values. If the message is about the TTL, set "
        f"dns_dnscale_ttl in {INI} to a value it accepts (300 is safe)."
    )


@pytest.mark.parametrize("status", [500, 502, 503, 599])
def test_server_errors_say_try_later_and_give_support_the_request_id(status: int) -> None:
    assert diagnose(ApiError("down", status=status), CREATE) == (
        f"{FAILED}: the DNScale API kept failing on its side. Try again later; if it lasts, "
        "give DNScale support the request id below."
    )


@pytest.mark.parametrize("status", [None, 400, 405, 409, 499])
def test_other_errors_say_the_api_refused(status: int | None) -> None:
    assert diagnose(ApiError("odd", status=status), CREATE) == (
        f"{FAILED}: the DNScale API refused the request."
    )


def test_explain_puts_the_apis_own_details_after_the_diagnosis() -> None:
    err = ApiError("gone", status=404, code="NOT_FOUND", request_id="req-1")
    assert explain(err, CREATE) == (
        f"{diagnose(err, CREATE)} [gone (HTTP 404 NOT_FOUND, request id req-1)]"
    )


# -- the error's own text ----------------------------------------------------------------------


def test_an_error_without_details_is_its_message_alone() -> None:
    assert str(DNScaleError("plain")) == "plain"


def test_an_error_lists_status_code_request_id_and_attempts_in_that_order() -> None:
    err = DNScaleError("busy", status=503, code="UNAVAILABLE", request_id="r-9", attempts=3)
    assert str(err) == "busy (HTTP 503 UNAVAILABLE, request id r-9, after 3 attempts)"


def test_an_error_without_a_code_shows_the_status_alone() -> None:
    assert str(DNScaleError("x", status=500)) == "x (HTTP 500)"


def test_a_first_attempt_is_not_counted_in_the_text() -> None:
    assert str(DNScaleError("x", request_id="r", attempts=1)) == "x (request id r)"


def test_an_error_keeps_its_fields_for_the_caller() -> None:
    err = DNScaleError("m", status=429, code="C", request_id="r", attempts=2, retry_after_seconds=5)
    fields = (err.message, err.status, err.code, err.request_id, err.attempts)
    assert fields == ("m", 429, "C", "r", 2)
    assert err.retry_after_seconds == 5
    assert err.args == ("m",)


def test_an_error_starts_on_its_first_attempt_with_no_retry_after() -> None:
    err = DNScaleError("m")
    assert (err.status, err.code, err.request_id, err.attempts) == (None, None, None, 1)
    assert err.retry_after_seconds is None


def test_a_second_attempt_is_counted_in_the_text() -> None:
    assert str(DNScaleError("x", attempts=2)) == "x (after 2 attempts)"

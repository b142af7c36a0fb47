"""Removing the token, Authorization values and URL passwords from text bound for users and logs."""

from __future__ import annotations

import pytest
import requests

from certbot_dns_dnscale._internal.redact import (
    describe_error,
    redact,
    redact_url,
)
from tests.conftest import TOKEN

SPLIT_TOKEN = TOKEN + "\rpasted-rest"


def test_requests_invalid_header_message_loses_the_whole_bearer_value() -> None:
    # The message requests really raises for a header value holding a carriage return.
    with pytest.raises(requests.exceptions.InvalidHeader) as raised:
        requests.Request(
            "GET", "http://127.0.0.1:9/", headers={"Authorization": f"Bearer {SPLIT_TOKEN}"}
        ).prepare()
    text = redact(str(raised.value))
    assert text.endswith("in header value: 'Bearer ***'")
    assert TOKEN not in text
    assert "pasted-rest" not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("headers={'Authorization': 'Bearer abc', 'Accept': 'x'}", "'Authorization': '***'"),
        ('{"Authorization": "Bearer abc"}', '"Authorization": "***"'),
        ("Authorization: Bearer abc\nAccept: x", "Authorization: ***\nAccept: x"),
        ("authorization=Basic dXNlcjpwdw==", "authorization=***"),
        ("sent Bearer abc.def-ghi to the API", "sent Bearer *** to the API"),
        ('value "Bearer a b c" refused', 'value "Bearer ***" refused'),
    ],
)
def test_authorization_and_bearer_values_are_masked(text: str, expected: str) -> None:
    redacted = redact(text)
    assert expected in redacted
    assert "abc" not in redacted


def test_the_given_secret_is_masked_wherever_it_appears() -> None:
    assert redact(f"token {TOKEN} was refused", [TOKEN]) == "token *** was refused"


def test_an_escaped_secret_is_masked_too() -> None:
    assert redact(repr(f"x{SPLIT_TOKEN}y"), [SPLIT_TOKEN]) == "'x***y'"


def test_each_long_piece_of_a_secret_split_by_whitespace_is_masked() -> None:
    redacted = redact(f"first {TOKEN}\nthen pasted-rest alone", [SPLIT_TOKEN])
    assert redacted == "first ***\nthen *** alone"


def test_short_pieces_of_a_secret_are_left_alone() -> None:
    assert redact("a or bc, alone", ["a bc"]) == "a or bc, alone"


def test_empty_secrets_change_nothing() -> None:
    assert redact("nothing to hide", ["", ""]) == "nothing to hide"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pw@api.dnscale.eu/v1", "https://***@api.dnscale.eu/v1"),
        ("see http://me@127.0.0.1:8080/x then", "see http://***@127.0.0.1:8080/x then"),
        ("https://api.dnscale.eu/v1?a=b@c", "https://api.dnscale.eu/v1?a=b@c"),
        ("mail me@example.com", "mail me@example.com"),
    ],
)
def test_url_userinfo_is_masked_and_nothing_else(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact(url) == expected


def test_describe_error_names_the_type_and_redacts_the_message() -> None:
    err = ValueError(f"bad header 'Bearer {TOKEN}'")
    assert describe_error(err, [TOKEN]) == "ValueError: bad header 'Bearer ***'"


def test_describe_error_of_an_empty_exception_is_its_type() -> None:
    assert describe_error(TimeoutError()) == "TimeoutError"


def test_redacting_again_keeps_what_follows_a_masked_authorization_value() -> None:
    once = redact(f"rejected Authorization: Bearer {TOKEN}", [TOKEN])
    assert once == "rejected Authorization: ***"
    line = f"[{once}] (HTTP 400, request id r-1)"
    assert redact(line, [TOKEN]) == line

"""What the plugin writes and says: marks at CNAME targets, and API answers that echo the token."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
import requests_mock as rm

from certbot_dns_dnscale._internal.client import DNScaleClient
from certbot_dns_dnscale._internal.errors import ApiError
from certbot_dns_dnscale._internal.marks import read_mark
from certbot_dns_dnscale.sandbox import Sandbox
from tests.conftest import API, TOKEN, achall, authenticator

DELEGATED = "example.com.acme.example.net"


def test_a_record_at_a_cname_target_is_marked_with_the_challenge_it_answers(
    tmp_path: Path, display: io.StringIO
) -> None:
    """sweep deletes a marked record outside _acme-challenge names only when its mark says
    which challenge it answered."""
    with Sandbox() as sandbox:
        sandbox.add_record("_acme-challenge.example.com", "CNAME", DELEGATED + ".")
        credentials = tmp_path / "sandbox.ini"
        credentials.write_text(sandbox.credentials_ini())
        credentials.chmod(0o600)
        auth = authenticator(
            credentials, nameservers=sandbox.dns_address, resolver=sandbox.dns_address
        )
        auth.perform([achall("example.com")])
        (record,) = sandbox.records(DELEGATED)
    mark = read_mark(record.comment)
    assert mark is not None
    assert mark.answering == "_acme-challenge.example.com"


def test_an_api_error_that_echoes_the_authorization_header_never_shows_the_token(
    requests_mock: rm.Mocker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"status": "error", "error": {"code": "BAD", "message": f"bad header Bearer {TOKEN}"}}
    requests_mock.get(f"{API}/zones", status_code=400, json=echo)
    client = DNScaleClient(TOKEN, API, user_agent="t")
    with pytest.raises(ApiError) as raised:
        client.list_zones()
    shown = f"{raised.value} {raised.value.args} {raised.value!r} {caplog.text}"
    assert "bad header Bearer ***" in str(raised.value)
    assert TOKEN not in shown

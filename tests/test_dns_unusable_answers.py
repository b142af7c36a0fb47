"""A nameserver that answers, but refuses (REFUSED) or answers for another name, is reported as
exactly that, never as "no nameserver answered": the fix differs (it does not serve the zone,
rather than a firewall on the way). The servers are tests/fake_dns.py on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import dns.rcode
import pytest

from certbot_dns_dnscale._internal.commands.cli import main
from certbot_dns_dnscale._internal.dns_client import DnsClient, Server, UnusableAnswerError
from certbot_dns_dnscale._internal.propagation import Expected, PropagationWaiter
from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from tests.conftest import FakeClock
from tests.fake_dns import FakeDns, fake_dns

NAME = "_acme-challenge.example.com"
OTHER = "_acme-challenge.example.org"
EXPECTED = [Expected(NAME, "example.com", frozenset({"v1"}))]


def local(server: FakeDns) -> Server:
    return Server("127.0.0.1", "127.0.0.1", server.port)


def unusable(call: Callable[[], object]) -> str:
    with pytest.raises(UnusableAnswerError) as raised:
        call()
    return str(raised.value)


def waiter(servers: list[Server], clock: FakeClock) -> PropagationWaiter:
    return PropagationWaiter(
        DnsClient(), bound_seconds=5, nameservers=servers, sleep=clock.sleep, clock=clock,
        sleep_when_unchecked=False,
    )  # fmt: skip


# -- one question ------------------------------------------------------------------------------


def test_a_refused_txt_question_says_the_server_refused_it() -> None:
    with fake_dns({}, rcode=dns.rcode.REFUSED) as server:
        error = unusable(lambda: DnsClient().txt_at(local(server), NAME))
    assert error == f"127.0.0.1:{server.port} refused the query (REFUSED)"


def test_an_answer_for_another_name_says_which_names() -> None:
    with fake_dns({}, answer_for=OTHER) as server, pytest.raises(UnusableAnswerError) as raised:
        DnsClient().txt_at(local(server), NAME)
    assert str(raised.value) == (
        f"127.0.0.1:{server.port} answered for another name (asked {NAME}, answered {OTHER})"
    )


def test_a_refused_soa_question_is_named_as_refused() -> None:
    with fake_dns({}, rcode=dns.rcode.REFUSED) as server:
        error = unusable(lambda: DnsClient().check_serves(local(server), "example.com"))
    assert error == f"127.0.0.1:{server.port} refused the query (REFUSED)"


def test_a_server_failure_is_named_with_its_code() -> None:
    with fake_dns({}, rcode=dns.rcode.SERVFAIL) as server:
        error = unusable(lambda: DnsClient().txt_at(local(server), NAME))
    assert error == f"127.0.0.1:{server.port} failed to answer (SERVFAIL)"


# -- the propagation wait ------------------------------------------------------------------------


def test_when_every_server_refuses_the_wait_says_so_instead_of_no_answer(
    clock: FakeClock,
) -> None:
    with fake_dns({}, rcode=dns.rcode.REFUSED) as server:
        outcome = waiter([local(server)], clock).wait(EXPECTED)
    assert (outcome.checked, outcome.complete) == (False, False)
    assert outcome.reason == f"127.0.0.1:{server.port} refused the query (REFUSED)"


def test_a_server_answering_for_another_name_is_named_beside_the_one_that_answers(
    clock: FakeClock,
) -> None:
    with (
        fake_dns({(NAME, "TXT"): [['"v1"']]}) as good,
        fake_dns({}, answer_for=OTHER) as wrong,
    ):
        outcome = waiter([local(good), local(wrong)], clock).wait(EXPECTED)
    assert outcome.complete
    assert outcome.silent == [local(wrong)]
    assert outcome.describe_missing() == (
        f"127.0.0.1:{wrong.port} answered for another name (asked {NAME}, answered {OTHER})"
    )


# -- check's port 53 finding, through the command line ----------------------------------------


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(zones=("example.com",))) as running:
        yield running


def test_check_names_a_refusing_nameserver_and_says_it_does_not_serve_the_zone(
    sandbox: Sandbox, credentials: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_dns({}, rcode=dns.rcode.REFUSED) as refusing:
        argv = [
            "check", "--credentials", str(credentials), "-d", "example.com", "--no-write-test",
            "--resolver", sandbox.dns_address, "--nameservers", refusing.address, "--json",
        ]  # fmt: skip
        assert main(argv) == 1
    (report,) = json.loads(capsys.readouterr().out)
    (port_53,) = [f for f in report["findings"] if f["check"] == "port 53"]
    assert port_53 == {
        "check": "port 53",
        "ok": False,
        "detail": f"{refusing.address} refused the query (REFUSED)",
        "fix": "these servers do not serve example.com: set its NS records (or --nameservers) "
        "to servers that do",
    }

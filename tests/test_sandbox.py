"""The local DNScale sandbox: its API and DNS behave as the documented service does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest
import requests

from certbot_dns_dnscale.sandbox import Sandbox, SandboxSettings
from certbot_dns_dnscale.sandbox.__main__ import _parser, main
from certbot_dns_dnscale.sandbox.api import Grant
from certbot_dns_dnscale.sandbox.dns_answers import DnsAnswerer
from certbot_dns_dnscale.sandbox.faults import FaultPlan
from certbot_dns_dnscale.sandbox.nameservers import NameserverBindError, NameserverSettings
from certbot_dns_dnscale.sandbox.store import ZoneStore
from tests.conftest import FakeClock
from tests.sandbox_client import SandboxApi, txt_strings

NAME = "_acme-challenge.example.com."


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxSettings(extra_zones=20)) as running:
        yield running


class Api(SandboxApi):
    def __init__(self, sandbox: Sandbox, token: str | None = None) -> None:
        super().__init__(sandbox, token)
        self.sandbox = sandbox

    def zone_id(self, name: str = "example.com") -> str:
        return self.sandbox.store.zone_by_name(name).id

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.base + path, params=params, timeout=5)

    def create(self, zone: str = "example.com", **body: Any) -> requests.Response:
        body = {"name": NAME, "type": "TXT", "content": "v1", "ttl": 300, **body}
        return self.session.post(
            f"{self.base}/zones/{self.zone_id(zone)}/records", json=body, timeout=5
        )

    def delete(self, path: str, **params: Any) -> requests.Response:
        return self.session.delete(self.base + path, params=params, timeout=5)


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


def ask(
    sandbox: Sandbox, name: str, rtype: str = "TXT", *, edns: bool = True
) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, use_edns=0 if edns else False)
    return dns.query.udp(query, "127.0.0.1", port=sandbox.dns_port, timeout=2)


# -- API: auth and envelopes ---------------------------------------------------------------------


def test_health_needs_no_token(sandbox: Sandbox) -> None:
    answer = requests.get(sandbox.api_url + "/v1/health", timeout=5)
    assert answer.json()["data"]["health"]["status"] == "ok"


def test_unknown_token_gets_401_in_the_error_envelope(sandbox: Sandbox) -> None:
    answer = Api(sandbox, "wrong").get("/zones")
    assert answer.status_code == 401
    assert answer.json()["status"] == "error"
    assert answer.json()["error"]["code"] == "UNAUTHORIZED"


def test_token_without_write_scope_gets_403_on_create(sandbox: Sandbox) -> None:
    answer = Api(sandbox, sandbox.settings.readonly_token).create()
    assert answer.status_code == 403
    assert "records:write" in answer.json()["error"]["message"]


def test_token_limited_to_zones_sees_only_those(sandbox: Sandbox) -> None:
    sandbox.api.settings.tokens["narrow"] = Grant(zones=frozenset({"example.org"}))
    narrow = Api(sandbox, "narrow")
    assert [z["name"] for z in narrow.get("/zones", limit=100).json()["data"]["zones"]] == [
        "example.org"
    ]
    assert narrow.create("example.com").status_code == 403


def test_every_answer_carries_a_request_id(api: Api) -> None:
    assert api.get("/zones").headers["X-Request-ID"].startswith("sbx-")


def test_unknown_route_is_404_and_wrong_method_405(api: Api) -> None:
    assert api.get("/nothing").status_code == 404
    assert api.session.put(api.base + "/zones", timeout=5).status_code == 405


# -- API: zones ----------------------------------------------------------------------------------


def test_zone_list_defaults_to_10_a_page_with_pagination(api: Api) -> None:
    data = api.get("/zones").json()["data"]
    assert len(data["zones"]) == 10
    assert data["pagination"] == {
        "total": 24, "offset": 0, "limit": 10, "count": 10, "has_more": True,
    }  # fmt: skip


def test_zone_list_last_page_says_no_more(api: Api) -> None:
    data = api.get("/zones", offset=20, limit=100).json()["data"]
    assert data["pagination"]["count"] == 4
    assert data["pagination"]["has_more"] is False


def test_zone_list_keeps_the_deprecated_top_level_alias(api: Api) -> None:
    body = api.get("/zones", limit=3).json()
    assert body["zones"] == body["data"]["zones"]


def test_zone_page_size_can_be_capped_below_what_is_asked(sandbox: Sandbox, api: Api) -> None:
    sandbox.api.settings.max_zone_page_size = 7
    assert len(api.get("/zones", limit=100).json()["data"]["zones"]) == 7


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_zone_limit_outside_1_to_100_is_422(api: Api, limit: str) -> None:
    assert api.get("/zones", limit=limit).status_code == 422


def test_one_zone_by_id_and_unknown_id(api: Api) -> None:
    assert api.get(f"/zones/{api.zone_id()}").json()["data"]["zone"]["name"] == "example.com"
    assert api.get("/zones/nope").json()["error"]["code"] == "INVALID_ZONE_ID"


# -- API: records --------------------------------------------------------------------------------


def test_create_answers_201_with_the_record(api: Api) -> None:
    answer = api.create(comment="ours")
    record = answer.json()["data"]["record"]
    assert answer.status_code == 201
    assert (record["name"], record["content"], record["comment"]) == (NAME, "v1", "ours")


def test_record_ids_derive_from_content(api: Api) -> None:
    first = api.create(content="a").json()["data"]["record"]["id"]
    second = api.create(content="b").json()["data"]["record"]["id"]
    api.delete(f"/zones/{api.zone_id()}/records/{first}")
    assert api.create(content="a").json()["data"]["record"]["id"] == first != second


def test_same_value_twice_is_409_conflict(api: Api) -> None:
    api.create()
    answer = api.create()
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "CONFLICT")


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("@", "example.com"),
        ("_acme-challenge", "_acme-challenge.example.com"),
        ("_acme-challenge.example.com", "_acme-challenge.example.com"),
        ("_acme-challenge.example.com.", "_acme-challenge.example.com"),
    ],
)
def test_names_may_be_apex_relative_or_fully_qualified(
    sandbox: Sandbox, api: Api, name: str, stored: str
) -> None:
    api.create(name=name)
    assert sandbox.txt_values(stored) == ["v1"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "_acme-challenge.example.org."},
        {"name": ""},
        {"type": "SRV"},
        {"content": ""},
        {"ttl": 60},
        {"ttl": 86401},
        {"ttl": "300"},
        {"comment": "x" * 501},
    ],
)
def test_invalid_record_is_422(api: Api, body: dict[str, Any]) -> None:
    assert api.create(**body).status_code == 422


def test_body_that_is_not_a_json_object_is_400(api: Api) -> None:
    url = f"{api.base}/zones/{api.zone_id()}/records"
    assert api.session.post(url, data=b"[1]", timeout=5).status_code == 400


def test_two_values_form_one_rrset_sharing_the_latest_ttl(sandbox: Sandbox, api: Api) -> None:
    api.create(content="a", ttl=300)
    api.create(content="b", ttl=600)
    assert [r.ttl for r in sandbox.records(NAME)] == [600, 600]


def test_record_listing_paginates_and_can_quote_txt(sandbox: Sandbox, api: Api) -> None:
    for value in ("a", "b", "c"):
        api.create(content=value)
    sandbox.api.settings.quote_txt_content = True
    data = api.get(f"/zones/{api.zone_id()}/records", limit=2, offset=1).json()["data"]
    assert [r["content"] for r in data["records"]] == ['"b"', '"c"']
    assert data["pagination"]["total"] == 3


def test_get_and_delete_by_id(api: Api) -> None:
    record_id = api.create().json()["data"]["record"]["id"]
    path = f"/zones/{api.zone_id()}/records/{record_id}"
    assert api.get(path).json()["data"]["record"]["id"] == record_id
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404


def test_delete_by_name_with_content_removes_only_that_value(sandbox: Sandbox, api: Api) -> None:
    api.create(content="mine")
    api.create(content="theirs")
    answer = api.delete(f"/zones/{api.zone_id()}/records/by-name/{NAME}/TXT", content="mine")
    assert answer.status_code == 204
    assert sandbox.txt_values(NAME) == ["theirs"]


def test_delete_by_name_without_content_removes_the_whole_rrset(sandbox: Sandbox, api: Api) -> None:
    api.create(content="mine")
    api.create(content="theirs")
    api.delete(f"/zones/{api.zone_id()}/records/by-name/{NAME}/TXT")
    assert sandbox.txt_values(NAME) == []


def test_delete_by_name_of_nothing_is_404(api: Api) -> None:
    path = f"/zones/{api.zone_id()}/records/by-name/{NAME}/TXT"
    assert api.delete(path, content="x").status_code == 404


# -- API: faults and the call log ----------------------------------------------------------------


def test_call_log_records_method_route_path_and_status(sandbox: Sandbox, api: Api) -> None:
    api.create()
    (call,) = sandbox.calls
    assert (call.method, call.route, call.status) == ("POST", "/zones/{zone_id}/records", 201)
    assert call.path == f"/v1/zones/{api.zone_id()}/records"


def test_call_log_is_readable_and_resettable_over_http(sandbox: Sandbox, api: Api) -> None:
    api.get("/zones")
    calls = requests.get(sandbox.api_url + "/_sandbox/calls", timeout=5).json()["data"]["calls"]
    assert [c["route"] for c in calls] == ["/zones"]
    requests.delete(sandbox.api_url + "/_sandbox/calls", timeout=5)
    assert sandbox.calls == []
    assert requests.get(sandbox.api_url + "/_sandbox/other", timeout=5).status_code == 404


def test_scripted_429_carries_retry_after(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults.script("429", method="GET", route="/zones")
    answer = api.get("/zones")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "1")
    assert api.get("/zones").status_code == 200
    assert [c.fault for c in sandbox.calls] == ["429", None]


def test_scripted_502_is_an_html_page(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults.script("502")
    answer = api.get("/zones")
    assert answer.status_code == 502
    assert answer.headers["Content-Type"] == "text/html"


def test_scripted_500_and_503_use_the_error_envelope(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults.script("500")
    sandbox.faults.script("503")
    assert api.get("/zones").json()["error"]["code"] == "INTERNAL_ERROR"
    assert api.get("/zones").status_code == 503


def test_dropped_connection_stores_nothing(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults.script("drop", method="POST")
    with pytest.raises(requests.ConnectionError):
        api.create()
    assert sandbox.txt_values(NAME) == []


def test_lost_answer_stores_the_record_then_drops_the_connection(
    sandbox: Sandbox, api: Api
) -> None:
    sandbox.faults.script("lost", method="POST")
    with pytest.raises(requests.ConnectionError):
        api.create()
    assert sandbox.txt_values(NAME) == ["v1"]
    assert sandbox.calls[0].status == 0


def test_slow_answer_arrives_late(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults.slow_seconds = 0.3
    sandbox.faults.script("slow")
    with pytest.raises(requests.ReadTimeout):
        api.session.get(api.base + "/zones", timeout=(1, 0.1))


def test_random_faults_are_reproducible_from_the_seed() -> None:
    def draws() -> list[str | None]:
        plan = FaultPlan(0.5, ("429", "500"), seed=7)
        return [plan.draw("GET", "/zones") for _ in range(50)]

    first = draws()
    assert first == draws()
    assert 10 < sum(d is not None for d in first) < 40


def test_fault_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="kinds among"):
        FaultPlan(0.1, ("teapot",))
    with pytest.raises(ValueError, match="unknown fault"):
        FaultPlan().script("teapot")


# -- DNS -----------------------------------------------------------------------------------------


def test_dns_serves_every_txt_value_at_a_name(sandbox: Sandbox, api: Api) -> None:
    api.create(content="a")
    api.create(content="b")
    answer = ask(sandbox, NAME)
    assert txt_strings(answer) == ["a", "b"]
    assert answer.flags & dns.flags.AA


def test_dns_stops_serving_a_deleted_value(sandbox: Sandbox, api: Api) -> None:
    record_id = api.create().json()["data"]["record"]["id"]
    api.delete(f"/zones/{api.zone_id()}/records/{record_id}")
    assert ask(sandbox, NAME).rcode() == dns.rcode.NXDOMAIN


def test_dns_sees_changes_only_after_the_propagation_delay() -> None:
    clock = FakeClock()
    store = ZoneStore(["example.com"], propagation_delay_seconds=3, clock=clock)
    zone_id = store.zone_by_name("example.com").id
    record = store.add(zone_id, NAME, "TXT", "v", 300, None)
    assert store.visible(NAME) == []
    clock.sleep(3)
    assert store.visible(NAME) == [record]
    store.delete(zone_id, [record.id])
    assert store.records(zone_id) == []  # the API sees it gone at once
    assert store.visible(NAME) == [record]
    clock.sleep(3)
    assert store.visible(NAME) == []


def test_each_further_value_at_a_name_shows_a_stagger_later() -> None:
    clock = FakeClock()
    store = ZoneStore(["example.com"], rrset_stagger_seconds=2, clock=clock)
    zone_id = store.zone_by_name("example.com").id
    store.add(zone_id, NAME, "TXT", "first", 300, None)
    store.add(zone_id, NAME, "TXT", "second", 300, None)
    assert [r.content for r in store.visible(NAME)] == ["first"]
    clock.sleep(2)
    assert sorted(r.content for r in store.visible(NAME)) == ["first", "second"]


def test_unknown_name_is_nxdomain_with_the_soa(sandbox: Sandbox) -> None:
    answer = ask(sandbox, "nothing.example.com")
    assert answer.rcode() == dns.rcode.NXDOMAIN
    assert answer.authority[0].rdtype == dns.rdatatype.SOA


def test_existing_name_without_that_type_is_nodata(sandbox: Sandbox) -> None:
    sandbox.add_record("www.example.com", "A", "127.0.0.1")
    answer = ask(sandbox, "www.example.com", "TXT")
    assert (answer.rcode(), answer.answer) == (dns.rcode.NOERROR, [])
    assert answer.authority[0].rdtype == dns.rdatatype.SOA


def test_empty_non_terminal_is_nodata_not_nxdomain(sandbox: Sandbox) -> None:
    sandbox.add_record("a.b.example.com", "A", "127.0.0.1")
    assert ask(sandbox, "b.example.com", "A").rcode() == dns.rcode.NOERROR


def test_apex_has_soa_and_dnscale_nameservers(sandbox: Sandbox) -> None:
    answer = ask(sandbox, "example.com", "NS")
    assert sorted(r.to_text() for r in answer.answer[0]) == ["ns1.dnscale.eu.", "ns2.dnscale.eu."]
    assert ask(sandbox, "example.com", "SOA").answer[0].rdtype == dns.rdatatype.SOA


def test_stored_ns_records_replace_the_default_ones(sandbox: Sandbox) -> None:
    sandbox.add_record("example.org", "NS", "ns.elsewhere.test.")
    answer = ask(sandbox, "example.org", "NS")
    assert [r.to_text() for r in answer.answer[0]] == ["ns.elsewhere.test."]


def test_cname_chain_is_followed_to_the_txt(sandbox: Sandbox) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "hop.example.org.")
    sandbox.add_record("hop.example.org", "CNAME", "target.example.net.")
    sandbox.add_record("target.example.net", "TXT", "delegated")
    answer = ask(sandbox, NAME)
    assert [r.rdtype for r in answer.answer] == [dns.rdatatype.CNAME] * 2 + [dns.rdatatype.TXT]
    assert txt_strings(answer) == ["delegated"]


def test_cname_query_gets_the_cname_itself(sandbox: Sandbox) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "target.example.net.")
    answer = ask(sandbox, NAME, "CNAME")
    assert answer.answer[0][0].to_text() == "target.example.net."


def test_cname_loop_ends(sandbox: Sandbox) -> None:
    sandbox.add_record("a.example.com", "CNAME", "b.example.com.")
    sandbox.add_record("b.example.com", "CNAME", "a.example.com.")
    assert len(ask(sandbox, "a.example.com").answer) == 2  # the repeats fold into two RRsets


def test_cname_out_of_the_sandbox_stops_there(sandbox: Sandbox) -> None:
    sandbox.add_record("_acme-challenge.example.com", "CNAME", "elsewhere.invalid.")
    answer = ask(sandbox, NAME)
    assert (answer.rcode(), len(answer.answer)) == (dns.rcode.NOERROR, 1)


def test_names_outside_every_zone_are_refused(sandbox: Sandbox) -> None:
    assert ask(sandbox, "example.invalid").rcode() == dns.rcode.REFUSED


def test_big_answer_over_udp_without_edns_is_truncated_and_complete_over_tcp(
    sandbox: Sandbox,
) -> None:
    for i in range(12):
        sandbox.add_record(NAME, "TXT", f"{i:02d}" + "x" * 41)
    udp = ask(sandbox, NAME, edns=False)
    assert udp.flags & dns.flags.TC
    query = dns.message.make_query(NAME, "TXT", use_edns=False)
    tcp = dns.query.tcp(query, "127.0.0.1", port=sandbox.dns_port, timeout=2)
    assert len(txt_strings(tcp)) == 12


def test_long_txt_values_are_split_into_255_byte_strings(sandbox: Sandbox) -> None:
    sandbox.add_record(NAME, "TXT", "y" * 300)
    (rdata,) = ask(sandbox, NAME).answer[0]
    assert [len(s) for s in rdata.strings] == [255, 45]


def test_tampering_serves_wrong_txt_values() -> None:
    with Sandbox(SandboxSettings(tamper_txt=True)) as sandbox:
        sandbox.add_record(NAME, "TXT", "right")
        assert txt_strings(ask(sandbox, NAME))[0].startswith("tampered-")


def test_garbage_and_multi_question_queries_are_handled(sandbox: Sandbox) -> None:
    assert sandbox.dns.answer(b"\x00\x01garbage", over_udp=True) is None
    query = dns.message.make_query(NAME, "TXT")
    query.question.append(query.question[0])
    reply = dns.message.from_wire(sandbox.dns.answer(query.to_wire(), over_udp=True) or b"")
    assert reply.rcode() == dns.rcode.FORMERR


def test_add_record_outside_the_sandbox_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(KeyError):
        sandbox.add_record("example.invalid", "TXT", "x")
    assert sandbox.records("example.invalid") == []


# -- command line --------------------------------------------------------------------------------


def test_serve_command_writes_credentials_and_answers_until_stopped(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = threading.Event()
    credentials = tmp_path / "sandbox.ini"
    args = ["serve", "--api-port", "0", "--dns-port", "0", "--credentials", str(credentials)]
    thread = threading.Thread(target=main, args=(args, stop))
    thread.start()
    try:
        for _ in range(100):
            if credentials.exists():
                break
            stop.wait(0.05)
        text = credentials.read_text()
    finally:
        stop.set()
        thread.join(5)
    assert "Ready; Ctrl-C stops it." in capsys.readouterr().out
    assert "dns_dnscale_api_token = sandbox-token" in text
    assert "dns_dnscale_api_url = http://127.0.0.1:" in text
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    assert not thread.is_alive()


def test_a_client_that_gave_up_is_no_error_for_the_server(
    sandbox: Sandbox, api: Api, capfd: pytest.CaptureFixture[str]
) -> None:
    sandbox.faults.slow_seconds = 0.3
    sandbox.faults.script("slow")
    with pytest.raises(requests.ReadTimeout):
        api.session.get(api.base + "/zones", timeout=(1, 0.05))
    api.session.close()
    threading.Event().wait(0.5)
    assert Api(sandbox).get("/zones").status_code == 200
    assert "Traceback" not in capfd.readouterr().err


def test_names_above_the_zones_exist_without_data(sandbox: Sandbox) -> None:
    answer = ask(sandbox, "com", "CAA")
    assert (answer.rcode(), answer.answer) == (dns.rcode.NOERROR, [])
    assert not answer.flags & dns.flags.AA


# -- nameservers ---------------------------------------------------------------------------------


@pytest.fixture
def with_nameservers() -> Iterator[Sandbox]:
    """Two nameservers on free loopback addresses; port 0 so that no root is needed here."""
    nameservers = (
        NameserverSettings("ns1.dnscale.eu", port=0),
        NameserverSettings("NS2.dnscale.eu.", port=0),
    )
    with Sandbox(SandboxSettings(nameservers=nameservers)) as running:
        yield running


def ask_server(address: str, port: int, name: str, rtype: str, *, rd: bool) -> dns.message.Message:
    query = dns.message.make_query(name, rtype)
    if not rd:
        query.flags &= ~dns.flags.RD
    return dns.query.udp(query, address, port=port, timeout=2)


def test_ns_records_name_the_nameservers_whose_names_resolve_to_their_addresses(
    with_nameservers: Sandbox,
) -> None:
    ns1, ns2 = with_nameservers.nameservers
    answer = ask(with_nameservers, "example.org", "NS")
    assert sorted(r.to_text() for r in answer.answer[0]) == ["ns1.dnscale.eu.", "ns2.dnscale.eu."]
    for nameserver in (ns1, ns2):
        (address,) = ask(with_nameservers, nameserver.host, "A").answer[0]
        assert address.to_text() == nameserver.address
    assert ask(with_nameservers, "ns1.dnscale.eu", "AAAA").answer == []
    assert ns1.address != ns2.address
    assert ns1.address.startswith("127.53.")


def test_a_nameserver_answers_for_the_zones_with_authority(with_nameservers: Sandbox) -> None:
    with_nameservers.add_record(NAME, "TXT", "v")
    ns1 = with_nameservers.nameservers[0]
    answer = ask_server(ns1.address, ns1.port, NAME, "TXT", rd=False)
    assert txt_strings(answer) == ["v"]
    assert answer.flags & dns.flags.AA
    assert not answer.flags & dns.flags.RA


def test_query_log_records_the_recursion_desired_flag_and_the_answer_size(
    with_nameservers: Sandbox,
) -> None:
    with_nameservers.add_record(NAME, "TXT", "v")
    ns2 = with_nameservers.nameservers[1]
    ask_server(ns2.address, ns2.port, NAME, "TXT", rd=False)
    ask_server(ns2.address, ns2.port, "nothing.example.com", "TXT", rd=True)
    logged = [(q.name, q.recursion_desired, q.answers) for q in ns2.queries]
    assert logged == [(NAME, False, 1), ("nothing.example.com.", True, 0)]
    assert with_nameservers.dns.queries == []  # each server keeps its own log


def test_each_nameserver_shows_changes_after_its_own_lag() -> None:
    clock = FakeClock()
    store = ZoneStore(["example.com"], longest_lag_seconds=3, clock=clock)
    fast, slow = DnsAnswerer(store, lag_seconds=1), DnsAnswerer(store, lag_seconds=3)
    record = store.add(store.zone_by_name("example.com").id, NAME, "TXT", "v", 300, None)

    def shown() -> list[list[str]]:
        query = dns.message.make_query(NAME, "TXT").to_wire()
        replies = [answerer.answer(query, over_udp=True) or b"" for answerer in (fast, slow)]
        return [txt_strings(dns.message.from_wire(reply)) for reply in replies]

    assert shown() == [[], []]
    clock.sleep(1)
    assert shown() == [["v"], []]
    clock.sleep(2)
    assert shown() == [["v"], ["v"]]
    store.delete(record.zone_id, [record.id])
    clock.sleep(1)
    assert shown() == [[], ["v"]]  # the slow one still serves the deleted value
    clock.sleep(2)
    assert shown() == [[], []]


def test_a_nameserver_address_already_taken_fails_naming_the_fix(sandbox: Sandbox) -> None:
    taken = NameserverSettings("ns1.dnscale.eu", address="127.0.0.1", port=sandbox.dns_port)
    with pytest.raises(NameserverBindError, match="port 53 needs root"):
        Sandbox(SandboxSettings(nameservers=(taken,)))


def test_a_nameserver_that_cannot_bind_leaves_none_of_the_others_bound(sandbox: Sandbox) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    first = NameserverSettings("ns1.dnscale.eu", address="127.0.0.1", port=free_port)
    taken = NameserverSettings("ns2.dnscale.eu", address="127.0.0.1", port=sandbox.dns_port)
    with pytest.raises(NameserverBindError):
        Sandbox(SandboxSettings(nameservers=(first, taken)))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as again:
        again.bind(("127.0.0.1", free_port))  # the first one let its port go


def test_serve_help_explains_every_option() -> None:
    commands = next(a for a in _parser()._actions if a.dest == "command")
    serve = commands.choices["serve"]  # type: ignore[index]
    unexplained = [a.option_strings for a in serve._actions if not a.help]
    assert unexplained == []
    assert "--nameserver" in serve.format_help()


def test_serve_refuses_a_malformed_nameserver_naming_the_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--nameserver", "ns1.dnscale.eu"])
    assert exited.value.code == 2
    assert "HOST=ADDRESS[/LAG]" in capsys.readouterr().err


def test_serve_with_a_nameserver_it_cannot_bind_exits_2_saying_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [
        "serve",
        "--api-port",
        "0",
        "--dns-port",
        "0",
        "--nameserver",
        "ns1.dnscale.eu=192.0.2.1",
    ]
    statuses: list[int] = []
    thread = threading.Thread(target=lambda: statuses.append(main(args, threading.Event())))
    thread.start()  # off the main thread: main() would take over SIGINT there
    thread.join(10)
    assert statuses == [2]
    assert "cannot serve nameserver ns1.dnscale.eu on 192.0.2.1:53" in capsys.readouterr().err

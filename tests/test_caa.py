"""CAA (RFC 8659): which record set applies, and whether it lets the CA issue."""

from __future__ import annotations

from certbot_dns_dnscale._internal.caa import Caa, relevant_caa, verdict

LE = "letsencrypt.org"


def lookup(table: dict[str, list[Caa]]):  # type: ignore[no-untyped-def]
    return lambda name: table.get(name, [])


def issue(value: str, tag: str = "issue", flags: int = 0) -> Caa:
    return Caa(flags, tag, value)


def test_without_caa_anywhere_any_ca_may_issue() -> None:
    result = verdict("www.example.com", LE, lookup({}), wildcard=False)
    assert (result.allowed, result.found_at) == (True, None)


def test_the_closest_record_set_up_the_tree_applies() -> None:
    table = {"example.com": [issue("digicert.com")], "com": [issue(LE)]}
    assert relevant_caa("a.b.example.com", lookup(table)) == ("example.com", table["example.com"])


def test_a_child_record_set_overrides_its_parent() -> None:
    table = {"www.example.com": [issue(LE)], "example.com": [issue("digicert.com")]}
    assert verdict("www.example.com", LE, lookup(table), wildcard=False).allowed


def test_issue_naming_the_ca_allows_it() -> None:
    table = {"example.com": [issue("digicert.com"), issue(f"{LE}; validationmethods=dns-01")]}
    result = verdict("example.com", LE, lookup(table), wildcard=False)
    assert result.allowed
    assert result.detail == f"CAA at example.com lets {LE} issue (issue)"


def test_issue_naming_only_other_cas_forbids_it_and_says_the_record_to_add() -> None:
    table = {"example.com": [issue("DigiCert.com")]}
    result = verdict("www.example.com", LE, lookup(table), wildcard=False)
    assert not result.allowed
    assert result.detail == "CAA at example.com allows only digicert.com (issue)"
    assert result.fix == f'add the record example.com. CAA 0 issue "{LE}"'


def test_an_empty_issue_value_forbids_every_ca() -> None:
    result = verdict("example.com", LE, lookup({"example.com": [issue(";")]}), wildcard=False)
    assert not result.allowed
    assert "allows only no CA at all" in result.detail


def test_wildcards_follow_issuewild_when_there_is_one() -> None:
    table = {"example.com": [issue(LE), issue("digicert.com", "issuewild")]}
    result = verdict("example.com", LE, lookup(table), wildcard=True)
    assert not result.allowed
    assert result.fix == f'add the record example.com. CAA 0 issuewild "{LE}"'


def test_wildcards_follow_issue_when_there_is_no_issuewild() -> None:
    table = {"example.com": [issue(LE)]}
    assert verdict("example.com", LE, lookup(table), wildcard=True).allowed


def test_issuewild_does_not_restrict_plain_names() -> None:
    table = {"example.com": [issue("digicert.com", "issuewild")]}
    result = verdict("example.com", LE, lookup(table), wildcard=False)
    assert result.allowed
    assert result.detail == "CAA at example.com sets no issue: any CA may issue"


def test_only_iodef_lets_any_ca_issue() -> None:
    table = {"example.com": [issue("mailto:ops@example.com", "iodef")]}
    assert verdict("example.com", LE, lookup(table), wildcard=True).allowed


def test_an_unknown_critical_property_forbids_issuance() -> None:
    table = {"example.com": [issue(LE), issue("x", "tbs", flags=128)]}
    result = verdict("example.com", LE, lookup(table), wildcard=False)
    assert not result.allowed
    assert "critical property it does not know (tbs)" in result.detail


def test_an_unknown_property_that_is_not_critical_is_ignored() -> None:
    table = {"example.com": [issue(LE), issue("x", "tbs")]}
    assert verdict("example.com", LE, lookup(table), wildcard=False).allowed

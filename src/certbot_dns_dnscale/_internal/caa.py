"""Whether CAA records let a CA issue for a name (RFC 8659): pure functions, no network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from certbot_dns_dnscale._internal.zones import suffixes

KNOWN_TAGS = frozenset({"issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail"})
CRITICAL_FLAG = 128


@dataclass(frozen=True)
class Caa:
    flags: int
    tag: str
    value: str

    @property
    def issuer(self) -> str:
        """The issuer domain of an issue/issuewild value ("" when it forbids every CA)."""
        return self.value.split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class CaaVerdict:
    allowed: bool
    found_at: str | None
    detail: str
    fix: str | None = None


def relevant_caa(name: str, lookup: Callable[[str], list[Caa]]) -> tuple[str | None, list[Caa]]:
    """The closest CAA RRset: on the name itself, else on the nearest parent that has one."""
    for candidate in suffixes(name):
        records = lookup(candidate)
        if records:
            return candidate, records
    return None, []


def verdict(
    name: str, ca: str, lookup: Callable[[str], list[Caa]], *, wildcard: bool
) -> CaaVerdict:
    """May ``ca`` (an issuer domain such as letsencrypt.org) issue for ``name``?"""
    found_at, records = relevant_caa(name, lookup)
    if found_at is None:
        return CaaVerdict(True, None, "no CAA records: any CA may issue")
    unknown = [r.tag for r in records if r.flags & CRITICAL_FLAG and r.tag not in KNOWN_TAGS]
    if unknown:
        return CaaVerdict(
            False,
            found_at,
            f"CAA at {found_at} has a critical property it does not know ({unknown[0]})",
            f"remove or un-flag that CAA record at {found_at}",
        )
    issuewild = [r for r in records if r.tag == "issuewild"]
    tag = "issuewild" if wildcard and issuewild else "issue"
    relevant = issuewild if tag == "issuewild" else [r for r in records if r.tag == "issue"]
    if not relevant:
        return CaaVerdict(True, found_at, f"CAA at {found_at} sets no {tag}: any CA may issue")
    issuers = sorted({r.issuer for r in relevant})
    if ca.lower() in issuers:
        return CaaVerdict(True, found_at, f"CAA at {found_at} lets {ca} issue ({tag})")
    allowed = ", ".join(i for i in issuers if i) or "no CA at all"
    return CaaVerdict(
        False,
        found_at,
        f"CAA at {found_at} allows only {allowed} ({tag})",
        f'add the record {found_at}. CAA 0 {tag} "{ca}"',
    )

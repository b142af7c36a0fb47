"""What a sandbox API key may reach: scopes, zones, and inside a zone perhaps only some names.

DNScale's contract lets a key be limited to zones and, within a zone, to exact owner names
(``zone_scopes`` with ``record_access: "names"``, names relative to the zone, ``@`` the apex, a
literal ``*`` the wildcard owner: not a glob). It does not say how a record listing answers such
a key, so the sandbox can do either (``NamesListing``): show only the key's names, or refuse
with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from certbot_dns_dnscale.sandbox.store import canonical

ALL_SCOPES = frozenset({"zones:read", "records:read", "records:write"})


class NamesListing(str, Enum):
    """How a record listing answers a key limited to names in that zone."""

    FILTER = "filter"  # only the records at the key's names
    REFUSE = "refuse"  # 403, as for any request outside the key's reach


@dataclass(frozen=True)
class Grant:
    """What a token may do: scopes; optionally only some zones (``zones``), and in the zones
    named in ``record_names`` only those owner names (relative: ``_acme-challenge``, ``@``)."""

    scopes: frozenset[str] = ALL_SCOPES
    zones: frozenset[str] | None = None
    record_names: dict[str, frozenset[str]] | None = None

    def sees_zone(self, zone_name: str) -> bool:
        return self.zones is None or zone_name in self.zones

    def names_in(self, zone_name: str) -> frozenset[str] | None:
        """The owner names this key is limited to in the zone; None: the whole zone."""
        if self.record_names is None:
            return None
        return self.record_names.get(zone_name)

    def reaches(self, zone_name: str, owner: str) -> bool:
        """May this key touch records at ``owner`` (absolute) in the zone?"""
        names = self.names_in(zone_name)
        return names is None or relative_owner(owner, zone_name) in names


def relative_owner(owner: str, zone_name: str) -> str:
    """``_acme-challenge.api`` for ``_acme-challenge.api.example.com`` in ``example.com``;
    ``@`` for the apex."""
    owner = canonical(owner)
    return "@" if owner == zone_name else owner.removesuffix("." + zone_name)


def names_grant(
    zone_names: list[str] | tuple[str, ...],
    names: frozenset[str],
    scopes: frozenset[str] = ALL_SCOPES,
) -> Grant:
    """A key limited to those zones, and in each of them to ``names``."""
    zones = frozenset(canonical(zone) for zone in zone_names)
    return Grant(scopes=scopes, zones=zones, record_names=dict.fromkeys(zones, names))

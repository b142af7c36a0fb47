"""The sandbox's zone and record objects, shaped as DNScale's contract shapes them; ``store``
keeps them."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

SUPPORTED_TYPES = frozenset({"TXT", "A", "AAAA", "CNAME", "CAA", "NS", "MX"})
NAMESPACE = uuid.UUID("9d3a4a52-4f55-4d59-9a49-5e6f1c2b7a10")
CUSTOMER_ID = str(uuid.uuid5(NAMESPACE, "sandbox-customer"))
ZONE_TIMESTAMP = "2026-01-01T00:00:00Z"


def canonical(name: str) -> str:
    """Lower case, no trailing dot: how the store keys names."""
    return name.strip().rstrip(".").lower()


@dataclass
class Record:
    id: str
    zone_id: str
    name: str
    type: str
    content: str
    ttl: int
    comment: str | None
    changed_at: float  # the store's clock when the API stored (or last enabled) it
    propagated: bool = False  # served by DNS from the start: set up beforehand
    deleted_at: float | None = None
    stagger_seconds: float = 0.0  # shown this much later than the lag says
    priority: int | None = None
    disabled: bool = False  # stored and listed, never served in DNS

    def to_api(self) -> dict[str, object]:
        """Exactly the keys of DNScale's record object: it never says when a record was made."""
        return {
            "id": self.id,
            "name": self.name + ".",
            "type": self.type,
            "content": self.content,
            "ttl": self.ttl,
            "priority": self.priority,
            "disabled": self.disabled,
            "comment": self.comment,
        }

    def served(self, now: float, lag_seconds: float) -> bool:
        """Does a nameserver ``lag_seconds`` behind the API serve this record at ``now``?
        A disabled record stops being served at once (the sandbox does not lag a disable)."""
        if self.disabled:
            return False
        shown = self.propagated or self.changed_at + self.stagger_seconds + lag_seconds <= now
        return shown and (self.deleted_at is None or now < self.deleted_at + lag_seconds)


@dataclass
class ZoneState:
    id: str
    name: str
    records: dict[str, Record] = field(default_factory=dict)

    def to_api(self) -> dict[str, object]:
        return {
            "id": self.id,
            "customer_id": CUSTOMER_ID,
            "name": self.name,
            "type": "master",
            "region": "EU",
            "status": "active",
            "settings": {"dnssec_enabled": False},
            "created_at": ZONE_TIMESTAMP,
            "updated_at": ZONE_TIMESTAMP,
        }


class ConflictError(Exception):
    """The exact value is already at that name."""


@dataclass(frozen=True)
class RecordFields:
    """What a create or update sets: the contract's record body, checked and made absolute."""

    name: str
    type: str
    content: str
    ttl: int
    priority: int | None = None
    disabled: bool = False
    comment: str | None = None


def record_id(zone_id: str, name: str, rtype: str, content: str) -> str:
    """Ids derive from the content, as DNScale's do: a changed value gets a new id."""
    key = f"{zone_id}|{canonical(name)}|{rtype.upper()}|{content}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]

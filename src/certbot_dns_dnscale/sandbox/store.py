"""The sandbox's zones and records, shared by its API and its DNS servers.

API changes are immediate; DNS sees each change only after a lag, the way an anycast network
catches up: ``propagation_delay_seconds`` by default, or the lag a nameserver is given.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from certbot_dns_dnscale.sandbox.records import (
    CUSTOMER_ID,
    NAMESPACE,
    SUPPORTED_TYPES,
    ZONE_TIMESTAMP,
    ConflictError,
    Record,
    RecordFields,
    ZoneState,
    canonical,
    record_id,
)

__all__ = [
    "CUSTOMER_ID", "NAMESPACE", "SUPPORTED_TYPES", "ZONE_TIMESTAMP", "ConflictError", "Record",
    "RecordFields", "ZoneState", "ZoneStore", "canonical", "record_id",
]  # fmt: skip


class ZoneStore:
    """Thread-safe: the API and DNS servers run in threads of their own."""

    def __init__(
        self,
        zone_names: list[str],
        *,
        propagation_delay_seconds: float = 0.0,
        longest_lag_seconds: float | None = None,
        rrset_stagger_seconds: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.propagation_delay_seconds = propagation_delay_seconds
        # each value added to an RRset shows this much after the one before: apex + wildcard
        # values then appear one at a time, as they can when DNS catches up value by value
        self.rrset_stagger_seconds = rrset_stagger_seconds
        # deleted records are forgotten once the slowest nameserver stopped serving them
        self.longest_lag_seconds = max(propagation_delay_seconds, longest_lag_seconds or 0.0)
        self._clock = clock
        self._lock = threading.Lock()
        self._zones: dict[str, ZoneState] = {}
        self._by_name: dict[str, ZoneState] = {}
        for name in zone_names:
            self.add_zone(name)

    def add_zone(self, name: str) -> ZoneState:
        zone = ZoneState(id=str(uuid.uuid5(NAMESPACE, canonical(name))), name=canonical(name))
        with self._lock:
            zone = self._zones.setdefault(zone.id, zone)
            self._by_name[zone.name] = zone
            return zone

    def zones(self) -> list[ZoneState]:
        with self._lock:
            return sorted(self._zones.values(), key=lambda z: z.name)

    def zone(self, zone_id: str) -> ZoneState | None:
        with self._lock:
            return self._zones.get(zone_id)

    def zone_by_name(self, name: str) -> ZoneState:
        with self._lock:
            return self._by_name[canonical(name)]

    def zone_for(self, name: str) -> ZoneState | None:
        """The zone holding ``name`` (longest suffix), or None."""
        labels = canonical(name).split(".")
        with self._lock:
            for i in range(len(labels)):
                zone = self._by_name.get(".".join(labels[i:]))
                if zone is not None:
                    return zone
        return None

    def is_above_a_zone(self, name: str) -> bool:
        """``com`` for ``example.com``: a parent of some zone, outside every zone."""
        suffix = "." + canonical(name)
        with self._lock:
            return any(zone_name.endswith(suffix) for zone_name in self._by_name)

    # -- API view (changes are immediate) ---------------------------------------------------

    def records(self, zone_id: str) -> list[Record]:
        with self._lock:
            zone = self._zones[zone_id]
            live = [r for r in zone.records.values() if r.deleted_at is None]
        return sorted(live, key=lambda r: (r.name, r.type, r.content))

    def add(
        self,
        zone_id: str,
        name: str,
        rtype: str,
        content: str,
        ttl: int,
        comment: str | None,
        *,
        propagated: bool = False,
        priority: int | None = None,
        disabled: bool = False,
    ) -> Record:
        """Store a record; DNS serves it after the propagation delay unless ``propagated``
        (and never while it is disabled)."""
        fields = RecordFields(name, rtype, content, ttl, priority, disabled, comment)
        with self._lock:
            return self._add(self._zones[zone_id], fields, self._clock(), propagated)

    def update(self, zone_id: str, old_id: str, fields: RecordFields) -> Record:
        """Replace a record: a new value is a new record (and id); enabling a record shows it
        in DNS after the propagation delay, like a new one. KeyError: no such record."""
        now = self._clock()
        with self._lock:
            zone = self._zones[zone_id]
            old = zone.records.get(old_id)
            if old is None or old.deleted_at is not None:
                raise KeyError(old_id)
            new_id = record_id(zone_id, fields.name, fields.type, fields.content)
            if new_id != old_id:
                record = self._add(zone, fields, now, propagated=False)
                old.deleted_at = now
                return record
            if old.disabled and not fields.disabled:
                old.changed_at, old.propagated, old.stagger_seconds = now, False, 0.0
            old.ttl, old.priority, old.disabled = fields.ttl, fields.priority, fields.disabled
            old.comment = fields.comment
            self._set_rrset_ttl(zone, old)
            return old

    def _add(self, zone: ZoneState, fields: RecordFields, now: float, propagated: bool) -> Record:
        name, rtype = canonical(fields.name), fields.type.upper()
        new_id = record_id(zone.id, name, rtype, fields.content)
        existing = zone.records.get(new_id)
        if existing is not None and existing.deleted_at is None:
            raise ConflictError(new_id)
        rrset = [
            other
            for other in zone.records.values()
            if other.name == name and other.type == rtype and other.deleted_at is None
        ]
        record = Record(
            new_id, zone.id, name, rtype, fields.content, fields.ttl, fields.comment, now,
            propagated, priority=fields.priority, disabled=fields.disabled,
        )  # fmt: skip
        record.stagger_seconds = self.rrset_stagger_seconds * len(rrset)
        zone.records[new_id] = record
        self._set_rrset_ttl(zone, record)
        return record

    @staticmethod
    def _set_rrset_ttl(zone: ZoneState, record: Record) -> None:
        """The TTL belongs to the whole RRset."""
        for other in zone.records.values():
            if other.name == record.name and other.type == record.type:
                other.ttl = record.ttl

    def get(self, zone_id: str, record_id: str) -> Record | None:
        with self._lock:
            record = self._zones[zone_id].records.get(record_id)
        return record if record is not None and record.deleted_at is None else None

    def delete(self, zone_id: str, record_ids: list[str]) -> int:
        now = self._clock()
        with self._lock:
            zone = self._zones[zone_id]
            count = 0
            for record_id in record_ids:
                record = zone.records.get(record_id)
                if record is not None and record.deleted_at is None:
                    record.deleted_at = now
                    count += 1
            return count

    def matching(self, zone_id: str, name: str, rtype: str, content: str | None) -> list[str]:
        name, rtype = canonical(name), rtype.upper()
        return [
            r.id
            for r in self.records(zone_id)
            if r.name == name and r.type == rtype and (content is None or r.content == content)
        ]

    # -- DNS view (changes show after a lag) -------------------------------------------------

    def visible(self, name: str, lag_seconds: float | None = None) -> list[Record]:
        """Records at ``name`` that a nameserver ``lag_seconds`` behind (default: the
        propagation delay) serves now."""
        wanted, now = canonical(name), self._clock()
        lag = self.propagation_delay_seconds if lag_seconds is None else lag_seconds
        zone = self.zone_for(wanted)
        if zone is None:
            return []
        with self._lock:
            self._purge(zone, now)
            return [r for r in zone.records.values() if r.name == wanted and r.served(now, lag)]

    def name_exists(self, name: str, lag_seconds: float | None = None) -> bool:
        """True when DNS knows the name: records at it or below it (empty non-terminal)."""
        wanted, now = canonical(name), self._clock()
        lag = self.propagation_delay_seconds if lag_seconds is None else lag_seconds
        zone = self.zone_for(wanted)
        if zone is None:
            return False
        if zone.name == wanted:
            return True
        with self._lock:
            return any(
                (r.name == wanted or r.name.endswith("." + wanted)) and r.served(now, lag)
                for r in zone.records.values()
            )

    def _purge(self, zone: ZoneState, now: float) -> None:
        forget_before = now - self.longest_lag_seconds
        gone = [
            key
            for key, r in zone.records.items()
            if r.deleted_at is not None and r.deleted_at <= forget_before
        ]
        for key in gone:
            del zone.records[key]

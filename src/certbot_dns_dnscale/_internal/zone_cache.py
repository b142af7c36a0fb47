"""The zone list, read once per certbot process and shared by every lineage it renews.

``certbot renew`` builds a new authenticator for each due certificate; without this, each one
would page through the whole zone list again. The list is kept per (API URL, token): the token
only as a SHA-256 digest, in memory, never written or logged. A name whose zone is not in the
kept list makes one fresh listing (per batch) before it is declared zone-less, so a zone added
minutes ago still works.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable

from certbot_dns_dnscale._internal.zones import Zone, find_zone

ListZones = Callable[[], list[Zone]]


class ZoneDirectory:
    """The zones one token can see at one API URL; listed at most once until refreshed."""

    def __init__(self) -> None:
        self._zones: list[Zone] | None = None
        self._lock = threading.Lock()

    def zones(self, list_zones: ListZones) -> tuple[list[Zone], bool]:
        """The zone list, and whether it was listed by this very call."""
        with self._lock:
            if self._zones is not None:
                return self._zones, False
            self._zones = list_zones()
            return self._zones, True

    def refresh(self, list_zones: ListZones) -> list[Zone]:
        with self._lock:
            self._zones = list_zones()
            return self._zones


_directories: dict[tuple[str, bytes], ZoneDirectory] = {}
_directories_lock = threading.Lock()


def directory_for(base_url: str, api_token: str) -> ZoneDirectory:
    """This process's directory for the token at the URL (another token: another directory)."""
    key = (base_url, hashlib.sha256(api_token.encode()).digest())
    with _directories_lock:
        return _directories.setdefault(key, ZoneDirectory())


def forget_all() -> None:
    """Drop every kept zone list (a new process starts like this)."""
    with _directories_lock:
        _directories.clear()


class ZoneView:
    """One batch's view of a directory: listed once, refreshed at most once on a miss."""

    def __init__(self, directory: ZoneDirectory, list_zones: ListZones) -> None:
        self._directory = directory
        self._list_zones = list_zones
        self._fresh = False  # listed during this batch: a miss is then final
        self._lock = threading.Lock()

    def zones(self) -> list[Zone]:
        zones, listed_now = self._directory.zones(self._list_zones)
        if listed_now:
            self._fresh = True
        return zones

    def find(self, name: str) -> Zone | None:
        """The most specific zone holding ``name``, relisting once if the kept list has none."""
        zone = find_zone(name, self.zones())
        if zone is not None:
            return zone
        with self._lock:
            if not self._fresh:
                self._directory.refresh(self._list_zones)
                self._fresh = True
        return find_zone(name, self.zones())

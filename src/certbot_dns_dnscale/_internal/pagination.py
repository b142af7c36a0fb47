"""Reading one of the API's paged listings whole, within bounds.

Whatever the API (or a proxy in front of it) says about the listing's size, no more than
``MAX_PAGES`` pages are read, nothing is allocated from the ``total`` it announces, and a
listing that repeats itself is refused instead of read on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from certbot_dns_dnscale._internal.errors import MalformedResponseError
from certbot_dns_dnscale._internal.responses import JSONObject

MAX_PAGES = 200
"""Pages read of one listing at most: 20,000 zones at 100 a page, 200,000 records at 1000. A
listing the API says is longer, or that still has more after that many, is refused rather than
read on: memory and time stay bounded whatever the API answers."""
PAGE_WORKERS = 4  # pages fetched at once once the total is known

Page = tuple[list[JSONObject], object]
"""A page's items and its ``pagination`` object (whatever the API sent there)."""


def read_listing(path: str, key: str, fetch: Callable[[list[int]], list[Page]]) -> list[JSONObject]:
    """The items of every page of ``path``'s listing (``key``: the list in each page;
    ``fetch``: the pages at some offsets, in order), advancing by what each page really held.

    Servers may cap the page size below what we ask, and send ``has_more``, ``total``, both
    or neither: an explicit ``has_more: false``, reaching ``total``, or an empty page ends it.
    Once the first page tells the total and the server's page size, the next pages are
    fetched a few at a time; a short page in the middle (the list changed meanwhile) makes
    the rest of that batch be fetched again from where it really ends. At most
    ``MAX_PAGES`` pages are read, and a page that repeats an earlier one is refused.
    """
    listing = _Listing(path, key)
    offset, step, total = 0, 0, None
    while True:  # each turn reads a page at least, and a listing takes MAX_PAGES at most
        room = listing.pages_left()
        batch = list(itertools.islice(range(offset, total or 0, step or 1), room))
        for page, pagination in fetch(batch or [offset]):
            if not page:
                return listing.items
            listing.add(page, offset)
            offset += len(page)
            step = step or len(page)
            total = listing.check_total(_total(pagination), step)
            if _is_last_page(pagination, offset):
                return listing.items
            if len(page) < step:
                break


class _Listing:
    """The items of one listing so far, and the checks that keep it bounded."""

    def __init__(self, path: str, key: str) -> None:
        self.path, self.key = path, key
        self.items: list[JSONObject] = []
        self._seen_ids: set[object] = set()
        self._pages = 0
        self._fix = (
            ". If the account really holds that many zones, use an API token limited to the "
            "zones certbot needs"
            if key == "zones"
            else ""
        )

    def add(self, page: list[JSONObject], offset: int) -> None:
        """Keep a page's items; a page whose every item has an id seen before is refused (an
        API, or a proxy, repeating itself would go on for ever)."""
        self._pages += 1
        ids = [item.get("id") for item in page]
        if all(isinstance(i, str) and i in self._seen_ids for i in ids):
            raise MalformedResponseError(
                f"GET {self.path}: the page at offset {offset} repeats {self.key} of an earlier "
                "page; the API does not page as it should"
            )
        self._seen_ids.update(i for i in ids if isinstance(i, str))
        self.items.extend(page)

    def pages_left(self) -> int:
        """How many pages the next turn may fetch at once (at least one); refused when the
        listing has had its ``MAX_PAGES``."""
        if self._pages >= MAX_PAGES:
            raise MalformedResponseError(
                f"GET {self.path}: still more {self.key} after {MAX_PAGES} pages "
                f"({len(self.items)} {self.key}), the most this client reads{self._fix}"
            )
        return min(PAGE_WORKERS, MAX_PAGES - self._pages)

    def check_total(self, total: int | None, step: int) -> int | None:
        """``total``, refused when reading it would take more than ``MAX_PAGES`` pages."""
        if total is not None and total > MAX_PAGES * step:
            raise MalformedResponseError(
                f"GET {self.path}: the API counts {total} {self.key}, more than this client "
                f"reads ({MAX_PAGES} pages of {step}){self._fix}"
            )
        return total


def _total(pagination: object) -> int | None:
    total = pagination.get("total") if isinstance(pagination, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _is_last_page(pagination: object, offset: int) -> bool:
    if not isinstance(pagination, dict):
        return False
    has_more = pagination.get("has_more")
    if isinstance(has_more, bool):
        return not has_more
    total = _total(pagination)
    return total is not None and offset >= total

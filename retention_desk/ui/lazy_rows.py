"""The page-at-a-time row cache behind the lazy table models (audit trail, search results).

A lazy model holds every row's id and reads rows only when the view paints them. The rule
both models share lives here: a row that is not cached brings in its whole page (the
`page_size` ids around it, aligned on page boundaries) minus the ids already cached, and the
cache keeps at most `max_rows` rows, dropping the least recently used. How a page is read,
and what an unreadable or vanished row becomes, stays with each model.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

RowT = TypeVar("RowT")


class PageCache(Generic[RowT]):
    """A bounded LRU cache of rows keyed by id, filled a page of neighbouring ids at a time."""

    def __init__(self, page_size: int, max_rows: int) -> None:
        self.page_size = page_size
        self.max_rows = max_rows
        self._rows: OrderedDict[int, RowT] = OrderedDict()

    def lookup(self, row_id: int) -> tuple[bool, RowT | None]:
        """(True, row) on a hit, marking it most recently used; (False, None) on a miss."""
        if row_id in self._rows:
            self._rows.move_to_end(row_id)
            return True, self._rows[row_id]
        return False, None

    def get(self, row_id: int) -> RowT | None:
        """The cached row without touching its recency (None when absent)."""
        return self._rows.get(row_id)

    def page_of(self, ids: Sequence[int], index: int) -> tuple[int, list[int]]:
        """The first index of `index`'s page and the ids on that page that are not cached."""
        start = (index // self.page_size) * self.page_size
        wanted = [int(i) for i in ids[start : start + self.page_size] if i not in self._rows]
        return start, wanted

    def put(self, row_id: int, row: RowT) -> None:
        """Cache one row without trimming (a first page shown whole)."""
        self._rows[row_id] = row

    def store(self, rows: Iterable[tuple[int, RowT]]) -> None:
        """Cache a page's rows, then drop the least recently used past `max_rows`."""
        for row_id, row in rows:
            self._rows[row_id] = row
        while len(self._rows) > self.max_rows:
            self._rows.popitem(last=False)

    def clear(self) -> None:
        self._rows.clear()

    def __len__(self) -> int:
        return len(self._rows)

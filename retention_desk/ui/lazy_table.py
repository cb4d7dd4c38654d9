"""The Qt half of the lazy table models (search results, audit trail): ids up front, rows read
a page at a time as the view paints them (the cache rule is in `lazy_rows.PageCache`).

A model subclasses `LazyIdTableModel`, sets `HEADERS`, and implements `_read_page(ids)`,
returning the rows it could read as (id, row) pairs; ids it leaves out stay unread and are
asked again when next painted. What a row looks like in each role stays with the model.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from retention_desk.ui.lazy_rows import PageCache

log = logging.getLogger(__name__)

RowT = TypeVar("RowT")
AnyIndex = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2


class LazyIdTableModel(QAbstractTableModel, Generic[RowT]):
    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, page_size: int, cache_rows: int, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: array[int] = array("q")
        self._cache: PageCache[RowT] = PageCache(page_size, cache_rows)
        self.page_fetches = 0  # page reads so far (tests check the laziness with it)
        self.fetched_ids = 0  # ids asked for so far

    def _read_page(self, ids: Sequence[int]) -> Iterable[tuple[int, RowT]] | None:
        """The rows of `ids` that could be read; None when there is nothing to read from."""
        raise NotImplementedError

    # ----------------------------------------------------------------- rows
    def ids(self) -> array[int]:
        return self._ids

    def row_at(self, row: int) -> RowT | None:
        """The row at `row`, reading its page when it is not cached; None if unreadable."""
        if not 0 <= row < len(self._ids):
            return None
        row_id = int(self._ids[row])
        hit, cached = self._cache.lookup(row_id)
        if hit:
            return cached
        start, wanted = self._cache.page_of(self._ids, row)
        if wanted:
            self.page_fetches += 1
            self.fetched_ids += len(wanted)
            try:
                rows = self._read_page(wanted)
            except Exception:
                # A page that cannot be read (archive busy, closed under us) paints empty; it
                # is tried again when next painted rather than failing the whole view.
                log.exception("Could not read rows %s..%s", start, start + len(wanted))
                rows = None
            if rows is not None:
                self._cache.store(rows)
        return self._cache.get(row_id)

    def cached_rows(self) -> int:
        return len(self._cache)

    def _emit_column_changed(self, column: int) -> None:
        if self._ids:
            last = len(self._ids) - 1
            self.dataChanged.emit(self.index(0, column), self.index(last, column))

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

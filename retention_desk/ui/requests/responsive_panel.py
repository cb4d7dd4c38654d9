"""A request's responsive set: add by search, re-run the saved searches, remove selected
records with a reason, counts by platform and kind, and the members.

The members table is lazy like the Archive page's results: the panel gets the set's record ids
with the request, and rows are read a page at a time as the view paints them
(`SearchEngine.fetch_rows`, an indexed read by id). Record text, authors and saved queries are
untrusted: item views show them literally.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ipra.model import QueryInfo
from retention_desk.ipra.responsive import SetCounts
from retention_desk.search.results import ResultRow
from retention_desk.ui import formatting as fmt
from retention_desk.ui.lazy_table import AnyIndex, IdRole, LazyIdTableModel
from retention_desk.ui.plain import plain_label, tooltip_text
from retention_desk.ui.retention.common import isolate

COL_ID, COL_DATE, COL_PLATFORM, COL_KIND, COL_AUTHOR, COL_TEXT = range(6)
TEXT_CHARS = 160
RowFetcher = Callable[[Sequence[int]], list[ResultRow]]


def counts_text(counts: SetCounts) -> str:
    if counts.total == 0:
        text = "No records in the responsive set yet."
    else:
        platforms = ", ".join(f"{name} {fmt.count(n)}" for name, n in counts.by_platform)
        kinds = ", ".join(f"{name} {fmt.count(n)}" for name, n in counts.by_kind)
        noun = "record" if counts.total == 1 else "records"
        text = f"{fmt.count(counts.total)} {noun}. By platform: {platforms}. By kind: {kinds}."
    if counts.removed:
        text += f" {fmt.count(counts.removed)} removed with a reason."
    return text


class MembersTableModel(LazyIdTableModel["ResultRow | None"]):
    HEADERS = ("Record", "Date", "Platform", "Kind", "Author", "Text")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(page_size=100, cache_rows=2_000, parent=parent)
        self._fetcher: RowFetcher | None = None
        self._tz = fmt.zone(None)

    def set_members(self, ids: Sequence[int], fetcher: RowFetcher | None, time_zone: str) -> None:
        self.beginResetModel()
        self._ids = array("q", ids)
        self._cache.clear()
        self._fetcher = fetcher
        self._tz = fmt.zone(time_zone)
        self.endResetModel()

    def _read_page(self, ids: Sequence[int]) -> list[tuple[int, ResultRow | None]] | None:
        if self._fetcher is None:
            return None
        found = {r.id: r for r in self._fetcher(ids)}
        # a record destroyed after the request closed stays listed, marked as gone
        return [(i, found.get(i)) for i in ids]

    def id_at(self, row: int) -> int | None:
        return int(self._ids[row]) if 0 <= row < len(self._ids) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == IdRole:
            return self.id_at(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        record_id = self.id_at(index.row())
        row = self.row_at(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            if row is not None and col == COL_TEXT and row.text:
                return tooltip_text(row.text[:2_000])
            return None
        if col == COL_ID:
            return str(record_id)
        if row is None:
            return "(no longer in the archive)" if col == COL_TEXT else ""
        if col == COL_DATE:
            return fmt.local_time(row.created_at, self._tz)
        if col == COL_PLATFORM:
            return row.platform
        if col == COL_KIND:
            return row.kind
        if col == COL_AUTHOR:
            return row.author or ""
        text = " ".join((row.text or row.title or "").split())
        return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"


class ResponsivePanel(QWidget):
    """Signals carry what the user asked; the page runs it."""

    add_query_requested = Signal(str)
    rerun_requested = Signal()
    remove_requested = Signal(list)  # record ids

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText(
            'Search to add, e.g. parade OR "road closure" after:2026-01-01'
        )
        self.query_edit.returnPressed.connect(self._add_query)
        self.add_button = QPushButton("Add by search")
        self.add_button.clicked.connect(self._add_query)
        row.addWidget(self.query_edit, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.queries_label = plain_label()
        self.queries_label.setWordWrap(True)
        layout.addWidget(self.queries_label)
        self.counts_label = plain_label()
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.model = MembersTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # fixed row heights: the view never measures rows, so it never reads them all
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        for col, sample in (
            (COL_ID, "0000000"),
            (COL_DATE, "0000-00-00 00:00 MDT"),
            (COL_PLATFORM, "Instagram"),
            (COL_KIND, "comment"),
            (COL_AUTHOR, "an author's name"),
        ):
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 16)
        self.table.selectionModel().selectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.rerun_button = QPushButton("Re-run saved searches")
        self.rerun_button.clicked.connect(self.rerun_requested)
        self.remove_button = QPushButton("Remove selected…")
        self.remove_button.clicked.connect(self._remove)
        buttons.addWidget(self.rerun_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.set_editable(False)

    def set_editable(self, editable: bool) -> None:
        """A finished request's set no longer changes (the desk refuses it anyway)."""
        self._editable = editable
        for widget in (self.query_edit, self.add_button):
            widget.setEnabled(editable)
        self.rerun_button.setEnabled(editable and bool(self._queries()))
        self._selection()

    def _queries(self) -> tuple[QueryInfo, ...]:
        return getattr(self, "queries", ())

    def clear(self) -> None:
        self.queries = ()
        self.model.set_members([], None, "")
        self.counts_label.setText("")
        self.queries_label.setText("")
        self.set_editable(False)

    def set_set(
        self,
        counts: SetCounts,
        ids: Sequence[int],
        queries: tuple[QueryInfo, ...],
        fetcher: RowFetcher | None,
        time_zone: str,
        editable: bool,
    ) -> None:
        self.queries = queries
        self.counts_label.setText(counts_text(counts))
        if queries:
            self.queries_label.setText(
                "Saved searches: "
                + "; ".join(
                    f"{isolate(q.query)} ({fmt.count(q.last_count)} found)" for q in queries
                )
            )
        else:
            self.queries_label.setText("No saved searches.")
        self.model.set_members(ids, fetcher, time_zone)
        self.set_editable(editable)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [i for i in (self.model.id_at(r) for r in rows) if i is not None]

    def _selection(self, *_: object) -> None:
        self.remove_button.setEnabled(self._editable and bool(self.selected_ids()))

    def _add_query(self) -> None:
        text = self.query_edit.text().strip()
        if text and self._editable:
            self.add_query_requested.emit(text)

    def _remove(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.remove_requested.emit(ids)

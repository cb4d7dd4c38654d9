"""A lazy table model over search results, in the style of the audit model and Anki's browser.

The model holds the ids of every match (packed, 8 bytes each) and nothing else for rows not
yet painted. When the view asks for a row that is not cached, the model reads that row's page
(PAGE_SIZE neighbouring rows) through a `RowFetcher` - the engine's `fetch_rows`, one indexed
read of about a hundred rows - and keeps rows in a bounded LRU cache. A million-result query
therefore costs an 8 MB id list and a few page reads per screenful.

A search fills the model in two steps: `show_page` puts the first page up as soon as it is
read (its rows are the first ids), and `set_ids` later extends it to every match without a
reset when the id list starts with that page, so the selection and scroll position survive.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from retention_desk.platforms import platform_label
from retention_desk.search import ResultRow
from retention_desk.ui import formatting as fmt
from retention_desk.ui.lazy_table import AnyIndex, IdRole, LazyIdTableModel, RowRole
from retention_desk.ui.plain import tooltip_text

# The text comes second: in a narrow window it is what must stay in view. The flags
# (deleted, edited, hidden) follow it, so they are seen without scrolling sideways.
COL_DATE, COL_TEXT, COL_FLAGS, COL_AUTHOR, COL_ACCOUNT, COL_PLATFORM, COL_KIND, COL_MATCH = range(8)
HEADERS = ("Date", "Text", "Flags", "Author", "Account", "Platform", "Kind", "Matched")

PAGE_SIZE = 100
CACHE_ROWS = 5_000
TEXT_CHARS = 300  # a table cell shows one line; the viewer shows the whole text
TOOLTIP_CHARS = 2_000
RowFetcher = Callable[[Sequence[int]], Sequence[ResultRow]]


def one_line(value: str | None, limit: int = TEXT_CHARS) -> str:
    """`value` on one line (line breaks and tabs as spaces, runs collapsed), cut at `limit`."""
    if not value:
        return ""
    line = " ".join(value[: limit * 4].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def flags_text(row: ResultRow) -> str:
    """Short words for the row's flags: what a custodian must notice before producing it."""
    words = [
        word
        for word, on in (
            ("deleted", row.deleted),
            ("hidden", row.hidden),
            ("edited", row.edited),
            ("media", row.has_media),
            ("restricted", row.restricted),
        )
        if on
    ]
    return ", ".join(words)


def match_text(row: ResultRow) -> str:
    """Which version matched the words: 'v2 of 3', or 'v1 of 2 (earlier text)'."""
    matched = row.matched_version
    if matched is None:
        return ""
    shown = f"v{matched} of {row.version_count}" if row.version_count > 1 else "current"
    if row.matched_current is False:
        shown += " (earlier text)"
    return shown


class ResultsTableModel(LazyIdTableModel["ResultRow | None"]):
    """Search results: ids up front, rows read page by page as they are painted. A cached
    None marks an id gone from the archive, so it is not re-read on every paint."""

    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PAGE_SIZE, CACHE_ROWS, parent)
        self._fetcher: RowFetcher | None = None
        self._tz = fmt.zone(None)
        self._complete = True  # False while only the first page is known

    # ------------------------------------------------------------------ state
    def clear(self) -> None:
        """No results, no fetcher (an archive closed, or a query that failed)."""
        self.beginResetModel()
        self._ids = array("q")
        self._cache.clear()
        self._fetcher = None
        self._complete = True
        self.endResetModel()

    def set_fetcher(self, fetcher: RowFetcher | None) -> None:
        """How rows are read; a new query brings its own (matched versions depend on it)."""
        self._fetcher = fetcher

    @property
    def time_zone(self) -> ZoneInfo:
        return self._tz

    def set_time_zone(self, tz: ZoneInfo) -> None:
        self._tz = tz
        self._emit_column_changed(COL_DATE)

    @property
    def complete(self) -> bool:
        """True once every id is known (False while only the first page is shown)."""
        return self._complete

    def show_page(self, rows: Sequence[ResultRow], *, complete: bool) -> None:
        """Show a first page at once; `complete` when it is every match (no more ids follow)."""
        self.beginResetModel()
        self._ids = array("q", (r.id for r in rows))
        self._cache.clear()
        for r in rows:
            self._cache.put(r.id, r)
        self._complete = complete
        self.endResetModel()

    def set_ids(self, ids: Iterable[int]) -> None:
        """Every matching id. Extends the shown first page in place when it is a prefix."""
        new = ids if isinstance(ids, array) else array("q", ids)
        shown = len(self._ids)
        self._complete = True
        if shown and len(new) >= shown and new[:shown] == self._ids:
            if len(new) > shown:
                self.beginInsertRows(QModelIndex(), shown, len(new) - 1)
                self._ids = new
                self.endInsertRows()
            return
        # The data moved under us (an import between the two reads): start over, keeping
        # cached rows, which are still right for their ids within this query.
        self.beginResetModel()
        self._ids = new
        self.endResetModel()

    # ----------------------------------------------------------------- rows
    def id_at(self, row: int) -> int | None:
        return int(self._ids[row]) if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int:
        """The row showing `record_id`, or -1 (a linear scan: for tests and re-selection)."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def _read_page(self, ids: Sequence[int]) -> list[tuple[int, ResultRow | None]] | None:
        if self._fetcher is None:
            return None
        found = {r.id: r for r in self._fetcher(ids)}
        return [(record_id, found.get(record_id)) for record_id in ids]

    # ------------------------------------------------------------ Qt model API
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == IdRole:
            return self.id_at(index.row())
        if role not in _ROLES:
            return None
        row = self.row_at(index.row())
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == COL_TEXT:
                return "(record not readable)" if self._fetcher is not None else ""
            return None
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.deleted or row.hidden:
                return QApplication.palette().brush(
                    QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                )
            return None
        if role == Qt.ItemDataRole.FontRole:
            if row.deleted and index.column() == COL_TEXT:
                font = QFont()
                font.setStrikeOut(True)
                return font
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if index.column() == COL_FLAGS and (row.deleted or row.hidden):
                return QColor(255, 236, 200)
            return None
        return None

    def _display(self, row: ResultRow, col: int) -> str:
        if col == COL_DATE:
            if row.created_at is None:
                return "(no date)"
            return fmt.local_time(row.created_at, self._tz)
        if col == COL_PLATFORM:
            return platform_label(row.platform)
        if col == COL_ACCOUNT:
            return row.account or ""
        if col == COL_KIND:
            return row.kind
        if col == COL_AUTHOR:
            return one_line(row.author, 80)
        if col == COL_TEXT:
            body = one_line(row.text)
            return f"{one_line(row.title, 80)} — {body}" if row.title else body
        if col == COL_FLAGS:
            return flags_text(row)
        return match_text(row)

    def _tooltip(self, row: ResultRow, col: int) -> str | None:
        # Tooltips parse markup and every value here was imported: always through tooltip_text.
        if col == COL_DATE:
            if row.created_at is None:
                return None
            local = fmt.local_time(row.created_at, self._tz, seconds=True)
            return tooltip_text(f"{local}\n{fmt.utc_time(row.created_at)}")
        if col == COL_TEXT:
            full = f"{row.title}\n\n{row.text}" if row.title else row.text
            return tooltip_text(full[:TOOLTIP_CHARS]) if full else None
        if col == COL_AUTHOR and row.author:
            handle = f"\n@{row.author_handle}" if row.author_handle else ""
            return tooltip_text(f"{row.author}{handle}"[:TOOLTIP_CHARS])
        if col == COL_ACCOUNT and row.account:
            return tooltip_text(row.account[:TOOLTIP_CHARS])
        if col == COL_MATCH and row.matched_versions:
            seqs = ", ".join(f"v{s}" for s in row.matched_versions)
            return tooltip_text(f"Versions whose text matched: {seqs}")
        return None


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        RowRole,
    }
)

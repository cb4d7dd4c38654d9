"""A lazy table model over the audit trail, after Anki's browser table.

The model holds only the ids of the matching rows (newest first), fetched by one indexed
query; a row's content is read when the view first paints it, a page of neighbouring rows at
a time, and kept in a bounded cache. A million-row audit trail therefore costs one id list
(8 bytes a row) and a few hundred row reads per screenful, never a full scan into Python
objects. Audit rows never change, so the cache (keyed by id) survives a refresh.

`query_ids` and `distinct_actions` are plain functions of an Archive so the view can run them
on the task runner and hand the result to `set_ids`.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.audit import AuditRow, to_row
from retention_desk.ui import formatting as fmt
from retention_desk.ui.audit.text import action_label, describe, lookup_names
from retention_desk.ui.lazy_table import AnyIndex, IdRole, LazyIdTableModel, RowRole
from retention_desk.ui.plain import tooltip_text

COL_ID, COL_TIME, COL_OPERATOR, COL_ACTION, COL_OBJECT, COL_DETAILS = range(6)
HEADERS = ("#", "Time", "Operator", "Action", "Object", "What happened")

PAGE_SIZE = 200
CACHE_ROWS = 20_000
_COLUMNS = "id, at, operator, action, object_type, object_ids, details, prev_hash, hash"


@dataclass(frozen=True)
class AuditFilter:
    """Which audit rows to list. Dates are whole days in the archive's time zone."""

    action: str | None = None
    first_day: date | None = None
    last_day: date | None = None


def _where(flt: AuditFilter, tz: ZoneInfo) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if flt.action:
        clauses.append("action = :action")
        params["action"] = flt.action
    if flt.first_day:
        clauses.append("at >= :start")
        params["start"] = fmt.day_bounds_utc(flt.first_day, flt.first_day, tz)[0]
    if flt.last_day:
        clauses.append("at < :end")
        params["end"] = fmt.day_bounds_utc(flt.last_day, flt.last_day, tz)[1]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def query_ids(archive: Archive, flt: AuditFilter, tz: ZoneInfo) -> array[int]:
    """Ids of the rows matching `flt`, newest first: the only full-length thing the model holds."""
    where, params = _where(flt, tz)
    with archive.read() as conn:
        result = conn.execute(text(f"SELECT id FROM audit_log{where} ORDER BY id DESC"), params)
        return array("q", result.scalars())


def distinct_actions(archive: Archive) -> list[str]:
    with archive.read() as conn:
        rows = conn.execute(text("SELECT DISTINCT action FROM audit_log ORDER BY action"))
        return [str(r[0]) for r in rows]


def describe_object(row: AuditRow, limit: int = 3) -> str:
    ids = [str(i) for i in row.object_ids]
    shown = ", ".join(ids[:limit])
    if len(ids) > limit:
        shown += f" (+{len(ids) - limit} more)"
    return " ".join(part for part in (row.object_type or "", shown) if part)


class AuditTableModel(LazyIdTableModel[AuditRow]):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PAGE_SIZE, CACHE_ROWS, parent)
        self._archive: Archive | None = None
        self._tz = fmt.zone(None)
        # each cached row's sentence, written when its page is read (names need a query)
        self._sentences: dict[int, str] = {}
        self.filter = AuditFilter()

    # --------------------------------------------------------------- loading
    def set_archive(self, archive: Archive | None, tz: ZoneInfo | None = None) -> None:
        self.beginResetModel()
        self._archive = archive
        self._tz = tz or fmt.zone(None)
        self._ids = array("q")
        self._cache.clear()
        self._sentences.clear()
        self.endResetModel()

    @property
    def time_zone(self) -> ZoneInfo:
        return self._tz

    def set_time_zone(self, tz: ZoneInfo) -> None:
        self._tz = tz
        self._emit_column_changed(COL_TIME)

    def set_ids(self, ids: Iterable[int], flt: AuditFilter | None = None) -> None:
        """Show these rows (from `query_ids`); cached rows stay valid as audit rows never change."""
        self.beginResetModel()
        self._ids = ids if isinstance(ids, array) else array("q", ids)
        if flt is not None:
            self.filter = flt
        self.endResetModel()

    def reload(self, flt: AuditFilter | None = None) -> None:
        """Run the id query on this thread (tests, small archives); the view uses the runner."""
        if flt is not None:
            self.filter = flt
        if self._archive is None:
            self.set_ids([])
            return
        self.set_ids(query_ids(self._archive, self.filter, self._tz))

    # ----------------------------------------------------------------- rows
    def id_at(self, row: int) -> int:
        return int(self._ids[row])

    def _read_page(self, ids: Sequence[int]) -> list[tuple[int, AuditRow]] | None:
        if self._archive is None:
            return None
        # Ids are integers we selected ourselves; inlining them avoids a 200-parameter bind.
        marks = ",".join(str(i) for i in ids)
        with self._archive.read() as conn:
            rows = conn.execute(text(f"SELECT {_COLUMNS} FROM audit_log WHERE id IN ({marks})"))
            entries = [to_row(tuple(raw)) for raw in rows]
            names = lookup_names(conn, entries)
        if len(self._sentences) > CACHE_ROWS:
            # rows dropped from the cache are described again when next read
            self._sentences.clear()
        self._sentences.update((entry.id, describe(entry, names)) for entry in entries)
        # Missing rows are never cached, so a hit is always a row.
        return [(entry.id, entry) for entry in entries]

    def sentence(self, row: AuditRow) -> str:
        """The row in words (see audit_text), with the names its ids point to."""
        found = self._sentences.get(row.id)
        return found if found is not None else describe(row)

    # ------------------------------------------------------------ Qt model API
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == IdRole:
            return self.id_at(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RowRole):
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_ID:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == RowRole:
            return row
        col = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tooltips parse markup, and operator names and details are untrusted.
            if col == COL_TIME:
                return tooltip_text(fmt.utc_time(row.at))
            if col == COL_ACTION:
                return tooltip_text(row.action)  # the code, as the filter and the CLI know it
            if col in (COL_DETAILS, COL_OBJECT, COL_OPERATOR):
                full = {
                    COL_DETAILS: self.sentence(row)
                    + "\n\n"
                    + json.dumps(row.details, ensure_ascii=False, indent=1),
                    COL_OBJECT: describe_object(row, limit=50),
                    COL_OPERATOR: row.operator,
                }[col]
                return tooltip_text(full[:2000])
            return None
        if col == COL_ID:
            return str(row.id)
        if col == COL_TIME:
            return fmt.local_time(row.at, self._tz, seconds=True)
        if col == COL_OPERATOR:
            return row.operator
        if col == COL_ACTION:
            return action_label(row.action)
        if col == COL_OBJECT:
            return describe_object(row)
        return self.sentence(row)

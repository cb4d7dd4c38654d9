"""The request log as a table model: one row per request summary, sortable, coloured by how
urgent its clocks are.

`requests.list_requests` computes every request's clocks in one read, so the rows arrive whole
and this model keeps them; a log of a few thousand requests is a few hundred kilobytes. The
requester's name and the description are untrusted: item views never parse them as markup,
and tooltips go through `tooltip_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from retention_desk.ipra.fees import dollars
from retention_desk.ipra.model import STATE_ORDER, STATE_WORDS, STATUS_WORDS, RequestSummary
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import tooltip_text

AnyIndex = QModelIndex | QPersistentModelIndex
SortRole = Qt.ItemDataRole.UserRole + 3
SummaryRole = Qt.ItemDataRole.UserRole + 2
# What a custodian scans the log for comes first: whose clock is running out, and when.
(
    COL_NUMBER,
    COL_STATE,
    COL_DUE,
    COL_EXPOSURE,
    COL_RECEIVED,
    COL_REQUESTER,
    COL_VIA,
    COL_STATUS,
    COL_RESPONSIVE,
) = range(9)
HEADERS = (
    "Number",
    "Clock",
    "Next due",
    "Exposure",
    "Received",
    "Requester",
    "Via",
    "Status",
    "Responsive",
)
NAME_CHARS = 80
RED = QColor("#b3261e")
RED_BACKGROUND = QColor("#fbe3e1")
AMBER = QColor("#8a5300")
AMBER_BACKGROUND = QColor("#fdf0d5")
URGENT = ("deemed_denied", "overdue")
SOON = ("due_today", "due_soon")


def state_colours(state: str) -> tuple[QColor, QColor] | None:
    """(text, background) for a clock state that needs attention; None when on time."""
    if state in URGENT:
        return RED, RED_BACKGROUND
    if state in SOON:
        return AMBER, AMBER_BACKGROUND
    return None


def one_line(value: str, limit: int = NAME_CHARS) -> str:
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RequestsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RequestSummary] = []
        self._tz = fmt.zone(None)

    def set_rows(self, rows: Sequence[RequestSummary], time_zone: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._tz = fmt.zone(time_zone)
        self.endResetModel()

    def summary_at(self, row: int) -> RequestSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, number: str) -> int:
        return next((i for i, s in enumerate(self._rows) if s.number == number), -1)

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        summary = self.summary_at(index.row()) if index.isValid() else None
        if summary is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, col)
        if role == SummaryRole:
            return summary
        if role == SortRole:
            return self._sort_key(summary, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, col)
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            if col not in (COL_STATE, COL_DUE, COL_NUMBER):
                return None
            colours = state_colours(summary.clocks.state)
            if colours is None:
                return None
            return QBrush(colours[0] if role == Qt.ItemDataRole.ForegroundRole else colours[1])
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_EXPOSURE, COL_RESPONSIVE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, s: RequestSummary, col: int) -> str:
        if col == COL_NUMBER:
            return s.number
        if col == COL_RECEIVED:
            return fmt.local_time(s.received_at, self._tz)
        if col == COL_VIA:
            return s.via
        if col == COL_REQUESTER:
            return one_line(s.requester_name) or "(no name)"
        if col == COL_STATUS:
            return STATUS_WORDS.get(s.status, s.status)
        if col == COL_STATE:
            return STATE_WORDS.get(s.clocks.state, s.clocks.state)
        if col == COL_DUE:
            return s.clocks.next_due.isoformat() if s.clocks.next_due else ""
        if col == COL_EXPOSURE:
            return dollars(s.clocks.exposure_cents) if s.clocks.exposure_cents > 0 else ""
        if col == COL_RESPONSIVE:
            return fmt.count(s.responsive)
        return ""

    def _sort_key(self, s: RequestSummary, col: int) -> Any:
        # strings and ints only: the proxy compares QVariants, which cannot order tuples
        if col == COL_RECEIVED:
            return s.received_at
        if col == COL_STATE:
            order = STATE_ORDER.index(s.clocks.state) if s.clocks.state in STATE_ORDER else 99
            return f"{order:02d} {(s.clocks.next_due or date.max).isoformat()}"
        if col == COL_DUE:
            return (s.clocks.next_due or date.max).isoformat()
        if col == COL_EXPOSURE:
            return s.clocks.exposure_cents
        if col == COL_RESPONSIVE:
            return s.responsive
        if col == COL_REQUESTER:
            return s.requester_name.casefold()
        return self._display(s, col)

    def _tooltip(self, s: RequestSummary, col: int) -> str | None:
        if col == COL_REQUESTER and s.requester_name:
            return tooltip_text(s.requester_name)
        if col in (COL_STATE, COL_DUE) and s.clocks.warnings:
            return tooltip_text("\n".join(s.clocks.warnings))
        if col == COL_RECEIVED:
            return tooltip_text(fmt.utc_time(s.received_at))
        return None

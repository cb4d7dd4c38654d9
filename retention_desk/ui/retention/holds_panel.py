"""Holds: name, reason, matter, who placed it and when, scope and how many records it holds.

Released holds are kept (with who released them, when and why) and shown on request. Names,
matters, queries and release reasons are typed by users: table items show them literally.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from retention_desk import retention as rt
from retention_desk.retention.holds import REASON_WORDS
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import cell, make_table, reason_name, selected_data

COL_NAME, COL_REASON, COL_MATTER, COL_BY, COL_AT, COL_RECORDS, COL_SCOPE, COL_STATUS = range(8)
HEADERS = ("Name", "Reason", "Matter", "Placed by", "Placed", "Records", "Scope", "Status")


def scope_text(hold: rt.HoldInfo) -> str:
    return f"query: {hold.query}" if hold.query else "listed records"


class HoldsPanel(QWidget):
    """`place_requested()` and `release_requested(HoldInfo)` come from its buttons."""

    place_requested = Signal()
    release_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.holds: tuple[rt.HoldInfo, ...] = ()
        self.shown: list[rt.HoldInfo] = []
        self._tz = fmt.zone(None)
        layout = QVBoxLayout(self)
        self.note = plain_label()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.table = make_table(HEADERS, stretch=COL_SCOPE)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.released_box = QCheckBox("Show released holds")
        self.released_box.toggled.connect(self._fill)
        row.addWidget(self.released_box)
        row.addStretch(1)
        self.place_button = QPushButton("Place hold…")
        self.place_button.clicked.connect(self.place_requested)
        row.addWidget(self.place_button)
        self.release_button = QPushButton("Release hold…")
        self.release_button.setEnabled(False)
        self.release_button.clicked.connect(self._release)
        row.addWidget(self.release_button)
        layout.addLayout(row)

    def clear(self) -> None:
        self.holds = ()
        self._fill()

    def set_holds(self, holds: tuple[rt.HoldInfo, ...], time_zone: str) -> None:
        self.holds = holds
        self._tz = fmt.zone(time_zone)
        self._fill()

    def active_count(self) -> int:
        return sum(1 for h in self.holds if h.active)

    def _fill(self) -> None:
        show_released = self.released_box.isChecked()
        self.shown = [h for h in self.holds if h.active or show_released]
        self.table.setRowCount(len(self.shown))
        for row, hold in enumerate(self.shown):
            self.table.setItem(row, COL_NAME, cell(hold.name, tip=hold.name, data=hold.id))
            self.table.setItem(
                row, COL_REASON, cell(reason_name(hold.reason), tip=REASON_WORDS.get(hold.reason))
            )
            self.table.setItem(row, COL_MATTER, cell(hold.matter, tip=hold.matter))
            self.table.setItem(row, COL_BY, cell(hold.placed_by))
            self.table.setItem(row, COL_AT, cell(fmt.local_time(hold.placed_at, self._tz)))
            self.table.setItem(row, COL_RECORDS, cell(hold.records))
            self.table.setItem(row, COL_SCOPE, cell(scope_text(hold), tip=scope_text(hold)))
            if hold.active:
                status = cell("active")
            else:
                when = fmt.local_time(hold.released_at, self._tz)
                status = cell(
                    f"released {when} by {hold.released_by or ''}".strip(),
                    tip=f"Why: {hold.release_reason or ''}",
                )
            self.table.setItem(row, COL_STATUS, status)
        active = self.active_count()
        released = len(self.holds) - active
        self.note.setText(
            f"{active} active hold{'s' if active != 1 else ''}"
            + (f", {released} released" if released else "")
            + ". A held record is never eligible for disposal, whatever its series says;"
            " records that arrive later and match a hold's query are held too."
        )
        self._selection()

    def selected(self) -> rt.HoldInfo | None:
        hold_id = selected_data(self.table)
        return next((h for h in self.shown if h.id == hold_id), None)

    def select_hold(self, hold_id: int) -> bool:
        for row, hold in enumerate(self.shown):
            if hold.id == hold_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection(self) -> None:
        hold = self.selected()
        self.release_button.setEnabled(hold is not None and hold.active)

    def _release(self) -> None:
        hold = self.selected()
        if hold is not None and hold.active:
            self.release_requested.emit(hold)

"""The business-day calendar the clocks count on: a year's statutory holidays, the agency's
closures and the days it does not observe, suggestions, each with its source and whether it is
verified and applied; add a closure, remove a day, confirm the year.

The calendar errs early, never late (calendar.py): suggestions are never applied until the
agency adds them as its own closures. Every change runs on the task runner and is audited by
the desk with the date only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.ipra import calendar as calendar_mod
from retention_desk.ui.form_parts import date_edit, picked_date
from retention_desk.ui.plain import plain_label
from retention_desk.ui.requests.ops import user_errors
from retention_desk.ui.retention.common import (
    UNVERIFIED,
    VERIFIED,
    WARN_STYLE,
    cell,
    make_table,
    selected_data,
)
from retention_desk.ui.tasks import Task, TaskRunner

# the long source text last, so the flags stay in view
HEADERS = ("Date", "Day", "Name", "Kind", "Closes the office", "Rule", "Citation", "Source")
COL_RULE, COL_SOURCE = 5, 7
KIND_WORDS = {
    "statutory": "legal holiday",
    "agency": "agency closure",
    "not_observed": "not observed",
    "suggested": "suggestion",
}


class CalendarDialog(QDialog):
    """`changed` after any change the dialog made (the page reloads its clocks)."""

    changed = Signal()

    def __init__(
        self,
        archive: Archive,
        runner: TaskRunner,
        year: int,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Business-day calendar")
        self.resize(940, 560)
        self._archive = archive
        self._runner = runner
        self.calendar: calendar_mod.CalendarYear | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(plain_label("Year"))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        self.year_spin.valueChanged.connect(lambda _: self.reload())
        top.addWidget(self.year_spin)
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)
        top.addWidget(self.status_label, 1)
        self.confirm_button = QPushButton("Confirm year")
        self.confirm_button.clicked.connect(self.confirm)
        top.addWidget(self.confirm_button)
        layout.addLayout(top)
        about = plain_label(
            "By default only the legal holidays of NMSA 1978, 12-5-2 close the office (a Sunday"
            " holiday moves to Monday, 12-5-3). Suggestions are never applied: add them as the"
            " agency's own closures if the office closes. Each closed day makes a deadline"
            " later."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        self.table = make_table(HEADERS, stretch=COL_SOURCE)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        add = QHBoxLayout()
        add.addWidget(plain_label("Closure on"))
        self.day_edit = date_edit(today)
        add.addWidget(self.day_edit)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Day after Thanksgiving")
        add.addWidget(self.name_edit, 1)
        self.add_button = QPushButton("Add closure")
        self.add_button.clicked.connect(self.add_closure)
        add.addWidget(self.add_button)
        self.remove_button = QPushButton("Remove selected day")
        self.remove_button.clicked.connect(self.remove_selected)
        add.addWidget(self.remove_button)
        layout.addLayout(add)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._selection()
        self.reload()

    def year(self) -> int:
        return self.year_spin.value()

    def _run(self, fn: Callable[[], Any], title: str, done: Callable[[Any], None]) -> None:
        self.error.setText("")
        task = Task(fn, progress=False, cancel=False, title=title)
        task.finished.connect(done)
        task.failed.connect(self.error.setText)
        self._runner.submit(task)

    def reload(self) -> None:
        self._run(
            partial(user_errors, calendar_mod.calendar_year, self._archive, self.year()),
            "Calendar",
            self._show,
        )

    def _changed(self, _result: object) -> None:
        self.changed.emit()
        self.reload()

    def _show(self, year: calendar_mod.CalendarYear) -> None:
        if year.year != self.year():
            return  # an older year's answer arriving after the spin box moved on
        self.calendar = year
        self.table.setRowCount(len(year.entries))
        for row, e in enumerate(year.entries):
            values = (
                e.day.isoformat(),
                calendar_mod.WEEKDAYS[e.day.weekday()],
                e.name,
                KIND_WORDS.get(e.kind, e.kind),
                "yes" if e.applied else "no",
                VERIFIED if e.verified else UNVERIFIED,
                e.citation,
                e.source,
            )
            for col, value in enumerate(values):
                tip = value if col in (2, COL_SOURCE) else ""
                item = cell(value, data=e.day.isoformat() if col == 0 else None, tip=tip)
                if col == COL_RULE and not e.verified:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)
        if year.confirmed:
            self.status_label.setText(
                f"{year.year} confirmed by {year.confirmed_by} ({year.confirmed_at})."
            )
            self.status_label.setStyleSheet("")
        else:
            lapsed = " (it changed since it was confirmed)" if year.confirmed_at else ""
            self.status_label.setText(f"{year.year} is not confirmed{lapsed}.")
            self.status_label.setStyleSheet(WARN_STYLE)
        self._selection()

    def _selection(self) -> None:
        self.remove_button.setEnabled(selected_data(self.table) is not None)

    def add_closure(self) -> None:
        day, name = picked_date(self.day_edit), self.name_edit.text()
        self._run(
            partial(user_errors, calendar_mod.add_closure, self._archive, day, name),
            "Add closure",
            self._changed,
        )

    def remove_selected(self) -> None:
        value = selected_data(self.table)
        if not isinstance(value, str):
            return
        day = date.fromisoformat(value)
        self._run(
            partial(user_errors, calendar_mod.remove_day, self._archive, day),
            "Remove day",
            self._changed,
        )

    def confirm(self) -> None:
        self._run(
            partial(user_errors, calendar_mod.confirm_year, self._archive, self.year()),
            "Confirm calendar",
            self._changed,
        )

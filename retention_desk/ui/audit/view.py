"""The Audit log page: the archive's hash-chained audit trail, read-only, filterable.

Filters (action, local-date range) run as one id query on the task runner; rows are then
read lazily by `AuditTableModel` as they are painted. The details pane shows the selected
entry's full details JSON and its hash, as plain text.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.ui import formatting as fmt
from retention_desk.ui.audit.table_model import (
    COL_ACTION,
    COL_ID,
    COL_OBJECT,
    COL_OPERATOR,
    COL_TIME,
    AuditFilter,
    AuditTableModel,
    RowRole,
    describe_object,
    distinct_actions,
    query_ids,
)
from retention_desk.ui.audit.text import action_label
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.form_parts import date_edit
from retention_desk.ui.plain import plain_label
from retention_desk.ui.refresh import PageLoader
from retention_desk.ui.tasks import TaskRunner

ALL_ACTIONS = "All actions"


@dataclass(frozen=True)
class AuditLoad:
    time_zone: str
    actions: list[str]
    ids: array[int]
    filter: AuditFilter


def load_audit(archive: Archive, flt: AuditFilter) -> AuditLoad:
    """Worker-side: the archive's time zone, its distinct actions and the matching ids."""
    tz_name = archive.settings().time_zone
    ids = query_ids(archive, flt, fmt.zone(tz_name))
    return AuditLoad(tz_name, distinct_actions(archive), ids, flt)


class AuditView(QWidget):
    loaded = Signal()  # after a (re)load has been shown

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive: Archive | None = None
        self._loader = PageLoader(
            self, runner, self.reload, changes, lambda: self._archive is not None
        )
        self._filling_combo = False
        self.model = AuditTableModel(self)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)

        bar = QHBoxLayout()
        bar.addWidget(plain_label("Action"))
        self.action_combo = QComboBox()
        self.action_combo.setMinimumContentsLength(22)
        self.action_combo.addItem(ALL_ACTIONS)
        self.action_combo.currentIndexChanged.connect(self._filter_changed)
        bar.addWidget(self.action_combo)
        bar.addSpacing(16)
        self.date_check = QCheckBox("Dates from")
        self.date_check.setToolTip("Whole days in the archive's time zone")
        self.date_check.toggled.connect(self._dates_toggled)
        bar.addWidget(self.date_check)
        today = date.today()
        self.from_edit = self._date_edit(today - timedelta(days=30))
        bar.addWidget(self.from_edit)
        bar.addWidget(plain_label("to"))
        self.to_edit = self._date_edit(today)
        bar.addWidget(self.to_edit)
        bar.addStretch(1)
        self.count_label = plain_label()
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        vheader = self.table.verticalHeader()
        vheader.setVisible(False)
        # Fixed row heights: the view never measures rows, so it never asks for all of them.
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        widths = {COL_ID: 70, COL_TIME: 190, COL_OPERATOR: 130, COL_ACTION: 170, COL_OBJECT: 160}
        for col, width in widths.items():
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        splitter.addWidget(self.table)

        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlaceholderText("Select an entry to see its details and hash.")
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)
        self._dates_toggled(False)

    def _date_edit(self, value: date) -> QDateEdit:
        edit = date_edit(value)
        edit.dateChanged.connect(self._dates_changed)
        return edit

    # ------------------------------------------------------------------ filter
    def current_filter(self) -> AuditFilter:
        action = self.action_combo.currentData()
        first = last = None
        if self.date_check.isChecked():
            first = self.from_edit.date().toPython()
            last = self.to_edit.date().toPython()
        return AuditFilter(
            action=action if isinstance(action, str) and action else None,
            first_day=first,
            last_day=last,
        )

    def _dates_toggled(self, on: bool) -> None:
        self.from_edit.setEnabled(on)
        self.to_edit.setEnabled(on)
        self._filter_changed()

    def _dates_changed(self) -> None:
        if self.date_check.isChecked():  # unchecked dates do not filter: nothing to redo
            self._filter_changed()

    def _filter_changed(self, *_args: object) -> None:
        if self._archive is not None and not self._filling_combo:
            self.reload()

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._loader.invalidate()
        self.model.set_archive(archive)
        self.details.clear()
        self.count_label.setText("")
        if archive is not None:
            self.reload()

    def reload(self) -> None:
        if self._archive is None:
            return
        self.count_label.setText("Loading…")
        self._loader.load(
            partial(load_audit, self._archive, self.current_filter()),
            "Audit log",
            self._loaded,
            self._failed,
        )

    def _failed(self, message: str) -> None:
        self.count_label.setText(f"Could not read the audit trail: {message}")

    def _loaded(self, result: AuditLoad) -> None:
        self._fill_actions(result.actions)
        self.model.set_time_zone(fmt.zone(result.time_zone))
        self.model.set_ids(result.ids, result.filter)
        self.details.clear()
        n = len(result.ids)
        self.count_label.setText(f"{fmt.count(n)} {'entry' if n == 1 else 'entries'}")
        self.loaded.emit()

    def _fill_actions(self, actions: list[str]) -> None:
        current = self.action_combo.currentData()
        # readable names, sorted as read; the code stays the item's data (the filter)
        ordered = sorted(actions, key=lambda a: action_label(a).casefold())
        wanted = [None, *ordered]
        if [self.action_combo.itemData(i) for i in range(self.action_combo.count())] == wanted:
            return
        self._filling_combo = True  # repopulating must not trigger another reload
        try:
            self.action_combo.clear()
            self.action_combo.addItem(ALL_ACTIONS, None)
            for action in ordered:
                self.action_combo.addItem(action_label(action), action)
            self.action_combo.setCurrentIndex(max(0, self.action_combo.findData(current)))
        finally:
            self._filling_combo = False

    # ----------------------------------------------------------------- details
    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        row = self.model.data(indexes[0], RowRole) if indexes else None
        if row is None:
            self.details.clear()
            return
        tz = self.model.time_zone
        lines = [
            f"Entry      {row.id}",
            f"Time       {fmt.local_time(row.at, tz, seconds=True)}",
            f"UTC        {fmt.utc_time(row.at)}",
            f"Operator   {row.operator}",
            f"Action     {action_label(row.action)} ({row.action})",
            f"           {self.model.sentence(row)}",
            f"Object     {describe_object(row, limit=1000)}",
            f"Hash       {row.hash}",
            "",
            "Details",
            json.dumps(row.details, ensure_ascii=False, indent=2, sort_keys=True),
        ]
        self.details.setPlainText("\n".join(lines))

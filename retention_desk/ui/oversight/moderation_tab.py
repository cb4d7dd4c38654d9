"""The Oversight page's "Moderation log" tab: hidden and deleted comments with their latest
recorded action, filters (unreasoned only, category, account, year), "Record reason…", the
export (XLSX or CSV) and the annual review report (389.6).

Every string from the archive goes into QTableWidgetItems (plain text) or `plain_label`s;
archive work runs through the TaskRunner, and a recorded reason notifies "oversight".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod
from retention_desk.oversight.moderation_export import write_csv, write_xlsx
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.tasks import Latest, Task, TaskRunner

COLUMNS = (
    "Record",
    "Day",
    "Kind",
    "Account",
    "Author",
    "Text",
    "Action",
    "Category",
    "Acted by",
    "Reason",
    "Flag",
)
ANY_YEAR = 1989  # the year spin box's "any year" position


@dataclass(frozen=True)
class _Loaded:
    entries: list[mod.ModerationEntry]
    categories: list[tuple[str, str]]  # (code, label)
    citations: dict[str, str]  # code -> "citation: the policy's words"
    accounts: list[tuple[int, str]]
    problem: str  # why the categories could not be read ("" when they could)


def _load(archive: Archive, filters: dict[str, Any]) -> _Loaded:
    problem = ""
    try:
        found = mod.categories(archive)
    except Exception as exc:  # the policy files are data: a broken one must not hide the log
        found, problem = [], f"The policies' categories could not be read: {exc}"
    cats = [(c.code, c.label) for c in found]
    citations = {c.code: f"{c.citation}: {c.label}" for c in found}
    with archive.read() as conn:
        entries = mod.entries_in(conn, **filters)
    return _Loaded(entries, cats, citations, mod.list_accounts(archive), problem)


def _one_line(value: object, limit: int = 300) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ReasonDialog(QDialog):
    """Who acted on a record, when, under which category and why."""

    def __init__(
        self,
        entry: mod.ModerationEntry,
        categories: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Record reason for record {entry.record_id}")
        self.record_id = entry.record_id
        form = QFormLayout()
        form.addRow("Record", plain_label(f"{entry.record_id}: {_one_line(entry.excerpt, 120)}"))
        self.action_box = QComboBox()
        for action in mod.ACTIONS:
            self.action_box.addItem(action, action)
        default = "deleted" if entry.deleted_at else "hidden" if entry.hidden_at else "reported"
        self.action_box.setCurrentIndex(mod.ACTIONS.index(entry.action or default))
        form.addRow("Action", self.action_box)
        self.category_box = QComboBox()
        self.category_box.addItem("(no category)", "")
        for code, label in categories:
            self.category_box.addItem(f"{code}: {_one_line(label, 80)}", code)
        if entry.category:
            found = self.category_box.findData(entry.category)
            self.category_box.setCurrentIndex(max(found, 0))
        form.addRow("Category", self.category_box)
        self.author_check = QCheckBox("Deleted by its own author")
        self.by_edit = QLineEdit()
        self.by_edit.setPlaceholderText("who acted (unknown if empty)")
        self.author_check.toggled.connect(lambda on: self.by_edit.setEnabled(not on))
        form.addRow("Acted by", self.by_edit)
        form.addRow("", self.author_check)
        self.when_known = QCheckBox("Known")
        self.when_edit = QDateTimeEdit(QDateTime.currentDateTime())
        self.when_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when_edit.setEnabled(False)
        self.when_known.toggled.connect(self.when_edit.setEnabled)
        row = QHBoxLayout()
        row.addWidget(self.when_edit)
        row.addWidget(self.when_known)
        form.addRow("When (agency time)", row)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText("the reason: kept in the log, never in the audit trail")
        form.addRow("Reason", self.note_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        """The keyword arguments of `record_reason` (besides archive and record)."""
        when = (
            self.when_edit.dateTime().toString("yyyy-MM-dd HH:mm")
            if self.when_known.isChecked()
            else None
        )
        return {
            "category": str(self.category_box.currentData() or ""),
            "note": self.note_edit.toPlainText(),
            "acted_by": mod.AUTHOR if self.author_check.isChecked() else self.by_edit.text(),
            "acted_at": when,
            "action": str(self.action_box.currentData()),
        }


class ModerationTab(QWidget):
    def __init__(self, runner: TaskRunner, changes: ArchiveChanges) -> None:
        super().__init__()
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self._latest = Latest()
        self._loaded: _Loaded | None = None
        self.entries: list[mod.ModerationEntry] = []
        self.reason_dialog: ReasonDialog | None = None

        self.unreasoned_check = QCheckBox("Unreasoned only")
        self.category_box = QComboBox()
        self.category_box.addItem("Any category", None)
        self.account_box = QComboBox()
        self.account_box.addItem("Any account", None)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(ANY_YEAR, 2200)
        self.year_spin.setSpecialValueText("Any year")
        self.year_spin.setValue(ANY_YEAR)
        filters = QHBoxLayout()
        for widget in (self.unreasoned_check, self.category_box, self.account_box, self.year_spin):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.unreasoned_check.toggled.connect(self.reload)
        self.category_box.activated.connect(self.reload)
        self.account_box.activated.connect(self.reload)
        self.year_spin.valueChanged.connect(self.reload)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("Text"), QHeaderView.ResizeMode.Stretch
        )
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_reason_dialog())

        self.status = plain_label("No archive open.")
        self.reason_button = QPushButton("Record reason…")
        self.reason_button.clicked.connect(self.open_reason_dialog)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.choose_export)
        self.annual_button = QPushButton("Annual review report…")
        self.annual_button.clicked.connect(self.open_annual_dialog)
        buttons = QHBoxLayout()
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText("record id")
        self.record_edit.setMaximumWidth(110)
        self.report_button = QPushButton("Report a record…")
        self.report_button.setToolTip(
            "Record a report (or any action) on a post or comment by its id, also one that is"
            " still up: CMP 1.12 asks to report rather than delete."
        )
        self.report_button.clicked.connect(self.report_record)
        self.record_edit.returnPressed.connect(self.report_record)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.record_edit)
        for button in (
            self.report_button,
            self.reason_button,
            self.export_button,
            self.annual_button,
        ):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        changes.changed.connect(self._on_changed)
        self._update_buttons()

    # ------------------------------------------------------------------------ loading
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._latest.invalidate()
        self._loaded = None
        self.entries = []
        self.table.setRowCount(0)
        self.status.setText("No archive open." if archive is None else "Loading…")
        self._update_buttons()
        if archive is not None:
            self.reload()

    def _on_changed(self, what: str) -> None:
        if self._archive is not None and what != "search":
            self.reload()

    def filters(self) -> dict[str, Any]:
        year = self.year_spin.value()
        return {
            "unreasoned_only": self.unreasoned_check.isChecked(),
            "category": self.category_box.currentData(),
            "account_id": self.account_box.currentData(),
            "year": None if year == ANY_YEAR else year,
        }

    def reload(self) -> Task | None:
        if self._archive is None:
            return None
        task = Task(
            functools.partial(_load, self._archive, self.filters()), progress=False, cancel=False
        )
        current = self._latest.next()
        task.finished.connect(current(self._show))
        task.failed.connect(current(lambda msg: self.status.setText(msg)))
        return self._runner.submit(task)

    def _fill_combo(self, box: QComboBox, items: list[tuple[Any, str]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for data, text in items:
            box.addItem(text, data)
        found = box.findData(chosen) if chosen is not None else 0
        box.setCurrentIndex(max(found, 0))
        box.blockSignals(False)

    def _show(self, loaded: _Loaded) -> None:
        self._loaded = loaded
        self.entries = loaded.entries
        self._fill_combo(
            self.category_box,
            [(c, f"{c}: {_one_line(label, 60)}") for c, label in loaded.categories],
        )
        self._fill_combo(self.account_box, [(i, _one_line(n, 60)) for i, n in loaded.accounts])
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            values = (
                str(e.record_id),
                e.on.isoformat() if e.on else "",
                e.kind + (" (deleted)" if e.deleted_at else " (hidden)" if e.hidden_at else ""),
                e.account,
                e.author_name or e.author_handle,
                e.excerpt,
                e.action or "",
                e.category,
                e.acted_by,
                e.reason,
                mod.flag_word(e),
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(_one_line(value))
                item.setData(Qt.ItemDataRole.UserRole, e.record_id)
                if col == COLUMNS.index("Category") and e.category:
                    words = loaded.citations.get(e.category, "no applying policy lists it now")
                    item.setToolTip(tooltip_text(words))
                self.table.setItem(row, col, item)
        unreasoned = sum(e.unreasoned for e in self.entries)
        text = f"{len(self.entries)} entries; {unreasoned} removed without a recorded reason."
        if loaded.problem:
            text += " " + loaded.problem
        self.status.setText(_one_line(text, 600))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self._archive is not None
        self.reason_button.setEnabled(has and self.selected() is not None)
        self.export_button.setEnabled(has and bool(self.entries))
        self.annual_button.setEnabled(has)
        self.report_button.setEnabled(has)
        self.record_edit.setEnabled(has)

    def selected(self) -> mod.ModerationEntry | None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    # ------------------------------------------------------------------------ reasons
    def open_reason_dialog(self) -> ReasonDialog | None:
        entry = self.selected()
        if entry is None or self._archive is None:
            return None
        return self._reason_dialog_for(entry)

    def report_record(self) -> Task | None:
        """ "Report a record…": any post, comment or reply by id, also one still up (CMP 1.12:
        report rather than delete). Read off the GUI thread, then the same dialog."""
        text = self.record_edit.text().strip()
        if self._archive is None or not text:
            return None
        if not text.isdigit():
            show_error(self, "Report a record", f"{text[:40]!r} is not a record id.")
            return None
        task = Task(
            functools.partial(mod.entry_for, self._archive, int(text)),
            progress=False,
            cancel=False,
        )
        task.finished.connect(self._reason_dialog_for)
        task.failed.connect(lambda msg: show_error(self, "Report a record", msg))
        return self._runner.submit(task)

    def _reason_dialog_for(self, entry: mod.ModerationEntry) -> ReasonDialog:
        cats = self._loaded.categories if self._loaded else []
        dialog = ReasonDialog(entry, cats, self)
        dialog.accepted.connect(lambda: self.save_reason(dialog.record_id, dialog.values()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.reason_dialog = dialog
        dialog.open()
        return dialog

    def save_reason(self, record_id: int, values: dict[str, Any]) -> Task | None:
        if self._archive is None:
            return None
        archive = self._archive
        task = Task(
            functools.partial(mod.record_reason, archive, record_id, **values),
            progress=False,
            cancel=False,
        )
        task.finished.connect(lambda _done: self._changes.notify("oversight"))
        task.failed.connect(lambda msg: show_error(self, "Reason not recorded", msg))
        return self._runner.submit(task)

    # ------------------------------------------------------------------------- export
    def choose_export(self) -> Task | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the moderation log", "moderation-log.xlsx", "Excel (*.xlsx);;CSV (*.csv)"
        )
        return self.export_to(Path(name)) if name else None

    def export_to(self, path: Path) -> Task | None:
        """Write the entries shown to `path` (CSV when it ends in .csv, else XLSX)."""
        entries = list(self.entries)
        writer = write_csv if path.suffix.lower() == ".csv" else write_xlsx
        task = Task(functools.partial(writer, entries, path), progress=False, cancel=False)
        task.finished.connect(
            lambda _r: self.status.setText(_one_line(f"Wrote {len(entries)} entries to {path}."))
        )
        task.failed.connect(lambda msg: show_error(self, "Export failed", msg))
        return self._runner.submit(task)

    # ------------------------------------------------------------------------- annual
    def open_annual_dialog(self) -> QDialog | None:
        if self._archive is None:
            return None
        from retention_desk.ui.oversight.annual_dialog import AnnualReportDialog

        accounts = self._loaded.accounts if self._loaded else []
        dialog = AnnualReportDialog(self._archive, self._runner, accounts, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

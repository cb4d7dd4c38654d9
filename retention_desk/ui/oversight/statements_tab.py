"""The Oversight page's "Page statements" tab: the required page statements of the policies in
force (the `policies` setting) checked per account: present, missing or no evidence, with the
record and date that shows it; the report for the public information officer as PDF or XLSX.

Handles, names and page words are imported text: they go into QTableWidgetItems (plain text)
and `plain_label`s only. The check runs through the TaskRunner and is read-only, so it never
notifies a change; it runs again when the archive changes.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.store import Archive
from retention_desk.oversight.policies import policies_for
from retention_desk.oversight.statements import (
    MISSING,
    NO_EVIDENCE,
    Progress,
    StatementsCheck,
    check_statements,
)
from retention_desk.oversight.statements_report import Row, plain, rows
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.tasks import Latest, Task, TaskRunner

COLUMNS = (
    "Account",
    "Policy",
    "Citation",
    "The page must say",
    "Status",
    "Evidence record",
    "Evidence date (UTC)",
    "Evidence",
    "Phrase found",
)
_SHADES = {MISSING: QColor(255, 215, 215), NO_EVIDENCE: QColor(255, 240, 200)}


@dataclass(frozen=True)
class _Loaded:
    check: StatementsCheck | None
    agency: str
    problem: str  # why the check could not run ("" when it ran)


def _load(
    archive: Archive, progress: Progress | None = None, cancel: threading.Event | None = None
) -> _Loaded:
    agency = archive.settings().agency_name
    try:
        applying = policies_for(archive)
    except Exception as exc:  # a bad setting or policy file is shown, not raised
        return _Loaded(None, agency, str(exc))
    check = check_statements(
        archive,
        policies=applying,
        progress=progress,
        cancel=cancel,
    )
    return _Loaded(check, agency, "")


class StatementsTab(QWidget):
    """`record_requested(id)`: the user double-clicked a row's evidence record (the page can
    open it in the record view)."""

    record_requested = Signal(int)

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self._latest = Latest()
        self.loaded: _Loaded | None = None
        self.shown_rows: list[Row] = []

        self.policies_label = plain_label("No archive open.")
        self.policies_label.setWordWrap(True)
        self.problems_check = QCheckBox("Only missing or without evidence")
        self.problems_check.toggled.connect(self._fill)
        top = QHBoxLayout()
        top.addWidget(self.policies_label, 1)
        top.addWidget(self.problems_check)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(
            COLUMNS.index("The page must say"), QHeaderView.ResizeMode.Stretch
        )
        self.table.itemDoubleClicked.connect(self._open_record)

        self.status = plain_label("")
        self.check_button = QPushButton("Check again")
        self.check_button.clicked.connect(self.reload)
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(lambda: self.choose_export("pdf"))
        self.xlsx_button = QPushButton("Export XLSX…")
        self.xlsx_button.clicked.connect(lambda: self.choose_export("xlsx"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.check_button, self.pdf_button, self.xlsx_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        changes.changed.connect(self._on_changed)
        self._update_buttons()

    # ------------------------------------------------------------------------ loading
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._latest.invalidate()
        self.loaded = None
        self.shown_rows = []
        self.table.setRowCount(0)
        self.policies_label.setText("No archive open." if archive is None else "Checking…")
        self.status.setText("")
        self._update_buttons()
        if archive is not None:
            self.reload()

    def _on_changed(self, what: str) -> None:
        if self._archive is not None and what != "search":
            self.reload()

    def reload(self) -> Task | None:
        if self._archive is None:
            return None
        task = Task(functools.partial(_load, self._archive), title="Page statements check")
        current = self._latest.next()
        task.progress.connect(
            current(lambda done, total, _msg: self.status.setText(f"Checking {done} of {total}…"))
        )
        task.finished.connect(current(self._show))
        task.failed.connect(current(lambda msg: self.status.setText(plain(msg, 600))))
        self.check_button.setEnabled(False)
        task.ended.connect(current(self._update_buttons))
        return self._runner.submit(task)

    def _show(self, loaded: _Loaded) -> None:
        self.loaded = loaded
        if loaded.check is None:
            self.policies_label.setText(plain(f"The policies could not be read: {loaded.problem}"))
            self.status.setText("No check: fix the policies setting or file first.")
            self.table.setRowCount(0)
            self.shown_rows = []
            self._update_buttons()
            return
        check = loaded.check
        names = "; ".join(plain(n, 200) for n in check.policy_names) or "none"
        self.policies_label.setText(f"Policies in force: {names}.")
        self.policies_label.setToolTip(
            tooltip_text("Settings → policies; empty means every shipped policy.")
        )
        counts = check.counts()
        self.status.setText(
            f"{len(check.accounts)} account(s): {counts['present']} present,"
            f" {counts['missing']} missing, {counts['no evidence']} without evidence"
            + (" (cancelled)" if check.cancelled else "")
            + "."
        )
        self._fill()

    def _fill(self) -> None:
        check = self.loaded.check if self.loaded else None
        all_rows = rows(check) if check is not None else []
        if self.problems_check.isChecked():
            all_rows = [r for r in all_rows if r.status in (MISSING, NO_EVIDENCE)]
        self.shown_rows = all_rows
        self.table.setRowCount(len(all_rows))
        for n, row in enumerate(all_rows):
            values = (
                row.account,
                row.policy,
                row.citation,
                row.must_say,
                row.status,
                str(row.record) if row.record is not None else "",
                row.date,
                row.source,
                row.phrase,
            )
            shade = _SHADES.get(row.status)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, row.record)
                if shade is not None:
                    item.setBackground(QBrush(shade))
                self.table.setItem(n, col, item)
        self._update_buttons()

    def _open_record(self, item: QTableWidgetItem) -> None:
        record = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(record, int):
            self.record_requested.emit(record)

    def _update_buttons(self) -> None:
        has = self._archive is not None
        ready = has and self.loaded is not None and self.loaded.check is not None
        self.check_button.setEnabled(has)
        self.pdf_button.setEnabled(ready)
        self.xlsx_button.setEnabled(ready)
        self.problems_check.setEnabled(ready)

    # ------------------------------------------------------------------------ exports
    def choose_export(self, kind: str) -> Task | None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            f"Export the page statements report ({kind.upper()})",
            f"page-statements.{kind}",
            "PDF (*.pdf)" if kind == "pdf" else "Excel (*.xlsx)",
        )
        return self.export_to(Path(name)) if name else None

    def export_to(self, path: Path) -> Task | None:
        """Write the last check (every row, whatever the filter) to `path`: XLSX when it ends
        in .xlsx, else PDF."""
        loaded = self.loaded
        if loaded is None or loaded.check is None:
            return None
        from retention_desk.oversight.statements_report import write_pdf, write_xlsx

        writer = write_xlsx if path.suffix.lower() == ".xlsx" else write_pdf
        task = Task(
            functools.partial(writer, loaded.check, path, agency=loaded.agency),
            progress=False,
            cancel=False,
        )
        task.finished.connect(lambda _r: self.status.setText(plain(f"Report written to {path}.")))
        task.failed.connect(lambda msg: show_error(self, "Export failed", msg))
        return self._runner.submit(task)

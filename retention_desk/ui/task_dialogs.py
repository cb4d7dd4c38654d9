"""Dialogs around long operations: a progress dialog bound to a Task, and the verify result."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.verify import VerifyReport
from retention_desk.ui.plain import plain_label
from retention_desk.ui.tasks import Task

CHECK_NAMES = {
    "file": "Archive file",
    "content_seals": "Content seals (records, originals, settings)",
    "sqlite_integrity": "Database integrity",
    "foreign_keys": "References between tables",
    "schema": "Schema and audit guards",
    "audit_chain": "Audit trail hash chain",
    "blob_fixity": "Stored files (SHA-256 fixity)",
    "search_index": "Search index",
}


class TaskProgressDialog(QDialog):
    """Window-modal progress for one task: its latest message, a bar and Cancel.

    Closing the dialog (Escape, the window's close button) asks the task to cancel instead of
    hiding work that is still running; the dialog closes itself when the task ends.
    """

    def __init__(self, task: Task, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        self.message = plain_label("Waiting for other work on the archive to finish…")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy until the first progress report
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.request_cancel)
        self.cancel_button.setVisible(task.cancellable)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        task.progress.connect(self._progress)
        task.ended.connect(self._ended)
        self._finished = False

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        if not self.task.cancel_event.is_set():
            self.message.setText(message)

    def request_cancel(self) -> None:
        if not self.task.cancellable or self.task.done:
            return
        self.task.cancel()
        self.cancel_button.setEnabled(False)
        self.message.setText("Cancelling…")

    def _ended(self) -> None:
        self._finished = True
        super().accept()
        self.deleteLater()

    def reject(self) -> None:
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._finished:
            super().closeEvent(event)
        else:
            self.request_cancel()
            event.ignore()


class VerifyResultDialog(QDialog):
    """What `verify_archive` found: pass or fail, each check, and every failure in full."""

    def __init__(self, report: VerifyReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle("Verification result")
        self.resize(640, 420 if report.ok else 520)
        layout = QVBoxLayout(self)

        head = QHBoxLayout()
        icon = plain_label()
        style_icon = (
            QStyle.StandardPixmap.SP_DialogApplyButton
            if report.ok
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        icon.setPixmap(self.style().standardIcon(style_icon).pixmap(32, 32))
        head.addWidget(icon)
        if report.ok:
            text = "Passed: the archive is intact. Every check below succeeded."
        elif report.outcome == "incomplete":
            text = (
                "No problem found, but some checks could not run (another program was writing"
                " to the archive). Verify again when it has finished."
            )
        else:
            text = (
                f"FAILED: {len(report.failures)} problem(s) found. "
                "The archive or some stored files are no longer as they were recorded."
            )
        self.headline = plain_label(text)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        head.addWidget(self.headline, 1)
        layout.addLayout(head)

        self.checks = QTableWidget(len(report.checks), 3)
        self.checks.setHorizontalHeaderLabels(["Check", "Result", "Detail"])
        self.checks.verticalHeader().setVisible(False)
        self.checks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checks.setShowGrid(False)
        header = self.checks.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, check in enumerate(report.checks):
            self.checks.setItem(row, 0, QTableWidgetItem(CHECK_NAMES.get(check.name, check.name)))
            result = {"ok": "pass", "fail": "FAIL", "not run": "not run"}[check.status]
            self.checks.setItem(row, 1, QTableWidgetItem(result))
            self.checks.setItem(row, 2, QTableWidgetItem(check.detail))
        layout.addWidget(self.checks, 1)

        self.failures = QPlainTextEdit()
        self.failures.setReadOnly(True)
        self.failures.setPlainText("\n".join(report.failures))
        self.failures.setVisible(bool(report.failures))
        if report.failures:
            layout.addWidget(plain_label("Problems"))
        layout.addWidget(self.failures, 1)

        notes = list(report.notes)
        if report.audit_head:
            notes.append(
                f"Audit head: row {report.audit_rows}, hash {report.audit_head}. Keep this"
                " outside the archive (or export an anchor) to prove later that the trail was"
                " not cut off or rewritten."
            )
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setPlainText("\n\n".join(notes))
        self.notes.setMaximumHeight(110)
        layout.addWidget(self.notes)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

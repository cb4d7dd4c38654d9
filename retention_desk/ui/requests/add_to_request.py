""" "Add to request…" from the Archive page: the selected records join an open request's
responsive set (`responsive.add_records`), with the version current now, and its hold.

The open requests are read on the task runner when the dialog opens; the requester's name in
the list is untrusted and shown as combo text (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from retention_desk.archive import Archive
from retention_desk.ipra import responsive
from retention_desk.ipra.model import RequestSummary
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.form_parts import ok_cancel
from retention_desk.ui.plain import plain_label
from retention_desk.ui.requests import ops
from retention_desk.ui.requests.table_model import one_line
from retention_desk.ui.retention.common import WARN_STYLE, isolate, plural
from retention_desk.ui.tasks import Task, TaskRunner


class AddToRequestDialog(QDialog):
    def __init__(
        self,
        archive: Archive,
        runner: TaskRunner,
        changes: ArchiveChanges,
        record_ids: Sequence[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to request")
        self.setMinimumWidth(460)
        self._archive = archive
        self._runner = runner
        self._changes = changes
        self.record_ids = [int(i) for i in record_ids]
        self.change: responsive.SetChange | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                f"Add {plural(len(self.record_ids), 'selected record')} to the responsive set"
                " of an open request. They are held while the request is open."
            )
        )
        form = QFormLayout()
        self.request_combo = QComboBox()
        form.addRow(plain_label("Request"), self.request_combo)
        layout.addLayout(form)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.error)
        buttons, self.ok_button = ok_cancel(self, "Add")
        self.ok_button.setEnabled(False)
        layout.addWidget(buttons)
        task = Task(
            partial(ops.open_requests, archive), progress=False, cancel=False, title="Requests"
        )
        task.finished.connect(self._listed)
        task.failed.connect(self.error.setText)
        runner.submit(task)

    def _listed(self, summaries: list[RequestSummary]) -> None:
        self.request_combo.clear()
        for s in summaries:
            name = isolate(one_line(s.requester_name, 50) or "(no name)")
            self.request_combo.addItem(
                f"{s.number} · {name} · {isolate(one_line(s.description, 50))}", s.number
            )
        if not summaries:
            self.error.setText("There is no open request; log one on the Requests page first.")
        self.ok_button.setEnabled(bool(summaries))

    def number(self) -> str | None:
        value = self.request_combo.currentData()
        return str(value) if value else None

    def accept(self) -> None:
        number = self.number()
        if number is None or not self.record_ids:
            return
        self.ok_button.setEnabled(False)
        task = Task(
            partial(
                ops.user_errors, responsive.add_records, self._archive, number, self.record_ids
            ),
            progress=False,
            cancel=False,
            title="Add to request",
        )
        task.finished.connect(self._added)
        task.failed.connect(self._failed)
        self._runner.submit(task)

    def _failed(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(message)

    def _added(self, change: responsive.SetChange) -> None:
        self.change = change
        self._changes.notify("requests")
        super().accept()


def added_text(change: responsive.SetChange) -> str:
    text = f"{change.number}: {plural(change.added, 'record')} added"
    if change.already:
        text += f", {change.already:,} already in the set"
    return text + f"; {plural(change.total, 'record')} in all."

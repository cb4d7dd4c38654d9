"""The review dialog's second tab: the request's redactions and withholdings (those accepted
candidates made and those made by hand in the record viewer), removing one after a
confirmation, and withholding a whole record under an exemption code for the request.

Covered text is never shown here (ranges and codes only); notes and names are untrusted and
go into table items, which Qt never parses as markup.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.redaction import RedactionInfo
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.record.redactions import describe
from retention_desk.ui.review import ops
from retention_desk.ui.tasks import Task, TaskRunner

HEADERS = ("Id", "Record", "What", "Code", "Kind", "Made by", "Made (UTC)", "Note")
COLUMN_WIDTHS = (60, 70, 220, 110, 80, 110, 150)


class WithholdDialog(QDialog):
    """A record id and the exemption code that withholds it from the request's release."""

    def __init__(
        self,
        codes: tuple[tuple[str, str], ...],
        record_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Withhold a record")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.record_edit = QLineEdit("" if record_id is None else str(record_id))
        self.record_edit.setValidator(QIntValidator(1, 2_000_000_000, self))
        form.addRow(plain_label("Record id"), self.record_edit)
        self.code_combo = QComboBox()
        self.code_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.code_combo.setMinimumContentsLength(40)
        for code, text in codes:
            self.code_combo.addItem(text, code)
        self.code_combo.setCurrentIndex(-1)
        form.addRow(plain_label("Exemption"), self.code_combo)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Withhold")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.record_edit.textChanged.connect(self._buttons)
        self.code_combo.currentIndexChanged.connect(self._buttons)
        self._buttons()

    def record_id(self) -> int | None:
        text = self.record_edit.text().strip()
        return int(text) if text.isdigit() else None

    def code(self) -> str | None:
        data = self.code_combo.currentData()
        return None if data is None else str(data)

    def _buttons(self) -> None:
        self.ok_button.setEnabled(self.record_id() is not None and self.code() is not None)


class ManualPanel(QWidget):
    changed = Signal()  # a redaction removed or a record withheld: candidates may be covered

    def __init__(
        self, archive: Archive, runner: TaskRunner, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._runner = runner
        self.number = number
        self.data: ops.ManualData | None = None
        self.dialog: QDialog | None = None
        self.confirm: QMessageBox | None = None
        self.suggested_record: int | None = None  # the review queue's current record
        layout = QVBoxLayout(self)
        self.status = plain_label("Reading the request's redactions…")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        for col, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._buttons)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.remove_button = QPushButton("Remove…")
        self.remove_button.clicked.connect(self.confirm_remove)
        self.withhold_button = QPushButton("Withhold a record…")
        self.withhold_button.clicked.connect(self.open_withhold)
        for button in (self.remove_button, self.withhold_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self._buttons()

    # ------------------------------------------------------------------ loading
    def load(self) -> Task:
        task = Task(
            partial(ops.load_manual, self._archive, self.number),
            progress=False,
            cancel=False,
            title="Redactions of the request",
        )
        task.finished.connect(self._loaded)
        task.failed.connect(self.status.setText)
        return self._runner.submit(task)

    def _loaded(self, data: ops.ManualData) -> None:
        self.data = data
        ranges = sum(1 for r in data.redactions if r.kind == "range")
        held = len(data.redactions) - ranges
        self.status.setText(
            f"{ranges:,} redaction(s) and {held:,} withholding(s) kept with request"
            f" {self.number}. Redactions never change the record."
        )
        self.table.setRowCount(len(data.redactions))
        for row, info in enumerate(data.redactions):
            cells = (
                str(info.id),
                str(info.record_id),
                describe(info),
                info.code,
                info.kind,
                info.created_by,
                (info.created_at or "")[:19].replace("T", " "),
                info.note,
            )
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self._buttons()

    def selected(self) -> RedactionInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if self.data is None or not rows:
            return None
        row = rows[0].row()
        return self.data.redactions[row] if 0 <= row < len(self.data.redactions) else None

    def _buttons(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)
        self.withhold_button.setEnabled(self.data is not None)

    # ------------------------------------------------------------------ changes
    def confirm_remove(self) -> QMessageBox | None:
        info = self.selected()
        if info is None:
            return None
        what = "withholding" if info.kind == "withhold" else "redaction"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Remove {what}",
            "",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Remove {what} {info.id} of record {info.record_id} ({describe(info)},"
            f" {info.code})? The removal is audited. A redaction made by accepting a"
            " candidate is removed by taking that decision back: all of the candidate's"
            " redactions go and it is undecided again."
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._confirmed(button is yes, info.id))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm = box
        box.open()
        return box

    def _confirmed(self, yes: bool, redaction_id: int) -> None:
        self.confirm = None
        if yes:
            self.remove(redaction_id)

    def remove(self, redaction_id: int) -> Task:
        return self._change(
            partial(ops.remove_redaction, self._archive, self.number, redaction_id), "Not removed"
        )

    def open_withhold(self) -> WithholdDialog | None:
        if self.data is None:
            return None
        dialog = WithholdDialog(self.data.codes, self.suggested_record, self)
        dialog.accepted.connect(partial(self._withhold, dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _withhold(self, dialog: WithholdDialog) -> None:
        record_id, code = dialog.record_id(), dialog.code()
        if record_id is None or code is None:
            return
        self._change(
            partial(ops.withhold, self._archive, self.number, record_id, code),
            "Record not withheld",
        )

    def _change(self, fn: object, failure: str) -> Task:
        task = Task(fn, progress=False, cancel=False, title=failure)  # type: ignore[arg-type]
        task.finished.connect(lambda _result: (self.load(), self.changed.emit()))
        task.failed.connect(lambda message: show_error(self, failure, message))
        return self._runner.submit(task)

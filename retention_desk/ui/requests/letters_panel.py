"""Letters of a request: write one (kind, PDF or DOCX, the day it is sent and how) and save
its file where the user picks; the stored letters, each saved again as it was written.

`correspondence.write_letter` keeps every letter with the request (audited) and returns its
bytes; the page writes them to the chosen path. A letter the desk cannot write yet (a denial
before the denial step with its responsible people) is refused with the desk's sentence.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ipra.correspondence import FORMATS
from retention_desk.ipra.letters.context import LETTER_KINDS
from retention_desk.ipra.model import METHOD_WORDS, METHODS, LetterInfo
from retention_desk.ui.form_parts import date_edit, picked_date
from retention_desk.ui.plain import plain_label
from retention_desk.ui.requests import ops
from retention_desk.ui.requests.dialogs import Action, ActionDialog
from retention_desk.ui.retention.common import cell, make_table, selected_data

KIND_WORDS = {
    "acknowledgment": "Acknowledgment (three-day letter)",
    "burdensome": "Burdensome notice",
    "denial": "Denial",
    "forward": "Forward notice",
    "cover": "Cover letter for a production",
    "closing": "Closing letter",
    "receipt": "Receipt",
}
FILTERS = {"pdf": "PDF files (*.pdf)", "docx": "Word documents (*.docx)"}
LETTER_HEADERS = ("Sent", "Letter", "Format", "How", "Stored by")


def letter_file_name(number: str, kind: str, file_format: str) -> str:
    return f"{number}-{kind}.{file_format}"


class LetterDialog(ActionDialog):
    ok_text = "Write and save"

    def __init__(self, number: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            f"{number}: write a letter",
            "The letter is built from the request, its steps, its fees and the letterhead in"
            " Settings, kept with the request, and saved to the file you choose.",
            parent,
        )
        self.number = number
        self.kind_combo = QComboBox()
        for kind in LETTER_KINDS:
            self.kind_combo.addItem(KIND_WORDS.get(kind, kind), kind)
        self.add_row("Letter", self.kind_combo)
        self.format_combo = QComboBox()
        for code in FORMATS:
            self.format_combo.addItem(code.upper(), code)
        self.add_row("Format", self.format_combo)
        self.date_edit = date_edit(today)
        self.add_row("Sent on", self.date_edit)
        self.method_combo = QComboBox()
        self.method_combo.addItem("As the step was delivered", None)
        for code in METHODS:
            self.method_combo.addItem(METHOD_WORDS.get(code, code), code)
        self.add_row("Sent by", self.method_combo)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_path)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.add_row("Save as", row)
        self.finish_layout()

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def file_format(self) -> str:
        return str(self.format_combo.currentData())

    def choose_path(self) -> None:
        name = letter_file_name(self.number, self.kind(), self.file_format())
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the letter", name, FILTERS[self.file_format()]
        )
        if path:
            self.path_edit.setText(path)

    def collect(self) -> Action:
        typed = self.path_edit.text().strip()
        if not typed:
            raise ValueError("Choose where to save the letter.")
        return Action(
            ops.save_letter,
            "Write letter",
            (self.kind(),),
            {
                "file_format": self.file_format(),
                "sent_on": picked_date(self.date_edit),
                "method": self.method_combo.currentData(),
                "path": Path(typed).expanduser(),
            },
        )


class LettersPanel(QWidget):
    write_requested = Signal()
    resave_requested = Signal(object)  # LetterInfo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.letters: tuple[LetterInfo, ...] = ()
        layout = QVBoxLayout(self)
        self.note = plain_label()
        layout.addWidget(self.note)
        self.table = make_table(LETTER_HEADERS, stretch=1)
        self.table.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.write_button = QPushButton("Write letter…")
        self.write_button.clicked.connect(self.write_requested)
        self.resave_button = QPushButton("Save a copy…")
        self.resave_button.clicked.connect(self._resave)
        row.addWidget(self.write_button)
        row.addStretch(1)
        row.addWidget(self.resave_button)
        layout.addLayout(row)
        self._selection()

    def set_letters(self, letters: tuple[LetterInfo, ...], enabled: bool) -> None:
        self.letters = letters
        self.note.setText(
            f"{len(letters)} letter{'s' if len(letters) != 1 else ''} stored with the request."
        )
        self.table.setRowCount(len(letters))
        for row, letter in enumerate(letters):
            values = (
                letter.sent_on.isoformat(),
                KIND_WORDS.get(letter.kind, letter.kind),
                letter.file_format.upper(),
                METHOD_WORDS.get(letter.method, letter.method),
                letter.by,
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, cell(value, data=letter.id if col == 0 else None))
        self.write_button.setEnabled(enabled)
        self._selection()

    def selected(self) -> LetterInfo | None:
        letter_id = selected_data(self.table)
        return next((x for x in self.letters if x.id == letter_id), None)

    def _selection(self) -> None:
        self.resave_button.setEnabled(self.selected() is not None)

    def _resave(self) -> None:
        letter = self.selected()
        if letter is not None:
            self.resave_requested.emit(letter)

"""The new-request dialog: a walk-in logged in under a minute.

Received defaults to now (the custodian's office received it; day 0 of the clocks), the name
field has the focus, and Enter saves. What 14-2-8(C) asks of a written request (name, address,
telephone) is warned about while typing, never required: the clock runs from receipt whatever
the request lacks, so refusing it would lose the receipt time. Oral requests carry no clock
(14-2-8(A)) and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ipra.model import VIA
from retention_desk.ui.form_parts import ok_cancel
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import WARN_STYLE

VIA_WORDS = {
    "written": "Written (letter, hand-delivered form)",
    "email": "E-mail",
    "fax": "Fax",
    "web": "Web form",
    "in-person": "In person (written at the counter)",
    "oral": "Oral (spoken, not written)",
}
ORAL_NOTE = (
    "Oral requests are logged but carry no statutory clock: the Act's deadlines run from a"
    " written request (NMSA 1978, 14-2-8(A))."
)
PARTICULARS = (("name", "name"), ("address", "address"), ("phone", "telephone"))


@dataclass(frozen=True)
class NewRequest:
    received_at: datetime  # naive: the agency's local time
    via: str
    name: str
    organisation: str
    address: str
    phone: str
    email: str
    description: str
    electronic_copies: bool

    def kwargs(self) -> dict[str, object]:
        return dict(self.__dict__)


def missing_particulars(via: str, name: str, address: str, phone: str) -> list[str]:
    if via == "oral":
        return []
    values = {"name": name, "address": address, "phone": phone}
    return [words for key, words in PARTICULARS if not values[key].strip()]


class NewRequestDialog(QDialog):
    """`submitted(NewRequest)` on Save; the page logs it and calls `finish` or `fail`."""

    submitted = Signal(object)

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New public-records request")
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.received_edit = QDateTimeEdit(
            QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0)
        )
        self.received_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received_edit.setCalendarPopup(True)
        form.addRow(plain_label("Received by the office"), self.received_edit)
        self.via_combo = QComboBox()
        for code in VIA:
            self.via_combo.addItem(VIA_WORDS.get(code, code), code)
        self.via_combo.setCurrentIndex(self.via_combo.findData("in-person"))
        form.addRow(plain_label("How it came"), self.via_combo)
        self.oral_note = plain_label(ORAL_NOTE)
        self.oral_note.setWordWrap(True)
        form.addRow("", self.oral_note)
        self.name_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        for caption, edit in (
            ("Requester's name", self.name_edit),
            ("Organisation", self.organisation_edit),
            ("Address", self.address_edit),
            ("Telephone", self.phone_edit),
            ("E-mail", self.email_edit),
        ):
            form.addRow(plain_label(caption), edit)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setPlaceholderText("The records asked for, as the requester wrote it")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(90)
        form.addRow(plain_label("Description"), self.description_edit)
        self.electronic_check = QCheckBox("Electronic copies asked for (14-2-9(B))")
        form.addRow("", self.electronic_check)
        layout.addLayout(form)
        self.warning = plain_label()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.warning)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.error)
        buttons, self.ok_button = ok_cancel(self, "Log request")
        self.ok_button.setDefault(True)
        self.ok_button.setAutoDefault(True)
        layout.addWidget(buttons)
        self.via_combo.currentIndexChanged.connect(self._update_notes)
        for edit in (self.name_edit, self.address_edit, self.phone_edit):
            edit.textChanged.connect(self._update_notes)
        self.request: NewRequest | None = None
        self._update_notes()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # the requester's name is what a walk-in is asked first
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def via(self) -> str:
        return str(self.via_combo.currentData())

    def _update_notes(self) -> None:
        via = self.via()
        self.oral_note.setVisible(via == "oral")
        missing = missing_particulars(
            via, self.name_edit.text(), self.address_edit.text(), self.phone_edit.text()
        )
        if missing:
            self.warning.setText(
                "A written request should give the requester's name, address and telephone"
                f" (NMSA 1978, 14-2-8(C)); this one lacks the {', '.join(missing)}. It can be"
                " logged anyway: the clock runs from receipt."
            )
        self.warning.setVisible(bool(missing))

    def collect(self) -> NewRequest:
        value = self.received_edit.dateTime()
        d, t = value.date(), value.time()
        return NewRequest(
            received_at=datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()),
            via=self.via(),
            name=self.name_edit.text().strip(),
            organisation=self.organisation_edit.text().strip(),
            address=self.address_edit.text().strip(),
            phone=self.phone_edit.text().strip(),
            email=self.email_edit.text().strip(),
            description=self.description_edit.toPlainText().strip(),
            electronic_copies=self.electronic_check.isChecked(),
        )

    def accept(self) -> None:
        # the page logs it off the GUI thread; the dialog stays open until that succeeds,
        # so a refusal (a future time, an empty description) is corrected in place
        self.error.setText("")
        self.request = self.collect()
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.request)

    def finish(self) -> None:
        super().accept()

    def fail(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(message)

"""The request panel's step dialogs: acknowledge, burdensome, deny, fulfil, forward, withdraw,
close, log time, remove records, fees and payments.

Each dialog collects what was typed into an `Action` (a headless request-desk function and
its keyword arguments) and emits `submitted`; the page runs it on the task runner and calls
`finish` (the dialog closes) or `fail` (the API's sentence shows in the dialog, which stays
open for the correction). The desk's functions decide what is missing, so a denial without
names is refused by `requests.deny` itself and its sentence is what the user reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.settings import money_cents
from retention_desk.ipra import fees, requests, responsive
from retention_desk.ipra.model import METHOD_WORDS, METHODS
from retention_desk.ui.form_parts import date_edit, ok_cancel, picked_date
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import WARN_STYLE


@dataclass(frozen=True)
class Action:
    """A desk call the page runs as fn(archive, number, *args, **kwargs)."""

    fn: Callable[..., Any]
    title: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def method_combo(default: str) -> QComboBox:
    combo = QComboBox()
    for code in METHODS:
        combo.addItem(METHOD_WORDS.get(code, code), code)
    combo.setCurrentIndex(max(combo.findData(default), 0))
    return combo


def dollars_cents(text: str) -> int | None:
    return money_cents(text) if text.strip() else None


class ActionDialog(QDialog):
    """Base of the step dialogs: a form, an error line and OK/Cancel."""

    submitted = Signal(object)  # Action
    ok_text = "Record"

    def __init__(self, title: str, about: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.layout_ = QVBoxLayout(self)
        if about:
            note = plain_label(about)
            note.setWordWrap(True)
            self.layout_.addWidget(note)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        self.action: Action | None = None

    def add_row(self, caption: str, widget: QWidget | QHBoxLayout) -> None:
        self.form.addRow(plain_label(caption) if caption else "", widget)  # type: ignore[arg-type]

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error)
        buttons, self.ok_button = ok_cancel(self, self.ok_text)
        self.layout_.addWidget(buttons)

    def collect(self) -> Action:
        """The action the form describes; ValueError with a sentence for a local problem."""
        raise NotImplementedError

    def accept(self) -> None:
        self.error.setText("")
        try:
            self.action = self.collect()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        self.ok_button.setEnabled(False)
        self.submitted.emit(self.action)

    def finish(self) -> None:
        super().accept()

    def fail(self, message: str) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(message)


class _DatedStep(ActionDialog):
    """A step with the day it happened and how it was delivered."""

    def __init__(
        self,
        title: str,
        about: str,
        today: date,
        method: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, about, parent)
        self.date_edit = date_edit(today)
        self.add_row("Date", self.date_edit)
        self.method_combo: QComboBox | None = None
        if method is not None:
            self.method_combo = method_combo(method)
            self.add_row("Sent by", self.method_combo)

    def dated(self) -> dict[str, Any]:
        out: dict[str, Any] = {"on": picked_date(self.date_edit)}
        if self.method_combo is not None:
            out["method"] = str(self.method_combo.currentData())
        return out


class AcknowledgeDialog(_DatedStep):
    def __init__(
        self, number: str, today: date, method: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"{number}: acknowledge",
            "The three-day letter (NMSA 1978, 14-2-8(D)): when the records will be available,"
            " or when the body will respond. It stops the three-day clock, not the fifteen-day"
            " one.",
            today,
            method,
            parent,
        )
        self.available_check = QCheckBox("Records available on")
        self.available_edit = date_edit(today)
        self.available_edit.setEnabled(False)
        self.available_check.toggled.connect(self.available_edit.setEnabled)
        self.add_row("", self.available_check)
        self.add_row("", self.available_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        if self.available_check.isChecked():
            kwargs["available_on"] = picked_date(self.available_edit)
        return Action(requests.acknowledge, "Acknowledge", kwargs=kwargs)


class BurdensomeDialog(_DatedStep):
    def __init__(
        self, number: str, today: date, method: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"{number}: excessively burdensome or broad",
            "The written notice within fifteen days (NMSA 1978, 14-2-10), with the date by"
            " which the records will be ready.",
            today,
            method,
            parent,
        )
        self.until_edit = date_edit(today)
        self.add_row("Additional time until", self.until_edit)
        self.reason_edit = QLineEdit()
        self.add_row("Reason", self.reason_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs["until"] = picked_date(self.until_edit)
        kwargs["reason"] = self.reason_edit.text().strip()
        return Action(requests.mark_burdensome, "Burdensome", kwargs=kwargs)


class DenyDialog(_DatedStep):
    """The written denial: each person responsible (name and title or position), the
    exceptions relied on and what was denied."""

    def __init__(
        self, number: str, today: date, method: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"{number}: deny",
            "A written denial must give the name and title or position of each person"
            " responsible for it (NMSA 1978, 14-2-11(B)).",
            today,
            method,
            parent,
        )
        self.partial_check = QCheckBox("Partial denial (the rest is produced)")
        self.add_row("", self.partial_check)
        self.people = QTableWidget(0, 2)
        self.people.setHorizontalHeaderLabels(["Name", "Title or position"])
        self.people.horizontalHeader().setStretchLastSection(True)
        self.people.setMinimumHeight(110)
        self.add_row("Responsible", self.people)
        row = QHBoxLayout()
        self.add_person_button = QPushButton("Add person")
        self.add_person_button.clicked.connect(lambda: self.add_person())
        self.remove_person_button = QPushButton("Remove person")
        self.remove_person_button.clicked.connect(self._remove_person)
        row.addWidget(self.add_person_button)
        row.addWidget(self.remove_person_button)
        row.addStretch(1)
        self.add_row("", row)
        self.exceptions_edit = QPlainTextEdit()
        self.exceptions_edit.setPlaceholderText("One per line, e.g. NMSA 1978, 14-2-1(D)")
        self.exceptions_edit.setFixedHeight(70)
        self.exceptions_edit.setTabChangesFocus(True)
        self.add_row("Exceptions relied on", self.exceptions_edit)
        self.records_edit = QLineEdit()
        self.add_row("Records denied", self.records_edit)
        self.finish_layout()
        self.add_person()

    def add_person(self, name: str = "", title: str = "") -> None:
        row = self.people.rowCount()
        self.people.insertRow(row)
        self.people.setItem(row, 0, QTableWidgetItem(name))
        self.people.setItem(row, 1, QTableWidgetItem(title))

    def _remove_person(self) -> None:
        row = self.people.currentRow()
        if row >= 0:
            self.people.removeRow(row)

    def responsible(self) -> list[tuple[str, str]]:
        people = []
        for row in range(self.people.rowCount()):
            name, title = (self.people.item(row, c) for c in (0, 1))
            pair = (name.text().strip() if name else "", title.text().strip() if title else "")
            if any(pair):  # an untouched empty row is not a person
                people.append(pair)
        return people

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs["responsible"] = self.responsible()
        kwargs["exceptions"] = [
            line.strip() for line in self.exceptions_edit.toPlainText().splitlines()
        ]
        kwargs["records_description"] = self.records_edit.text().strip()
        kwargs["partial"] = self.partial_check.isChecked()
        return Action(requests.deny, "Deny", kwargs=kwargs)


class FulfilDialog(_DatedStep):
    def __init__(
        self,
        number: str,
        today: date,
        method: str,
        partial: bool,
        parent: QWidget | None = None,
    ) -> None:
        self.partial = partial
        words = "partially fulfil" if partial else "fulfil"
        super().__init__(
            f"{number}: {words}",
            "The records were made available (inspection permitted or copies provided)"
            + (", in part." if partial else "."),
            today,
            method,
            parent,
        )
        self.note_edit = QLineEdit()
        self.add_row("Note", self.note_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs["partial"] = self.partial
        kwargs["note"] = self.note_edit.text().strip()
        return Action(requests.fulfil, "Partially fulfil" if self.partial else "Fulfil", (), kwargs)


class ForwardDialog(_DatedStep):
    def __init__(
        self, number: str, today: date, method: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"{number}: forward",
            "A request that reached the wrong office goes to the custodian who holds the"
            " records; the requester is told why, where the records are, and that custodian's"
            " name and address (NMSA 1978, 14-2-8(E)).",
            today,
            method,
            parent,
        )
        self.to_name_edit = QLineEdit()
        self.add_row("Receiving custodian", self.to_name_edit)
        self.to_address_edit = QLineEdit()
        self.add_row("Custodian's address", self.to_address_edit)
        self.reason_edit = QLineEdit()
        self.add_row("Reason", self.reason_edit)
        self.location_edit = QLineEdit()
        self.add_row("Where the records are", self.location_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs.update(
            to_name=self.to_name_edit.text(),
            to_address=self.to_address_edit.text(),
            reason=self.reason_edit.text(),
            location=self.location_edit.text(),
        )
        return Action(requests.forward, "Forward", kwargs=kwargs)


class EndDialog(_DatedStep):
    """Withdraw or close, with a note; closing starts the hold's release period."""

    def __init__(self, number: str, today: date, kind: str, parent: QWidget | None = None) -> None:
        self.kind = kind
        about = (
            "The requester withdrew the request; every clock stops."
            if kind == "withdraw"
            else "Close the request: every clock stops, and the hold on its responsive records"
            " is released after the period set in Settings."
        )
        super().__init__(f"{number}: {kind}", about, today, None, parent)
        self.note_edit = QLineEdit()
        self.add_row("Note", self.note_edit)
        self.ok_text = "Withdraw" if kind == "withdraw" else "Close request"
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs["note"] = self.note_edit.text().strip()
        fn = requests.withdraw if self.kind == "withdraw" else requests.close
        return Action(fn, self.kind.capitalize(), kwargs=kwargs)


class LogTimeDialog(_DatedStep):
    def __init__(self, number: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(
            f"{number}: log time",
            "Staff time is logged for reports; IPRA allows no fee for it (14-2-9(C)).",
            today,
            None,
            parent,
        )
        self.minutes_spin = QSpinBox()
        self.minutes_spin.setRange(1, 24 * 60)
        self.minutes_spin.setValue(15)
        self.minutes_spin.setSuffix(" minutes")
        self.add_row("Time spent", self.minutes_spin)
        self.activity_edit = QLineEdit()
        self.add_row("Activity", self.activity_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs = self.dated()
        kwargs["minutes"] = self.minutes_spin.value()
        kwargs["activity"] = self.activity_edit.text().strip()
        return Action(requests.log_time, "Log time", kwargs=kwargs)


class RemoveRecordsDialog(ActionDialog):
    ok_text = "Remove"

    def __init__(self, number: str, record_ids: list[int], parent: QWidget | None = None) -> None:
        count = len(record_ids)
        super().__init__(
            f"{number}: remove from the responsive set",
            f"Remove {count} record{'s' if count != 1 else ''} from the responsive set. The"
            " reason is kept with who removed them and when; they leave the request's hold.",
            parent,
        )
        self.record_ids = record_ids
        self.reason_edit = QLineEdit()
        self.add_row("Reason", self.reason_edit)
        self.finish_layout()

    def collect(self) -> Action:
        return Action(
            responsive.remove_records,
            "Remove records",
            (list(self.record_ids), self.reason_edit.text()),
        )


class FeeDialog(ActionDialog):
    """A fee line: printed pages at the schedule's price, or the actual cost of media or
    mailing."""

    ok_text = "Add fee"

    def __init__(
        self, number: str, kind: str, per_page: str, parent: QWidget | None = None
    ) -> None:
        about = {
            "pages": f"Printed pages of 11x17 or smaller at {per_page} a page (Settings), capped"
            " by NMSA 1978, 14-2-9(C).",
            "media": "The actual cost of the storage media (14-2-9(C)).",
            "mailing": "The actual cost of mailing, e-mailing or faxing (14-2-9(C)).",
        }.get(kind, "")
        super().__init__(f"{number}: {fees.FEE_KINDS.get(kind, kind)}", about, parent)
        self.kind = kind
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, 10_000_000)
        self.add_row("Pages" if kind == "pages" else "Quantity", self.quantity_spin)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("e.g. 4.50")
        if kind != "pages":
            self.add_row("Cost each ($)", self.amount_edit)
        self.description_edit = QLineEdit()
        self.add_row("Description", self.description_edit)
        self.finish_layout()

    def collect(self) -> Action:
        kwargs: dict[str, Any] = {
            "quantity": self.quantity_spin.value(),
            "description": self.description_edit.text().strip(),
        }
        if self.kind != "pages":
            cents = dollars_cents(self.amount_edit.text())
            if cents is None:
                raise ValueError("Give the cost in dollars, such as 4.50.")
            kwargs["amount_cents"] = cents
        return Action(fees.add_fee, "Add fee", (self.kind,), kwargs)


class PaymentDialog(ActionDialog):
    ok_text = "Record payment"

    def __init__(
        self, number: str, today: date, balance: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"{number}: payment",
            f"Balance due: {balance}. A receipt number is given to the payment.",
            parent,
        )
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("e.g. 2.50")
        self.add_row("Amount ($)", self.amount_edit)
        self.method_combo = QComboBox()
        self.method_combo.addItems(list(fees.PAYMENT_METHODS))
        self.add_row("Method", self.method_combo)
        self.date_edit = date_edit(today)
        self.add_row("Received on", self.date_edit)
        self.finish_layout()

    def collect(self) -> Action:
        cents = dollars_cents(self.amount_edit.text())
        if cents is None:
            raise ValueError("Give the amount in dollars, such as 2.50.")
        return Action(
            fees.record_payment,
            "Record payment",
            (cents,),
            {"method": self.method_combo.currentText(), "received_on": picked_date(self.date_edit)},
        )

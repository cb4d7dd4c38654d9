"""Fees of a request (NMSA 1978, 14-2-9(C)): the lines charged, payments with their receipt
numbers, the balance, and whether payment is asked in advance.

Copies are charged per printed page at the Settings price (capped by the statute, refused by
the desk above the cap); media and mailing at their actual cost; nothing for inspection or for
deciding what is disclosable, so staff time is logged, never billed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ipra import fees
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import cell, make_table, selected_data

LINE_HEADERS = ("Fee", "Quantity", "Each", "Amount", "Description")
PAYMENT_HEADERS = ("Received", "Amount", "Method", "Receipt")


class FeesPanel(QWidget):
    add_requested = Signal(str)  # fee kind: pages | media | mailing
    remove_requested = Signal(int)  # fee line id
    payment_requested = Signal()
    advance_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status: fees.FeeStatus | None = None
        self._filling = False
        layout = QVBoxLayout(self)
        self.lines = make_table(LINE_HEADERS, stretch=4)
        self.lines.itemSelectionChanged.connect(self._selection)
        layout.addWidget(self.lines, 2)
        row = QHBoxLayout()
        self.pages_button = QPushButton("Add pages…")
        self.pages_button.clicked.connect(lambda: self.add_requested.emit("pages"))
        self.media_button = QPushButton("Add media…")
        self.media_button.clicked.connect(lambda: self.add_requested.emit("media"))
        self.mailing_button = QPushButton("Add mailing…")
        self.mailing_button.clicked.connect(lambda: self.add_requested.emit("mailing"))
        self.remove_button = QPushButton("Remove line")
        self.remove_button.clicked.connect(self._remove)
        for button in (self.pages_button, self.media_button, self.mailing_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        self.payments = make_table(PAYMENT_HEADERS, stretch=3)
        layout.addWidget(self.payments, 1)
        bottom = QHBoxLayout()
        self.balance_label = plain_label()
        bottom.addWidget(self.balance_label, 1)
        self.advance_check = QCheckBox("Payment asked in advance")
        self.advance_check.toggled.connect(self._advance)
        bottom.addWidget(self.advance_check)
        self.payment_button = QPushButton("Record payment…")
        self.payment_button.clicked.connect(self.payment_requested)
        bottom.addWidget(self.payment_button)
        layout.addLayout(bottom)
        self.note = plain_label(
            "No fee may be charged for inspection or for deciding what is disclosable"
            " (14-2-9(C)); log that time instead."
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        for widget in (
            self.pages_button,
            self.media_button,
            self.mailing_button,
            self.payment_button,
            self.advance_check,
        ):
            widget.setEnabled(enabled)
        self._selection()

    def clear(self) -> None:
        self.status = None
        self.lines.setRowCount(0)
        self.payments.setRowCount(0)
        self.balance_label.setText("")
        self.set_enabled(False)

    def set_status(self, status: fees.FeeStatus, enabled: bool) -> None:
        self.status = status
        self.lines.setRowCount(len(status.lines))
        for row, line in enumerate(status.lines):
            values: tuple[object, ...] = (
                fees.FEE_KINDS.get(line.kind, line.kind),
                line.quantity,
                fees.dollars(line.unit_cents),
                fees.dollars(line.amount_cents),
                line.description,
            )
            for col, value in enumerate(values):
                data = line.id if col == 0 else None
                tip = line.description if col == 4 else ""
                self.lines.setItem(row, col, cell(value, data=data, tip=tip))
        self.payments.setRowCount(len(status.payments))
        for row, p in enumerate(status.payments):
            values = (
                p.received_on.isoformat(),
                fees.dollars(p.amount_cents),
                p.method,
                p.receipt_number,
            )
            for col, value in enumerate(values):
                self.payments.setItem(row, col, cell(value))
        self.balance_label.setText(
            f"Total {fees.dollars(status.total_cents)}, paid {fees.dollars(status.paid_cents)},"
            f" balance {fees.dollars(status.balance_cents)}. Per page:"
            f" {fees.dollars(status.per_page_cents)}."
        )
        self._filling = True  # showing the stored flag must not write it back
        try:
            self.advance_check.setChecked(status.advance_payment)
        finally:
            self._filling = False
        self.set_enabled(enabled)

    def _selection(self) -> None:
        self.remove_button.setEnabled(
            self.payment_button.isEnabled() and selected_data(self.lines) is not None
        )

    def _remove(self) -> None:
        fee_id = selected_data(self.lines)
        if isinstance(fee_id, int):
            self.remove_requested.emit(fee_id)

    def _advance(self, checked: bool) -> None:
        if not self._filling:
            self.advance_changed.emit(checked)

"""Small pieces the Retention page's parts share: tables, badges and wording.

Everything shown here may come from an agency's schedule file or from what a user typed (hold
names, matters, queries): items of item views are plain text by nature, labels come from
`plain_label`, tooltips from `tooltip_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from retention_desk.retention.schedule import Series
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import tooltip_text

UNVERIFIED = "unverified"
VERIFIED = "verified"
WARN_STYLE = "color: #b3261e; font-weight: bold;"
REASON_NAMES = {
    "litigation": "Litigation",
    "audit": "Audit",
    "investigation": "Investigation",
    "ipra_request": "IPRA request",
    "other": "Other",
}


def isolate(value: str) -> str:
    """`value` inside Unicode first-strong isolates: a right-to-left override in a hold name
    cannot reverse the words around it when it is part of a sentence."""
    return f"\u2068{value}\u2069"


def unverified_tip(series: Series) -> str:
    note = f"\n\n{series.verified_note}" if series.verified_note else ""
    return tooltip_text(
        f"The citation {series.citation} has not been verified for this use. The series is"
        " configurable: an agency schedule file with the same code overrides it." + note
    )


def badge_item(series: Series) -> QTableWidgetItem:
    item = QTableWidgetItem(VERIFIED if series.verified else UNVERIFIED)
    if not series.verified:
        item.setToolTip(unverified_tip(series))
        item.setForeground(Qt.GlobalColor.darkRed)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    else:
        item.setToolTip(tooltip_text(f"The citation {series.citation} was checked."))
    return item


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 record', '1,200 records'."""
    return f"{fmt.count(n)} {noun if n == 1 else many or noun + 's'}"


def reason_name(code: str) -> str:
    return REASON_NAMES.get(code, code)


def make_table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.setShowGrid(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def cell(value: object, *, tip: str = "", data: object = None) -> QTableWidgetItem:
    """A read-only table item: counts right-aligned, text as it is (item text is never
    parsed as markup), the full text in a literal tooltip when given."""
    if isinstance(value, int) and not isinstance(value, bool):
        item = QTableWidgetItem(fmt.count(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    else:
        item = QTableWidgetItem("" if value is None else str(value))
    if tip:
        item.setToolTip(tooltip_text(tip))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def selected_data(table: QTableWidget) -> object:
    """The UserRole data of the selected row's first cell, or None."""
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def confirm(parent: QWidget, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
    """A window-modal Yes/No question shown literally; `on_yes` runs only for Yes. Opened,
    not exec'd, so a test can answer it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        "",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(button: object) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Yes:  # type: ignore[arg-type]
            on_yes()

    box.buttonClicked.connect(answered)
    box.open()
    return box

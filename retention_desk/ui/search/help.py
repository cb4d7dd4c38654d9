"""The query syntax help: general rules as plain text and a table of every filter.

The filter table is built from `filter_help()`, so a filter added to the search package
(series:, hold:, ...) appears here without a GUI change. Double-clicking an example puts it
into the search field.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.search import FilterInfo, filter_help
from retention_desk.ui.plain import plain_label

SYNTAX_TEXT = """\
police chief          records containing both words (any version of the text)
"open house"          the exact phrase
fire OR smoke         either word (OR in capitals binds tighter than the spaces)
-parade               leave out records containing the word
inspect*              words starting with "inspect"
name:value            a filter from the table below; -name:value excludes it
name:"two words"      a filter value with spaces

An empty search lists the whole archive, newest first. Dates are days in the agency's
time zone. Deleted and hidden records are always included and marked; use is:deleted or
-is:deleted to narrow. Enter runs the search, Esc clears it, Ctrl+F comes back here."""


class SyntaxHelpDialog(QDialog):
    """Non-modal help window; `example_chosen` carries a double-clicked example."""

    example_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, filters: list[FilterInfo] | None = None):
        super().__init__(parent)
        self.setWindowTitle("Search syntax")
        self.resize(720, 560)
        layout = QVBoxLayout(self)
        self.syntax = QPlainTextEdit()
        self.syntax.setReadOnly(True)
        self.syntax.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.syntax.setPlainText(SYNTAX_TEXT)
        self.syntax.setFixedHeight(self.syntax.fontMetrics().lineSpacing() * 15)
        layout.addWidget(self.syntax)
        layout.addWidget(plain_label("Filters (double-click an example to use it)"))
        infos = filters if filters is not None else filter_help()
        self.table = QTableWidget(len(infos), 3)
        self.table.setHorizontalHeaderLabels(["Filter", "Meaning", "Example"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, info in enumerate(infos):
            for col, value in enumerate((f"{info.name}:", info.help, info.example)):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def _double_clicked(self, row: int, _col: int) -> None:
        item = self.table.item(row, 2)
        if item is not None:
            self.example_chosen.emit(item.text())

"""The widgets of the review queue's Candidates tab: filters, the table, the context pane and
the action buttons (each naming its key). Behaviour lives in `queue_dialog`, which connects
them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ui.plain import plain_label
from retention_desk.ui.review.context_view import ContextPane
from retention_desk.ui.review.queue_model import STATUS_FILTERS, CandidateTableModel

COLUMN_WIDTHS = (70, 80, 130, 170, 150, 170)


def _button(text: str, tip: str, row: QHBoxLayout) -> QPushButton:
    button = QPushButton(text)
    if tip:
        button.setToolTip(tip)  # our own words: no imported text in these tooltips
    button.setAutoDefault(False)  # Enter must never decide anything by accident
    row.addWidget(button)
    return button


class QueueTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(plain_label("Type"))
        self.type_combo = QComboBox()
        self.type_combo.addItem("All types", None)
        top.addWidget(self.type_combo)
        top.addWidget(plain_label("Status"))
        self.status_combo = QComboBox()
        for key, name in STATUS_FILTERS:
            self.status_combo.addItem(name, key)
        top.addWidget(self.status_combo)
        top.addStretch(1)
        self.detect_button = _button(
            "Run detection",
            "Search the request's records again; decisions already made are kept.",
            top,
        )
        self.persons_button = _button("Persons…", "Name people to redact across the request.", top)
        self.report_button = _button(
            "Report for counsel…",
            "An Excel workbook: progress by type and every candidate with its decision.",
            top,
        )
        layout.addLayout(top)

        self.model = CandidateTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(col, width)
        self.context = ContextPane()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.context)
        splitter.setSizes([420, 260])
        layout.addWidget(splitter, 1)

        actions = QHBoxLayout()
        self.accept_button = _button(
            "Accept (A)", "Accept: the proposed part is blacked out.", actions
        )
        self.reject_button = _button("Reject (R)", "Reject: nothing is blacked out.", actions)
        self.adjust_button = _button("Adjust… (E)", "Change the span, then accept.", actions)
        self.previous_button = _button("Previous (K, Up)", "", actions)
        self.next_button = _button("Next (J, Down)", "", actions)
        self.next_undecided_button = _button("Next undecided (N)", "", actions)
        self.undo_button = _button(
            "Undo (Ctrl+Z)", "Take back the last decision made in this window.", actions
        )
        actions.addStretch(1)
        self.accept_type_button = _button(
            "Accept all of this type…",
            "See how many and a sample of them first (the type filter's type, else the current"
            " candidate's).",
            actions,
        )
        layout.addLayout(actions)

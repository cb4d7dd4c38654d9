"""What the window shows when no archive is open: create, open, or reopen a recent archive."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.ui.plain import plain_label, tooltip_text

PathRole = Qt.ItemDataRole.UserRole + 1


class WelcomeView(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    demo_requested = Signal()
    recent_requested = Signal(Path)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        title = plain_label("Retention Desk")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        title.setFont(font)
        column.addWidget(title)
        intro = plain_label(
            "Keeps your agency's social-media records with their originals and an audit "
            "trail, for retention schedules and public-records (IPRA) requests.\n\n"
            "No archive is open. Create a new archive, or open an existing one."
        )
        intro.setWordWrap(True)
        intro.setMinimumWidth(460)
        column.addWidget(intro)
        column.addSpacing(12)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("New archive…")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("Open archive…")
        self.open_button.clicked.connect(self.open_requested)
        self.demo_button = QPushButton("Try the demo archive")
        self.demo_button.setToolTip("A synthetic archive of a fictional police department")
        self.demo_button.clicked.connect(self.demo_requested)
        for button in (self.new_button, self.open_button, self.demo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addSpacing(12)

        self.recent_title = plain_label("Recent archives")
        column.addWidget(self.recent_title)
        self.recent_list = QListWidget()
        self.recent_list.setMaximumHeight(180)
        self.recent_list.itemActivated.connect(
            lambda item: self.recent_requested.emit(item.data(PathRole))
        )
        column.addWidget(self.recent_list)
        column.addStretch(2)
        outer.addLayout(column, 3)
        outer.addStretch(1)
        self.set_recent([])

    def set_recent(self, paths: list[Path]) -> None:
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(PathRole, path)
            item.setToolTip(tooltip_text(str(path)))
            self.recent_list.addItem(item)
        self.recent_title.setVisible(bool(paths))
        self.recent_list.setVisible(bool(paths))

"""The Archive view's search bar: query field with history and completion, sort order, syntax
help, and an inline error line (a query that cannot run is explained under the field, never
in a modal box that would take the focus away from the text being corrected)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.search import filter_help
from retention_desk.ui.plain import plain_label
from retention_desk.ui.search.help import SyntaxHelpDialog
from retention_desk.ui.search.history import QueryCompleter, SearchHistory

SORT_CHOICES = (("Newest first", "date"), ("Oldest first", "oldest"), ("Best match", "relevance"))
PLACEHOLDER = 'Search: words, "a phrase", -exclude, platform:x, is:deleted, on:2021-03 …'


class SearchBar(QWidget):
    """Emits `submitted(text, sort)` on Enter, the Search button or a sort change, and
    `cleared()` when Esc empties the field."""

    submitted = Signal(str, str)
    cleared = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = SearchHistory(settings)
        self._help: SyntaxHelpDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        row = QHBoxLayout()
        self.field = QLineEdit()
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search query")
        self.completer = QueryCompleter(self.field)
        self.completer.set_filters([info.name for info in filter_help()])
        self.completer.set_history(self.history.entries())
        self.field.setCompleter(self.completer)
        self.field.textEdited.connect(self.completer.update_for)
        self.field.returnPressed.connect(self.submit)
        self.field.installEventFilter(self)
        row.addWidget(self.field, 1)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setToolTip("Search syntax and filters")
        self.help_button.clicked.connect(self.show_help)
        row.addWidget(self.help_button)
        self.sort_combo = QComboBox()
        for label, key in SORT_CHOICES:
            self.sort_combo.addItem(label, key)
        self.sort_combo.setToolTip("Order of the results")
        self.sort_combo.currentIndexChanged.connect(lambda _i: self.submit())
        row.addWidget(self.sort_combo)
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self.submit)
        row.addWidget(self.search_button)
        layout.addLayout(row)
        self.error_label = plain_label(selectable=True)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)

    # ---------------------------------------------------------------- queries
    def text(self) -> str:
        return self.field.text()

    def set_text(self, text: str) -> None:
        self.field.setText(text)
        self.completer.update_for(text)

    def sort(self) -> str:
        return str(self.sort_combo.currentData())

    def set_sort(self, sort: str, *, quiet: bool = True) -> None:
        """Select `sort` without running the search (unless `quiet` is False)."""
        index = max(0, self.sort_combo.findData(sort))
        if quiet:
            self.sort_combo.blockSignals(True)
        try:
            self.sort_combo.setCurrentIndex(index)
        finally:
            self.sort_combo.blockSignals(False)

    def submit(self) -> None:
        self.submitted.emit(self.field.text(), self.sort())

    def remember(self, text: str) -> None:
        """Add a query that ran to the history (failed queries are not kept)."""
        if text.strip():
            self.completer.set_history(self.history.add(text))

    def focus_search(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    # ----------------------------------------------------------------- errors
    def set_error(self, message: str | None) -> None:
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))

    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    # ------------------------------------------------------------------- help
    def show_help(self) -> SyntaxHelpDialog:
        if self._help is None:
            self._help = SyntaxHelpDialog(self)
            self._help.example_chosen.connect(self._use_example)
        self._help.show()
        self._help.raise_()
        return self._help

    def _use_example(self, example: str) -> None:
        current = self.field.text().strip()
        self.set_text(f"{current} {example}".strip())
        self.field.setFocus()

    # ------------------------------------------------------------------- keys
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            popup = self.completer.popup()
            if popup is not None and popup.isVisible():
                return False
            self.field.clear()
            self.set_error(None)
            self.cleared.emit()
            return True
        return super().eventFilter(watched, event)

"""Saved searches: a side list to save the current query under a name, run one again later
(with its saved sort order) or delete it. Saving and deleting are audited by the search
package; both run on the task runner as they write to the archive.

Dialogs are opened, never exec'd (no nested event loop): a name dialog for saving, a yes/no
box before replacing or deleting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.search import (
    QueryError,
    SavedSearch,
    SavedSearchError,
    delete_saved,
    list_saved,
    save_search,
)
from retention_desk.ui.plain import plain_label, tooltip_text
from retention_desk.ui.tasks import Task, TaskRunner

SavedRole = Qt.ItemDataRole.UserRole + 1
SORT_LABELS = {"date": "newest first", "oldest": "oldest first", "relevance": "best match"}


@dataclass(frozen=True)
class SavedOutcome:
    """What a save or delete did: the list afterwards, or why it could not be done."""

    saved: list[SavedSearch]
    error: str | None = None


def _save(archive: Archive, name: str, query: str, sort: str, replace: bool) -> SavedOutcome:
    try:
        save_search(archive, name, query, sort=sort, replace=replace)
    except (SavedSearchError, QueryError) as exc:
        return SavedOutcome(list_saved(archive), str(exc))
    return SavedOutcome(list_saved(archive))


def _delete(archive: Archive, name: str) -> SavedOutcome:
    try:
        delete_saved(archive, name)
    except SavedSearchError as exc:
        return SavedOutcome(list_saved(archive), str(exc))
    return SavedOutcome(list_saved(archive))


class SavedSearchesPanel(QWidget):
    """`run_requested(query, sort)` asks the view to run a saved search; `changed` follows a
    save or delete (the audit trail grew)."""

    run_requested = Signal(str, str)
    changed = Signal()
    listed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        current: Callable[[], tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._current = current
        self._archive: Archive | None = None
        self._generation = 0
        self.name_dialog: QInputDialog | None = None
        self.confirm_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(plain_label("Saved searches"))
        self.list = QListWidget()
        self.list.itemActivated.connect(self._run_item)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        # tool buttons: the side panel must be able to stay narrow
        self.save_button = QToolButton()
        self.save_button.setText("Save…")
        self.save_button.setToolTip("Save the current search under a name")
        self.save_button.clicked.connect(self.ask_save)
        self.run_button = QToolButton()
        self.run_button.setText("Run")
        self.run_button.clicked.connect(lambda: self._run_item(self.list.currentItem()))
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete")
        self.delete_button.clicked.connect(self.ask_delete)
        for button in (self.save_button, self.run_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        self._update_buttons()

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._generation += 1
        self.list.clear()
        self._set_status(None)
        self._update_buttons()
        if archive is not None:
            self.reload()

    def reload(self) -> None:
        if self._archive is None:
            return
        generation = self._generation
        task = Task(partial(list_saved, self._archive), progress=False, cancel=False)
        task.finished.connect(lambda saved: self._show(generation, saved))
        task.failed.connect(lambda message: self._failed(generation, message))
        self._runner.submit(task)

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _show(self, generation: int, saved: list[SavedSearch]) -> None:
        if generation != self._generation:
            return
        selected = self.list.currentItem().text() if self.list.currentItem() else None
        self.list.clear()
        for entry in saved:
            item = QListWidgetItem(entry.name)
            item.setData(SavedRole, entry)
            sort = SORT_LABELS.get(entry.sort, entry.sort)
            who = f"\nSaved by {entry.created_by}" if entry.created_by else ""
            item.setToolTip(tooltip_text(f"{entry.query or '(everything)'}\n{sort}{who}"))
            self.list.addItem(item)
            if entry.name == selected:
                self.list.setCurrentItem(item)
        self._update_buttons()
        self.listed.emit()

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._set_status(message)

    def _set_status(self, message: str | None) -> None:
        self.status.setText(message or "")
        self.status.setVisible(bool(message))

    def _update_buttons(self) -> None:
        has_archive = self._archive is not None
        selected = self.list.currentItem() is not None
        self.save_button.setEnabled(has_archive)
        self.run_button.setEnabled(has_archive and selected)
        self.delete_button.setEnabled(has_archive and selected)

    # -------------------------------------------------------------------- run
    def _run_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        entry = item.data(SavedRole)
        if isinstance(entry, SavedSearch):
            self.run_requested.emit(entry.query, entry.sort)

    # ------------------------------------------------------------------- save
    def ask_save(self) -> QInputDialog | None:
        if self._archive is None:
            return None
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Save search")
        dialog.setLabelText("Name for this search:")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        query, _sort = self._current()
        dialog.setTextValue(" ".join(query.split())[:60])
        dialog.textValueSelected.connect(self._name_chosen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.name_dialog = dialog
        dialog.open()
        return dialog

    def _name_chosen(self, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            self._set_status("A saved search needs a name.")
            return
        query, sort = self._current()
        if name in self.names():
            self._confirm(
                f"A saved search named '{name}' exists. Replace it with the current search?",
                lambda: self.save(name, query, sort, replace=True),
            )
            return
        self.save(name, query, sort)

    def save(self, name: str, query: str, sort: str, *, replace: bool = False) -> Task | None:
        """Store `query` under `name` (on the runner); the list refreshes when done."""
        if self._archive is None:
            return None
        task = Task(
            partial(_save, self._archive, name, query, sort, replace),
            progress=False,
            cancel=False,
            title="Save search",
        )
        return self._submit_change(task)

    # ----------------------------------------------------------------- delete
    def ask_delete(self) -> None:
        item = self.list.currentItem()
        if item is None or self._archive is None:
            return
        name = item.text()
        self._confirm(f"Delete the saved search '{name}'?", lambda: self.delete(name))

    def delete(self, name: str) -> Task | None:
        if self._archive is None:
            return None
        task = Task(
            partial(_delete, self._archive, name), progress=False, cancel=False, title="Delete"
        )
        return self._submit_change(task)

    # ---------------------------------------------------------------- helpers
    def _submit_change(self, task: Task) -> Task:
        generation = self._generation
        task.finished.connect(lambda outcome: self._changed(generation, outcome))
        task.failed.connect(lambda message: self._failed(generation, message))
        self._set_status(None)
        return self._runner.submit(task)

    def _changed(self, generation: int, outcome: SavedOutcome) -> None:
        if generation != self._generation:
            return
        self._show(generation, outcome.saved)
        self._set_status(outcome.error)
        if outcome.error is None:
            self.changed.emit()

    def _confirm(self, question: str, action: Callable[[], object]) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Saved searches",
            "",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(question)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                action()

        box.finished.connect(done)
        self.confirm_box = box
        box.open()
        return box

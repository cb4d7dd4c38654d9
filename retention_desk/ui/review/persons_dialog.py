"""Persons named for a request's review: listed, added (name, handles, exemption code from
the catalogue) and removed. A change takes effect at the next detection run, which finds
every mention, author name and handle of them in the set.

Names and handles are untrusted text: list items and plain labels only.
"""

from __future__ import annotations

import re
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.ui.plain import plain_label
from retention_desk.ui.review import ops
from retention_desk.ui.tasks import Task, TaskRunner

NOTE = (
    "Name a person once, with the exemption that protects them (for example a victim or a"
    " witness before charges, 14-2-1.2): the next detection run proposes every mention, author"
    " name, handle and reply to them in the request's set. Removing a person drops their"
    " undecided candidates at the next run; decisions already made stay."
)
WARN_STYLE = "color: #b3261e; font-weight: bold;"


def split_handles(text: str) -> list[str]:
    return [h for h in re.split(r"[\s,;]+", text) if h]


class PersonsDialog(QDialog):
    def __init__(
        self, archive: Archive, runner: TaskRunner, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._runner = runner
        self.number = number
        self.changed = False  # a person added or removed: detection should run again
        self.setWindowTitle(f"Persons to redact in {number}")
        self.resize(600, 480)
        layout = QVBoxLayout(self)
        note = plain_label(NOTE)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.list = QListWidget()
        self.list.itemSelectionChanged.connect(self._buttons)
        layout.addWidget(self.list, 1)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("the name as people write it")
        form.addRow(plain_label("Name"), self.name_edit)
        self.handles_edit = QLineEdit()
        self.handles_edit.setPlaceholderText("optional: account handles, separated by spaces")
        form.addRow(plain_label("Handles"), self.handles_edit)
        self.code_combo = QComboBox()
        self.code_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.code_combo.setMinimumContentsLength(40)
        form.addRow(plain_label("Exemption"), self.code_combo)
        layout.addLayout(form)
        self.status = plain_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add person")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove person")
        self.remove_button.clicked.connect(self.remove_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        for button in (self.add_button, self.remove_button, close):
            button.setAutoDefault(False)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.name_edit.textChanged.connect(self._buttons)
        self.code_combo.currentIndexChanged.connect(self._buttons)
        self._buttons()
        self.load()

    def _submit(self, fn: object, title: str) -> Task:
        task = Task(fn, progress=False, cancel=False, title=title)  # type: ignore[arg-type]
        task.failed.connect(self._failed)
        return task

    def _failed(self, message: str) -> None:
        self.status.setStyleSheet(WARN_STYLE)
        self.status.setText(message)

    def load(self) -> Task:
        task = self._submit(partial(ops.load_persons, self._archive, self.number), "Persons")
        task.finished.connect(self._loaded)
        return self._runner.submit(task)

    def _loaded(self, data: ops.PersonsData) -> None:
        if not self.code_combo.count():
            for code, text in data.codes:
                self.code_combo.addItem(text, code)
            self.code_combo.setCurrentIndex(-1)
        self.list.clear()
        for person in data.persons:
            handles = ", ".join("@" + h for h in person.handles)
            text = f"{person.name}{' (' + handles + ')' if handles else ''} · {person.code}"
            item = QListWidgetItem(text)  # a list item's text is never parsed as markup
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.list.addItem(item)
        self._buttons()

    def _buttons(self) -> None:
        self.add_button.setEnabled(
            bool(self.name_edit.text().strip()) and self.code_combo.currentIndex() >= 0
        )
        self.remove_button.setEnabled(self.list.currentItem() is not None)

    def add(self) -> Task | None:
        code = self.code_combo.currentData()
        name = self.name_edit.text()
        if not name.strip() or code is None:
            return None
        task = self._submit(
            partial(
                ops.add_person,
                self._archive,
                self.number,
                name,
                split_handles(self.handles_edit.text()),
                str(code),
            ),
            "Add person",
        )
        task.finished.connect(self._added)
        return self._runner.submit(task)

    def _added(self, person: object) -> None:
        self.changed = True
        self.name_edit.clear()
        self.handles_edit.clear()
        self.status.setStyleSheet("")
        self.status.setText("Added. Run detection to find their mentions.")
        self.load()

    def remove_selected(self) -> Task | None:
        item = self.list.currentItem()
        if item is None:
            return None
        person_id = int(item.data(Qt.ItemDataRole.UserRole))
        task = self._submit(
            partial(ops.remove_person, self._archive, self.number, person_id), "Remove person"
        )
        task.finished.connect(self._removed)
        return self._runner.submit(task)

    def _removed(self, _result: object) -> None:
        self.changed = True
        self.status.setStyleSheet("")
        self.status.setText("Removed. Their undecided candidates go at the next detection run.")
        self.load()

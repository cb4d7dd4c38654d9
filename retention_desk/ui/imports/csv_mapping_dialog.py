"""Choose which CSV column holds which record field, seeing the file's headers and first rows.

The rows are the file's own text, shown as plain text in a table (never interpreted: a cell
saying `=HYPERLINK(...)` or `<img src=...>` appears exactly so). Named mappings can be saved
in the archive as presets (audited) and loaded again for the next export from the same vendor.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.importers.csv.mapping import (
    FIELDS,
    MappingError,
    Preset,
    auto_map,
    delete_preset,
    list_presets,
    missing_essentials,
    save_preset,
    validate_mapping,
)
from retention_desk.ui.imports.preview import CsvInput
from retention_desk.ui.plain import plain_label
from retention_desk.ui.tasks import Task, TaskRunner

NOT_USED = "(not used)"
CELL_CHARS = 300  # a table cell shows this much of a long text; the import keeps it all
PLATFORMS = ("", "facebook", "x", "instagram", "youtube", "linkedin", "tiktok", "nextdoor")


class CsvMappingDialog(QDialog):
    """`mapping()`, `platform()` and `preset_name()` hold the choice once accepted."""

    presets_loaded = Signal(list)  # [Preset]
    preset_saved = Signal(str)
    preset_deleted = Signal(str)

    def __init__(
        self,
        inputs: Sequence[CsvInput],
        *,
        mapping: dict[str, str] | None = None,
        platform: str | None = None,
        archive: Archive | None = None,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if not inputs:
            raise ValueError("the mapping dialog needs at least one CSV file")
        self.inputs = list(inputs)
        self._archive = archive
        self._runner = runner
        self._loaded_preset: str | None = None
        self._filling = False
        self.presets: list[Preset] = []
        # Columns of every CSV in this import: one mapping applies to all of them.
        self.headers = list(dict.fromkeys(h for i in self.inputs for h in i.headers))
        self.setWindowTitle("CSV column mapping")
        self.resize(980, 680)
        self._build()
        self.show_file(0)
        self.set_mapping(mapping if mapping is not None else self.inputs[0].mapping)
        self.platform_combo.setCurrentText(platform or "")
        self.reload_presets()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        intro = plain_label(
            "Choose the column that holds each field. Columns not chosen are kept with every"
            " record as extra data, and the whole row is kept as it was. The mapping applies to"
            " every CSV file of this import."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        top = QHBoxLayout()
        top.addWidget(plain_label("File:"))
        self.file_combo = QComboBox()
        for item in self.inputs:
            self.file_combo.addItem(f"{item.path} ({item.source})")
        self.file_combo.currentIndexChanged.connect(self.show_file)
        top.addWidget(self.file_combo, 1)
        layout.addLayout(top)

        self.sample = QTableWidget(0, 0)
        self.sample.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sample.setWordWrap(False)
        self.sample.verticalHeader().setVisible(False)
        layout.addWidget(self.sample, 2)

        middle = QHBoxLayout()
        fields_box = QGroupBox("Fields")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        inner = QWidget()
        form = QFormLayout(inner)
        self.combos: dict[str, QComboBox] = {}
        for field, meaning in FIELDS.items():
            combo = QComboBox()
            combo.addItem(NOT_USED)
            combo.addItems(self.headers)
            combo.currentIndexChanged.connect(self._changed)
            self.combos[field] = combo
            form.addRow(plain_label(f"{meaning} ({field})"), combo)
        self.platform_combo = QComboBox()
        self.platform_combo.setEditable(True)
        self.platform_combo.addItems(PLATFORMS)
        self.platform_combo.setToolTip("Used for rows whose platform column is empty or absent")
        form.addRow(plain_label("Platform when no column says it"), self.platform_combo)
        scroll.setWidget(inner)
        box_layout = QVBoxLayout(fields_box)
        box_layout.addWidget(scroll)
        guess = QPushButton("Guess from headers")
        guess.clicked.connect(lambda: self.set_mapping(auto_map(self.headers)))
        box_layout.addWidget(guess)
        middle.addWidget(fields_box, 3)

        presets_box = QGroupBox("Saved presets")
        presets_layout = QVBoxLayout(presets_box)
        self.preset_combo = QComboBox()
        presets_layout.addWidget(self.preset_combo)
        row = QHBoxLayout()
        self.load_button = QPushButton("Load")
        self.load_button.clicked.connect(self.load_selected_preset)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.delete_selected_preset)
        row.addWidget(self.load_button)
        row.addWidget(self.delete_button)
        presets_layout.addLayout(row)
        presets_layout.addWidget(plain_label("Save this mapping as:"))
        self.preset_name_edit = QLineEdit()
        self.preset_name_edit.setPlaceholderText("e.g. ArchiveSocial export")
        presets_layout.addWidget(self.preset_name_edit)
        self.save_button = QPushButton("Save preset")
        self.save_button.clicked.connect(self.save_current_preset)
        presets_layout.addWidget(self.save_button)
        presets_layout.addStretch(1)
        has_archive = self._archive is not None and self._runner is not None
        presets_box.setEnabled(has_archive)
        middle.addWidget(presets_box, 1)
        layout.addLayout(middle, 3)

        self.message = plain_label()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def show_file(self, index: int) -> None:
        """Show one file's headers and first rows, as plain text."""
        item = self.inputs[max(0, index)]
        width = max([len(item.headers), *(len(r) for r in item.sample)])
        self.sample.clear()
        self.sample.setColumnCount(width)
        self.sample.setRowCount(len(item.sample))
        labels = list(item.headers) + [f"Column {i + 1}" for i in range(len(item.headers), width)]
        self.sample.setHorizontalHeaderLabels(labels)
        for r, row in enumerate(item.sample):
            for c, value in enumerate(row):
                shown = value if len(value) <= CELL_CHARS else value[:CELL_CHARS] + "…"
                # QTableWidgetItem text is never interpreted as markup.
                self.sample.setItem(r, c, QTableWidgetItem(shown.replace("\n", " ⏎ ")))

    # ------------------------------------------------------------------- mapping
    def set_mapping(self, mapping: dict[str, str]) -> None:
        self._filling = True
        try:
            for field, combo in self.combos.items():
                column = mapping.get(field)
                index = combo.findText(column, Qt.MatchFlag.MatchExactly) if column else -1
                if column and index < 0:
                    combo.addItem(column)  # a preset's column this file lacks: keep it visible
                    index = combo.count() - 1
                combo.setCurrentIndex(max(index, 0))
        finally:
            self._filling = False
        self._loaded_preset = None
        self._update_message()

    def mapping(self) -> dict[str, str]:
        return {
            field: combo.currentText()
            for field, combo in self.combos.items()
            if combo.currentIndex() > 0
        }

    def platform(self) -> str | None:
        return self.platform_combo.currentText().strip() or None

    def preset_name(self) -> str | None:
        """The preset the mapping came from, while it is unchanged."""
        return self._loaded_preset

    def _changed(self, _index: int) -> None:
        if not self._filling:
            self._loaded_preset = None
            self._update_message()

    def _update_message(self) -> None:
        mapping = self.mapping()
        missing = missing_essentials(mapping)
        absent = {c for c in mapping.values() if c not in self.headers}
        parts = []
        if missing:
            parts.append("Still needed: " + " and ".join(missing) + ".")
        if absent:
            parts.append("Not in these files: " + ", ".join(sorted(absent)) + ".")
        self.message.setText(" ".join(parts))

    def accept(self) -> None:
        try:
            validate_mapping(self.mapping())
        except MappingError as exc:
            self.message.setText(f"This mapping cannot be used: {exc}.")
            return
        super().accept()

    # ------------------------------------------------------------------- presets
    def _submit(self, fn: partial, done: object, what: str) -> None:
        if self._archive is None or self._runner is None:
            return
        task = Task(fn, progress=False, cancel=False, title=what)
        task.finished.connect(done)
        task.failed.connect(lambda message: self.message.setText(f"{what} failed: {message}"))
        self._runner.submit(task)

    def reload_presets(self) -> None:
        self._submit(partial(list_presets, self._archive), self._presets_arrived, "Presets")

    def _presets_arrived(self, presets: list[Preset]) -> None:
        self.presets = list(presets)
        current = self.preset_combo.currentText()
        self.preset_combo.clear()
        self.preset_combo.addItems([p.name for p in self.presets])
        if current:
            self.preset_combo.setCurrentText(current)
        enabled = bool(self.presets)
        self.load_button.setEnabled(enabled)
        self.delete_button.setEnabled(enabled)
        self.presets_loaded.emit(self.presets)

    def load_selected_preset(self) -> None:
        name = self.preset_combo.currentText()
        for preset in self.presets:
            if preset.name == name:
                self.set_mapping(preset.mapping)
                self._loaded_preset = name
                self.message.setText(f"Loaded preset {name}.")
                return

    def save_current_preset(self) -> None:
        name = self.preset_name_edit.text().strip()
        mapping = self.mapping()

        def saved(_clean: object) -> None:
            self._loaded_preset = name
            self.message.setText(f"Saved preset {name}.")
            self.preset_saved.emit(name)
            self.reload_presets()

        try:  # checked here too so a bad name or mapping is answered at once
            validate_mapping(mapping)
            if not name:
                raise MappingError("type a name for the preset")
        except MappingError as exc:
            self.message.setText(f"Cannot save the preset: {exc}.")
            return
        self._submit(partial(save_preset, self._archive, name, mapping), saved, "Saving preset")

    def delete_selected_preset(self) -> None:
        name = self.preset_combo.currentText()
        if not name:
            return

        def deleted(_found: object) -> None:
            self.message.setText(f"Deleted preset {name}.")
            self.preset_deleted.emit(name)
            self.reload_presets()

        self._submit(partial(delete_preset, self._archive, name), deleted, "Deleting preset")

"""The Import page: pick or drop exports, see what they hold before anything is written, import.

Flow: inputs (files, folders, zips) -> a preview computed on the task runner (detection and
each importer's preview; nothing is written) -> options (account, CSV column mapping) ->
Import on the task runner with progress and Cancel -> a per-file summary. After an import the
page tells the other pages through `changes.notify("import")`.

Everything shown from the inputs (file names, notes, warnings, CSV cells) is untrusted and
shown as plain text: table items, plain labels, QPlainTextEdit, escaped tooltips.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.registry import all_importers
from retention_desk.importers.run import ImportSummary, run_import
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.imports.csv_mapping_dialog import CsvMappingDialog
from retention_desk.ui.imports.inputs import Refusal, sort_inputs
from retention_desk.ui.imports.preview import PreviewResult, gather_preview
from retention_desk.ui.imports.tables import (
    NOTES_COLUMN,
    PREVIEW_COLUMNS,
    SUMMARY_COLUMNS,
    describe_preview_row,
    file_details,
    make_table,
    plain_item,
    preview_cells,
    summary_cells,
    totals_text,
)
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.tasks import Latest, Task, TaskRunner

PROGRESS_STEPS = 1000  # the bar's resolution; the runner reports bytes


class ImportView(QWidget):
    preview_ready = Signal(object)  # PreviewResult
    import_finished = Signal(object)  # ImportSummary (also when it was cancelled midway)
    import_cancelled = Signal()  # cancelled before it started: nothing written

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self._paths: list[str] = []
        self._mapping: dict[str, str] | None = None
        self._preset: str | None = None
        self._platform: str | None = None
        self._latest = Latest()
        self._import_task: Task | None = None
        self.preview: PreviewResult | None = None
        self.summary: ImportSummary | None = None
        self._row_details: list[str] = []
        self._summary_details: list[str] = []
        self.setAcceptDrops(True)
        self._build()
        self._update_buttons()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        hint = plain_label(
            "Drop platform exports (zip or folder), web archives (WARC, WACZ) or CSV"
            " spreadsheets here, or add them with the buttons. You see what each holds before"
            " anything is written; originals are kept byte for byte."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)

        inputs_row = QHBoxLayout()
        self.inputs = QListWidget()
        self.inputs.setMaximumHeight(90)
        self.inputs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        inputs_row.addWidget(self.inputs, 1)
        buttons = QVBoxLayout()
        self.add_files_button = QPushButton("Add files…")
        self.add_files_button.clicked.connect(self.ask_files)
        self.add_folder_button = QPushButton("Add folder…")
        self.add_folder_button.clicked.connect(self.ask_folder)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.clear_button = QPushButton("Clear")
        self.clear_button.clicked.connect(self.clear_inputs)
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_button,
            self.clear_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        inputs_row.addLayout(buttons)
        layout.addLayout(inputs_row)
        self.refused_label = plain_label()
        self.refused_label.setWordWrap(True)
        self.refused_label.setStyleSheet("color: palette(link);")
        self.refused_label.setVisible(False)
        layout.addWidget(self.refused_label)

        options = QGroupBox("Options")
        grid = QGridLayout(options)
        grid.addWidget(plain_label("Read as:"), 0, 0)
        self.format_combo = QComboBox()
        self.format_combo.addItem("Detect automatically", None)
        for importer in all_importers():
            self.format_combo.addItem(importer.label, importer.name)
        self.format_combo.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        grid.addWidget(self.format_combo, 0, 1)
        grid.addWidget(plain_label("Assign to account:"), 1, 0)
        self.account_combo = QComboBox()
        self.account_combo.setEditable(True)
        self.account_combo.lineEdit().setPlaceholderText(
            "as detected in the export (or choose / type a handle)"
        )
        self.account_combo.currentTextChanged.connect(lambda _t: self._show_account())
        grid.addWidget(self.account_combo, 1, 1)
        grid.addWidget(plain_label("CSV columns:"), 2, 0)
        mapping_row = QHBoxLayout()
        self.mapping_label = plain_label()
        self.mapping_label.setWordWrap(True)
        mapping_row.addWidget(self.mapping_label, 1)
        self.mapping_button = QPushButton("Column mapping…")
        self.mapping_button.clicked.connect(self.open_mapping_dialog)
        mapping_row.addWidget(self.mapping_button)
        self.mapping_reset = QPushButton("Guess again")
        self.mapping_reset.setToolTip("Forget the chosen mapping; guess from each file's headers")
        self.mapping_reset.clicked.connect(self.reset_mapping)
        mapping_row.addWidget(self.mapping_reset)
        grid.addLayout(mapping_row, 2, 1)
        grid.setColumnStretch(1, 1)
        layout.addWidget(options)

        splitter = QSplitter(Qt.Orientation.Vertical)
        preview_box = QGroupBox("What the inputs hold (nothing written yet)")
        preview_layout = QVBoxLayout(preview_box)
        status_row = QHBoxLayout()
        self.preview_status = plain_label("Add files or folders to see what they hold.")
        self.preview_status.setWordWrap(True)
        status_row.addWidget(self.preview_status, 1)
        self.refresh_button = QPushButton("Refresh preview")
        self.refresh_button.clicked.connect(self.refresh_preview)
        status_row.addWidget(self.refresh_button)
        preview_layout.addLayout(status_row)
        self.preview_table = make_table(PREVIEW_COLUMNS)
        self.preview_table.itemSelectionChanged.connect(self._show_preview_details)
        preview_layout.addWidget(self.preview_table, 3)
        self.preview_details = QPlainTextEdit()
        self.preview_details.setReadOnly(True)
        self.preview_details.setMaximumHeight(90)
        self.preview_details.setPlaceholderText("Select a row to read its notes in full.")
        preview_layout.addWidget(self.preview_details, 1)
        splitter.addWidget(preview_box)

        summary_box = QGroupBox("Import result")
        summary_layout = QVBoxLayout(summary_box)
        action_row = QHBoxLayout()
        self.import_button = QPushButton("Import")
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_message = plain_label()
        action_row.addWidget(self.import_button)
        action_row.addWidget(self.cancel_button)
        action_row.addWidget(self.progress, 1)
        summary_layout.addLayout(action_row)
        summary_layout.addWidget(self.progress_message)
        self.summary_table = make_table(SUMMARY_COLUMNS)
        self.summary_table.itemSelectionChanged.connect(self._show_summary_details)
        summary_layout.addWidget(self.summary_table, 3)
        self.totals_label = plain_label()
        self.totals_label.setWordWrap(True)
        summary_layout.addWidget(self.totals_label)
        self.summary_details = QPlainTextEdit()
        self.summary_details.setReadOnly(True)
        self.summary_details.setMaximumHeight(90)
        self.summary_details.setPlaceholderText("Select a file to read its errors and warnings.")
        summary_layout.addWidget(self.summary_details, 1)
        splitter.addWidget(summary_box)
        layout.addWidget(splitter, 1)
        self._show_mapping_state()

    # ----------------------------------------------------------------- archive
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._latest.invalidate()
        self.summary = None
        self.summary_table.setRowCount(0)
        self.totals_label.setText("")
        self.summary_details.clear()
        if archive is not None and self._paths:
            self.refresh_preview()
        self._update_buttons()

    def busy(self) -> bool:
        return self._import_task is not None and not self._import_task.done

    # ------------------------------------------------------------------ inputs
    def add_paths(self, paths: list[str | Path]) -> list[Refusal]:
        """Add inputs and preview them; the ones refused are listed with the reason."""
        accepted, refused = sort_inputs([str(p) for p in paths], self._paths)
        for path in accepted:
            self._paths.append(path)
            self.inputs.addItem(path)
        self._show_refused(refused)
        if accepted:
            self.refresh_preview()
        self._update_buttons()
        return refused

    def _show_refused(self, refused: list[Refusal]) -> None:
        # plain text: names come from the user's disk and may hold anything
        self.refused_label.setText(
            "Not added: " + "; ".join(r.sentence() for r in refused) if refused else ""
        )
        self.refused_label.setVisible(bool(refused))

    def ask_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Add exports, web archives or spreadsheets",
            "",
            "Exports and archives (*.zip *.warc *.warc.gz *.arc *.arc.gz *.wacz *.csv *.tsv"
            " *.txt *.json *.js *.xml *.gz *.html);;All files (*)",
        )
        self.add_paths(list(paths))

    def ask_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Add an unpacked export folder")
        if path:
            self.add_paths([path])

    def remove_selected(self) -> None:
        rows = sorted((self.inputs.row(i) for i in self.inputs.selectedItems()), reverse=True)
        for row in rows:
            self.inputs.takeItem(row)
            del self._paths[row]
        if rows:
            self.refresh_preview()
        self._update_buttons()

    def clear_inputs(self) -> None:
        self._paths.clear()
        self.inputs.clear()
        self._show_refused([])
        self.refresh_preview()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and all(u.isLocalFile() for u in urls) and not self.busy():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # ----------------------------------------------------------------- options
    def options(self) -> ImportOptions:
        account = self.account_combo.currentText().strip().lstrip("@")
        return ImportOptions(
            format=self.format_combo.currentData(),
            account=account or None,
            mapping=dict(self._mapping) if self._mapping else None,
            mapping_preset=self._preset if self._mapping else None,
            platform=self._platform,
        )

    def set_mapping(
        self, mapping: dict[str, str] | None, *, preset: str | None = None, platform: str | None
    ) -> None:
        self._mapping = dict(mapping) if mapping else None
        self._preset = preset if mapping else None
        self._platform = platform
        self._show_mapping_state()
        self.refresh_preview()

    def reset_mapping(self) -> None:
        self.set_mapping(None, platform=None)

    def _show_mapping_state(self) -> None:
        if not self._mapping:
            text = "guessed from each file's headers"
        elif self._preset:
            text = f"preset {self._preset}"
        else:
            text = "chosen: " + ", ".join(f"{f} = {c}" for f, c in self._mapping.items())
        if self._platform:
            text += f"; platform {self._platform} when no column says it"
        self.mapping_label.setText(text)
        self.mapping_reset.setEnabled(bool(self._mapping or self._platform))

    def open_mapping_dialog(self) -> CsvMappingDialog | None:
        if self.preview is None or not self.preview.csv_inputs:
            return None
        dialog = CsvMappingDialog(
            self.preview.csv_inputs,
            mapping=self._mapping,
            platform=self._platform,
            archive=self._archive,
            runner=self._runner,
            parent=self,
        )
        dialog.accepted.connect(
            lambda: self.set_mapping(
                dialog.mapping(), preset=dialog.preset_name(), platform=dialog.platform()
            )
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ----------------------------------------------------------------- preview
    def refresh_preview(self) -> Task | None:
        """Detect and preview the inputs on the task runner; nothing is written."""
        current = self._latest.next()
        self.preview = None
        self.preview_table.setRowCount(0)
        self.preview_details.clear()
        if not self._paths:
            self.preview_status.setText("Add files or folders to see what they hold.")
            self._update_buttons()
            return None
        self.preview_status.setText("Looking at the inputs…")
        task = Task(
            partial(gather_preview, self._archive, list(self._paths), self.options()),
            title="Import preview",
        )
        task.finished.connect(current(self._preview_arrived))
        task.failed.connect(current(self._preview_failed))
        self._update_buttons()
        return self._runner.submit(task)

    def _preview_failed(self, message: str) -> None:
        self.preview_status.setText(f"The inputs could not be read: {message}")
        self._update_buttons()

    def _preview_arrived(self, result: PreviewResult) -> None:
        self.preview = result
        tz = fmt.zone(result.time_zone)
        rows = list(result.rows)
        self.preview_table.setRowCount(len(rows) + len(result.errors))
        self._row_details = []
        for r, row in enumerate(rows):
            for c, value in enumerate(preview_cells(row, tz)):
                item = plain_item(value)
                if c == NOTES_COLUMN and value:
                    item.setToolTip(tooltip_text(value))
                self.preview_table.setItem(r, c, item)
            self._row_details.append(describe_preview_row(row))
        for e, error in enumerate(result.errors):
            r = len(rows) + e
            self.preview_table.setItem(r, 0, plain_item(error.split(":")[0]))
            self.preview_table.setItem(r, 2, plain_item("not imported"))
            self.preview_table.setItem(r, 6, plain_item(error))
            self._row_details.append(error)
        self._show_account()
        self.preview_table.resizeColumnsToContents()
        ready = sum(1 for r in rows if r.status == "ready")
        refused = sum(1 for r in rows if r.status != "ready") + len(result.errors)
        text = f"{ready} data file(s) ready to import"
        if refused:
            text += f"; {refused} cannot be imported as they are (see Notes)"
        if result.csv_inputs:
            text += ". CSV files: check the columns with Column mapping…"
        self.preview_status.setText(text)
        self._fill_accounts(result)
        self._update_buttons()
        self.preview_ready.emit(result)

    def _fill_accounts(self, result: PreviewResult) -> None:
        current = self.account_combo.currentText()
        platforms = result.platforms
        choices = [a for a in result.accounts if a.platform in platforms] or list(result.accounts)
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        self.account_combo.addItem("")
        for account in choices:
            self.account_combo.addItem(account.handle, account.platform)
            index = self.account_combo.count() - 1
            name = f"{account.handle} ({account.platform})"
            if account.display_name:
                name += f" — {account.display_name}"
            self.account_combo.setItemData(index, tooltip_text(name), Qt.ItemDataRole.ToolTipRole)
        # owners the files name when no profile file says who they are: offered, never chosen
        suggested = sorted({r.suggested_account for r in result.rows if r.suggested_account})
        for name in suggested:
            if self.account_combo.findText(name) < 0:
                self.account_combo.addItem(name, None)
                tip = tooltip_text(f"{name} (suggested: the files name this owner)")
                self.account_combo.setItemData(
                    self.account_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
                )
        self.account_combo.lineEdit().setPlaceholderText(
            f"suggested: {', '.join(suggested)} (or choose / type a handle)"
            if suggested
            else "as detected in the export (or choose / type a handle)"
        )
        self.account_combo.setCurrentText(current)
        self.account_combo.blockSignals(False)

    def _show_account(self) -> None:
        """Show the chosen account in the preview (choosing one needs no new preview)."""
        if self.preview is None:
            return
        override = self.options().account
        for r, row in enumerate(self.preview.rows):
            account = f"{override} (chosen)" if override and row.format else row.account
            if not account and row.suggested_account:
                account = f"none (suggested: {row.suggested_account})"
            self.preview_table.setItem(r, 3, plain_item(account or ""))

    def _show_preview_details(self) -> None:
        rows = self.preview_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._row_details):
            self.preview_details.setPlainText(self._row_details[rows[0].row()])

    # ------------------------------------------------------------------ import
    def start_import(self) -> Task | None:
        """Import the inputs with the chosen options on the task runner."""
        if self._archive is None or not self._paths or self.busy():
            return None
        task = Task(
            partial(run_import, self._archive, list(self._paths), self.options()),
            title="Import",
        )
        task.progress.connect(self._progress)
        task.finished.connect(self._import_done)
        task.cancelled.connect(self._import_cancelled)
        task.failed.connect(self._import_failed)
        task.ended.connect(self._update_buttons)
        self._import_task = task
        self.summary = None
        self.summary_table.setRowCount(0)
        self.totals_label.setText("")
        self.summary_details.clear()
        self.progress.setRange(0, 0)
        self.progress_message.setText("Waiting for other work on the archive to finish…")
        self._update_buttons()
        return self._runner.submit(task)

    def cancel_import(self) -> None:
        if self.busy() and self._import_task is not None:
            self._import_task.cancel()
            self.progress_message.setText(
                "Cancelling… the file being imported is rolled back; finished files stay."
            )
            self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            # bytes: scaled, as a QProgressBar holds an int (32-bit) and exports pass 2 GiB
            scale = max(1, total // PROGRESS_STEPS)
            self.progress.setRange(0, total // scale)
            self.progress.setValue(min(done, total) // scale)
        else:
            self.progress.setRange(0, 0)
        if self._import_task is not None and not self._import_task.cancel_event.is_set():
            self.progress_message.setText(message)

    def _import_done(self, summary: ImportSummary) -> None:
        self.summary = summary
        if summary.status == "cancelled":
            # the bar stays where the import stopped: what it shows was kept, the rest not
            finished = sum(1 for f in summary.files if f.status == "imported")
            self.progress_message.setText(
                f"Import cancelled: {finished} file(s) finished and kept; the file being"
                " imported was rolled back."
            )
        else:
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
            self.progress_message.setText(f"Import {summary.status.replace('_', ' ')}.")
        self._fill_summary(summary)
        self._changes.notify("import")
        self.import_finished.emit(summary)

    def _import_cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_message.setText("Import cancelled before it started; nothing was written.")
        self.import_cancelled.emit()

    def _import_failed(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress_message.setText(f"Import failed: {message}")
        show_error(self, "Import failed", message)
        self._changes.notify("import")  # a batch may have been started and recorded

    def _fill_summary(self, summary: ImportSummary) -> None:
        files = summary.files
        self.summary_table.setRowCount(len(files))
        self._summary_details = []
        for r, f in enumerate(files):
            for c, value in enumerate(summary_cells(f)):
                self.summary_table.setItem(r, c, plain_item(value, number=isinstance(value, int)))
            self._summary_details.append(file_details(f))
        self.summary_table.resizeColumnsToContents()
        self.totals_label.setText(totals_text(summary))

    def _show_summary_details(self) -> None:
        rows = self.summary_table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self._summary_details):
            self.summary_details.setPlainText(self._summary_details[rows[0].row()])

    # ------------------------------------------------------------------- state
    def _update_buttons(self) -> None:
        busy = self.busy()
        has_inputs = bool(self._paths)
        for widget in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_button,
            self.clear_button,
            self.format_combo,
            self.account_combo,
        ):
            widget.setEnabled(not busy)
        self.remove_button.setEnabled(not busy and has_inputs)
        self.clear_button.setEnabled(not busy and has_inputs)
        self.refresh_button.setEnabled(not busy and has_inputs)
        csv_inputs = self.preview is not None and bool(self.preview.csv_inputs)
        self.mapping_button.setEnabled(not busy and csv_inputs)
        self.mapping_reset.setEnabled(not busy and bool(self._mapping or self._platform))
        ready = self.preview is not None and self.preview.importable
        self.import_button.setEnabled(self._archive is not None and ready and not busy)
        self.cancel_button.setEnabled(busy)

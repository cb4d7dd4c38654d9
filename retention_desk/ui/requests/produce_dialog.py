"""The production dialog of a request: options, a preview of the first pages, produce with
progress and cancel, and the folder the files went to.

Everything that reads the archive or lays out pages runs through the task runner (a plan of
thousands of records takes seconds). The preview is pictures of the pages pdfium rendered
(`production.preview`), laid out exactly as `produce` will lay them out, stored nowhere; a
release production is only made by **Produce**, which consumes Bates numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive, ArchiveError
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.task_dialogs import TaskProgressDialog
from retention_desk.ui.tasks import Task, TaskRunner

REVIEW_NOTE = (
    "A review copy shows the redacted text outlined, is watermarked REVIEW COPY — NOT FOR"
    " RELEASE, uses no Bates numbers and is never released."
)


ROLLING_NOTE = (
    "A rolling production holds the records that joined the request's set since its earlier"
    " releases in this format; its Bates numbers continue from the last one used."
)


class ProductionFailed(ArchiveError):
    """A refusal of the production desk (a stale redaction, no records…) carried through the
    task runner; its text is the user's sentence."""


def _desk_errors(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    from retention_desk.ipra.errors import IpraError
    from retention_desk.production.store import ProduceError
    from retention_desk.redaction.errors import RedactionError

    caught: tuple[type[BaseException], ...] = (IpraError, ProduceError, RedactionError)
    try:
        from retention_desk.production.errors import ProductionError

        caught += (ProductionError,)
    except ImportError:  # pragma: no cover - the plan module ships it
        pass
    try:
        return fn(*args, **kwargs)
    except caught as exc:
        raise ProductionFailed(str(exc)) from exc


def _preview(archive: Archive, number: str, options: dict[str, Any]) -> Any:
    from retention_desk.production.preview import preview

    return _desk_errors(preview, archive, number, **options)


def _choices(archive: Archive, number: str) -> Any:
    from retention_desk.production.choices import production_choices

    return _desk_errors(production_choices, archive, number)


def _produce(
    archive: Archive, number: str, options: dict[str, Any], out_dir: Path, **task: Any
) -> Any:
    from retention_desk.production.produce import produce

    return _desk_errors(produce, archive, number, out_dir=out_dir, **options, **task)


class ProduceDialog(QDialog):
    def __init__(
        self, archive: Archive, runner: TaskRunner, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._runner = runner
        self.number = number
        self.result: Any = None
        self.out_dir: Path | None = None
        self.setWindowTitle(f"Produce {number}")
        self.resize(760, 820)
        layout = QVBoxLayout(self)

        form = QFormLayout()
        self.format_combo = QComboBox()
        self.format_combo.addItem("PDF (Bates-numbered pages)", "pdf")
        self.format_combo.addItem("Excel workbook (one row per record)", "xlsx")
        form.addRow("Format", self.format_combo)
        self.versions_combo = QComboBox()
        self.versions_combo.addItem("The current version of each record", "latest")
        self.versions_combo.addItem("Every version (edits shown)", "all")
        form.addRow("Versions", self.versions_combo)
        self.review_check = QCheckBox("Review copy for the custodian and counsel")
        self.review_check.setToolTip(REVIEW_NOTE)
        form.addRow("", self.review_check)
        self.only_new_check = QCheckBox(
            "Rolling production: only records no earlier release in this format holds"
        )
        self.only_new_check.setToolTip(ROLLING_NOTE)
        self.only_new_check.setEnabled(False)
        form.addRow("", self.only_new_check)
        self.rolling_label = plain_label("")
        self.rolling_label.setWordWrap(True)
        form.addRow("", self.rolling_label)
        layout.addLayout(form)

        # Private messages are left out unless ticked one by one (as --include-restricted).
        self.restricted_box = QGroupBox("Private messages in this request (left out unless ticked)")
        box_layout = QVBoxLayout(self.restricted_box)
        self.restricted_list = QListWidget()
        self.restricted_list.setMaximumHeight(140)
        box_layout.addWidget(self.restricted_list)
        self.restricted_box.setVisible(False)
        layout.addWidget(self.restricted_box)
        self.choices: Any = None
        self.format_combo.currentIndexChanged.connect(self._show_rolling)

        self.summary = plain_label("Preview to see what this production will hold.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.pages_widget = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages_widget)
        layout.addWidget(scroll, 1)

        row = QHBoxLayout()
        self.preview_button = QPushButton("Preview first pages")
        self.preview_button.clicked.connect(self.run_preview)
        row.addWidget(self.preview_button)
        row.addStretch(1)
        self.open_button = QPushButton("Open folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_folder)
        row.addWidget(self.open_button)
        self.produce_button = QPushButton("Produce…")
        self.produce_button.clicked.connect(self.choose_folder_and_produce)
        row.addWidget(self.produce_button)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)

        self.load_choices()

    def included(self) -> tuple[int, ...]:
        """The private messages ticked for this production."""
        out = []
        for row in range(self.restricted_list.count()):
            item = self.restricted_list.item(row)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def options(self) -> dict[str, Any]:
        return {
            "file_format": self.format_combo.currentData(),
            "versions": self.versions_combo.currentData(),
            "review_copy": self.review_check.isChecked(),
            "include_restricted": self.included(),
            "only_new": self.only_new_check.isChecked(),
        }

    # --------------------------------------------------------------- choices
    def load_choices(self) -> Task:
        task = Task(
            partial(_choices, self._archive, self.number),
            progress=False,
            cancel=False,
            title="Production choices",
        )
        task.finished.connect(self._show_choices)
        task.failed.connect(lambda message: self._failed("Production choices", message))
        return self._runner.submit(task)

    def _show_choices(self, choices: Any) -> None:
        self.choices = choices
        self.restricted_list.clear()
        for rec in choices.restricted:
            when = (rec.created_at or "")[:16].replace("T", " ")
            text = (
                f"Record {rec.record_id} \u00b7 {rec.platform} {rec.kind} \u00b7 {rec.author}"
                f"{' · ' + when if when else ''} \u2014 {rec.excerpt}"
            )
            # a list item's text is plain text in Qt (never rich text), whatever it holds
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, rec.record_id)
            self.restricted_list.addItem(item)
        self.restricted_box.setVisible(bool(choices.restricted))
        self._show_rolling()

    def _show_rolling(self) -> None:
        choices = self.choices
        if choices is None:
            return
        fmt = self.format_combo.currentData()
        released = choices.released.get(fmt, 0)
        self.only_new_check.setEnabled(released > 0)
        if released == 0:
            self.only_new_check.setChecked(False)
            self.rolling_label.setText(
                f"No {str(fmt).upper()} release of this request yet: the production holds the"
                " whole set."
            )
            return
        self.rolling_label.setText(
            f"Earlier {str(fmt).upper()} releases hold {released:,} of the set's"
            f" {choices.records:,} records; a rolling production holds the other"
            f" {choices.new_for(fmt):,} (private messages only when ticked), numbered on from"
            " the last Bates number."
        )

    # --------------------------------------------------------------- preview
    def run_preview(self) -> Task:
        opts = self.options()
        task = Task(
            partial(
                _preview,
                self._archive,
                self.number,
                {
                    "versions": opts["versions"],
                    "review_copy": opts["review_copy"],
                    "include_restricted": opts["include_restricted"],
                    "only_new": opts["file_format"] if opts["only_new"] else None,
                },
            ),
            progress=False,
            cancel=False,
            title="Preview",
        )
        task.finished.connect(self._show_preview)
        task.failed.connect(lambda message: self._failed("Preview", message))
        self.preview_button.setEnabled(False)
        task.ended.connect(lambda: self.preview_button.setEnabled(True))
        self.summary.setText("Laying out the first pages…")
        return self._runner.submit(task)

    def _show_preview(self, made: Any) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for png in made.pages:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            page = QLabel()
            page.setPixmap(pixmap)
            page.setFrameShape(QLabel.Shape.Box)
            self.pages_layout.addWidget(page)
        parts = [f"{made.records:,} records", f"{made.redactions:,} redactions"]
        if made.withheld:
            parts.append(f"{made.withheld:,} withheld")
        if made.restricted_left_out:
            parts.append(
                f"{made.restricted_left_out:,} private messages left out (tick them above to"
                " include them)"
            )
        first = f" The first page will be {made.bates_first}." if made.bates_first else ""
        self.summary.setText("This production holds " + ", ".join(parts) + "." + first)

    # --------------------------------------------------------------- produce
    def choose_folder_and_produce(self) -> Task | None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the production files")
        if not folder:
            return None
        return self.produce_into(Path(folder))

    def produce_into(self, folder: Path) -> Task:
        task = Task(
            partial(_produce, self._archive, self.number, self.options(), folder),
            title="Produce",
        )
        progress = TaskProgressDialog(task, f"Producing {self.number}", self)
        task.finished.connect(lambda result: self._produced(result, folder))
        task.failed.connect(lambda message: self._failed("Produce", message))
        task.cancelled.connect(
            lambda: self.summary.setText(
                "Cancelled: nothing was stored and no Bates numbers were used."
            )
        )
        self.progress_dialog = progress
        progress.show()
        return self._runner.submit(task)

    def _produced(self, result: Any, folder: Path) -> None:
        self.result = result
        self.out_dir = folder
        self.open_button.setEnabled(True)
        self.load_choices()  # a release changes what a rolling production would hold
        bates = (
            f" Bates {result.bates_first}–{result.bates_last}."
            if result.bates_first
            else " No Bates numbers were used."
        )
        names = ", ".join(Path(f).name for f in result.files)
        self.summary.setText(
            f"Production {result.production} of {result.request}: {result.records:,} records,"
            f" {result.redactions:,} redactions.{bates} Files: {names}. They are kept with the"
            " request too."
        )

    def _failed(self, title: str, message: str) -> None:
        self.summary.setText(message)
        show_error(self, title, message)

    def open_folder(self) -> None:
        if self.out_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.out_dir)))

"""The annual review report dialog (Desert Hot Springs 389.6): a year, every account or one,
the PDF and XLSX files to write; the review is made off the GUI thread and its summary
shown (plain text) when done."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive.store import Archive
from retention_desk.oversight.annual import MAX_YEAR, MIN_YEAR, AnnualReview, annual_review
from retention_desk.oversight.annual_export import summary_table, write_pdf, write_xlsx
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.tasks import Task, TaskRunner


@dataclass(frozen=True)
class AnnualMade:
    review: AnnualReview
    files: tuple[Path, ...]


def make_annual(
    archive: Archive, year: int, account: str | None, pdf: Path | None, xlsx: Path | None
) -> AnnualMade:
    review = annual_review(archive, year, account)
    files: list[Path] = []
    if pdf is not None:
        write_pdf(review, pdf)
        files.append(pdf)
    if xlsx is not None:
        write_xlsx(review, xlsx)
        files.append(xlsx)
    return AnnualMade(review, tuple(files))


class AnnualReportDialog(QDialog):
    def __init__(
        self,
        archive: Archive,
        runner: TaskRunner,
        accounts: list[tuple[int, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annual review report (389.6)")
        self._archive = archive
        self._runner = runner
        self.result_made: AnnualMade | None = None
        self.year_spin = QSpinBox()
        self.year_spin.setRange(MIN_YEAR, MAX_YEAR)
        self.year_spin.setValue(date.today().year - 1)
        self.account_box = QComboBox()
        self.account_box.addItem("Every account", None)
        for account_id, label in accounts or []:
            self.account_box.addItem(" ".join(label.split())[:80], account_id)
        self.pdf_edit = QLineEdit()
        self.xlsx_edit = QLineEdit()
        form = QFormLayout()
        form.addRow("Year", self.year_spin)
        form.addRow("Accounts", self.account_box)
        form.addRow("PDF file", self._with_browse(self.pdf_edit, "PDF (*.pdf)", ".pdf"))
        form.addRow("XLSX file", self._with_browse(self.xlsx_edit, "Excel (*.xlsx)", ".xlsx"))
        self.summary = plain_label("", selectable=True)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.make_button = self.buttons.addButton(
            "Make report", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.make_button.clicked.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)

    def _with_browse(self, edit: QLineEdit, pattern: str, suffix: str) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton("Choose…")

        def choose() -> None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                "Save the annual review",
                f"annual-review-{self.year_spin.value()}{suffix}",
                pattern,
            )
            if name:
                edit.setText(name)

        browse.clicked.connect(choose)
        row.addWidget(browse)
        return holder

    def make(self) -> Task | None:
        pdf = Path(self.pdf_edit.text().strip()) if self.pdf_edit.text().strip() else None
        xlsx = Path(self.xlsx_edit.text().strip()) if self.xlsx_edit.text().strip() else None
        for target in (pdf, xlsx):
            if target is not None and not target.parent.is_dir():
                show_error(self, "Annual review", f"The folder of {target} does not exist.")
                return None
        account = self.account_box.currentData()
        task = Task(
            functools.partial(
                make_annual,
                self._archive,
                self.year_spin.value(),
                str(account) if account is not None else None,
                pdf,
                xlsx,
            ),
            progress=False,
            cancel=False,
        )
        self.make_button.setEnabled(False)
        self.summary.setText("Making the review…")
        task.finished.connect(self._made)
        task.failed.connect(self._failed)
        task.ended.connect(lambda: self.make_button.setEnabled(True))
        return self._runner.submit(task)

    def _made(self, made: AnnualMade) -> None:
        self.result_made = made
        lines = [f"{label.strip()}: {count}" for label, count in summary_table(made.review)[1]]
        lines += [f"Wrote {f}" for f in made.files]
        self.summary.setText("\n".join(lines))

    def _failed(self, message: str) -> None:
        self.summary.setText("")
        show_error(self, "Annual review not made", message)

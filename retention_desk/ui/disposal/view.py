"""The Disposal page: run a disposal report, preview it, export it, record its approval,
destroy it (confirmation naming the count, progress with cancel) and save its certificate.

On the left the saved reports, newest first; on the right the selected report (series,
groups, held records, exclusions), its approval (what the agency kind requires, what is
recorded, each missing item) and its destruction. Everything is read by `ops.load_page` on
the task runner, and every change runs there too through the same headless functions the CLI
calls; after a change the page broadcasts "disposal" and reloads like any other page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.disposal import ApprovalStatus, DisposalReport
from retention_desk.disposal.destroy import BATCH_SIZE, DestructionResult
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.disposal import ops
from retention_desk.ui.disposal.approval_panel import ApprovalPanel
from retention_desk.ui.disposal.dialogs import (
    RunReportDialog,
    StepDialog,
    confirm_text,
    result_text,
)
from retention_desk.ui.disposal.preview import ReportPreview
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.refresh import PageLoader
from retention_desk.ui.retention.common import cell, confirm, make_table, plural, selected_data
from retention_desk.ui.task_dialogs import TaskProgressDialog
from retention_desk.ui.tasks import Task, TaskRunner

TAB_REPORT, TAB_APPROVAL, TAB_DESTRUCTION = range(3)
REPORT_HEADER = ("Report", "As of", "Status", "Records", "Held", "Run by")
FILTERS = {"pdf": "PDF files (*.pdf)", "xlsx": "Excel workbooks (*.xlsx)"}


class DisposalView(QWidget):
    loaded = Signal(object)  # the ops.PageData just shown

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self._loader = PageLoader(
            self, runner, self.reload, changes, lambda: self._archive is not None
        )
        self.data: ops.PageData | None = None
        self.selected: int | None = None
        self.message = ""  # the outcome of the user's last change, kept across the reload
        self.batch_size = BATCH_SIZE
        # what the last destruction run returned: only it knows what that run did and
        # whether it was cancelled; the stored state shows for any other report
        self.last_run: DestructionResult | None = None
        # the dialog or message box last opened, for tests to fill and answer
        self.dialog: QWidget | None = None
        self._filling = False
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        top = QHBoxLayout()
        self.run_button = QPushButton("Run report…")
        self.run_button.clicked.connect(self.open_run_dialog)
        top.addWidget(self.run_button)
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)
        top.addWidget(self.status_label, 1)
        layout.addLayout(top)

        splitter = QSplitter()
        self.reports = make_table(REPORT_HEADER, stretch=5)
        self.reports.itemSelectionChanged.connect(self._selection_changed)
        splitter.addWidget(self.reports)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.preview = ReportPreview()
        self.approval = ApprovalPanel()
        self.approval.step_requested.connect(self.open_step_dialog)
        self.result_view = QPlainTextEdit()
        self.result_view.setReadOnly(True)
        self.tabs.addTab(self.preview, "Report")
        self.tabs.addTab(self.approval, "Approval")
        self.tabs.addTab(self.result_view, "Destruction")
        right_layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(lambda: self.choose_export("pdf"))
        self.xlsx_button = QPushButton("Export XLSX…")
        self.xlsx_button.clicked.connect(lambda: self.choose_export("xlsx"))
        self.destroy_button = QPushButton("Destroy…")
        self.destroy_button.clicked.connect(self.ask_destroy)
        self.certificate_button = QPushButton("Save certificate…")
        self.certificate_button.clicked.connect(self.choose_certificate)
        self.cancel_report_button = QPushButton("Cancel report…")
        self.cancel_report_button.clicked.connect(self.ask_cancel_report)
        for button in (self.pdf_button, self.xlsx_button):
            actions.addWidget(button)
        actions.addStretch(1)
        for button in (self.cancel_report_button, self.destroy_button, self.certificate_button):
            actions.addWidget(button)
        right_layout.addLayout(actions)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 900])
        layout.addWidget(splitter, 1)
        self._enable(None)

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self.data = None
        self.selected = None
        self.message = ""
        self.last_run = None
        self._loader.invalidate()
        if archive is None:
            self._clear()
        else:
            self.reload()

    def _clear(self) -> None:
        self.reports.setRowCount(0)
        self.preview.clear()
        self.approval.set_rule("", None)
        self.result_view.setPlainText("")
        self._enable(None)
        self.status_label.setText("No archive is open")

    def reload(self) -> None:
        if self._archive is None:
            return
        if self.data is None:
            self.status_label.setText("Loading…")
        self._loader.load(
            partial(ops.load_page, self._archive, self.selected),
            "Disposal",
            self._loaded,
            self._failed,
        )

    def _failed(self, message: str) -> None:
        self.status_label.setText(f"Could not read the disposal reports: {message}")

    def _loaded(self, data: ops.PageData) -> None:
        self.data = data
        detail = data.detail
        self.selected = detail.report.number if detail else None
        self.status_label.setText(self.message)
        self._fill_reports(data)
        if detail is None:
            self.preview.clear()
            self.approval.set_rule(data.agency_kind, data.rule)
            self.result_view.setPlainText("")
        else:
            self.preview.set_report(detail.report)
            self.approval.set_status(detail.status, detail.report.status)
            self.result_view.setPlainText(self._result_text(detail))
        self.tabs.setTabText(
            TAB_APPROVAL,
            "Approval" if detail is None or detail.status.complete else "Approval (incomplete)",
        )
        self._enable(detail)
        self.loaded.emit(data)

    def _result_text(self, detail: ops.ReportDetail) -> str:
        run = self.last_run
        if run is not None and run.report == detail.report.number:
            return result_text(run)
        return result_text(detail.result, this_run=False) if detail.result else ""

    def _fill_reports(self, data: ops.PageData) -> None:
        self._filling = True  # selecting the shown report must not start another load
        try:
            self.reports.setRowCount(len(data.reports))
            for row, info in enumerate(data.reports):
                values = (
                    info.number,
                    info.as_of.isoformat(),
                    info.status,
                    info.records,
                    info.held,
                    info.created_by,
                )
                for col, value in enumerate(values):
                    data_value = info.number if col == 0 else None
                    self.reports.setItem(row, col, cell(value, data=data_value))
                if info.number == self.selected:
                    self.reports.selectRow(row)
        finally:
            self._filling = False

    def _selection_changed(self) -> None:
        if self._filling:
            return
        number = selected_data(self.reports)
        if isinstance(number, int) and number != self.selected:
            self.select_report(number)

    def select_report(self, number: int) -> None:
        self.selected = number
        self.message = ""
        self.reload()

    def _enable(self, detail: ops.ReportDetail | None) -> None:
        has = detail is not None
        self.run_button.setEnabled(self._archive is not None)
        self.pdf_button.setEnabled(has)
        self.xlsx_button.setEnabled(has)
        allowed = self.destroy_allowed(detail)
        self.destroy_button.setEnabled(allowed)
        why = ""
        if detail is not None and not allowed:
            why = detail.status.missing[0] if detail.status.missing else detail.refusal
        self.destroy_button.setToolTip(tooltip_text(why) if why else "")
        self.destroy_button.setText(
            "Finish the purge…" if detail is not None and _purge_left(detail) else "Destroy…"
        )
        self.certificate_button.setEnabled(detail is not None and detail.result is not None)
        self.cancel_report_button.setEnabled(
            detail is not None and detail.report.status in ("draft", "approved")
        )

    @staticmethod
    def destroy_allowed(detail: ops.ReportDetail | None) -> bool:
        """Only an approved report with records left, or a finished run still to purge."""
        if detail is None:
            return False
        if _purge_left(detail):
            return True
        return detail.status.complete and detail.to_destroy > 0

    def _done(self, sentence: str) -> None:
        self.message = sentence
        self.status_label.setText(sentence)
        self._changes.notify("disposal")

    def _submit(
        self, fn: Callable[[], object], title: str, finished: Callable[[Any], None]
    ) -> Task | None:
        if self._archive is None:
            return None
        task = Task(fn, progress=False, cancel=False, title=title)
        task.finished.connect(finished)
        task.failed.connect(lambda message: show_error(self, title, message))
        return self._runner.submit(task)

    # ------------------------------------------------------------- run report
    def open_run_dialog(self) -> RunReportDialog | None:
        if self._archive is None:
            return None
        today = self.data.today if self.data else date.today()
        dialog = RunReportDialog(today, self)
        dialog.accepted.connect(lambda: self.run_report(dialog.as_of()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def run_report(self, as_of: date) -> Task | None:
        if self._archive is None:
            return None
        return self._submit(
            partial(ops.run_report, self._archive, as_of), "Run disposal report", self._ran
        )

    def _ran(self, report: DisposalReport) -> None:
        self.selected = report.number
        self.tabs.setCurrentIndex(TAB_REPORT)
        self._done(
            f"Disposal report {report.number} saved: {plural(report.records, 'record')}"
            f" eligible as of {report.as_of.isoformat()}, {fmt_held(report)}."
        )

    # --------------------------------------------------------------- approval
    def open_step_dialog(self, command: str) -> StepDialog | None:
        if self.data is None or self.data.detail is None:
            return None
        detail = self.data.detail
        rule = detail.status.rule.step_for(command)
        dialog = StepDialog(detail.report.number, command, rule, self.data.today, self)
        dialog.accepted.connect(lambda: self.record_step(detail.report.number, dialog.request))
        self.dialog = dialog
        dialog.open()
        return dialog

    def record_step(self, number: int, request: ops.StepRequest | None) -> Task | None:
        if self._archive is None or request is None:
            return None
        return self._submit(
            partial(ops.record_step, self._archive, number, request),
            "Record approval",
            self._recorded,
        )

    def _recorded(self, status: ApprovalStatus) -> None:
        self.tabs.setCurrentIndex(TAB_APPROVAL)
        if status.complete:
            sentence = f"Recorded for report {status.report}: approval is complete."
        else:
            sentence = (
                f"Recorded for report {status.report};"
                f" {plural(len(status.missing), 'item')} still missing."
            )
        self._done(sentence)

    # ----------------------------------------------------------------- cancel
    def ask_cancel_report(self) -> QMessageBox | None:
        detail = self.data.detail if self.data else None
        if detail is None:
            return None
        number = detail.report.number
        box = confirm(
            self,
            "Cancel report",
            f"Cancel disposal report {number}? It stays in the list with its approvals but"
            " can no longer be destroyed.",
            lambda: self._cancel_report(number),
        )
        self.dialog = box
        return box

    def _cancel_report(self, number: int) -> None:
        self._submit(
            partial(ops.cancel_report, self._archive, number),
            "Cancel report",
            lambda report: self._done(f"Disposal report {report.number} cancelled."),
        )

    # ---------------------------------------------------------------- exports
    def choose_export(self, kind: str) -> None:
        detail = self.data.detail if self.data else None
        if detail is None:
            return
        name = f"disposal-report-{detail.report.number}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export {kind.upper()}", name, FILTERS[kind])
        if path:
            self.export(kind, Path(path))

    def export(self, kind: str, path: Path) -> Task | None:
        detail = self.data.detail if self.data else None
        if self._archive is None or detail is None:
            return None
        return self._submit(
            partial(ops.export, self._archive, detail.report.number, kind, path),
            f"Export {kind.upper()}",
            lambda written: self.status_label.setText(f"Wrote {written}"),
        )

    # ------------------------------------------------------------ destruction
    def ask_destroy(self) -> QMessageBox | None:
        detail = self.data.detail if self.data else None
        if detail is None or not self.destroy_allowed(detail):
            return None
        number = detail.report.number
        if _purge_left(detail):
            text = (
                f"Finish purging the search indexes and free pages of report {number}? Its"
                " records are already destroyed."
            )
        else:
            text = confirm_text(number, detail.to_destroy, detail.copies, detail.open_requests)
        box = confirm(self, "Destroy records", text, lambda: self.destroy(number))
        self.dialog = box
        return box

    def destroy(self, number: int) -> Task | None:
        if self._archive is None:
            return None
        task = Task(
            partial(ops.destroy_report, self._archive, number, batch_size=self.batch_size),
            title="Destroy",
        )
        dialog = TaskProgressDialog(task, f"Destroying the records of report {number}", self)
        task.finished.connect(self._destroyed)
        task.failed.connect(lambda message: show_error(self, "Destroy", message))
        # a run that failed part-way has destroyed whole batches and left the report
        # `destroying`: reload so the page shows that and offers to destroy again
        task.failed.connect(lambda _message: self._changes.notify("disposal"))
        task.cancelled.connect(
            lambda: self.status_label.setText("Destruction was cancelled before it started.")
        )
        self.destroy_button.setEnabled(False)
        self.dialog = dialog
        dialog.open()
        return self._runner.submit(task)

    def _destroyed(self, result: DestructionResult) -> None:
        self.last_run = result
        self.tabs.setCurrentIndex(TAB_DESTRUCTION)
        self.result_view.setPlainText(result_text(result))
        if result.cancelled:
            sentence = (
                f"Destruction of report {result.report} cancelled:"
                f" {plural(result.destroyed, 'record')} of {result.total:,} destroyed so far."
            )
        else:
            sentence = (
                f"Report {result.report}: {plural(result.destroyed, 'record')} destroyed,"
                f" {fmt_count(len(result.skipped))} skipped. Save the certificate next."
            )
        self._done(sentence)

    def choose_certificate(self) -> None:
        detail = self.data.detail if self.data else None
        if detail is None:
            return
        name = f"certificate-of-destruction-{detail.report.number}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save certificate of destruction", name, FILTERS["pdf"]
        )
        if path:
            self.save_certificate(Path(path))

    def save_certificate(self, path: Path) -> Task | None:
        detail = self.data.detail if self.data else None
        if self._archive is None or detail is None:
            return None
        return self._submit(
            partial(ops.save_certificate, self._archive, detail.report.number, path),
            "Save certificate",
            lambda cert: self._certified(cert, path),
        )

    def _certified(self, cert: object, path: Path) -> None:
        exceptions = len(getattr(cert, "exceptions", []))
        sentence = f"Wrote the certificate of destruction to {path}"
        if exceptions:
            sentence += f"; it lists {plural(exceptions, 'exception')}"
        # the first certificate of a purged run is stored in the archive (audited)
        self._done(sentence + ".")


def _purge_left(detail: ops.ReportDetail) -> bool:
    r = detail.result
    return detail.report.status == "destroyed" and r is not None and r.finished and not r.purged


def fmt_count(n: int) -> str:
    return f"{n:,}"


def fmt_held(report: DisposalReport) -> str:
    return f"{plural(report.held, 'record')} held and {report.unclassified:,} unclassified excluded"

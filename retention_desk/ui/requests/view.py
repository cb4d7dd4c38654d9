"""The Requests page: the IPRA request log with its clocks, a dashboard of what is due, and
the selected request's particulars, timeline, responsive set, letters and fees.

The log is read by `ops.load_page` through the page loader (only the newest answer shows; a
change elsewhere reloads it), the selected request by `ops.load_detail` under its own
`Latest`. Every change runs on the task runner through the same headless functions the CLI
calls; after one the page broadcasts "requests" and reloads like any other page. On load the
holds of requests closed long enough ago are released (`requests.release_due_holds`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.ipra import fees, requests, responsive
from retention_desk.ipra.model import FINISHED, VIA_METHOD, LetterInfo
from retention_desk.search import SearchEngine
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.refresh import PageLoader
from retention_desk.ui.requests import ops
from retention_desk.ui.requests.calendar_dialog import CalendarDialog
from retention_desk.ui.requests.detail import RequestDetailPanel
from retention_desk.ui.requests.dialogs import (
    AcknowledgeDialog,
    Action,
    ActionDialog,
    BurdensomeDialog,
    DenyDialog,
    EndDialog,
    FeeDialog,
    ForwardDialog,
    FulfilDialog,
    LogTimeDialog,
    PaymentDialog,
    RemoveRecordsDialog,
)
from retention_desk.ui.requests.fees_panel import FeesPanel
from retention_desk.ui.requests.letters_panel import (
    FILTERS,
    LetterDialog,
    LettersPanel,
    letter_file_name,
)
from retention_desk.ui.requests.new_request import NewRequest, NewRequestDialog
from retention_desk.ui.requests.responsive_panel import ResponsivePanel
from retention_desk.ui.requests.table_model import (
    COL_NUMBER,
    COL_RECEIVED,
    COL_REQUESTER,
    RequestsTableModel,
    SortRole,
    SummaryRole,
)
from retention_desk.ui.retention.common import WARN_STYLE, plural
from retention_desk.ui.tasks import Latest, Task, TaskRunner

TAB_REQUEST, TAB_RESPONSIVE, TAB_LETTERS, TAB_FEES = range(4)
CHANGE = "requests"
PRODUCE_TIP = (
    "Produce the responsive records, redacted, as a Bates-numbered PDF or an Excel workbook"
    " (preview first; a review copy uses no numbers)."
)
REVIEW_TIP = (
    "Review the redaction candidates found in the request's records (identifiers, named"
    " persons) by keyboard, with its manual redactions and withholdings."
)
REQUESTER_WIDTH = 200
STEPS_PER_ROW = 5
STEPS = (
    ("acknowledge", "Acknowledge…"),
    ("burdensome", "Burdensome…"),
    ("deny", "Deny…"),
    ("fulfil", "Fulfil…"),
    ("partial", "Partially fulfil…"),
    ("forward", "Forward…"),
    ("withdraw", "Withdraw…"),
    ("close", "Close…"),
    ("time", "Log time…"),
)


def outcome_text(number: str, action: Action, result: object) -> str:
    """The status line after a dialog's action: what changed, in the desk's words."""
    if isinstance(result, ops.SavedLetter):
        return f"{number}: {result.info.kind} letter stored and written to {result.path}."
    if isinstance(result, fees.FeeStatus):
        return f"{number}: fee added; balance {fees.dollars(result.balance_cents)}."
    if isinstance(result, fees.Payment):
        return (
            f"{number}: {fees.dollars(result.amount_cents)} received, receipt"
            f" {result.receipt_number}."
        )
    if isinstance(result, responsive.SetChange):
        return (
            f"{number}: {plural(result.removed, 'record')} removed;"
            f" {plural(result.total, 'record')} in the set."
        )
    return f"{number}: {action.title.lower()} recorded."


class RequestsView(QWidget):
    loaded = Signal(object)  # ops.PageData just shown
    detail_loaded = Signal(object)  # ops.DetailData just shown

    def __init__(
        self, runner: TaskRunner, changes: ArchiveChanges, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        self._engine: SearchEngine | None = None  # GUI thread: responsive rows as painted
        self._loader = PageLoader(
            self, runner, self.reload, changes, lambda: self._archive is not None
        )
        self._detail_latest = Latest()
        self.data: ops.PageData | None = None
        self.detail: ops.DetailData | None = None
        self.selected: str | None = None
        self.message = ""
        # the dialog last opened, for tests to fill and answer
        self.dialog: QWidget | None = None
        self._filling = False
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        top = QHBoxLayout()
        self.new_button = QPushButton("New request…")
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(self.open_new_request)
        top.addWidget(self.new_button)
        self.filter_combo = QComboBox()
        self.filter_combo.addItem("Open requests", True)
        self.filter_combo.addItem("All requests", False)
        self.filter_combo.currentIndexChanged.connect(lambda _: self.reload())
        top.addWidget(self.filter_combo)
        self.calendar_button = QPushButton("Calendar…")
        self.calendar_button.clicked.connect(self.open_calendar)
        top.addWidget(self.calendar_button)
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)
        top.addWidget(self.status_label, 1)
        layout.addLayout(top)

        self.dashboard = plain_label()
        self.dashboard.setStyleSheet("font-weight: bold; padding: 4px 0;")
        layout.addWidget(self.dashboard)
        self.calendar_notice = plain_label()
        self.calendar_notice.setWordWrap(True)
        self.calendar_notice.setStyleSheet(WARN_STYLE)
        self.calendar_notice.hide()
        layout.addWidget(self.calendar_notice)

        splitter = QSplitter()
        self.model = RequestsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # a requester's name can be anything up to 500 characters: a fixed width, elided
        header.setSectionResizeMode(COL_REQUESTER, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_REQUESTER, REQUESTER_WIDTH)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.sortByColumn(COL_RECEIVED, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        splitter.addWidget(self.table)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        # two rows of step buttons: one row would set the panel's minimum width
        steps = QGridLayout()
        self.step_buttons: dict[str, QPushButton] = {}
        for i, (key, text) in enumerate(STEPS):
            button = QPushButton(text)
            button.clicked.connect(partial(self.open_step, key))
            steps.addWidget(button, i // STEPS_PER_ROW, i % STEPS_PER_ROW)
            self.step_buttons[key] = button
        steps.setColumnStretch(STEPS_PER_ROW, 1)
        right_layout.addLayout(steps)
        self.tabs = QTabWidget()
        self.panel = RequestDetailPanel()
        self.responsive = ResponsivePanel()
        self.responsive.add_query_requested.connect(self.add_by_query)
        self.responsive.rerun_requested.connect(self.rerun_queries)
        self.responsive.remove_requested.connect(self.open_remove)
        self.letters = LettersPanel()
        self.letters.write_requested.connect(self.open_letter)
        self.letters.resave_requested.connect(self.choose_resave)
        self.fees = FeesPanel()
        self.fees.add_requested.connect(self.open_fee)
        self.fees.remove_requested.connect(self.remove_fee)
        self.fees.payment_requested.connect(self.open_payment)
        self.fees.advance_changed.connect(self.set_advance_payment)
        self.tabs.addTab(self.panel, "Request")
        self.tabs.addTab(self.responsive, "Responsive records")
        self.tabs.addTab(self.letters, "Letters")
        self.tabs.addTab(self.fees, "Fees")
        right_layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.review_button = QPushButton("Review redactions…")
        self.review_button.setEnabled(False)
        self.review_button.setToolTip(tooltip_text(REVIEW_TIP))
        self.review_button.clicked.connect(self.open_review_dialog)
        bottom.addWidget(self.review_button)
        self.produce_button = QPushButton("Produce…")
        self.produce_button.setEnabled(False)
        self.produce_button.setToolTip(tooltip_text(PRODUCE_TIP))
        self.produce_button.clicked.connect(self.open_produce_dialog)
        bottom.addWidget(self.produce_button)
        right_layout.addLayout(bottom)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 820])
        layout.addWidget(splitter, 1)
        self._show_detail(None)

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        if self._engine is not None:
            self._engine.close()
        self._archive = archive
        self._engine = SearchEngine(archive, date_cache=False) if archive is not None else None
        self.data = None
        self.detail = None
        self.selected = None
        self.message = ""
        self._loader.invalidate()
        self._detail_latest.invalidate()
        self.new_button.setEnabled(archive is not None)
        self.calendar_button.setEnabled(archive is not None)
        if archive is None:
            self.model.set_rows([], "")
            self.dashboard.setText("")
            self.calendar_notice.hide()
            self._show_detail(None)
            self.status_label.setText("No archive is open")
            return
        self._release_holds(archive)
        self.reload()

    def _release_holds(self, archive: Archive) -> None:
        task = Task(
            partial(ops.release_due_holds, archive), progress=False, cancel=False, title="Holds"
        )

        def released(count: int) -> None:
            if count and archive is self._archive:
                self.message = (
                    f"Released the holds of {plural(count, 'closed request')} whose period has run."
                )
                self._changes.notify("retention")

        task.finished.connect(released)
        # a busy archive is no reason to stop the page: the next load tries again
        self._runner.submit(task)

    def open_only(self) -> bool:
        return bool(self.filter_combo.currentData())

    def reload(self) -> None:
        if self._archive is None:
            return
        if self.data is None:
            self.status_label.setText("Loading…")
        self._loader.load(
            partial(ops.load_page, self._archive, self.open_only()),
            "Requests",
            self._loaded,
            self._failed,
        )

    def _failed(self, message: str) -> None:
        self.status_label.setText(f"Could not read the requests: {message}")

    def _loaded(self, data: ops.PageData) -> None:
        self.data = data
        self.status_label.setText(self.message)
        d = data.dashboard
        self.dashboard.setText(
            f"Due soon: {d.due_soon}   ·   Overdue: {d.overdue}   ·   Deemed denied:"
            f" {d.deemed_denied}   ·   Running exposure: {d.exposure}"
        )
        self.dashboard.setStyleSheet(
            ("color: #b3261e; " if d.overdue or d.deemed_denied else "")
            + "font-weight: bold; padding: 4px 0;"
        )
        if data.calendar_confirmed:
            self.calendar_notice.hide()
        else:
            self.calendar_notice.setText(
                f"The {data.calendar_year} business-day calendar is not confirmed: check its"
                " holidays and closures (Calendar…) so the deadlines count the right days."
            )
            self.calendar_notice.show()
        self._filling = True  # re-selecting the shown request must not start another load
        try:
            self.model.set_rows(data.summaries, data.time_zone)
            numbers = [s.number for s in data.summaries]
            if self.selected not in numbers:
                self.selected = numbers[0] if numbers else None
            self._select_row(self.selected)
        finally:
            self._filling = False
        self.loaded.emit(data)
        if self.selected is None:
            self._show_detail(None)
        else:
            self.load_detail(self.selected)

    def _select_row(self, number: str | None) -> None:
        row = self.model.row_of(number) if number else -1
        if row < 0:
            self.table.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row, COL_NUMBER))
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._filling or not current.isValid():
            return
        summary = self.proxy.data(current, SummaryRole)
        if summary is not None and summary.number != self.selected:
            self.select_request(summary.number)

    def select_request(self, number: str) -> None:
        self.selected = number
        self.message = ""
        self._select_row(number)
        self.load_detail(number)

    def load_detail(self, number: str) -> None:
        if self._archive is None:
            return
        current = self._detail_latest.next()
        task = Task(
            partial(ops.load_detail, self._archive, number),
            progress=False,
            cancel=False,
            title="Request",
        )
        task.finished.connect(current(self._show_detail))
        task.failed.connect(current(lambda message: self._detail_failed(number, message)))
        self._runner.submit(task)

    def _detail_failed(self, number: str, message: str) -> None:
        self.status_label.setText(f"Could not read request {number}: {message}")

    def _show_detail(self, data: ops.DetailData | None) -> None:
        self.detail = data
        if data is None:
            self.panel.clear()
            self.responsive.clear()
            self.letters.set_letters((), False)
            self.fees.clear()
            for button in self.step_buttons.values():
                button.setEnabled(False)
            self.produce_button.setEnabled(False)
            self.review_button.setEnabled(False)
            return
        detail = data.detail
        open_ = detail.status not in FINISHED
        self.panel.set_detail(detail, data.time_zone)
        engine = self._engine
        self.responsive.set_set(
            data.counts,
            data.member_ids,
            detail.queries,
            engine.fetch_rows if engine is not None else None,
            data.time_zone,
            open_,
        )
        self.letters.set_letters(detail.letters, True)
        self.fees.set_status(data.fees, True)
        for key, button in self.step_buttons.items():
            button.setEnabled(open_ or key == "time")
        self.produce_button.setEnabled(detail.summary.responsive > 0)
        self.review_button.setEnabled(True)
        self.detail_loaded.emit(data)

    def open_produce_dialog(self) -> QDialog | None:
        from retention_desk.ui.requests.produce_dialog import ProduceDialog

        if self._archive is None or self.detail is None:
            return None
        dialog = ProduceDialog(self._archive, self._runner, self.detail.detail.number, self)
        dialog.finished.connect(lambda _code: self._changes.notify(CHANGE))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_review_dialog(self) -> QDialog | None:
        from retention_desk.ui.review import ReviewQueueDialog

        if self._archive is None or self.detail is None:
            return None
        dialog = ReviewQueueDialog(self._archive, self._runner, self.detail.detail.number, self)
        dialog.finished.connect(lambda _code: self._changes.notify(CHANGE))
        self.dialog = dialog
        dialog.open()
        return dialog

    # ---------------------------------------------------------------- actions
    def _done(self, sentence: str) -> None:
        self.message = sentence
        self.status_label.setText(sentence)
        self._changes.notify(CHANGE)

    def _run(
        self,
        fn: Callable[[], Any],
        title: str,
        finished: Callable[[Any], None],
        failed: Callable[[str], None] | None = None,
    ) -> Task | None:
        if self._archive is None:
            return None
        task = Task(fn, progress=False, cancel=False, title=title)
        task.finished.connect(finished)
        task.failed.connect(failed or (lambda message: show_error(self, title, message)))
        return self._runner.submit(task)

    def run_action(self, number: str, action: Action, dialog: ActionDialog | None = None) -> None:
        """Run a dialog's action on `number`; the dialog closes on success and shows the
        desk's sentence on a refusal."""
        if self._archive is None:
            return

        def finished(result: object) -> None:
            if dialog is not None:
                dialog.finish()
            self._done(outcome_text(number, action, result))

        def failed(message: str) -> None:
            if dialog is not None:
                dialog.fail(message)
            else:
                show_error(self, action.title, message)
            if action.fn is ops.save_letter:
                # a letter stored whose file could not be written is listed all the same
                self._changes.notify(CHANGE)

        self._run(
            partial(
                ops.user_errors, action.fn, self._archive, number, *action.args, **action.kwargs
            ),
            action.title,
            finished,
            failed,
        )

    def _open_action(self, dialog: ActionDialog, number: str) -> ActionDialog:
        dialog.submitted.connect(lambda action: self.run_action(number, action, dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------ new request
    def open_new_request(self) -> NewRequestDialog | None:
        if self._archive is None:
            return None
        dialog = NewRequestDialog(datetime.now(self._zone()), self)
        dialog.submitted.connect(lambda request: self.log_request(request, dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _zone(self) -> ZoneInfo:
        return fmt.zone(self.data.time_zone if self.data else None)

    def log_request(self, request: NewRequest, dialog: NewRequestDialog | None = None) -> None:
        if self._archive is None:
            return

        def logged(detail: requests.RequestDetail) -> None:
            if dialog is not None:
                dialog.finish()
            self.selected = detail.number
            self.tabs.setCurrentIndex(TAB_REQUEST)
            self._done(f"Logged request {detail.number}.")

        self._run(
            partial(
                ops.user_errors,
                requests.new_request,
                self._archive,
                **request.kwargs(),  # type: ignore[arg-type]
            ),
            "New request",
            logged,
            dialog.fail if dialog is not None else None,
        )

    # ------------------------------------------------------------------ steps
    def open_step(self, key: str) -> ActionDialog | None:
        if self.detail is None:
            return None
        detail = self.detail.detail
        number, today = detail.number, self.detail.today
        method = VIA_METHOD.get(detail.summary.via, "hand")
        dialogs: dict[str, Callable[[], ActionDialog]] = {
            "acknowledge": lambda: AcknowledgeDialog(number, today, method, self),
            "burdensome": lambda: BurdensomeDialog(number, today, method, self),
            "deny": lambda: DenyDialog(number, today, method, self),
            "fulfil": lambda: FulfilDialog(number, today, method, False, self),
            "partial": lambda: FulfilDialog(number, today, method, True, self),
            "forward": lambda: ForwardDialog(number, today, method, self),
            "withdraw": lambda: EndDialog(number, today, "withdraw", self),
            "close": lambda: EndDialog(number, today, "close", self),
            "time": lambda: LogTimeDialog(number, today, self),
        }
        return self._open_action(dialogs[key](), number)

    # ------------------------------------------------------------- responsive
    def add_by_query(self, query: str) -> Task | None:
        if self.detail is None or self._archive is None:
            return None
        number = self.detail.detail.number

        def added(change: responsive.SetChange) -> None:
            self.responsive.query_edit.clear()
            self.tabs.setCurrentIndex(TAB_RESPONSIVE)
            self._done(
                f"{number}: {plural(change.added, 'record')} added"
                f" ({change.already:,} already in the set); {plural(change.total, 'record')}"
                " in all."
            )

        return self._run(
            partial(ops.user_errors, responsive.add_by_query, self._archive, number, query),
            "Add by search",
            added,
        )

    def rerun_queries(self) -> Task | None:
        if self.detail is None or self._archive is None:
            return None
        number = self.detail.detail.number
        return self._run(
            partial(ops.user_errors, responsive.rerun_queries, self._archive, number),
            "Re-run saved searches",
            lambda change: self._done(
                f"{number}: the saved searches added {plural(change.added, 'record')};"
                f" {plural(change.total, 'record')} in all."
            ),
        )

    def open_remove(self, record_ids: list[int]) -> ActionDialog | None:
        if self.detail is None:
            return None
        number = self.detail.detail.number
        return self._open_action(RemoveRecordsDialog(number, record_ids, self), number)

    # ---------------------------------------------------------------- letters
    def open_letter(self) -> ActionDialog | None:
        if self.detail is None:
            return None
        number = self.detail.detail.number
        return self._open_action(LetterDialog(number, self.detail.today, self), number)

    def choose_resave(self, letter: LetterInfo) -> None:
        if self.detail is None:
            return
        name = letter_file_name(self.detail.detail.number, letter.kind, letter.file_format)
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the letter", name, FILTERS.get(letter.file_format, "")
        )
        if path:
            self.resave_letter(letter.id, Path(path))

    def resave_letter(self, letter_id: int, path: Path) -> Task | None:
        if self._archive is None:
            return None
        return self._run(
            partial(ops.resave_letter, self._archive, letter_id, path),
            "Save letter",
            lambda written: self.status_label.setText(f"Wrote {written}"),
        )

    # ------------------------------------------------------------------- fees
    def open_fee(self, kind: str) -> ActionDialog | None:
        if self.detail is None:
            return None
        number = self.detail.detail.number
        per_page = fees.dollars(self.detail.fees.per_page_cents)
        return self._open_action(FeeDialog(number, kind, per_page, self), number)

    def remove_fee(self, fee_id: int) -> Task | None:
        if self.detail is None or self._archive is None:
            return None
        number = self.detail.detail.number
        return self._run(
            partial(ops.user_errors, fees.remove_fee, self._archive, number, fee_id),
            "Remove fee",
            lambda _status: self._done(f"{number}: fee line removed."),
        )

    def open_payment(self) -> ActionDialog | None:
        if self.detail is None:
            return None
        number = self.detail.detail.number
        balance = fees.dollars(self.detail.fees.balance_cents)
        return self._open_action(PaymentDialog(number, self.detail.today, balance, self), number)

    def set_advance_payment(self, checked: bool) -> Task | None:
        if self.detail is None or self._archive is None:
            return None
        number = self.detail.detail.number
        return self._run(
            partial(
                ops.user_errors,
                requests.update_request,
                self._archive,
                number,
                advance_payment=checked,
            ),
            "Advance payment",
            lambda _detail: self._done(
                f"{number}: payment {'is' if checked else 'is not'} asked in advance."
            ),
        )

    # --------------------------------------------------------------- calendar
    def open_calendar(self) -> CalendarDialog | None:
        if self._archive is None:
            return None
        today = self.data.today if self.data else datetime.now().date()
        dialog = CalendarDialog(self._archive, self._runner, today.year, today, self)
        dialog.changed.connect(lambda: self._changes.notify(CHANGE))
        self.dialog = dialog
        dialog.open()
        return dialog

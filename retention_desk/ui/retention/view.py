"""The Retention page: what may go when, under which rule, and what must be kept.

At the top the classification summary (unclassified records first: they are never eligible);
below, tabs for records per series, the schedule, the rules editor and the holds. Everything
is read by `ops.load_page` on the task runner and every change (classify, rules, holds, event
dates, schedule files) runs there too, through the same headless functions the CLI calls;
after a change the page broadcasts "retention" and reloads like any other page would.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QTabWidget, QVBoxLayout, QWidget

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import message_box, plain_label, show_error
from retention_desk.ui.refresh import PageLoader
from retention_desk.ui.retention import ops
from retention_desk.ui.retention.common import isolate, plural
from retention_desk.ui.retention.dialogs import (
    EventDateDialog,
    PlaceHoldDialog,
    ReleaseHoldDialog,
    schedule_import_text,
)
from retention_desk.ui.retention.holds_panel import HoldsPanel
from retention_desk.ui.retention.rules_editor import RulesEditor
from retention_desk.ui.retention.schedule_table import ScheduleTable
from retention_desk.ui.retention.summary import SeriesCounts, SummaryPanel
from retention_desk.ui.task_dialogs import TaskProgressDialog
from retention_desk.ui.tasks import Task, TaskRunner

TAB_SERIES, TAB_SCHEDULE, TAB_RULES, TAB_HOLDS = range(4)


class RetentionView(QWidget):
    loaded = Signal(object)  # the RetentionPageData just shown

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
        self.data: ops.RetentionPageData | None = None
        self.message = ""  # the outcome of the user's last change, kept across the reload
        # the dialog last opened, for tests to fill and accept
        self.dialog: QWidget | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.summary = SummaryPanel()
        self.summary.classify_requested.connect(self.classify)
        self.summary.event_requested.connect(self.open_event_dialog)
        layout.addWidget(self.summary)
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.tabs = QTabWidget()
        self.series_counts = SeriesCounts()
        self.schedule = ScheduleTable()
        self.schedule.import_requested.connect(self.choose_schedule_file)
        self.rules = RulesEditor(self._runner)
        self.rules.changed.connect(self._changes.notify)
        self.holds = HoldsPanel()
        self.holds.place_requested.connect(self.open_place_dialog)
        self.holds.release_requested.connect(self.open_release_dialog)
        self.tabs.addTab(self.series_counts, "Records per series")
        self.tabs.addTab(self.schedule, "Schedule")
        self.tabs.addTab(self.rules, "Rules")
        self.tabs.addTab(self.holds, "Holds")
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self.data = None
        self.message = ""
        self._loader.invalidate()
        self.rules.set_archive(archive)
        if archive is None:
            self._clear()
        else:
            self.reload()

    def _clear(self) -> None:
        self.summary.clear()
        self.series_counts.clear()
        self.schedule.clear()
        self.holds.clear()
        self.status_label.setText("No archive is open")

    def reload(self) -> None:
        if self._archive is None:
            return
        if self.data is None:
            self.status_label.setText("Loading…")
        self._loader.load(
            partial(ops.load_page, self._archive), "Retention", self._loaded, self._failed
        )

    def _failed(self, message: str) -> None:
        self.status_label.setText(f"Could not read the retention data: {message}")

    def _loaded(self, data: ops.RetentionPageData) -> None:
        self.data = data
        self.status_label.setText(self.message)
        self.summary.set_summary(data.summary)
        self.series_counts.set_counts(data.summary, data.series, data.counts)
        self.schedule.set_data(data)
        self.rules.set_data(data)
        self.holds.set_holds(data.holds, data.time_zone)
        self.tabs.setTabText(TAB_RULES, f"Rules ({len(data.rules)})")
        self.tabs.setTabText(TAB_HOLDS, f"Holds ({self.holds.active_count()})")
        self.loaded.emit(data)

    def _done(self, sentence: str) -> None:
        self.message = sentence
        self.status_label.setText(sentence)
        self._changes.notify("retention")

    # --------------------------------------------------------------- classify
    def classify(self) -> Task | None:
        if self._archive is None:
            return None
        task = Task(partial(ops.classify, self._archive), title="Classify")
        dialog = TaskProgressDialog(task, "Classifying records", self)
        task.finished.connect(self._classified)
        task.failed.connect(lambda message: show_error(self, "Classify", message))
        task.cancelled.connect(
            lambda: self.status_label.setText("Classification cancelled; nothing was changed.")
        )
        self.summary.classify_button.setEnabled(False)
        task.ended.connect(lambda: self.summary.classify_button.setEnabled(True))
        self.dialog = dialog
        dialog.open()
        return self._runner.submit(task)

    def _classified(self, summary: rt.ClassifySummary) -> None:
        self._done(
            f"Classified {fmt.count(summary.records)} records:"
            f" {fmt.count(summary.moved)} changed series or eligible date,"
            f" {fmt.count(summary.unclassified)} unclassified."
        )

    # ------------------------------------------------------------------ holds
    def open_place_dialog(self, record_ids: str = "") -> PlaceHoldDialog:
        dialog = PlaceHoldDialog(self, record_ids)
        dialog.accepted.connect(lambda: self._place(dialog.request))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _place(self, request: ops.HoldRequest | None) -> None:
        if self._archive is None or request is None:
            return
        task = Task(
            partial(ops.place_hold, self._archive, request),
            progress=False,
            cancel=False,
            title="Place hold",
        )
        task.finished.connect(
            lambda hold: self._done(
                f"Hold {isolate(hold.name)} placed on {plural(hold.records, 'record')}."
            )
        )
        task.failed.connect(lambda message: show_error(self, "Place hold", message))
        self._runner.submit(task)

    def open_release_dialog(self, hold: rt.HoldInfo) -> ReleaseHoldDialog:
        dialog = ReleaseHoldDialog(hold, self)
        dialog.accepted.connect(lambda: self._release(hold.id, dialog.why()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _release(self, hold_id: int, why: str) -> None:
        if self._archive is None:
            return
        task = Task(
            partial(ops.release_hold, self._archive, hold_id, why),
            progress=False,
            cancel=False,
            title="Release hold",
        )
        task.finished.connect(
            lambda hold: self._done(f"Hold {isolate(hold.name)} released; the reason is kept.")
        )
        task.failed.connect(lambda message: show_error(self, "Release hold", message))
        self._runner.submit(task)

    # ------------------------------------------------------------ event dates
    def open_event_dialog(self, record_ids: str = "") -> EventDateDialog:
        series = self.data.series if self.data else ()
        events = sorted({s.event for s in series if s.event})
        tz = fmt.zone(self.data.time_zone if self.data else None)
        dialog = EventDateDialog(events, datetime.now(tz).date(), self, record_ids)
        dialog.accepted.connect(lambda: self._set_event(dialog.values))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _set_event(self, values: tuple[str, object, str, tuple[int, ...]] | None) -> None:
        if self._archive is None or values is None:
            return
        event, when, query, ids = values
        task = Task(
            partial(ops.set_event_date, self._archive, event, when, query, ids),
            progress=False,
            cancel=False,
            title="Set event date",
        )
        task.finished.connect(
            lambda n: self._done(
                f"Dated “{event.replace('_', ' ')}” {when} for {plural(n, 'record')}."
            )
        )
        task.failed.connect(lambda message: show_error(self, "Set event date", message))
        self._runner.submit(task)

    # --------------------------------------------------------- schedule files
    def choose_schedule_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import schedule file", "", "Schedule files (*.toml);;All files (*)"
        )
        if path:
            self.import_schedule_file(Path(path))

    def import_schedule_file(self, path: Path) -> Task | None:
        if self._archive is None:
            return None
        task = Task(
            partial(ops.import_schedule, self._archive, path),
            progress=False,
            cancel=False,
            title="Import schedule",
        )
        task.finished.connect(self._schedule_imported)
        task.failed.connect(lambda message: show_error(self, "Import schedule", message))
        return self._runner.submit(task)

    def _schedule_imported(self, result: ops.ScheduleImportResult) -> None:
        text, details = schedule_import_text(result)
        self.dialog = message_box(self, "Schedule imported", text, details=details)
        self._done(text)

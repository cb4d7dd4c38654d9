"""The record viewer's Retention tab: the record's series and citation, when it may go (or why
it never may yet), the holds that keep it, and every rule that matched it, the deciding one
marked.

Loaded on the task runner (`load_record_retention`, which evaluates each rule against the
record), separately from the rest of the record so a slow rule never delays the text; a newer
record cancels the older request and drops its answer. Hold names, matters and queries are
typed by users and schedule titles come from agency files: all shown as plain text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from retention_desk import retention as rt
from retention_desk.archive import Archive, Cancelled
from retention_desk.retention.schedule import Series
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention import ops
from retention_desk.ui.retention.common import (
    UNVERIFIED,
    WARN_STYLE,
    cell,
    isolate,
    make_table,
    reason_name,
    unverified_tip,
)
from retention_desk.ui.tasks import Latest, Task, TaskRunner

COL_RULE, COL_QUERY, COL_SERIES, COL_ELIGIBLE, COL_DECIDED = range(5)
DECIDING = "deciding"


@dataclass(frozen=True)
class RecordRetentionData:
    retention: rt.RecordRetention
    series: dict[str, Series]  # the codes the record's retention and matches name
    rules: dict[int, rt.RuleInfo]  # the rules that matched, for their queries
    time_zone: str


def load_record_retention(
    archive: Archive, record_id: int, *, cancel: threading.Event
) -> RecordRetentionData:
    """Worker-side: `record_retention` with the series and rule texts the tab shows."""
    if cancel.is_set():
        raise Cancelled()
    retention = ops.user_errors(rt.record_retention, archive, record_id)
    if cancel.is_set():
        raise Cancelled()
    schedule = ops.user_errors(rt.effective_schedule, archive)
    codes = {m.series_code for m in retention.matches} | {retention.series_code or ""}
    wanted = {m.rule_id for m in retention.matches}
    rules = {r.id: r for r in ops.user_errors(rt.list_rules, archive) if r.id in wanted}
    return RecordRetentionData(
        retention=retention,
        series={c: schedule[c] for c in codes if c in schedule},
        rules=rules,
        time_zone=archive.settings().time_zone,
    )


def status_text(data: RecordRetentionData) -> str:
    """When the record may go, in words: a date, a pending event, permanent, or never."""
    ret = data.retention
    series = data.series.get(ret.series_code or "")
    if ret.status == "unclassified":
        return "Unclassified — never eligible for disposal until a rule files it under a series."
    if ret.status == "permanent":
        return "Permanent: never eligible for destruction" + (
            "; transfer to archives." if ret.disposition == "transfer" else "."
        )
    if ret.status == "pending_event":
        event = (series.event if series else None) or "its event"
        return (
            f"Pending event “{event.replace('_', ' ')}”: not eligible until the event is dated"
            " (Set event date on the Retention page)."
        )
    if ret.status == "no_date":
        return "No creation date is known, so no retention period can start: not eligible."
    verb = "transfer to archives" if ret.disposition == "transfer" else "destroy"
    return f"Counted from {ret.trigger_date}; eligible on {ret.eligible_on} ({verb})."


def match_eligible(match: rt.RuleMatch) -> str:
    if match.status == "dated":
        return match.eligible_on or ""
    return {
        "permanent": "permanent",
        "pending_event": "pending event",
        "no_date": "no date",
    }.get(match.status, match.status)


class RecordRetentionPane(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._latest = Latest()
        self._task: Task | None = None
        self.data: RecordRetentionData | None = None
        self.record_id: int | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.series_label = self._value(form, "Series")
        self.citation_label = self._value(form, "Citation")
        self.badge = plain_label(UNVERIFIED)
        self.badge.setStyleSheet(WARN_STYLE)
        form.addRow(plain_label(""), self.badge)
        self.retention_label = self._value(form, "Retention")
        self.status_label = self._value(form, "Eligible")
        self.holds_label = self._value(form, "Held by")
        layout.addLayout(form)
        layout.addWidget(plain_label("Rules that match this record"))
        self.matches = make_table(("Rule", "Query", "Series", "Eligible", ""), stretch=COL_QUERY)
        layout.addWidget(self.matches, 1)
        self.clear()

    @staticmethod
    def _value(form: QFormLayout, name: str) -> QLabel:
        label = plain_label(selectable=True)
        label.setWordWrap(True)
        form.addRow(plain_label(name), label)
        return label

    def clear(self, message: str = "") -> None:
        self._cancel()
        self.data = None
        self.record_id = None
        self.series_label.setText(message)
        for label in (
            self.citation_label,
            self.retention_label,
            self.status_label,
            self.holds_label,
        ):
            label.setText("")
        self.status_label.setStyleSheet("")
        self.badge.setVisible(False)
        self.matches.setRowCount(0)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._latest.invalidate()

    def show_record(self, archive: Archive | None, record_id: int) -> Task | None:
        if archive is None:
            return None
        self.clear("Loading…")
        self.record_id = record_id
        current = self._latest.next()
        task = Task(
            partial(load_record_retention, archive, record_id),
            progress=False,
            cancel=True,
            title="Record retention",
        )
        task.finished.connect(current(self._loaded))
        task.failed.connect(current(self._failed))
        task.ended.connect(current(self._ended))
        self._task = task
        return self._runner.submit(task)

    def _ended(self) -> None:
        self._task = None

    def _failed(self, message: str) -> None:
        record_id = self.record_id
        self.clear(f"Could not read the retention of record #{record_id}: {message}")
        self.record_id = record_id

    def _loaded(self, data: RecordRetentionData) -> None:
        self.data = data
        ret = data.retention
        series = data.series.get(ret.series_code or "")
        if ret.series_code is None:
            self.series_label.setText("Unclassified (no rule matches this record)")
        elif series is None:
            self.series_label.setText(f"{ret.series_code} (not in the schedule any more)")
        else:
            self.series_label.setText(f"{series.code} — {series.title}")
        self.citation_label.setText(series.citation if series else "")
        self.retention_label.setText(series.retention_words() if series else "")
        unverified = series is not None and not series.verified
        self.badge.setVisible(unverified)
        self.badge.setToolTip(unverified_tip(series) if series is not None and unverified else "")
        self.status_label.setText(status_text(data))
        self.status_label.setStyleSheet(WARN_STYLE if ret.status == "unclassified" else "")
        tz = fmt.zone(data.time_zone)
        if ret.holds:
            held = "; ".join(
                f"{isolate(h.name)} ({reason_name(h.reason)}"
                + (f", {isolate(h.matter)}" if h.matter else "")
                + f", placed {fmt.local_time(h.placed_at, tz)} by {isolate(h.placed_by)})"
                for h in ret.holds
            )
            self.holds_label.setText(f"{held}. Not eligible for disposal while held.")
        else:
            self.holds_label.setText("No hold")
        self.matches.setRowCount(len(ret.matches))
        for row, match in enumerate(ret.matches):
            rule = data.rules.get(match.rule_id)
            query = rule.query if rule else ""
            self.matches.setItem(row, COL_RULE, cell(match.rule_id))
            self.matches.setItem(row, COL_QUERY, cell(query, tip=query))
            self.matches.setItem(row, COL_SERIES, cell(match.series_code))
            self.matches.setItem(row, COL_ELIGIBLE, cell(match_eligible(match)))
            self.matches.setItem(row, COL_DECIDED, cell(DECIDING if match.decided else ""))

"""The rules: queries in the search language that file records under a series.

As a query is typed the editor counts the records it would claim (`test_rule`, the CLI's
`rule test`), debounced and on the task runner; a newer keystroke cancels the request before
it and drops any answer it still gives. Adding a rule first shows the preview (how many
records, which would change series) and adds only when the user confirms. Rules are added at
the end and removed; the retention API has no reordering (a record keeps the longest
retention whatever the order, which only breaks exact ties).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.retention import ops
from retention_desk.ui.retention.common import (
    UNVERIFIED,
    WARN_STYLE,
    cell,
    confirm,
    make_table,
    plural,
    selected_data,
)
from retention_desk.ui.retention.dialogs import RulePreviewDialog
from retention_desk.ui.tasks import Latest, Task, TaskRunner

DEBOUNCE_MS = 300
COL_POS, COL_QUERY, COL_SERIES, COL_NOTE, COL_AUTHOR, COL_ADDED = range(6)
HEADERS = ("#", "Query", "Series", "Note", "Author", "Added")
NO_QUERY = "Type a query to see how many records it would claim."


class RulesEditor(QWidget):
    """`changed(what)` after a rule was added or removed (the page broadcasts it)."""

    changed = Signal(str)
    counted = Signal(object)  # the RuleTest behind the live count just shown

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._archive: Archive | None = None
        self._tz = fmt.zone(None)
        self._count_latest = Latest()
        self._count_task: Task | None = None
        self.preview_dialog: RulePreviewDialog | None = None
        self.last_count: rt.RuleTest | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.table = make_table(HEADERS, stretch=COL_QUERY)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.remove_button = QPushButton("Remove rule")
        self.remove_button.setToolTip(
            "Retire the selected rule (kept in the archive, marked removed) and reclassify the"
            " records it decided"
        )
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

        form = QFormLayout()
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText('e.g. platform:facebook kind:comment, "use of force"')
        self.query_edit.setClearButtonEnabled(True)
        form.addRow(plain_label("Query"), self.query_edit)
        self.series_combo = QComboBox()
        form.addRow(plain_label("Series"), self.series_combo)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("optional: why this rule")
        form.addRow(plain_label("Note"), self.note_edit)
        layout.addLayout(form)
        bottom = QHBoxLayout()
        self.count_label = plain_label(NO_QUERY)
        self.count_label.setWordWrap(True)
        bottom.addWidget(self.count_label, 1)
        self.add_button = QPushButton("Add rule…")
        self.add_button.setToolTip("Preview what the rule would claim, then add it")
        self.add_button.clicked.connect(self.preview)
        bottom.addWidget(self.add_button)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.count_now)
        self.query_edit.textChanged.connect(self._timer.start)
        self.series_combo.currentIndexChanged.connect(self._timer.start)
        self.query_edit.returnPressed.connect(self.preview)

    # ------------------------------------------------------------------- data
    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        self._cancel_count()
        self.table.setRowCount(0)
        self.series_combo.clear()
        self.count_label.setText(NO_QUERY)

    def set_data(self, data: ops.RetentionPageData) -> None:
        self._tz = fmt.zone(data.time_zone)
        keep = self.series_code()
        self.series_combo.blockSignals(True)
        self.series_combo.clear()
        usable = [s for s in data.series if ops.applies(s, data.agency_kind)]
        for series in usable:
            label = f"{series.code} — {series.title}"
            if not series.verified:
                label += f" ({UNVERIFIED})"
            self.series_combo.addItem(label, series.code)
        index = self.series_combo.findData(keep) if keep else -1
        self.series_combo.setCurrentIndex(max(index, 0) if usable else -1)
        self.series_combo.blockSignals(False)

        self.table.setRowCount(len(data.rules))
        for row, rule in enumerate(data.rules):
            self.table.setItem(row, COL_POS, cell(rule.position, data=rule.id))
            self.table.setItem(row, COL_QUERY, cell(rule.query, tip=rule.query))
            self.table.setItem(row, COL_SERIES, cell(rule.series_code))
            self.table.setItem(row, COL_NOTE, cell(rule.note, tip=rule.note))
            self.table.setItem(row, COL_AUTHOR, cell(rule.author))
            self.table.setItem(row, COL_ADDED, cell(fmt.local_time(rule.created_at, self._tz)))
        self.remove_button.setEnabled(bool(data.rules))
        if self.query_edit.text().strip():
            self._timer.start()  # the archive changed: the count may have too

    def series_code(self) -> str:
        return str(self.series_combo.currentData() or "")

    # ------------------------------------------------------------- live count
    def _cancel_count(self) -> None:
        self._timer.stop()
        if self._count_task is not None:
            self._count_task.cancel()
            self._count_task = None
        self._count_latest.invalidate()

    def count_now(self) -> Task | None:
        """Count what the typed rule would claim; any earlier request is cancelled and its
        answer, should it still arrive, dropped."""
        self._cancel_count()
        query = self.query_edit.text().strip()
        if self._archive is None:
            return None
        if not query:
            self.count_label.setStyleSheet("")
            self.count_label.setText(NO_QUERY)
            return None
        if not self.series_code():
            self.count_label.setText("Choose a series to count what the rule would claim.")
            return None
        current = self._count_latest.next()
        self.count_label.setStyleSheet("")
        self.count_label.setText("Counting…")
        task = Task(
            partial(ops.test_rule, self._archive, query, self.series_code()),
            progress=False,
            cancel=True,
            title="Rule count",
        )
        task.finished.connect(current(self._counted))
        task.failed.connect(current(self._count_failed))
        task.ended.connect(current(self._count_ended))
        self._count_task = task
        return self._runner.submit(task)

    def _count_ended(self) -> None:
        self._count_task = None

    def _counted(self, result: rt.RuleTest) -> None:
        self.last_count = result
        self.count_label.setStyleSheet("")
        self.count_label.setText(
            f"Matches {plural(result.matched, 'record')};"
            f" {fmt.count(result.would_change)} would be filed under {result.series_code}"
            " anew."
        )
        self.counted.emit(result)

    def _count_failed(self, message: str) -> None:
        self.count_label.setStyleSheet(WARN_STYLE)
        self.count_label.setText(message)

    # ------------------------------------------------------------ add, remove
    def preview(self) -> Task | None:
        """Test the typed rule, then show what it would do with an Add button."""
        query = self.query_edit.text().strip()
        if self._archive is None:
            return None
        if not query:
            show_error(self, "Add rule", "A rule needs a query; type one first.")
            return None
        if not self.series_code():
            show_error(self, "Add rule", "A rule needs a series; choose one first.")
            return None
        note = self.note_edit.text().strip()
        task = Task(
            partial(ops.test_rule, self._archive, query, self.series_code()),
            progress=False,
            cancel=True,
            title="Rule preview",
        )
        task.finished.connect(lambda result: self._show_preview(result, note))
        task.failed.connect(lambda message: show_error(self, "Add rule", message))
        return self._runner.submit(task)

    def _show_preview(self, result: rt.RuleTest, note: str) -> None:
        dialog = RulePreviewDialog(result, note, self)
        dialog.accepted.connect(lambda: self._add(result.query, result.series_code, note))
        self.preview_dialog = dialog
        dialog.open()

    def _add(self, query: str, series: str, note: str) -> None:
        if self._archive is None:
            return
        task = Task(
            partial(ops.add_rule, self._archive, query, series, note),
            progress=False,
            cancel=False,
            title="Add rule",
        )
        task.finished.connect(self._added)
        task.failed.connect(lambda message: show_error(self, "Add rule", message))
        self._runner.submit(task)

    def _added(self, change: rt.RuleChange) -> None:
        self.query_edit.clear()
        self.note_edit.clear()
        self.count_label.setStyleSheet("")
        self.count_label.setText(
            f"Rule {change.rule_id} added for {change.series_code}: it matches"
            f" {plural(change.matched, 'record')}; {fmt.count(change.moved)} changed series"
            " or eligible date."
        )
        self.changed.emit("retention")

    def remove_selected(self) -> None:
        rule_id = selected_data(self.table)
        if self._archive is None or rule_id is None:
            return
        archive = self._archive
        confirm(
            self,
            "Remove rule",
            f"Remove rule {rule_id}? The records it decided are reclassified under the other"
            " rules (or become unclassified). The removal is audited.",
            lambda: self._remove(archive, int(rule_id)),  # type: ignore[call-overload]
        )

    def _remove(self, archive: Archive, rule_id: int) -> None:
        task = Task(
            partial(ops.remove_rule, archive, rule_id),
            progress=False,
            cancel=False,
            title="Remove rule",
        )
        task.finished.connect(self._removed)
        task.failed.connect(lambda message: show_error(self, "Remove rule", message))
        self._runner.submit(task)

    def _removed(self, change: rt.RuleChange) -> None:
        self.count_label.setStyleSheet("")
        self.count_label.setText(
            f"Rule {change.rule_id} removed: it decided {plural(change.matched, 'record')};"
            f" {fmt.count(change.moved)} changed series or eligible date."
        )
        self.changed.emit("retention")

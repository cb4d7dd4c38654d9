"""The Retention page (issue 10): schedule with verified badges, summary with the unclassified
count first, the rules editor's live count (stale answers dropped) and preview, holds placed and
released through their dialogs, event dates, schedule files, hostile text shown literally."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from retention_desk import retention as rt
from retention_desk.archive import Archive, Cancelled
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.pages import PageContext, page_spec
from retention_desk.ui.retention import ops
from retention_desk.ui.retention.common import UNVERIFIED, VERIFIED
from retention_desk.ui.retention.dialogs import (
    EventDateDialog,
    PlaceHoldDialog,
    ReleaseHoldDialog,
)
from retention_desk.ui.retention.holds_panel import COL_NAME, COL_RECORDS, COL_STATUS
from retention_desk.ui.retention.schedule_table import COL_CITATION, COL_RETENTION, COL_VERIFIED
from retention_desk.ui.retention.summary import COL_ELIGIBLE, COL_HELD
from retention_desk.ui.retention.view import TAB_HOLDS, RetentionView
from retention_desk.ui.tasks import Task, TaskRunner
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule

HOSTILE = "<b>x</b>\u202eevil\u200f"


class HeldRunner(TaskRunner):
    """Queues tasks without running them, so a test decides which finishes first."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[Task] = []

    def submit(self, task: Task) -> Task:
        self.held.append(task)
        task.state = "queued"
        return task


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> tuple[Archive, dict[str, int]]:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    ids = add_records(tmp_archive, STANDARD)
    rt.add_rule(tmp_archive, "budget", "T-CAL")  # june30, leap, nodate; nye stays unclassified
    rt.place_hold(tmp_archive, "Budget audit", "audit", matter="A-7", query="alpha")
    return tmp_archive, ids


def make_page(qtbot, archive: Archive | None, runner: TaskRunner | None = None) -> RetentionView:
    view = RetentionView(runner or TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()  # visible: a change reloads at once, as on screen
    view.set_archive(archive)
    return view


def series_row(view: RetentionView, code: str) -> int:
    row = view.schedule.row_of(code)
    assert row >= 0, code
    return row


def audit_actions(archive: Archive) -> list[str]:
    with archive.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_log ORDER BY id")]


def test_the_page_is_registered_and_lazy(qtbot) -> None:
    spec = page_spec("retention")
    assert spec.available
    page = spec.factory(PageContext(TaskRunner(inline=True), ArchiveChanges()))  # type: ignore[misc]
    assert isinstance(page, RetentionView)
    qtbot.addWidget(page)


def test_page_shows_schedule_badges_summary_and_holds(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    assert view.data is not None
    table = view.schedule.table
    # the test series are unverified, the shipped NONRECORD series is verified
    cal = series_row(view, "T-CAL")
    badge = table.item(cal, COL_VERIFIED)
    assert badge.text() == UNVERIFIED
    assert "not been verified" in badge.toolTip() and "configurable" in badge.toolTip()
    assert table.item(series_row(view, "NONRECORD"), COL_VERIFIED).text() == VERIFIED
    assert (
        "destroy 1 year after the end of the calendar year" in table.item(cal, COL_RETENTION).text()
    )
    assert table.item(cal, COL_CITATION).text() == "test citation"
    # unclassified first and prominent, with the other counts
    label = view.summary.unclassified_label
    assert label.text().startswith("1 unclassified record") and "never eligible" in label.text()
    assert "b3261e" in label.styleSheet()
    assert label.font().bold()
    assert view.summary.counts_label.text() == (
        "4 records · 3 classified · 1 eligible for disposal now · 1 held"
    )
    assert view.series_counts.count_of("T-CAL") == 3
    # per series, the same eligible and held counts as the summary line
    assert view.series_counts.count_of("T-CAL", COL_ELIGIBLE) == 1
    assert view.series_counts.count_of("T-CAL", COL_HELD) == 1
    assert view.series_counts.count_of("—") == 1  # the unclassified row
    # rules and holds with counts
    assert view.rules.table.rowCount() == 1
    assert view.rules.table.item(0, 1).text() == "budget"
    assert view.tabs.tabText(TAB_HOLDS) == "Holds (1)"
    holds = view.holds.table
    assert holds.item(0, COL_NAME).text() == "Budget audit"
    assert holds.item(0, COL_RECORDS).text() == "1"
    assert holds.item(0, COL_STATUS).text() == "active"
    # the series combo offers only series that bind or guide this agency kind
    codes = [view.rules.series_combo.itemData(i) for i in range(view.rules.series_combo.count())]
    assert "T-CAL" in codes and "PRR" in codes


def test_an_archive_without_retention_data_reads_plainly(qtbot, tmp_archive) -> None:
    view = make_page(qtbot, tmp_archive)
    assert view.summary.unclassified_label.text() == "Every record is classified."
    assert view.schedule.table.rowCount() > 0  # the shipped schedule, before it is stored
    assert view.holds.table.rowCount() == 0
    view.set_archive(None)
    assert view.schedule.table.rowCount() == 0
    assert view.status_label.text() == "No archive is open"


def test_live_count_arrives_and_a_stale_one_is_dropped(qtbot, archive) -> None:
    arch, _ids = archive
    runner = HeldRunner()
    view = make_page(qtbot, arch, runner)
    runner.held.pop()._execute()  # the page's own load
    editor = view.rules
    editor.series_combo.setCurrentIndex(editor.series_combo.findData("T-PERM"))
    editor.query_edit.setText("budget")
    editor.count_now()
    editor.query_edit.setText("gamma")
    editor.count_now()
    older, newer = runner.held[-2:]
    assert older.cancel_event.is_set() and not newer.cancel_event.is_set()
    assert editor.count_label.text() == "Counting…"
    newer._execute()
    assert editor.count_label.text().startswith("Matches 1 record;")
    assert editor.last_count is not None and editor.last_count.query == "gamma"
    older.cancel_event.clear()  # as if it had finished before it saw the cancel
    older._execute()
    assert older.state == "finished"  # it did answer (3 budget records) ...
    assert editor.last_count.query == "gamma"  # ... and the answer was dropped
    assert editor.count_label.text().startswith("Matches 1 record;")


def test_live_count_follows_typing_debounced(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    editor = view.rules
    editor.series_combo.setCurrentIndex(editor.series_combo.findData("T-PERM"))
    with qtbot.waitSignal(editor.counted) as blocker:
        qtbot.keyClicks(editor.query_edit, "budget")
    assert blocker.args[0].matched == 3
    assert editor.count_label.text() == "Matches 3 records; 3 would be filed under T-PERM anew."
    editor.query_edit.setText("platform:nowhere")
    qtbot.waitUntil(lambda: "cannot be used" in editor.count_label.text())


def test_add_rule_shows_the_preview_then_adds(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    editor = view.rules
    editor.query_edit.setText("gamma")
    editor.series_combo.setCurrentIndex(editor.series_combo.findData("T-PERM"))
    editor.note_edit.setText("kept for good")
    editor.preview()
    dialog = editor.preview_dialog
    assert dialog is not None and dialog.isVisible()
    assert "It matches 1 record; 1 would change series" in dialog.summary.text()
    assert dialog.moves.item(0, 0).text() == "unclassified"
    assert dialog.moves.item(0, 1).text() == "T-PERM"
    assert "retention.rule_add" not in audit_actions(arch)[-1:]  # the preview wrote nothing
    dialog.accept()
    assert [r.query for r in rt.list_rules(arch)] == ["budget", "gamma"]
    assert rt.list_rules(arch)[1].note == "kept for good"
    assert audit_actions(arch)[-1] == "retention.rule_add"
    assert editor.table.rowCount() == 2  # the page reloaded after its own change
    assert view.summary.unclassified_label.text() == "Every record is classified."
    assert editor.query_edit.text() == ""


def test_a_cancelled_preview_adds_nothing(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    view.rules.query_edit.setText("gamma")
    view.rules.preview()
    assert view.rules.preview_dialog is not None
    view.rules.preview_dialog.reject()
    assert len(rt.list_rules(arch)) == 1


def test_remove_rule_asks_first(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    view.rules.table.selectRow(0)
    view.rules.remove_selected()
    box = next(b for b in view.rules.findChildren(QMessageBox) if b.isVisible())
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Yes).click()
    assert rt.list_rules(arch) == []
    assert view.rules.table.rowCount() == 0
    assert view.summary.unclassified_label.text().startswith("4 unclassified records")


def test_place_and_release_a_hold_with_a_hostile_name(qtbot, archive) -> None:
    arch, ids = archive
    view = make_page(qtbot, arch)
    dialog = view.open_place_dialog()
    assert isinstance(dialog, PlaceHoldDialog) and dialog.isVisible()
    dialog.name_edit.setText(HOSTILE)
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("litigation"))
    dialog.matter_edit.setText("<i>CV-2026-1</i>")
    dialog.ids_edit.setText(f"#{ids['nye']}, {ids['leap']}")
    dialog.accept()
    (hold,) = [h for h in rt.list_holds(arch) if h.name == HOSTILE]
    assert hold.records == 2 and hold.reason == "litigation" and hold.matter == "<i>CV-2026-1</i>"
    # shown literally: the item text is the name itself, labels are plain text
    table = view.holds.table
    row = next(r for r in range(table.rowCount()) if table.item(r, COL_NAME).text() == HOSTILE)
    assert table.item(row, 2).text() == "<i>CV-2026-1</i>"
    assert HOSTILE in view.status_label.text()
    assert view.status_label.textFormat() == Qt.TextFormat.PlainText
    for label in view.findChildren(QLabel):
        if "<b>" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText
    assert view.tabs.tabText(TAB_HOLDS) == "Holds (2)"

    # release: the reason is required
    assert view.holds.select_hold(hold.id)
    view.holds.release_button.click()
    release = view.dialog
    assert isinstance(release, ReleaseHoldDialog)
    assert HOSTILE in release.about.text()
    assert release.about.textFormat() == Qt.TextFormat.PlainText
    assert not release.ok_button.isEnabled()
    release.accept()  # refused without a reason
    assert release.isVisible() and rt.list_holds(arch, include_released=True)[-1].active
    release.why_edit.setPlainText("settled")
    assert release.ok_button.isEnabled()
    release.accept()
    released = next(h for h in rt.list_holds(arch, include_released=True) if h.id == hold.id)
    assert not released.active and released.release_reason == "settled"
    assert audit_actions(arch)[-2:] == ["retention.hold_place", "retention.hold_release"]
    assert view.holds.table.rowCount() == 1  # released holds are hidden ...
    view.holds.released_box.setChecked(True)  # ... until asked for
    row = next(r for r in range(table.rowCount()) if table.item(r, COL_NAME).text() == HOSTILE)
    assert table.item(row, COL_STATUS).text().startswith("released")
    assert "settled" in table.item(row, COL_STATUS).toolTip()
    table.selectRow(row)
    assert not view.holds.release_button.isEnabled()  # a released hold cannot be released


def test_place_hold_dialog_checks_what_it_can(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    dialog = view.open_place_dialog()
    dialog.accept()
    assert dialog.isVisible() and dialog.error.text() == "A hold needs a name."
    dialog.name_edit.setText("Smith")
    dialog.accept()
    assert dialog.error.text() == "A hold needs a query, record ids, or both."
    dialog.ids_edit.setText("12 abc")
    dialog.accept()
    assert dialog.error.text() == "'abc' is not a record id (ids are whole numbers)."
    dialog.ids_edit.setText("999999")
    dialog.accept()  # the archive refuses it: one sentence, nothing placed
    box = next(b for b in view.findChildren(QMessageBox) if b.isVisible())
    assert box.text() == "No record with id 999999."
    assert len(rt.list_holds(arch)) == 1


def test_classify_runs_with_progress_and_reports(qtbot, archive) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    task = view.classify()
    assert task is not None and task.state == "finished"
    assert view.status_label.text() == (
        "Classified 4 records: 0 changed series or eligible date, 1 unclassified."
    )
    assert audit_actions(arch)[-1] == "retention.classify"
    assert view.summary.classify_button.isEnabled()


def test_classify_cancel_is_a_cancel_not_a_failure(archive) -> None:
    arch, _ids = archive
    cancel = threading.Event()
    cancel.set()
    before = audit_actions(arch)
    with pytest.raises(Cancelled):
        ops.classify(arch, progress=lambda *a: None, cancel=cancel)
    assert audit_actions(arch) == before


def test_classify_cancelled_before_it_ran_says_so(qtbot, archive) -> None:
    arch, _ids = archive
    runner = HeldRunner()
    view = make_page(qtbot, arch, runner)
    runner.held.pop()._execute()
    task = view.classify()
    assert task is not None
    view.dialog.request_cancel()  # type: ignore[union-attr]
    task._execute()
    assert task.state == "cancelled"
    assert view.status_label.text() == "Classification cancelled; nothing was changed."


def test_event_date_dialog_dates_records(qtbot, archive) -> None:
    arch, ids = archive
    rt.add_rule(arch, "gamma", "T-EVENT")
    view = make_page(qtbot, arch)
    assert rt.record_retention(arch, ids["nye"]).status == "pending_event"
    dialog = view.open_event_dialog()
    assert isinstance(dialog, EventDateDialog)
    events = [dialog.event_combo.itemText(i) for i in range(dialog.event_combo.count())]
    assert "file_closed" in events and "fulfilled_or_denied" in events
    dialog.event_combo.setCurrentText("file_closed")
    dialog.date_edit.setDate(dialog.date_edit.date().fromString("2025-03-01", "yyyy-MM-dd"))
    dialog.accept()
    assert dialog.error.text() == "Name the records: a query, record ids, or both."
    dialog.query_edit.setText("gamma")
    dialog.accept()
    info = rt.record_retention(arch, ids["nye"])
    assert info.status == "dated" and info.trigger_date == "2025-03-01"
    assert view.status_label.text() == "Dated “file closed” 2025-03-01 for 1 record."


def test_import_schedule_says_what_changed(qtbot, archive, tmp_path: Path) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    text = schedule_text(
        (("T-CAL", "P2Y", "calendar_year_end", "destroy"), ("T-NEW", "P3Y", "created", "destroy"))
    )
    view.import_schedule_file(write_schedule(tmp_path, text, "override.toml"))
    box = view.dialog
    assert isinstance(box, QMessageBox) and box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("Imported override.toml: 2 series, 0 rules. 1 series added,")
    assert "1 changed" in box.text()
    assert "changed T-CAL: destroy 1 year" in box.detailedText()
    assert "destroy 2 years" in box.detailedText()
    assert "added T-NEW: destroy 3 years" in box.detailedText()
    assert view.schedule.row_of("T-NEW") >= 0
    assert "1 from the agency" not in view.schedule.files.text()  # two agency files now
    assert "2 from the agency (latest override.toml" in view.schedule.files.text()


def test_a_bad_schedule_file_is_refused_with_its_line(qtbot, archive, tmp_path: Path) -> None:
    arch, _ids = archive
    view = make_page(qtbot, arch)
    bad = write_schedule(
        tmp_path, schedule_text((("T-X", "P-1Y", "created", "destroy"),)), "b.toml"
    )
    view.import_schedule_file(bad)
    box = next(b for b in view.findChildren(QMessageBox) if b.isVisible())
    assert "b.toml, line" in box.text() and "negative period" in box.text()
    assert view.schedule.row_of("T-X") == -1


def test_the_page_reloads_after_a_change_elsewhere(qtbot, archive) -> None:
    arch, _ids = archive
    changes = ArchiveChanges()
    view = RetentionView(TaskRunner(inline=True), changes)
    qtbot.addWidget(view)
    view.set_archive(arch)  # hidden: a change waits until it is shown
    rt.place_hold(arch, "Later", "other", query="gamma")
    changes.notify("import")
    assert view.holds.table.rowCount() == 1
    view.show()
    qtbot.waitUntil(lambda: view.holds.table.rowCount() == 2)


def test_main_window_opens_the_page_on_the_demo_archive(qtbot, make_window, demo_copy) -> None:
    window = make_window()  # the real, threaded task runner
    assert window.open_archive(demo_copy)
    page = window.show_page("retention")
    assert isinstance(page, RetentionView)
    qtbot.waitUntil(lambda: page.data is not None)
    summary = page.data.summary
    assert summary.records > 0
    assert page.summary.unclassified_label.text().startswith(f"{summary.unclassified:,} unclass")
    assert page.series_counts.table.rowCount() == len(summary.per_series) + 1
    # the live count comes back from the worker thread
    page.rules.query_edit.setText("platform:x")
    with qtbot.waitSignal(page.rules.counted) as blocker:
        page.rules.count_now()
    assert blocker.args[0].matched > 0

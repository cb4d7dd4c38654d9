"""The Archive page: search, facets, history, saved searches, newer-query-wins, keyboard,
the viewer beside the results, refresh after an import, and hostile text shown literally."""

from __future__ import annotations

import threading
import warnings
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from sqlalchemy import text

from retention_desk.archive import Archive, Cancelled
from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
from retention_desk.search import SearchEngine
from retention_desk.ui.archive.results_table_model import COL_ACCOUNT, COL_AUTHOR, COL_TEXT, RowRole
from retention_desk.ui.archive.view import ArchiveView
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.search.history import SearchHistory
from retention_desk.ui.search.worker import SearchWorker
from retention_desk.ui.tasks import Task, TaskRunner

HOSTILE = '<img src="file:///etc/hosts"><b>x</b>'


def count(archive: Archive, where: str = "1 = 1") -> int:
    with archive.read() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM records WHERE {where}")).scalar_one())


@pytest.fixture
def demo(demo_copy: Path) -> Any:
    archive = Archive.open(demo_copy, operator="pytest")
    yield archive
    archive.close()


def make_view(
    qtbot, archive: Archive | None, settings: QSettings, **kw: Any
) -> tuple[ArchiveView, ArchiveChanges]:
    changes = ArchiveChanges()
    view = ArchiveView(TaskRunner(inline=True), changes, settings=settings, **kw)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.set_archive(archive)
    return view, changes


def search(view: ArchiveView, query: str) -> None:
    view.bar.set_text(query)
    view.bar.submit()


def test_opens_on_the_whole_archive_newest_first(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    total = count(demo)
    assert view.model.rowCount() == total
    assert view.count_label.text() == f"{total:,} records"
    facets = view.facets.facets
    assert facets is not None and facets.total == total
    with demo.read() as conn:
        newest = conn.execute(
            text("SELECT id FROM records ORDER BY created_at DESC, id DESC LIMIT 1")
        ).scalar_one()
    assert view.model.id_at(0) == newest
    qtbot.waitUntil(lambda: view.viewer.record_id == newest and view.viewer.data is not None)


def test_facet_click_adds_its_filter_and_runs_again(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    x = next(i for i in view.facets.value_items("Platform") if i.text(0) == "X")
    view.facets.itemClicked.emit(x, 0)
    qtbot.waitUntil(lambda: view.bar.text() == "platform:x")
    assert view.model.rowCount() == count(demo, "platform = 'x'")
    assert {view.model.data(view.model.index(r, 0), RowRole).platform for r in range(50)} == {"x"}
    # then a year: both filters apply, and the count is the one the facet showed
    year = view.facets.value_items("Year")[0]
    label, shown = year.text(0), int(year.text(1).replace(",", ""))
    view.facets.itemClicked.emit(year, 0)
    qtbot.waitUntil(lambda: view.bar.text() == f"platform:x on:{label}")
    assert view.model.rowCount() == shown and view.count_label.text().startswith(f"{shown:,}")
    # clicking a facet already in the query does not add it twice
    x = next(i for i in view.facets.value_items("Platform") if i.text(0) == "X")
    view.facets.itemClicked.emit(x, 0)
    qtbot.wait(20)
    assert view.bar.text() == f"platform:x on:{label}"


def test_query_error_is_shown_inline_and_results_stay(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    view.show()
    search(view, "kind:comment")
    comments = count(demo, "kind = 'comment'")
    assert view.model.rowCount() == comments
    search(view, "nosuchfilter:1 parade")
    assert "nosuchfilter" in view.bar.error()
    assert view.bar.error_label.isVisible()
    assert view.bar.error_label.textFormat() == Qt.TextFormat.PlainText
    assert not [b for b in view.findChildren(QMessageBox) if b.isVisible()]
    assert view.model.rowCount() == comments  # the last results that ran stay up
    assert "Not searched" in view.count_label.text()
    assert SearchHistory(qsettings).entries()[0] == "kind:comment"  # failures not kept
    search(view, "kind:post")
    assert view.bar.error() == ""


def test_history_is_kept_across_views(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    search(view, "is:deleted")
    search(view, "has:media")
    again, _ = make_view(qtbot, None, qsettings)
    assert again.bar.history.entries()[:2] == ["has:media", "is:deleted"]
    again.bar.set_text("")
    assert again.bar.completer.suggestions()[:2] == ["has:media", "is:deleted"]


def test_words_match_and_rows_say_which_version(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    search(view, "volunteers")
    engine = SearchEngine(demo)
    expected = engine.search_ids("volunteers")
    engine.close()
    assert expected and view.model.ids().tolist() == expected
    row = view.model.data(view.model.index(0, 0), RowRole)
    assert "volunteers" in row.text.lower() or row.matched_current is False
    assert row.matched_versions
    assert not view.table.isColumnHidden(7)  # the Matched column shows with words


def test_a_newer_query_wins_over_an_older_one(qtbot, demo, qsettings) -> None:
    held: list[Task] = []

    class HeldRunner(TaskRunner):
        def submit(self, task: Task) -> Task:
            held.append(task)
            return task

    view, _ = make_view(qtbot, None, qsettings, search_runner=HeldRunner())
    view.set_archive(demo)
    held.clear()  # the opening search
    search(view, "platform:x")
    search(view, "platform:youtube")
    older, newer = held
    assert older.cancel_event.is_set() and not newer.cancel_event.is_set()
    newer._execute()
    youtube = count(demo, "platform = 'youtube'")
    # the first page is up; ids and facets follow as tasks of the same generation
    for task in held[2:]:
        task._execute()
    assert view.model.rowCount() == youtube
    older.cancel_event.clear()  # it finished before it noticed the cancel
    older._execute()
    assert view.model.rowCount() == youtube
    assert view.bar.text() == "platform:youtube"
    platforms = {view.model.data(view.model.index(r, 0), RowRole).platform for r in range(20)}
    assert platforms == {"youtube"}


class StopAfter(threading.Event):
    """An event that reports 'set' once asked `after` times: a cancel arriving mid-statement."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after
        self.asked = 0

    def is_set(self) -> bool:
        self.asked += 1
        return self.asked > self.after or super().is_set()


def test_cancel_interrupts_a_running_statement(demo) -> None:
    worker = SearchWorker(demo)
    try:
        query = worker.engine.parse("")
        with pytest.raises(Cancelled):
            worker.all_ids(query, "oldest", cancel=StopAfter(2))
        # the engine recovers: the next search on it runs normally
        found = worker.all_ids(query, "oldest", cancel=threading.Event())
        assert len(found.ids) == count(demo)
        done = threading.Event()
        done.set()
        with pytest.raises(Cancelled):
            worker.first_page("parade", "date", cancel=done)
    finally:
        worker.close()


def test_keyboard_navigation(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    view.show()
    qtbot.waitExposed(view)
    with warnings.catch_warnings():
        # the offscreen platform activates no window by itself; focus needs an active one
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(view)
    view.bar.field.setFocus()
    search(view, "kind:post")
    # Down in the search field moves into the results; Down again moves the selection
    qtbot.keyClick(view.bar.field, Qt.Key.Key_Down)
    assert view.table.hasFocus() and view.table.currentIndex().row() == 0
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    assert view.table.currentIndex().row() == 1
    second = view.model.id_at(1)
    qtbot.waitUntil(lambda: view.viewer.data is not None and view.viewer.record_id == second)
    assert view.viewer.data.detail.record.id == second
    # Ctrl+F comes back to the search field; Esc clears it and lists everything again
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.bar.field.hasFocus()
    qtbot.keyClick(view.bar.field, Qt.Key.Key_Escape)
    assert view.bar.text() == "" and view.model.rowCount() == count(demo)
    # Enter runs what was typed
    qtbot.keyClicks(view.bar.field, "kind:message")
    qtbot.keyClick(view.bar.field, Qt.Key.Key_Return)
    assert view.model.rowCount() == count(demo, "kind = 'message'")


def test_saved_search_save_run_and_delete(qtbot, demo, qsettings) -> None:
    view, changes = make_view(qtbot, demo, qsettings)
    notified: list[str] = []
    changes.changed.connect(notified.append)
    view.bar.set_sort("oldest")
    search(view, "is:deleted")
    dialog = view.saved.ask_save()
    assert dialog is not None and dialog.textValue() == "is:deleted"
    dialog.setTextValue("Deleted items")
    dialog.accept()
    assert view.saved.names() == ["Deleted items"] and notified == ["saved_searches"]

    view.bar.set_sort("date")
    search(view, "kind:post")
    view.saved.list.setCurrentRow(0)
    view.saved.run_button.click()
    assert view.bar.text() == "is:deleted" and view.bar.sort() == "oldest"
    assert view.model.rowCount() == count(demo, "deleted_at IS NOT NULL")
    first = view.model.data(view.model.index(0, 0), RowRole)
    with demo.read() as conn:
        oldest = conn.execute(
            text(
                "SELECT id FROM records WHERE deleted_at IS NOT NULL"
                " ORDER BY created_at IS NULL, created_at, id LIMIT 1"
            )
        ).scalar_one()
    assert first.id == oldest

    view.saved.delete_button.click()
    view.saved.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    assert view.saved.names() == []


def test_refreshes_after_an_import(qtbot, demo, qsettings) -> None:
    view, changes = make_view(qtbot, demo, qsettings)
    view.show()
    search(view, "zebracrossing")
    assert view.model.rowCount() == 0 and view.count_label.text() == "No records match."
    with demo.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(RecordIn(platform="x", kind="post", record_key="new-1", text="zebracrossing"))
        writer.finish()
    changes.notify("import")
    assert view.model.rowCount() == 1


def test_closing_the_archive_empties_the_view(qtbot, demo, qsettings) -> None:
    view, _ = make_view(qtbot, demo, qsettings)
    qtbot.waitUntil(lambda: view.viewer.data is not None)
    view.set_archive(None)
    assert view.model.rowCount() == 0 and view.viewer.data is None
    assert view.facets.topLevelItemCount() == 0 and view.saved.names() == []
    assert view.run_search("anything") is None


def _hostile_archive(path: Path) -> Archive:
    archive = Archive.create(path, operator="pytest")
    with archive.write() as conn:
        account = upsert_account(conn, AccountIn("x", "h", "1", HOSTILE, HOSTILE))
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=account)
        writer.add(
            RecordIn(
                platform="x",
                kind="post",
                record_key="1",
                text=HOSTILE,
                title=HOSTILE,
                author_name=HOSTILE,
                url=f"javascript:alert(1)//{HOSTILE}",
                created_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        )
        writer.finish()
    return archive


def test_hostile_text_is_shown_literally_everywhere(qtbot, tmp_path: Path, qsettings) -> None:
    archive = _hostile_archive(tmp_path / "hostile.rdesk")
    try:
        view, _ = make_view(qtbot, archive, qsettings)
        view.show()
        model = view.model
        assert model.data(model.index(0, COL_TEXT)) == f"{HOSTILE} — {HOSTILE}"
        assert model.data(model.index(0, COL_AUTHOR)) == HOSTILE
        assert model.data(model.index(0, COL_ACCOUNT)) == HOSTILE
        tip = model.data(model.index(0, COL_TEXT), Qt.ItemDataRole.ToolTipRole)
        assert "<img" not in tip and "&lt;img" in tip
        qtbot.waitUntil(lambda: view.viewer.data is not None)
        viewer = view.viewer
        assert viewer.text.toPlainText() == f"{HOSTILE}\n\n{HOSTILE}"
        assert viewer.meta.values["author"].text() == HOSTILE
        assert viewer.meta.values["url"].text() == f"javascript:alert(1)//{HOSTILE}"
        assert viewer.meta.copy_button.isEnabled() and not viewer.meta.open_button.isEnabled()
        account_facet = view.facets.value_items("Account")[0]
        assert account_facet.text(0) == f"{HOSTILE} (X)"
        labels = view.findChildren(QLabel)
        assert labels and all(lbl.textFormat() == Qt.TextFormat.PlainText for lbl in labels)
        shown = [lbl for lbl in labels if HOSTILE in lbl.text()]
        assert viewer.meta.values["author"] in shown
    finally:
        view.set_archive(None)
        archive.close()


def test_new_time_zone_setting_applies_after_the_broadcast(qtbot, demo, qsettings) -> None:
    view, changes = make_view(qtbot, demo, qsettings)
    view.show()
    assert view.model.time_zone.key == "America/Denver"
    first = view.model.data(view.model.index(0, 0), RowRole)
    demo.update_settings(replace(demo.settings(), time_zone="America/New_York"))
    changes.notify("settings")
    assert view.model.time_zone.key == "America/New_York"
    shown = view.model.data(view.model.index(0, 0))
    assert shown == first.created_at.astimezone(ZoneInfo("America/New_York")).strftime(
        "%Y-%m-%d %H:%M %Z"
    )

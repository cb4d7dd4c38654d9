"""The Import page: preview without writing, import with summary, cancel, CSV column mapping."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.importers.csv.mapping import list_presets
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.imports import view as import_view
from retention_desk.ui.imports.csv_mapping_dialog import CsvMappingDialog
from retention_desk.ui.imports.preview import CsvInput
from retention_desk.ui.imports.view import ImportView
from retention_desk.ui.tasks import Task, TaskRunner

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WAIT_MS = 30_000  # an upper bound for a stuck worker, not a timing expectation


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def _vendor_export(path: Path, rows: int = 3) -> Path:
    data = [["Post ID", "Network", "Created", "Message", "Author"]]
    data += [
        [str(1000 + i), "Facebook", "10/02/2015 2:15 PM", f"<b>post</b> {i}\nline two", "City"]
        for i in range(rows)
    ]
    return _write_csv(path, data)


def _count(archive: Archive, sql: str) -> int:
    with archive.read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "import-view.rdesk", operator="pytest")
    yield arch
    arch.close()


@pytest.fixture
def changes() -> ArchiveChanges:
    return ArchiveChanges()


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    pool = TaskRunner()
    yield pool
    pool.cancel_all()
    pool.wait()  # before the archive fixture closes the engine under a running task


@pytest.fixture
def view(qtbot: Any, archive: Archive, runner: TaskRunner, changes: ArchiveChanges) -> ImportView:
    page = ImportView(runner, changes)
    qtbot.addWidget(page)
    page.set_archive(archive)
    return page


def _previewed(qtbot: Any, view: ImportView, *paths: Path) -> Any:
    with qtbot.waitSignal(view.preview_ready, timeout=WAIT_MS) as blocker:
        view.add_paths(list(paths))
    return blocker.args[0]


def _cell(table: Any, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text() if item is not None else ""


# ---------------------------------------------------------------------------- preview
def test_preview_shows_detection_and_writes_nothing(
    qtbot: Any, view: ImportView, archive: Archive, tmp_path: Path
) -> None:
    path = _vendor_export(tmp_path / "vendor.csv")
    audit_before = _count(archive, "SELECT count(*) FROM audit_log")

    result = _previewed(qtbot, view, path)

    assert [r.format for r in result.rows] == ["csv"]
    assert view.preview_table.rowCount() == 1
    assert "CSV" in _cell(view.preview_table, 0, 2)
    assert _cell(view.preview_table, 0, 1) == "vendor.csv"
    assert _cell(view.preview_table, 0, 4) == "2015-10-02 to 2015-10-02"
    assert _cell(view.preview_table, 0, 5) == "about 3"
    assert "Mapping guessed from headers" in _cell(view.preview_table, 0, 6)
    assert view.import_button.isEnabled()
    assert view.mapping_button.isEnabled()  # a CSV input: its columns can be checked
    assert _count(archive, "SELECT count(*) FROM records") == 0
    assert _count(archive, "SELECT count(*) FROM source_files") == 0
    assert _count(archive, "SELECT count(*) FROM audit_log") == audit_before
    # what came from the file is shown literally, never as markup
    assert view.preview_status.textFormat() == Qt.TextFormat.PlainText
    view.preview_table.selectRow(0)
    assert "vendor.csv" in view.preview_details.toPlainText()


def test_preview_lists_inputs_that_cannot_be_imported(
    qtbot: Any, view: ImportView, tmp_path: Path
) -> None:
    unmappable = _write_csv(tmp_path / "stats.csv", [["Likes", "Shares"], ["1", "2"]])
    missing = tmp_path / "gone.zip"
    result = _previewed(qtbot, view, unmappable, missing)
    assert [r.status for r in result.rows] == ["refused"]
    notes = _cell(view.preview_table, 0, 6)
    assert "'Likes', 'Shares'" in notes and "--mapping" in notes
    assert "REFUSED" in _cell(view.preview_table, 0, 2)
    # a path that does not exist is refused when added, with the reason beside the list
    assert view.inputs.count() == 1
    assert "gone.zip: does not exist" in view.refused_label.text()
    assert not view.import_button.isEnabled()  # nothing importable


def test_dropped_files_are_previewed_and_closing_the_archive_disables_import(
    qtbot: Any, view: ImportView, tmp_path: Path
) -> None:
    path = _vendor_export(tmp_path / "dropped.csv")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(view.preview_ready, timeout=WAIT_MS):
        view.dropEvent(drop)
    assert view.inputs.count() == 1 and view.inputs.item(0).text() == str(path)
    assert view.import_button.isEnabled()
    view.set_archive(None)
    assert not view.import_button.isEnabled()
    assert view.start_import() is None


# ----------------------------------------------------------------------------- import
def test_import_through_the_view_adds_records_and_shows_the_summary(
    qtbot: Any, view: ImportView, archive: Archive, changes: ArchiveChanges, tmp_path: Path
) -> None:
    _previewed(qtbot, view, _vendor_export(tmp_path / "vendor.csv"))
    view.account_combo.setCurrentText("@CityOfSantaFe")
    assert _cell(view.preview_table, 0, 3) == "CityOfSantaFe (chosen)"

    notified: list[str] = []
    changes.changed.connect(notified.append)
    with qtbot.waitSignal(view.import_finished, timeout=WAIT_MS) as blocker:
        view.import_button.click()
    summary = blocker.args[0]
    assert notified == ["import"]  # the other pages are told to refresh

    assert summary.status == "completed"
    assert _count(archive, "SELECT count(*) FROM records") == 3
    owners = _count(
        archive,
        "SELECT count(*) FROM records r JOIN accounts a ON a.id = r.account_id"
        " WHERE a.account_key = 'CityOfSantaFe' AND a.platform = 'facebook'",
    )
    assert owners == 3
    assert view.summary_table.rowCount() == 1
    assert _cell(view.summary_table, 0, 1) == "vendor.csv"
    assert _cell(view.summary_table, 0, 2) == "imported"
    assert _cell(view.summary_table, 0, 4) == "3"
    assert "3 added" in view.totals_label.text()
    assert view.import_button.isEnabled() and not view.cancel_button.isEnabled()

    # the same file again: nothing added, reported as already imported
    with qtbot.waitSignal(view.import_finished, timeout=WAIT_MS):
        view.import_button.click()
    assert _cell(view.summary_table, 0, 2) == "already imported"
    assert _count(archive, "SELECT count(*) FROM records") == 3


def test_cancel_during_an_import_rolls_the_file_back(
    qtbot: Any,
    view: ImportView,
    archive: Archive,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _vendor_export(tmp_path / "big.csv", rows=3000)
    _previewed(qtbot, view, path)
    reached, resume = threading.Event(), threading.Event()
    real_run_import = import_view.run_import

    def gated(*args: Any, progress: Any, cancel: threading.Event) -> Any:
        # Hold the worker at the start of the file until the test has pressed Cancel, so the
        # cancel lands mid-import whatever the machine's speed.
        def gate(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if "reading" in message and not reached.is_set():
                reached.set()
                resume.wait(WAIT_MS / 1000)

        return real_run_import(*args, progress=gate, cancel=cancel)

    monkeypatch.setattr(import_view, "run_import", gated)
    task = view.start_import()
    assert task is not None and view.cancel_button.isEnabled()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    view.cancel_import()
    assert not view.cancel_button.isEnabled()
    with qtbot.waitSignal(view.import_finished, timeout=WAIT_MS) as blocker:
        resume.set()
    summary = blocker.args[0]
    assert summary.status == "cancelled"
    assert [f.status for f in summary.files] == ["cancelled"]
    assert _count(archive, "SELECT count(*) FROM records") == 0
    assert _cell(view.summary_table, 0, 2) == "cancelled"
    assert view.import_button.isEnabled()


def test_cancel_before_the_import_starts_writes_nothing(
    qtbot: Any, view: ImportView, archive: Archive, runner: TaskRunner, tmp_path: Path
) -> None:
    _previewed(qtbot, view, _vendor_export(tmp_path / "vendor.csv"))
    gate = threading.Event()
    runner.submit(Task(lambda: gate.wait(WAIT_MS / 1000), progress=False, cancel=False))
    view.start_import()  # queued behind the blocking task
    view.cancel_import()
    with qtbot.waitSignal(view.import_cancelled, timeout=WAIT_MS):
        gate.set()
    assert "nothing was written" in view.progress_message.text()
    assert _count(archive, "SELECT count(*) FROM import_batches") == 0
    assert _count(archive, "SELECT count(*) FROM records") == 0


# ------------------------------------------------------------------------ CSV mapping
def test_mapping_dialog_choice_is_used_for_preview_and_import(
    qtbot: Any, view: ImportView, archive: Archive, tmp_path: Path
) -> None:
    rows = [["Msg", "When", "Who"], ["hello\nthere", "2015-10-02 10:00", "Ana"]]
    result = _previewed(qtbot, view, _write_csv(tmp_path / "sheet.csv", rows))
    assert [r.status for r in result.rows] == ["refused"]
    assert view.mapping_button.isEnabled()

    dialog = view.open_mapping_dialog()
    assert dialog is not None
    assert [dialog.sample.horizontalHeaderItem(c).text() for c in range(3)] == rows[0]
    assert dialog.sample.item(0, 0).text() == "hello ⏎ there"
    dialog.combos["text"].setCurrentText("Msg")
    dialog.combos["created_at"].setCurrentText("When")
    dialog.combos["author"].setCurrentText("Who")
    dialog.platform_combo.setCurrentText("Facebook")
    with qtbot.waitSignal(view.preview_ready, timeout=WAIT_MS) as blocker:
        dialog.accept()
    assert [r.status for r in blocker.args[0].rows] == ["ready"]
    options = view.options()
    assert options.mapping == {"created_at": "When", "text": "Msg", "author": "Who"}
    assert options.platform == "Facebook"
    assert "text = Msg" in view.mapping_label.text()

    with qtbot.waitSignal(view.import_finished, timeout=WAIT_MS):
        view.import_button.click()
    with archive.read() as conn:
        row = conn.execute(
            text(
                "SELECT r.platform, r.author_name, v.text FROM records r"
                " JOIN record_versions v ON v.record_id = r.id"
            )
        ).one()
    assert tuple(row) == ("facebook", "Ana", "hello\nthere")


def _inputs() -> list[CsvInput]:
    return [
        CsvInput(
            source="/exports/vendor.csv",
            path="vendor.csv",
            headers=("<b>Body</b>", "Posted", "ID"),
            sample=(('<img src="file:///etc/hosts">', "2015-10-02", "1"),),
            mapping={"text": "<b>Body</b>", "id": "ID"},
            mapping_source="auto",
            problem=None,
        )
    ]


def test_mapping_dialog_returns_the_chosen_mapping_and_refuses_an_unusable_one(
    qtbot: Any,
) -> None:
    dialog = CsvMappingDialog(_inputs())
    qtbot.addWidget(dialog)
    # headers and cells are the file's text, shown literally
    assert dialog.sample.horizontalHeaderItem(0).text() == "<b>Body</b>"
    assert dialog.sample.item(0, 0).text() == '<img src="file:///etc/hosts">'
    assert dialog.mapping() == {"id": "ID", "text": "<b>Body</b>"}  # starts from the guess
    dialog.combos["created_at"].setCurrentText("Posted")
    dialog.combos["id"].setCurrentIndex(0)  # (not used)
    assert dialog.mapping() == {"created_at": "Posted", "text": "<b>Body</b>"}

    dialog.combos["text"].setCurrentIndex(0)
    assert "Still needed" in dialog.message.text()
    dialog.accept()  # refused: no text column
    assert dialog.result() != CsvMappingDialog.DialogCode.Accepted
    assert "cannot be used" in dialog.message.text()
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText


def test_mapping_dialog_saves_and_loads_presets(qtbot: Any, archive: Archive) -> None:
    runner = TaskRunner(inline=True)
    dialog = CsvMappingDialog(_inputs(), archive=archive, runner=runner)
    qtbot.addWidget(dialog)
    assert dialog.presets == []
    dialog.combos["created_at"].setCurrentText("Posted")
    dialog.preset_name_edit.setText("Vendor A")
    with qtbot.waitSignal(dialog.preset_saved, timeout=WAIT_MS):
        dialog.save_current_preset()
    assert dialog.preset_name() == "Vendor A"
    saved = {"id": "ID", "created_at": "Posted", "text": "<b>Body</b>"}
    assert [(p.name, p.mapping) for p in list_presets(archive)] == [("Vendor A", saved)]
    with archive.read() as conn:
        details = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'csv_mapping.save'")
        ).scalar_one()
    assert json.loads(details)["mapping"] == saved

    other = CsvMappingDialog(
        _inputs(), mapping={"text": "<b>Body</b>"}, archive=archive, runner=runner
    )
    qtbot.addWidget(other)
    assert [p.name for p in other.presets] == ["Vendor A"]
    other.load_selected_preset()
    assert other.mapping() == saved and other.preset_name() == "Vendor A"
    other.combos["author"].setCurrentText("ID")  # changed after loading: no longer the preset
    assert other.preset_name() is None

    with qtbot.waitSignal(other.preset_deleted, timeout=WAIT_MS):
        other.delete_selected_preset()
    assert list_presets(archive) == []
    assert other.preset_combo.count() == 0


# ------------------------------------------------------------------------ main window
def test_import_page_in_the_main_window_refreshes_the_summary(
    qtbot: Any, make_window: Any, demo_copy: Path, tmp_path: Path
) -> None:
    from retention_desk.ui.archive.summary_view import ArchiveSummaryView

    window = make_window()
    window.show()
    assert window.open_archive(demo_copy)
    summary = window.pages["overview"]
    assert isinstance(summary, ArchiveSummaryView)
    qtbot.waitUntil(lambda: summary.info is not None, timeout=WAIT_MS)
    before = summary.info.records

    page = window.show_page("import")
    assert isinstance(page, ImportView)
    assert window.stack.currentWidget() is page
    _previewed(qtbot, page, _vendor_export(tmp_path / "vendor.csv"))
    with qtbot.waitSignal(page.import_finished, timeout=WAIT_MS):
        page.import_button.click()
    # the import marked the (hidden) summary page stale: showing it again counts afresh
    with qtbot.waitSignal(summary.loaded, timeout=WAIT_MS) as loaded:
        window.show_page("overview")
    assert loaded.args[0].records == before + 3

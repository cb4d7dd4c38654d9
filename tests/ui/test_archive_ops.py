"""Verify and backup from the window, through the real task runner."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from retention_desk.archive import Archive
from retention_desk.archive.backup import BackupResult
from retention_desk.archive.verify import VerifyReport
from retention_desk.ui.archive import ops as archive_ops
from retention_desk.ui.archive.summary_view import ArchiveSummaryView
from retention_desk.ui.main_window import MainWindow
from retention_desk.ui.task_dialogs import TaskProgressDialog, VerifyResultDialog
from retention_desk.ui.tasks import Task


def audit_actions(path: Path) -> list[str]:
    with Archive.open(path) as archive, archive.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_log ORDER BY id")]


def result_dialog(window: MainWindow) -> VerifyResultDialog:
    dialogs = [d for d in window.findChildren(VerifyResultDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def hold_worker(window: MainWindow) -> threading.Event:
    """Occupy the single archive worker until the returned event is set."""
    release = threading.Event()
    window.runner.submit(Task(lambda: release.wait(30), progress=False, cancel=False))
    return release


def test_verify_passes_and_summary_shows_it(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    window.show()
    assert window.open_archive(demo_copy)
    summary = window.pages["overview"]
    assert isinstance(summary, ArchiveSummaryView)
    qtbot.waitUntil(lambda: summary.info is not None)

    task = window.start_verify()
    assert task is not None
    progress = [d for d in window.findChildren(TaskProgressDialog) if d.task is task]
    assert progress and progress[0].isVisible()
    with qtbot.waitSignal(task.finished, timeout=30000) as blocker:
        pass
    report = blocker.args[0]
    assert isinstance(report, VerifyReport) and report.ok
    dialog = result_dialog(window)
    assert dialog.headline.text().startswith("Passed")
    assert not dialog.failures.isVisible()
    # the broadcast makes the visible summary reload with the recorded result
    qtbot.waitUntil(lambda: summary.values["verify_result"].text() == "Passed")
    qtbot.waitUntil(
        lambda: not [d for d in window.findChildren(TaskProgressDialog) if d.task is task]
    )
    assert audit_actions(demo_copy)[-1] == "archive.verify"


def test_tampered_blob_fails_verification(qtbot, make_window, demo_copy: Path) -> None:
    raw = sqlite3.connect(demo_copy)
    with raw:
        sha = raw.execute(
            "SELECT blob_sha256 FROM media WHERE mime_type = 'image/png' LIMIT 1"
        ).fetchone()[0]
        data = raw.execute("SELECT data FROM blob_chunks WHERE sha256 = ?", (sha,)).fetchone()[0]
        flipped = bytes([data[0] ^ 0xFF]) + data[1:]  # one byte changed, still a BLOB
        raw.execute("UPDATE blob_chunks SET data = ? WHERE sha256 = ?", (flipped, sha))
    raw.close()

    window = make_window()
    assert window.open_archive(demo_copy)
    task = window.start_verify()
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=30000) as blocker:
        pass
    report = blocker.args[0]
    assert not report.ok
    assert any(sha[:16] in failure for failure in report.failures)
    dialog = result_dialog(window)
    assert dialog.headline.text().startswith("FAILED")
    assert sha[:16] in dialog.failures.toPlainText()
    results = {
        dialog.checks.item(r, 0).text(): dialog.checks.item(r, 1).text()
        for r in range(dialog.checks.rowCount())
    }
    assert results["Stored files (SHA-256 fixity)"] == "FAIL"
    assert results["Audit trail hash chain"] == "pass"


def test_verify_cancelled_while_queued_records_nothing(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    assert window.open_archive(demo_copy)
    before = audit_actions(demo_copy)
    release = hold_worker(window)
    task = window.start_verify()
    assert task is not None
    dialog = next(d for d in window.findChildren(TaskProgressDialog) if d.task is task)
    dialog.request_cancel()  # what the Cancel button does
    assert dialog.message.text() == "Cancelling…"
    with qtbot.waitSignal(task.cancelled, timeout=30000):
        release.set()
    assert audit_actions(demo_copy) == before
    assert not [d for d in window.findChildren(VerifyResultDialog) if d.isVisible()]
    assert "cancelled" in window.statusBar().currentMessage()


def test_cancel_button_stops_running_verify(
    qtbot, make_window, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # verify_archive returns a report marked cancelled when its event is set mid-run; a
    # stand-in that waits for the event makes the timing deterministic.
    def verify_until_cancelled(archive, *, progress, cancel):
        progress(1, 10, "Re-hashing stored files (1/10)")
        assert cancel.wait(30), "the Cancel button did not reach the worker"
        return VerifyReport(started_at="", cancelled=True)

    monkeypatch.setattr(archive_ops, "verify_archive", verify_until_cancelled)
    window = make_window()
    assert window.open_archive(demo_copy)
    task = window.start_verify()
    assert task is not None
    dialog = next(d for d in window.findChildren(TaskProgressDialog) if d.task is task)
    qtbot.waitUntil(lambda: dialog.bar.maximum() == 10)
    assert dialog.message.text() == "Re-hashing stored files (1/10)"
    with qtbot.waitSignal(task.finished, timeout=30000):
        dialog.cancel_button.click()
    assert not [d for d in window.findChildren(VerifyResultDialog) if d.isVisible()]
    assert "cancelled" in window.statusBar().currentMessage()


def test_backup_through_the_runner(qtbot, make_window, demo_copy: Path, tmp_path: Path) -> None:
    window = make_window()
    assert window.open_archive(demo_copy)
    dest = tmp_path / "backups" / "copy.rdesk"
    task = window.start_backup(dest)
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=30000) as blocker:
        pass
    result = blocker.args[0]
    assert isinstance(result, BackupResult) and result.verified
    assert dest.is_file()
    assert audit_actions(demo_copy)[-1] == "archive.backup"
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1 and result.sha256 in boxes[0].text()
    with Archive.open(dest) as copy:
        assert copy.count("SELECT count(*) FROM records") > 1500


def test_backup_refuses_existing_file(qtbot, make_window, demo_copy: Path, tmp_path: Path) -> None:
    window = make_window()
    assert window.open_archive(demo_copy)
    dest = tmp_path / "exists.rdesk"
    dest.write_bytes(b"keep me")
    task = window.start_backup(dest)
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=30000) as blocker:
        pass
    assert "already exists" in blocker.args[0]
    assert dest.read_bytes() == b"keep me"


def test_cancelled_backup_leaves_no_copy(
    qtbot, make_window, demo_copy: Path, tmp_path: Path
) -> None:
    window = make_window()
    assert window.open_archive(demo_copy)
    release = hold_worker(window)
    dest = tmp_path / "cancelled.rdesk"
    task = window.start_backup(dest)
    assert task is not None
    task.cancel()
    with qtbot.waitSignal(task.cancelled, timeout=30000):
        release.set()
    assert not dest.exists()
    assert "archive.backup" not in audit_actions(demo_copy)


def test_busy_check_is_shown_as_not_run_with_the_head(qtbot, demo_copy: Path) -> None:
    from retention_desk.archive.verify import Check

    report = VerifyReport(
        started_at="",
        checks=[
            Check("audit_chain", True, "12 rows"),
            Check("search_index", False, "not run (busy: another program is writing)", "not run"),
        ],
        audit_rows=12,
        audit_head="ab" * 32,
        notes=["No anchor for this archive at this path was kept on this computer"],
    )
    dialog = VerifyResultDialog(report)
    qtbot.addWidget(dialog)
    assert report.outcome == "incomplete"
    assert dialog.headline.text().startswith("No problem found, but some checks could not run")
    assert dialog.checks.item(1, 1).text() == "not run"
    assert "ab" * 32 in dialog.notes.toPlainText()
    assert "No anchor" in dialog.notes.toPlainText()

"""Verify and back up the open archive from the window: task, progress dialog, result.

Keyword-only factories in the spirit of Anki's operations: each starts the work on the task
runner and returns the Task, so callers (and tests) can follow it with its signals. Results
are shown non-modally; the `changes` broadcast tells the pages to refresh.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QWidget

from retention_desk.archive import Archive
from retention_desk.archive.backup import BackupResult, backup_archive
from retention_desk.archive.verify import VerifyReport, verify_archive
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import message_box, show_error
from retention_desk.ui.task_dialogs import TaskProgressDialog, VerifyResultDialog
from retention_desk.ui.tasks import Task, TaskRunner


def _status(parent: QWidget, text: str) -> None:
    if isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(text, 8000)


def start_verify(
    *, parent: QWidget, runner: TaskRunner, archive: Archive, changes: ArchiveChanges
) -> Task:
    """Verify the archive (recorded in its audit trail) and show what was found."""
    task = Task(partial(verify_archive, archive), title="Verify archive")
    dialog = TaskProgressDialog(task, "Verifying the archive", parent)

    def done(report: VerifyReport) -> None:
        if report.cancelled:
            _status(parent, "Verification cancelled; nothing was recorded.")
            return
        changes.notify("verify")
        VerifyResultDialog(report, parent).open()

    task.finished.connect(done)
    task.failed.connect(lambda message: show_error(parent, "Verification failed", message))
    task.cancelled.connect(lambda: _status(parent, "Verification cancelled."))
    dialog.open()
    return runner.submit(task)


def default_backup_path(archive: Archive, stamp: str) -> Path:
    return archive.path.with_name(f"{archive.path.stem}-backup-{stamp}{archive.path.suffix}")


def start_backup(
    *,
    parent: QWidget,
    runner: TaskRunner,
    archive: Archive,
    changes: ArchiveChanges,
    dest: Path,
) -> Task:
    """Copy the archive to `dest`, verify the copy, audit it, and report the copy's hash."""
    task = Task(partial(backup_archive, archive, dest), title="Back up archive")
    dialog = TaskProgressDialog(task, "Backing up the archive", parent)

    def done(result: BackupResult) -> None:
        # Only a verified copy is ever placed at `dest` and returned; a copy that fails
        # verification is removed and arrives as `failed`, naming the failures.
        changes.notify("backup")
        lines = [
            f"File: {result.path}",
            f"Size: {fmt.size(result.size)}",
            f"SHA-256: {result.sha256}",
            f"Audit trail: {result.audit_rows} rows, head {result.audit_head}",
            "",
            "Keep the audit head somewhere the archive's holder cannot change it.",
            *result.notes,
        ]
        message_box(
            parent,
            "Backup complete",
            "The backup was written and verified.\n\n" + "\n".join(lines),
        )

    task.finished.connect(done)
    task.failed.connect(lambda message: show_error(parent, "Backup failed", message))
    task.cancelled.connect(
        lambda: _status(parent, "Backup cancelled; the partial copy was removed.")
    )
    dialog.open()
    return runner.submit(task)

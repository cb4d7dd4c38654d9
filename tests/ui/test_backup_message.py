"""The window's backup messages: a finished backup shows the copy's audit head; a copy that
fails verification is reported as a failure and leaves nothing at DEST."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from retention_desk.archive import Archive, audit
from retention_desk.archive import verify as verify_mod
from retention_desk.archive.verify import Check


def test_backup_complete_message_shows_the_audit_head(
    qtbot, make_window, demo_copy: Path, tmp_path: Path
) -> None:
    with Archive.open(demo_copy) as archive, archive.read() as conn:
        rows, head = audit.head(conn)
    window = make_window()
    assert window.open_archive(demo_copy)
    task = window.start_backup(tmp_path / "backups" / "copy.rdesk")
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=60000) as blocker:
        pass
    assert (blocker.args[0].audit_rows, blocker.args[0].audit_head) == (rows, head)
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert f"Audit trail: {rows} rows, head {head}" in boxes[0].text()


def test_unverified_copy_is_a_failure_with_no_file(
    qtbot, make_window, demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = verify_mod.verify_path

    def failing(path: Path, **kw: object) -> verify_mod.VerifyReport:
        report = real(path, **kw)  # type: ignore[arg-type]
        report.checks.append(Check("blob_fixity", False, "1 bad"))
        report.failures.append("Stored file 0123abcd…: SHA-256 mismatch")
        return report

    monkeypatch.setattr(verify_mod, "verify_path", failing)
    window = make_window()
    assert window.open_archive(demo_copy)
    folder = tmp_path / "backups"
    task = window.start_backup(folder / "copy.rdesk")
    assert task is not None
    with qtbot.waitSignal(task.failed, timeout=60000) as blocker:
        pass
    assert "SHA-256 mismatch" in blocker.args[0] and "no backup was written" in blocker.args[0]
    assert os.listdir(folder) == []

"""The main window opening an older copy: recorded destructions are re-applied before any page
gets the archive, and the note is shown as plain text."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from retention_desk.archive.store import OPEN_HOOKS, Archive
from retention_desk.disposal import reapply
from retention_desk.ui.main_window import MainWindow
from tests.disposal.test_ledger import _canary_hits, _destroyed_after_backup, _ids, _restore


def test_window_reapplies_and_shows_the_note_as_plain_text(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    ids, number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    path = tmp_archive.path
    tmp_archive.close()
    _restore(backup, path)
    reapply.unregister()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, operator="pytest")
    qtbot.addWidget(window)
    try:
        assert window.open_archive(path)
        assert window.archive is not None
        assert _ids(window.archive) == {ids["new1"]}
        boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
        assert len(boxes) == 1
        assert boxes[0].textFormat() == Qt.TextFormat.PlainText
        assert "destroyed again" in boxes[0].text() and f"report(s) {number}" in boxes[0].text()
    finally:
        window.close()
        reapply.unregister()
        assert reapply.on_open not in OPEN_HOOKS
    assert _canary_hits(path) == []

"""Saving Settings with a new fiscal-year end reclassifies retention off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from retention_desk import retention as rt
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule


def test_settings_dialog_change_reclassifies(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    assert window.create_archive(tmp_path / "a.rdesk")
    archive = window.archive
    rt.import_schedule(archive, write_schedule(tmp_path, schedule_text()))
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "leap", "T-FY")
    dialog = window.open_settings()
    assert dialog is not None
    dialog.fiscal_month_combo.setCurrentIndex(8)  # September
    dialog.fiscal_day_spin.setValue(30)
    with qtbot.waitSignal(window.changes.changed, timeout=10_000) as blocker:
        dialog.accept()
    assert blocker.args == ["settings"]
    assert window.reclassify_task is not None
    qtbot.waitUntil(lambda: window.reclassify_task.state == "finished", timeout=20_000)
    assert rt.record_retention(archive, ids["leap"]).trigger_date == "2024-09-30"


def test_other_settings_do_not_reclassify(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    assert window.create_archive(tmp_path / "a.rdesk")
    dialog = window.open_settings()
    assert dialog is not None
    dialog.operator_edit.setText("Records Clerk 2")
    dialog.accept()
    assert window.reclassify_task is None

"""The settings dialog edits agency kind and fiscal year end, validated as the CLI validates
them, saved through Archive.update_settings with an audit row."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog, QLabel

from retention_desk.archive import Archive
from retention_desk.archive.settings import set_value
from retention_desk.archive.verify import verify_archive
from retention_desk.ui.settings_dialog import SettingsDialog


def settings_changes(archive: Archive) -> list[dict[str, list[str]]]:
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT details FROM audit_log WHERE action = 'settings.update' ORDER BY id"
        ).all()
    return [json.loads(details)["changes"] for (details,) in rows]


def set_fiscal(dialog: SettingsDialog, month: int, day: int) -> None:
    dialog.fiscal_month_combo.setCurrentIndex(dialog.fiscal_month_combo.findData(month))
    dialog.fiscal_day_spin.setValue(day)


def test_defaults_are_shown(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    assert dialog.agency_kind_combo.currentData() == "municipality"
    assert dialog.fiscal_month_combo.currentData() == 6
    assert dialog.fiscal_day_spin.value() == 30
    assert dialog.fiscal_year_end() == "06-30"
    kinds = [dialog.agency_kind_combo.itemData(i) for i in range(dialog.agency_kind_combo.count())]
    assert kinds == ["state", "county", "municipality", "other"]


def test_agency_kind_explanation_is_shown(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any(
        "1.21.2 NMAC binds state agencies; for counties and municipalities its series are"
        " guidance their own schedule adopts (nm-law.md §3)" in t
        for t in texts
    )


def test_round_trip_saves_and_reopens_with_the_new_values(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    dialog.agency_kind_combo.setCurrentIndex(dialog.agency_kind_combo.findData("state"))
    set_fiscal(dialog, 9, 30)
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    saved = tmp_archive.settings()
    assert (saved.agency_kind, saved.fiscal_year_end) == ("state", "09-30")
    assert settings_changes(tmp_archive) == [
        {"agency_kind": ["municipality", "state"], "fiscal_year_end": ["06-30", "09-30"]}
    ]
    again = SettingsDialog(tmp_archive)
    qtbot.addWidget(again)
    assert again.agency_kind_combo.currentData() == "state"
    assert again.fiscal_year_end() == "09-30"
    report = verify_archive(tmp_archive, record=False)
    assert report.ok, report.failures


def test_february_29_and_missing_days_are_refused_like_the_cli(qtbot, tmp_archive: Archive) -> None:
    for month, day in ((2, 29), (4, 31)):
        dialog = SettingsDialog(tmp_archive)
        qtbot.addWidget(dialog)
        set_fiscal(dialog, month, day)
        dialog.accept()
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert not dialog.problems_label.isHidden()
        assert f"Fiscal year end '{month:02d}-{day:02d}' is not a day every year has" in (
            dialog.problems_label.text()
        )
    assert settings_changes(tmp_archive) == []
    assert tmp_archive.settings().fiscal_year_end == "06-30"


def test_unknown_stored_kind_is_shown_and_named_not_replaced(qtbot, tmp_archive: Archive) -> None:
    # A kind only a newer app knows: written with a raw value the way such an app would.
    with tmp_archive.write() as conn:
        set_value(conn, "setting.agency_kind", "tribal")
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    assert dialog.agency_kind_combo.currentData() == "tribal"
    dialog.accept()
    assert "Agency kind 'tribal' is not one of" in dialog.problems_label.text()
    dialog.agency_kind_combo.setCurrentIndex(dialog.agency_kind_combo.findData("county"))
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    assert tmp_archive.settings().agency_kind == "county"

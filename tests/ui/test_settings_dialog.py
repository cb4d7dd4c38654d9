"""The settings dialog validates with ArchiveSettings.validate and saves through the archive."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from retention_desk.archive import Archive
from retention_desk.ui.settings_dialog import SettingsDialog


def settings_updates(archive: Archive) -> int:
    return archive.count("SELECT count(*) FROM audit_log WHERE action = 'settings.update'")


def test_invalid_values_are_listed_and_nothing_is_saved(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    dialog.bates_edit.setText("no spaces allowed")
    dialog.time_zone_combo.setCurrentText("Mars/Olympus_Mons")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.problems_label.isHidden()
    shown = dialog.problems_label.text()
    assert "Bates prefix" in shown and "Mars/Olympus_Mons" in shown
    assert settings_updates(tmp_archive) == 0
    assert tmp_archive.settings().bates_prefix == "RD"


def test_valid_values_are_saved_with_an_audit_row(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    assert dialog.time_zone_combo.currentText() == "America/Denver"  # the default
    assert dialog.time_zone_combo.findText("America/Denver") >= 0
    dialog.agency_edit.setText("  Village of Cerro Alto  ")
    dialog.custodian_edit.setText("Lupe Quintero-Dahl")
    dialog.bates_edit.setText("VCA")
    dialog.time_zone_combo.setCurrentText("America/Phoenix")
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    saved = tmp_archive.settings()
    assert saved.agency_name == "Village of Cerro Alto"  # trimmed
    assert saved.custodian_name == "Lupe Quintero-Dahl"
    assert saved.bates_prefix == "VCA"
    assert saved.time_zone == "America/Phoenix"
    assert settings_updates(tmp_archive) == 1


def test_operator_name_empty_means_os_user(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    assert "operating-system user" in dialog.operator_edit.placeholderText()


def test_window_settings_change_updates_status(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window(operator=None)  # no --operator: the setting decides
    assert window.create_archive(tmp_path / "a.rdesk")
    dialog = window.open_settings()
    assert dialog is not None
    dialog.operator_edit.setText("Records Clerk 2")
    with qtbot.waitSignal(window.changes.changed) as blocker:
        dialog.accept()
    assert blocker.args == ["settings"]
    assert window.operator_status.text() == "Operator: Records Clerk 2"


def test_policies_in_force_are_ticked_and_saved(qtbot, tmp_archive: Archive) -> None:
    from PySide6.QtCore import Qt

    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    ids = [
        dialog.policies_list.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(dialog.policies_list.count())
    ]
    assert "nm-dps-opr-37" in ids and "las-cruces-cmp-1-12" in ids
    assert dialog.policies_value() == ""  # nothing ticked: every policy applies
    dialog.policies_list.item(ids.index("nm-dps-opr-37")).setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    assert tmp_archive.settings().policies == "nm-dps-opr-37"
    again = SettingsDialog(tmp_archive)
    qtbot.addWidget(again)
    assert again.policies_value() == "nm-dps-opr-37"


def test_a_stored_policy_no_file_defines_is_shown_and_refused(qtbot, tmp_archive: Archive) -> None:
    from dataclasses import replace

    tmp_archive.update_settings(replace(tmp_archive.settings(), policies="gone-policy"))
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    assert dialog.policies_value() == "gone-policy"
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "'gone-policy'" in dialog.problems_label.text()

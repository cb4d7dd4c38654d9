"""The Settings dialog's request-desk fields: letterhead, number format and hold release days
(placeholders showing resources/ipra.toml's defaults), the fee per page with its 14-2-9(C)
note, and the fee cap refused on save like any other problem."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from retention_desk.archive import Archive
from retention_desk.ipra.rules import load_rules
from retention_desk.ui.settings_dialog import SettingsDialog


def test_defaults_show_as_placeholders_and_the_fee_note_cites_the_cap(
    qtbot, tmp_archive: Archive
) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    rules = load_rules()
    assert rules.number_format in dialog.number_format_edit.placeholderText()
    assert str(rules.hold_release_days) in dialog.hold_days_edit.placeholderText()
    assert rules.fees.citation in dialog.fee_note.text()
    assert "$1.00" in dialog.fee_note.text()
    assert dialog.fee_edit.text() == "0.00"


def test_request_desk_fields_are_saved(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    dialog.address_edit.setText("1 Plaza St, Cerro Alto NM")
    dialog.phone_edit.setText("505-555-0100")
    dialog.email_edit.setText("records@example.gov")
    dialog.number_format_edit.setText("PR-{year}-{seq:03d}")
    dialog.hold_days_edit.setText("60")
    dialog.fee_edit.setText("0.25")
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    saved = tmp_archive.settings()
    assert saved.agency_address == "1 Plaza St, Cerro Alto NM"
    assert saved.agency_phone == "505-555-0100"
    assert saved.agency_email == "records@example.gov"
    assert saved.request_number_format == "PR-{year}-{seq:03d}"
    assert saved.request_hold_release_days == "60"
    assert saved.fee_per_page == "0.25"


def test_fee_over_the_cap_and_bad_formats_are_listed_not_saved(qtbot, tmp_archive: Archive) -> None:
    dialog = SettingsDialog(tmp_archive)
    qtbot.addWidget(dialog)
    dialog.fee_edit.setText("1.50")
    dialog.number_format_edit.setText("PR-{year}")
    dialog.hold_days_edit.setText("soon")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    shown = dialog.problems_label.text()
    assert "Fee per page $1.50" in shown and "14-2-9" in shown
    assert "Request number format" in shown
    assert "Hold release days" in shown
    assert tmp_archive.settings().fee_per_page == "0.00"

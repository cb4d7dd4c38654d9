"""The Requests page (issue 12, GUI): a walk-in logged through the dialog and listed, the oral
note and the 14-2-8(C) warning, a denial refused by the desk without names (its sentence shown
in the dialog), hostile requester text shown literally in the table, the panel and the
timeline, records added by search with their counts, the dashboard counting an overdue request,
the calendar notice, letters and fees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from retention_desk.archive import Archive
from retention_desk.ipra import requests
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.pages import PageContext, page_spec
from retention_desk.ui.requests.dialogs import DenyDialog
from retention_desk.ui.requests.new_request import NewRequestDialog
from retention_desk.ui.requests.table_model import (
    COL_EXPOSURE,
    COL_NUMBER,
    COL_REQUESTER,
    COL_STATE,
)
from retention_desk.ui.requests.view import RequestsView
from retention_desk.ui.tasks import TaskRunner
from tests.retention.helpers import add_records

HOSTILE = "<b>bold</b><img src=x>\u202eevil\u200f " + "n" * 2_000
# the desk keeps a name to 500 characters (its own refusal); the description takes 2,000
HOSTILE_NAME = HOSTILE[:480]


def make_page(qtbot, archive: Archive | None) -> RequestsView:
    view = RequestsView(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()  # visible: a change reloads at once, as on screen
    view.set_archive(archive)
    return view


def log(archive: Archive, days_ago: int = 0, **kw: object) -> requests.RequestDetail:
    args: dict[str, object] = {
        "received_at": datetime.now(UTC) - timedelta(days=days_ago, minutes=1),
        "via": "email",
        "name": "Ana Requester",
        "address": "1 Main St, Cerro Alto NM",
        "phone": "505-555-0100",
        "description": "All comments on the department's page in March 2026",
    }
    args.update(kw)
    return requests.new_request(archive, **args)  # type: ignore[arg-type]


def column(view: RequestsView, col: int) -> list[str]:
    return [str(view.proxy.index(r, col).data() or "") for r in range(view.proxy.rowCount())]


def test_page_is_registered(qtbot, tmp_archive: Archive) -> None:
    spec = page_spec("requests")
    assert spec.available and spec.title == "Requests"
    widget = spec.factory(PageContext(TaskRunner(inline=True), ArchiveChanges()))  # type: ignore[misc]
    qtbot.addWidget(widget)
    assert isinstance(widget, RequestsView)


def test_walk_in_logged_through_the_dialog_appears_in_the_log(qtbot, tmp_archive: Archive) -> None:
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_new_request()
    assert isinstance(dialog, NewRequestDialog)
    assert dialog.ok_button.isDefault()  # Enter saves
    dialog.name_edit.setText("Walk-in Resident")
    dialog.address_edit.setText("12 Plaza St")
    dialog.phone_edit.setText("505-555-0199")
    dialog.description_edit.setPlainText("Council meeting posts, May")
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert column(view, COL_NUMBER) == [f"IPRA-{datetime.now().year}-0001"]
    assert column(view, COL_REQUESTER) == ["Walk-in Resident"]
    assert view.detail is not None and view.detail.detail.requester.phone == "505-555-0199"
    assert "Logged request" in view.status_label.text()


def test_oral_request_shows_its_note(qtbot, tmp_archive: Archive) -> None:
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_new_request()
    assert dialog is not None
    assert dialog.oral_note.isHidden()
    dialog.via_combo.setCurrentIndex(dialog.via_combo.findData("oral"))
    assert not dialog.oral_note.isHidden()
    assert "14-2-8(A)" in dialog.oral_note.text()
    assert dialog.warning.isHidden()  # oral: no particulars are asked for


def test_written_request_lacking_particulars_warns_but_saves(qtbot, tmp_archive: Archive) -> None:
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_new_request()
    assert dialog is not None
    dialog.via_combo.setCurrentIndex(dialog.via_combo.findData("written"))
    dialog.name_edit.setText("Pat")
    dialog.description_edit.setPlainText("Budget posts")
    assert not dialog.warning.isHidden()
    assert "14-2-8(C)" in dialog.warning.text() and "address, telephone" in dialog.warning.text()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert view.model.rowCount() == 1
    assert any("14-2-8(C)" in f for f in view.detail.detail.summary.flags)  # type: ignore[union-attr]
    assert "14-2-8(C)" in view.panel.flags.text()


def test_refused_request_keeps_the_dialog_open_with_the_reason(qtbot, tmp_archive: Archive) -> None:
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_new_request()
    assert dialog is not None
    dialog.name_edit.setText("No description")
    dialog.accept()  # the desk refuses a request without its description
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "description" in dialog.error.text()
    assert dialog.ok_button.isEnabled()
    assert view.model.rowCount() == 0


def test_denial_without_names_is_refused_with_the_desks_sentence(
    qtbot, tmp_archive: Archive
) -> None:
    detail = log(tmp_archive)
    view = make_page(qtbot, tmp_archive)
    assert view.selected == detail.number
    dialog = view.open_step("deny")
    assert isinstance(dialog, DenyDialog)
    dialog.exceptions_edit.setPlainText("NMSA 1978, 14-2-1(D)")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "14-2-11(B)" in dialog.error.text() and detail.number in dialog.error.text()
    assert requests.get_request(tmp_archive, detail.number).status == "received"
    # with a person it is recorded, and the timeline names them
    dialog.people.item(0, 0).setText("R. Ortiz")
    dialog.people.item(0, 1).setText("Chief of Police")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert requests.get_request(tmp_archive, detail.number).status == "denied"
    timeline = view.panel.timeline
    details = [timeline.item(r, 3).text() for r in range(timeline.rowCount())]
    assert any("\u2068R. Ortiz\u2069, \u2068Chief of Police\u2069" in d for d in details)


def test_hostile_requester_text_is_plain_everywhere(qtbot, tmp_archive: Archive) -> None:
    detail = log(tmp_archive, name=HOSTILE_NAME, organisation=HOSTILE_NAME, description=HOSTILE)
    requests.deny(tmp_archive, detail.number, responsible=[(HOSTILE_NAME, "<i>Chief</i>")])
    view = make_page(qtbot, tmp_archive)
    # table: item views never parse markup; the raw text is what is painted
    shown = column(view, COL_REQUESTER)[0]
    assert shown.startswith("<b>bold</b><img src=x>\u202eevil")
    # panel: plain-text labels holding the raw string
    for key, raw in (
        ("name", HOSTILE_NAME),
        ("organisation", HOSTILE_NAME),
        ("description", HOSTILE),
    ):
        label = view.panel.fields[key]
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert label.text() == raw
    for label in view.findChildren(QLabel):
        if "<b>" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText
    # timeline: the description and the responsible person as typed
    timeline = view.panel.timeline
    cells = [timeline.item(r, 3).text() for r in range(timeline.rowCount())]
    assert cells[0] == HOSTILE
    # each typed value is isolated, so its right-to-left override cannot reverse the others
    person = f"\u2068{HOSTILE_NAME}\u2069, \u2068<i>Chief</i>\u2069"
    assert any(c.startswith("responsible: ") and person in c for c in cells)


def test_adding_records_by_search_shows_counts_and_members(qtbot, tmp_archive: Archive) -> None:
    add_records(
        tmp_archive,
        [
            ("a", "parade route complaint", datetime(2026, 2, 1, tzinfo=UTC)),
            ("b", "parade photos", datetime(2026, 2, 2, tzinfo=UTC)),
            ("c", "unrelated budget post", datetime(2026, 2, 3, tzinfo=UTC)),
        ],
    )
    detail = log(tmp_archive)
    view = make_page(qtbot, tmp_archive)
    panel = view.responsive
    panel.query_edit.setText("parade")
    panel.add_button.click()
    assert "2 records added" in view.status_label.text()
    assert panel.counts_label.text().startswith("2 records. By platform: x 2. By kind: post 2.")
    assert "\u2068parade\u2069 (2 found)" in panel.queries_label.text()
    assert panel.model.rowCount() == 2
    texts = {panel.model.index(r, 5).data() for r in range(2)}
    assert texts == {"parade route complaint", "parade photos"}
    assert column(view, 8) == ["2"]
    # removing one asks for a reason, then the set shrinks
    panel.table.selectRow(0)
    dialog = view.open_remove(panel.selected_ids())
    assert dialog is not None
    dialog.accept()
    assert "reason" in dialog.error.text()
    dialog.reason_edit.setText("not responsive")  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert panel.model.rowCount() == 1
    assert "1 removed with a reason" in panel.counts_label.text()
    assert requests.get_request(tmp_archive, detail.number).summary.responsive == 1


def test_dashboard_counts_an_overdue_request(qtbot, tmp_archive: Archive) -> None:
    log(tmp_archive, days_ago=30)
    log(tmp_archive, via="oral", name="Caller")
    view = make_page(qtbot, tmp_archive)
    data = view.data
    assert data is not None
    late = data.dashboard.overdue + data.dashboard.deemed_denied
    assert late == 1
    assert data.dashboard.exposure_cents > 0
    assert f"Running exposure: {data.dashboard.exposure}" in view.dashboard.text()
    row = column(view, COL_NUMBER).index(f"IPRA-{data.summaries[0].received_on.year}-0001")
    state_index = view.proxy.index(row, COL_STATE)
    assert state_index.data() in ("Overdue", "Deemed denied")
    assert state_index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    assert view.proxy.index(row, COL_EXPOSURE).data().startswith("$")


def test_filter_shows_open_or_all(qtbot, tmp_archive: Archive) -> None:
    first = log(tmp_archive)
    log(tmp_archive)
    requests.withdraw(tmp_archive, first.number)
    view = make_page(qtbot, tmp_archive)
    assert view.model.rowCount() == 1
    view.filter_combo.setCurrentIndex(view.filter_combo.findData(False))
    assert view.model.rowCount() == 2


def test_unconfirmed_calendar_shows_a_notice_until_confirmed(qtbot, tmp_archive: Archive) -> None:
    view = make_page(qtbot, tmp_archive)
    assert not view.calendar_notice.isHidden()
    assert "not confirmed" in view.calendar_notice.text()
    dialog = view.open_calendar()
    assert dialog is not None and dialog.table.rowCount() > 0
    assert "not confirmed" in dialog.status_label.text()
    dialog.confirm()
    assert "confirmed by pytest" in dialog.status_label.text()
    assert view.calendar_notice.isHidden()


def test_step_buttons_follow_the_status(qtbot, tmp_archive: Archive) -> None:
    detail = log(tmp_archive)
    view = make_page(qtbot, tmp_archive)
    assert view.step_buttons["acknowledge"].isEnabled()
    dialog = view.open_step("acknowledge")
    assert dialog is not None
    dialog.accept()
    assert requests.get_request(tmp_archive, detail.number).status == "acknowledged"
    dialog = view.open_step("close")
    assert dialog is not None
    dialog.accept()
    view.filter_combo.setCurrentIndex(view.filter_combo.findData(False))
    assert not view.step_buttons["deny"].isEnabled()
    assert view.step_buttons["time"].isEnabled()
    # no responsive records: nothing to produce
    assert not view.produce_button.isEnabled()
    assert "Bates-numbered PDF" in view.produce_button.toolTip()


def test_letter_is_written_to_the_chosen_file_and_listed(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    from dataclasses import replace

    detail = log(tmp_archive)
    requests.acknowledge(
        tmp_archive, detail.number, available_on=detail.summary.received_on + timedelta(days=10)
    )
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_letter()
    assert dialog is not None
    dialog.path_edit.setText(str(tmp_path / "early.pdf"))  # type: ignore[attr-defined]
    dialog.accept()  # the desk refuses a letter without a letterhead: its sentence shows
    assert "agency's name" in dialog.error.text()
    dialog.reject()
    tmp_archive.update_settings(
        replace(
            tmp_archive.settings(),
            agency_name="Village of Cerro Alto",
            custodian_name="Lupe Quintero-Dahl",
        )
    )
    dialog = view.open_letter()
    assert dialog is not None
    target = tmp_path / "ack.pdf"
    dialog.path_edit.setText(str(target))  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.error.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert target.read_bytes().startswith(b"%PDF")
    assert view.letters.table.rowCount() == 1
    view.letters.table.selectRow(0)
    letter = view.letters.selected()
    assert letter is not None
    copy = tmp_path / "copy.pdf"
    view.resave_letter(letter.id, copy)
    assert copy.read_bytes() == target.read_bytes()


def test_fees_pages_and_payment(qtbot, tmp_archive: Archive) -> None:
    from dataclasses import replace

    tmp_archive.update_settings(replace(tmp_archive.settings(), fee_per_page="0.25"))
    log(tmp_archive)
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_fee("pages")
    assert dialog is not None
    dialog.quantity_spin.setValue(10)  # type: ignore[attr-defined]
    dialog.accept()
    assert "balance $2.50" in view.fees.balance_label.text()
    pay = view.open_payment()
    assert pay is not None
    pay.amount_edit.setText("2.50")  # type: ignore[attr-defined]
    pay.accept()
    assert "balance $0.00" in view.fees.balance_label.text()
    assert view.fees.payments.item(0, 3).text().endswith("-R1")
    view.fees.advance_check.setChecked(True)
    assert view.detail is not None and view.detail.detail.advance_payment


@pytest.mark.parametrize("archive_open", [False])
def test_no_archive(qtbot, archive_open: bool) -> None:
    view = make_page(qtbot, None)
    assert not view.new_button.isEnabled()
    assert view.open_new_request() is None


def test_page_in_the_main_window_on_the_demo_archive(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    window.show()  # a hidden page reloads only when next shown
    assert window.open_archive(demo_copy)
    page = window.show_page("requests")
    assert isinstance(page, RequestsView)
    qtbot.waitUntil(lambda: page.data is not None, timeout=20_000)
    before = page.model.rowCount()
    dialog = page.open_new_request()
    assert dialog is not None
    dialog.name_edit.setText("Walk-in")
    dialog.description_edit.setPlainText("Posts about the parade")
    dialog.accept()
    # the page shows the new request once its reload and the detail load have come back
    qtbot.waitUntil(
        lambda: page.detail is not None and page.detail.detail.requester.name == "Walk-in",
        timeout=20_000,
    )
    assert page.model.rowCount() == before + 1


def test_letter_stored_but_unwritable_file_says_so(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    from dataclasses import replace

    tmp_archive.update_settings(
        replace(tmp_archive.settings(), agency_name="Village", custodian_name="Clerk")
    )
    detail = log(tmp_archive)
    requests.deny(tmp_archive, detail.number, responsible=[("R. Ortiz", "Chief")])
    view = make_page(qtbot, tmp_archive)
    dialog = view.open_letter()
    assert dialog is not None
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("denial"))  # type: ignore[attr-defined]
    dialog.path_edit.setText(str(tmp_path / "missing-folder" / "denial.pdf"))  # type: ignore[attr-defined]
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "stored with" in dialog.error.text() and "save a copy" in dialog.error.text()
    assert len(requests.get_request(tmp_archive, detail.number).letters) == 1
    assert view.letters.table.rowCount() == 1  # listed, so a copy can be saved from it

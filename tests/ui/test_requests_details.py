"""Details of the Requests page: an unverified clock rule says so in the panel, the log sorts
by clock urgency and colours a request due soon amber, the page loads through the real
(threaded) task runner, and the timeline lists the receipt, steps and letters by date."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from retention_desk.archive import Archive
from retention_desk.ipra import requests
from retention_desk.ui import formatting as fmt
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.requests.detail import RequestDetailPanel, timeline_rows
from retention_desk.ui.requests.table_model import (
    AMBER,
    COL_NUMBER,
    COL_STATE,
    RED,
    state_colours,
)
from retention_desk.ui.requests.view import RequestsView
from retention_desk.ui.retention.common import UNVERIFIED
from retention_desk.ui.tasks import TaskRunner
from tests.today import agency_today


def log(archive: Archive, days_ago: int = 0, **kw: object) -> requests.RequestDetail:
    args: dict[str, object] = {
        "received_at": datetime.now(UTC) - timedelta(days=days_ago, minutes=1),
        "via": "email",
        "name": "Ana Requester",
        "address": "1 Main St",
        "phone": "505-555-0100",
        "description": "Parade posts",
    }
    args.update(kw)
    return requests.new_request(archive, **args)  # type: ignore[arg-type]


def test_unverified_clock_rule_is_marked_in_the_panel(qtbot, tmp_archive: Archive) -> None:
    detail = log(tmp_archive)
    report = detail.summary.clocks
    first = replace(report.clocks[0], verified=False)
    unverified = replace(
        detail,
        summary=replace(detail.summary, clocks=replace(report, clocks=(first, *report.clocks[1:]))),
    )
    panel = RequestDetailPanel()
    qtbot.addWidget(panel)
    panel.set_detail(unverified, "America/Denver")
    item = panel.clocks.item(0, 4)
    assert item.text() == UNVERIFIED
    assert item.foreground().color() == QColor(Qt.GlobalColor.darkRed)
    assert "not verified" in item.toolTip()
    assert panel.clocks.item(1, 4).text() == "verified"


def test_log_sorts_by_urgency_and_colours_due_soon(qtbot, tmp_archive: Archive) -> None:
    fresh = log(tmp_archive)
    late = log(tmp_archive, days_ago=30)
    view = RequestsView(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.set_archive(tmp_archive)
    view.table.sortByColumn(COL_STATE, Qt.SortOrder.AscendingOrder)
    first = view.proxy.index(0, COL_NUMBER).data()
    assert first == late.number  # most urgent first
    view.table.sortByColumn(COL_STATE, Qt.SortOrder.DescendingOrder)
    assert view.proxy.index(0, COL_NUMBER).data() == fresh.number
    assert state_colours("due_soon") is not None and state_colours("due_soon")[0] == AMBER
    assert state_colours("due_today")[0] == AMBER  # type: ignore[index]
    assert state_colours("deemed_denied")[0] == RED  # type: ignore[index]
    assert state_colours("on_time") is None and state_colours("done") is None


def test_page_loads_through_the_threaded_runner(qtbot, tmp_archive: Archive) -> None:
    detail = log(tmp_archive)
    runner = TaskRunner()
    view = RequestsView(runner, ArchiveChanges())
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.detail_loaded, timeout=20_000):
        view.set_archive(tmp_archive)
    assert view.model.rowCount() == 1
    assert view.panel.fields["name"].text() == "Ana Requester"
    assert view.detail is not None and view.detail.detail.number == detail.number
    runner.wait()


def test_timeline_lists_receipt_steps_and_letters_in_date_order(tmp_archive: Archive) -> None:
    detail = log(tmp_archive, days_ago=3)
    received = detail.summary.received_on
    requests.acknowledge(
        tmp_archive, detail.number, on=received + timedelta(days=1), available_on=agency_today()
    )
    requests.log_time(tmp_archive, detail.number, minutes=20, activity="search")
    shown = requests.get_request(tmp_archive, detail.number)
    rows = timeline_rows(shown, fmt.zone("America/Denver"))
    assert rows[0][1] == "Received (day 0)" and rows[0][3] == "Parade posts"
    assert rows[1][0] == (received + timedelta(days=1)).isoformat()
    assert rows[1][1].startswith("Acknowledged") and "available on" in rows[1][3]


def test_calendar_closure_added_and_removed(qtbot, tmp_archive: Archive) -> None:
    from PySide6.QtCore import QDate

    from retention_desk.ui.requests.calendar_dialog import COL_RULE

    view = RequestsView(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.set_archive(tmp_archive)
    dialog = view.open_calendar()
    assert dialog is not None
    dialog.year_spin.setValue(2026)
    dialog.day_edit.setDate(QDate(2026, 11, 27))
    dialog.name_edit.setText("<b>Day after</b>")
    dialog.add_closure()
    assert dialog.error.text() == ""
    rows = {dialog.table.item(r, 0).text(): r for r in range(dialog.table.rowCount())}
    row = rows["2026-11-27"]
    assert dialog.table.item(row, 2).text() == "<b>Day after</b>"
    assert dialog.table.item(row, 3).text() == "agency closure"
    assert dialog.table.item(row, 4).text() == "yes"
    assert dialog.table.item(row, COL_RULE).text() in ("verified", UNVERIFIED)
    # a weekend closure is refused with the desk's sentence
    dialog.day_edit.setDate(QDate(2026, 11, 28))
    dialog.add_closure()
    assert "Saturday" in dialog.error.text()
    dialog.table.selectRow(row)
    dialog.remove_selected()
    still = [
        dialog.table.item(r, 3).text()
        for r in range(dialog.table.rowCount())
        if dialog.table.item(r, 0).text() == "2026-11-27"
    ]
    assert "agency closure" not in still

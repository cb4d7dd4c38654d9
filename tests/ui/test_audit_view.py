"""The Audit log page with an inline runner (no threads): filters and the details pane."""

from __future__ import annotations

from datetime import date, timedelta

from retention_desk.archive import Archive
from retention_desk.ui.audit.view import ALL_ACTIONS, AuditView
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.tasks import TaskRunner
from tests.today import agency_today


def test_action_and_date_filters_and_details(qtbot, tmp_archive: Archive) -> None:
    with tmp_archive.write() as conn:
        for i in range(5):
            tmp_archive.audit(conn, action="record.view", object_type="record", object_ids=[i])
        tmp_archive.audit(conn, action="search.run", details={"query": "dog"})
    changes = ArchiveChanges()
    view = AuditView(TaskRunner(inline=True), changes)
    qtbot.addWidget(view)
    view.set_archive(tmp_archive)
    assert view.model.rowCount() == 7  # with archive.create
    actions = [view.action_combo.itemText(i) for i in range(view.action_combo.count())]
    # readable names; an action this version has no name for shows its code
    assert actions == [ALL_ACTIONS, "Archive created", "record.view", "search.run"]
    assert view.count_label.text() == "7 entries"

    view.action_combo.setCurrentText("record.view")
    assert view.model.rowCount() == 5 and view.count_label.text() == "5 entries"

    # a date range that ends before today leaves nothing; today's range keeps everything
    view.action_combo.setCurrentText(ALL_ACTIONS)
    view.from_edit.setDate(date(2001, 1, 1))
    view.to_edit.setDate(date(2001, 1, 2))
    assert view.model.rowCount() == 7  # dates do not filter until switched on
    view.date_check.setChecked(True)
    assert view.model.rowCount() == 0
    view.to_edit.setDate(agency_today() + timedelta(days=1))
    assert view.model.rowCount() == 7

    view.table.selectRow(0)
    text = view.details.toPlainText()
    assert "Action     search.run (search.run)" in text and '"query": "dog"' in text
    assert "Hash       " in text

    # a change elsewhere (an import, a verify) reloads the visible list
    view.date_check.setChecked(False)
    view.show()
    with tmp_archive.write() as conn:
        tmp_archive.audit(conn, action="archive.verify")
    changes.notify("verify")
    assert view.model.rowCount() == 8

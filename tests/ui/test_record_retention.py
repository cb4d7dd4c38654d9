"""The record viewer's Retention tab (issue 10): series, citation and unverified badge, when
the record may go (a date, a pending event, permanent, never), its holds and every rule that
matched it with the deciding one marked; loaded on the runner when the tab is open."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.ui.record.retention import (
    COL_DECIDED,
    COL_ELIGIBLE,
    COL_QUERY,
    COL_SERIES,
    DECIDING,
    RecordRetentionPane,
)
from retention_desk.ui.record.view import RecordView
from retention_desk.ui.tasks import Task, TaskRunner
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule

HOSTILE = "<b>x</b>\u202eevil"


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> tuple[Archive, dict[str, int]]:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    ids = add_records(tmp_archive, STANDARD)
    rt.add_rule(tmp_archive, "budget", "T-CAL")
    rt.add_rule(tmp_archive, "alpha", "T-SHORT")  # loses to T-CAL on june30 (longest wins)
    rt.add_rule(tmp_archive, "leap", "T-PERM")
    rt.place_hold(tmp_archive, HOSTILE, "litigation", matter="<i>M-1</i>", query="alpha")
    return tmp_archive, ids


def pane_for(qtbot, archive: Archive, record_id: int) -> RecordRetentionPane:
    pane = RecordRetentionPane(TaskRunner(inline=True))
    qtbot.addWidget(pane)
    pane.show_record(archive, record_id)
    assert pane.data is not None
    return pane


def rows(pane: RecordRetentionPane) -> list[tuple[str, str, str, str]]:
    t = pane.matches
    return [
        tuple(t.item(r, c).text() for c in (COL_QUERY, COL_SERIES, COL_ELIGIBLE, COL_DECIDED))
        for r in range(t.rowCount())
    ]  # type: ignore[misc]


def test_classified_and_held_record(qtbot, archive) -> None:
    arch, ids = archive
    pane = pane_for(qtbot, arch, ids["june30"])
    assert pane.series_label.text() == "T-CAL — Test series T-CAL"
    assert pane.citation_label.text() == "test citation"
    assert pane.badge.isVisibleTo(pane) and pane.badge.text() == "unverified"
    assert "not been verified" in pane.badge.toolTip()
    assert "destroy 1 year after the end of the calendar year" in pane.retention_label.text()
    info = rt.record_retention(arch, ids["june30"])
    assert pane.status_label.text() == (
        f"Counted from {info.trigger_date}; eligible on {info.eligible_on} (destroy)."
    )
    # held: the hostile name and matter shown literally (isolated), never as markup
    held = pane.holds_label.text()
    assert HOSTILE in held and "<i>M-1</i>" in held and "Litigation" in held
    assert "Not eligible for disposal while held." in held
    assert pane.holds_label.textFormat() == Qt.TextFormat.PlainText
    for label in pane.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText
    # both matching rules, the one that decided marked
    assert rows(pane) == [
        ("budget", "T-CAL", info.eligible_on, DECIDING),
        ("alpha", "T-SHORT", rows(pane)[1][2], ""),
    ]
    assert rows(pane)[1][2] < info.eligible_on  # the shorter one lost


def test_permanent_record(qtbot, archive) -> None:
    arch, ids = archive
    pane = pane_for(qtbot, arch, ids["leap"])
    assert pane.series_label.text().startswith("T-PERM")
    assert pane.status_label.text() == (
        "Permanent: never eligible for destruction; transfer to archives."
    )
    assert ("leap", "T-PERM", "permanent", DECIDING) in rows(pane)
    assert pane.holds_label.text() == "No hold"


def test_unclassified_record(qtbot, archive) -> None:
    arch, ids = archive
    pane = pane_for(qtbot, arch, ids["nye"])
    assert pane.series_label.text() == "Unclassified (no rule matches this record)"
    assert pane.status_label.text().startswith("Unclassified — never eligible for disposal")
    assert "b3261e" in pane.status_label.styleSheet()
    assert not pane.badge.isVisibleTo(pane)
    assert pane.matches.rowCount() == 0


def test_pending_event_and_no_date(qtbot, archive) -> None:
    arch, ids = archive
    rt.add_rule(arch, "gamma", "T-EVENT")
    pane = pane_for(qtbot, arch, ids["nye"])
    assert pane.status_label.text().startswith("Pending event “file closed”")
    assert rows(pane) == [("gamma", "T-EVENT", "pending event", DECIDING)]
    pane.show_record(arch, ids["nodate"])
    assert pane.status_label.text().startswith("No creation date is known")


def test_a_missing_record_is_one_sentence(qtbot, archive) -> None:
    arch, _ids = archive
    pane = RecordRetentionPane(TaskRunner(inline=True))
    qtbot.addWidget(pane)
    pane.show_record(arch, 999_999)
    assert pane.series_label.text() == (
        "Could not read the retention of record #999999: There is no record 999999."
    )


def test_the_viewer_loads_the_tab_only_when_it_is_open(qtbot, archive) -> None:
    arch, ids = archive
    submitted: list[Task] = []

    class CountingRunner(TaskRunner):
        def submit(self, task: Task) -> Task:
            submitted.append(task)
            return super().submit(task)

    viewer = RecordView(CountingRunner(inline=True))
    qtbot.addWidget(viewer)
    viewer.set_archive(arch)
    viewer.show_record(ids["june30"])
    assert [t.title for t in submitted] == ["Record"]
    assert viewer.retention.data is None
    viewer.tabs.setCurrentWidget(viewer.retention)
    assert [t.title for t in submitted] == ["Record", "Record retention"]
    assert viewer.retention.series_label.text().startswith("T-CAL")
    viewer.show_record(ids["nye"])  # with the tab open, the next record loads it too
    assert submitted[-1].title == "Record retention"
    assert viewer.retention.series_label.text().startswith("Unclassified")


def test_a_newer_record_wins_in_the_tab(qtbot, archive) -> None:
    arch, ids = archive
    held: list[Task] = []

    class HeldRunner(TaskRunner):
        def submit(self, task: Task) -> Task:
            held.append(task)
            return task

    pane = RecordRetentionPane(HeldRunner())
    qtbot.addWidget(pane)
    pane.show_record(arch, ids["june30"])
    pane.show_record(arch, ids["nye"])
    older, newer = held
    assert older.cancel_event.is_set()
    newer._execute()
    assert pane.data is not None and pane.data.retention.record_id == ids["nye"]
    older.cancel_event.clear()
    older._execute()
    assert pane.data.retention.record_id == ids["nye"]

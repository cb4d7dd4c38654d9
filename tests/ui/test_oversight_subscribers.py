"""The Oversight page's subscriber-lists tab (pytest-qt, inline runner): accounts, their
snapshots, a snapshot's members, two snapshots compared; hostile names stay plain text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.subscribers_tab import (
    COMPARE_COLUMNS,
    MEMBER_COLUMNS,
    SubscribersTab,
)
from retention_desk.ui.tasks import TaskRunner
from tests.oversight.subscribers_helpers import (
    X_APRIL,
    X_MARCH,
    import_export,
)

HOSTILE = ['<b>Bold</b> <img src="x">', "=1+1", "\u202eRTL name", "Two\nLines"]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    archive = Archive.create(tmp_path / "ui.rdesk", operator="pytest")
    import_export(archive, X_MARCH)
    import_export(archive, X_APRIL)
    folder = tmp_path / "facebook-city-2026-06-01" / "connections" / "followers"
    folder.mkdir(parents=True)
    data = {"followers_v3": [{"name": n} for n in HOSTILE]}
    (folder / "people_who_followed_you.json").write_text(json.dumps(data), encoding="utf-8")
    import_export(archive, folder.parents[1], account="cityofexample")
    yield archive
    archive.close()


def _tab(qtbot: QtBot, archive: Archive | None) -> SubscribersTab:
    tab = SubscribersTab(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(tab)
    tab.set_archive(archive)
    return tab


def _column(table: object, columns: tuple[str, ...], name: str) -> list[str]:
    col = columns.index(name)
    return [table.item(r, col).text() for r in range(table.rowCount())]  # type: ignore[attr-defined]


def _choose_account(tab: SubscribersTab, label_part: str) -> None:
    row = next(i for i, (a, _n) in enumerate(tab.accounts) if label_part in a.label)
    tab.account_list.setCurrentRow(row)


def _select_rows(tab: SubscribersTab, rows: list[int]) -> None:
    tab.snapshot_table.clearSelection()
    model = tab.snapshot_table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        model.select(tab.snapshot_table.model().index(row, 0), flags)


def test_accounts_snapshots_and_members(qtbot: QtBot, archive: Archive) -> None:
    tab = _tab(qtbot, archive)
    assert [a.label for a, _n in tab.accounts] == ["facebook:@cityofexample", "x:@milahu104"]
    _choose_account(tab, "milahu104")
    assert [(s.list_kind, s.entry_count) for s in tab.snapshots] == [
        ("followers", 6),
        ("following", 5),
        ("followers", 6),
    ]
    assert not tab.compare_button.isEnabled()
    _select_rows(tab, [0])
    assert tab.detail is not None and tab.detail.snapshot.record_id == tab.snapshots[0].record_id
    names = _column(tab.member_table, MEMBER_COLUMNS, "Name")
    assert names[0] == "account 1882158363930411008" and len(names) == 6


def test_two_snapshots_compared(qtbot: QtBot, archive: Archive) -> None:
    tab = _tab(qtbot, archive)
    _choose_account(tab, "milahu104")
    _select_rows(tab, [0, 1])  # followers and following: not the same list
    assert not tab.compare_button.isEnabled()
    _select_rows(tab, [0, 2])
    assert tab.compare_button.isEnabled()
    tab.compare_button.click()
    assert tab.comparison is not None
    assert _column(tab.compare_table, COMPARE_COLUMNS, "Change") == ["added", "gone"]
    assert _column(tab.compare_table, COMPARE_COLUMNS, "Name") == [
        "account 1302549514524356608",
        "account 185624693",
    ]
    assert "1 added, 1 gone, 5 in both" in tab.compare_status.text()


def test_hostile_names_are_plain_text(qtbot: QtBot, archive: Archive) -> None:
    tab = _tab(qtbot, archive)
    _choose_account(tab, "cityofexample")
    _select_rows(tab, [0])
    names = _column(tab.member_table, MEMBER_COLUMNS, "Name")
    assert names == ['<b>Bold</b> <img src="x">', "=1+1", "\u202eRTL name", "Two Lines"]
    assert tab.member_table.item(0, 1).toolTip() == ""


def test_no_archive_and_refresh_on_change(qtbot: QtBot, archive: Archive) -> None:
    tab = _tab(qtbot, None)
    assert tab.status.text() == "No archive open." and not tab.compare_button.isEnabled()
    changes = ArchiveChanges()
    tab = SubscribersTab(TaskRunner(inline=True), changes)
    qtbot.addWidget(tab)
    tab.set_archive(archive)
    tab.accounts = []
    changes.notify("import")
    assert len(tab.accounts) == 2
    tab.set_archive(None)
    assert tab.account_list.count() == 0 and tab.snapshot_table.rowCount() == 0

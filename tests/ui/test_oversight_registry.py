"""The Account registry tab: accounts listed, roles of the selected account, the add /
approve / retire / end-role forms, import and export, the unapproved-author list, refusals
shown as messages, and hostile names shown literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.oversight import registry as reg
from retention_desk.oversight.registry_authors import set_staff_author
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.registry_tab import RegistryTab
from retention_desk.ui.tasks import TaskRunner
from tests.oversight.registry_helpers import ids, post, write

HOSTILE = '<img src="file:///etc/passwd">=HYPERLINK("x")'


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    archive = Archive.create(tmp_path / "t.rdesk", operator="pytest")
    write(archive, [post("p1", 2), post("p2", 10)])
    yield archive
    archive.close()


@pytest.fixture
def tab(qtbot: QtBot, archive: Archive) -> RegistryTab:
    changes = ArchiveChanges()
    tab = RegistryTab(TaskRunner(inline=True), changes)
    qtbot.addWidget(tab)
    tab.set_archive(archive)
    return tab


def _column(table: object, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]  # type: ignore[attr-defined]


def test_lists_accounts_and_shows_roles_of_the_selected_one(
    tab: RegistryTab, archive: Archive
) -> None:
    assert _column(tab.accounts, 0) == ["x:sandia"]
    assert _column(tab.accounts, 5) == ["2"]
    assert tab.roles.rowCount() == 0
    dialog = tab.open_add_person()
    dialog.name.setText(HOSTILE)
    dialog.platform_names.setText("@ana_r; Ana R")
    dialog.accept()
    [person] = reg.list_people(archive)
    assert person.name == HOSTILE and person.platform_names == ("@ana_r", "Ana R")
    approve = tab.open_approve()
    assert approve is not None and approve.account_ids() == [tab.selected_account()]
    approve.on.setText("2026-03-05")
    approve.by.setText("Mayor")
    approve.accept()
    assert _column(tab.roles, 1) == [HOSTILE]  # the name, literally
    assert _column(tab.roles, 3) == ["Approved user"]
    tab.roles.selectRow(0)
    assert tab.end_button.isEnabled()
    end = tab.open_end_role()
    assert end is not None
    end.on.setText("2026-03-09")
    end.accept()
    assert _column(tab.roles, 6) == ["2026-03-09"]


def test_flags_listed_and_reloaded_on_change(tab: RegistryTab, archive: Archive) -> None:
    assert tab.flags.rowCount() == 0
    person = reg.add_person(archive, "Bo Chee")
    set_staff_author(archive, ids(archive)["p1"], person.id)
    tab._changes.notify("elsewhere")
    assert tab.flags.rowCount() == 1
    assert tab.flags.item(0, 0).text() == str(ids(archive)["p1"])
    assert "not an approved user" in tab.flags.item(0, 5).text()
    assert "1" in tab.flags_label.text()


def test_add_edit_retire_account(tab: RegistryTab, archive: Archive) -> None:
    dialog = tab.open_add_account()
    dialog.platform.setText("facebook")
    dialog.handle.setText("sandiapd")
    dialog.department.setText("Police")
    dialog.accept()
    assert sorted(_column(tab.accounts, 0)) == ["facebook:sandiapd", "x:sandia"]
    row = _column(tab.accounts, 0).index("facebook:sandiapd")
    tab.accounts.selectRow(row)
    edit = tab.open_edit_account()
    assert edit is not None and edit.department.text() == "Police"
    edit.url.setText("https://facebook.com/sandiapd")
    edit.accept()
    retire = tab.open_retire()
    assert retire is not None
    retire.on.setText("2026-06-30")
    retire.accept()
    info = next(a for a in reg.list_accounts(archive) if a.platform == "facebook")
    assert (info.url, info.status, info.retired_on) == (
        "https://facebook.com/sandiapd",
        "retired",
        "2026-06-30",
    )
    assert tab.selected_account() == info.id  # the selection survives the reload


def test_refusal_is_a_message_and_nothing_changes(
    qtbot: QtBot, tab: RegistryTab, archive: Archive
) -> None:
    tab.accounts.selectRow(0)
    retire = tab.open_retire()
    assert retire is not None
    retire.on.setText("someday")
    retire.accept()
    boxes = [w for w in tab.findChildren(QMessageBox)]
    assert boxes and "not a date" in boxes[-1].text()
    assert reg.list_accounts(archive)[0].status == "active"


def test_export_then_import(tab: RegistryTab, archive: Archive, tmp_path: Path) -> None:
    reg.add_person(archive, HOSTILE)
    out = tmp_path / "reg.csv"
    tab.export_file(out)
    assert out.is_file() and "written" in tab.status.text()
    other = Archive.create(tmp_path / "o.rdesk", operator="pytest")
    try:
        tab.set_archive(other)
        assert tab.accounts.rowCount() == 0
        tab.import_file(out)
        assert "1 added" in tab.status.text()
        assert _column(tab.accounts, 0) == ["x:sandia"]
        assert [p.name for p in reg.list_people(other)] == [HOSTILE]
    finally:
        tab.set_archive(None)
        other.close()
    assert not tab.add_button.isEnabled()


def test_edit_person_and_import_problems_in_details(
    tab: RegistryTab, archive: Archive, tmp_path: Path
) -> None:
    person = reg.add_person(archive, "Ana Ruiz")
    reg.approve_user(archive, ["x:sandia"], person.id, on="2026-01-01", by="M")
    tab.reload()
    tab.roles.selectRow(0)
    dialog = tab.open_edit_person()
    assert dialog is not None and dialog.name.text() == "Ana Ruiz"
    dialog.platform_names.setText("@ana_r")
    dialog.accept()
    assert reg.list_people(archive)[0].platform_names == ("@ana_r",)
    bad = tmp_path / "bad.csv"
    bad.write_text("[people]\nname,email\n,a@b.gov\nB,\x01\n", encoding="utf-8")
    tab.import_file(bad)
    box = tab.findChildren(QMessageBox)[-1]
    assert "bad.csv, people row 3, column name" in box.text()
    assert "people row 4, column email" in box.detailedText()
    assert len(reg.list_people(archive)) == 1


def test_staff_author_entered_from_the_tab(tab: RegistryTab, archive: Archive) -> None:
    person = reg.add_person(archive, "Bo Chee")
    tab.reload()
    dialog = tab.open_staff_author()
    assert dialog is not None
    dialog.record.setText(str(ids(archive)["p1"]))
    dialog.person.setCurrentIndex(dialog.person.findData(person.id))
    dialog.accept()
    assert tab.flags.rowCount() == 1  # Bo has no role on @sandia
    tab.flags.selectRow(0)
    clear = tab.open_staff_author()
    assert clear is not None and clear.record.text() == str(ids(archive)["p1"])
    clear.accept()  # person left at "(none)": the entry is cleared
    assert tab.flags.rowCount() == 0
    bad = tab.open_staff_author()
    assert bad is not None
    bad.record.setText("x1")
    bad.accept()
    assert "record's id" in tab.findChildren(QMessageBox)[-1].text()

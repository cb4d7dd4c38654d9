"""The Oversight page's moderation tab and the annual review dialog (pytest-qt, inline
runner): the log with its filters, "Record reason…", the export, the annual report files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.annual_dialog import AnnualReportDialog
from retention_desk.ui.oversight.moderation_tab import ANY_YEAR, COLUMNS, ModerationTab
from retention_desk.ui.tasks import TaskRunner
from tests.oversight.moderation_corpus import HOSTILE, build


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[tuple[Archive, dict[str, int]]]:
    archive, ids = build(tmp_path / "ui.rdesk")
    yield archive, ids
    archive.close()


def _tab(qtbot: QtBot, archive: Archive) -> tuple[ModerationTab, list[str]]:
    changes = ArchiveChanges()
    seen: list[str] = []
    changes.changed.connect(seen.append)
    tab = ModerationTab(TaskRunner(inline=True), changes)
    qtbot.addWidget(tab)
    tab.set_archive(archive)
    return tab, seen


def _select(tab: ModerationTab, record_id: int) -> None:
    row = [e.record_id for e in tab.entries].index(record_id)
    tab.table.selectRow(row)


def _column(tab: ModerationTab, name: str) -> list[str]:
    col = COLUMNS.index(name)
    return [tab.table.item(r, col).text() for r in range(tab.table.rowCount())]


def test_log_filters_and_plain_text(qtbot: QtBot, corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    tab, _ = _tab(qtbot, archive)
    assert tab.table.rowCount() == 6
    assert "6 removed without a recorded reason" in tab.status.text()
    assert set(_column(tab, "Flag")) == {"removed without a recorded reason"}
    # hostile text is shown as it is (a table item never parses markup)
    assert any("<font size=40>" in t for t in _column(tab, "Text"))
    codes = [tab.category_box.itemData(i) for i in range(tab.category_box.count())]
    assert codes[0] is None and {"lc-profane", "dhs-abusive"} <= set(codes)
    assert tab.account_box.count() == 3
    tab.year_spin.setValue(2026)
    assert [e.record_id for e in tab.entries] == [ids["c5"]]
    tab.year_spin.setValue(ANY_YEAR)
    tab.account_box.setCurrentIndex(tab.account_box.findText("x/@sandiapd"))
    tab.account_box.activated.emit(tab.account_box.currentIndex())
    assert [e.record_id for e in tab.entries] == [ids["tr1"]]
    tab.set_archive(None)
    assert tab.table.rowCount() == 0 and not tab.annual_button.isEnabled()


def test_record_reason_through_the_dialog(
    qtbot: QtBot, corpus: tuple[Archive, dict[str, int]]
) -> None:
    archive, ids = corpus
    tab, seen = _tab(qtbot, archive)
    assert not tab.reason_button.isEnabled()
    _select(tab, ids["c1"])
    assert tab.reason_button.isEnabled()
    dialog = tab.open_reason_dialog()
    assert dialog is not None
    assert dialog.action_box.currentText() == "hidden"
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("lc-profane"))
    dialog.by_edit.setText("J. Clerk")
    dialog.note_edit.setPlainText("swore at a neighbour")
    dialog.accept()
    assert seen == ["oversight"]
    entry = next(e for e in tab.entries if e.record_id == ids["c1"])
    assert (entry.category, entry.acted_by, entry.reason) == (
        "lc-profane",
        "J. Clerk",
        "swore at a neighbour",
    )
    assert "5 removed without a recorded reason" in tab.status.text()
    row = [e.record_id for e in tab.entries].index(ids["c1"])
    tip = tab.table.item(row, COLUMNS.index("Category")).toolTip()
    assert "CMP 1.12 II.1.i.ii" in tip and "Profane" in tip
    # the unreasoned filter leaves it out; the category filter finds it
    tab.unreasoned_check.setChecked(True)
    assert ids["c1"] not in {e.record_id for e in tab.entries}
    tab.unreasoned_check.setChecked(False)
    tab.category_box.setCurrentIndex(tab.category_box.findData("lc-profane"))
    tab.category_box.activated.emit(tab.category_box.currentIndex())
    assert [e.record_id for e in tab.entries] == [ids["c1"]]


def test_author_deletion_and_a_refusal(
    qtbot: QtBot, corpus: tuple[Archive, dict[str, int]]
) -> None:
    from PySide6.QtWidgets import QMessageBox

    archive, ids = corpus
    tab, seen = _tab(qtbot, archive)
    _select(tab, ids["c3"])
    dialog = tab.open_reason_dialog()
    assert dialog is not None
    dialog.author_check.setChecked(True)
    assert not dialog.by_edit.isEnabled()
    dialog.note_edit.setPlainText("the resident deleted it")
    dialog.accept()
    assert [a.acted_by for a in mod.actions_of(archive, ids["c3"])] == ["author"]
    # a hidden comment without a category is refused, with the sentence shown
    _select(tab, ids["c2"])
    dialog = tab.open_reason_dialog()
    assert dialog is not None
    dialog.note_edit.setPlainText("no category")
    dialog.accept()
    assert mod.actions_of(archive, ids["c2"]) == []
    boxes = [b for b in tab.findChildren(QMessageBox) if "needs a category" in b.text()]
    assert boxes
    assert seen == ["oversight"]


def test_export_and_annual_dialog(
    qtbot: QtBot, corpus: tuple[Archive, dict[str, int]], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    archive, ids = corpus
    mod.record_reason(archive, ids["c2"], "lc-profane", HOSTILE)
    tab, _ = _tab(qtbot, archive)
    tab.export_to(tmp_path / "log.xlsx")
    tab.export_to(tmp_path / "log.csv")
    ws = load_workbook(tmp_path / "log.xlsx").active
    assert ws is not None and ws.max_row == 7
    assert (tmp_path / "log.csv").read_text(encoding="utf-8-sig").count("\n") == 7
    assert "Wrote 6 entries" in tab.status.text()
    dialog = tab.open_annual_dialog()
    assert isinstance(dialog, AnnualReportDialog)
    qtbot.addWidget(dialog)
    dialog.year_spin.setValue(2025)
    dialog.pdf_edit.setText(str(tmp_path / "r.pdf"))
    dialog.xlsx_edit.setText(str(tmp_path / "r.xlsx"))
    dialog.make()
    made = dialog.result_made
    assert made is not None and made.review.year == 2025
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "r.xlsx").stat().st_size > 0
    assert "Comments and replies removed: 5" in dialog.summary.text()
    # one account
    dialog.account_box.setCurrentIndex(dialog.account_box.findText("x/@sandiapd"))
    dialog.pdf_edit.setText("")
    dialog.xlsx_edit.setText("")
    dialog.make()
    assert dialog.result_made is not None and dialog.result_made.review.account == "x/@sandiapd"
    assert dialog.result_made.files == ()


def test_report_a_comment_still_up(qtbot: QtBot, corpus: tuple[Archive, dict[str, int]]) -> None:
    from PySide6.QtWidgets import QMessageBox

    archive, ids = corpus
    tab, seen = _tab(qtbot, archive)
    assert ids["c4"] not in {e.record_id for e in tab.entries}
    tab.record_edit.setText(str(ids["c4"]))
    tab.report_record()
    dialog = tab.reason_dialog
    assert dialog is not None and dialog.record_id == ids["c4"]
    assert dialog.action_box.currentText() == "reported"
    dialog.category_box.setCurrentIndex(dialog.category_box.findData("dhs-abusive"))
    dialog.note_edit.setPlainText("reported to the PIO")
    dialog.accept()
    assert seen == ["oversight"]
    entry = next(e for e in tab.entries if e.record_id == ids["c4"])
    assert (entry.action, entry.removed, entry.category) == ("reported", False, "dhs-abusive")
    # a private message is no moderation target; the sentence says so
    tab.record_edit.setText(str(ids["m1"]))
    tab.report_record()
    assert any("no post, comment or reply" in b.text() for b in tab.findChildren(QMessageBox))

"""The Oversight page's page-statements tab: the check per account and statement, the problems
filter, the policies in force, exports, a refused setting shown, and hostile text kept plain."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from retention_desk.archive.settings import ArchiveSettings
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.oversight.statements_tab import COLUMNS, StatementsTab
from retention_desk.ui.tasks import TaskRunner
from tests.oversight.statements_helpers import build


def _cells(tab: StatementsTab) -> list[list[str]]:
    return [
        [tab.table.item(r, c).text() for c in range(len(COLUMNS))]
        for r in range(tab.table.rowCount())
    ]


def test_the_tab_shows_the_check_and_exports(qtbot: QtBot, tmp_path: Path) -> None:
    corpus = build(tmp_path)
    changes = ArchiveChanges()
    tab = StatementsTab(TaskRunner(inline=True), changes)
    qtbot.addWidget(tab)
    try:
        assert not tab.pdf_button.isEnabled()
        tab.set_archive(corpus.archive)
        assert "OPR:37" in tab.policies_label.text()
        assert tab.table.rowCount() == 30
        cells = _cells(tab)
        web = [r for r in cells if r[0] == "x @webpd" and r[2] == "OPR:37 E.2"]
        assert sorted(r[4] for r in web) == ["missing", "present"]
        present = next(r for r in web if r[4] == "present")
        assert present[5] == str(corpus.ids["cap-new"]) and present[7] == "web capture"
        assert {r[4] for r in cells if r[0] == "facebook @nocontent"} == {"no evidence"}
        row = cells.index(present)
        with qtbot.waitSignal(tab.record_requested) as asked:
            tab.table.itemDoubleClicked.emit(tab.table.item(row, 0))
        assert asked.args == [corpus.ids["cap-new"]]
        assert "present" in tab.status.text() and "missing" in tab.status.text()
        tab.problems_check.setChecked(True)
        assert {r[4] for r in _cells(tab)} == {"missing", "no evidence"}
        assert tab.pdf_button.isEnabled() and tab.xlsx_button.isEnabled()
        pdf, xlsx = tmp_path / "s.pdf", tmp_path / "s.xlsx"
        tab.export_to(pdf)
        tab.export_to(xlsx)
        assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
        assert "Report written to" in tab.status.text()

        # hostile text arrives as plain items; a changed setting re-runs the check
        with corpus.archive.write() as conn:
            conn.exec_driver_sql(
                "UPDATE accounts SET display_name = '<b>Bold</b><img src=x>' WHERE"
                " handle = 'evilpd'"
            )
        corpus.archive.update_settings(ArchiveSettings(policies="desert-hot-springs-389"))
        changes.notify("settings")
        assert "Desert Hot Springs" in tab.policies_label.text()
        assert tab.table.rowCount() == 0  # 389 requires no page statements
        corpus.archive.update_settings(ArchiveSettings(policies="los-lunas-adm-28-01"))
        changes.notify("settings")
        tab.problems_check.setChecked(False)
        evil = [r for r in _cells(tab) if r[0].startswith("x @evilpd")]
        assert evil and evil[0][0] == "x @evilpd (<b>Bold</b><img src=x>)"
    finally:
        corpus.archive.close()


def test_a_bad_setting_is_shown_not_raised(qtbot: QtBot, tmp_path: Path) -> None:
    corpus = build(tmp_path, policies="no-such-policy")
    tab = StatementsTab(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(tab)
    try:
        tab.set_archive(corpus.archive)
        assert "'no-such-policy'" in tab.policies_label.text()
        assert "nm-dps-opr-37" in tab.policies_label.text()
        assert tab.table.rowCount() == 0 and not tab.pdf_button.isEnabled()
        tab.set_archive(None)
        assert tab.policies_label.text() == "No archive open."
        assert not tab.check_button.isEnabled()
    finally:
        corpus.archive.close()


def test_the_check_runs_on_the_worker(qtbot: QtBot, tmp_path: Path) -> None:
    corpus = build(tmp_path)
    runner = TaskRunner()
    tab = StatementsTab(runner, ArchiveChanges())
    qtbot.addWidget(tab)
    try:
        tab.set_archive(corpus.archive)
        qtbot.waitUntil(lambda: tab.loaded is not None, timeout=60_000)
        assert tab.table.rowCount() == 30
    finally:
        runner.wait()
        corpus.archive.close()

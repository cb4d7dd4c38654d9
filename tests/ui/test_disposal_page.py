"""The Disposal page (issue 11): a report run as of a date and previewed (series with citation,
retention and verified flag, groups, held records with hold names, unclassified excluded), the
approval paths of a state agency (two people) and a county (notice date, earliest destruction
date), Destroy enabled only when approval is complete, the confirmation naming the count and
earlier copies, destruction with progress, cancel and result, exports and the certificate
written, and hostile names shown literally."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from retention_desk import retention as rt
from retention_desk.archive import Archive
from retention_desk.archive.backup import backup_archive
from retention_desk.disposal.report import local_today
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.disposal.approval_panel import ApprovalPanel
from retention_desk.ui.disposal.dialogs import RunReportDialog, StepDialog
from retention_desk.ui.disposal.ops import StepRequest
from retention_desk.ui.disposal.preview import COL_CHECKED, COL_CITATION, COL_RETENTION
from retention_desk.ui.disposal.view import DisposalView
from retention_desk.ui.pages import PAGES, PageContext, page_spec
from retention_desk.ui.tasks import Task, TaskRunner
from tests.disposal.helpers import build

HOSTILE = "<b>x</b>\u202eevil\u200f"


class CancellingRunner(TaskRunner):
    """Runs tasks inline and cancels a destruction at its first progress report, as a clerk
    pressing Cancel in the progress dialog after the first batch would."""

    def __init__(self) -> None:
        super().__init__(inline=True)

    def submit(self, task: Task) -> Task:
        if task.title == "Destroy":
            task.progress.connect(lambda *_: task.cancel())
        return super().submit(task)


class ProgressRunner(TaskRunner):
    """Runs tasks inline and keeps the progress a destruction reports."""

    def __init__(self) -> None:
        super().__init__(inline=True)
        self.progress: list[tuple[int, int, str]] = []

    def submit(self, task: Task) -> Task:
        if task.title == "Destroy":
            task.progress.connect(lambda *args: self.progress.append(args))
        return super().submit(task)


def make_page(qtbot, archive: Archive, runner: TaskRunner | None = None) -> DisposalView:
    view = DisposalView(runner or TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()  # visible: a change reloads at once, as on screen
    view.set_archive(archive)
    return view


def built(archive: Archive, tmp_path: Path, kind: str) -> dict[str, int]:
    ids = build(archive, tmp_path, agency_kind=kind)
    # a2 would be eligible; the hold keeps it out of the report, listed apart with its name
    rt.place_hold(archive, HOSTILE, "litigation", record_ids=(ids["a2"],))
    return ids


def run_report(view: DisposalView) -> None:
    dialog = view.open_run_dialog()
    assert isinstance(dialog, RunReportDialog)
    dialog.accept()


def texts(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]


def step(
    view: DisposalView,
    command: str,
    by: str,
    *,
    title: str = "",
    reference: str = "",
    on: date | None = None,
    notice: date | None = None,
    attachment: Path | None = None,
) -> StepDialog:
    dialog = view.open_step_dialog(command)
    assert isinstance(dialog, StepDialog)
    dialog.by_edit.setText(by)
    dialog.title_edit.setText(title)
    dialog.reference_edit.setText(reference)
    if on is not None:
        dialog.date_edit.setDate(QDate(on.year, on.month, on.day))
    if notice is not None:
        dialog.notice_check.setChecked(True)
        dialog.notice_edit.setDate(QDate(notice.year, notice.month, notice.day))
    if attachment is not None:
        dialog.attachment_edit.setText(str(attachment))
    dialog.accept()
    return dialog


def signed_form(tmp_path: Path) -> Path:
    path = tmp_path / "signed-form.pdf"
    path.write_bytes(b"%PDF-1.4 signed form")
    return path


def tombstones(archive: Archive) -> int:
    with archive.read() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM record_tombstones").scalar_one())


def test_the_page_is_registered_after_retention_and_lazy(qtbot) -> None:
    keys = [spec.key for spec in PAGES]
    assert keys.index("disposal") == keys.index("retention") + 1
    spec = page_spec("disposal")
    assert spec.available and spec.title == "Disposal"
    page = spec.factory(PageContext(TaskRunner(inline=True), ArchiveChanges()))  # type: ignore[misc]
    qtbot.addWidget(page)
    assert isinstance(page, DisposalView)


def test_run_report_as_of_today_and_preview_series_groups_held_and_unclassified(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    assert view.preview.report is None and not view.destroy_button.isEnabled()
    dialog = view.open_run_dialog()
    assert isinstance(dialog, RunReportDialog)
    with tmp_archive.read() as conn:
        assert dialog.as_of() == local_today(conn)  # the agency's today by default
    dialog.accept()

    assert view.reports.rowCount() == 1
    assert view.selected == 1
    report = view.preview.report
    assert report is not None and report.records == 4 and report.held == 1
    assert "Disposal report 1 saved: 4 records eligible" in view.status_label.text()
    series = {row[0]: row for row in texts(view.preview.series)}
    assert set(series) == {"T-CREATED", "T-SHORT"}
    created = series["T-CREATED"]
    assert created[COL_RETENTION] == "destroy 1 year after the record was created"
    assert created[COL_CITATION] == {s.code: s for s in report.series}["T-CREATED"].citation
    assert created[COL_CHECKED] in ("verified", "unverified")
    groups = {(g[0], g[2], g[3]): g[4] for g in texts(view.preview.groups)}
    # a3 was posted 2023-12-31 23:30 in Albuquerque: a 2023 record locally
    assert groups[("T-CREATED", "city_pd", "2023")] == "2"
    assert groups[("T-CREATED", "city_parks", "2024")] == "1"
    held = texts(view.preview.held)
    assert len(held) == 1 and held[0][1] == "T-CREATED" and held[0][3] == HOSTILE
    assert view.preview.tabs.tabText(2) == "Held (1)"
    assert "2 unclassified records (no series, never eligible)" in view.preview.excluded.text()
    assert HOSTILE in view.preview.counts.text()  # the hold's name, literally


def test_unverified_series_is_badged(qtbot, tmp_archive: Archive, tmp_path: Path) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    report = view.preview.report
    assert report is not None
    rows = {row[0]: row for row in texts(view.preview.series)}
    for line in report.series:
        if line.records:
            assert rows[line.code][COL_CHECKED] == ("verified" if line.verified else "unverified")
    unverified = [s.code for s in report.series if s.records and not s.verified]
    assert view.preview.unverified.isVisibleTo(view) == bool(unverified)


def test_state_agency_needs_approval_and_consent_from_two_people(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    built(tmp_archive, tmp_path, "state")
    view = make_page(qtbot, tmp_archive)
    # before any report, the panel shows what the archive's agency kind requires
    assert "1.13.30.9 NMAC (verified)" in view.approval.rule_label.text()
    run_report(view)
    panel: ApprovalPanel = view.approval
    assert not panel.consent_button.isHidden() and panel.approve_button.isEnabled()
    assert "Missing:" in panel.status_label.text()
    assert not view.destroy_button.isEnabled()

    # a missing required item is the headless function's one sentence, in a message box
    step(view, "approve", "Ann Admin", reference="SRCA-12", on=date(2026, 1, 5))
    errors = [b for b in boxes() if "needs the signed form" in b.text()]
    assert errors and errors[-1].textFormat() == Qt.TextFormat.PlainText
    assert view.approval.recorded.rowCount() == 0

    step(
        view,
        "approve",
        "Ann Admin",
        reference="SRCA-12",
        on=date(2026, 1, 5),
        attachment=signed_form(tmp_path),
    )
    assert view.approval.recorded.rowCount() == 1
    status_text = view.approval.status_label.text()
    assert "the custodian's consent" in status_text.lower() and "not recorded" in status_text
    assert not view.destroy_button.isEnabled()

    step(view, "consent", "ann admin", title="Records liaison", on=date(2026, 1, 6))
    assert any("two people" in b.text() for b in boxes())
    assert not view.destroy_button.isEnabled()

    step(view, "consent", "Carl Custodian", title="Records liaison", on=date(2026, 1, 6))
    recorded = texts(view.approval.recorded)
    assert [r[1] for r in recorded] == ["Ann Admin", "Carl Custodian"]
    assert recorded[0][6] == "signed-form.pdf"
    assert "Approval is complete" in view.approval.status_label.text()
    assert view.destroy_button.isEnabled()
    assert view.tabs.tabText(1) == "Approval"


def test_county_notice_date_and_the_earliest_destruction_date(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    built(tmp_archive, tmp_path, "county")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    panel = view.approval
    assert "NMSA 1978, § 14-1-8 (verified)" in panel.rule_label.text()
    # counting from mailing is unverified: the panel says so and that it is configurable
    assert "UNVERIFIED" in panel.steps_label.text()
    assert "configurable" in panel.steps_label.text()
    assert panel.consent_button.isHidden()

    today = view.data.today  # type: ignore[union-attr]
    receipt = signed_form(tmp_path)
    step(view, "approve", "Cora Clerk", notice=today, attachment=receipt)
    earliest = today + timedelta(days=60)
    text = panel.status_label.text()
    assert f"Earliest destruction: {earliest.isoformat()}." in text
    assert "Missing: Destruction must wait 60 days" in text
    assert not view.destroy_button.isEnabled()

    # mailed 2025-01-15: 16 days to Jan 31, 28 to Feb 28, 16 more is March 16
    step(view, "approve", "Cora Clerk", notice=date(2025, 1, 15), attachment=receipt)
    text = panel.status_label.text()
    assert "Earliest destruction: 2025-03-16." in text
    assert "Approval is complete" in text
    assert view.destroy_button.isEnabled()


def approved_page(
    qtbot, archive: Archive, tmp_path: Path, runner: TaskRunner | None = None
) -> tuple[DisposalView, dict[str, int]]:
    ids = built(archive, tmp_path, "municipality")
    view = make_page(qtbot, archive, runner)
    run_report(view)
    assert not view.destroy_button.isEnabled()
    step(view, "approve", "Mia Mayor", reference="Ordinance 12", on=view.data.today)  # type: ignore[union-attr]
    assert view.destroy_button.isEnabled()
    return view, ids


def test_destroy_confirmation_names_the_count_and_earlier_copies(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    view, _ids = approved_page(qtbot, tmp_archive, tmp_path)
    copy = tmp_path / "before.rdesk"
    backup_archive(tmp_archive, copy)
    view.reload()
    box = view.ask_destroy()
    assert box is not None and box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("Destroy 4 records of report 1? This cannot be undone.")
    assert str(copy) in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert tombstones(tmp_archive) == 0


def test_destroy_runs_with_progress_and_shows_result_and_certificate(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    runner = ProgressRunner()
    view, ids = approved_page(qtbot, tmp_archive, tmp_path, runner)
    # a hold that arrives after the report: destruction skips that record and says why
    rt.place_hold(tmp_archive, "Late hold", "audit", record_ids=(ids["s1"],))
    view.batch_size = 2
    box = view.ask_destroy()
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert tombstones(tmp_archive) == 3
    result = view.result_view.toPlainText()
    assert "Report 1: 3 records destroyed now." in result
    assert f"record {ids['s1']}: a hold placed after the report was run covers it" in result
    assert "Report 1: 3 records destroyed, 1 skipped" in view.status_label.text()
    assert view.tabs.currentIndex() == 2
    assert not view.destroy_button.isEnabled()  # destroyed: nothing left to destroy
    assert view.certificate_button.isEnabled()
    assert runner.progress[0][1] == 4 and runner.progress[-1][:2] == (4, 4)

    pdf = tmp_path / "certificate.pdf"
    view.save_certificate(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Wrote the certificate of destruction" in view.status_label.text()


def test_destroy_cancelled_after_the_first_batch(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    view, _ids = approved_page(qtbot, tmp_archive, tmp_path, CancellingRunner())
    view.batch_size = 1
    box = view.ask_destroy()
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert tombstones(tmp_archive) == 1  # the batch done stays destroyed
    assert "cancelled: 1 record of 4 destroyed so far" in view.status_label.text()
    assert "Destroy again to finish." in view.result_view.toPlainText()
    # back to approved: the rest can still be destroyed, and the confirmation says how many
    assert view.destroy_button.isEnabled()
    again = view.ask_destroy()
    assert again is not None and again.text().startswith("Destroy 3 records of report 1?")
    again.button(QMessageBox.StandardButton.No).click()
    # reopened later, the page shows the stored state: stopped, not finished
    view.set_archive(tmp_archive)
    assert "stopped before it finished" in view.result_view.toPlainText()
    assert "1 of 4 records" in view.result_view.toPlainText()


def test_exports_are_written(qtbot, tmp_archive: Archive, tmp_path: Path) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "report.xlsx"
    view.export("pdf", pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    view.export("xlsx", xlsx)
    assert xlsx.read_bytes().startswith(b"PK")
    assert view.status_label.text() == f"Wrote {xlsx}"


def test_an_export_to_a_missing_folder_is_one_sentence(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    view.export("pdf", tmp_path / "no-such-folder" / "report.pdf")
    messages = [b.text() for b in boxes() if b.windowTitle() == "Export PDF"]
    assert messages and "no-such-folder" in messages[-1]
    assert not messages[-1].startswith("Unexpected error")


def test_municipality_rule_is_the_agencys_own_and_says_it_is_unverified(
    qtbot, tmp_archive: Archive, tmp_path: Path
) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    steps = view.approval.steps_label.text()
    assert "The agency's own rule (UNVERIFIED)" in steps
    assert "configurable in resources/disposal_approval.toml" in steps
    assert view.approval.consent_button.isHidden()
    # the reason Destroy is disabled is the first missing item
    assert "is not recorded for report 1" in view.destroy_button.toolTip()


def test_a_long_held_list_is_cut_with_a_note(
    qtbot, tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retention_desk.ui.disposal import preview

    monkeypatch.setattr(preview, "HELD_SHOWN", 0)
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    assert view.preview.held.rowCount() == 0
    assert "The first 0 of 1 held records are shown" in view.preview.held_note.text()


def test_hostile_names_are_shown_literally(qtbot, tmp_archive: Archive, tmp_path: Path) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    step(view, "approve", HOSTILE, reference=HOSTILE, on=view.data.today)  # type: ignore[union-attr]
    recorded = texts(view.approval.recorded)
    assert recorded[0][1] == HOSTILE and recorded[0][3] == HOSTILE
    assert texts(view.preview.held)[0][3] == HOSTILE
    for label in view.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_selecting_an_older_report_shows_it(qtbot, tmp_archive: Archive, tmp_path: Path) -> None:
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    dialog = view.open_run_dialog()
    assert dialog is not None
    dialog.date_edit.setDate(QDate(2024, 6, 1))
    dialog.accept()
    assert view.selected == 2 and view.preview.report is not None
    assert view.preview.report.as_of == date(2024, 6, 1)
    assert [r[0] for r in texts(view.reports)] == ["2", "1"]
    view.reports.selectRow(1)
    assert view.selected == 1 and view.preview.report.number == 1


@pytest.mark.parametrize("kind", ["municipality"])
def test_cancel_report_disables_destroy(
    qtbot, tmp_archive: Archive, tmp_path: Path, kind: str
) -> None:
    built(tmp_archive, tmp_path, kind)
    view = make_page(qtbot, tmp_archive)
    run_report(view)
    box = view.ask_cancel_report()
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    assert view.preview.report is not None and view.preview.report.status == "cancelled"
    assert not view.destroy_button.isEnabled() and not view.cancel_report_button.isEnabled()
    assert not view.approval.approve_button.isEnabled()


def test_destroy_runs_off_the_gui_thread(qtbot, tmp_archive: Archive, tmp_path: Path) -> None:
    runner = TaskRunner()  # the real single-worker pool, as in the window
    built(tmp_archive, tmp_path, "municipality")
    view = make_page(qtbot, tmp_archive, runner)
    qtbot.waitUntil(lambda: view.data is not None)
    with qtbot.waitSignal(view.loaded):
        view.run_report(view.data.today)  # type: ignore[union-attr]
    with qtbot.waitSignal(view.loaded):
        view.record_step(
            1,
            StepRequest("approve", "Mia Mayor", "", "Ordinance 12", view.data.today, None, None),  # type: ignore[union-attr]
        )
    box = view.ask_destroy()
    assert box is not None
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "4 records destroyed" in view.status_label.text())
    runner.wait()
    assert tombstones(tmp_archive) == 4


def test_the_window_shows_the_page_on_the_demo_archive(qtbot, make_window, demo_copy: Path) -> None:
    window = make_window()
    window.show()  # a hidden page reloads only when shown
    assert window.open_archive(demo_copy)
    page = window.show_page("disposal")
    assert isinstance(page, DisposalView)
    qtbot.waitUntil(lambda: page.data is not None)
    assert page.data is not None and page.data.rule is not None
    assert page.approval.rule_label.text().startswith("For ")
    assert not page.destroy_button.isEnabled()
    with qtbot.waitSignal(page.loaded):
        page.run_report(page.data.today)
    assert page.preview.report is not None and page.preview.report.number == 1

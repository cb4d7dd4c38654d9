"""The review queue (issue 14, Qt part): a request's redaction candidates decided by keyboard
alone (accept, reject, previous, undo, adjust, accept a whole type after its sample), the
decisions and redactions checked in the archive, imported markup shown literally, and the
Requests page's button opening the queue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from retention_desk.archive.store import Archive
from retention_desk.ipra import responsive
from retention_desk.redaction import list_redactions
from retention_desk.review.detect_run import detect_request
from retention_desk.review.model import CandidateInfo
from retention_desk.review.store import list_candidates, review_progress
from retention_desk.ui.review import ReviewQueueDialog
from retention_desk.ui.review.decision_dialogs import AcceptTypeDialog, AdjustDialog
from retention_desk.ui.tasks import TaskRunner
from tests.production.helpers import _rec, build_corpus, ids_by_key, write

HOSTILE = "My SSN is 123-45-6789 <b>bold</b> <img src=x>"
TEXTS = {
    "s1": HOSTILE,
    "s2": "SSN 212-55-1234 thanks",
    "s3": "my ssn 456-78-9012",
    "k1": "card 4111 1111 1111 1111 was charged",
    "d1": "DOB 03/14/1987 ok",
    "d2": "born 05/02/1990 here",
}


@dataclass
class Review:
    archive: Archive
    number: str
    ids: dict[str, int]

    def candidates(self) -> dict[str, CandidateInfo]:
        """The request's candidates on the records above, by record key."""
        by_record = {v: k for k, v in self.ids.items()}
        return {
            by_record[c.record_id]: c
            for c in list_candidates(self.archive, self.number)
            if by_record.get(c.record_id) in TEXTS
        }


@pytest.fixture
def review(tmp_path: Path) -> Review:
    archive = Archive.create(tmp_path / "r.rdesk", operator="pytest")
    corpus = build_corpus(archive)
    write(archive, [_rec(key, text, at=11 + n) for n, (key, text) in enumerate(TEXTS.items())])
    ids = ids_by_key(archive)
    responsive.add_records(archive, corpus.number, [ids[k] for k in TEXTS])
    detect_request(archive, corpus.number)
    yield Review(archive, corpus.number, ids)
    archive.close()


def open_dialog(qtbot: QtBot, review: Review) -> ReviewQueueDialog:
    dialog = ReviewQueueDialog(review.archive, TaskRunner(inline=True), review.number)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.setFocus()
    return dialog


def same_progress(dialog: ReviewQueueDialog, review: Review) -> bool:
    """The counts shown (kept by the model) are the archive's own."""
    return dialog.progress == review_progress(review.archive, review.number)


def current_key(dialog: ReviewQueueDialog, review: Review) -> str:
    cand = dialog.current()
    assert cand is not None
    return {v: k for k, v in review.ids.items()}[cand.record_id]


def press(qtbot: QtBot, widget: object, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, mods)  # type: ignore[arg-type]


def test_the_queue_is_reviewed_by_keyboard_alone(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    table = dialog.table
    # undecided first: the two SSNs inside the corpus's earlier redaction are decided already
    assert dialog.model.rowCount() == 6
    assert "Decided 2 of 8 (6 undecided)" in dialog.progress_label.text()
    assert current_key(dialog, review) == "s1"

    press(qtbot, table, Qt.Key.Key_A)  # accept s1; the queue moves on by itself
    assert current_key(dialog, review) == "s2"
    press(qtbot, table, Qt.Key.Key_R)  # reject s2
    assert current_key(dialog, review) == "s3"
    cands = review.candidates()
    assert cands["s1"].status == "accepted" and cands["s1"].decided_by == "pytest"
    assert cands["s2"].status == "rejected"
    assert "Decided 4 of 8" in dialog.progress_label.text()
    assert same_progress(dialog, review)

    press(qtbot, table, Qt.Key.Key_K)  # back to s2
    assert current_key(dialog, review) == "s2"
    assert dialog.context.fields["status"].text() == "rejected"
    press(qtbot, table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the reject
    assert review.candidates()["s2"].status == "undecided"
    assert current_key(dialog, review) == "s2"
    assert "Decided 3 of 8" in dialog.progress_label.text()

    press(qtbot, table, Qt.Key.Key_J)
    assert current_key(dialog, review) == "s3"
    press(qtbot, table, Qt.Key.Key_E)  # adjust: black out only "456-78"
    adjust = dialog.dialog
    assert isinstance(adjust, AdjustDialog)
    assert adjust.span() == (7, 18)
    adjust.start_spin.setValue(7)
    adjust.end_spin.setValue(13)
    assert "456-78" in adjust.covers.text()
    press(qtbot, adjust.end_spin, Qt.Key.Key_Return)
    s3 = review.candidates()["s3"]
    assert s3.status == "accepted" and s3.adjusted and s3.redact == ((7, 13),)
    assert current_key(dialog, review) == "k1"  # the next undecided after s3

    press(qtbot, table, Qt.Key.Key_Down)  # the table's own key: the context follows
    assert current_key(dialog, review) == "d1"
    assert dialog.context.fields["type"].text() == "birth date"
    assert dialog.context.fields["visible"].text() == "1987"

    # accept every undecided birth date, after seeing how many and a sample
    dialog.queue.accept_type_button.click()
    sample = dialog.dialog
    assert isinstance(sample, AcceptTypeDialog)
    assert "Accept all 2 undecided birth date" in sample.summary.text()
    assert "DOB [birth date]1987 ok" in sample.sample_text.toPlainText()
    assert sample.ok_button is not None
    sample.ok_button.click()
    # a whole type is one long transaction: it shows progress and can be cancelled
    assert dialog.progress_dialog is not None and "Accepting 2 birth date" in (
        dialog.progress_dialog.windowTitle()
    )
    cands = review.candidates()
    assert cands["d1"].status == cands["d2"].status == "accepted"
    assert cands["k1"].status == "undecided" and cands["s2"].status == "undecided"
    assert "Decided 6 of 8 (2 undecided)" in dialog.progress_label.text()
    assert "birth date 2/2" in dialog.progress_label.text()
    assert "SSN 4/5" in dialog.progress_label.text()
    assert same_progress(dialog, review)

    # each accepted candidate made its redaction of the request, what may stay visible kept
    made = {r.id: r for r in list_redactions(review.archive, request=review.number)}
    spans = {
        key: [(made[i].record_id, made[i].start, made[i].end) for i in cands[key].redaction_ids]
        for key in ("s1", "s3", "d1", "d2")
    }
    assert spans == {
        "s1": [(review.ids["s1"], 10, 21)],
        "s3": [(review.ids["s3"], 7, 13)],
        "d1": [(review.ids["d1"], 4, 10)],
        "d2": [(review.ids["d2"], 5, 11)],
    }

    # Ctrl+Z takes back the whole bulk decision, then the adjustment
    press(qtbot, table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    cands = review.candidates()
    assert cands["d1"].status == cands["d2"].status == "undecided"
    assert not {i for key in ("d1", "d2") for i in cands[key].redaction_ids} & set(
        r.id for r in list_redactions(review.archive, request=review.number)
    )
    press(qtbot, dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert review.candidates()["s3"].status == "undecided"
    assert "Decided 3 of 8" in dialog.progress_label.text()
    assert same_progress(dialog, review)


def test_imported_markup_shows_literally_in_the_context(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    assert current_key(dialog, review) == "s1"
    pane = dialog.context
    assert pane.text.toPlainText() == HOSTILE
    assert pane.text.document().toPlainText().count("<img src=x>") == 1
    # one black run over exactly the SSN, nothing left visible of it
    marks = pane.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["123-45-6789"]
    assert marks[0].format.background().color().name() == "#000000"
    assert pane.fields["visible"].text().startswith("nothing")
    # the adjust preview and the type's sample show it literally too
    press(qtbot, dialog.table, Qt.Key.Key_E)
    adjust = dialog.dialog
    assert isinstance(adjust, AdjustDialog) and adjust.preview.toPlainText() == HOSTILE
    adjust.end_spin.setValue(len(HOSTILE))
    assert "<img src=x>" in adjust.covers.text()
    assert adjust.covers.textFormat() == Qt.TextFormat.PlainText
    adjust.reject()
    dialog.queue.accept_type_button.click()
    sample = dialog.dialog
    assert isinstance(sample, AcceptTypeDialog)
    assert "My SSN is [ssn] <b>bold</b> <img src=x>" in sample.sample_text.toPlainText()
    sample.reject()
    # a card keeps its last four digits visible, marked apart from the black run
    dialog.select_row(dialog.model.row_of(review.candidates()["k1"].id))
    marks = pane.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["4111 1111 1111 ", "1111"]
    assert marks[1].format.fontUnderline() and marks[1].format.background().color().name() != (
        "#000000"
    )
    assert pane.fields["visible"].text() == "1111"


def test_filters_and_covered_candidates(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("all"))
    assert dialog.model.rowCount() == 8
    statuses = [dialog.model.index(r, 5).data() for r in range(8)]
    assert statuses.count("inside a redaction") == 2
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("card"))
    assert dialog.model.rowCount() == 1 and current_key(dialog, review) == "k1"
    press(qtbot, dialog.table, Qt.Key.Key_A)
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("accepted"))
    assert dialog.model.rowCount() == 1
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("undecided"))
    assert dialog.model.rowCount() == 0


def test_decisions_survive_detection_run_from_the_dialog(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    press(qtbot, dialog.table, Qt.Key.Key_A)
    dialog.queue.detect_button.click()
    assert "found before (decisions kept)" in dialog.message.text()
    assert review.candidates()["s1"].status == "accepted"
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("accepted"))
    assert [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())] == [
        str(review.candidates()["s1"].id)
    ]


def test_persons_added_are_found_at_the_next_run(qtbot: QtBot, review: Review) -> None:
    write(review.archive, [_rec("w1", "Witness Rosa Quintana saw it", at=30)])
    ids = ids_by_key(review.archive)
    responsive.add_records(review.archive, review.number, [ids["w1"]])
    dialog = open_dialog(qtbot, review)
    persons = dialog.open_persons()
    assert not persons.add_button.isEnabled()
    persons.name_edit.setText("Rosa Quintana")
    persons.handles_edit.setText("@rosaq, rq2")
    persons.code_combo.setCurrentIndex(0)
    persons.add_button.click()
    assert persons.list.count() == 1 and "Rosa Quintana" in persons.list.item(0).text()
    persons.accept()
    assert "run detection" in dialog.message.text()
    dialog.run_detection()
    kinds = [
        c.kind for c in list_candidates(review.archive, review.number) if c.record_id == ids["w1"]
    ]
    assert kinds == ["person"]
    assert "person 0/1" in dialog.progress_label.text()
    # removed: their undecided candidate goes at the next run
    persons = dialog.open_persons()
    persons.list.setCurrentRow(0)
    persons.remove_button.click()
    assert persons.list.count() == 0
    persons.accept()
    dialog.run_detection()
    assert not [c for c in list_candidates(review.archive, review.number) if c.kind == "person"]
    assert "person" not in dialog.progress_label.text()


def test_manual_redactions_and_withholding_in_the_same_place(qtbot: QtBot, review: Review) -> None:
    from PySide6.QtWidgets import QMessageBox

    dialog = open_dialog(qtbot, review)
    press(qtbot, dialog.table, Qt.Key.Key_A)  # s1 accepted: a redaction of the request
    dialog.tabs.setCurrentIndex(1)
    panel = dialog.manual
    before = panel.table.rowCount()
    s1 = review.candidates()["s1"]
    row = next(
        r for r in range(before) if panel.table.item(r, 0).text() == str(s1.redaction_ids[0])
    )
    panel.table.selectRow(row)
    box = panel.confirm_remove()
    assert box is not None and "taking that decision back" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    # removing an accepted candidate's redaction takes the decision back
    assert review.candidates()["s1"].status == "undecided"
    assert panel.table.rowCount() == before - 1
    held = panel.open_withhold()
    assert held is not None
    held.record_edit.setText(str(review.ids["k1"]))
    held.code_combo.setCurrentIndex(0)
    held.ok_button.click()
    kinds = [
        r.kind
        for r in list_redactions(review.archive, request=review.number)
        if r.record_id == review.ids["k1"]
    ]
    assert kinds == ["withhold"]
    assert panel.table.rowCount() == before
    # a refusal of the desk is shown as its sentence
    held = panel.open_withhold()
    assert held is not None
    held.record_edit.setText("999999")
    held.code_combo.setCurrentIndex(0)
    held.ok_button.click()
    assert panel.table.rowCount() == before
    box = next(w for w in panel.findChildren(QMessageBox) if w.icon() == QMessageBox.Icon.Warning)
    assert "999999" in box.text()
    # keys belong to the queue tab only
    press(qtbot, dialog, Qt.Key.Key_A)
    assert review.candidates()["s1"].status == "undecided"
    # a decision in the queue shows in this tab when it is shown again
    dialog.tabs.setCurrentIndex(0)
    press(qtbot, dialog.table, Qt.Key.Key_A)
    dialog.tabs.setCurrentIndex(1)
    assert panel.table.rowCount() == before + 1


def test_report_and_refusals_show_their_sentence(
    qtbot: QtBot, review: Review, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, review)
    dialog.write_report_to(tmp_path / "report.xlsx")
    assert dialog.report_path == tmp_path / "report.xlsx" and dialog.report_path.is_file()
    dialog.write_report_to(tmp_path / "report.txt")
    assert "name it .xlsx" in dialog.message.text()
    press(qtbot, dialog.table, Qt.Key.Key_A)  # s1 accepted
    press(qtbot, dialog.table, Qt.Key.Key_K)
    press(qtbot, dialog.table, Qt.Key.Key_R)  # an accepted candidate is not rejected
    assert "undo it before rejecting it" in dialog.message.text()
    assert review.candidates()["s1"].status == "accepted"
    missing = ReviewQueueDialog(review.archive, TaskRunner(inline=True), "IPRA-2099-0001")
    qtbot.addWidget(missing)
    assert "no request" in missing.message.text()


def test_requests_page_button_opens_the_queue(qtbot: QtBot, review: Review) -> None:
    from retention_desk.ui.changes import ArchiveChanges
    from retention_desk.ui.requests.view import RequestsView

    view = RequestsView(TaskRunner(inline=True), ArchiveChanges())
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    view.set_archive(None)
    assert not view.review_button.isEnabled()  # no request chosen
    view.set_archive(review.archive)
    view.select_request(review.number)
    assert view.review_button.isEnabled()
    view.review_button.click()
    dialog = view.dialog
    assert isinstance(dialog, ReviewQueueDialog) and dialog.number == review.number
    assert "Decided 2 of 8" in dialog.progress_label.text()
    dialog.reject()


def test_an_adjusted_span_is_shown_whole(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    dialog.select_row(dialog.model.row_of(review.candidates()["s3"].id))
    press(qtbot, dialog.table, Qt.Key.Key_E)
    adjust = dialog.dialog
    assert isinstance(adjust, AdjustDialog)
    adjust.start_spin.setValue(3)  # from before the found span: "ssn 456-78-9012"
    adjust.end_spin.setValue(2)
    assert not adjust.ok_button.isEnabled() and "before the end" in adjust.covers.text()
    adjust.end_spin.setValue(18)
    press(qtbot, adjust.start_spin, Qt.Key.Key_Enter)
    dialog.select_row(dialog.model.row_of(review.candidates()["s3"].id))
    marks = dialog.context.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["ssn 456-78-9012"]
    assert dialog.context.text.toPlainText() == "my ssn 456-78-9012"
    assert dialog.context.fields["status"].text() == "accepted (span adjusted)"


def test_keys_reach_the_queue_from_the_context_pane_and_buttons(
    qtbot: QtBot, review: Review
) -> None:
    dialog = open_dialog(qtbot, review)
    pane = dialog.context.text
    press(qtbot, pane, Qt.Key.Key_N)  # the read-only text passes letters on to the dialog
    assert current_key(dialog, review) == "s2"
    press(qtbot, pane, Qt.Key.Key_A)
    assert review.candidates()["s2"].status == "accepted"
    assert dialog.undo_stack == [(review.candidates()["s2"].id,)]
    press(qtbot, dialog.table, Qt.Key.Key_K)
    press(qtbot, dialog.table, Qt.Key.Key_A)  # accepted already: nothing new to undo
    assert dialog.undo_stack == [(review.candidates()["s2"].id,)]
    assert "decided that way already" in dialog.message.text()
    # Down and Up on a button move the queue too (not the focus between buttons)
    assert current_key(dialog, review) == "s3"
    press(qtbot, dialog.queue.next_button, Qt.Key.Key_Down)
    assert current_key(dialog, review) == "k1"
    press(qtbot, dialog.queue.next_button, Qt.Key.Key_Up)
    assert current_key(dialog, review) == "s3"


def test_the_queue_with_the_threaded_runner(qtbot: QtBot, review: Review) -> None:
    """Work on the archive worker, answers on the GUI thread: the context follows the row,
    and decisions queued by fast keys are all taken, in order."""
    runner = TaskRunner()
    dialog = ReviewQueueDialog(review.archive, runner, review.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=30_000)
    qtbot.waitUntil(lambda: dialog.context.shown is not None, timeout=30_000)
    assert dialog.context.text.toPlainText() == HOSTILE
    for key in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_A):  # s1, s2, s3 without waiting
        press(qtbot, dialog.table, key)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=30_000)
    cands = review.candidates()
    assert [cands[k].status for k in ("s1", "s2", "s3")] == ["accepted", "rejected", "accepted"]
    assert current_key(dialog, review) == "k1"
    qtbot.waitUntil(lambda: dialog.context.shown is not None, timeout=30_000)
    assert "4111" in dialog.context.text.toPlainText()
    assert same_progress(dialog, review)
    dialog.close()
    runner.wait(30_000)


def test_fast_keys_at_the_end_never_come_back_to_a_pending_row(
    qtbot: QtBot, review: Review
) -> None:
    runner = TaskRunner()
    dialog = ReviewQueueDialog(review.archive, runner, review.number)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=30_000)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("birth_date"))
    assert dialog.model.rowCount() == 2 and current_key(dialog, review) == "d1"
    press(qtbot, dialog.table, Qt.Key.Key_A)
    assert current_key(dialog, review) == "d2"
    press(qtbot, dialog.table, Qt.Key.Key_A)
    # not back to d1 while its accept is still queued: nothing is left to decide here
    assert current_key(dialog, review) == "d2"
    assert "Every candidate shown is decided" in dialog.message.text()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=30_000)
    cands = review.candidates()
    assert cands["d1"].status == cands["d2"].status == "accepted"
    dialog.close()
    runner.wait(30_000)


def test_contexts_of_the_next_rows_are_read_ahead(qtbot: QtBot, review: Review) -> None:
    dialog = open_dialog(qtbot, review)
    shown = {dialog.model.candidate(r).id for r in range(dialog.model.rowCount())}  # type: ignore[union-attr]
    assert set(dialog.cache.contexts) == shown  # the current row's, then the next ones'
    task = dialog.cache.task
    press(qtbot, dialog.table, Qt.Key.Key_J)
    assert "212-55-1234" in dialog.context.text.toPlainText()
    assert dialog.cache.task is task  # shown from what was read ahead: no new read


def test_detection_cancelled_from_its_progress_dialog(qtbot: QtBot, review: Review) -> None:
    import threading

    from retention_desk.ui.tasks import Task

    runner = TaskRunner()
    dialog = ReviewQueueDialog(review.archive, runner, review.number)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=30_000)
    gate = threading.Event()
    runner.submit(Task(lambda: gate.wait(30), progress=False, cancel=False))  # holds the worker
    task = dialog.run_detection()
    assert dialog.progress_dialog is not None
    dialog.progress_dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: task.done, timeout=30_000)
    assert task.state == "cancelled"
    assert "Detection cancelled" in dialog.message.text()
    dialog.close()
    runner.wait(30_000)

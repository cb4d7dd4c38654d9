"""The review queue of a request (issue 14): every redaction candidate with its context, and
accept / reject / adjust / undo by keyboard, the way document-review tools work.

Keys (on the dialog, the table included): A accept, R reject, J or Down next, K or Up
previous, N next undecided, E adjust the span, Ctrl+Z undo the last decision made here.
After a decision the queue moves on to the next undecided row at once; the decision itself
runs on the task runner (which keeps archive work in order), and the rows it may have changed
(the candidate and the others on its record, which an accepted span may now cover) are read
back. The progress counts are kept by the model from its rows (`store.review_progress`'s
definitions; that function reads every undecided candidate again, over a second at 100k).
Contexts are read for the current row and a few ahead, and kept in a small cache
(`context_cache`).

The second tab holds the request's manual redactions and withholdings (`manual_panel`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from retention_desk.archive import Archive
from retention_desk.review.model import CandidateContext, CandidateInfo, ReviewProgress
from retention_desk.ui.plain import plain_label, show_error
from retention_desk.ui.review import ops
from retention_desk.ui.review.context_cache import ContextCache
from retention_desk.ui.review.decision_dialogs import AcceptTypeDialog, AdjustDialog
from retention_desk.ui.review.manual_panel import ManualPanel
from retention_desk.ui.review.persons_dialog import PersonsDialog
from retention_desk.ui.review.queue_model import ALL, kind_name
from retention_desk.ui.review.queue_tab import QueueTab
from retention_desk.ui.task_dialogs import TaskProgressDialog
from retention_desk.ui.tasks import Task, TaskRunner

READ_AHEAD = 8
TAB_QUEUE, TAB_MANUAL = range(2)
KEYS = {
    Qt.Key.Key_A: "accept",
    Qt.Key.Key_R: "reject",
    Qt.Key.Key_J: "next",
    Qt.Key.Key_Down: "next",
    Qt.Key.Key_K: "previous",
    Qt.Key.Key_Up: "previous",
    Qt.Key.Key_N: "next_undecided",
    Qt.Key.Key_E: "adjust",
}
# what the table does itself (its current row moves and the context follows)
TABLE_NATIVE = (Qt.Key.Key_Down, Qt.Key.Key_Up)


def progress_text(progress: ReviewProgress) -> str:
    if not progress.total:
        return "No candidates yet: run detection over the request's records."
    kinds = " · ".join(f"{kind_name(k.kind)} {k.decided:,}/{k.total:,}" for k in progress.kinds)
    return (
        f"Decided {progress.decided:,} of {progress.total:,} ({progress.undecided:,}"
        f" undecided) — {kinds}"
    )


class ReviewQueueDialog(QDialog):
    def __init__(
        self, archive: Archive, runner: TaskRunner, number: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._runner = runner
        self.number = number
        self.progress: ReviewProgress | None = None
        self.cache = ContextCache(archive, runner, number, self)
        self.cache.loaded.connect(self._context_loaded)
        self.cache.failed.connect(self._context_failed)
        self.undo_stack: list[tuple[int, ...]] = []
        self.dialog: QDialog | None = None  # the last small dialog opened (tests use it)
        self.progress_dialog: TaskProgressDialog | None = None
        self.report_path: Path | None = None
        self._manual_stale = True
        self._pending: set[int] = set()  # candidates whose accept/reject is on the runner
        self.setWindowTitle(f"Review redactions of {number}")
        self.resize(1180, 820)
        layout = QVBoxLayout(self)
        self.progress_label = plain_label("Reading the candidates…")
        self.progress_label.setWordWrap(True)
        self.progress_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.progress_label)
        self.queue = QueueTab()
        # the parts every method uses, by their short names
        self.model, self.table = self.queue.model, self.queue.table
        self.context = self.queue.context
        self.type_combo, self.status_combo = self.queue.type_combo, self.queue.status_combo
        self._connect()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.queue, "Candidates")
        self.manual = ManualPanel(archive, runner, number)
        # the panel reads itself again; the queue follows (covered candidates may change)
        self.manual.changed.connect(lambda: self.reload(manual=False))
        self.tabs.addTab(self.manual, "Redactions and withholding")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.message = plain_label()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.reload()

    def _connect(self) -> None:
        q = self.queue
        for button, slot in (
            (q.detect_button, self.run_detection),
            (q.persons_button, self.open_persons),
            (q.report_button, self.choose_report),
            (q.accept_button, self.accept_current),
            (q.reject_button, self.reject_current),
            (q.adjust_button, self.open_adjust),
            (q.previous_button, self.previous),
            (q.next_button, self.next),
            (q.next_undecided_button, self.next_undecided),
            (q.undo_button, self.undo),
            (q.accept_type_button, self.open_accept_type),
        ):
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            button.installEventFilter(self)  # Up and Down move the queue, not the focus
        q.type_combo.currentIndexChanged.connect(self._filter_changed)
        q.status_combo.currentIndexChanged.connect(self._filter_changed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.installEventFilter(self)

    # ------------------------------------------------------------------ keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            native = watched is self.table and event.key() in TABLE_NATIVE
            if not native and self._key(event):
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        if self.tabs.currentIndex() != TAB_QUEUE:
            return False
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() == Qt.Key.Key_Z and mods == Qt.KeyboardModifier.ControlModifier:
            self.undo()
            return True
        action = KEYS.get(Qt.Key(event.key()))
        if action is None or mods != Qt.KeyboardModifier.NoModifier:
            return False
        {
            "accept": self.accept_current,
            "reject": self.reject_current,
            "next": self.next,
            "previous": self.previous,
            "next_undecided": self.next_undecided,
            "adjust": self.open_adjust,
        }[action]()
        return True

    # ------------------------------------------------------------------ loading
    def reload(self, *, manual: bool = True) -> Task:
        task = Task(
            partial(ops.load_queue, self._archive, self.number),
            progress=False,
            cancel=False,
            title="Review queue",
        )
        task.finished.connect(self._loaded)
        task.failed.connect(lambda message: self._failed("Review queue", message))
        if manual:
            self._redactions_changed()
        return self._runner.submit(task)

    def _redactions_changed(self) -> None:
        """The request's redactions changed here: the other tab reads them again when shown."""
        self._manual_stale = True
        if self.tabs.currentIndex() == TAB_MANUAL:
            self._tab_changed(TAB_MANUAL)

    def _loaded(self, candidates: tuple[CandidateInfo, ...]) -> None:
        keep = self.current()
        self.cache.clear()
        self.model.set_candidates(candidates)
        self._fill_types()
        self._show_progress()
        row = self.model.row_of(keep.id) if keep is not None else -1
        self.select_row(row if row >= 0 else self.model.next_undecided(-1))
        self._buttons()

    def _fill_types(self) -> None:
        chosen = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem("All types", None)
        for kind in self.model.kinds():
            self.type_combo.addItem(kind_name(kind), kind)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(chosen)))
        self.type_combo.blockSignals(False)
        if self.type_combo.currentData() != self.model.kind:
            self._filter_changed()

    def _show_progress(self) -> None:
        self.progress = self.model.progress(self.number)
        self.progress_label.setText(progress_text(self.progress))

    def _filter_changed(self) -> None:
        keep = self.current()
        self.model.set_filter(
            self.type_combo.currentData(), str(self.status_combo.currentData() or ALL)
        )
        row = self.model.row_of(keep.id) if keep is not None else -1
        self.select_row(row if row >= 0 else self.model.next_undecided(-1))
        self._buttons()

    def _tab_changed(self, index: int) -> None:
        if index == TAB_MANUAL and self._manual_stale:
            self._manual_stale = False
            cand = self.current()
            self.manual.suggested_record = cand.record_id if cand is not None else None
            self.manual.load()

    # ------------------------------------------------------------------ current row
    def current(self) -> CandidateInfo | None:
        index = self.table.currentIndex()
        return self.model.candidate(index.row()) if index.isValid() else None

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            if self.model.rowCount() == 0:
                self.context.clear("No candidates match the filter.")
            return
        index = self.model.index(row, 0)
        moved = row != self.current_row()
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(index)
        if not moved:
            self._show_current()  # the row was current already: its data may have changed

    def _row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()
        self._buttons()

    def _show_current(self) -> None:
        cand = self.current()
        if cand is None:
            return
        ctx = self.cache.get(cand.id)
        self.context.show_candidate(cand, ctx)
        if ctx is None:
            self.cache.request(cand.id)
        else:
            self._read_ahead()

    def _context_loaded(self, ctx: CandidateContext) -> None:
        cand = self.current()
        if cand is not None and cand.id == ctx.candidate.id:
            self.context.show_candidate(cand, ctx)
        self._read_ahead()

    def _context_failed(self, candidate_id: int, message: str) -> None:
        cand = self.current()
        if cand is not None and cand.id == candidate_id:
            self.context.clear(message)

    def _read_ahead(self) -> None:
        """The next rows' contexts, read in one small task so J and N show them at once."""
        row = self.current_row()
        ahead = (self.model.candidate(r) for r in range(row + 1, row + 1 + READ_AHEAD))
        self.cache.read_ahead([c.id for c in ahead if c is not None])

    def _buttons(self) -> None:
        cand = self.current()
        q = self.queue
        for button in (q.accept_button, q.reject_button, q.adjust_button):
            button.setEnabled(cand is not None)
        q.undo_button.setEnabled(bool(self.undo_stack))
        q.accept_type_button.setEnabled(
            self.type_combo.currentData() is not None or cand is not None
        )

    # ------------------------------------------------------------------ moving
    def next(self) -> None:
        self.select_row(min(self.current_row() + 1, self.model.rowCount() - 1))

    def previous(self) -> None:
        self.select_row(max(self.current_row() - 1, 0))

    def next_undecided(self) -> None:
        # decisions still on the runner count as taken: fast keys never come back to them
        row = self.model.next_undecided(self.current_row(), self._pending)
        if row < 0:
            self.message.setText("Every candidate shown is decided.")
            return
        self.select_row(row)

    # ------------------------------------------------------------------ deciding
    def accept_current(self) -> Task | None:
        return self._decide_current("accept")

    def reject_current(self) -> Task | None:
        return self._decide_current("reject")

    def _decide_current(self, action: str) -> Task | None:
        cand = self.current()
        if cand is None:
            return None
        entry = (cand.id,)
        self.undo_stack.append(entry)
        task = self._decide(action, [cand.id], cand, entry)
        self.next_undecided()
        return task

    def _decide(
        self,
        action: str,
        ids: list[int],
        cand: CandidateInfo | None,
        entry: tuple[int, ...] | None = None,
        **kw: Any,
    ) -> Task:
        neighbours = self.model.same_record(cand) if cand is not None else []
        task = Task(
            partial(
                ops.decide, self._archive, self.number, action, ids, neighbours=neighbours, **kw
            ),
            progress=False,
            cancel=False,
            title="Review decision",
        )
        task.finished.connect(partial(self._decided, entry))
        task.failed.connect(partial(self._decision_failed, entry))
        if action in ("accept", "reject", "adjust"):
            self._pending.update(ids)
            task.ended.connect(lambda: self._pending.difference_update(ids))
        self._buttons()
        return self._runner.submit(task)

    def _decided(self, entry: tuple[int, ...] | None, result: ops.Decided) -> None:
        if entry is not None and not result.changed and entry in self.undo_stack:
            self.undo_stack.remove(entry)  # decided that way already: nothing to take back
        if result.changed and not result.reload:
            self._redactions_changed()  # accepting and undoing make and remove redactions
        for ctx in result.contexts:
            self.cache.remember(ctx)
        if result.action == "accept_type" and result.changed:
            self.undo_stack.append(result.changed)
        if result.reload:
            self.reload()
        else:
            self.model.update(result.candidates)
            self._show_progress()
            self._show_current()
        done = {
            "accept": "accepted",
            "reject": "rejected",
            "adjust": "accepted with its span adjusted",
            "undo": "undecided again",
            "accept_type": "accepted",
        }[result.action]
        ids = ", ".join(str(i) for i in result.changed[:10])
        more = "…" if len(result.changed) > 10 else ""
        if result.changed:
            self.message.setText(f"Candidate {ids}{more} {done}.")
        else:
            self.message.setText("Nothing changed: it was decided that way already.")
        self._buttons()

    def _decision_failed(self, entry: tuple[int, ...] | None, message: str) -> None:
        if entry is not None and entry in self.undo_stack:
            self.undo_stack.remove(entry)
        self._failed("Decision not taken", message)
        self._buttons()

    def undo(self) -> Task | None:
        if not self.undo_stack:
            self.message.setText("Nothing to undo in this window.")
            return None
        ids = self.undo_stack.pop()
        cand = self.model.by_id(ids[0])
        task = self._decide("undo", list(ids), cand)
        row = self.model.row_of(ids[0])
        if row >= 0:
            self.select_row(row)  # the reviewer sees what came back
        return task

    def open_adjust(self) -> Task | None:
        cand = self.current()
        if cand is None:
            return None
        task = Task(
            partial(ops.load_value, self._archive, self.number, cand.id),
            progress=False,
            cancel=False,
            title="Candidate value",
        )
        task.finished.connect(self._show_adjust)
        task.failed.connect(lambda message: self._failed("Cannot adjust", message))
        return self._runner.submit(task)

    def _show_adjust(self, loaded: ops.CandidateValue) -> None:
        dialog = AdjustDialog(loaded.candidate, loaded.value, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(partial(self._adjusted, dialog))
        self.dialog = dialog
        dialog.open()

    def _adjusted(self, dialog: AdjustDialog) -> None:
        cand = dialog.candidate
        entry = (cand.id,)
        self.undo_stack.append(entry)
        self._decide("adjust", [cand.id], self.model.by_id(cand.id), entry, span=dialog.span())
        row = self.model.row_of(cand.id)
        if row >= 0:
            self.select_row(row)
        self.next_undecided()

    def open_accept_type(self) -> Task | None:
        kind = self.type_combo.currentData()
        cand = self.current()
        if kind is None and cand is not None:
            kind = cand.kind
        if kind is None:
            return None
        task = Task(
            partial(ops.load_samples, self._archive, self.number, str(kind)),
            progress=False,
            cancel=False,
            title="Sample",
        )
        task.finished.connect(self._show_samples)
        task.failed.connect(lambda message: self._failed("Accept all of this type", message))
        return self._runner.submit(task)

    def _show_samples(self, samples: ops.Samples) -> None:
        dialog = AcceptTypeDialog(samples, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(partial(self._accept_type, samples))
        self.dialog = dialog
        dialog.open()

    def _accept_type(self, samples: ops.Samples) -> Task:
        # one write transaction for all of them (tens of seconds at 50k): progress, and a
        # cancel that keeps none of them
        what = f"{samples.undecided:,} {kind_name(samples.kind)} candidate(s)"
        self.message.setText(f"Accepting {what}…")
        task = Task(
            partial(ops.accept_type, self._archive, self.number, samples.kind),
            title="Accept a type",
        )
        task.finished.connect(partial(self._decided, None))
        task.failed.connect(partial(self._decision_failed, None))
        task.cancelled.connect(
            lambda: self.message.setText(f"Cancelled: none of the {what} was accepted.")
        )
        progress = TaskProgressDialog(task, f"Accepting {what}", self)
        self.progress_dialog = progress
        progress.show()
        self._buttons()
        return self._runner.submit(task)

    # ------------------------------------------------------------------ other actions
    def run_detection(self) -> Task:
        task = Task(
            partial(ops.run_detection, self._archive, self.number), title="Redaction detection"
        )
        progress = TaskProgressDialog(task, f"Detecting in {self.number}", self)
        task.finished.connect(self._detected)
        task.failed.connect(lambda message: self._failed("Detection", message))
        task.cancelled.connect(
            lambda: self.message.setText("Detection cancelled: nothing was stored.")
        )
        self.progress_dialog = progress
        progress.show()
        return self._runner.submit(task)

    def _detected(self, run: Any) -> None:
        parts = [
            f"Searched {run.records:,} records: {run.found:,} candidates, {run.new:,} new,"
            f" {run.kept:,} found before (decisions kept)"
        ]
        if run.reopened:
            parts.append(f"{run.reopened:,} undecided again (the text under them changed)")
        if run.dropped:
            parts.append(f"{run.dropped:,} undecided ones no longer found")
        self.message.setText(", ".join(parts) + ".")
        self.undo_stack.clear()  # decisions may have been reopened; start a fresh history
        self.reload()

    def open_persons(self) -> PersonsDialog:
        dialog = PersonsDialog(self._archive, self._runner, self.number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: self._persons_closed(dialog.changed))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _persons_closed(self, changed: bool) -> None:
        if changed:
            self.message.setText("Persons changed: run detection to find their mentions.")

    def choose_report(self) -> Task | None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Review report for counsel",
            f"review-{self.number}.xlsx",
            "Excel workbook (*.xlsx)",
        )
        if not path:
            return None
        return self.write_report_to(Path(path))

    def write_report_to(self, path: Path) -> Task:
        task = Task(
            partial(ops.write_report, self._archive, self.number, path),
            progress=False,
            cancel=False,
            title="Review report",
        )
        task.finished.connect(self._report_written)
        task.failed.connect(lambda message: self._failed("Review report", message))
        return self._runner.submit(task)

    def _report_written(self, path: Path) -> None:
        self.report_path = path
        self.message.setText(f"Review report written to {path}.")

    def _failed(self, title: str, message: str) -> None:
        self.message.setText(message)
        show_error(self, title, message)

    def done(self, result: int) -> None:
        self.cache.cancel()
        super().done(result)

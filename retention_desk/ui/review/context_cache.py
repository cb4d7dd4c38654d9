"""Candidate contexts for the review queue, read on the task runner a row at a time: the
current row's (an older read is cancelled and its answer dropped once the reviewer moved
on), then a few rows ahead in one small task, kept in a bounded cache so stepping back and
forth shows them at once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QObject, Signal

from retention_desk.archive import Archive
from retention_desk.review.model import CandidateContext
from retention_desk.ui.review import ops
from retention_desk.ui.tasks import Latest, Task, TaskRunner

CONTEXT_CACHE = 256


class ContextCache(QObject):
    loaded = Signal(object)  # the CandidateContext asked for last
    failed = Signal(int, str)  # candidate id, the sentence

    def __init__(
        self, archive: Archive, runner: TaskRunner, number: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._archive = archive
        self._runner = runner
        self.number = number
        self.contexts: OrderedDict[int, CandidateContext] = OrderedDict()
        self._latest = Latest()
        self.task: Task | None = None  # the current row's read
        self.ahead_task: Task | None = None

    def get(self, candidate_id: int) -> CandidateContext | None:
        return self.contexts.get(candidate_id)

    def remember(self, ctx: CandidateContext) -> None:
        self.contexts[ctx.candidate.id] = ctx
        self.contexts.move_to_end(ctx.candidate.id)
        while len(self.contexts) > CONTEXT_CACHE:
            self.contexts.popitem(last=False)

    def clear(self) -> None:
        self.contexts.clear()

    def request(self, candidate_id: int) -> Task:
        """Read one context; `loaded` or `failed` follows unless a newer request came first."""
        if self.task is not None:
            self.task.cancel()  # the reviewer moved on: the older one is not needed
        wrap = self._latest.next()
        task = Task(
            partial(ops.load_context, self._archive, self.number, candidate_id),
            progress=False,
            cancel=True,
            title="Candidate context",
        )
        task.finished.connect(wrap(self._loaded))
        task.failed.connect(wrap(lambda message: self.failed.emit(candidate_id, message)))
        self.task = task
        return self._runner.submit(task)

    def _loaded(self, ctx: CandidateContext) -> None:
        self.remember(ctx)
        self.loaded.emit(ctx)

    def read_ahead(self, candidate_ids: Sequence[int]) -> Task | None:
        """Read the contexts of `candidate_ids` not cached yet, unless a read-ahead is still
        running."""
        if self.ahead_task is not None and not self.ahead_task.done:
            return None
        wanted = [cid for cid in candidate_ids if cid not in self.contexts]
        if not wanted:
            return None
        task = Task(
            partial(ops.load_contexts, self._archive, self.number, wanted),
            progress=False,
            cancel=True,
            title="Candidate contexts",
        )
        task.finished.connect(self._ahead_loaded)
        self.ahead_task = task
        return self._runner.submit(task)

    def _ahead_loaded(self, contexts: tuple[CandidateContext, ...]) -> None:
        for ctx in contexts:
            if ctx.candidate.id not in self.contexts:  # never over a fresher one
                self.remember(ctx)

    def cancel(self) -> None:
        for task in (self.task, self.ahead_task):
            if task is not None:
                task.cancel()
        self._latest.invalidate()

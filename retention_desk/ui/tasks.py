"""Background work for the GUI: a small task runner in the style of Anki's `taskman`.

Why: SQLite work (verify, backup, imports, searches, summaries) must not freeze the window,
and archive work should be serialised, so all of it goes through one single-worker pool.

API
---
``Task(fn, *, progress=True, cancel=True, title="")``
    Wraps ``fn``, which runs on a worker thread. When ``progress`` is true ``fn`` is called with
    ``progress=<callable(done: int, total: int, message: str)>``; when ``cancel`` is true, with
    ``cancel=<threading.Event>``. This matches the core functions' own keyword arguments, so
    ``Task(functools.partial(verify_archive, archive))`` just works.
    ``fn`` must never touch widgets (Qt may crash); it returns a plain value, preferably a
    frozen dataclass, never ORM objects.

    Signals, always delivered on the GUI thread, in this order:

    - ``progress(int done, int total, str message)`` -- throttled to about 20 a second;
      ``total == 0`` means "unknown" (show a busy indicator).
    - exactly one of
        - ``finished(object result)`` -- ``fn`` returned;
        - ``failed(str message)`` -- ``fn`` raised; for ``ArchiveError`` the message is the
          exception text (written for users); otherwise "Unexpected error ..." and the
          traceback goes to the log. ``task.error`` holds the exception;
        - ``cancelled()`` -- ``fn`` raised ``archive.Cancelled``, or the task was cancelled
          before it started.
    - ``ended()`` -- after any of the three (close progress dialogs here).

    ``task.cancel()`` sets the event; ``fn`` decides when to stop. A function that returns
    normally after a cancel (``verify_archive`` returns a report with ``cancelled=True``)
    emits ``finished``: check the result.

``TaskRunner(parent=None, *, inline=False)``
    ``submit(task) -> task`` queues it on the single archive worker. Connect the task's
    signals *before* submitting. ``inline=True`` runs tasks synchronously in ``submit``
    (Picard's FakeThreadPool), for tests that want no threads. ``cancel_all()`` and
    ``wait(msecs)`` are for closing an archive or the window; ``busy()`` says whether work
    is queued or running.

Example::

    task = Task(functools.partial(backup_archive, archive, dest))
    task.progress.connect(bar.update)
    task.finished.connect(self._backup_done)
    task.failed.connect(lambda msg: show_error(self, "Backup failed", msg))
    runner.submit(task)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from retention_desk.archive import ArchiveError, Cancelled

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05


class Task(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal()

    # Emitted from the worker thread; the task lives on the GUI thread, so Qt queues these
    # to the slots below, which re-emit the public signals on the GUI thread. Every consumer
    # then runs on the GUI thread whatever it connects (lambdas included).
    _progress_raw = Signal(int, int, str)
    _outcome_raw = Signal(str, object)

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        progress: bool = True,
        cancel: bool = True,
        title: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fn = fn
        self._wants_progress = progress
        self._wants_cancel = cancel
        self.title = title
        self.cancel_event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.state = "new"  # new | queued | running | finished | failed | cancelled
        self._last_progress = 0.0
        self._progress_raw.connect(self._on_progress)
        self._outcome_raw.connect(self._on_outcome)

    @property
    def cancellable(self) -> bool:
        return self._wants_cancel

    @property
    def done(self) -> bool:
        return self.state in ("finished", "failed", "cancelled")

    def cancel(self) -> None:
        """Ask the work to stop (it polls the event); harmless after it has ended."""
        self.cancel_event.set()

    # ------------------------------------------------------------ worker side
    def _report(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_INTERVAL_S and not (total and done >= total):
            return  # a per-blob callback would otherwise flood the GUI's event queue
        self._last_progress = now
        self._progress_raw.emit(int(done), int(total), str(message))

    def _execute(self) -> None:
        if self.cancel_event.is_set():
            self._outcome_raw.emit("cancelled", None)
            return
        self.state = "running"
        kwargs: dict[str, Any] = {}
        if self._wants_progress:
            kwargs["progress"] = self._report
        if self._wants_cancel:
            kwargs["cancel"] = self.cancel_event
        try:
            result = self._fn(**kwargs)
        except Cancelled as exc:
            self.error = exc
            self._outcome_raw.emit("cancelled", None)
        except ArchiveError as exc:
            self.error = exc
            self._outcome_raw.emit("failed", str(exc))
        except Exception as exc:
            self.error = exc
            log.exception("Task %r failed", self.title or self._fn)
            self._outcome_raw.emit("failed", f"Unexpected error ({type(exc).__name__}): {exc}")
        else:
            self._outcome_raw.emit("finished", result)

    # ---------------------------------------------------------------- GUI side
    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self.done:
            self.progress.emit(done, total, message)

    @Slot(str, object)
    def _on_outcome(self, kind: str, value: object) -> None:
        self.state = kind
        if kind == "finished":
            self.result = value
            self.finished.emit(value)
        elif kind == "failed":
            self.failed.emit(str(value))
        else:
            self.cancelled.emit()
        self.ended.emit()


class TaskRunner(QObject):
    """One single-worker pool for everything that touches the archive."""

    def __init__(self, parent: QObject | None = None, *, inline: bool = False) -> None:
        super().__init__(parent)
        self.inline = inline
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # serialises SQLite work, as Anki's taskman does
        self._active: set[Task] = set()

    def submit(self, task: Task) -> Task:
        # Keep a reference until the task ends: Python would otherwise collect the QObject
        # while the worker still emits through it.
        self._active.add(task)
        task.ended.connect(lambda: self._active.discard(task))
        task.state = "queued"
        if self.inline:
            task._execute()
        else:
            self._pool.start(task._execute)
        return task

    def busy(self) -> bool:
        return any(not t.done for t in self._active)

    def cancel_all(self) -> None:
        for task in list(self._active):
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (closing an archive); True when it is."""
        return self._pool.waitForDone(msecs)


class Latest:
    """Only the newest request's answers count.

    A page that reloads on every change submits task after task; an older one may finish
    after a newer one started. `next()` starts a request and returns a wrapper for its
    callbacks that drops them once a newer request (or `invalidate()`, e.g. another archive)
    has made it stale.
    """

    def __init__(self) -> None:
        self._generation = 0

    def invalidate(self) -> None:
        self._generation += 1

    def next(self) -> Callable[[Callable[..., None]], Callable[..., None]]:
        self._generation += 1
        generation = self._generation

        def only_if_current(callback: Callable[..., None]) -> Callable[..., None]:
            def call(*args: object) -> None:
                if generation == self._generation:
                    callback(*args)

            return call

        return only_if_current

"""When a page that shows the archive reloads after the archive changed.

A page hidden behind another does not reload on every change (an import emits many): it is
marked stale and reloads once when next shown. Pages keep this rule in one
`RefreshWhenShown` each and call `request` on a change and `shown` from their `showEvent`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.tasks import Latest, Task, TaskRunner


class RefreshWhenShown:
    """Runs `refresh` at once while `widget` is visible, else the next time it is shown."""

    def __init__(self, widget: QWidget, refresh: Callable[[], object]) -> None:
        self._widget = widget
        self._refresh = refresh
        # Set when a change arrived while hidden; `refresh` itself must clear it (a page may
        # also reload for other reasons, which makes the pending reload needless).
        self.stale = False

    def request(self) -> None:
        """The archive changed: refresh now if the page is visible, else when next shown."""
        if self._widget.isVisible():
            self._refresh()
        else:
            self.stale = True

    def shown(self) -> None:
        """Call from the page's showEvent: catches up on a change missed while hidden."""
        if self.stale:
            self._refresh()


class PageLoader(QObject):
    """A page's loads from the archive, run on the task runner: only the newest load's answer
    is shown (an older one finishing late is dropped), and an archive change reloads the page
    at once while it is visible, else once when it is next shown. The page calls `load` from
    its reload and `invalidate` when its archive is replaced; `active` says whether the page
    has an archive to reload from."""

    def __init__(
        self,
        widget: QWidget,
        runner: TaskRunner,
        reload: Callable[[], object],
        changes: ArchiveChanges,
        active: Callable[[], bool],
    ) -> None:
        super().__init__(widget)
        self._runner = runner
        self._latest = Latest()
        self._active = active
        self._refresher = RefreshWhenShown(widget, reload)
        changes.changed.connect(self._changed)
        widget.installEventFilter(self)

    def load(
        self,
        work: Callable[[], object],
        title: str,
        loaded: Callable[..., None],
        failed: Callable[..., None],
    ) -> None:
        self._refresher.stale = False
        current = self._latest.next()
        task = Task(work, progress=False, cancel=False, title=title)
        task.finished.connect(current(loaded))
        task.failed.connect(current(failed))
        self._runner.submit(task)

    def _changed(self, _what: str) -> None:
        if self._active():
            self._refresher.request()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            self._refresher.shown()
        return False

    def invalidate(self) -> None:
        self._latest.invalidate()

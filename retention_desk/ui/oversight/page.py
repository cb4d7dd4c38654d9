"""The Oversight page: one tab per duty the agencies' social-media policies ask of their
records — the account registry with staff and approved users, subscriber-list snapshots, the
required page statements checked against the archive, and the moderation log (whose toolbar
also makes the annual review report, Desert Hot Springs 389.6).

Each tab is its own widget with `set_archive`; a tab is created the first time it is shown,
so opening the page does not run every check at once. A record a tab points at (the evidence
of a page statement) opens in a record viewer window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QTabWidget, QVBoxLayout, QWidget

from retention_desk.archive import Archive
from retention_desk.ui.changes import ArchiveChanges
from retention_desk.ui.plain import plain_label
from retention_desk.ui.tasks import TaskRunner

INTRO = (
    "What the agencies' social-media policies ask beyond retention and requests: who runs and"
    " may post on each account, subscriber lists kept as records, the statements each page must"
    " carry, and why comments were removed."
)


class OversightView(QWidget):
    def __init__(self, runner: TaskRunner, changes: ArchiveChanges) -> None:
        super().__init__()
        self._runner = runner
        self._changes = changes
        self._archive: Archive | None = None
        layout = QVBoxLayout(self)
        intro = plain_label(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._makers: list[tuple[str, Callable[[], QWidget]]] = [
            ("Accounts and staff", self._registry),
            ("Subscriber lists", self._subscribers),
            ("Page statements", self._statements),
            ("Moderation log", self._moderation),
        ]
        self.made: dict[int, QWidget] = {}
        for title, _maker in self._makers:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, title)
        self.tabs.currentChanged.connect(self._ensure)
        self.viewers: list[QDialog] = []

    # ---------------------------------------------------------------- tabs
    def _registry(self) -> QWidget:
        from retention_desk.ui.oversight.registry_tab import RegistryTab

        return RegistryTab(self._runner, self._changes)

    def _subscribers(self) -> QWidget:
        from retention_desk.ui.oversight.subscribers_tab import SubscribersTab

        return SubscribersTab(self._runner, self._changes)

    def _statements(self) -> QWidget:
        from retention_desk.ui.oversight.statements_tab import StatementsTab

        tab = StatementsTab(self._runner, self._changes)
        tab.record_requested.connect(self.open_record)
        return tab

    def _moderation(self) -> QWidget:
        from retention_desk.ui.oversight.moderation_tab import ModerationTab

        return ModerationTab(self._runner, self._changes)

    def _ensure(self, index: int) -> QWidget | None:
        if index < 0 or index >= len(self._makers):
            return None
        if index not in self.made:
            widget = self._makers[index][1]()
            holder = self.tabs.widget(index)
            layout = holder.layout() if holder is not None else None
            if layout is not None:
                layout.addWidget(widget)
            self.made[index] = widget
            widget.set_archive(self._archive)  # type: ignore[attr-defined]
        return self.made[index]

    def tab(self, index: int) -> QWidget | None:
        """The tab's widget, created if it was not yet (tests and the page use it)."""
        return self._ensure(index)

    def set_archive(self, archive: Archive | None) -> None:
        self._archive = archive
        for widget in self.made.values():
            widget.set_archive(archive)  # type: ignore[attr-defined]
        self._ensure(self.tabs.currentIndex())

    # ---------------------------------------------------------------- records
    def open_record(self, record_id: int) -> QDialog | None:
        if self._archive is None:
            return None
        from retention_desk.ui.record.view import RecordView

        dialog = QDialog(self)
        dialog.setWindowTitle(f"Record {record_id}")
        dialog.resize(900, 700)
        viewer = RecordView(self._runner, dialog)
        QVBoxLayout(dialog).addWidget(viewer)
        viewer.set_archive(self._archive)
        viewer.show_record(record_id)
        self.viewers.append(dialog)
        dialog.finished.connect(lambda _r: self.viewers.remove(dialog))
        dialog.show()
        return dialog

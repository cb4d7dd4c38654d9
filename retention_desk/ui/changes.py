"""The "archive changed" broadcast shared by the main window and its pages."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class ArchiveChanges(QObject):
    """Broadcast of "the archive changed" (Anki's operation-changes idea, kept small).

    `what` names the kind of change: "import", "settings", "verify", "backup", ... Views that
    show derived data refresh (or mark themselves stale) on any change they care about.
    """

    changed = Signal(str)

    def notify(self, what: str) -> None:
        self.changed.emit(what)

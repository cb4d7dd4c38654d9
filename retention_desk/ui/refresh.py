"""When a page that shows the archive reloads after the archive changed.

A page hidden behind another does not reload on every change (an import emits many): it is
marked stale and reloads once when next shown. Pages keep this rule in one
`RefreshWhenShown` each and call `request` on a change and `shown` from their `showEvent`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget


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

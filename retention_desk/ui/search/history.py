"""Search history (QSettings) and the search field's completer (history + filter names).

History is global, not per archive: a custodian's habitual queries ("is:deleted", an account
name) are useful whichever archive is open. It holds the 30 most recent distinct queries,
newest first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QWidget

MAX_HISTORY = 30
HISTORY_KEY = "search/history"


class SearchHistory:
    """Recent queries kept in QSettings, newest first, without duplicates."""

    def __init__(self, settings: QSettings, key: str = HISTORY_KEY) -> None:
        self._settings = settings
        self._key = key

    def entries(self) -> list[str]:
        value = self._settings.value(self._key, [])
        if isinstance(value, str):  # QSettings gives a bare string for a one-item list
            value = [value]
        if not isinstance(value, list):
            return []
        return [str(v) for v in value if isinstance(v, str) and v.strip()][:MAX_HISTORY]

    def add(self, query: str) -> list[str]:
        """Put `query` first (moving it if it was there already); returns the new list."""
        query = query.strip()
        if not query:
            return self.entries()
        entries = [query, *(e for e in self.entries() if e != query)][:MAX_HISTORY]
        self._settings.setValue(self._key, entries)
        self._settings.sync()
        return entries

    def clear(self) -> None:
        self._settings.remove(self._key)
        self._settings.sync()


class QueryCompleter(QCompleter):
    """Completes a whole query from history, or the word being typed as a filter name.

    With one word in the field, suggestions are past queries and filter names (`platform:`);
    after a space only the last word is completed, against filter names, and accepting a
    suggestion replaces just that word.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: list[str] = []
        self._filters: list[str] = []
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setModelSorting(QCompleter.ModelSorting.UnsortedModel)
        self._whole_line = True

    def set_history(self, history: Sequence[str]) -> None:
        self._history = list(history)
        self._refresh()

    def set_filters(self, names: Sequence[str]) -> None:
        self._filters = [f"{name}:" for name in names]
        self._refresh()

    def suggestions(self) -> list[str]:
        return self._model.stringList()

    def update_for(self, text: str) -> None:
        """Switch between whole-line and last-word completion for the current text."""
        whole = " " not in text.strip() and not text.endswith(" ")
        if whole != self._whole_line:
            self._whole_line = whole
            self._refresh()

    def _refresh(self) -> None:
        if self._whole_line:
            seen: set[str] = set()
            items = [x for x in [*self._history, *self._filters] if not (x in seen or seen.add(x))]
        else:
            items = list(self._filters)
        self._model.setStringList(items)

    # QCompleter hooks: what part of the field is matched, and what accepting one writes
    def splitPath(self, path: str) -> list[str]:
        if self._whole_line:
            return [path]
        return [path.rsplit(" ", 1)[-1]]

    def pathFromIndex(self, index: object) -> str:
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        widget = self.widget()
        current = widget.text() if widget is not None and hasattr(widget, "text") else ""
        if self._whole_line or " " not in current:
            return chosen
        return current.rsplit(" ", 1)[0] + " " + chosen

"""The Open Recent list, kept in the user's QSettings (not in any archive)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 8
KEY = "recent/archives"


class RecentArchives:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def _load(self) -> list[str]:
        # Stored as one JSON string: QSettings turns a one-item list into a plain string in
        # some formats, and a JSON text round-trips the same everywhere.
        raw = self._settings.value(KEY, "[]")
        try:
            values = json.loads(raw) if isinstance(raw, str) else []
        except json.JSONDecodeError:
            values = []
        return [v for v in values if isinstance(v, str)]

    def _store(self, values: list[str]) -> None:
        self._settings.setValue(KEY, json.dumps(values[:MAX_RECENT]))
        self._settings.sync()

    def paths(self) -> list[Path]:
        """Most recent first; files that no longer exist are dropped from the list."""
        values = self._load()
        existing = [v for v in values if Path(v).is_file()]
        if existing != values:
            self._store(existing)
        return [Path(v) for v in existing]

    def add(self, path: Path) -> None:
        key = str(Path(path).resolve())
        self._store([key, *(v for v in self._load() if v != key)])

    def remove(self, path: Path) -> None:
        key = str(Path(path).resolve())
        self._store([v for v in self._load() if v != key])

"""Every version of a record: when each was seen, its text, and what changed from the one
before (a plain-text unified diff). The version that matched the search is marked."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from retention_desk.search import VersionInfo
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label

VersionRole = Qt.ItemDataRole.UserRole + 1
MAX_WORD_DIFF_WORDS = 20_000  # beyond this, the line diff alone (SequenceMatcher is quadratic)


def word_diff(old: str, new: str) -> str:
    """The new text with removed words as [-old-] and added ones as {+new+} (git's plain
    word diff): for prose, where one edited word changes the whole line of a line diff."""
    a, b = old.split(), new.split()
    if len(a) + len(b) > MAX_WORD_DIFF_WORDS:
        return ""
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        if op in ("delete", "replace"):
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


# Importers whose versions have different authors (MediaWiki revisions) end the version's
# locator with this mark and the editor's name, since versions have no author column.
EDITOR_MARK = ";editor="


def version_editor(locator: str | None) -> str | None:
    """The editor named at the end of a version's locator, if any."""
    if not locator or EDITOR_MARK not in locator:
        return None
    return locator.rsplit(EDITOR_MARK, 1)[1].strip() or None


def version_label(version: VersionInfo, count: int, tz: ZoneInfo, matched: bool) -> str:
    parts = [f"v{version.seq}"]
    if version.seq == count:
        parts.append("(current)")
    if version.observed_at:
        parts.append(f"seen {fmt.local_time(version.observed_at, tz)}")
    if version.platform_edited_at:
        parts.append(f"edited {fmt.local_time(version.platform_edited_at, tz)}")
    editor = version_editor(version.locator)
    if editor:
        parts.append(f"by {editor}")
    if matched:
        parts.append("— matched the search")
    return " ".join(parts)


class VersionsPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tz = fmt.zone(None)
        self._versions: dict[int, VersionInfo] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._show_current)
        splitter.addWidget(self.list)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText("Select a version to read its text.")
        splitter.addWidget(self.text)
        self.diff = QPlainTextEdit()
        self.diff.setReadOnly(True)
        self.diff.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff.setPlaceholderText("Changes from the previous version appear here.")
        splitter.addWidget(self.diff)
        splitter.setSizes([90, 160, 160])
        layout.addWidget(splitter, 1)

    def set_versions(
        self, versions: Sequence[VersionInfo], tz: ZoneInfo, matched: Sequence[int] = ()
    ) -> None:
        """List `versions`; select the newest one that matched the search, else the current."""
        self._tz = tz
        self._versions = {v.seq: v for v in versions}
        self.list.clear()
        count = len(versions)
        if count <= 1:
            self.summary.setText("One version: the text has not changed since it was archived.")
        else:
            self.summary.setText(f"{count} versions: every text the record had is kept.")
        selected: QListWidgetItem | None = None
        for version in versions:
            item = QListWidgetItem(version_label(version, count, tz, version.seq in matched))
            item.setData(VersionRole, version)
            self.list.addItem(item)
            if not matched or version.seq in matched:
                selected = item  # ends on the newest matched version, or the current one
        if selected is None and self.list.count():
            selected = self.list.item(self.list.count() - 1)
        if selected is not None:
            self.list.setCurrentItem(selected)
        else:
            self.text.clear()
            self.diff.clear()

    def clear(self) -> None:
        self._versions = {}
        self.list.clear()
        self.summary.clear()
        self.text.clear()
        self.diff.clear()

    def _show_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        version = item.data(VersionRole) if item is not None else None
        if not isinstance(version, VersionInfo):
            self.text.clear()
            self.diff.clear()
            return
        body = f"{version.title}\n\n{version.text}" if version.title else version.text
        self.text.setPlainText(body)
        where = f"Source locator: {version.locator}\n" if version.locator else ""
        if version.seq == 1:
            self.diff.setPlainText(where + "First version: nothing to compare with.")
        elif not version.diff:
            self.diff.setPlainText(where + "Same text as the previous version.")
        else:
            previous = self._versions.get(version.seq - 1)
            words = word_diff(previous.text, version.text) if previous else ""
            parts = [f"{where}Changes from v{version.seq - 1}:"]
            if words:
                parts.append(f"Words ([-removed-] {{+added+}}):\n{words}\n")
            parts.append(f"Lines:\n{version.diff}")
            self.diff.setPlainText("\n".join(parts))

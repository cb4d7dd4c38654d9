"""The record viewer's Redactions tab: select text of a version (or of the record's author,
handle or link) and redact it under an exemption code, withhold the whole record, and see and
remove the record's redactions, stale ones marked.

Everything runs on the task runner (`load_redactions`, and each change); a newer record
cancels an older load and drops its answer. The value is shown in a QPlainTextEdit exactly as
`show --json` prints it, and Qt's UTF-16 selection is converted to Python indices by `utf16`
before it is stored. Record text, notes and request numbers are untrusted: plain text only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk import redaction as rd
from retention_desk.archive import Archive, ArchiveError, Cancelled
from retention_desk.redaction.model import ALL, CURRENT, UNVERIFIED
from retention_desk.search import VersionInfo
from retention_desk.ui.plain import plain_label, show_error, tooltip_text
from retention_desk.ui.record.utf16 import index_to_qt, qt_selection
from retention_desk.ui.record.versions import VersionRole, VersionsPane
from retention_desk.ui.tasks import Latest, Task, TaskRunner

T = TypeVar("T")
FIELD_NAMES = (
    ("text", "Text"),
    ("title", "Title"),
    ("author_name", "Author name"),
    ("author_handle", "Author handle"),
    ("url", "Link"),
)
COL_ID, COL_WHAT, COL_CODE, COL_REQUEST, COL_STATE, COL_NOTE = range(6)
EXCERPT = 60
WARN_STYLE = "color: #b3261e; font-weight: bold;"


class RedactionFailed(ArchiveError):
    """A RedactionError carried through the task runner; its text is the user's sentence."""


def user_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return fn(*args, **kwargs)
    except rd.RedactionError as exc:
        raise RedactionFailed(str(exc)) from exc


@dataclass(frozen=True)
class RedactionsData:
    values: rd.RecordValues
    redactions: tuple[rd.RedactionInfo, ...]
    stale: dict[int, str]  # redaction id -> reason
    catalogue: rd.Catalogue


def load_redactions(archive: Archive, record_id: int, *, cancel: threading.Event) -> RedactionsData:
    """Worker-side: the record's values, its redactions, which are stale, and the codes."""
    if cancel.is_set():
        raise Cancelled()
    values = user_errors(rd.record_values, archive, record_id)
    found = user_errors(rd.list_redactions, archive, record_id=record_id)
    if cancel.is_set():
        raise Cancelled()
    stale = {s.redaction.id: s.reason for s in rd.stale_redactions(archive, [record_id])}
    return RedactionsData(
        values=values,
        redactions=tuple(found),
        stale=stale,
        catalogue=user_errors(rd.archive_catalogue, archive),
    )


def field_value(values: rd.RecordValues, field: str, version: str | int) -> str:
    """The value a range of `field` indexes into, as `show --json` prints it (the current
    version for `current` and `all`)."""
    if field in ("author_name", "author_handle", "url"):
        return str(getattr(values, field))
    if isinstance(version, int):
        chosen = [v for v in values.versions if v.id == version]
    else:
        chosen = [v for v in values.versions if v.seq == values.current_seq]
    chosen = chosen or list(values.versions[-1:])
    if not chosen:
        return ""
    return chosen[0].title if field == "title" else chosen[0].text


def describe(info: rd.RedactionInfo) -> str:
    if info.kind == "withhold":
        return f"Withholds medium {info.media_id}" if info.media_id else "Withholds the record"
    field = dict(FIELD_NAMES).get(info.field or "", info.field or "")
    if info.field in ("text", "title"):
        if isinstance(info.version, int):
            where = f"v{info.version_seq}" if info.version_seq else "a version that is gone"
        else:
            where = "every version" if info.version == ALL else "current version"
        return f"{field} {info.start}:{info.end}, {where}"
    return f"{field} {info.start}:{info.end}"


def exemption_text(exemption: rd.Exemption) -> str:
    """What the code box shows: code, label, citation and UNVERIFIED when so."""
    mark = f" — {UNVERIFIED}" if not exemption.verified else ""
    return f"{exemption.code} — {exemption.label} ({exemption.citation}){mark}"


class RedactDialog(QDialog):
    """Pick a code (from the catalogue; a typed code must be one of it), a note and a request.

    `excerpt` is what will be covered (None when withholding); shown as plain text."""

    def __init__(
        self,
        catalogue: rd.Catalogue,
        title: str,
        excerpt: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.catalogue = catalogue
        self.exemption: rd.Exemption | None = None
        layout = QVBoxLayout(self)
        if excerpt is not None:
            shown = excerpt if len(excerpt) <= EXCERPT else excerpt[:EXCERPT] + "…"
            self.excerpt = plain_label(
                f"Covers {len(excerpt)} character(s): \u2068{shown}\u2069", selectable=True
            )
            self.excerpt.setWordWrap(True)
            layout.addWidget(self.excerpt)
        form = QFormLayout()
        self.code = QComboBox()
        self.code.setEditable(True)
        self.code.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for exemption in catalogue.exemptions:
            self.code.addItem(exemption_text(exemption), exemption.code)
        self.code.setCurrentIndex(-1)
        self.code.setEditText("")
        self.code.lineEdit().setPlaceholderText("choose a code, or type one such as 14-2-1(G)")
        self.code.currentIndexChanged.connect(self._explain)
        form.addRow(plain_label("Exemption"), self.code)
        self.detail = plain_label()
        self.detail.setWordWrap(True)
        form.addRow(plain_label(""), self.detail)
        self.note = QLineEdit()
        self.note.setPlaceholderText("optional: why (kept with the redaction, never audited)")
        form.addRow(plain_label("Note"), self.note)
        self.request = QLineEdit()
        self.request.setPlaceholderText("optional: request number, e.g. IPRA-2026-0001")
        form.addRow(plain_label("Request"), self.request)
        layout.addLayout(form)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        self.error.setVisible(False)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def _chosen(self) -> rd.Exemption:
        """The exemption picked from the list, or the one the typed text names."""
        index = self.code.currentIndex()
        typed = self.code.currentText()
        if index >= 0 and typed == self.code.itemText(index):
            typed = str(self.code.itemData(index))
        return rd.resolve(self.catalogue, typed)

    def _explain(self, index: int) -> None:
        self.error.setVisible(False)
        if index < 0:
            self.detail.clear()
            return
        exemption = rd.resolve(self.catalogue, str(self.code.itemData(index)))
        note = f"\n{UNVERIFIED}: {exemption.note}" if not exemption.verified else ""
        self.detail.setText(f"{exemption.description}{note}")
        self.detail.setToolTip(tooltip_text(exemption.note))

    def accept(self) -> None:
        try:
            self.exemption = self._chosen()
        except rd.RedactionError as exc:
            self.error.setText(str(exc))
            self.error.setVisible(True)
            return
        super().accept()


class RecordRedactionsPane(QWidget):
    """The Redactions tab. `changed` work is submitted on the runner; the tab reloads after."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._latest = Latest()
        self._task: Task | None = None
        self._archive: Archive | None = None
        self.record_id: int | None = None
        self.data: RedactionsData | None = None
        self.dialog: RedactDialog | None = None
        # a selection made in the Versions tab, applied (and its dialog opened) once loaded
        self._pending: tuple[int, str, int, int] | None = None
        layout = QVBoxLayout(self)
        self.status = plain_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        pick = QHBoxLayout()
        self.field = QComboBox()
        for key, name in FIELD_NAMES:
            self.field.addItem(name, key)
        self.field.currentIndexChanged.connect(self._show_value)
        pick.addWidget(plain_label("Field"))
        pick.addWidget(self.field)
        self.version = QComboBox()
        self.version.currentIndexChanged.connect(self._show_value)
        pick.addWidget(plain_label("Version"))
        pick.addWidget(self.version, 1)
        layout.addLayout(pick)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText("Select the characters to redact.")
        self.text.selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.text, 2)
        buttons = QHBoxLayout()
        self.redact_button = QPushButton("Redact…")
        self.redact_button.clicked.connect(self.open_redact)
        self.withhold_button = QPushButton("Withhold record…")
        self.withhold_button.clicked.connect(self.open_withhold)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.redact_button, self.withhold_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["Id", "Covers", "Code", "Request", "", "Note"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._row_selected)
        layout.addWidget(self.table, 1)
        self.clear()

    # ------------------------------------------------------------------ loading
    def clear(self, message: str = "") -> None:
        self._cancel()
        self.data = None
        self.record_id = None
        self._pending = None
        self.status.setText(message)
        self.text.clear()
        self.version.blockSignals(True)
        self.version.clear()
        self.version.blockSignals(False)
        self.table.setRowCount(0)
        self._buttons()

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._latest.invalidate()

    def show_record(self, archive: Archive | None, record_id: int) -> Task | None:
        if archive is None:
            return None
        self.clear("Loading…")
        self._archive = archive
        self.record_id = record_id
        current = self._latest.next()
        task = Task(
            partial(load_redactions, archive, record_id),
            progress=False,
            cancel=True,
            title="Record redactions",
        )
        task.finished.connect(current(self._loaded))
        task.failed.connect(current(self._failed))
        task.ended.connect(current(self._ended))
        self._task = task
        return self._runner.submit(task)

    def _ended(self) -> None:
        self._task = None

    def _failed(self, message: str) -> None:
        record_id = self.record_id
        self.clear(f"Could not read the redactions of record #{record_id}: {message}")
        self.record_id = record_id

    def _loaded(self, data: RedactionsData) -> None:
        self.data = data
        keep = self.version.currentData()
        self.version.blockSignals(True)
        self.version.clear()
        self.version.addItem("Current version (follows re-imports)", CURRENT)
        self.version.addItem("All versions (the same characters in each)", ALL)
        for v in data.values.versions:
            mark = " (current)" if v.seq == data.values.current_seq else ""
            self.version.addItem(f"v{v.seq}{mark} only", v.id)
        found = self.version.findData(keep) if keep is not None else -1
        self.version.setCurrentIndex(max(found, 0))
        self.version.blockSignals(False)
        self._show_value()
        stale = len(data.stale)
        count = len(data.redactions)
        words = f"{count} redaction(s) of this record" if count else "No redactions yet"
        if stale:
            words += (
                f"; {stale} STALE: the text under it changed or its version is gone, so no"
                " production can run until it is reviewed (redact review) or removed"
            )
        self.status.setText(words + ". Redactions never change the record.")
        self.status.setStyleSheet(WARN_STYLE if stale else "")
        self.table.setRowCount(count)
        self._fill(data)
        self._buttons()
        self._apply_pending()

    def _fill(self, data: RedactionsData) -> None:
        for row, info in enumerate(data.redactions):
            state = data.stale.get(info.id, "")
            cells = (
                str(info.id),
                describe(info),
                info.code,
                info.request_number or "",
                f"STALE: {state}" if state else "",
                info.note,
            )
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)  # item text is never parsed as markup
                if col == COL_NOTE and value:
                    item.setToolTip(tooltip_text(value))
                self.table.setItem(row, col, item)

    # ------------------------------------------------------------------ viewing
    def current_field(self) -> str:
        return str(self.field.currentData() or "text")

    def current_version(self) -> str | int:
        data = self.version.currentData()
        return data if data is not None else CURRENT

    def current_value(self) -> str:
        if self.data is None:
            return ""
        return field_value(self.data.values, self.current_field(), self.current_version())

    def _show_value(self) -> None:
        record_field = self.current_field() in ("author_name", "author_handle", "url")
        self.version.setEnabled(not record_field)
        self.text.setPlainText(self.current_value())  # plain text: never parsed as markup
        self._buttons()

    def selected_range(self) -> tuple[int, int] | None:
        """The selection as Python indices into the value shown, or None."""
        cursor = self.text.textCursor()
        if not cursor.hasSelection():
            return None
        try:
            start, end = qt_selection(
                self.current_value(), cursor.selectionStart(), cursor.selectionEnd()
            )
        except ValueError:
            return None
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        """Select Python indices start:end of the value shown (tests, the list's rows)."""
        value = self.current_value()
        cursor = self.text.textCursor()
        cursor.setPosition(index_to_qt(value, start))
        cursor.setPosition(index_to_qt(value, end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)

    def _selection_changed(self) -> None:
        self._buttons()

    def _row_selected(self) -> None:
        self._buttons()
        info = self.selected_redaction()
        if info is None or info.kind != "range" or info.start is None or info.end is None:
            return
        field_index = self.field.findData(info.field)
        if field_index >= 0 and field_index != self.field.currentIndex():
            self.field.setCurrentIndex(field_index)
        version_index = self.version.findData(info.version)
        if version_index >= 0 and version_index != self.version.currentIndex():
            self.version.setCurrentIndex(version_index)
        if info.end <= len(self.current_value()):
            self.select_range(info.start, info.end)

    def selected_redaction(self) -> rd.RedactionInfo | None:
        if self.data is None:
            return None
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.data.redactions[row] if 0 <= row < len(self.data.redactions) else None

    def _buttons(self) -> None:
        loaded = self.data is not None and self._archive is not None
        self.redact_button.setEnabled(loaded and self.selected_range() is not None)
        self.withhold_button.setEnabled(loaded)
        self.remove_button.setEnabled(loaded and self.selected_redaction() is not None)

    def redact_version_selection(
        self, archive: Archive | None, record_id: int, seq: int, field: str, start: int, end: int
    ) -> None:
        """Redact Python range start:end of version `seq`'s `field`, selected in the Versions
        tab: the tab loads, shows that version (as "current" when it is the current one) with
        the range selected, and opens the Redact dialog."""
        if self.record_id != record_id or (self.data is None and self._task is None):
            self.show_record(archive, record_id)
        self._pending = (seq, field, start, end)
        if self.data is not None:
            self._apply_pending()

    def _apply_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None or self.data is None:
            return
        seq, field, start, end = pending
        version: str | int = CURRENT
        if seq != self.data.values.current_seq:
            version = next((v.id for v in self.data.values.versions if v.seq == seq), CURRENT)
        self.field.setCurrentIndex(max(self.field.findData(field), 0))
        self.version.setCurrentIndex(max(self.version.findData(version), 0))
        if end <= len(self.current_value()):
            self.select_range(start, end)
            self.open_redact()

    # ------------------------------------------------------------------ changes
    def open_redact(self) -> RedactDialog | None:
        span = self.selected_range()
        if self.data is None or span is None:
            return None
        start, end = span
        field, version = self.current_field(), self.current_version()
        excerpt = self.current_value()[start:end]
        dialog = RedactDialog(self.data.catalogue, "Redact", excerpt, self)
        dialog.accepted.connect(partial(self._redact, dialog, start, end, field, version))
        self._open(dialog)
        return dialog

    def open_withhold(self) -> RedactDialog | None:
        if self.data is None:
            return None
        dialog = RedactDialog(self.data.catalogue, "Withhold record", None, self)
        dialog.accepted.connect(partial(self._withhold, dialog))
        self._open(dialog)
        return dialog

    def _open(self, dialog: RedactDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def _redact(
        self, dialog: RedactDialog, start: int, end: int, field: str, version: str | int
    ) -> None:
        assert dialog.exemption is not None and self.record_id is not None
        self._change(
            partial(
                rd.add_redaction,
                self._archive,
                self.record_id,
                start,
                end,
                dialog.exemption.code,
                field=field,
                version=version,
                note=dialog.note.text(),
                request=dialog.request.text().strip() or None,
            ),
            "Redaction not added",
        )

    def _withhold(self, dialog: RedactDialog) -> None:
        assert dialog.exemption is not None and self.record_id is not None
        self._change(
            partial(
                rd.withhold,
                self._archive,
                self.record_id,
                dialog.exemption.code,
                note=dialog.note.text(),
                request=dialog.request.text().strip() or None,
            ),
            "Record not withheld",
        )

    def remove_selected(self) -> Task | None:
        info = self.selected_redaction()
        if info is None:
            return None
        return self._change(
            partial(rd.remove_redaction, self._archive, info.id), "Redaction not removed"
        )

    def _change(self, fn: Callable[[], object], failure: str) -> Task | None:
        archive, record_id = self._archive, self.record_id
        if archive is None or record_id is None:
            return None
        task = Task(partial(user_errors, fn), progress=False, cancel=False, title="Redaction")
        task.finished.connect(lambda _result: self.show_record(archive, record_id))
        task.failed.connect(lambda message: show_error(self, failure, message))
        return self._runner.submit(task)


def version_body_range(version: VersionInfo, start: int, end: int) -> tuple[str, int, int]:
    """A Python range of the Versions tab's text (the title, a blank line, then the text) as
    (field, start, end) of the version's own value; RedactionError when it spans both."""
    if not version.title:
        return "text", start, end
    title_end = len(version.title)
    offset = title_end + 2
    if end <= title_end:
        return "title", start, end
    if start >= offset:
        return "text", start - offset, end - offset
    raise rd.RedactionError("Select within the title or within the text, not across both.")


def attach_versions_action(
    versions: VersionsPane,
    pane: RecordRedactionsPane,
    target: Callable[[], tuple[Archive | None, int | None]],
    reveal: Callable[[], None],
) -> None:
    """Add "Redact…" to the Versions tab's text menu: the selection (converted from Qt's
    UTF-16 positions) is redacted through the Redactions tab, which `reveal` shows."""
    edit = versions.text
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def redact() -> None:
        item = versions.list.currentItem()
        version = item.data(VersionRole) if item is not None else None
        archive, record_id = target()
        cursor = edit.textCursor()
        if not isinstance(version, VersionInfo) or record_id is None or not cursor.hasSelection():
            return
        body = f"{version.title}\n\n{version.text}" if version.title else version.text
        try:
            start, end = qt_selection(body, cursor.selectionStart(), cursor.selectionEnd())
            field, start, end = version_body_range(version, start, end)
        except (ValueError, rd.RedactionError) as exc:
            show_error(pane, "Cannot redact this selection", str(exc))
            return
        reveal()
        pane.redact_version_selection(archive, record_id, version.seq, field, start, end)

    def menu(point: QPoint) -> None:
        standard = edit.createStandardContextMenu()
        standard.addSeparator()
        action = standard.addAction("Redact…")
        action.setEnabled(edit.textCursor().hasSelection())
        action.triggered.connect(redact)
        standard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        standard.popup(edit.mapToGlobal(point))

    edit.customContextMenuRequested.connect(menu)
    versions.redact_selection = redact  # type: ignore[attr-defined]  (tests, shortcuts)

"""The Retention page's dialogs: a rule's preview, placing and releasing a hold, dating an
event, and what an imported schedule file changed.

Dialogs collect and check what the user typed; the page runs the change on the task runner
after `accepted`. Every dialog is opened (not exec'd) so tests can fill and accept it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk import retention as rt
from retention_desk.retention.holds import REASON_WORDS
from retention_desk.ui import formatting as fmt
from retention_desk.ui.form_parts import date_edit, ok_cancel, picked_date
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import WARN_STYLE, cell, isolate, make_table, plural
from retention_desk.ui.retention.ops import HoldRequest, ScheduleImportResult, parse_ids


def _scope_fields(
    form: QFormLayout, record_ids: str, query_hint: str
) -> tuple[QLineEdit, QLineEdit]:
    """The query and record-id rows that holds and event dates both take."""
    query_edit = QLineEdit()
    query_edit.setPlaceholderText(query_hint)
    form.addRow(plain_label("Query"), query_edit)
    ids_edit = QLineEdit(record_ids)
    ids_edit.setPlaceholderText("record ids, e.g. 12, 15, 40")
    form.addRow(plain_label("Record ids"), ids_edit)
    return query_edit, ids_edit


def _error_and_buttons(
    dialog: QDialog, layout: QVBoxLayout, ok_text: str
) -> tuple[QLabel, QPushButton]:
    """The warning line a refused entry is explained in, then OK/Cancel."""
    error = plain_label()
    error.setWordWrap(True)
    error.setStyleSheet(WARN_STYLE)
    layout.addWidget(error)
    buttons, ok = ok_cancel(dialog, ok_text)
    layout.addWidget(buttons)
    return error, ok


class RulePreviewDialog(QDialog):
    """What a rule would do (from `test_rule`), with Add rule and Cancel."""

    def __init__(self, result: rt.RuleTest, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle("Add rule")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        self.query_label = plain_label(f"Query: {result.query}", selectable=True)
        self.query_label.setWordWrap(True)
        layout.addWidget(self.query_label)
        summary = (
            f"Files records under {result.series_code}. It matches"
            f" {plural(result.matched, 'record')};"
            f" {fmt.count(result.would_change)} would change series (the others keep a"
            " longer retention under another rule)."
        )
        if note:
            summary += f"\nNote: {note}"
        self.summary = plain_label(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.moves = make_table(("From", "To", "Records"), stretch=0)
        self.moves.setRowCount(len(result.moves))
        for row, move in enumerate(result.moves):
            self.moves.setItem(row, 0, cell(move.from_series or "unclassified"))
            self.moves.setItem(row, 1, cell(move.to_series))
            self.moves.setItem(row, 2, cell(move.records))
        self.moves.setVisible(bool(result.moves))
        layout.addWidget(self.moves)
        buttons, self.ok_button = ok_cancel(self, "Add rule")
        layout.addWidget(buttons)


class PlaceHoldDialog(QDialog):
    """Name, reason, matter and scope (a query, record ids, or both) of a new hold."""

    def __init__(self, parent: QWidget | None = None, record_ids: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Place a hold")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Smith v. City of Example")
        form.addRow(plain_label("Name"), self.name_edit)
        self.reason_combo = QComboBox()
        for code in rt.REASONS:
            self.reason_combo.addItem(REASON_WORDS.get(code, code), code)
        form.addRow(plain_label("Reason"), self.reason_combo)
        self.matter_edit = QLineEdit()
        self.matter_edit.setPlaceholderText("matter or case reference (optional)")
        form.addRow(plain_label("Matter"), self.matter_edit)
        self.query_edit, self.ids_edit = _scope_fields(
            form, record_ids, "records this query matches, now and as they arrive"
        )
        layout.addLayout(form)
        self.error, self.ok_button = _error_and_buttons(self, layout, "Place hold")
        self.request: HoldRequest | None = None

    def accept(self) -> None:
        problem, request = self._check()
        if request is None:
            self.error.setText(problem)
            return
        self.request = request
        super().accept()

    def _check(self) -> tuple[str, HoldRequest | None]:
        name = self.name_edit.text().strip()
        if not name:
            return "A hold needs a name.", None
        try:
            ids = parse_ids(self.ids_edit.text())
        except ValueError as exc:
            return str(exc), None
        query = self.query_edit.text().strip()
        if not query and not ids:
            return "A hold needs a query, record ids, or both.", None
        reason = str(self.reason_combo.currentData())
        return "", HoldRequest(name, reason, self.matter_edit.text().strip(), query, ids)


class ReleaseHoldDialog(QDialog):
    """Release one hold; the reason is required (it is kept with the hold, not audited)."""

    def __init__(self, hold: rt.HoldInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hold = hold
        self.setWindowTitle("Release a hold")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        self.about = plain_label(
            f"Release the hold {isolate(hold.name)} on {plural(hold.records, 'record')}?"
            " Records another hold covers stay held."
        )
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        layout.addWidget(plain_label("Why is it released? (required)"))
        self.why_edit = QPlainTextEdit()
        self.why_edit.setPlaceholderText("e.g. case dismissed with prejudice on 2026-03-02")
        self.why_edit.setTabChangesFocus(True)
        layout.addWidget(self.why_edit)
        buttons, self.ok_button = ok_cancel(self, "Release hold")
        self.ok_button.setEnabled(False)
        self.why_edit.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.why().strip()))
        )
        layout.addWidget(buttons)

    def why(self) -> str:
        return self.why_edit.toPlainText()

    def accept(self) -> None:
        if self.why().strip():
            super().accept()


class EventDateDialog(QDialog):
    """The date an event (e.g. "file closed") happened, for a query's records and/or ids."""

    def __init__(
        self, events: list[str], today: date, parent: QWidget | None = None, record_ids: str = ""
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set an event date")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "Series counted from an event (a file closed, a request fulfilled) wait for"
                " its date; until then their records are not eligible."
            )
        )
        form = QFormLayout()
        self.event_combo = QComboBox()
        self.event_combo.setEditable(True)
        for event in events:
            self.event_combo.addItem(event)
        form.addRow(plain_label("Event"), self.event_combo)
        self.date_edit = date_edit(today)
        form.addRow(plain_label("Date"), self.date_edit)
        self.query_edit, self.ids_edit = _scope_fields(
            form, record_ids, "records this query matches"
        )
        layout.addLayout(form)
        self.error, self.ok_button = _error_and_buttons(self, layout, "Set date")
        self.values: tuple[str, date, str, tuple[int, ...]] | None = None

    def accept(self) -> None:
        event = self.event_combo.currentText().strip()
        if not event:
            self.error.setText("Name the event (e.g. file_closed).")
            return
        try:
            ids = parse_ids(self.ids_edit.text())
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        query = self.query_edit.text().strip()
        if not query and not ids:
            self.error.setText("Name the records: a query, record ids, or both.")
            return
        self.values = (event, picked_date(self.date_edit), query, ids)
        super().accept()


def schedule_import_text(result: ScheduleImportResult) -> tuple[str, str]:
    """(one-paragraph summary, details listing each series added or changed)."""
    imp = result.imported
    text = (
        f"Imported {imp.label}: {imp.series} series, {imp.rules} rule"
        f"{'s' if imp.rules != 1 else ''}. {len(result.added)} series added,"
        f" {len(result.changed)} changed"
        + (f", {len(result.unchanged)} restated unchanged" if result.unchanged else "")
        + f"; {fmt.count(imp.moved)} records changed series or eligible date."
    )
    lines = [f"SHA-256 {imp.sha256}"]
    lines += [f"added {c.code}: {c.after}" for c in result.added]
    lines += [f"changed {c.code}: {c.before} → {c.after}" for c in result.changed]
    lines += [f"restated {code} (same retention and citation)" for code in result.unchanged]
    return text, "\n".join(lines)

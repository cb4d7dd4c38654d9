"""The Disposal page's dialogs: run a report as of a date, record an approval step, and the
words of the destroy confirmation and of a destruction's result.

Dialogs collect and check what the user typed; the page runs the change on the task runner
after `accepted`, and the headless functions decide what is missing (their sentence is shown
as the error). Every dialog is opened, not exec'd, so tests can fill and accept it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from retention_desk.disposal import StepRule
from retention_desk.disposal.approval import FIELD_WORDS, STEP_WORDS
from retention_desk.disposal.destroy import DestructionResult
from retention_desk.ui.disposal.ops import StepRequest
from retention_desk.ui.form_parts import date_edit, ok_cancel, picked_date
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import WARN_STYLE, isolate, plural


class RunReportDialog(QDialog):
    """The as-of date of a new report (today by default)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Run a disposal report")
        layout = QVBoxLayout(self)
        about = plain_label(
            "The report lists every record whose retention has run by this date and that no"
            " hold keeps. It is saved with a number; nothing is destroyed until it is approved."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.date_edit = date_edit(today)
        form.addRow(plain_label("Eligible as of"), self.date_edit)
        layout.addLayout(form)
        buttons, self.ok_button = ok_cancel(self, "Run report")
        layout.addWidget(buttons)

    def as_of(self) -> date:
        return picked_date(self.date_edit)


class StepDialog(QDialog):
    """One approval step as the agency's rule describes it: who, title, reference, date, the
    notice date (county) and the attachment, each marked required where the rule says so."""

    def __init__(
        self,
        number: int,
        command: str,
        rule: StepRule | None,
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.number = number
        self.command = command
        requires = set(rule.requires) if rule else {"by"}
        words = STEP_WORDS.get(rule.step, "approval") if rule else "approval"
        self.setWindowTitle(f"Report {number}: record {words}")
        self.setMinimumWidth(500)
        layout = QVBoxLayout(self)
        if rule is not None:
            about = plain_label(
                f"Record {words} from {rule.who} ({rule.citation})."
                + (f" {rule.note}" if rule.note else "")
            )
            about.setWordWrap(True)
            layout.addWidget(about)
        form = QFormLayout()

        def label(field: str, text: str) -> QWidget:
            return plain_label(f"{text} (required)" if field in requires else text)

        self.by_edit = QLineEdit()
        form.addRow(label("by", "Name"), self.by_edit)
        self.title_edit = QLineEdit()
        form.addRow(label("title", "Title"), self.title_edit)
        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText("e.g. the form's number, or the ordinance")
        form.addRow(label("reference", "Reference"), self.reference_edit)
        self.date_edit = date_edit(today)
        form.addRow(label("date", "Date"), self.date_edit)
        self.notice_check = QCheckBox("Notice mailed (registered or certified) on")
        self.notice_edit = date_edit(today)
        self.notice_check.toggled.connect(self.notice_edit.setEnabled)
        self.notice_check.setChecked("notice_sent" in requires)
        self.notice_edit.setEnabled(self.notice_check.isChecked())
        if command == "approve" and "notice_sent" in requires:
            form.addRow(self.notice_check, self.notice_edit)
        row = QHBoxLayout()
        self.attachment_edit = QLineEdit()
        self.attachment_edit.setPlaceholderText(FIELD_WORDS["attachment"])
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_attachment)
        row.addWidget(self.attachment_edit, 1)
        row.addWidget(browse)
        form.addRow(label("attachment", "Attachment"), row)
        layout.addLayout(form)
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.error)
        buttons, self.ok_button = ok_cancel(self, "Record")
        layout.addWidget(buttons)
        self.request: StepRequest | None = None

    def choose_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Attach the signed form or receipt", "", "All files (*)"
        )
        if path:
            self.attachment_edit.setText(path)

    def accept(self) -> None:
        by = self.by_edit.text().strip()
        if not by:
            self.error.setText("Name who gave it.")
            return
        typed = self.attachment_edit.text().strip()
        attachment = Path(typed).expanduser() if typed else None
        if attachment is not None and not attachment.is_file():
            self.error.setText(f"The attachment {attachment} is not a readable file.")
            return
        self.request = StepRequest(
            command=self.command,
            by=by,
            title=self.title_edit.text().strip(),
            reference=self.reference_edit.text().strip(),
            on=picked_date(self.date_edit),
            notice_sent=(picked_date(self.notice_edit) if self.notice_check.isChecked() else None),
            attachment=attachment,
        )
        super().accept()


def confirm_text(number: int, count: int, copies: tuple[str, ...], open_requests: int = 0) -> str:
    """The destroy question: the count and report, that it is final, the open IPRA requests
    whose responsive sets may be incomplete, and the earlier copies that may still hold the
    records."""
    text = (
        f"Destroy {plural(count, 'record')} of report {number}? This cannot be undone."
        " Holds and eligibility are checked again as it goes; a record held since the report"
        " was run is skipped."
    )
    if open_requests:
        text += (
            f"\n\n{plural(open_requests, 'IPRA request')} still open. Their responsive records"
            " are held, but a record responsive to one of them that is not yet in its set is"
            " not: check the open requests' sets before destroying."
        )
    if copies:
        text += "\n\nThese earlier copies of the archive may still hold the records; destroy or"
        text += " restrict them separately:\n" + "\n".join(f"• {isolate(c)}" for c in copies)
    return text


def result_text(result: DestructionResult, *, this_run: bool = True) -> str:
    """What a destruction destroyed, skipped (with reasons) and left inside originals, as
    lines. `this_run` is the result `destroy` just returned (it knows what this run did and
    whether it was cancelled); otherwise the stored state of the report."""
    lines: list[str] = []
    if this_run and result.cancelled:
        lines.append(
            f"Destruction of report {result.report} was cancelled after"
            f" {plural(result.destroyed_now, 'record')} in this run; what was destroyed stays"
            " destroyed. Destroy again to finish."
        )
    elif this_run:
        lines.append(
            f"Report {result.report}: {plural(result.destroyed_now, 'record')} destroyed now."
        )
    lines.append(
        f"{result.destroyed:,} of {result.total:,} records of the report are destroyed in all."
    )
    if not this_run and not result.finished:
        lines.append(
            "The destruction was stopped before it finished; destroy again to finish (what was"
            " destroyed stays destroyed)."
        )
    if result.skipped:
        lines.append(f"Skipped {plural(len(result.skipped), 'record')}:")
        lines += [f"  record {s.record_id}: {s.words}" for s in result.skipped]
    if result.retained:
        lines.append(
            f"{plural(len(result.retained), 'record')} stay inside original files that cannot"
            " be split until their last record is destroyed:"
        )
        lines += [
            f"  record {r.record_id} in original file {r.source_file_id}: {r.reason}"
            for r in result.retained
        ]
    if result.copies:
        lines.append("Earlier copies of the archive may still hold the records:")
        lines += [f"  {isolate(c)}" for c in result.copies]
    lines += list(result.notes)
    if result.finished and not result.purged:
        lines.append(
            "The search indexes and free pages are not purged yet; destroy again to finish."
        )
    return "\n".join(lines)

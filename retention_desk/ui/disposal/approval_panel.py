"""What the agency's law requires before destruction, what is recorded, and what is missing.

The rule (citation, verified flag) is data from `resources/disposal_approval.toml`: an
unverified rule says so and that the file is configurable, so a clerk does not take an
unchecked reading of the law for a checked one. Names, titles and references were typed by
users and are shown as plain text.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from retention_desk.disposal import ApprovalRule, ApprovalStatus, StepRule
from retention_desk.disposal.approval import KIND_WORDS, STEP_WORDS
from retention_desk.disposal.present import STEP_HEADER
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import WARN_STYLE, cell, make_table

RULES_FILE_NAME = "resources/disposal_approval.toml"
OK_STYLE = "color: #1b6e2a; font-weight: bold;"


def checked(flag: bool) -> str:
    return "verified" if flag else "UNVERIFIED"


def rule_text(kind: str, rule: ApprovalRule | None) -> str:
    who = KIND_WORDS.get(kind, kind)
    if rule is None:
        return (
            f"No approval rule is configured for {who}; add one to {RULES_FILE_NAME} before"
            " destroying anything."
        )
    text = f"For {who}: {rule.citation} ({checked(rule.verified)}). {rule.rule}"
    if not rule.verified:
        text += (
            f" This rule has not been checked against its source; it is configurable in"
            f" {RULES_FILE_NAME}."
        )
    return text


def step_text(step: StepRule) -> str:
    text = (
        f"Needs {STEP_WORDS.get(step.step, step.step)} from {step.who}:"
        f" {step.citation} ({checked(step.verified)})."
    )
    if not step.verified:
        text += f" Not checked against its source; configurable in {RULES_FILE_NAME}."
    if step.note:
        text += f" {step.note}"
    return text


def wait_text(rule: ApprovalRule) -> str:
    if not rule.wait_days:
        return ""
    text = f"Destruction waits {rule.wait_days} days after the notice was mailed ({rule.citation})."
    if not rule.wait_from_verified:
        text += (
            " Counting from the mailing date is this app's reading (UNVERIFIED); the wait is"
            f" configurable in {RULES_FILE_NAME}."
        )
    return text


def status_lines(status: ApprovalStatus, today: date | None = None) -> list[str]:
    """The status as sentences: complete, or each missing item; then the earliest date."""
    lines = (
        ["Approval is complete: destruction is allowed."]
        if status.complete
        else [f"Missing: {m}" for m in status.missing]
    )
    if status.earliest_destruction is not None:
        lines.append(f"Earliest destruction: {status.earliest_destruction.isoformat()}.")
    return lines


class ApprovalPanel(QWidget):
    step_requested = Signal(str)  # approve | consent

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rule_label = plain_label()
        self.rule_label.setWordWrap(True)
        layout.addWidget(self.rule_label)
        self.steps_label = plain_label()
        self.steps_label.setWordWrap(True)
        layout.addWidget(self.steps_label)
        self.recorded = make_table(STEP_HEADER)
        self.recorded.setMaximumHeight(120)
        layout.addWidget(self.recorded)
        self.status_label = plain_label()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        row = QHBoxLayout()
        self.approve_button = QPushButton("Record approval…")
        self.approve_button.clicked.connect(lambda: self.step_requested.emit("approve"))
        self.consent_button = QPushButton("Record consent…")
        self.consent_button.clicked.connect(lambda: self.step_requested.emit("consent"))
        row.addWidget(self.approve_button)
        row.addWidget(self.consent_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)  # keep the sentences together at the top, not spread apart
        self.status: ApprovalStatus | None = None
        self.set_rule("", None)

    def set_rule(self, kind: str, rule: ApprovalRule | None) -> None:
        """The archive's rule, shown while no report is selected."""
        self.status = None
        self.rule_label.setText(rule_text(kind, rule) if kind else "")
        self._steps(rule)
        self.recorded.setRowCount(0)
        self.status_label.setText("")
        self.approve_button.setEnabled(False)
        self.consent_button.setEnabled(False)

    def _steps(self, rule: ApprovalRule | None) -> None:
        lines = [step_text(s) for s in rule.steps] if rule else []
        if rule is not None and wait_text(rule):
            lines.append(wait_text(rule))
        self.steps_label.setText("\n".join(lines))
        approve = rule.step_for("approve") if rule else None
        consent = rule.step_for("consent") if rule else None
        self.approve_button.setText(
            f"Record {STEP_WORDS.get(approve.step, 'approval')}…" if approve else "Record approval…"
        )
        self.approve_button.setVisible(approve is not None)
        self.consent_button.setText(
            f"Record {STEP_WORDS.get(consent.step, 'consent')}…" if consent else "Record consent…"
        )
        self.consent_button.setVisible(consent is not None)

    def set_status(self, status: ApprovalStatus, report_status: str) -> None:
        self.status = status
        self.rule_label.setText(rule_text(status.agency_kind, status.rule))
        self._steps(status.rule)
        self.recorded.setRowCount(len(status.steps))
        for row, step in enumerate(status.steps):
            when = step.decided_on.isoformat() if step.decided_on else ""
            sent = step.notice_sent.isoformat() if step.notice_sent else ""
            values = (
                STEP_WORDS.get(step.step, step.step),
                step.by_name,
                step.title,
                step.reference,
                when,
                sent,
                step.attachment_name or "",
            )
            for col, value in enumerate(values):
                self.recorded.setItem(row, col, cell(value, tip=value if col in (1, 3) else ""))
        self.status_label.setText("\n".join(status_lines(status)))
        self.status_label.setStyleSheet(OK_STYLE if status.complete else WARN_STYLE)
        open_ = report_status in ("draft", "approved")
        self.approve_button.setEnabled(open_)
        self.consent_button.setEnabled(open_)

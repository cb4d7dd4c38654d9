"""Two small dialogs of the review queue: adjust a candidate's span before accepting it, and
confirm accepting every undecided candidate of one type after looking at a sample.

Both show imported text with `setPlainText` only; a span is Python string indices of the
value, converted to Qt positions for the preview.
"""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from retention_desk.review.model import CandidateInfo
from retention_desk.ui.plain import plain_label
from retention_desk.ui.record.utf16 import index_to_qt
from retention_desk.ui.review.context_view import mark_format
from retention_desk.ui.review.ops import Samples
from retention_desk.ui.review.queue_model import kind_name

EXCERPT = 80
WARN_STYLE = "color: #b3261e; font-weight: bold;"


class AdjustDialog(QDialog):
    """Start and end (Python indices of the value) of what accepting blacks out, pre-filled
    from the candidate's proposal, with the value previewed and the chosen span in black."""

    def __init__(self, cand: CandidateInfo, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidate = cand
        self.value = value
        self.setWindowTitle(f"Adjust candidate {cand.id}")
        self.resize(620, 380)
        layout = QVBoxLayout(self)
        intro = plain_label(
            f"Choose what accepting candidate {cand.id} ({kind_name(cand.kind)}) blacks out:"
            f" character positions of the {cand.field.replace('_', ' ')}, which has"
            f" {len(value):,} characters (the end is not included)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        start = min(s for s, _ in cand.redact) if cand.redact else cand.start
        end = max(e for _, e in cand.redact) if cand.redact else cand.end
        self.start_spin = QSpinBox()
        self.start_spin.setRange(0, len(value))
        self.start_spin.setValue(start)
        self.end_spin = QSpinBox()
        self.end_spin.setRange(0, len(value))
        self.end_spin.setValue(end)
        form.addRow(plain_label("Start"), self.start_spin)
        form.addRow(plain_label("End"), self.end_spin)
        layout.addLayout(form)
        self.covers = plain_label()
        self.covers.setWordWrap(True)
        layout.addWidget(self.covers)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setPlainText(value)  # plain text: never parsed as markup
        layout.addWidget(self.preview, 1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Accept with this span")
        self.ok_button.setDefault(True)  # Enter in a spin box accepts
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.start_spin.valueChanged.connect(self._changed)
        self.end_spin.valueChanged.connect(self._changed)
        self._changed()

    def span(self) -> tuple[int, int]:
        return self.start_spin.value(), self.end_spin.value()

    def _changed(self) -> None:
        start, end = self.span()
        valid = start < end
        self.ok_button.setEnabled(valid)
        if not valid:
            self.covers.setStyleSheet(WARN_STYLE)
            self.covers.setText("The start must come before the end.")
            self.preview.setExtraSelections([])
            return
        self.covers.setStyleSheet("")
        part = self.value[start:end]
        shown = part if len(part) <= EXCERPT else part[:EXCERPT] + "…"
        self.covers.setText(f"Blacks out {end - start:,} character(s): \u2068{shown}\u2069")
        cursor = QTextCursor(self.preview.document())
        cursor.setPosition(index_to_qt(self.value, start))
        cursor.setPosition(index_to_qt(self.value, end), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor  # type: ignore[attr-defined]
        selection.format = mark_format(True)  # type: ignore[attr-defined]
        self.preview.setExtraSelections([selection])
        view = QTextCursor(self.preview.document())
        view.setPosition(index_to_qt(self.value, start))
        self.preview.setTextCursor(view)
        self.preview.ensureCursorVisible()

    def accept(self) -> None:
        start, end = self.span()
        if start >= end:
            return
        super().accept()


class AcceptTypeDialog(QDialog):
    """How many undecided candidates of a type accepting them all would accept, and a sample
    of their contexts with the part to black out as [type]."""

    def __init__(self, samples: Samples, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples = samples
        name = kind_name(samples.kind)
        self.setWindowTitle(f"Accept all: {name}")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        if samples.undecided:
            words = (
                f"Accept all {samples.undecided:,} undecided {name} candidate(s)? Each becomes"
                f" a redaction of the request. A sample of {len(samples.samples)} of them,"
                f" the part to black out shown as [{samples.kind.replace('_', ' ')}]:"
            )
        else:
            words = f"No {name} candidate is left undecided."
        self.summary = plain_label(words)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.sample_text = QPlainTextEdit()
        self.sample_text.setReadOnly(True)
        self.sample_text.setPlainText(
            "\n\n".join(
                f"Candidate {sample.candidate_id}, record {sample.record_id}:\n{sample.text}"
                for sample in samples.samples
            )
        )
        layout.addWidget(self.sample_text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button: QPushButton | None = None
        if samples.undecided:
            self.ok_button = buttons.addButton(
                f"Accept {samples.undecided:,}", QDialogButtonBox.ButtonRole.AcceptRole
            )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

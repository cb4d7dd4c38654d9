"""The context pane of the review queue: the current candidate in its text, the part that
accepting it would black out shown white on black, the part the law lets stay visible (last
four digits, the birth year) underlined on green, and beside it what the candidate is.

Imported text is only ever given to `setPlainText` and plain labels; the marks are extra
selections over Qt positions converted from Python indices (`record.utf16`), never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from retention_desk.review.model import CandidateContext, CandidateInfo
from retention_desk.ui.plain import plain_label
from retention_desk.ui.record.utf16 import index_to_qt
from retention_desk.ui.review.queue_model import field_text, status_text, type_text

HIDDEN_BACKGROUND = QColor("#000000")
HIDDEN_FOREGROUND = QColor("#ffffff")
VISIBLE_BACKGROUND = QColor("#c8f0c8")
ELLIPSIS = "…"
LEGEND = (
    "White on black: blacked out when accepted. Underlined on green: stays visible"
    " (what 14-2-6(F) lets show)."
)


@dataclass(frozen=True)
class Shown:
    """The pane's text and, as Python indices into it, the runs to mark."""

    text: str
    hidden: tuple[tuple[int, int], ...]
    visible: tuple[tuple[int, int], ...]


def layout_context(ctx: CandidateContext) -> Shown:
    cand = ctx.candidate
    first = min([cand.start, *(s for s, _ in cand.redact)])
    last = max([cand.end, *(e for _, e in cand.redact)])
    head = ELLIPSIS if first > len(ctx.before) else ""
    tail = ELLIPSIS if last + len(ctx.after) < ctx.value_length else ""
    parts = [head, ctx.before]
    at = len(head) + len(ctx.before)
    hidden: list[tuple[int, int]] = []
    visible: list[tuple[int, int]] = []
    for text, is_hidden in ctx.runs:
        (hidden if is_hidden else visible).append((at, at + len(text)))
        parts.append(text)
        at += len(text)
    parts += [ctx.after, tail]
    return Shown("".join(parts), tuple(hidden), tuple(visible))


def mark_format(hidden: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if hidden:
        fmt.setBackground(HIDDEN_BACKGROUND)
        fmt.setForeground(HIDDEN_FOREGROUND)
    else:
        fmt.setBackground(VISIBLE_BACKGROUND)
        fmt.setFontUnderline(True)
        fmt.setFontWeight(700)
    return fmt


class ContextPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlaceholderText("Choose a candidate to see it in its text.")
        left.addWidget(self.text, 1)
        self.legend = plain_label(LEGEND)
        self.legend.setWordWrap(True)
        left.addWidget(self.legend)
        layout.addLayout(left, 3)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, name in (
            ("where", "Where"),
            ("type", "Type"),
            ("rule", "Found by"),
            ("code", "Code"),
            ("visible", "Stays visible"),
            ("status", "Status"),
            ("decided", "Decided"),
        ):
            label = plain_label(selectable=True)
            label.setWordWrap(True)
            self.fields[key] = label
            form.addRow(plain_label(name), label)
        layout.addLayout(form, 2)
        self.shown: Shown | None = None

    def clear(self, message: str = "") -> None:
        self.shown = None
        self.text.setExtraSelections([])
        self.text.setPlainText(message)
        for label in self.fields.values():
            label.clear()

    def show_candidate(self, cand: CandidateInfo, ctx: CandidateContext | None) -> None:
        """Show `cand` (its status as the table has it) in `ctx`; without a context yet, only
        its facts and a note that the text is being read."""
        self.fields["where"].setText(f"record {cand.record_id}, {field_text(cand)}")
        self.fields["type"].setText(type_text(cand))
        self.fields["rule"].setText(cand.rule)
        self.fields["code"].setText(cand.code)
        self.fields["status"].setText(status_text(cand))
        when = (cand.decided_at or "")[:19].replace("T", " ")
        self.fields["decided"].setText(
            f"by {cand.decided_by}, {when} UTC" if cand.decided_by else "not yet"
        )
        if ctx is None:
            self.shown = None
            self.text.setExtraSelections([])
            self.text.setPlainText("Reading the text…")
            self.fields["visible"].clear()
            return
        self.fields["visible"].setText(ctx.visible or "nothing (all of it is blacked out)")
        shown = layout_context(ctx)
        self.shown = shown
        self.text.setPlainText(shown.text)  # plain text: never parsed as markup
        selections = []
        for spans, hidden in ((shown.hidden, True), (shown.visible, False)):
            for start, end in spans:
                cursor = QTextCursor(self.text.document())
                cursor.setPosition(index_to_qt(shown.text, start))
                cursor.setPosition(index_to_qt(shown.text, end), QTextCursor.MoveMode.KeepAnchor)
                selection = QTextEdit.ExtraSelection()
                selection.cursor = cursor  # type: ignore[attr-defined]
                selection.format = mark_format(hidden)  # type: ignore[attr-defined]
                selections.append(selection)
        self.text.setExtraSelections(selections)

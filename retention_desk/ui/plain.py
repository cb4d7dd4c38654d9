"""Showing untrusted text safely: labels, tooltips and message boxes that never parse markup.

Imported records, account names, audit details, even file paths are untrusted. Qt guesses
whether a string is rich text (`Qt.mightBeRichText`) for QLabel, tooltips and QMessageBox,
so `<img src="file:///...">` in a comment would otherwise be rendered and loaded. Everything
in retention_desk/ui that shows data goes through these helpers.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(
    text: str = "", parent: QWidget | None = None, *, selectable: bool = False
) -> QLabel:
    """A QLabel that shows `text` literally, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def tooltip_text(text: str) -> str:
    """A tooltip string that shows `text` literally.

    Tooltips have no plain-text switch, and escaping alone is not enough: Qt treats a string
    with entities as rich text, or a string without markup as plain (showing `&lt;`). So the
    escaped text is always wrapped in a paragraph that makes it rich text on purpose;
    `pre-wrap` keeps line breaks and runs of spaces as they were.
    """
    return f'<p style="white-space: pre-wrap">{html.escape(text, quote=False)}</p>'


def message_box(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Information,
    details: str | None = None,
) -> QMessageBox:
    """Open a window-modal message box that shows `text` (and `details`) literally.

    The box is opened, not exec'd, so callers (and tests) are never stuck in a nested event
    loop; it deletes itself when closed. Informative text is not used: its label follows its
    own format detection.
    """
    box = QMessageBox(icon, title, "", QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    if details:
        box.setDetailedText(details)  # a QTextEdit fed with setPlainText by Qt
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_error(
    parent: QWidget | None, title: str, text: str, *, details: str | None = None
) -> QMessageBox:
    return message_box(parent, title, text, icon=QMessageBox.Icon.Warning, details=details)

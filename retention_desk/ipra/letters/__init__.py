"""IPRA letters: acknowledgment (three-day letter), burdensome notice, denial, forward notice,
production cover letter, closing letter and fee receipt, as PDF and DOCX from editable text
templates in `resources/letters/`.

The request desk builds a `LetterContext`, calls `check` (which says in one sentence why a
letter cannot be produced, e.g. a denial without the names and titles 14-2-11(B) requires),
then `render_pdf` / `render_docx`, or `render_text` for a preview. All three check first.
"""

from __future__ import annotations

from pathlib import Path

from retention_desk.ipra.letters.compose import render_text
from retention_desk.ipra.letters.context import LETTER_KINDS, LetterContext, Person, check
from retention_desk.ipra.letters.templates import TEMPLATES_DIR

__all__ = [
    "LETTER_KINDS",
    "TEMPLATES_DIR",
    "LetterContext",
    "Person",
    "check",
    "render_docx",
    "render_pdf",
    "render_text",
]


def render_pdf(ctx: LetterContext, templates_dir: Path | None = None) -> bytes:
    """The letter of `ctx` as PDF bytes (`IpraError` when it cannot be produced)."""
    # reportlab is imported when a letter is written, not by every CLI start
    from retention_desk.ipra.letters.pdf import render_pdf as _render

    return _render(ctx, templates_dir)


def render_docx(ctx: LetterContext, templates_dir: Path | None = None) -> bytes:
    """The letter of `ctx` as DOCX bytes (`IpraError` when it cannot be produced)."""
    from retention_desk.ipra.letters.word import render_docx as _render

    return _render(ctx, templates_dir)

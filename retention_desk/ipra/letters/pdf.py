"""A letter as PDF (reportlab): Unicode fonts from `pdf_fonts`, every piece of text escaped
before reportlab reads it as Paragraph markup, and the same bytes for the same letter.

`invariant=True` fixes the creation date and the document id, so a letter stored with a
request can be made again and compared byte for byte. The metadata names the agency and the
request, never the operating-system user, the requester or staff.

reportlab lays text out in the order it is stored and does no bidirectional reordering, so a
right-to-left name prints its letters left to right; the DOCX letter shows it as Word does.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import letter as letter_size
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)

from retention_desk.ipra.letters.compose import Letter, compose
from retention_desk.ipra.letters.context import LetterContext
from retention_desk.pdf_fonts import PdfFonts, register_fonts

NOTE = (
    "Some names in this letter use characters this computer's PDF font cannot show; the Word"
    " (DOCX) letter shows them."
)


def render_pdf(ctx: LetterContext, templates_dir: Path | None = None) -> bytes:
    """The letter of `ctx` as PDF bytes (`IpraError` when it cannot be produced)."""
    return letter_pdf(compose(ctx, templates_dir))


def _styles(fonts: PdfFonts) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "rd-letter-body", fontName=fonts.regular, fontSize=10.5, leading=14, spaceAfter=8
    )
    return {
        "agency": ParagraphStyle(
            "rd-letter-agency", parent=body, fontName=fonts.bold, fontSize=14, leading=17,
            spaceAfter=2,
        ),
        "head": ParagraphStyle(
            "rd-letter-head", parent=body, fontSize=9, leading=11, spaceAfter=0
        ),
        "line": ParagraphStyle("rd-letter-line", parent=body, spaceAfter=0),
        "strong": ParagraphStyle(
            "rd-letter-strong", parent=body, fontName=fonts.bold, spaceAfter=0
        ),
        "body": body,
        "item": ParagraphStyle(
            "rd-letter-item", parent=body, leftIndent=24, firstLineIndent=0, spaceAfter=2
        ),
        "lead": ParagraphStyle("rd-letter-lead", parent=body, spaceAfter=3),
        "last_item": ParagraphStyle(
            "rd-letter-last-item", parent=body, leftIndent=24, firstLineIndent=0
        ),
        "note": ParagraphStyle("rd-letter-note", parent=body, fontSize=9, leading=11),
    }  # fmt: skip


def _texts(letter: Letter) -> list[str]:
    return [
        *letter.letterhead, letter.date_line, letter.delivery_line, *letter.recipient,
        letter.re_line, letter.subject, *(line.text for line in letter.body), *letter.signature,
    ]  # fmt: skip


def _body_style(letter: Letter, n: int) -> str:
    # a list sits close under the line that introduces it, with the paragraph gap after it
    line = letter.body[n]
    next_is_item = n + 1 < len(letter.body) and letter.body[n + 1].item
    if line.item:
        return "item" if next_is_item else "last_item"
    return "lead" if next_is_item else "body"


def story(letter: Letter, fonts: PdfFonts) -> list[Flowable]:
    st = _styles(fonts)

    def p(text: str, style: str) -> Paragraph:
        # the only markup reportlab sees is what fonts.markup adds (a fallback <font> face)
        return Paragraph(fonts.markup(text), st[style])

    out: list[Flowable] = []
    if letter.letterhead:
        out.append(p(letter.letterhead[0], "agency"))
        out += [p(line, "head") for line in letter.letterhead[1:]]
    out.append(Spacer(1, 0.3 * inch))
    if not fonts.can_show_all(_texts(letter)):
        out.append(p(NOTE, "note"))
    out += [p(letter.date_line, "line"), Spacer(1, 10), p(letter.delivery_line, "line")]
    out.append(Spacer(1, 10))
    out += [p(line, "line") for line in letter.recipient]
    out.append(Spacer(1, 14))
    out += [p(letter.re_line, "strong"), p(letter.subject, "strong"), Spacer(1, 12)]
    body = [p(line.text, _body_style(letter, n)) for n, line in enumerate(letter.body)]
    # the closing words stay on the page with the signature
    closing = body[-1:] + [Spacer(1, 0.45 * inch)] + [p(s, "line") for s in letter.signature]
    out += body[:-1]
    out.append(KeepTogether(closing))
    return out


def letter_pdf(letter: Letter) -> bytes:
    fonts = register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=letter_size,
        leftMargin=inch,
        rightMargin=inch,
        topMargin=0.8 * inch,
        bottomMargin=0.9 * inch,
        title=letter.title,
        author=letter.author,
        creator="retention-desk",
        producer="retention-desk",
        subject="",
        keywords="",
        invariant=True,
    )

    def footer(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        # drawn directly, not as a Paragraph, so no markup is parsed; and at the page's end,
        # so text extracted from the PDF reads the letter first
        canvas.saveState()
        canvas.setFont(fonts.regular, 8)
        canvas.drawRightString(
            letter_size[0] - inch,
            0.55 * inch,
            f"{letter.number}   Page {canvas.getPageNumber()}",
        )
        canvas.restoreState()

    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", showBoundary=0
    )
    doc.addPageTemplates([PageTemplate("letter", [frame], onPageEnd=footer)])
    doc.build(story(letter, fonts))
    return buffer.getvalue()

"""A letter as DOCX (python-docx), for custodians who edit letters in Word.

Text goes in as plain runs (python-docx escapes XML itself; nothing is parsed as markup). The
core properties name the agency and the request, with fixed dates from the letter's date, and
python-docx's own "python-docx" author and comment are replaced. The zip is rewritten with a
fixed member date so the same letter gives the same bytes (python-docx stamps each member with
the current time). Named `word` so it does not shadow the `docx` package.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, time
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.text.paragraph import Paragraph

from retention_desk.ipra.letters.compose import Letter, compose
from retention_desk.ipra.letters.context import LetterContext

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def render_docx(ctx: LetterContext, templates_dir: Path | None = None) -> bytes:
    """The letter of `ctx` as DOCX bytes (`IpraError` when it cannot be produced)."""
    return letter_docx(compose(ctx, templates_dir))


def _para(doc: DocxDocument, text: str, *, bold: bool = False, size: float | None = None,
          after: float = 0, indent: float = 0) -> Paragraph:  # fmt: skip
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.left_indent = Inches(indent)
    return paragraph


def _footer(doc: DocxDocument, number: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = 2  # right
    paragraph.add_run(f"{number}   Page ")
    # a PAGE field: Word fills in each page's number when it lays the letter out
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def letter_docx(letter: Letter) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.left_margin = section.right_margin = Inches(1)
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    if letter.letterhead:
        _para(doc, letter.letterhead[0], bold=True, size=14, after=2)
        for line in letter.letterhead[1:]:
            _para(doc, line, size=9)
    _para(doc, "", after=12)
    _para(doc, letter.date_line, after=10)
    _para(doc, letter.delivery_line, after=10)
    for line in letter.recipient:
        _para(doc, line)
    _para(doc, "", after=4)
    _para(doc, letter.re_line, bold=True)
    _para(doc, letter.subject, bold=True, after=12)
    for n, line in enumerate(letter.body):
        # a list sits close under the line that introduces it, with the paragraph gap after it
        next_is_item = n + 1 < len(letter.body) and letter.body[n + 1].item
        _para(doc, line.text, indent=0.33 if line.item else 0, after=2 if next_is_item else 8)
    _para(doc, "", after=24)
    for line in letter.signature:
        _para(doc, line)
    _footer(doc, letter.number)

    props = doc.core_properties
    props.author = letter.author
    props.last_modified_by = letter.author
    props.title = letter.title
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    # the letter's own date, not the clock: the same letter gives the same file
    stamp = datetime.combine(letter.letter_date, time(12), tzinfo=UTC)
    props.created = props.modified = stamp
    # the default template's thumbnail is a blank page: a file browser would show that
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()

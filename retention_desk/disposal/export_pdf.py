"""The disposal report as a PDF (reportlab) a clerk or records administrator can read cold.

Every string from records, schedules, holds, settings or typed names goes through `_p`: made
one visible line, then XML-escaped (`PdfFonts.markup`, which adds only its own <font> tags for
runs the CJK fallback face draws), because reportlab's Paragraph reads its text as markup
(a hold named `<font size=0>` would otherwise hide what follows, a `<link>` would make a
live link). Nothing from data reaches a Paragraph unescaped.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import unescape

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from retention_desk.archive.store import Archive
from retention_desk.disposal import present
from retention_desk.disposal.approval import ApprovalStatus, approval_status
from retention_desk.disposal.model import DisposalReport
from retention_desk.disposal.store import load_report
from retention_desk.pdf_fonts import NOTE, PdfFonts, register_fonts

# a PDF of a million held rows helps nobody; the XLSX has them all
HELD_ROWS_IN_PDF = 2000


@dataclass(frozen=True)
class _Styles:
    fonts: PdfFonts
    title: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle


@functools.cache
def _styles(fonts: PdfFonts) -> _Styles:
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "rd-body", parent=base["BodyText"], fontName=fonts.regular, fontSize=9, leading=11
    )
    cell = ParagraphStyle("rd-cell", parent=body, fontSize=8, leading=9.5)
    return _Styles(
        fonts=fonts,
        title=ParagraphStyle("rd-title", parent=base["Title"], fontName=fonts.bold),
        h2=ParagraphStyle("rd-h2", parent=base["Heading2"], fontName=fonts.bold),
        body=body,
        cell=cell,
        head=ParagraphStyle("rd-head", parent=cell, fontName=fonts.bold),
    )


def _p(value: object, style: ParagraphStyle, fonts: PdfFonts) -> Paragraph:
    return Paragraph(fonts.markup(str(value)), style)


def _table_in(
    st: _Styles, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float]
) -> LongTable:
    f = st.fonts
    data = [[_p(h, st.head, f) for h in header]] + [
        [_p(c, st.cell, f) for c in row] for row in rows
    ]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _shown_texts(items: Iterable[object]) -> Iterator[str]:
    for item in items:
        if isinstance(item, Paragraph):
            # the only tags are markup()'s <font> runs: text from data is escaped
            yield unescape(re.sub(r"<[^>]*>", "", item.text))
        elif isinstance(item, LongTable):
            for row in item._cellvalues:
                yield from _shown_texts(row)


def story(
    report: DisposalReport, status: ApprovalStatus, fonts: PdfFonts | None = None
) -> list[Flowable]:
    """The flowables of the PDF (tests read their text: each Paragraph's `.text`). When the
    font lacks a glyph some text needs, a visible note under the title says so."""
    fonts = fonts or register_fonts()
    out = _body(report, status, _styles(fonts))
    if not fonts.can_show_all(_shown_texts(out)):
        out.insert(1, _p(NOTE, _styles(fonts).body, fonts))
    return out


def _body(report: DisposalReport, status: ApprovalStatus, st: _Styles) -> list[Flowable]:
    h2 = st.h2

    def _p(value: object, style: ParagraphStyle = st.body) -> Paragraph:
        return Paragraph(st.fonts.markup(str(value)), style)

    def _table(
        header: tuple[str, ...], rows: list[tuple[str, ...]], widths: list[float]
    ) -> LongTable:
        return _table_in(st, header, rows, widths)

    out: list[Flowable] = [_p(present.title(report), st.title)]
    out += [_p(f"{k}: {v}") for k, v in present.heading_lines(report)]
    out += [Spacer(1, 6), _p(present.intro(report))]
    out += [_p("Counts", h2)]
    out += [_table(("", "Records"), present.count_lines(report), [6.5 * inch, 1.2 * inch])]
    out += [_p("Summary by series", h2)]
    if report.series:
        w = [x * inch for x in (0.9, 1.6, 1.4, 2.0, 1.3, 0.7, 0.9, 0.9)]
        out.append(_table(present.SERIES_HEADER, present.series_rows(report), w))
    else:
        out.append(_p("No record is eligible on this date."))
    out += [_p("Eligible records by series, account and year", h2)]
    if report.groups:
        w = [1.1, 0.9, 2.4, 0.7, 0.8, 1.1, 1.1]
        out.append(_table(present.GROUP_HEADER, present.group_rows(report), [x * inch for x in w]))
    else:
        out.append(_p("None."))
    out += [_p("Held records (not in this report)", h2)]
    if report.held_records:
        out.append(
            _p(
                f"{report.held} record(s) would be eligible but a hold in force keeps them."
                " They stay until every hold on them is released."
            )
        )
        out.append(_table(present.HOLD_HEADER, present.hold_rows(report), [6 * inch, 1.2 * inch]))
        out.append(Spacer(1, 6))
        rows = present.held_rows(report)
        out.append(
            _table(
                present.HELD_HEADER,
                rows[:HELD_ROWS_IN_PDF],
                [x * inch for x in (0.9, 1.2, 1.0, 5.0)],
            )
        )
        if len(rows) > HELD_ROWS_IN_PDF:
            out.append(
                _p(f"…and {len(rows) - HELD_ROWS_IN_PDF} more held records (all are in the XLSX).")
            )
    else:
        out.append(_p("No eligible record is held."))
    out += [_p("Unclassified records", h2), _p(present.unclassified_sentence(report))]
    out += [_p("Approval", h2)]
    out += [_p(line) for line in present.approval_lines(status)]
    if status.steps:
        w = [1.6, 1.3, 1.2, 1.3, 0.8, 0.9, 2.5]
        out.append(Spacer(1, 6))
        out.append(_table(present.STEP_HEADER, present.step_rows(status), [x * inch for x in w]))
    return out


def export_pdf(archive: Archive, number: int, path: Path | str) -> Path:
    """Write report `number` with its approval status to `path` (replaced if present)."""
    report = load_report(archive, number)
    status = approval_status(archive, number)
    target = Path(path)
    doc = SimpleDocTemplate(
        str(target),
        pagesize=landscape(letter),
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.5 * inch,
        title=present.title(report),
        author="retention-desk",
        creator="retention-desk",
        subject="",
        keywords="",
    )
    doc.build(story(report, status))
    return target

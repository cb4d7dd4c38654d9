"""The annual review (annual.py) as a PDF for the supervisor's report (389.6) and as an XLSX
workbook with the same tables.

Every string from the archive (account names, category labels, the agency's name) is made
one visible line (`present.plain`) and, in the PDF, XML-escaped by `PdfFonts.markup` before
reportlab reads it as Paragraph markup; in the XLSX it is a string cell that never becomes a
formula (`cells.put`). Counts are numbers.
"""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive.ingest import KINDS
from retention_desk.disposal.present import plain
from retention_desk.ipra.model import STATUS_WORDS
from retention_desk.oversight.annual import (
    BY_AUTHOR,
    UNCATEGORISED,
    UNREASONED,
    AnnualReview,
)

KIND_HEADS = {
    "post": "Posts",
    "comment": "Comments",
    "reply": "Replies",
    "message": "Messages",
    "page": "Pages",
    "capture": "Web captures",
    "subscriber_list": "Subscriber lists",
}
BUCKET_WORDS = {
    UNREASONED: "removed without a recorded reason",
    BY_AUTHOR: "deleted by its author",
    UNCATEGORISED: "latest action without a category",
}
Table = tuple[tuple[str, ...], list[list[object]]]
# a PDF of thousands of incident rows helps nobody; the XLSX has them all
PDF_ROWS = 1000


def title(review: AnnualReview) -> str:
    scope = f", {plain(review.account)}" if review.account else ""
    return f"Annual review of social-media use, {review.year}{scope}"


def heading(review: AnnualReview) -> list[tuple[str, str]]:
    return [
        ("Agency", plain(review.agency_name) or "(agency name not set in Settings)"),
        ("Year", f"{review.year} (calendar year, {review.time_zone})"),
        ("Accounts", plain(review.account) if review.account else "every account"),
        ("Made", f"{review.generated_at[:19].replace('T', ' ')} UTC"),
        ("Policy", "Desert Hot Springs PD Policy 389.6 (Monitoring content)"),
    ]


def activity_table(review: AnnualReview) -> Table:
    header = ("Account", *(KIND_HEADS.get(k, k) for k in KINDS), "Total")
    rows: list[list[object]] = [
        [plain(r.account), *(r.by_kind.get(k, 0) for k in KINDS), r.total] for r in review.activity
    ]
    rows.append(["All", *(review.totals.get(k, 0) for k in KINDS), sum(review.totals.values())])
    return header, rows


def removed_table(review: AnnualReview) -> Table:
    header = ("Account", "Category", "Description", "Citation", "Removed")
    rows: list[list[object]] = [
        [
            plain(r.account),
            plain(r.category) if r.category else BUCKET_WORDS.get(r.bucket, r.bucket),
            plain(r.label),
            plain(r.citation),
            r.count,
        ]
        for r in review.removed
    ]
    return header, rows


def incident_table(review: AnnualReview) -> Table:
    header = ("Account", "Category", "Description", "Citation", "Resolution", "Incidents")
    rows: list[list[object]] = [
        [
            plain(r.account),
            plain(r.category),
            plain(r.label),
            plain(r.citation),
            r.resolution,
            r.count,
        ]
        for r in review.incidents
    ]
    return header, rows


def incident_record_table(review: AnnualReview) -> Table:
    header = ("Record", "Account", "Day", "Category", "Citation", "Resolution")
    rows: list[list[object]] = [
        [
            r.record_id,
            plain(r.account),
            r.on.isoformat(),
            plain(r.category),
            plain(r.citation),
            r.resolution,
        ]
        for r in review.incident_records
    ]
    return header, rows


def summary_table(review: AnnualReview) -> Table:
    req, disp = review.requests, review.disposal
    scope = " (with the account's records)" if req.for_account else ""
    rows: list[list[object]] = [
        ["Records created", sum(review.totals.values())],
        ["Comments and replies removed", review.removed_total],
        ["  of them without a recorded reason", review.removed_in(UNREASONED)],
        ["  of them deleted by their author", review.removed_in(BY_AUTHOR)],
        ["Incidents of inappropriate content", review.incidents_total],
        [f"Requests received{scope}", req.received],
        ["  fulfilled or partially fulfilled", req.fulfilled],
        ["  still open", req.open],
        [f"Requests fulfilled in the year (in whole or in part){scope}", req.fulfilled_in_year],
    ]
    rows += [
        [f"  {STATUS_WORDS.get(s, s).lower()}", n]
        for s, n in sorted(req.by_status.items())
        if s not in ("fulfilled", "partially_fulfilled")
    ]
    rows += [
        ["Disposal reports approved", len(disp.reports_approved)],
        ["Records destroyed (agency-wide)", disp.records_destroyed],
    ]
    rows += [
        [f"  {KIND_HEADS.get(k, k).lower()}", n] for k, n in sorted(disp.destroyed_by_kind.items())
    ]
    return ("Figure", "Count"), rows


def tables(review: AnnualReview) -> list[tuple[str, Table]]:
    return [
        ("Summary", summary_table(review)),
        ("Activity", activity_table(review)),
        ("Removed content", removed_table(review)),
        ("Incidents", incident_table(review)),
        ("Incident records", incident_record_table(review)),
    ]


# ----------------------------------------------------------------------------------- PDF
def write_pdf(review: AnnualReview, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from retention_desk.pdf_fonts import register_fonts

    fonts = register_fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "rd-body", parent=base["BodyText"], fontName=fonts.regular, fontSize=9, leading=11
    )
    cell = ParagraphStyle("rd-cell", parent=body, fontSize=8, leading=9.5)
    head = ParagraphStyle("rd-head", parent=cell, fontName=fonts.bold)
    h1 = ParagraphStyle("rd-title", parent=base["Title"], fontName=fonts.bold)
    h2 = ParagraphStyle("rd-h2", parent=base["Heading2"], fontName=fonts.bold)

    def para(value: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(fonts.markup(str(value)), style)

    story: list[object] = [para(title(review), h1)]
    story += [para(f"{k}: {v}") for k, v in heading(review)]
    width = landscape(letter)[0] - 1.2 * inch
    for name, (header, rows) in tables(review):
        story += [Spacer(1, 6), para(name, h2)]
        if not rows:
            story.append(para("None in the year."))
            continue
        more = len(rows) - PDF_ROWS
        rows = rows[:PDF_ROWS]
        data = [[para(h, head) for h in header]] + [[para(c, cell) for c in r] for r in rows]
        table = LongTable(data, colWidths=_widths(header, rows, width), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
        if more > 0:
            story.append(para(f"{more} more rows are in the XLSX workbook."))
    story += [Spacer(1, 6), para("What the figures count", h2)]
    story += [para(n) for n in review.notes]
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(letter),
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title=title(review),
    )
    doc.build(story)  # type: ignore[arg-type]


def _widths(header: tuple[str, ...], rows: list[list[object]], width: float) -> list[float]:
    """Count columns narrow, the text columns share the rest (names do not wrap per letter)."""
    numeric = [all(isinstance(r[i], int) for r in rows) for i in range(len(header))]
    narrow = min(width / len(header), 60.0)
    texts = numeric.count(False) or 1
    wide = (width - narrow * numeric.count(True)) / texts
    return [narrow if n else wide for n in numeric]


# ---------------------------------------------------------------------------------- XLSX
def write_xlsx(review: AnnualReview, path: Path) -> None:
    from openpyxl import Workbook

    from retention_desk.oversight.cells import put

    wb = Workbook()
    first = wb.active
    assert first is not None
    ws = first
    ws.title = "Review"
    row = 1
    put(ws, row, 1, title(review), bold=True)
    for k, v in heading(review):
        row += 1
        put(ws, row, 1, k, bold=True)
        put(ws, row, 2, v)
    row += 1
    for note in review.notes:
        row += 1
        put(ws, row, 1, note)
    for name, (header, rows) in tables(review):
        sheet = wb.create_sheet(name)
        for col, h in enumerate(header, start=1):
            put(sheet, 1, col, h, bold=True)
        for r_no, values in enumerate(rows, start=2):
            for col, value in enumerate(values, start=1):
                put(sheet, r_no, col, value)
        sheet.freeze_panes = "A2"
    wb.save(str(path))

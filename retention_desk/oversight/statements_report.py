"""The statements check as a report for the public information officer: PDF and XLSX, per
account and statement: status, citation, the evidence record with its date, the phrase found.

Handles, display names and page words are imported text. In the PDF each goes through `_p`:
one visible line (controls shown, not obeyed), then XML-escaped by `PdfFonts.markup`, since
reportlab's Paragraph reads markup (`<font size=40>` in a bio must print as those characters).
In the XLSX every value is a string cell through `disposal.export_xlsx._put` (never a formula).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from retention_desk.oversight.statements import (
    MISSING,
    NO_EVIDENCE,
    PRESENT,
    AccountCheck,
    StatementResult,
    StatementsCheck,
)
from retention_desk.safetext import printable

if TYPE_CHECKING:
    # reportlab is imported when a PDF is written: the GUI's tab and the CLI's parser import
    # this module for its rows
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Flowable

    from retention_desk.pdf_fonts import PdfFonts

TITLE = "Required page statements"
HEADER = (
    "Account",
    "Policy",
    "Citation",
    "The page must say",
    "Status",
    "Evidence record",
    "Evidence date (UTC)",
    "Evidence",
    "Phrase found",
)
WIDTHS = (22, 22, 20, 60, 12, 12, 20, 14, 40)
STATUS_WORDS = {
    PRESENT: "present",
    MISSING: "missing",
    NO_EVIDENCE: "no evidence",
}
RULE = (
    "Evidence of a page is the account's profile/page records, its pinned posts where the"
    " export marks them, and the newest web capture of each address of its page. 'Present':"
    " the newest evidence showing one of the statement's phrases is named. 'Missing': there is"
    " evidence and none of it shows a phrase; the newest evidence is named. 'No evidence': the"
    " archive holds nothing that shows the page. Phrases are matched without regard to case or"
    " accents; they are the policy files' suggestions and may miss other wording."
)


def plain(value: object, limit: int = 2000) -> str:
    """Imported or typed text on one visible line: controls and escapes shown, not obeyed."""
    return printable(" ".join(str(value).split()), limit=limit)


def when(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")


def found_words(r: StatementResult) -> str:
    if r.status != PRESENT:
        return ""
    shown = plain(r.found, limit=200)
    return f"“{shown}”" if shown else ""


@dataclass(frozen=True)
class Row:
    account: str
    policy: str
    citation: str
    must_say: str
    status: str
    record: int | None
    date: str
    source: str
    phrase: str


def rows(check: StatementsCheck) -> list[Row]:
    """One row per account and statement, every text plain."""
    out: list[Row] = []
    for acc in check.accounts:
        label = account_label(acc)
        for r in acc.results:
            must = plain(r.must_say) + (f" ({plain(r.condition)})" if r.condition else "")
            out.append(
                Row(
                    account=label,
                    policy=plain(r.policy),
                    citation=plain(r.citation) + ("" if r.verified else " (unverified)"),
                    must_say=must,
                    status=STATUS_WORDS.get(r.status, r.status),
                    record=r.record_id,
                    date=when(r.record_date),
                    source=r.evidence_source,
                    phrase=found_words(r),
                )
            )
    return out


def account_label(acc: AccountCheck) -> str:
    a = acc.account
    name = (
        f" ({plain(a.display_name, 80)})" if a.display_name and a.display_name != a.handle else ""
    )
    retired = ", retired" if a.status == "retired" else ""
    return plain(a.label, 120) + name + retired


def summary_lines(check: StatementsCheck, agency: str) -> list[str]:
    counts = check.counts()
    return [
        f"Agency: {plain(agency) or '(agency name not set in Settings)'}",
        f"Checked: {when(check.checked_at)} UTC",
        "Policies in force: " + ("; ".join(plain(n) for n in check.policy_names) or "none"),
        f"Accounts: {len(check.accounts)}; statements present {counts[PRESENT]}, missing"
        f" {counts[MISSING]}, no evidence {counts[NO_EVIDENCE]}"
        + (" (check cancelled: not every account was checked)" if check.cancelled else ""),
    ]


# ------------------------------------------------------------------------------ XLSX
def write_xlsx(check: StatementsCheck, path: Path | str, *, agency: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from retention_desk.disposal.export_xlsx import _put

    target = Path(path)
    wb = Workbook()
    wb.properties.creator = "retention-desk"
    wb.properties.lastModifiedBy = None
    wb.properties.title = TITLE
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    _put(summary, 1, 1, TITLE, bold=True)
    line = 2
    for text in [*summary_lines(check, agency), RULE]:
        _put(summary, line, 1, text)
        line += 1
    summary.column_dimensions["A"].width = 120
    sheet = wb.create_sheet("Statements")
    for col, name in enumerate(HEADER, 1):
        _put(sheet, 1, col, name, bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[col - 1]
    table = rows(check)
    for n, row in enumerate(table, 2):
        values: tuple[object, ...] = (
            row.account,
            row.policy,
            row.citation,
            row.must_say,
            row.status,
            row.record if row.record is not None else "",
            row.date,
            row.source,
            row.phrase,
        )
        for col, value in enumerate(values, 1):
            _put(sheet, n, col, value)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{max(1, len(table) + 1)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


# ------------------------------------------------------------------------------ PDF
@functools.cache
def _styles(fonts: PdfFonts) -> dict[str, ParagraphStyle]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle(
        "st-body", parent=base["BodyText"], fontName=fonts.regular, fontSize=9, leading=11
    )
    cell = ParagraphStyle("st-cell", parent=body, fontSize=8, leading=9.5)
    return {
        "title": ParagraphStyle("st-title", parent=base["Title"], fontName=fonts.bold),
        "h2": ParagraphStyle("st-h2", parent=base["Heading2"], fontName=fonts.bold),
        "body": body,
        "cell": cell,
        "head": ParagraphStyle("st-head", parent=cell, fontName=fonts.bold),
    }


def story(
    check: StatementsCheck, agency: str = "", fonts: PdfFonts | None = None
) -> list[Flowable]:
    """The PDF's flowables (tests read each Paragraph's `.text`). When the font lacks a glyph
    some text needs, a visible note under the title says so."""
    from reportlab.lib import colors
    from reportlab.lib.units import inch
    from reportlab.platypus import LongTable, Paragraph, Spacer, TableStyle

    from retention_desk.pdf_fonts import NOTE, register_fonts

    f = fonts or register_fonts()
    st = _styles(f)

    def p(value: object, style: str = "body") -> Paragraph:
        return Paragraph(f.markup(str(value)), st[style])

    out: list[Flowable] = [p(TITLE, "title")]
    out += [p(line) for line in summary_lines(check, agency)]
    out += [Spacer(1, 4), p(RULE), Spacer(1, 6)]
    header = ("Policy", "Citation", "The page must say", "Status", "Evidence", "Phrase found")
    widths = [w * inch for w in (1.3, 1.2, 3.3, 0.8, 1.9, 1.5)]
    shown: list[str] = []
    for acc in check.accounts:
        out.append(p(account_label(acc), "h2"))
        if acc.account.url:
            out.append(p(f"Page address in the registry: {plain(acc.account.url, 300)}"))
        data = [[p(h, "head") for h in header]]
        for row in rows(StatementsCheck(check.checked_at, (), (), (acc,))):
            evidence = (
                f"record {row.record}, {row.source}, {row.date} UTC"
                if row.record is not None
                else "nothing in the archive shows the page"
            )
            cells = (row.policy, row.citation, row.must_say, row.status, evidence, row.phrase)
            shown.extend(cells)
            data.append([p(c, "cell") for c in cells])
        if len(data) == 1:
            out.append(p("No statements are required by the policies in force."))
            continue
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
        out.append(table)
    if not check.accounts:
        out.append(p("The archive holds no account of the agency."))
    labels = [account_label(a) for a in check.accounts]
    if not f.can_show_all([*shown, *labels]):
        out.insert(1, p(NOTE))
    return out


def write_pdf(check: StatementsCheck, path: Path | str, *, agency: str = "") -> Path:
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.units import inch
    from reportlab.platypus import SimpleDocTemplate

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(target),
        pagesize=landscape(letter),
        leftMargin=0.5 * inch,
        rightMargin=0.5 * inch,
        topMargin=0.5 * inch,
        bottomMargin=0.5 * inch,
        title=TITLE,
        author="retention-desk",
        creator="retention-desk",
        subject="",
        keywords="",
    )
    doc.build(story(check, agency))
    return target

"""PDF and XLSX exports: readable sections, hostile text shown literally (never markup), and
spreadsheet cells from data always strings, never formulas (issue 11; hostile-inputs A, B)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.disposal import approval_status, load_report, record_approval, run_report
from retention_desk.disposal.export_pdf import export_pdf, story
from retention_desk.disposal.export_xlsx import export_xlsx
from tests.disposal.helpers import build

HOSTILE_HOLD = '<font size=0>hidden</font> & <a href="javascript:x">click</a>'
HOSTILE_AGENCY = "@SUM(1) City <b>of</b> Example"
INJECTIONS = ('=HYPERLINK("http://x","y")', "=1+1", "+1", "-1+1", "@SUM(1)")


@pytest.fixture
def number(tmp_archive: Archive, tmp_path: Path) -> int:
    ids = build(tmp_archive, tmp_path)
    tmp_archive.update_settings(replace(tmp_archive.settings(), agency_name=HOSTILE_AGENCY))
    rt.place_hold(tmp_archive, HOSTILE_HOLD, "litigation", record_ids=[ids["a1"]])
    rt.place_hold(tmp_archive, "\t=1+1", "other", record_ids=[ids["a2"]])
    report = run_report(tmp_archive, date(2026, 1, 1))
    record_approval(
        tmp_archive,
        report.number,
        by='=HYPERLINK("http://x","y")',
        reference="+1",
        title="-1+1",
        on=date(2026, 2, 1),
    )
    return report.number


def pdf_text(path: Path) -> str:
    """The text the PDF shows, without whitespace. Extracted with pypdf because a TrueType
    subset (pdf_fonts) writes glyph codes, not the characters, into the content streams."""
    reader = PdfReader(path)
    shown = "".join(page.extract_text() or "" for page in reader.pages)
    # reportlab splits a line into several strings and wraps cells: compare without spaces
    return re.sub(r"\s+", "", shown)


def test_pdf_shows_hostile_text_literally(
    tmp_archive: Archive, number: int, tmp_path: Path
) -> None:
    path = export_pdf(tmp_archive, number, tmp_path / "report.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"%%EOF") == 1
    shown = pdf_text(path)
    for expected in (
        f"Disposal report {number}",
        "Summary by series",
        "Held records (not in this report)",
        "Unclassified records",
        "Approval",
        "T-CREATED",
        "UNVERIFIED",
        "destroy 1 year after the record was created",
        "city_pd",
        '<font size=0>hidden</font> & <a href="javascript:x">click</a>',
        "@SUM(1) City <b>of</b> Example",
        '=HYPERLINK("http://x","y")',
    ):
        assert re.sub(r"\s+", "", expected) in shown, expected
    assert b"/URI" not in data and b"javascript" not in data.replace(b"javascript:x", b"")


def test_pdf_story_escapes_every_data_paragraph(tmp_archive: Archive, number: int) -> None:
    report = load_report(tmp_archive, number)
    flowables = story(report, approval_status(tmp_archive, number))
    paragraphs: list[Paragraph] = []

    def walk(items: object) -> None:
        for item in items:  # type: ignore[attr-defined]
            if isinstance(item, Paragraph):
                paragraphs.append(item)
            elif hasattr(item, "_cellvalues"):
                for row in item._cellvalues:
                    walk(row)

    walk(flowables)
    sources = [p.text for p in paragraphs]
    assert any("&lt;font size=0&gt;hidden&lt;/font&gt; &amp; &lt;a href" in s for s in sources)
    assert not any("<font size=0>" in s or "<a href" in s for s in sources)


def test_xlsx_cells_from_data_are_strings_never_formulas(
    tmp_archive: Archive, number: int, tmp_path: Path
) -> None:
    path = export_xlsx(tmp_archive, number, tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert len(sheets) == 6
        for name in sheets:
            assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)
        assert b"openpyxl" not in zf.read("docProps/core.xml")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Report", "Series", "Groups", "Holds", "Held", "Approval"]
    values = [
        cell.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type in ("s", "n"), (ws.title, cell.coordinate, cell.value)
    for injected in INJECTIONS:
        assert injected not in values
    assert "'" + '=HYPERLINK("http://x","y")' in values  # the approver's name
    assert "'+1" in values and "'-1+1" in values  # reference and title
    assert "'=1+1" in values  # a hold name that started with a tab
    assert any(isinstance(v, str) and v.startswith("Agency") for v in values)
    report = wb["Report"]
    assert report["A1"].value == f"Disposal report {number}"
    assert report["B2"].value == "'@SUM(1) City <b>of</b> Example"
    series = wb["Series"]
    header = [c.value for c in series[1]]
    assert header[:5] == ["Series", "Title", "Citation", "Retention", "Checked"]
    assert series["F2"].value == 2  # counts stay numbers: T-CREATED's 4 less a1, a2 held

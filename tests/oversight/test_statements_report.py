"""The statements report for the public information officer: every account and statement
with status, citation, evidence and phrase; hostile bio text stays plain in PDF and XLSX."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import unescape

from reportlab.platypus import LongTable, Paragraph

from retention_desk.oversight import statements as st
from retention_desk.oversight import statements_report as rep
from tests.oversight.statements_helpers import build


def _texts(items: list[object]) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, Paragraph):
            out.append(item.text)
        elif isinstance(item, LongTable):
            for row in item._cellvalues:
                out.extend(_texts(list(row)))
    return out


def _evil_check(tmp_path: Path) -> tuple[st.StatementsCheck, object]:
    c = build(tmp_path)
    with c.archive.write() as conn:
        conn.exec_driver_sql(
            "UPDATE accounts SET display_name = ? WHERE handle = 'evilpd'",
            ('=cmd|"/c calc"!A1 <font size="30">NAME</font>',),
        )
    check = st.check_statements(c.archive)
    return check, c


def test_xlsx_has_every_row_as_plain_strings(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    check, c = _evil_check(tmp_path)
    try:
        path = rep.write_xlsx(check, tmp_path / "out" / "statements.xlsx", agency="=Town")
        wb = load_workbook(path)
        sheet = wb["Statements"]
        values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert len(values) == sum(len(a.results) for a in check.accounts) == 6 * 5
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.startswith(("=", "+", "-", "@"))
        evil = [v for v in values if "evilpd" in str(v[0])]
        # shown as the characters it is, never a formula or markup
        assert evil[0][0] == 'x @evilpd (=cmd|"/c calc"!A1 <font size="30">NAME</font>)'
        webpd = {(v[2], v[4]): v for v in values if str(v[0]).startswith("x @webpd")}
        present = webpd[("OPR:37 E.2", "present")]
        assert present[5] == c.ids["cap-new"] and present[6].startswith("2026-05-01")
        assert present[7] == "web capture" and "monitored 24/7" in present[8]
        summary = [r[0].value for r in wb["Summary"].iter_rows()]
        assert summary[1] == "Agency: =Town"
    finally:
        c.archive.close()  # type: ignore[attr-defined]


def test_pdf_escapes_markup_and_writes(tmp_path: Path) -> None:
    check, c = _evil_check(tmp_path)
    try:
        texts = _texts(rep.story(check, "Town of <b>Test</b>"))
        joined = "\n".join(texts)
        # the markup arrives escaped: reportlab prints it as characters
        assert "<font" not in re.sub(r"<font name=[^>]*>|</font>", "", joined)
        assert '&lt;font size="30"&gt;NAME&lt;/font&gt;' in joined
        assert "Town of &lt;b&gt;Test&lt;/b&gt;" in joined
        plain = unescape(joined)
        assert "no evidence" in plain and "nothing in the archive shows the page" in plain
        assert "OPR:37 E.5.g.iii" in plain
        path = rep.write_pdf(check, tmp_path / "statements.pdf", agency="Town")
        data = path.read_bytes()
        assert data.startswith(b"%PDF")
        from pypdf import PdfReader

        text = "".join(page.extract_text() for page in PdfReader(path).pages)
        assert "Required page statements" in text
        assert '<font size="30">NAME</font>' in text.replace("\n", "")
    finally:
        c.archive.close()  # type: ignore[attr-defined]

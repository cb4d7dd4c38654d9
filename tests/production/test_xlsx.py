"""The Excel production: one row per produced version, typed cells, formula-like values kept
as text, long texts continued in marked rows, logs and manifest sheets, deterministic bytes,
and a workbook LibreOffice opens."""

from __future__ import annotations

import csv
import getpass
import io
import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from retention_desk.production.model import Piece
from retention_desk.production.xlsx import PART_CHARS, RECORD_HEADER, XlsxInput, render_xlsx
from tests.libreoffice import convert
from tests.production.corpus import FORMULAS, hostile_plan, record

TEXT = RECORD_HEADER.index("Text")
PART = RECORD_HEADER.index("Text part")


def _given(plan_ids: list[int]) -> XlsxInput:
    return XlsxInput(
        {rid: f"RD{i:07d}" for i, rid in enumerate(plan_ids, 1)},
        "Control numbers from the counter, one per record.",
        "2026-03-04",
    )


def _render(long_text: int = 0, review: bool = False) -> tuple[bytes, list[int]]:
    plan = hostile_plan(long_text=long_text, review=review)
    ids = [r.record_id for r in plan.records]
    return render_xlsx(plan, _given(ids)), ids


def _rows(data: bytes, sheet: str) -> list[tuple[object, ...]]:
    wb = load_workbook(io.BytesIO(data))
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_one_row_per_version_with_typed_cells_and_redaction_labels() -> None:
    data, _ids = _render()
    rows = _rows(data, "Records")
    assert rows[0] == RECORD_HEADER
    first = rows[1]
    assert first[:5] == ("RD0000001", 1, "x", "sandia_pd", "post")
    assert first[8] == datetime(2026, 3, 2, 16, 15)  # a date, the column says UTC
    assert first[TEXT] == (
        "My SSN is [REDACTED 14-2-1.1] and <b>bold</b> a<b & c [REDACTED 14-2-1(A)] done"
    )
    assert first[-1] == "image 1 (withheld 14-2-1.1)"
    comment = rows[2]
    assert comment[5] == "[REDACTED 14-2-1.1]" and comment[11] == 1 and comment[12] == "hidden"
    withheld = next(r for r in rows if r[1] == 4)
    assert withheld[TEXT] == "[WITHHELD 14-2-1(G)]" and withheld[2:TEXT] == (None,) * (TEXT - 2)
    versions = [r for r in rows if r[1] == 5]
    assert [r[13] for r in versions] == ["v1 of 2", "v2 of 2 (current)"]
    assert [r[TEXT] for r in versions] == [
        "first said [REDACTED 14-2-1.1]",
        "then said [REDACTED 14-2-1.1]",
    ]


def test_formula_like_values_stay_text_and_no_formula_is_written() -> None:
    data, _ids = _render()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml
                assert not re.search(r't="(e|str)"', xml)
    rows = _rows(data, "Records")
    authors = {r[5] for r in rows[1:]}
    texts = {r[TEXT] for r in rows[1:]}
    for value in FORMULAS:
        shown = "'" + value if value[0] in "=+-@" else value
        assert shown in authors and shown in texts  # text, never a formula or an error value
    # the record whose text is every formula, one per line, keeps its lines
    assert "'" + "\n".join(FORMULAS) in texts
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type in ("s", "n", "d"), (ws.title, cell.coordinate)


def test_a_long_text_continues_in_marked_rows_never_cut() -> None:
    data, _ids = _render(long_text=70_000)
    rows = [r for r in _rows(data, "Records") if r[1] == 5 and r[13] == "v2 of 2 (current)"]
    assert [r[PART] for r in rows] == ["part 1 of 3", "part 2 of 3", "part 3 of 3"]
    assert all(len(str(r[TEXT])) <= PART_CHARS + 1 for r in rows)
    joined = "".join(str(r[TEXT]) for r in rows)
    assert joined == "then said [REDACTED 14-2-1.1]" + "x" * 70_000
    assert all(r[0] == "RD0000005" for r in rows)


def test_control_characters_are_shown_not_a_crash() -> None:
    plan = hostile_plan()
    odd = record(900, Piece("bell\x07 vt\x0b nul\x00 tab\tline\r\nend"))
    data = render_xlsx(replace(plan, records=(odd,)), _given([900]))
    [row] = _rows(data, "Records")[1:]
    assert row[TEXT] == "bell\\x07 vt\\x0b nul\\x00 tab\tline\nend"


def test_logs_and_manifest_sheets() -> None:
    data, _ids = _render()
    log = _rows(data, "Redaction log")
    assert log[0] == ("Control number", "Record id", "Field", "Version", "Code", "Description")
    assert ("RD0000002", 2, "author_name", "all", "14-2-1.1") in [r[:5] for r in log]
    assert ("RD0000005", 5, "text", "v2", "14-2-1.1") in [r[:5] for r in log]
    withheld = _rows(data, "Withheld log")
    assert [r[:4] for r in withheld[1:]] == [
        ("RD0000001", 1, "medium", "14-2-1.1"),
        ("RD0000004", 4, "record", "14-2-1(G)"),
    ]
    manifest = _rows(data, "Manifest")
    assert manifest[1][3] == "Control numbers from the counter, one per record."
    assert manifest[-len(hostile_plan().records) + 4][:3] == ("RD0000005", 5, "51 52")


def test_clean_workbook_deterministic_bytes_and_our_properties() -> None:
    data, ids = _render()
    again = render_xlsx(hostile_plan(), _given(ids))
    assert data == again
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert not [n for n in names if re.search(r"comments|vml|pivot|externalLink|custom", n)]
        workbook = z.read("xl/workbook.xml").decode()
        assert "definedName" not in workbook and 'state="hidden"' not in workbook
        assert "veryHidden" not in workbook
        for name in names:
            xml = z.read(name).decode("utf-8", "replace")
            assert 'hidden="1"' not in xml, name
        core = z.read("docProps/core.xml").decode()
        assert "<dc:creator" in core and ">retention-desk<" in core
        assert "lastModifiedBy" not in core and "2026-03-04T00:00:00Z" in core
        assert f">{getpass.getuser()}<" not in core + z.read("docProps/app.xml").decode()
        records = z.read("xl/worksheets/sheet1.xml").decode()
        assert 'state="frozen"' in records and "<autoFilter" in records
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Records", "Redaction log", "Withheld log", "Manifest"]
    assert wb["Records"].freeze_panes == "A2"
    assert wb["Records"].column_dimensions["Q"].width == 80


def test_a_review_copy_says_so(tmp_path: Path) -> None:
    data, _ids = _render(review=True)
    assert b"REVIEW COPY" in zipfile.ZipFile(io.BytesIO(data)).read("docProps/core.xml")


def test_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    data, _ids = _render(long_text=40_000)
    path = tmp_path / "production.xlsx"
    path.write_bytes(data)
    out = convert(path, "csv", tmp_path / "lo")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:3] == ["Control number", "Record id", "Platform"]
    texts = [r[TEXT] for r in rows[1:]]
    assert "'=1+1" in texts and "#N/A" in texts

"""The disposal report as an XLSX workbook (openpyxl): Report, Series, Groups, Held, Approval.

Every cell that comes from data is written as a string and never as a formula: openpyxl
stores any string starting with `=` as a formula, and a spreadsheet runs one starting with
`+ - @` too (formula injection, OWASP / ASVS 1.2.10). Such values, and those starting with
a tab or CR, get a leading `'`, and the cell's type is forced to string. Counts are numbers
the app computed, written as numbers so a clerk can add them up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from retention_desk.archive.store import Archive
from retention_desk.disposal import present
from retention_desk.disposal.approval import approval_status
from retention_desk.disposal.store import load_report

if TYPE_CHECKING:
    # openpyxl is imported when a workbook is written, not whenever disposal is (every CLI
    # command imports disposal to build its parser; openpyxl alone costs ~0.15 s)
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

_RISKY = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # Excel's limit; openpyxl would cut silently


def safe_text(value: object) -> str:
    raw = str(value)
    text = present.plain(raw, limit=MAX_CELL - 1)
    if raw.startswith(_RISKY) or text.startswith(_RISKY):
        text = "'" + text
    return text


def _put(ws: Worksheet, row: int, column: int, value: object, bold: bool = False) -> Cell:
    cell = ws.cell(row=row, column=column)
    if value == "":
        return cell  # an empty string would be stored as an empty inline string
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = safe_text(value)
        cell.data_type = "s"
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell


def _numeric(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[list[object]]:
    """Count columns back to numbers (present.* gives strings for the PDF)."""
    counts = {i for i, h in enumerate(header) if h in ("Records", "Records held", "Record id")}
    return [[int(c) if i in counts and c.isdigit() else c for i, c in enumerate(r)] for r in rows]


def _sheet(wb: Workbook, name: str, header: tuple[str, ...], rows: list[list[object]]) -> None:
    ws = wb.create_sheet(name)
    for col, h in enumerate(header, 1):
        _put(ws, 1, col, h, bold=True)
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            _put(ws, r, col, value)
    ws.freeze_panes = "A2"


def export_xlsx(archive: Archive, number: int, path: Path | str) -> Path:
    """Write report `number` with its approval status to `path` (replaced if present)."""
    report = load_report(archive, number)
    status = approval_status(archive, number)
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "retention-desk"
    wb.properties.title = present.title(report)
    ws = wb.active
    assert ws is not None
    ws.title = "Report"
    row = 1
    _put(ws, row, 1, present.title(report), bold=True)
    row += 1
    for key, value in present.heading_lines(report):
        _put(ws, row, 1, key, bold=True)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    _put(ws, row, 1, present.intro(report))
    row += 2
    for key, value in present.count_lines(report):
        _put(ws, row, 1, key, bold=True)
        _put(ws, row, 2, int(value))
        row += 1
    row += 1
    _put(ws, row, 1, present.unclassified_sentence(report))
    row += 2
    _put(ws, row, 1, "Approval", bold=True)
    row += 1
    for line in present.approval_lines(status):
        _put(ws, row, 1, line)
        row += 1
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 40
    for name, header, rows in (
        ("Series", present.SERIES_HEADER, present.series_rows(report)),
        ("Groups", present.GROUP_HEADER, present.group_rows(report)),
        ("Holds", present.HOLD_HEADER, present.hold_rows(report)),
        ("Held", present.HELD_HEADER, present.held_rows(report)),
    ):
        _sheet(wb, name, header, _numeric(header, rows))
    _sheet(wb, "Approval", present.STEP_HEADER, [list(r) for r in present.step_rows(status)])
    target = Path(path)
    wb.save(str(target))
    return target

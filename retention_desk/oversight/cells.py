"""Spreadsheet cells for the oversight exports (moderation log, annual review): text that
never becomes a formula, the same rule as the disposal report's workbook
(retention_desk.disposal.export_xlsx), kept here so the moderation log, which the search
filters import, does not pull in the disposal package.

openpyxl stores a string starting with `=` as a formula, and a spreadsheet runs one starting
with `+ - @` (or a tab or CR) too; such values get a leading `'` and the cell's type is forced
to string. Counts the app computed are numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retention_desk.safetext import printable

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

RISKY = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32_767  # Excel's limit; openpyxl would cut silently


def safe_text(value: object) -> str:
    """`value` on one visible line (controls shown, not obeyed), never read as a formula."""
    raw = str(value)
    text = printable(" ".join(raw.split()), limit=MAX_CELL - 1)
    if raw.startswith(RISKY) or text.startswith(RISKY):
        text = "'" + text
    return text


def put(ws: Worksheet, row: int, column: int, value: object, bold: bool = False) -> Cell:
    cell = ws.cell(row=row, column=column)
    if value == "" or value is None:
        return cell
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = safe_text(value)
        cell.data_type = "s"
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell

"""The moderation log (moderation.py) as CSV or one XLSX sheet. Text cells go through
`cells.safe_text` / `cells.put`: never a formula, controls shown, not obeyed; counts are numbers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from retention_desk.oversight.moderation import ModerationEntry, flag_word

HEADER = (
    "Record",
    "Platform",
    "Kind",
    "Account",
    "Author",
    "Handle",
    "Created (UTC)",
    "Hidden (UTC)",
    "Deleted (UTC)",
    "Text",
    "Flag",
    "Action",
    "Category",
    "Acted by",
    "Acted at (UTC)",
    "Reason",
    "Entered at (UTC)",
    "Entered by",
    "Actions recorded",
    "URL",
)


def _utc(value: str | None) -> str:
    return value[:19].replace("T", " ") if value else ""


def export_row(entry: ModerationEntry) -> list[object]:
    """One row of the export; counts are numbers, everything else text."""
    return [
        entry.record_id,
        entry.platform,
        entry.kind,
        entry.account,
        entry.author_name,
        entry.author_handle,
        _utc(entry.created_at),
        _utc(entry.hidden_at),
        _utc(entry.deleted_at),
        entry.excerpt,
        flag_word(entry),
        entry.action or "",
        entry.category,
        entry.acted_by,
        _utc(entry.acted_at),
        entry.reason,
        _utc(entry.entered_at),
        entry.entered_by,
        entry.action_count,
        entry.url,
    ]


def write_csv(entries: Sequence[ModerationEntry], path: Path) -> None:
    """The log as CSV (UTF-8 with BOM for spreadsheets). Every text cell goes through
    `safe_text`: a value a spreadsheet would run as a formula gets a leading `'`."""
    from retention_desk.oversight.cells import safe_text

    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for entry in entries:
            out.writerow([v if isinstance(v, int) else safe_text(v) for v in export_row(entry)])


def write_xlsx(entries: Sequence[ModerationEntry], path: Path) -> None:
    """The log as one XLSX sheet; cells are strings (never formulas) or computed counts."""
    from openpyxl import Workbook

    from retention_desk.oversight.cells import put

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Moderation log"
    for col, name in enumerate(HEADER, start=1):
        put(ws, 1, col, name, bold=True)
    for row_no, entry in enumerate(entries, start=2):
        for col, value in enumerate(export_row(entry), start=1):
            put(ws, row_no, col, value)
    ws.freeze_panes = "A2"
    wb.save(str(path))

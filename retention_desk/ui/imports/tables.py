"""The Import page's two tables: what each preview row and each imported file shows.

Every cell is a QTableWidgetItem, whose text Qt never interprets as markup; file names, notes
and warnings come from the inputs and are untrusted.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from retention_desk.importers.run import FileResult, ImportSummary
from retention_desk.ui import formatting as fmt
from retention_desk.ui.imports.preview import PreviewRow

PREVIEW_COLUMNS = ["Input", "Data file", "Detected as", "Account", "Dates", "About", "Notes"]
NOTES_COLUMN = PREVIEW_COLUMNS.index("Notes")
SUMMARY_COLUMNS = [
    "Input", "File", "Status", "Format", "Added", "New versions", "Unchanged",
    "Flagged deleted", "Media stored", "Media missing", "Errors and warnings",
]  # fmt: skip
STATUS_WORDS = {
    "imported": "imported",
    "duplicate": "already imported",
    "failed": "FAILED",
    "stored": "kept (not parsed)",
    "kept": "kept (stored as original, no records)",
    "refused": "REFUSED",
    "cancelled": "cancelled",
}


def plain_item(value: object, *, number: bool = False) -> QTableWidgetItem:
    """A read-only table cell; numbers right-aligned with thousands separators."""
    if number and isinstance(value, int):
        item = QTableWidgetItem(fmt.count(value))
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    else:
        item = QTableWidgetItem("" if value is None else str(value))
    return item


def make_table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


def preview_cells(row: PreviewRow, tz: ZoneInfo) -> list[str]:
    """The preview table's cells for one row (the Account cell is filled separately)."""
    dates = ""
    if row.date_from and row.date_to:
        first, last = row.date_from.astimezone(tz), row.date_to.astimezone(tz)
        dates = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    about = f"about {fmt.count(row.approx_records)}" if row.approx_records else ""
    label = row.label if row.status == "ready" else f"{row.label} — {row.status.upper()}"
    files = ", ".join(row.files[:3]) + (" …" if len(row.files) > 3 else "")
    return [row.source, files, label, "", dates, about, "; ".join(row.notes)]


def describe_preview_row(row: PreviewRow) -> str:
    """Everything known about a preview row, for the details box."""
    lines = [row.source, f"Files: {', '.join(row.files)}", f"Detected as: {row.label}"]
    if row.account:
        lines.append(f"Account: {row.account}")
    if row.approx_records is not None:
        lines.append(f"About {row.approx_records} records")
    lines += list(row.notes)
    return "\n".join(lines)


def _problems(f: FileResult) -> list[str]:
    return ([f"error: {f.error}"] if f.error else []) + list(f.warnings)


def summary_cells(f: FileResult) -> list[object]:
    return [
        f.source,
        f.path,
        STATUS_WORDS.get(f.status, f.status),
        f.format or "",
        f.added,
        f.new_versions,
        f.unchanged,
        f.flagged_deleted,
        f.media_stored,
        len(f.media_missing),
        "; ".join(_problems(f)),
    ]


def file_details(f: FileResult) -> str:
    """Errors, warnings and missing media of one file, one per line."""
    missing = [f"media missing: {m}" for m in f.media_missing]
    return "\n".join([*_problems(f), *missing]) or "No problems."


def totals_text(summary: ImportSummary) -> str:
    t = summary.totals()
    text = (
        f"Batch {summary.batch_id}: {summary.status.replace('_', ' ')}. Totals:"
        f" {fmt.count(t['added'])} added, {fmt.count(t['new_versions'])} new versions,"
        f" {fmt.count(t['unchanged'])} unchanged duplicates,"
        f" {fmt.count(t['flagged_deleted'])} flagged deleted,"
        f" {fmt.count(t['media_stored'])} media stored,"
        f" {fmt.count(t['media_missing'])} media missing;"
        f" files: {t['files_imported']} imported, {t['files_duplicate']} already imported,"
        f" {t['files_kept']} kept with no records,"
        f" {t['files_failed']} failed, {t['files_refused']} refused,"
        f" {t['files_stored']} kept without parsing."
    )
    if summary.notes:
        text += " " + " ".join(summary.notes)
    if summary.errors:
        text += " Errors: " + "; ".join(summary.errors)
    return text

"""Where a record came from and whether its bytes are intact: the source files it was seen in
(name, SHA-256, import batch, operator, format, locator), the archive's last fixity check,
and for web captures the capture's own metadata, digest checks and WACZ signature details.
All of it is imported or recorded text, shown in table items and plain-text editors."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from retention_desk.search import RecordDetail
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label, tooltip_text

# Capture metadata worth a line of its own, in reading order (the rest is in "Platform data").
CAPTURE_KEYS = (
    ("warc_type", "WARC record type"),
    ("warc_record_id", "WARC record id"),
    ("warc_file", "WARC file"),
    ("offset", "Offset"),
    ("length", "Length"),
    ("wacz", "Inside WACZ"),
    ("http_status", "HTTP status"),
    ("content_type", "Content type"),
    ("charset", "Charset"),
    ("charset_source", "Charset from"),
    ("text_source", "Text from"),
    ("warcinfo_software", "Captured with"),
    ("truncated", "Truncated"),
    ("truncated_reasons", "Truncated because"),
    ("revisit_of", "Revisit of"),
    ("revisit_unresolved", "Revisit unresolved"),
    ("decoded", "Decoded"),
    ("decoding_notes", "Decoding notes"),
)


def _value(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def verify_text(detail: RecordDetail) -> str:
    """The archive's last fixity check, as one sentence."""
    fixity = detail.fixity
    if fixity.last_verify_ok is None:
        return "Archive fixity: never verified (File > Verify archive checks every stored byte)."
    when = fmt.utc_time(fixity.last_verify_at) if fixity.last_verify_at else "an unknown time"
    if fixity.last_verify_ok:
        return f"Archive fixity: verified, every SHA-256 matched (last check {when})."
    return (
        f"Archive fixity: the last check ({when}) FAILED with "
        f"{fixity.last_verify_failures} problem(s); see the Audit log and run Verify again."
    )


def is_capture(detail: RecordDetail) -> bool:
    extra = detail.extra
    return detail.record.kind == "capture" or "warc_record_id" in extra or "fixity" in extra


def capture_text(detail: RecordDetail, sources: dict[int, dict[str, Any]], tz: ZoneInfo) -> str:
    """Capture metadata, digest results and WACZ signature details as plain-text lines."""
    rec, extra = detail.record, detail.extra
    lines = [f"Target URL         {rec.url or '(none)'}"]
    if rec.created_at:
        lines.append(
            f"Captured           {fmt.local_time(rec.created_at, tz, seconds=True)}"
            f" ({fmt.utc_time(rec.created_at)})"
        )
    for key, label in CAPTURE_KEYS:
        if extra.get(key) not in (None, "", [], {}):
            lines.append(f"{label:<19}{_value(extra[key])}")
    lines.append("")
    lines.append("Digest checks")
    capture = detail.fixity.capture or {}
    if not capture and not detail.fixity.capture_digests:
        lines.append("  (the capture recorded no digests)")
    for name, status in sorted(capture.items()):
        lines.append(f"  {name:<10} {_value(status)}")
    for name, digest in sorted(detail.fixity.capture_digests.items()):
        lines.append(f"  {name:<16} {digest}")
    for source_id, shown in sorted(sources.items()):
        signature = {k: v for k, v in shown.items() if k.endswith("signature")}
        package = {k: v for k, v in shown.items() if not k.endswith("signature")}
        if not signature and not package:
            continue
        lines.append("")
        lines.append(f"Package (source file {source_id})")
        for key, value in package.items():
            lines.append(f"  {key:<28} {_value(value)}")
        for key, value in signature.items():
            lines.append(f"  {key}")
            if isinstance(value, dict):
                for name, item in value.items():
                    lines.append(f"    {name:<24} {_value(item)}")
            else:
                lines.append(f"    {_value(value)}")
    lines.append("")
    lines.append(verify_text(detail))
    return "\n".join(lines)


class ProvenancePane(QWidget):
    """One block of rows per source file the record was seen in (field, value): narrow
    enough for the viewer's column, and a SHA-256 fits on its row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Field", "Value"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.fixity = plain_label(selectable=True)
        self.fixity.setWordWrap(True)
        layout.addWidget(self.fixity)
        self._sources: list[dict[str, str]] = []

    def set_detail(self, detail: RecordDetail, tz: ZoneInfo) -> None:
        entries = detail.provenance
        self.summary.setText(
            f"Seen in {len(entries)} source file{'s' if len(entries) != 1 else ''}"
            " (byte-exact originals are kept in the archive)."
            if entries
            else "No source file is recorded for this record."
        )
        self._sources = [
            {
                "Source file": p.name,
                "SHA-256": p.sha256,
                "Size": fmt.size(p.size),
                "Inside": p.container or "",
                "Format": p.detected_format or "",
                "Locator": p.locator or "",
                "Batch": f"#{p.batch_id} ({p.status})",
                "Imported": fmt.local_time(p.batch_started_at, tz) if p.batch_started_at else "",
                "Operator": p.operator,
            }
            for p in entries
        ]
        rows: list[tuple[str, str]] = []
        for number, source in enumerate(self._sources):
            if number:
                rows.append(("", ""))
            rows.extend((k, v) for k, v in source.items() if v or k != "Inside")
        self.table.setRowCount(len(rows))
        for row, (field, value) in enumerate(rows):
            name = QTableWidgetItem(field)
            font = name.font()
            font.setBold(field == "Source file")
            name.setFont(font)
            item = QTableWidgetItem(value)
            if value:
                item.setToolTip(tooltip_text(value))
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, item)
        self.fixity.setText(verify_text(detail))

    def sources(self) -> list[dict[str, str]]:
        """What the table shows, one dict per source file (tests)."""
        return [dict(s) for s in self._sources]

    def clear(self) -> None:
        self.table.setRowCount(0)
        self._sources = []
        self.summary.clear()
        self.fixity.clear()


class CapturePane(QPlainTextEdit):
    """Web capture details; the viewer shows this tab only for captures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

    def set_capture(
        self, detail: RecordDetail, sources: dict[int, dict[str, Any]], tz: ZoneInfo
    ) -> None:
        self.setPlainText(capture_text(detail, sources, tz))

"""The schedule in force: every series with its citation, retention in words, whom it binds,
and a verified / unverified badge. Unverified series say so in a tooltip: the citation was
not checked for this use and the series can be overridden by an agency file."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from retention_desk.retention.schedule import Series
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import badge_item, cell, make_table
from retention_desk.ui.retention.ops import RetentionPageData, applies

# the badge next to the code, so it stays in sight however long the citations are
COL_CODE, COL_VERIFIED, COL_TITLE, COL_CITATION, COL_RETENTION, COL_APPLIES = range(6)
HEADERS = ("Series", "Verified", "Title", "Citation", "Retention", "For this agency")
APPLIES_WORDS = {
    "binds": "binds",
    "guidance": "guidance (adopt in your schedule)",
    "": "not for this kind of agency",
}


class ScheduleTable(QWidget):
    """`import_requested()` when the user asks to import an agency schedule file."""

    import_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.series: tuple[Series, ...] = ()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.note = plain_label()
        self.note.setWordWrap(True)
        top.addWidget(self.note, 1)
        self.import_button = QPushButton("Import schedule file…")
        self.import_button.setToolTip(
            "Add or override series (and rules) with the agency's own schedule file (TOML)"
        )
        self.import_button.clicked.connect(self.import_requested)
        top.addWidget(self.import_button)
        layout.addLayout(top)
        self.table = make_table(HEADERS, stretch=COL_TITLE)
        layout.addWidget(self.table, 1)
        self.files = plain_label()
        self.files.setWordWrap(True)
        layout.addWidget(self.files)

    def clear(self) -> None:
        self.series = ()
        self.table.setRowCount(0)
        self.note.setText("")
        self.files.setText("")

    def set_data(self, data: RetentionPageData) -> None:
        self.series = data.series
        self.table.setRowCount(len(data.series))
        for row, series in enumerate(data.series):
            about = series.description or series.title
            if series.source:
                about += f"\nSource: {series.source}"
            self.table.setItem(row, COL_CODE, cell(series.code, data=series.code))
            self.table.setItem(row, COL_TITLE, cell(series.title, tip=about))
            self.table.setItem(row, COL_CITATION, cell(series.citation))
            self.table.setItem(row, COL_RETENTION, cell(series.retention_words()))
            self.table.setItem(
                row, COL_APPLIES, cell(APPLIES_WORDS[applies(series, data.agency_kind)])
            )
            self.table.setItem(row, COL_VERIFIED, badge_item(series))
        unverified = sum(1 for s in data.series if not s.verified)
        self.note.setText(
            f"{len(data.series)} series for a {data.agency_kind} agency"
            + (
                f"; {unverified} unverified (their citation or use is not confirmed: hover the"
                " badge)"
                if unverified
                else ""
            )
            + "."
        )
        shipped = sum(1 for f in data.files if f.builtin)
        agency = [f for f in data.files if not f.builtin]
        parts = [f"Schedule files: {shipped} shipped with the app"]
        if agency:
            parts.append(
                f"{len(agency)} from the agency (latest {agency[-1].label},"
                f" SHA-256 {agency[-1].sha256[:12]}…)"
            )
        if not data.files:
            parts = ["The shipped schedule (stored in the archive when first used)"]
        text = "; ".join(parts) + "."
        if data.updates:
            text += (
                " A newer shipped schedule is available ("
                + ", ".join(data.updates)
                + "); import it to use it — it is never applied silently."
            )
        self.files.setText(text)

    def row_of(self, code: str) -> int:
        for row, series in enumerate(self.series):
            if series.code == code:
                return row
        return -1

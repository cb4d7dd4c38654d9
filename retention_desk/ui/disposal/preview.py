"""A disposal report as saved: its heading, series, groups, held records and what it excluded.

Series titles and citations come from the agency's schedule file, account names and hold names
from imports and users: table items are plain text by nature, labels come from `plain_label`
and sentences wrap names in isolates so a right-to-left mark cannot reorder them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget

from retention_desk.disposal import DisposalReport, SeriesLine
from retention_desk.disposal.present import GROUP_HEADER, HELD_HEADER, SERIES_HEADER
from retention_desk.ui.plain import plain_label, tooltip_text
from retention_desk.ui.retention.common import (
    UNVERIFIED,
    VERIFIED,
    WARN_STYLE,
    cell,
    isolate,
    make_table,
    plural,
)

TAB_SERIES, TAB_GROUPS, TAB_HELD = range(3)
COL_CODE, COL_TITLE, COL_CITATION, COL_RETENTION, COL_CHECKED, COL_RECORDS = range(6)
COL_HELD_BY = 3
# a table widget holds every row in memory; a report on a large archive may hold tens of
# thousands of held records, which the exports list in full
HELD_SHOWN = 2000


def badge(line: SeriesLine) -> QTableWidgetItem:
    """'verified', or a bold 'unverified' whose tooltip says why it matters."""
    item = cell(VERIFIED if line.verified else UNVERIFIED)
    if line.verified:
        item.setToolTip(tooltip_text(f"The citation {line.citation} was checked."))
        return item
    note = f"\n\n{line.verified_note}" if line.verified_note else ""
    item.setToolTip(
        tooltip_text(
            f"The citation {line.citation or '(none)'} has not been verified for this use; the"
            " records administrator should confirm it before approving. The series is"
            " configurable in the agency's schedule file." + note
        )
    )
    item.setForeground(Qt.GlobalColor.darkRed)
    font = item.font()
    font.setBold(True)
    item.setFont(font)
    return item


def excluded_text(report: DisposalReport) -> str:
    """The records the report counted but left out, unclassified first (never eligible)."""
    return (
        f"Excluded: {plural(report.unclassified, 'unclassified record')} (no series, never"
        f" eligible), {plural(report.pending_event, 'record')} waiting for an event date,"
        f" {plural(report.permanent, 'permanent record')},"
        f" {plural(report.no_date, 'record')} without a creation date,"
        f" {plural(report.not_yet_due, 'record')} not yet due."
    )


class ReportPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = plain_label(selectable=True)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.counts = plain_label()
        self.counts.setWordWrap(True)
        layout.addWidget(self.counts)
        self.excluded = plain_label()
        self.excluded.setWordWrap(True)
        layout.addWidget(self.excluded)
        self.unverified = plain_label()
        self.unverified.setWordWrap(True)
        self.unverified.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.unverified)
        self.tabs = QTabWidget()
        self.series = make_table(SERIES_HEADER, stretch=COL_TITLE)
        self.groups = make_table(GROUP_HEADER, stretch=2)
        self.held = make_table(HELD_HEADER, stretch=COL_HELD_BY)
        self.tabs.addTab(self.series, "Series")
        self.tabs.addTab(self.groups, "By account and year")
        held_tab = QWidget()
        held_layout = QVBoxLayout(held_tab)
        held_layout.setContentsMargins(0, 0, 0, 0)
        self.held_note = plain_label()
        self.held_note.setWordWrap(True)
        held_layout.addWidget(self.held_note)
        held_layout.addWidget(self.held, 1)
        self.tabs.addTab(held_tab, "Held")
        layout.addWidget(self.tabs, 1)
        self.clear()

    def clear(self) -> None:
        self.report: DisposalReport | None = None
        self.heading.setText("No report selected. Run a report or pick one from the list.")
        for label in (self.counts, self.excluded, self.unverified):
            label.setText("")
        self.unverified.setVisible(False)
        for table in (self.series, self.groups, self.held):
            table.setRowCount(0)
        self.held_note.setText("")
        self.held_note.setVisible(False)
        self.tabs.setTabText(TAB_HELD, "Held")

    def set_report(self, report: DisposalReport) -> None:
        self.report = report
        self.heading.setText(
            f"Disposal report {report.number} ({report.status}): eligible as of"
            f" {report.as_of.isoformat()}, run {report.created_at[:16].replace('T', ' ')} UTC"
            f" by {isolate(report.created_by)}"
        )
        shown = [s for s in report.series if s.records]
        counts = (
            f"{plural(report.records, 'record')} eligible in"
            f" {plural(len(shown), 'series', 'series')}."
        )
        if report.held:
            holds = ", ".join(
                f"{isolate(h.name)} ({plural(h.records, 'record')})" for h in report.holds
            )
            counts += (
                f" {plural(report.held, 'record')} would be eligible but are held, not in the"
                f" report: {holds}."
            )
        self.counts.setText(counts)
        self.excluded.setText(excluded_text(report))
        unverified = [s.code for s in shown if not s.verified]
        self.unverified.setText(
            f"Unverified citation for {', '.join(isolate(c) for c in unverified)}: the records"
            " administrator should confirm it before approving."
            if unverified
            else ""
        )
        self.unverified.setVisible(bool(unverified))
        self._fill_series(shown)
        self._fill_groups(report)
        self._fill_held(report)

    def _fill_series(self, lines: list[SeriesLine]) -> None:
        self.series.setRowCount(len(lines))
        for row, s in enumerate(lines):
            self.series.setItem(row, COL_CODE, cell(s.code, data=s.code))
            self.series.setItem(row, COL_TITLE, cell(s.title, tip=s.title))
            self.series.setItem(row, COL_CITATION, cell(s.citation, tip=s.citation))
            self.series.setItem(row, COL_RETENTION, cell(s.retention, tip=s.retention))
            self.series.setItem(row, COL_CHECKED, badge(s))
            self.series.setItem(row, COL_RECORDS, cell(s.records))
            self.series.setItem(row, 6, cell(s.first_created or ""))
            self.series.setItem(row, 7, cell(s.last_created or ""))

    def _fill_groups(self, report: DisposalReport) -> None:
        self.groups.setRowCount(len(report.groups))
        for row, g in enumerate(report.groups):
            values = (
                g.series_code,
                g.platform,
                g.account or "(no account)",
                g.year or "(no date)",
                g.records,
                g.first_created or "",
                g.last_created or "",
            )
            for col, value in enumerate(values):
                self.groups.setItem(row, col, cell(value))

    def _fill_held(self, report: DisposalReport) -> None:
        shown = report.held_records[:HELD_SHOWN]
        self.held.setRowCount(len(shown))
        self.held_note.setText(
            f"The first {HELD_SHOWN:,} of {len(report.held_records):,} held records are shown;"
            " the PDF and XLSX exports list them all."
            if len(shown) < len(report.held_records)
            else ""
        )
        self.held_note.setVisible(bool(self.held_note.text()))
        for row, h in enumerate(shown):
            names = "; ".join(h.hold_names)
            self.held.setItem(row, 0, cell(h.record_id, data=h.record_id))
            self.held.setItem(row, 1, cell(h.series_code))
            self.held.setItem(row, 2, cell(h.eligible_on))
            self.held.setItem(row, COL_HELD_BY, cell(names, tip=names))
        self.tabs.setTabText(TAB_HELD, f"Held ({len(report.held_records)})")

    def table_texts(self, table: QTableWidget) -> list[list[str]]:
        """Every cell's text, row by row (what a reader sees)."""
        return [
            [
                (table.item(r, c).text() if table.item(r, c) else "")
                for c in range(table.columnCount())
            ]
            for r in range(table.rowCount())
        ]

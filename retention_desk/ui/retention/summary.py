"""The classification summary: unclassified records first and large (they are never eligible,
so they are what the custodian must act on), then eligible now, held, and records per series."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from retention_desk import retention as rt
from retention_desk.retention.schedule import Series
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label
from retention_desk.ui.retention.common import UNVERIFIED, WARN_STYLE, cell, make_table

COL_CODE, COL_TITLE, COL_RECORDS, COL_ELIGIBLE, COL_HELD = range(5)


def unclassified_text(summary: rt.ClassifySummary) -> str:
    n = summary.unclassified
    if n == 0:
        return "Every record is classified."
    return (
        f"{fmt.count(n)} unclassified record{'s' if n != 1 else ''} — never eligible for disposal"
    )


UNCLASSIFIED_WHY = (
    "No rule files these records under a series, so no retention period runs for them. Add a"
    " rule on the Rules tab (the live count shows what it would claim)."
)


def counts_text(summary: rt.ClassifySummary) -> str:
    return (
        f"{fmt.count(summary.records)} records · {fmt.count(summary.classified)} classified ·"
        f" {fmt.count(summary.eligible_now)} eligible for disposal now ·"
        f" {fmt.count(summary.held)} held"
    )


class SummaryPanel(QWidget):
    """`classify_requested()` and `event_requested()` come from its buttons."""

    classify_requested = Signal()
    event_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: rt.ClassifySummary | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.unclassified_label = plain_label(selectable=True)
        self.unclassified_label.setWordWrap(True)
        font = QFont(self.unclassified_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.unclassified_label.setFont(font)
        top.addWidget(self.unclassified_label, 1)
        self.event_button = QPushButton("Set event date…")
        self.event_button.setToolTip(
            "Date an event (file closed, request fulfilled) for some records, so series"
            " counted from it can run"
        )
        self.event_button.clicked.connect(self.event_requested)
        top.addWidget(self.event_button)
        self.classify_button = QPushButton("Classify all records")
        self.classify_button.setToolTip(
            "Classify every record again under the rules in force (audited; can be cancelled)"
        )
        self.classify_button.clicked.connect(self.classify_requested)
        top.addWidget(self.classify_button)
        layout.addLayout(top)
        self.counts_label = plain_label(selectable=True)
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        self.notes_label = plain_label()
        self.notes_label.setWordWrap(True)
        self.notes_label.setVisible(False)
        layout.addWidget(self.notes_label)

    def clear(self) -> None:
        self.summary = None
        self.unclassified_label.setText("")
        self.unclassified_label.setStyleSheet("")
        self.counts_label.setText("")
        self.notes_label.setVisible(False)

    def set_summary(self, summary: rt.ClassifySummary) -> None:
        self.summary = summary
        self.unclassified_label.setText(unclassified_text(summary))
        self.unclassified_label.setStyleSheet(WARN_STYLE if summary.unclassified else "")
        self.unclassified_label.setToolTip(UNCLASSIFIED_WHY if summary.unclassified else "")
        self.counts_label.setText(counts_text(summary))
        self.notes_label.setText("\n".join(summary.notes))
        self.notes_label.setVisible(bool(summary.notes))


class SeriesCounts(QWidget):
    """Records per series, eligible now and held, with each series' title (and whether it is
    unverified)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.table = make_table(
            ("Series", "Title", "Records", "Eligible now", "Held"), stretch=COL_TITLE
        )
        layout.addWidget(self.table)

    def clear(self) -> None:
        self.table.setRowCount(0)

    def set_counts(
        self,
        summary: rt.ClassifySummary,
        series: tuple[Series, ...],
        counts: dict[str, rt.SeriesCounts] | None = None,
    ) -> None:
        by_code = {s.code: s for s in series}
        counts = counts or {}
        rows: list[tuple[str, str, int, int | str, int | str]] = []
        for code, n in summary.per_series.items():
            known = by_code.get(code)
            title = known.title if known else "not in the schedule any more"
            if known is not None and not known.verified:
                title += f" ({UNVERIFIED})"
            found = counts.get(code)
            rows.append(
                (code, title, n, found.eligible if found else "", found.held if found else "")
            )
        # unclassified records are never eligible, whatever their age
        rows.append(("—", "unclassified (never eligible)", summary.unclassified, 0, ""))
        self.table.setRowCount(len(rows))
        for row, (code, title, n, eligible, held) in enumerate(rows):
            self.table.setItem(row, COL_CODE, cell(code, data=code))
            self.table.setItem(row, COL_TITLE, cell(title))
            self.table.setItem(row, COL_RECORDS, cell(n))
            self.table.setItem(row, COL_ELIGIBLE, cell(eligible))
            self.table.setItem(row, COL_HELD, cell(held))

    def count_of(self, code: str, column: int = COL_RECORDS) -> int | None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, COL_CODE)
            if item is not None and item.text() == code:
                records = self.table.item(row, column)
                return int(records.text().replace(",", "")) if records else None
        return None

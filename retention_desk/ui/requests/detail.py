"""The selected request: requester particulars and flags, the clocks, and the timeline.

Everything the requester wrote (name, organisation, address, description) and everything staff
typed into a step (responsible people, reasons, notes) is untrusted: labels are plain text,
table items are never parsed as markup, tooltips go through `tooltip_text`.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from retention_desk.ipra.clocks import Clock
from retention_desk.ipra.fees import dollars
from retention_desk.ipra.model import (
    METHOD_WORDS,
    STATE_WORDS,
    STATUS_WORDS,
    RequestDetail,
)
from retention_desk.ui import formatting as fmt
from retention_desk.ui.plain import plain_label, tooltip_text
from retention_desk.ui.requests.table_model import state_colours
from retention_desk.ui.retention.common import (
    UNVERIFIED,
    VERIFIED,
    WARN_STYLE,
    cell,
    isolate,
    make_table,
)

CLOCK_WORDS = {
    "on_time": "on time",
    "due_today": "due today",
    "due_soon": "due soon",
    "overdue": "overdue",
    "met": "met",
    "missed": "missed",
    "stopped": "stopped",
    "not_applicable": "not applicable",
}
EVENT_WORDS = {
    "acknowledged": "Acknowledged (three-day letter)",
    "burdensome": "Excessively burdensome notice",
    "in_progress": "Work started",
    "partially_fulfilled": "Partially fulfilled",
    "fulfilled": "Fulfilled",
    "denied": "Denied in writing",
    "partially_denied": "Partially denied in writing",
    "forwarded": "Forwarded",
    "withdrawn": "Withdrawn",
    "closed": "Closed",
}
DETAIL_WORDS = {
    "available_on": "available on",
    "until": "additional time until",
    "reason": "reason",
    "exceptions": "exceptions",
    "records_description": "records",
    "to_name": "to",
    "to_address": "address",
    "location": "records at",
    "note": "note",
}
CLOCK_HEADERS = ("Clock", "Due", "State", "Citation", "Rule", "Warning")
TIMELINE_HEADERS = ("Date", "What", "How", "Details")


def details_text(details: dict[str, Any]) -> str:
    """A step's particulars in one line: the people responsible first, then the rest."""
    parts: list[str] = []
    people = details.get("responsible") or []
    if people:
        parts.append(
            "responsible: "
            + "; ".join(
                f"{isolate(str(p.get('name', '')))}, {isolate(str(p.get('title', '')))}"
                for p in people
            )
        )
    for key, words in DETAIL_WORDS.items():
        value = details.get(key)
        if not value:
            continue
        values = value if isinstance(value, list) else [value]
        # isolated: a right-to-left override typed into one value cannot reverse the others
        parts.append(f"{words}: " + ", ".join(isolate(str(v)) for v in values))
    return "; ".join(parts)


def timeline_rows(detail: RequestDetail, tz: ZoneInfo) -> list[tuple[str, str, str, str]]:
    """(date, what, how, details) for the receipt, every step and every letter, by date."""
    rows: list[tuple[date, int, tuple[str, str, str, str]]] = []
    s = detail.summary
    rows.append(
        (
            s.received_on,
            0,
            (
                fmt.local_time(s.received_at, tz),
                "Received (day 0)",
                s.via,
                s.description,
            ),
        )
    )
    for e in detail.events:
        what = EVENT_WORDS.get(e.kind, e.kind)
        how = METHOD_WORDS.get(e.method, e.method)
        rows.append((e.on_date, 1, (e.on_date.isoformat(), what, how, details_text(e.details))))
    for letter in detail.letters:
        rows.append(
            (
                letter.sent_on,
                2,
                (
                    letter.sent_on.isoformat(),
                    f"Letter: {letter.kind} ({letter.file_format.upper()})",
                    METHOD_WORDS.get(letter.method, letter.method),
                    f"stored by {letter.by}",
                ),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def clock_cells(clock: Clock) -> tuple[str, str, str, str, str, str]:
    due = clock.due.isoformat() if clock.due else ""
    state = CLOCK_WORDS.get(clock.state, clock.state)
    if clock.state == "met" and clock.done_on:
        state = f"met on {clock.done_on.isoformat()}"
    return (
        clock.label,
        due,
        state,
        clock.citation,
        VERIFIED if clock.verified else UNVERIFIED,
        clock.warning or "",
    )


class RequestDetailPanel(QWidget):
    """Particulars, flags, clocks and timeline of one request (the page's first tab)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = plain_label()
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for key, caption in (
            ("name", "Requester"),
            ("organisation", "Organisation"),
            ("address", "Address"),
            ("phone", "Telephone"),
            ("email", "E-mail"),
            ("description", "Description"),
            ("medium", "Answer in"),
            ("custodian", "Custodian"),
            ("exposure", "Exposure"),
        ):
            label = plain_label(selectable=True)
            label.setWordWrap(True)
            # Ignored: an unbroken 2,000-character name is clipped, never widens the window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.fields[key] = label
            form.addRow(plain_label(caption), label)
        layout.addLayout(form)
        self.flags = plain_label()
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(WARN_STYLE)
        layout.addWidget(self.flags)
        layout.addWidget(plain_label("Clocks"))
        self.clocks = make_table(CLOCK_HEADERS, stretch=5)
        self.clocks.setMaximumHeight(220)  # the clocks without scrolling
        layout.addWidget(self.clocks)
        layout.addWidget(plain_label("Timeline"))
        self.timeline = make_table(TIMELINE_HEADERS, stretch=3)
        layout.addWidget(self.timeline, 1)
        for table in (self.clocks, self.timeline):
            table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)

    def clear(self) -> None:
        self.heading.setText("No request selected")
        for label in self.fields.values():
            label.setText("")
        self.flags.setText("")
        self.flags.hide()
        self.clocks.setRowCount(0)
        self.timeline.setRowCount(0)

    def set_detail(self, detail: RequestDetail, time_zone: str) -> None:
        tz = fmt.zone(time_zone)
        s = detail.summary
        r = detail.requester
        status = STATUS_WORDS.get(s.status, s.status)
        state = STATE_WORDS.get(s.clocks.state, s.clocks.state)
        self.heading.setText(f"{s.number} · {status} · {state}")
        copies = " (electronic copies asked for)" if detail.electronic_copies else ""
        values = {
            "name": r.name or "(no name given)",
            "organisation": r.organisation,
            "address": r.address,
            "phone": r.phone,
            "email": r.email,
            "description": s.description,
            "medium": f"{detail.medium}{copies}",
            "custodian": s.custodian,
            "exposure": (
                f"{dollars(s.clocks.exposure_cents)} over {s.clocks.exposure_days} days"
                " (this tool's reading of 14-2-11(C), not an award)"
                if s.clocks.exposure_cents > 0
                else "none"
            ),
        }
        for key, label in self.fields.items():
            label.setText(values[key])
            label.setToolTip(tooltip_text(values[key][:2_000]) if len(values[key]) > 60 else "")
        self.flags.setText("\n".join(s.flags))
        self.flags.setVisible(bool(s.flags))
        self._fill_clocks(detail)
        rows = timeline_rows(detail, tz)
        self.timeline.setRowCount(len(rows))
        for row, values_ in enumerate(rows):
            for col, value in enumerate(values_):
                self.timeline.setItem(row, col, cell(value, tip=value if col == 3 else ""))

    def _fill_clocks(self, detail: RequestDetail) -> None:
        clocks = detail.summary.clocks.clocks
        self.clocks.setRowCount(len(clocks))
        for row, clock in enumerate(clocks):
            for col, value in enumerate(clock_cells(clock)):
                item = cell(value, tip=value if col == 5 else "")
                if col == 4 and not clock.verified:
                    item.setForeground(Qt.GlobalColor.darkRed)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setToolTip(
                        tooltip_text(
                            f"{clock.citation}: this reading of the statute is not verified in"
                            " a primary source (nm-law.md)."
                        )
                    )
                if col in (1, 2):
                    colours = state_colours(clock.state)
                    if colours is not None:
                        item.setForeground(colours[0])
                        item.setBackground(colours[1])
                self.clocks.setItem(row, col, item)

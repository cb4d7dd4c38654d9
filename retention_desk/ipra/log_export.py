"""The request log as XLSX: every request with its dates, business days to the first written
response, outcome, fees and exposure, for annual reports and council questions.

Typed text (requesters' names, descriptions) is written as strings, never formulas (the
disposal export's `safe_text`); numbers and dates the desk computed are typed cells.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.disposal.export_xlsx import safe_text
from retention_desk.ipra import calendar as cal_mod
from retention_desk.ipra import fees as fees_mod
from retention_desk.ipra.model import STATE_WORDS, STATUS_WORDS
from retention_desk.ipra.requests import get_request, list_requests, today_local
from retention_desk.ipra.rules import load_rules

HEADER = (
    "Number",
    "Received (day 0)",
    "Received at (UTC)",
    "Via",
    "Requester",
    "Organisation",
    "Description",
    "Electronic copies",
    "Status",
    "Clock state",
    "First written response",
    "Business days to first response",
    "Outcome",
    "Outcome date",
    "Days to outcome",
    "Burdensome until",
    "Exceptions cited",
    "Responsive records",
    "Fees ($)",
    "Paid ($)",
    "Exposure up to ($)",
    "Staff minutes",
    "Closed on",
)
_RESPONSES = ("acknowledged", "burdensome", "denied", "partially_denied", "fulfilled",
              "partially_fulfilled")  # fmt: skip
_OUTCOMES = ("fulfilled", "denied", "partially_fulfilled", "partially_denied", "withdrawn",
             "forwarded")  # fmt: skip


def export_log(archive: Archive, path: Path | str, *, year: int | None = None) -> int:
    """Write the log (requests received in `year`, or all) to `path`; returns the count."""
    from openpyxl import Workbook

    rules = load_rules()
    rows = [
        s for s in list_requests(archive, rules=rules) if year is None or s.received_on.year == year
    ]
    rows.sort(key=lambda s: (s.received_on, s.number))
    with archive.read() as conn:
        today = today_local(conn)
        years = range(min((s.received_on.year for s in rows), default=today.year), today.year + 2)
        calendar = cal_mod.load_calendar(conn, years, rules)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Requests"
    for col, head in enumerate(HEADER, 1):
        ws.cell(row=1, column=col, value=head).data_type = "s"
    for r, summary in enumerate(rows, 2):
        detail = get_request(archive, summary.number, today=today, rules=rules)
        events = detail.events
        first = next((e for e in events if e.kind in _RESPONSES), None)
        outcome = next((e for e in events if e.kind in _OUTCOMES), None)
        burden = next((e for e in events if e.kind == "burdensome"), None)
        exceptions = sorted(
            {
                str(x)
                for e in events
                if e.kind.endswith("denied")
                for x in e.details.get("exceptions", [])
            }
        )
        status = fees_mod.fee_status(archive, summary.number)
        values: list[object] = [
            summary.number,
            summary.received_on,
            summary.received_at,
            summary.via,
            detail.requester.name,
            detail.requester.organisation,
            summary.description,
            "yes" if detail.electronic_copies else "no",
            STATUS_WORDS.get(summary.status, summary.status),
            STATE_WORDS.get(summary.clocks.state, summary.clocks.state),
            first.on_date if first else None,
            calendar.business_days_between(summary.received_on, first.on_date) if first else None,
            outcome.kind.replace("_", " ") if outcome else None,
            outcome.on_date if outcome else None,
            (outcome.on_date - summary.received_on).days if outcome else None,
            date.fromisoformat(burden.details["until"])
            if burden and burden.details.get("until")
            else None,
            "; ".join(exceptions),
            summary.responsive,
            status.total_cents / 100,
            status.paid_cents / 100,
            summary.clocks.exposure_cents / 100,
            detail.minutes,
            detail.closed_on,
        ]
        for col, value in enumerate(values, 1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=col)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.value = value
                if isinstance(value, float):
                    cell.number_format = "0.00"
            else:
                cell.value = safe_text(value)
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    wb.properties.creator = "retention_desk"
    wb.properties.lastModifiedBy = "retention_desk"
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    wb.save(tmp)
    tmp.replace(target)
    return len(rows)

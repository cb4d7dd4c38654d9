"""Saved disposal reports: read them back, list them, and move their status on.

A report is read from the tables `run_report` wrote, never recomputed: what was approved is
what was saved. Part B (destruction) moves a report to `destroying` and `destroyed` through
`set_status` inside its own transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.model import (
    STATUSES,
    DisposalReport,
    HeldRecord,
    HoldCount,
    ReportGroup,
    SeriesLine,
)

# which status may follow which; destroying -> approved lets part B stop a run it cancelled
_NEXT = {
    "draft": {"approved", "cancelled"},
    "approved": {"draft", "destroying", "cancelled"},
    "destroying": {"destroyed", "approved"},
    "destroyed": set(),
    "cancelled": set(),
}


@dataclass(frozen=True)
class ReportInfo:
    """One line of `list_reports`."""

    number: int
    as_of: date
    created_at: str
    created_by: str
    status: str
    agency_kind: str
    records: int
    held: int
    unclassified: int


def _row(conn: Connection, number: int) -> Any:
    row = conn.exec_driver_sql(
        "SELECT id, as_of, created_at, created_by, status, status_at, agency_kind, records,"
        " held, unclassified, pending_event, permanent, summary_json"
        " FROM disposal_reports WHERE id = ?",
        (int(number),),
    ).first()
    if row is None:
        raise DisposalError(f"There is no disposal report {number}.", "report")
    return row


def load_in(conn: Connection, number: int) -> DisposalReport:
    """The saved report `number` as this connection sees it (DisposalError if none)."""
    (
        rid,
        as_of,
        created_at,
        created_by,
        status,
        status_at,
        kind,
        records,
        held,
        unclassified,
        pending_event,
        permanent,
        summary_json,
    ) = _row(conn, number)
    summary = json.loads(summary_json or "{}")
    names = {int(i): str(n) for i, n in conn.exec_driver_sql("SELECT id, name FROM holds").all()}
    held_records: list[HeldRecord] = []
    counts: dict[int, int] = {}
    for record_id, code, eligible_on, ids_text in conn.exec_driver_sql(
        "SELECT record_id, series_code, eligible_on, hold_ids FROM disposal_report_held"
        " WHERE report_id = ? ORDER BY record_id",
        (rid,),
    ).all():
        ids = tuple(sorted({int(i) for i in str(ids_text).split(",") if i.strip()}))
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
        held_records.append(
            HeldRecord(
                record_id=int(record_id),
                series_code=str(code),
                eligible_on=str(eligible_on),
                hold_ids=ids,
                hold_names=tuple(names.get(i, f"hold {i}") for i in ids),
            )
        )
    return DisposalReport(
        number=int(rid),
        as_of=date.fromisoformat(as_of),
        created_at=str(created_at),
        created_by=str(created_by),
        status=str(status),
        status_at=str(status_at),
        agency_kind=str(kind),
        agency_name=str(summary.get("agency_name", "")),
        time_zone=str(summary.get("time_zone", "")),
        records=int(records),
        held=int(held),
        unclassified=int(unclassified),
        pending_event=int(pending_event),
        permanent=int(permanent),
        no_date=int(summary.get("no_date", 0)),
        not_yet_due=int(summary.get("not_yet_due", 0)),
        unsealed=int(summary.get("unsealed", 0)),
        series=tuple(SeriesLine(**s) for s in summary.get("series", [])),
        groups=tuple(ReportGroup(**g) for g in summary.get("groups", [])),
        holds=tuple(
            HoldCount(hold_id=i, name=names.get(i, f"hold {i}"), records=n)
            for i, n in sorted(counts.items())
        ),
        held_records=tuple(held_records),
    )


def load_report(archive: Archive, number: int) -> DisposalReport:
    """The saved report `number`; DisposalError when there is none."""
    with archive.read() as conn:
        return load_in(conn, number)


def list_reports(archive: Archive) -> list[ReportInfo]:
    """Every saved report, newest first."""
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, as_of, created_at, created_by, status, agency_kind, records, held,"
            " unclassified FROM disposal_reports ORDER BY id DESC"
        ).all()
    return [
        ReportInfo(
            number=int(r[0]),
            as_of=date.fromisoformat(r[1]),
            created_at=str(r[2]),
            created_by=str(r[3]),
            status=str(r[4]),
            agency_kind=str(r[5]),
            records=int(r[6]),
            held=int(r[7]),
            unclassified=int(r[8]),
        )
        for r in rows
    ]


def report_record_ids(conn: Connection, number: int) -> list[int]:
    """The record ids a report found eligible, ascending (for part B's batches)."""
    return [
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT record_id FROM disposal_report_records WHERE report_id = ? ORDER BY record_id",
            (int(number),),
        ).all()
    ]


def set_status(conn: Connection, number: int, status: str) -> str:
    """Move report `number` to `status` inside the caller's write transaction (the caller
    audits it); returns the old status. DisposalError for a move the life cycle forbids."""
    if status not in STATUSES:
        raise DisposalError(f"{status!r} is not a disposal report status.")
    row = _row(conn, number)
    old = str(row[4])
    if old == status:
        return old
    if status not in _NEXT[old]:
        raise DisposalError(f"Disposal report {number} is {old}; it cannot become {status}.")
    conn.exec_driver_sql(
        "UPDATE disposal_reports SET status = ?, status_at = ? WHERE id = ?",
        (status, timeutil.now_db(), int(number)),
    )
    return old


def cancel_report(archive: Archive, number: int) -> DisposalReport:
    """Cancel a draft or approved report (audited); its snapshot and approvals stay."""
    with archive.write() as conn:
        old = set_status(conn, number, "cancelled")
        archive.audit(
            conn,
            action="disposal.cancel",
            object_type="disposal_report",
            object_ids=[int(number)],
            details={"report": int(number), "from": old},
        )
        return load_in(conn, number)

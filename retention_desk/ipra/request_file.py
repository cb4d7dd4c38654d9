"""The request file's own retention and disposal (series PRR, 1.21.2.519 NMAC: destroy four
years after the request is fulfilled or denied).

The request file is what the desk keeps about a request: the requester's particulars, the
description, the timeline's particulars, the letters sent, fees and time notes. It is not an
archive record (outside search, productions and the records' disposal reports), so it has its
own path here: `due_files` lists the files whose period has run, `destroy_file` removes their
content in one transaction (letters' blobs, particulars, notes) and keeps the skeleton the
request log needs for statistics: number, dates, via, status, step kinds and amounts. The
period and citation come from the effective schedule's PRR series, so an agency that edits
its schedule changes this too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.disposal import registry
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.requests import request_row, today_local
from retention_desk.retention.schedules_store import effective_schedule

SERIES = "PRR"
# the steps that start the period: 1.21.2.519 says fulfilled or denied; a request withdrawn,
# forwarded or closed without either is treated the same (the tool's reading, shown as such)
_END_STEPS = ("fulfilled", "denied", "partially_fulfilled", "partially_denied", "withdrawn",
              "forwarded", "closed")  # fmt: skip


@dataclass(frozen=True)
class FileDue:
    number: str
    ended_on: date
    eligible_on: date
    citation: str
    verified: bool


def _period(archive: Archive) -> tuple[relativedelta, str, bool]:
    series = effective_schedule(archive).get(SERIES)
    if series is None:
        raise IpraError(
            f"The retention schedule has no {SERIES} series (public records requests), so the"
            " request file's period is unknown; import a schedule that has it."
        )
    p = series.period
    return (
        relativedelta(years=p.years, months=p.months, days=p.days),
        series.citation,
        (series.verified),
    )


def due_files(archive: Archive, today: date | None = None) -> list[FileDue]:
    """Request files whose retention period has run and that are not destroyed yet."""
    period, citation, verified = _period(archive)
    with archive.read() as conn:
        day = today or today_local(conn)
        marks = ",".join(f"'{k}'" for k in _END_STEPS)
        rows = conn.exec_driver_sql(
            "SELECT r.number, max(e.on_date) FROM ipra_requests r JOIN ipra_events e"
            f" ON e.request_id = r.id AND e.kind IN ({marks})"
            " WHERE r.file_destroyed_at IS NULL"
            " AND r.status IN ('fulfilled','denied','withdrawn','forwarded','closed')"
            " GROUP BY r.id ORDER BY max(e.on_date), r.number"
        ).all()
    out = []
    for number, ended in rows:
        ended_on = date.fromisoformat(ended)
        eligible = ended_on + period
        if eligible <= day:
            out.append(FileDue(number, ended_on, eligible, citation, verified))
    return out


def destroy_file(archive: Archive, number: str, *, reference: str) -> FileDue:
    """Destroy one request file whose period has run (`reference`: the approval or
    destruction authority, kept with the skeleton). Refused before the period ends."""
    if not reference.strip():
        raise IpraError("Destroying a request file needs the approval's reference.")
    due = {d.number: d for d in due_files(archive)}
    with archive.write() as conn:
        row = request_row(conn, number)
        if row[20] is not None:
            raise IpraError(f"The request file of {row[1]} was already destroyed.")
        found = due.get(row[1])
        if found is None:
            raise IpraError(
                f"The request file of {row[1]} is not yet eligible for destruction (series"
                f" {SERIES}: after the request is fulfilled or denied, plus its period)."
            )
        rid = int(row[0])
        shas = [
            str(r[0])
            for r in conn.exec_driver_sql(
                "SELECT DISTINCT blob_sha256 FROM ipra_letters WHERE request_id = ?"
                " AND blob_sha256 IS NOT NULL",
                (rid,),
            )
        ]
        conn.exec_driver_sql(
            "UPDATE ipra_letters SET blob_sha256 = NULL WHERE request_id = ?", (rid,)
        )
        # a letter identical to another request's keeps its blob for that request
        registry.delete_blobs(conn, registry.unreferenced_blobs(conn, shas))
        # the productions released for the request are the request file's too
        from retention_desk.production.store import forget_request_files

        forget_request_files(conn, rid)
        conn.exec_driver_sql(
            "UPDATE ipra_requests SET requester_name = '', requester_organisation = '',"
            " requester_address = '', requester_phone = '', requester_email = '',"
            " description = '(destroyed with the request file)', notes = ?,"
            " file_destroyed_at = ? WHERE id = ?",
            (f"Request file destroyed: {reference.strip()[:500]}", timeutil.now_db(), rid),
        )
        conn.exec_driver_sql(
            "UPDATE ipra_events SET details_json = '{}' WHERE request_id = ?", (rid,)
        )
        conn.exec_driver_sql(
            "UPDATE ipra_time_entries SET activity = '' WHERE request_id = ?", (rid,)
        )
        conn.exec_driver_sql("UPDATE ipra_fees SET description = '' WHERE request_id = ?", (rid,))
        conn.exec_driver_sql(
            "UPDATE review_persons SET name = '', handles_json = '[]' WHERE request_id = ?",
            (rid,),
        )
        conn.exec_driver_sql(
            "UPDATE ipra_request_records SET removed_reason = CASE WHEN removed_reason IS NULL"
            " THEN NULL ELSE '' END WHERE request_id = ?",
            (rid,),
        )
        archive.audit(
            conn,
            action="ipra.file_destroy",
            object_type="ipra_request",
            object_ids=[rid],
            details={"request": rid, "letters": len(shas)},
        )
        return found

"""Run a disposal report: every record eligible as of a date, saved with a number.

Set-based throughout (INSERT ... SELECT and GROUP BY in SQLite), so a report over a million
records costs a few statements, not a Python step per record. The per-series citation and
retention wording are copied into the report when it is run: an approval signs what the
report said then, even if the schedule changes later.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.model import (
    DisposalReport,
    ReportGroup,
    SeriesLine,
)
from retention_desk.disposal.store import load_in
from retention_desk.retention.classifier import LOCAL_DATE_SQL, offset_table
from retention_desk.retention.schedule import Series
from retention_desk.retention.schedules_store import schedule_in

_HELD_NOW = (
    "SELECT 1 FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
    " WHERE hr.record_id = rr.record_id AND h.released_at IS NULL"
)


def local_today(conn: Connection) -> date:
    zone, _bad = settings_mod.agency_zone(conn)
    return datetime.now(zone).date()


def _series_line(code: str, series: Series | None, stats: dict[str, Any]) -> SeriesLine:
    if series is None:
        return SeriesLine(
            code=code,
            title="(this series is not in the schedule)",
            citation="",
            retention="",
            verified=False,
            verified_note="The series was removed from the schedule after classification.",
            disposition="destroy",
            approval_required=True,
            in_schedule=False,
            **stats,
        )
    return SeriesLine(
        code=code,
        title=series.title,
        citation=series.citation,
        retention=series.retention_words(),
        verified=series.verified,
        verified_note=series.verified_note,
        disposition=series.disposition,
        approval_required=series.approval_required,
        in_schedule=True,
        **stats,
    )


def _groups(conn: Connection, number: int) -> list[ReportGroup]:
    # MATERIALIZED: computed once per record; flattened, SQLite evaluated the local date
    # (a correlated lookup) for the group key, min and max alike, 2.7x slower at 1M records
    rows = conn.exec_driver_sql(
        "WITH g AS MATERIALIZED (SELECT d.series_code, r.platform, r.account_id,"
        f" {LOCAL_DATE_SQL} AS loc FROM disposal_report_records d"
        "  JOIN records r ON r.id = d.record_id WHERE d.report_id = ?)"
        " SELECT g.series_code, g.platform, g.account_id,"
        " coalesce(a.handle, a.account_key, ''), substr(g.loc, 1, 4), count(*),"
        " min(nullif(g.loc, '')), max(nullif(g.loc, ''))"
        " FROM g LEFT JOIN accounts a ON a.id = g.account_id"
        " GROUP BY g.series_code, g.platform, g.account_id, substr(g.loc, 1, 4)"
        " ORDER BY g.series_code, g.platform, 4, 5",
        (number,),
    ).all()
    return [
        ReportGroup(
            series_code=str(code),
            platform=str(platform),
            account=str(label) if account_id is not None else "",
            account_id=int(account_id) if account_id is not None else None,
            year=str(year or ""),
            records=int(n),
            first_created=first,
            last_created=last,
        )
        for code, platform, account_id, label, year, n, first, last in rows
    ]


def run_report(archive: Archive, as_of: date, created_by: str | None = None) -> DisposalReport:
    """Find every record eligible on `as_of` (dated, eligible_on <= as_of, no hold in force),
    save the report as a draft with a new number (audited with ids and counts) and return it.
    DisposalError for an as-of date after today: records not yet eligible would be listed."""
    with archive.write() as conn:
        today = local_today(conn)
        if as_of > today:
            raise DisposalError(
                f"A disposal report cannot be run as of {as_of.isoformat()}, a date after"
                f" today ({today.isoformat()}): records not yet eligible would be listed.",
                "as_of",
            )
        settings = settings_mod.load(conn)
        schedule = schedule_in(conn)
        zone, _bad = settings_mod.agency_zone(conn)
        offset_table(conn, zone)
        now = timeutil.now_db()
        number = int(
            conn.exec_driver_sql(
                "INSERT INTO disposal_reports (as_of, created_at, created_by, status, status_at,"
                " agency_kind, records, held, unclassified, pending_event, permanent,"
                " summary_json) VALUES (?, ?, ?, 'draft', ?, ?, 0, 0, 0, 0, 0, '{}')",
                (
                    as_of.isoformat(),
                    now,
                    created_by or archive.operator(conn),
                    now,
                    settings.agency_kind,
                ),
            ).lastrowid
            or 0
        )
        day = as_of.isoformat()
        conn.exec_driver_sql(
            "CREATE TEMP TABLE IF NOT EXISTS rd_disposal_elig"
            " (record_id INTEGER PRIMARY KEY, series_code TEXT, eligible_on TEXT)"
        )
        conn.exec_driver_sql("DELETE FROM temp.rd_disposal_elig")
        eligible = conn.exec_driver_sql(
            "INSERT INTO temp.rd_disposal_elig SELECT rr.record_id, rr.series_code,"
            " rr.eligible_on FROM record_retention rr"
            f" WHERE rr.status = 'dated' AND rr.eligible_on <= ? AND NOT EXISTS ({_HELD_NOW})",
            (day,),
        ).rowcount
        # The latest leaf per record is the one verify compares the record with now. Joining
        # seal_log to the eligible ids before grouping sorts only their leaves (a grouped
        # scan of all of seal_log first was 5x slower at 1M records).
        conn.exec_driver_sql(
            "INSERT INTO disposal_report_records"
            " (report_id, record_id, series_code, eligible_on, leaf)"
            " SELECT ?, e.record_id, e.series_code, e.eligible_on, l.leaf"
            " FROM temp.rd_disposal_elig e LEFT JOIN (SELECT s.object_id, s.leaf, max(s.id)"
            "  FROM seal_log s JOIN temp.rd_disposal_elig x ON x.record_id = s.object_id"
            f"  WHERE s.kind = {seal.RECORD} GROUP BY s.object_id) l"
            " ON l.object_id = e.record_id ORDER BY e.record_id",
            (number,),
        )
        conn.exec_driver_sql("DROP TABLE temp.rd_disposal_elig")
        held = conn.exec_driver_sql(
            "INSERT INTO disposal_report_held"
            " (report_id, record_id, series_code, eligible_on, hold_ids)"
            " SELECT ?, rr.record_id, rr.series_code, rr.eligible_on, group_concat(h.id)"
            " FROM record_retention rr JOIN hold_records hr ON hr.record_id = rr.record_id"
            " JOIN holds h ON h.id = hr.hold_id AND h.released_at IS NULL"
            " WHERE rr.status = 'dated' AND rr.eligible_on <= ? GROUP BY rr.record_id",
            (number, day),
        ).rowcount
        # one scan of record_retention for every count the report gives
        pending, permanent, no_date, not_yet, classified = conn.exec_driver_sql(
            "SELECT coalesce(sum(status = 'pending_event'), 0),"
            " coalesce(sum(status = 'permanent'), 0), coalesce(sum(status = 'no_date'), 0),"
            " coalesce(sum(status = 'dated' AND eligible_on > ?), 0),"
            " coalesce(sum(status != 'unclassified'), 0) FROM record_retention",
            (day,),
        ).one()
        total = int(conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one())
        unclassified = total - int(classified)
        unsealed = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM disposal_report_records WHERE report_id = ? AND leaf IS NULL",
                (number,),
            ).scalar_one()
        )
        groups = _groups(conn, number)
        per_series: dict[str, dict[str, Any]] = {}
        for g in groups:
            stats = per_series.setdefault(
                g.series_code, {"records": 0, "first_created": None, "last_created": None}
            )
            stats["records"] += g.records
            if g.first_created and (
                stats["first_created"] is None or g.first_created < stats["first_created"]
            ):
                stats["first_created"] = g.first_created
            if g.last_created and (
                stats["last_created"] is None or g.last_created > stats["last_created"]
            ):
                stats["last_created"] = g.last_created
        for code in conn.exec_driver_sql(
            "SELECT DISTINCT series_code FROM disposal_report_held WHERE report_id = ?",
            (number,),
        ).scalars():
            per_series.setdefault(
                str(code), {"records": 0, "first_created": None, "last_created": None}
            )
        series = [_series_line(c, schedule.get(c), per_series[c]) for c in sorted(per_series)]
        summary = {
            "agency_name": settings.agency_name,
            "time_zone": settings.time_zone,
            "no_date": int(no_date),
            "not_yet_due": int(not_yet),
            "unsealed": unsealed,
            "series": [asdict(s) for s in series],
            "groups": [asdict(g) for g in groups],
        }
        conn.exec_driver_sql(
            "UPDATE disposal_reports SET records = ?, held = ?, unclassified = ?,"
            " pending_event = ?, permanent = ?, summary_json = ? WHERE id = ?",
            (
                eligible,
                held,
                unclassified,
                int(pending),
                int(permanent),
                json.dumps(summary, ensure_ascii=False, sort_keys=True),
                number,
            ),
        )
        archive.audit(
            conn,
            action="disposal.report",
            object_type="disposal_report",
            object_ids=[number],
            details={
                "report": number,
                "records": eligible,
                "held": held,
                "series": len(series),
                "groups": len(groups),
                "unclassified": unclassified,
            },
        )
        if eligible and not any(line.approval_required and line.records for line in series):
            # only non-records (1.13.30.14 NMAC): the agency's own responsibility, no approval
            conn.exec_driver_sql(
                "UPDATE disposal_reports SET status = 'approved' WHERE id = ?", (number,)
            )
        return load_in(conn, number)

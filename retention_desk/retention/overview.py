"""Read-only views of the retention tables that the CLI and the GUI both show: per-series
records, eligible now and held; how a query's records are filed now; a hold's records; the
event dates. One read transaction each; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.retention.scope import compile_rule_query

_HELD = (
    "SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
    " WHERE h.released_at IS NULL"
)


@dataclass(frozen=True)
class SeriesCounts:
    code: str
    records: int
    eligible: int  # eligible now and under no hold (as the classification summary counts it)
    held: int


def series_counts(archive: Archive) -> dict[str, SeriesCounts]:
    """Records, eligible now (in the agency's time zone) and held, per series, with the
    classification summary's own definitions."""
    with archive.read() as conn:
        zone, _problem = settings_mod.agency_zone(conn)
        today = datetime.now(zone).date().isoformat()
        rows = conn.exec_driver_sql(
            "SELECT rr.series_code, count(*),"
            " sum(CASE WHEN rr.status = 'dated' AND rr.eligible_on <= :today"
            "  AND h.record_id IS NULL THEN 1 ELSE 0 END),"
            " sum(CASE WHEN h.record_id IS NOT NULL THEN 1 ELSE 0 END)"
            " FROM record_retention rr"
            f" LEFT JOIN (SELECT DISTINCT record_id FROM ({_HELD})) h"
            "  ON h.record_id = rr.record_id"
            " GROUP BY rr.series_code ORDER BY rr.series_code",
            {"today": today},
        ).all()
    return {
        str(code): SeriesCounts(str(code), int(n), int(eligible or 0), int(held or 0))
        for code, n, eligible, held in rows
    }


def current_series(archive: Archive, query: str) -> dict[str | None, int]:
    """How the records `query` matches are classified now (None: unclassified)."""
    sql, params = compile_rule_query(archive, query)
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            f"SELECT rr.series_code, count(*) FROM ({sql}) m"
            " LEFT JOIN record_retention rr ON rr.record_id = m.id"
            " GROUP BY rr.series_code ORDER BY rr.series_code IS NULL, rr.series_code",
            dict(params),
        ).all()
    return {(str(code) if code is not None else None): int(n) for code, n in rows}


@dataclass(frozen=True)
class HoldMembers:
    explicit: int
    by_query: int
    first_ids: tuple[int, ...]


def hold_members(archive: Archive, hold_id: int, limit: int) -> HoldMembers:
    """The records a hold covers (released holds keep theirs), the first `limit` ids."""
    with archive.read() as conn:
        explicit, by_query = conn.exec_driver_sql(
            "SELECT coalesce(sum(explicit = 1), 0), coalesce(sum(explicit = 0), 0)"
            " FROM hold_records WHERE hold_id = ?",
            (int(hold_id),),
        ).one()
        ids = conn.exec_driver_sql(
            "SELECT record_id FROM hold_records WHERE hold_id = ? ORDER BY record_id LIMIT ?",
            (int(hold_id), max(int(limit), 0)),
        ).all()
    return HoldMembers(int(explicit), int(by_query), tuple(int(r[0]) for r in ids))


@dataclass(frozen=True)
class EventDate:
    event: str
    date: str
    records: int
    last_set_at: str
    set_by: tuple[str, ...]


def event_dates(archive: Archive) -> list[EventDate]:
    """Every (event, date) the archive holds with its number of records."""
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT event, event_date, set_by, count(*), max(set_at) FROM record_events"
            " GROUP BY event, event_date, set_by ORDER BY event, event_date"
        ).all()
    # grouped by who set it too (names may hold commas), then folded here: few rows
    folded: dict[tuple[str, str], tuple[int, str, set[str]]] = {}
    for event, day, by, n, last in rows:
        count, latest, names = folded.get((str(event), str(day)), (0, "", set()))
        names.add(str(by or ""))
        folded[(str(event), str(day))] = (count + int(n), max(latest, str(last or "")), names)
    return [
        EventDate(event, day, count, latest, tuple(sorted(names - {""})))
        for (event, day), (count, latest, names) in folded.items()
    ]

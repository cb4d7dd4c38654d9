"""What the retention commands (`schedule`, `rule`, `classify`, `hold`, `event`) share: how a
series is named on a terminal (UNVERIFIED wherever it is printed: a citation nobody checked
must never read as one that was), the RetentionError -> one-line error bridge, and the few
read-only counts the retention API does not offer yet (per-series eligible and held, a hold's
record ids, event dates, a query's current series). Those reads touch only the retention
tables, in one read transaction each, and write nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from retention_desk.archive.settings import zone_or_default
from retention_desk.archive.store import Archive
from retention_desk.cli import CliError
from retention_desk.retention import RetentionError
from retention_desk.retention.schedule import Series
from retention_desk.retention.scope import compile_rule_query
from retention_desk.safetext import printable

UNVERIFIED = "UNVERIFIED"

_HELD = (
    "SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
    " WHERE h.released_at IS NULL"
)


@contextmanager
def user_errors() -> Iterator[None]:
    """RetentionError (a sentence for the user) as the CLI's one-line error. Its text can
    quote what was typed or what an agency file holds, so it is made printable."""
    try:
        yield
    except RetentionError as exc:
        raise CliError(printable(exc)) from None


def text(value: object) -> str:
    """Typed or imported text on one visible line (names, queries, notes, titles)."""
    # line breaks become spaces before printable() would show them as \x0a
    return printable(" ".join(str(value).split()), limit=10_000)


def quoted(value: object) -> str:
    return f"'{text(value)}'"


def verified_word(series: Series) -> str:
    return "verified" if series.verified else UNVERIFIED


def code_label(code: str | None, schedule: dict[str, Series]) -> str:
    """A series code as printed anywhere: `SM-POST (UNVERIFIED)`; `unclassified` for None; a
    code the schedule no longer has says so rather than passing for a checked one."""
    if code is None:
        return "unclassified"
    series = schedule.get(code)
    if series is None:
        return f"{text(code)} (not in the schedule)"
    return code if series.verified else f"{code} ({UNVERIFIED})"


def applies_words(series: Series, agency_kind: str) -> str:
    """Whether the series binds this archive's kind of agency or is guidance it may adopt."""
    if agency_kind in series.applies_to:
        return f"binds this agency ({agency_kind})"
    if agency_kind in series.guidance_for:
        return f"guidance for this agency ({agency_kind}), which its own schedule may adopt"
    return f"does not apply to this agency ({agency_kind})"


def applies_key(series: Series, agency_kind: str) -> str:
    """`binds`, `guidance` or `none`: the JSON form of `applies_words`."""
    if agency_kind in series.applies_to:
        return "binds"
    if agency_kind in series.guidance_for:
        return "guidance"
    return "none"


def agency(archive: Archive) -> tuple[str, ZoneInfo]:
    """The archive's agency kind and time zone (its settings)."""
    settings = archive.settings()
    return settings.agency_kind or "municipality", zone_or_default(settings.time_zone)[0]


def parse_day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what} {quoted(value)} is not a date; write it as YYYY-MM-DD.") from None


def record_ids(values: list[str] | None) -> list[int]:
    """Record ids typed after --record (also comma-separated); a CliError names a bad one."""
    ids: list[int] = []
    for value in values or []:
        for part in value.replace(",", " ").split():
            if not part.isdigit():
                raise CliError(f"record id {quoted(part)} is not a number.")
            ids.append(int(part))
    return ids


def add_record_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--record", metavar="ID", nargs="+", action="extend", default=[], help=help_text
    )


@dataclass(frozen=True)
class SeriesCounts:
    code: str
    records: int
    eligible: int  # eligible now and under no hold (as the classification summary counts it)
    held: int


def series_counts(archive: Archive, zone: ZoneInfo) -> dict[str, SeriesCounts]:
    """Records, eligible now and held, per series, with the summary's own definitions."""
    today = datetime.now(zone).date().isoformat()
    with archive.read() as conn:
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

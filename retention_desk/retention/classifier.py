"""Classification: every record gets the series of the rule that keeps it longest.

Rules are queries in the search language (`SearchEngine.parse`); each rule's matches go into
a temporary table in SQL, one `INSERT … SELECT` per rule, and one grouped pass picks each
record's winner, so memory stays bounded whatever the archive's size. The winner keeps the
record longest (1.13.4.11 NMAC): permanent beats everything; an event not yet dated or an
unknown creation date (never eligible yet) beats any date; then the latest eligible date;
transfer beats destroy on a tie; after that the earlier rule. A record no rule matches has
no `record_retention` row: unclassified, never eligible.

Local creation dates come from SQL through a table of the agency zone's UTC offsets
(`offset_table`); a Python SQLite function (`rd_key`) computes the dates once per distinct
(rule, local date, event date) with the rules of `dates`. It returns one sortable key,
`R E D S T`: rank (3 permanent, 2 not yet dated, 1 dated), the
eligible date (10 chars), disposition (1 transfer, 0 destroy), status letter, trigger date.

Changes reclassify only what they can move (bench/RETENTION.md has the figures): a scope of
records (`temp.rd_scope`) runs every rule against just those records, walking the scope
record by record when it is a small share of the archive; an added rule is compared with
each matched record's stored winner without re-running the others (`run_added`); a
schedule file scopes to what rules of the series it changes match (`scope_rules`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from retention_desk.archive import settings as settings_mod
from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.retention import dates
from retention_desk.retention.errors import RetentionError
from retention_desk.retention.holds import materialise_query_holds
from retention_desk.retention.schedule import Series
from retention_desk.retention.schedules_store import ensure_in, schedule_in
from retention_desk.retention.scope import compile_rule_query, set_scope, temp_tables

Progress = Callable[[int, int], None]
_NO_DATE = "----------"
_STATUS = {"p": "permanent", "e": "pending_event", "n": "no_date", "d": "dated"}
_DECODE = (
    "CASE substr(w.rkey, 13, 1) WHEN 'p' THEN 'permanent' WHEN 'e' THEN 'pending_event'"
    " WHEN 'n' THEN 'no_date' ELSE 'dated' END"
)


@dataclass(frozen=True)
class ClassifySummary:
    """Counts after (or, read only, as of) a classification. `moved`: records whose series
    or eligible date changed in this run (0 for a read-only summary)."""

    records: int
    classified: int
    unclassified: int
    per_series: dict[str, int]
    eligible_now: int
    held: int
    moved: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledRule:
    id: int
    position: int
    query: str
    series: Series
    sql: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    zone: ZoneInfo
    fiscal_year_end: tuple[int, int]
    agency_kind: str


def read_settings(conn: Connection) -> Settings:
    zone, _problem = settings_mod.agency_zone(conn)
    fye_text = str(settings_mod.get_value(conn, "setting.fiscal_year_end", "06-30") or "06-30")
    fye = settings_mod.parse_fiscal_year_end(fye_text) or dates.DEFAULT_FISCAL_YEAR_END
    kind = str(settings_mod.get_value(conn, "setting.agency_kind", "municipality") or "")
    return Settings(zone=zone, fiscal_year_end=fye, agency_kind=kind or "municipality")


def active_rules(
    conn: Connection, archive: Archive, schedule: dict[str, Series]
) -> tuple[list[CompiledRule], list[str]]:
    """The rules in force, compiled; rules whose series or query no longer work are left
    out with a note (they cannot classify, and must not stop the others)."""
    rows = conn.execute(
        text(
            "SELECT id, position, query, series_code FROM retention_rules"
            " WHERE removed_at IS NULL ORDER BY position, id"
        )
    ).all()
    rules: list[CompiledRule] = []
    notes: list[str] = []
    for rid, position, query, code in rows:
        series = schedule.get(code)
        if series is None:
            notes.append(f"Rule {rid} names series {code}, which the schedule lacks; skipped.")
            continue
        try:
            sql, params = compile_rule_query(archive, query)
        except RetentionError as exc:
            notes.append(f"Rule {rid} skipped: {exc}")
            continue
        rules.append(CompiledRule(int(rid), int(position), query, series, sql, params))
    return rules, notes


class _Evaluator:
    """Retention keys per (rule, local creation date, event date), with bounded caches:
    `from_local` is the classification's `rd_key`; calling it with a record's stored UTC
    `created_at` (the viewer, `test_rule`) works the local date out first.

    It runs once per (record, matching rule), so the local date is worked out from the
    stored UTC text with the zone's offset cached per UTC hour (exact per minute in the rare
    hour that holds an offset change), and each (rule, local date, event date) key once."""

    _LIMIT = 1 << 18

    def __init__(self, rules: Iterable[CompiledRule], settings: Settings) -> None:
        self.series = {r.id: r.series for r in rules}
        self.settings = settings
        self.offsets: dict[str, int | None] = {}
        self.keys: dict[tuple[int, str | None, str | None], str] = {}

    def _offset(self, hour: str) -> int | None:
        """Minutes east of UTC throughout this UTC hour; None when it changes inside it."""
        start = datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=UTC)
        first = start.astimezone(self.settings.zone).utcoffset()
        last = (start + timedelta(minutes=59)).astimezone(self.settings.zone).utcoffset()
        if first != last or first is None:
            return None
        return int(first.total_seconds() // 60)

    def local_date(self, created_at: str) -> str:
        hour = created_at[:13]
        if hour in self.offsets:
            offset = self.offsets[hour]
        else:
            if len(self.offsets) > self._LIMIT:
                self.offsets.clear()
            offset = self.offsets[hour] = self._offset(hour)
        if offset is None:
            moment = datetime.strptime(created_at[:16], "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
            return dates.local_date(moment, self.settings.zone).isoformat()
        minutes = int(created_at[11:13]) * 60 + int(created_at[14:16]) + offset
        if 0 <= minutes < 1440:
            return created_at[:10]
        day = date.fromisoformat(created_at[:10]) + timedelta(days=minutes // 1440)
        return day.isoformat()

    def _key(self, rule_id: int, created: str | None, event_day: str | None) -> str:
        series = self.series[rule_id]
        disp = "1" if series.disposition == "transfer" else "0"
        event = date.fromisoformat(event_day) if event_day else None
        local = date.fromisoformat(created) if created else None
        trig = _trigger(series, local, event, self.settings.fiscal_year_end)
        trig_text = trig.isoformat() if trig else _NO_DATE
        if series.period.permanent:
            return f"39999-12-31{disp}p{trig_text}"
        if trig is None:
            status = "e" if series.event is not None else "n"
            return f"29999-12-30{disp}{status}{_NO_DATE}"
        eligible = dates.eligible_on(series.period, trig)
        assert eligible is not None
        return f"1{eligible.isoformat()}{disp}d{trig_text}"

    def from_local(self, rule_id: int, local: str | None, event_day: str | None) -> str:
        """The key for a record created on local date `local` ('' or None: unknown)."""
        cache_key = (int(rule_id), local or None, event_day or None)
        found = self.keys.get(cache_key)
        if found is None:
            if len(self.keys) > self._LIMIT:
                self.keys.clear()
            found = self.keys[cache_key] = self._key(*cache_key)
        return found

    def __call__(self, rule_id: int, created_at: str | None, event_day: str | None) -> str:
        created = self.local_date(created_at) if created_at else None
        return self.from_local(rule_id, created, event_day)


def offset_table(conn: Connection, zone: ZoneInfo) -> None:
    """temp.rd_tz: from each UTC minute ('YYYY-MM-DDTHH:MM') on, the zone's offset in
    minutes, covering the archive's creation dates; SQL then finds every record's local date
    with one index seek instead of a Python call per record."""
    conn.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS rd_tz (start TEXT PRIMARY KEY, off INTEGER)"
    )
    conn.exec_driver_sql("DELETE FROM temp.rd_tz")
    # two statements, so each is one seek of ix_records_created (together they scan it)
    low, high = conn.exec_driver_sql(
        "SELECT (SELECT min(created_at) FROM records), (SELECT max(created_at) FROM records)"
    ).one()
    rows: list[tuple[str, int]] = []

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(zone).utcoffset()
        return int(delta.total_seconds() // 60) if delta is not None else 0

    if low and high:
        day = datetime.strptime(low[:10], "%Y-%m-%d").replace(tzinfo=UTC) - timedelta(days=2)
        end = datetime.strptime(high[:10], "%Y-%m-%d").replace(tzinfo=UTC) + timedelta(days=2)
        current = offset(day)
        rows.append(("0000", current))
        while day < end:
            following = day + timedelta(days=1)
            if offset(following) != current:
                lo, hi = 0, 24 * 60  # first minute of the day with the new offset
                while lo < hi:
                    mid = (lo + hi) // 2
                    if offset(day + timedelta(minutes=mid)) != current:
                        hi = mid
                    else:
                        lo = mid + 1
                change = day + timedelta(minutes=lo)
                current = offset(change)
                rows.append((change.strftime("%Y-%m-%dT%H:%M"), current))
            day = following
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.executemany("INSERT INTO temp.rd_tz(start, off) VALUES (?, ?)", rows)


def _trigger(
    series: Series, created: date | None, event: date | None, fye: tuple[int, int]
) -> date | None:
    if series.event is not None:
        return event
    if created is None:
        return None
    if series.trigger == "created":
        return created
    if series.trigger == "calendar_year_end":
        return date(created.year, 12, 31)
    return dates.fiscal_year_end_after(created, fye)


# the fixed opening of `SearchEngine.matching_ids_sql`; a rule's SELECT that starts with it
# can be turned round to walk the scope instead of the rule's own matches
_RULE_PREFIX = "SELECT r.id FROM records r WHERE "
# a scope up to this share of the archive is walked record by record for every rule; above
# it each rule reads its own matches (index or full-text) and probes the scope. Measured at
# 1M records, 20 rules: walking wins clearly at 7k (0.9 s against 1.8 s), slightly at 130k
# and 160k, and loses slightly at 240k
_SCOPE_DRIVES = 0.2
_SCOPE_PREFIX = "SELECT r.id FROM temp.rd_scope s CROSS JOIN records r WHERE "


def _scope_driven(rule_sql: str) -> str | None:
    if not rule_sql.startswith(_RULE_PREFIX):
        return None
    # CROSS JOIN keeps the scope as the outer loop: SQLite would otherwise start from an
    # index of the rule's own filters and probe the scope for each of its matches
    return _SCOPE_PREFIX + "r.id = s.id AND " + rule_sql[len(_RULE_PREFIX) :]


def _prepare(conn: Connection, rules: list[CompiledRule], settings: Settings) -> None:
    """Temp tables emptied, `rd_key` bound to these rules, temp.rd_rules filled."""
    temp_tables(conn)
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.create_function("rd_key", 3, _Evaluator(rules, settings).from_local, deterministic=True)
    raw.executemany(
        "INSERT INTO temp.rd_rules(id, pos, series_code, event) VALUES (?, ?, ?, ?)",
        [(r.id, r.position, r.series.code, r.series.event) for r in rules],
    )


# a record's local creation date ('' when unknown) through the offset table temp.rd_tz
# the record's local creation date (YYYY-MM-DD, '' without one) in SQL, from the zone offset
# table `offset_table` fills; a record of alias `r` (disposal reports group by it too)
LOCAL_DATE_SQL = (
    "coalesce(date(substr(r.created_at, 1, 16), (SELECT z.off FROM temp.rd_tz z"
    " WHERE z.start <= substr(r.created_at, 1, 16) ORDER BY z.start DESC LIMIT 1)"
    " || ' minutes'), '')"
)


def _insert_candidates(
    conn: Connection, rule: CompiledRule, select: str, params: dict[str, object]
) -> None:
    """temp.rd_cand rows (record, rule, position, local creation date, event date) for the
    records `select` (a `SELECT r.id FROM records r WHERE …`) returns. The columns are read
    in the rule's own pass over `records`, so no hit is looked up a second time."""
    event = "''"
    if rule.series.event is not None:
        event = (
            "coalesce((SELECT e.event_date FROM record_events e WHERE e.record_id = r.id"
            " AND e.event = :rd_event), '')"
        )
        params = {**params, "rd_event": rule.series.event}
    columns = f"r.id, {rule.id}, {rule.position}, {LOCAL_DATE_SQL}, {event}"
    if select.startswith(_RULE_PREFIX):
        body = f"SELECT {columns} FROM records r WHERE " + select[len(_RULE_PREFIX) :]
    elif select.startswith(_SCOPE_PREFIX):
        body = (
            f"SELECT {columns} FROM temp.rd_scope s CROSS JOIN records r WHERE "
            + select[len(_SCOPE_PREFIX) :]
        )
    else:
        body = f"SELECT {columns} FROM records r WHERE r.id IN ({select})"
    conn.exec_driver_sql(
        f"INSERT INTO temp.rd_cand(record_id, rule_id, pos, local, event_date) {body}", params
    )


def _keys(conn: Connection) -> None:
    """temp.rd_keys: each distinct (rule, local date, event date) of temp.rd_cand keyed once
    in Python."""
    conn.exec_driver_sql(
        "INSERT INTO temp.rd_keys(rule_id, local, event_date, rkey)"
        " SELECT rule_id, local, event_date, rd_key(rule_id, local, event_date)"
        " FROM (SELECT DISTINCT rule_id, local, event_date FROM temp.rd_cand)"
    )


_NEW_COLUMNS = (
    "rr.series_code, w.rule_id,"
    f" NULLIF(substr(w.rkey, 14, 10), '{_NO_DATE}'),"
    " CASE WHEN substr(w.rkey, 13, 1) = 'd' THEN substr(w.rkey, 2, 10) END,"
    f" {_DECODE},"
    " CASE substr(w.rkey, 12, 1) WHEN '1' THEN 'transfer' ELSE 'destroy' END"
)
# a stored row's key prefix (rank, eligible date, disposition), as `_Evaluator._key` builds it
_STORED_PREFIX = (
    "(CASE o.status WHEN 'permanent' THEN '39999-12-31'"
    " WHEN 'dated' THEN '1' || o.eligible_on ELSE '29999-12-30' END)"
    " || (CASE o.disposition WHEN 'transfer' THEN '1' ELSE '0' END)"
)


def _store(conn: Connection, in_scope: str | None) -> int:
    """Write temp.rd_new into record_retention; with `in_scope` (a condition on record_id)
    records it covers that rd_new lacks lose their row (unclassified). Returns how many
    records' series or eligible date changed."""
    gone = (
        f" + (SELECT count(*) FROM record_retention WHERE {in_scope} AND record_id"
        " NOT IN (SELECT record_id FROM temp.rd_new))"
        if in_scope
        else ""
    )
    moved = int(
        conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM temp.rd_new n LEFT JOIN record_retention o"
            " ON o.record_id = n.record_id WHERE o.record_id IS NULL"
            " OR o.series_code IS NOT n.series_code OR o.eligible_on IS NOT n.eligible_on)" + gone
        ).scalar_one()
    )
    if in_scope:
        conn.exec_driver_sql(
            f"DELETE FROM record_retention WHERE {in_scope}"
            " AND record_id NOT IN (SELECT record_id FROM temp.rd_new)"
        )
    conn.exec_driver_sql(
        "DELETE FROM temp.rd_new WHERE record_id IN (SELECT n.record_id FROM temp.rd_new n"
        " JOIN record_retention o ON o.record_id = n.record_id"
        " WHERE o.series_code IS n.series_code AND o.rule_id IS n.rule_id"
        " AND o.trigger_date IS n.trigger_date AND o.eligible_on IS n.eligible_on"
        " AND o.status IS n.status AND o.disposition IS n.disposition)"
    )
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO record_retention (record_id, series_code, rule_id,"
        " trigger_date, eligible_on, status, disposition, classified_at)"
        " SELECT record_id, series_code, rule_id, trigger_date, eligible_on, status,"
        " disposition, :now FROM temp.rd_new",
        {"now": timeutil.now_db()},
    )
    return moved


def _clear(conn: Connection) -> None:
    # the write connection is pooled: leave no million-row temp tables in its memory
    for name in ("rd_cand", "rd_keys", "rd_new", "rd_scope"):
        conn.exec_driver_sql(f"DELETE FROM temp.{name}")


def run(
    conn: Connection,
    archive: Archive,
    scoped: bool,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> tuple[int, int, list[str]]:
    """Reclassify the records in temp.rd_scope (every record when not `scoped`) inside the
    caller's write transaction; returns (records considered, moved, notes). Also adds the
    scope's records to the query holds they match."""
    ensure_in(conn, archive)
    settings = read_settings(conn)
    schedule = schedule_in(conn)
    rules, notes = active_rules(conn, archive, schedule)
    _prepare(conn, rules, settings)
    considered = int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM temp.rd_scope" if scoped else "SELECT count(*) FROM records"
        ).scalar_one()
    )
    walk_scope = False
    if scoped:
        total = int(conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one())
        walk_scope = considered <= total * _SCOPE_DRIVES
    scope_sql = " AND r.id IN (SELECT id FROM temp.rd_scope)" if scoped else ""
    offset_table(conn, settings.zone)
    steps = len(rules) + 2
    for done, rule in enumerate(rules):
        if cancel is not None and cancel.is_set():
            raise RetentionError("Classification was cancelled; nothing was changed.")
        if considered == 0:
            break
        driven = _scope_driven(rule.sql) if walk_scope else None
        select = driven if driven is not None else f"{rule.sql}{scope_sql}"
        _insert_candidates(conn, rule, select, dict(rule.params))
        if progress is not None:
            progress(done + 1, steps)
    _keys(conn)
    # one grouped pass: SQLite takes the bare columns from the row holding the max (longest
    # retention, then the earlier rule)
    conn.exec_driver_sql(
        f"INSERT INTO temp.rd_new SELECT w.record_id, {_NEW_COLUMNS}"
        " FROM (SELECT c.record_id, c.rule_id, k.rkey,"
        "  max(substr(k.rkey, 1, 12) || printf('%010d', 1000000000 - c.pos))"
        "  FROM temp.rd_cand c JOIN temp.rd_keys k ON k.rule_id = c.rule_id"
        "  AND k.local = c.local AND k.event_date = c.event_date GROUP BY c.record_id) w"
        " JOIN temp.rd_rules rr ON rr.id = w.rule_id"
    )
    moved = _store(conn, "record_id IN (SELECT id FROM temp.rd_scope)" if scoped else "1 = 1")
    if progress is not None:
        progress(steps - 1, steps)
    materialise_query_holds(conn, archive, scoped)
    _clear(conn)
    if progress is not None:
        progress(steps, steps)
    return considered, moved, notes


def changed_series(before: dict[str, Series], after: dict[str, Series]) -> set[str]:
    """Codes whose classification meaning (period, trigger, disposition) differs, or that
    one side lacks."""

    def meaning(series: Series | None) -> tuple[object, ...] | None:
        if series is None:
            return None
        return (series.period, series.trigger, series.disposition)

    return {
        code
        for code in set(before) | set(after)
        if meaning(before.get(code)) != meaning(after.get(code))
    }


def scope_rules(
    conn: Connection, archive: Archive, codes: set[str], rule_ids: Iterable[int] = ()
) -> bool:
    """Fill temp.rd_scope with the records that rules in force filing under `codes`, or with
    ids `rule_ids`, match: only their keys can differ, so only they can move. False (scope
    emptied: classify every record) when that is over half the archive, where one full pass
    is cheaper than a scoped one."""
    set_scope(conn, None)
    wanted = {int(i) for i in rule_ids}
    rows = conn.exec_driver_sql(
        "SELECT id, query, series_code FROM retention_rules WHERE removed_at IS NULL"
    ).all()
    for rid, query, code in rows:
        if code not in codes and int(rid) not in wanted:
            continue
        try:
            sql, params = compile_rule_query(archive, query)
        except RetentionError:
            continue  # skipped by classification as well
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.rd_scope(id) {sql}", dict(params))
    scoped = int(conn.exec_driver_sql("SELECT count(*) FROM temp.rd_scope").scalar_one())
    total = int(conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one())
    if scoped * 2 > total:
        conn.exec_driver_sql("DELETE FROM temp.rd_scope")
        return False
    return True


def run_added(conn: Connection, archive: Archive, rule_id: int) -> tuple[int, int, list[str]]:
    """Classify after adding rule `rule_id` (the last in order), temp.rd_scope holding the
    records its query matches; returns (records considered, moved, notes) like `run`.

    Adding a rule only adds a candidate, so a classified record keeps its stored winner
    unless the new rule keeps it strictly longer (being last, it loses every tie): one key
    per record against the stored row, no other rule re-run. Records of the scope without
    a row (never classified, e.g. written while no rule was in force) go through `run`
    with every rule. This trusts the stored rows to be what the rules in force decide, which
    every change of rules, schedules, event dates and records here keeps true; a settings
    change that moves dates (time zone, fiscal year end) needs a full `classify`."""
    ensure_in(conn, archive)
    settings = read_settings(conn)
    schedule = schedule_in(conn)
    row = conn.exec_driver_sql(
        "SELECT id, position, query, series_code FROM retention_rules"
        " WHERE id = ? AND removed_at IS NULL",
        (int(rule_id),),
    ).one()
    series = schedule[row[3]]
    rule = CompiledRule(int(row[0]), int(row[1]), row[2], series, "", {})
    considered = int(conn.exec_driver_sql("SELECT count(*) FROM temp.rd_scope").scalar_one())
    materialise_query_holds(conn, archive, True)
    _prepare(conn, [rule], settings)
    offset_table(conn, settings.zone)
    _insert_candidates(
        conn,
        rule,
        "SELECT s.id FROM temp.rd_scope s JOIN record_retention o ON o.record_id = s.id",
        {},
    )
    _keys(conn)
    conn.exec_driver_sql(
        f"INSERT INTO temp.rd_new SELECT w.record_id, {_NEW_COLUMNS}"
        " FROM (SELECT c.record_id, c.rule_id, k.rkey FROM temp.rd_cand c"
        "  JOIN temp.rd_keys k ON k.rule_id = c.rule_id AND k.local = c.local"
        "  AND k.event_date = c.event_date"
        "  JOIN record_retention o ON o.record_id = c.record_id"
        f"  WHERE substr(k.rkey, 1, 12) > {_STORED_PREFIX}) w"
        " JOIN temp.rd_rules rr ON rr.id = w.rule_id"
    )
    moved = _store(conn, None)
    # the scope's never-classified records: every rule decides them
    conn.exec_driver_sql(
        "DELETE FROM temp.rd_scope WHERE id IN (SELECT record_id FROM record_retention)"
    )
    notes: list[str] = []
    if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM temp.rd_scope)").scalar_one():
        _considered, fresh_moved, notes = run(conn, archive, True)
        moved += fresh_moved
    _clear(conn)
    return considered, moved, notes


def summary_in(conn: Connection, moved: int = 0, notes: Iterable[str] = ()) -> ClassifySummary:
    settings = read_settings(conn)
    today = datetime.now(settings.zone).date().isoformat()
    records = int(conn.exec_driver_sql("SELECT count(*) FROM records").scalar_one())
    per_series = {
        str(code): int(n)
        for code, n in conn.exec_driver_sql(
            "SELECT series_code, count(*) FROM record_retention GROUP BY series_code"
            " ORDER BY series_code"
        ).all()
    }
    classified = sum(per_series.values())
    held_sql = (
        "SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
        " WHERE h.released_at IS NULL"
    )
    eligible = int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM record_retention WHERE status = 'dated'"
            f" AND eligible_on <= :today AND record_id NOT IN ({held_sql})",
            {"today": today},
        ).scalar_one()
    )
    held = int(
        conn.exec_driver_sql(f"SELECT count(DISTINCT record_id) FROM ({held_sql})").scalar_one()
    )
    return ClassifySummary(
        records=records,
        classified=classified,
        unclassified=records - classified,
        per_series=per_series,
        eligible_now=eligible,
        held=held,
        moved=moved,
        notes=tuple(notes),
    )


def classify(
    archive: Archive,
    record_ids: Iterable[int] | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ClassifySummary:
    """(Re)classify every record, or only `record_ids`, under the rules in force (audited
    as `retention.classify` with counts only). Cancelling rolls everything back."""
    with archive.write() as conn:
        scoped = set_scope(conn, record_ids)
        considered, moved, notes = run(conn, archive, scoped, progress=progress, cancel=cancel)
        summary = summary_in(conn, moved, notes)
        archive.audit(
            conn,
            action="retention.classify",
            object_type="record",
            details={
                "records": considered,
                "moved": moved,
                "unclassified": summary.unclassified,
            },
        )
        return summary


def classification_summary(archive: Archive) -> ClassifySummary:
    """Per-series counts, unclassified, eligible now and held, as stored (writes nothing)."""
    with archive.read() as conn:
        return summary_in(conn)

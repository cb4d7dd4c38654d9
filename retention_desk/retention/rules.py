"""Rules: a search-language query that assigns a series, kept in the archive in order.

`add_rule` / `remove_rule` reclassify only what the rule touches (what it matches, or what it
decided) and audit ids and counts (`retention.rule_add` / `retention.rule_remove`), never the
query or note. `test_rule` says what a rule would do and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.retention import classifier as cl
from retention_desk.retention.errors import RetentionError
from retention_desk.retention.schedule import Series
from retention_desk.retention.schedules_store import ensure_in, schedule_in


@dataclass(frozen=True)
class RuleInfo:
    id: int
    position: int
    query: str
    series_code: str
    note: str
    author: str
    created_at: str
    removed_at: str | None = None


@dataclass(frozen=True)
class RuleChange:
    rule_id: int
    series_code: str
    matched: int  # records the rule's query matches (for a removal: records it decided)
    moved: int  # records whose series or eligible date changed


@dataclass(frozen=True)
class SeriesMove:
    from_series: str | None  # None: unclassified
    to_series: str
    records: int


@dataclass(frozen=True)
class RuleTest:
    query: str
    series_code: str
    matched: int
    would_change: int  # records whose series this rule would decide anew
    moves: tuple[SeriesMove, ...]


def check_series(schedule: dict[str, Series], code: str, agency_kind: str) -> Series:
    series = schedule.get(code)
    if series is None:
        raise RetentionError(
            f"Series {code!r} is not in the schedule; choose one of {', '.join(sorted(schedule))}."
        )
    if agency_kind not in series.applies_to and agency_kind not in series.guidance_for:
        raise RetentionError(
            f"Series {code} neither binds nor is guidance for a {agency_kind} agency; import"
            " an agency schedule file that adopts it."
        )
    return series


def insert_rule(
    conn: Connection, archive: Archive, query: str, code: str, note: str, author: str | None
) -> int:
    position = int(
        conn.exec_driver_sql(
            "SELECT coalesce(max(position), 0) + 1 FROM retention_rules"
        ).scalar_one()
    )
    result = conn.execute(
        text(
            "INSERT INTO retention_rules (position, query, series_code, note, author,"
            " created_at) VALUES (:pos, :query, :code, :note, :author, :at)"
        ),
        {
            "pos": position,
            "query": query,
            "code": code,
            "note": note,
            "author": author or archive.operator(conn),
            "at": timeutil.now_db(),
        },
    )
    return int(result.lastrowid or 0)


def add_rule(
    archive: Archive, query: str, series: str, note: str = "", author: str | None = None
) -> RuleChange:
    """Add a rule at the end and reclassify the records its query matches (each keeps its
    stored winner unless the new rule keeps it longer; see `classifier.run_added`)."""
    query = query.strip()
    if not query:
        raise RetentionError("A rule needs a query (an empty one would claim every record).")
    sql, params = cl.compile_rule_query(archive, query)
    with archive.write() as conn:
        ensure_in(conn, archive)
        settings = cl.read_settings(conn)
        check_series(schedule_in(conn), series.strip(), settings.agency_kind)
        rule_id = insert_rule(conn, archive, query, series.strip(), note, author)
        cl.set_scope(conn, None)
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.rd_scope(id) {sql}", dict(params))
        # only the new rule's matches can change, and only to the new rule
        matched, moved, _notes = cl.run_added(conn, archive, rule_id)
        archive.audit(
            conn,
            action="retention.rule_add",
            object_type="retention_rule",
            object_ids=[rule_id],
            details={"rule": rule_id, "series": series.strip(), "matched": matched, "moved": moved},
        )
    return RuleChange(rule_id, series.strip(), matched, moved)


def remove_rule(archive: Archive, rule_id: int) -> RuleChange:
    """Retire a rule (its row stays, marked removed) and reclassify what it decided."""
    with archive.write() as conn:
        row = conn.execute(
            text("SELECT series_code, removed_at FROM retention_rules WHERE id = :id"),
            {"id": int(rule_id)},
        ).first()
        if row is None or row[1] is not None:
            raise RetentionError(f"There is no rule {rule_id} in force.")
        conn.execute(
            text("UPDATE retention_rules SET removed_at = :at WHERE id = :id"),
            {"at": timeutil.now_db(), "id": int(rule_id)},
        )
        # only records this rule decided can change: it lost everywhere else
        cl.set_scope(conn, f"SELECT record_id FROM record_retention WHERE rule_id = {int(rule_id)}")
        matched, moved, _notes = cl.run(conn, archive, True)
        archive.audit(
            conn,
            action="retention.rule_remove",
            object_type="retention_rule",
            object_ids=[int(rule_id)],
            details={"rule": int(rule_id), "series": row[0], "matched": matched, "moved": moved},
        )
    return RuleChange(int(rule_id), str(row[0]), matched, moved)


def list_rules(archive: Archive, include_removed: bool = False) -> list[RuleInfo]:
    where = "" if include_removed else " WHERE removed_at IS NULL"
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, position, query, series_code, note, author, created_at, removed_at"
            f" FROM retention_rules{where} ORDER BY position, id"
        ).all()
    return [RuleInfo(*row) for row in rows]


def test_rule(archive: Archive, query: str, series: str) -> RuleTest:
    """How many records `query` would claim for `series`, and which would change series
    (from → to counts), were it added now. Writes nothing.

    A record changes when the new rule would win it: its dates are computed as
    classification would, then compared with the stored winner's (longest wins)."""
    sql, params = cl.compile_rule_query(archive, query)
    with archive.read() as conn:
        settings = cl.read_settings(conn)
        target = check_series(schedule_in(conn), series.strip(), settings.agency_kind)
        probe = cl.CompiledRule(0, 1 << 29, query, target, sql, params)
        evaluator = cl._Evaluator([probe], settings)
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.create_function("rd_eval", 3, evaluator, deterministic=True)
        event = target.event or ""
        rows = conn.exec_driver_sql(
            "SELECT o.series_code, count(*), sum(CASE WHEN o.record_id IS NULL THEN 1"
            " WHEN substr(rd_eval(0, r.created_at, e.event_date), 1, 12) >"
            "  (CASE o.status WHEN 'permanent' THEN '39999-12-31'"
            "   WHEN 'dated' THEN '1' || o.eligible_on ELSE '29999-12-30' END)"
            "  || (CASE o.disposition WHEN 'transfer' THEN '1' ELSE '0' END)"
            " THEN 1 ELSE 0 END)"
            f" FROM ({sql}) m JOIN records r ON r.id = m.id"
            " LEFT JOIN record_retention o ON o.record_id = m.id"
            " LEFT JOIN record_events e ON e.record_id = m.id AND e.event = :rd_event"
            " GROUP BY o.series_code",
            {**params, "rd_event": event},
        ).all()
    matched = sum(int(r[1]) for r in rows)
    moves = tuple(
        SeriesMove(r[0], target.code, int(r[2]))
        for r in rows
        if int(r[2] or 0) and r[0] != target.code
    )
    return RuleTest(query, target.code, matched, sum(m.records for m in moves), moves)


test_rule.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported

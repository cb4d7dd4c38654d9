"""Event dates the user sets ("file closed", "request fulfilled or denied") for records, and
the import of an agency's schedule file: both reclassify what they affect, audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import text

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.retention import classifier as cl
from retention_desk.retention.errors import RetentionError
from retention_desk.retention.rules import insert_rule
from retention_desk.retention.schedule import ScheduleError, load_schedule
from retention_desk.retention.schedules_store import ensure_in, schedule_in, store_file

_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class ScheduleImport:
    file_id: int
    label: str
    sha256: str
    series: int
    rules: int
    rule_ids: tuple[int, ...]
    overridden: tuple[str, ...]  # series codes an earlier file defined
    moved: int


def set_event_date(
    archive: Archive,
    event: str,
    when: date,
    query: str | None = None,
    record_ids: Iterable[int] = (),
) -> int:
    """Record that `event` happened on `when` for the records `query` matches and/or
    `record_ids`, then reclassify them; returns how many records got the date."""
    event = event.strip().removeprefix("event:")
    if not _EVENT.match(event):
        raise RetentionError(
            f"Event name {event!r} must be lower-case letters, digits and '_' (e.g. file_closed)."
        )
    if not isinstance(when, date):
        raise RetentionError("An event date must be a calendar date.")
    ids = [int(i) for i in record_ids]
    query = (query or "").strip() or None
    if query is None and not ids:
        raise RetentionError("Name the records: a query, record ids, or both.")
    compiled = cl.compile_rule_query(archive, query) if query else None
    with archive.write() as conn:
        cl.set_scope(conn, ids)
        if compiled is not None:
            sql, params = compiled
            conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.rd_scope(id) {sql}", dict(params))
        conn.exec_driver_sql("DELETE FROM temp.rd_scope WHERE id NOT IN (SELECT id FROM records)")
        count = int(conn.exec_driver_sql("SELECT count(*) FROM temp.rd_scope").scalar_one())
        conn.execute(
            text(
                "INSERT OR REPLACE INTO record_events(record_id, event, event_date, set_at,"
                " set_by) SELECT id, :event, :day, :at, :by FROM temp.rd_scope"
            ),
            {
                "event": event,
                "day": when.isoformat(),
                "at": timeutil.now_db(),
                "by": archive.operator(conn),
            },
        )
        _considered, moved, _notes = cl.run(conn, archive, True)
        archive.audit(
            conn,
            action="retention.event_set",
            object_type="record",
            details={"event": event, "date": when.isoformat(), "records": count, "moved": moved},
        )
    return count


def import_schedule(archive: Archive, path: Path | str) -> ScheduleImport:
    """Store an agency schedule file (byte for byte, with its SHA-256), add its rules and
    reclassify the records they, or the rules of series it changes, match. A bad file is
    refused whole, nothing stored: RetentionError with the file, line and reason."""
    try:
        parsed = load_schedule(path)
    except ScheduleError as exc:
        raise RetentionError(str(exc)) from None
    compiled = []
    for rule in parsed.rules:
        try:
            compiled.append(cl.compile_rule_query(archive, rule.query))
        except RetentionError as exc:
            raise RetentionError(f"{parsed.path}, line {rule.line}: {exc}") from None
    with archive.write() as conn:
        ensure_in(conn, archive)
        before = schedule_in(conn)
        try:
            parsed.check_rules(set(before))
        except ScheduleError as exc:
            raise RetentionError(str(exc)) from None
        file_id = store_file(conn, archive, parsed, builtin=False)
        rule_ids = tuple(
            insert_rule(conn, archive, r.query, r.series, r.note, None) for r in parsed.rules
        )
        # only records a rule files under a changed series (or a new rule matches) can move
        changed = cl.changed_series(before, schedule_in(conn))
        scoped = cl.scope_rules(conn, archive, changed, rule_ids)
        _considered, moved, _notes = cl.run(conn, archive, scoped)
        overridden = tuple(s.code for s in parsed.series if s.code in before)
        archive.audit(
            conn,
            action="retention.schedule_import",
            object_type="retention_schedule_file",
            object_ids=[file_id],
            details={
                "builtin": False,
                "series": len(parsed.series),
                "rules": len(rule_ids),
                "rule_ids": list(rule_ids),
                "sha256": parsed.sha256,
                "overridden": list(overridden),
                "moved": moved,
            },
        )
    return ScheduleImport(
        file_id=file_id,
        label=Path(parsed.path).name,
        sha256=parsed.sha256,
        series=len(parsed.series),
        rules=len(rule_ids),
        rule_ids=rule_ids,
        overridden=overridden,
        moved=moved,
    )

"""A request's responsive set: the records found for it, each with the version current when it
was added, held while the request is open.

Records come in by a search (the query is saved with the request and `rerun_queries` picks
up records imported since) or by id (the Archive view's selection); a record found not
responsive is removed with a reason and keeps its row, so the set's history shows it. The
request's hold (reason `ipra_request`, named after the request number) is placed when the
first record arrives and follows the set; closing the request releases it after the agency's
period (requests.release_due_holds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.requests import check_open, request_row
from retention_desk.retention import holds as holds_mod
from retention_desk.retention import scope as scope_mod
from retention_desk.retention.errors import RetentionError


@dataclass(frozen=True)
class SetChange:
    number: str
    added: int
    already: int
    removed: int
    missing: tuple[int, ...]
    total: int
    query_id: int | None = None


@dataclass(frozen=True)
class SetMember:
    record_id: int
    version_id: int | None
    platform: str | None  # None: the record no longer exists (destroyed after closing)
    kind: str | None
    created_at: str | None
    author: str | None
    added_via: str
    added_at: str
    removed_at: str | None
    removed_reason: str | None


@dataclass(frozen=True)
class SetCounts:
    total: int
    removed: int
    by_platform: tuple[tuple[str, int], ...]
    by_kind: tuple[tuple[str, int], ...]


def _ensure_hold(conn: Connection, archive: Archive, row: Any) -> int:
    hold_id = row[17]
    if hold_id is not None:
        active = conn.exec_driver_sql(
            "SELECT released_at IS NULL FROM holds WHERE id = ?", (int(hold_id),)
        ).scalar()
        if active:
            return int(hold_id)
    # a fresh hold when the request has none (or its hold was released and it reopened)
    name = f"{row[1]} responsive records"
    suffix = 1
    while conn.exec_driver_sql("SELECT 1 FROM holds WHERE name = ?", (name,)).first():
        suffix += 1
        name = f"{row[1]} responsive records ({suffix})"
    result = conn.exec_driver_sql(
        "INSERT INTO holds (name, reason, matter, placed_by, placed_at, query)"
        " VALUES (?, 'ipra_request', ?, ?, ?, NULL)",
        (name, row[1], archive.operator(conn), timeutil.now_db()),
    )
    new_id = int(result.lastrowid or 0)
    archive.audit(
        conn,
        action="retention.hold_place",
        object_type="hold",
        object_ids=[new_id],
        details={"hold": new_id, "reason": "ipra_request", "records": 0, "by_query": False},
    )
    conn.exec_driver_sql("UPDATE ipra_requests SET hold_id = ? WHERE id = ?", (new_id, int(row[0])))
    return new_id


def _add(
    conn: Connection,
    archive: Archive,
    row: Any,
    ids: list[int] | None,
    via: str,
    query_id: int | None,
) -> SetChange:
    """Add the records `ids` (None: those a search already put in temp.rd_scope)."""
    rid = int(row[0])
    missing: tuple[int, ...] = ()
    if ids is not None:
        scope_mod.set_scope(conn, ids)
        missing = tuple(
            int(m[0])
            for m in conn.exec_driver_sql(
                "SELECT id FROM temp.rd_scope WHERE id NOT IN (SELECT id FROM records) ORDER BY id"
            )
        )
    already = int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM ipra_request_records WHERE request_id = ? AND removed_at IS NULL"
            " AND record_id IN (SELECT id FROM temp.rd_scope)",
            (rid,),
        ).scalar_one()
    )
    now, who = timeutil.now_db(), archive.operator(conn)
    # a record removed earlier comes back (its removal stays in the audit trail)
    conn.exec_driver_sql(
        "DELETE FROM ipra_request_records WHERE request_id = ? AND removed_at IS NOT NULL"
        " AND record_id IN (SELECT id FROM temp.rd_scope)",
        (rid,),
    )
    result = conn.exec_driver_sql(
        "INSERT OR IGNORE INTO ipra_request_records (request_id, record_id, version_id,"
        " added_via, query_id, added_at, added_by)"
        " SELECT ?, s.id, (SELECT v.id FROM record_versions v WHERE v.record_id = s.id"
        " ORDER BY v.seq DESC LIMIT 1), ?, ?, ?, ? FROM temp.rd_scope s"
        # CROSS JOIN keeps the scope outside: `s.id IN (SELECT id FROM records)` made SQLite
        # walk every record id and probe the scope (0.24 s on a million records)
        " CROSS JOIN records r ON r.id = s.id",
        (rid, via, query_id, now, who),
    )
    added = max(result.rowcount, 0)
    if added:
        hold_id = _ensure_hold(conn, archive, row)
        holds_mod.add_to_hold(conn, archive, hold_id, None)  # the scope, joined to records
    total = _total(conn, rid)
    archive.audit(
        conn,
        action="ipra.records_add",
        object_type="ipra_request",
        object_ids=[rid],
        details={"request": rid, "added": added, "via": via, "total": total},
    )
    return SetChange(row[1], added, already, 0, missing, total, query_id)


def _total(conn: Connection, rid: int) -> int:
    return int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM ipra_request_records WHERE request_id = ? AND removed_at IS NULL",
            (rid,),
        ).scalar_one()
    )


def add_records(archive: Archive, number: str, record_ids: Iterable[int]) -> SetChange:
    """Add records by id (a selection in the Archive view); unknown ids are reported."""
    ids = sorted({int(i) for i in record_ids})
    if not ids:
        raise IpraError("No records were given to add.")
    with archive.write() as conn:
        row = request_row(conn, number)
        check_open(row)
        change = _add(conn, archive, row, ids, "selection", None)
        if change.missing and not change.added and not change.already:
            raise IpraError(
                "No record with id " + ", ".join(str(m) for m in change.missing[:5]) + "."
            )
        return change


def _scope_query(conn: Connection, archive: Archive, query: str, request_id: int) -> int:
    """Put the records `query` finds into temp.rd_scope, in SQL (no ids through Python),
    leaving out those removed from the request's set with a reason; returns how many."""
    try:
        sql, params = scope_mod.compile_rule_query(archive, query)
    except RetentionError as exc:
        raise IpraError(str(exc)) from exc
    scope_mod.set_scope(conn, ())
    conn.exec_driver_sql(
        f"INSERT OR IGNORE INTO temp.rd_scope(id) SELECT id FROM ({sql})", dict(params)
    )
    conn.exec_driver_sql(
        "DELETE FROM temp.rd_scope WHERE id IN (SELECT record_id FROM ipra_request_records"
        f" WHERE request_id = {int(request_id)} AND removed_at IS NOT NULL)"
    )
    return int(conn.exec_driver_sql("SELECT count(*) FROM temp.rd_scope").scalar_one())


def add_by_query(archive: Archive, number: str, query: str) -> SetChange:
    """Add every record the search-language `query` finds, and save the query with the
    request so `rerun_queries` finds records imported later. A record removed from the set
    with a reason stays out (add it back by id)."""
    query = query.strip()
    if not query:
        raise IpraError("The search is empty.")
    with archive.write() as conn:
        row = request_row(conn, number)
        check_open(row)
        found = _scope_query(conn, archive, query, int(row[0]))
        now = timeutil.now_db()
        result = conn.exec_driver_sql(
            "INSERT INTO ipra_request_queries (request_id, query, added_at, added_by,"
            " last_run_at, last_count) VALUES (?, ?, ?, ?, ?, ?)",
            (int(row[0]), query, now, archive.operator(conn), now, found),
        )
        query_id = int(result.lastrowid or 0)
        return _add(conn, archive, row, None, "query", query_id)


def rerun_queries(archive: Archive, number: str) -> SetChange:
    """Run the request's saved searches again; records they now find join the set (records
    removed with a reason stay removed)."""
    with archive.write() as conn:
        row = request_row(conn, number)
        check_open(row)
        rid = int(row[0])
        queries = conn.exec_driver_sql(
            "SELECT id, query FROM ipra_request_queries WHERE request_id = ? ORDER BY id", (rid,)
        ).all()
        if not queries:
            raise IpraError(f"{row[1]} has no saved search to run again.")
        added = already = 0
        last: SetChange | None = None
        for query_id, query in queries:
            found = _scope_query(conn, archive, query, rid)
            conn.exec_driver_sql(
                "UPDATE ipra_request_queries SET last_run_at = ?, last_count = ? WHERE id = ?",
                (timeutil.now_db(), found, int(query_id)),
            )
            if found:
                last = _add(conn, archive, row, None, "query", int(query_id))
                added += last.added
                already += last.already
        total = _total(conn, rid)
        return SetChange(row[1], added, already, 0, (), total, last.query_id if last else None)


def remove_records(
    archive: Archive, number: str, record_ids: Iterable[int], reason: str
) -> SetChange:
    """Take records out of the set with a reason (kept with who and when); they leave the
    request's hold too (another hold may still cover them)."""
    ids = sorted({int(i) for i in record_ids})
    if not reason.strip():
        raise IpraError("Removing records from a responsive set needs a reason.")
    if not ids:
        raise IpraError("No records were given to remove.")
    with archive.write() as conn:
        row = request_row(conn, number)
        check_open(row)
        rid = int(row[0])
        scope_mod.set_scope(conn, ids)
        result = conn.exec_driver_sql(
            "UPDATE ipra_request_records SET removed_at = ?, removed_by = ?, removed_reason = ?"
            " WHERE request_id = ? AND removed_at IS NULL"
            " AND record_id IN (SELECT id FROM temp.rd_scope)",
            (timeutil.now_db(), archive.operator(conn), reason.strip()[:2000], rid),
        )
        removed = max(result.rowcount, 0)
        if removed == 0:
            raise IpraError(f"None of those records is in the responsive set of {row[1]}.")
        if row[17] is not None:
            holds_mod.remove_from_hold(conn, archive, int(row[17]), ids)
        total = _total(conn, rid)
        archive.audit(
            conn,
            action="ipra.records_remove",
            object_type="ipra_request",
            object_ids=[rid],
            details={"request": rid, "removed": removed, "total": total},
        )
        return SetChange(row[1], 0, 0, removed, (), total)


def responsive_ids(archive: Archive, number: str) -> list[int]:
    with archive.read() as conn:
        row = request_row(conn, number)
        return [
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT record_id FROM ipra_request_records WHERE request_id = ?"
                " AND removed_at IS NULL ORDER BY record_id",
                (int(row[0]),),
            )
        ]


def responsive_members(
    archive: Archive, number: str, *, include_removed: bool = False, limit: int | None = None
) -> list[SetMember]:
    where = "" if include_removed else " AND m.removed_at IS NULL"
    cap = f" LIMIT {int(limit)}" if limit else ""
    with archive.read() as conn:
        row = request_row(conn, number)
        rows = conn.exec_driver_sql(
            "SELECT m.record_id, m.version_id, r.platform, r.kind, r.created_at,"
            " coalesce(r.author_name, r.author_handle), m.added_via, m.added_at, m.removed_at,"
            " m.removed_reason FROM ipra_request_records m LEFT JOIN records r"
            f" ON r.id = m.record_id WHERE m.request_id = ?{where}"
            f" ORDER BY r.created_at, m.record_id{cap}",
            (int(row[0]),),
        ).all()
    return [SetMember(*r) for r in rows]


def responsive_counts(archive: Archive, number: str) -> SetCounts:
    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])

        def grouped(column: str) -> tuple[tuple[str, int], ...]:
            return tuple(
                (str(k) if k is not None else "(destroyed)", int(n))
                for k, n in conn.exec_driver_sql(
                    f"SELECT r.{column}, count(*) FROM ipra_request_records m"
                    " LEFT JOIN records r ON r.id = m.record_id"
                    " WHERE m.request_id = ? AND m.removed_at IS NULL"
                    f" GROUP BY r.{column} ORDER BY count(*) DESC, r.{column}",
                    (rid,),
                )
            )

        removed = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM ipra_request_records WHERE request_id = ?"
                " AND removed_at IS NOT NULL",
                (rid,),
            ).scalar_one()
        )
        return SetCounts(_total(conn, rid), removed, grouped("platform"), grouped("kind"))

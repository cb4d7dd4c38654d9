"""Holds: records that may not be disposed of, whatever the schedule says, until released.

A hold's scope is a query in the search language, explicit record ids, or both. Query
members are materialised in `hold_records` (explicit = 0) when the hold is placed, on every
classification (so records imported later are caught) and by the import hook. A record stays
held while any unreleased hold covers it. Releasing needs a reason. The audit names hold ids,
reason codes and counts only, never a hold's name, matter, query or release reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.retention import scope as cl
from retention_desk.retention.errors import RetentionError

REASONS = ("litigation", "audit", "investigation", "ipra_request", "other")
REASON_WORDS = {
    "litigation": "litigation (1.13.4.14(B) NMAC)",
    "audit": "audit (1.13.10.17(D) NMAC)",
    "investigation": "investigation (1.13.10.17(D) NMAC)",
    "ipra_request": "IPRA request (agency policy; no rule requires it)",
    "other": "other",
}


@dataclass(frozen=True)
class HoldInfo:
    id: int
    name: str
    reason: str
    matter: str
    placed_by: str
    placed_at: str
    query: str | None
    released_at: str | None
    released_by: str | None
    release_reason: str | None
    records: int

    @property
    def active(self) -> bool:
        return self.released_at is None


Hold = HoldInfo

_COLUMNS = (
    "h.id, h.name, h.reason, h.matter, h.placed_by, h.placed_at, h.query, h.released_at,"
    " h.released_by, h.release_reason,"
    " (SELECT count(*) FROM hold_records hr WHERE hr.hold_id = h.id)"
)


def _info(row: Iterable[object]) -> HoldInfo:
    return HoldInfo(*row)  # type: ignore[arg-type]


def _get(conn: Connection, name_or_id: str | int) -> HoldInfo | None:
    if isinstance(name_or_id, int):
        row = conn.execute(
            text(f"SELECT {_COLUMNS} FROM holds h WHERE h.id = :v"), {"v": name_or_id}
        ).first()
    else:
        row = conn.execute(
            text(f"SELECT {_COLUMNS} FROM holds h WHERE h.name = :v"), {"v": name_or_id}
        ).first()
    return _info(row) if row is not None else None


def materialise_query_holds(conn: Connection, archive: Archive, scoped: bool) -> int:
    """Add the records (of temp.rd_scope when `scoped`) that unreleased holds' queries match;
    returns how many memberships were added."""
    holds = conn.exec_driver_sql(
        "SELECT id, query FROM holds WHERE released_at IS NULL AND query IS NOT NULL"
    ).all()
    added = 0
    scope_sql = " AND r.id IN (SELECT id FROM temp.rd_scope)" if scoped else ""
    for hold_id, query in holds:
        try:
            sql, params = cl.compile_rule_query(archive, query)
        except RetentionError:
            continue  # a query a later app cannot read keeps its existing members
        result = conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO hold_records(hold_id, record_id, explicit)"
            f" SELECT {int(hold_id)}, id, 0 FROM ({sql}{scope_sql})",
            dict(params),
        )
        added += max(result.rowcount, 0)
    return added


def place_hold(
    archive: Archive,
    name: str,
    reason: str,
    *,
    matter: str = "",
    query: str | None = None,
    record_ids: Iterable[int] = (),
    placed_by: str | None = None,
) -> HoldInfo:
    """Place a hold on the records `query` matches (now and as they arrive) and on
    `record_ids`. RetentionError for an empty or duplicate name, an unknown reason, an
    unknown record id, a query that cannot be read, or no scope at all."""
    name = name.strip()
    ids = sorted({int(i) for i in record_ids})
    query = (query or "").strip() or None
    if not name:
        raise RetentionError("A hold needs a name.")
    if reason not in REASONS:
        raise RetentionError(f"Hold reason {reason!r} must be one of {', '.join(REASONS)}.")
    if query is None and not ids:
        raise RetentionError("A hold needs a query, record ids, or both.")
    compiled = cl.compile_rule_query(archive, query) if query else None
    with archive.write() as conn:
        if _get(conn, name) is not None:
            raise RetentionError(f"A hold named {name!r} already exists; choose another name.")
        if ids:
            cl.set_scope(conn, ids)
            missing = conn.exec_driver_sql(
                "SELECT id FROM temp.rd_scope WHERE id NOT IN (SELECT id FROM records)"
                " ORDER BY id LIMIT 5"
            ).all()
            if missing:
                raise RetentionError(
                    "No record with id " + ", ".join(str(m[0]) for m in missing) + "."
                )
        result = conn.execute(
            text(
                "INSERT INTO holds (name, reason, matter, placed_by, placed_at, query)"
                " VALUES (:name, :reason, :matter, :by, :at, :query)"
            ),
            {
                "name": name,
                "reason": reason,
                "matter": matter,
                "by": placed_by or archive.operator(conn),
                "at": timeutil.now_db(),
                "query": query,
            },
        )
        hold_id = int(result.lastrowid or 0)
        if ids:
            conn.exec_driver_sql(
                f"INSERT INTO hold_records(hold_id, record_id, explicit)"
                f" SELECT {hold_id}, id, 1 FROM temp.rd_scope"
            )
        if compiled is not None:
            sql, params = compiled
            conn.exec_driver_sql(
                f"INSERT OR IGNORE INTO hold_records(hold_id, record_id, explicit)"
                f" SELECT {hold_id}, id, 0 FROM ({sql})",
                dict(params),
            )
        info = _get(conn, hold_id)
        assert info is not None
        archive.audit(
            conn,
            action="retention.hold_place",
            object_type="hold",
            object_ids=[hold_id],
            details={
                "hold": hold_id,
                "reason": reason,
                "records": info.records,
                "explicit": len(ids),
                "by_query": query is not None,
            },
        )
        return info


def release_hold(archive: Archive, name_or_id: str | int, why: str) -> HoldInfo:
    """Release a hold; `why` is required. Its records stay held by any other hold."""
    if not why or not why.strip():
        raise RetentionError("Releasing a hold needs a reason.")
    with archive.write() as conn:
        info = _get(conn, name_or_id)
        if info is None and isinstance(name_or_id, str) and name_or_id.strip().isdigit():
            info = _get(conn, int(name_or_id))  # an id typed on a command line
        if info is None:
            raise RetentionError(f"There is no hold {name_or_id!r}.")
        if not info.active:
            raise RetentionError(f"The hold {info.name!r} was already released.")
        _release(conn, archive, info, why.strip())
        released = _get(conn, info.id)
        assert released is not None
        return released


def release_in(conn: Connection, archive: Archive, hold_id: int, why: str) -> bool:
    """Release a hold inside the caller's transaction (a closed IPRA request's hold when its
    period ends); False when it was already released."""
    info = _get(conn, int(hold_id))
    if info is None or not info.active:
        return False
    _release(conn, archive, info, why)
    return True


def _release(conn: Connection, archive: Archive, info: HoldInfo, why: str) -> None:
    conn.execute(
        text(
            "UPDATE holds SET released_at = :at, released_by = :by, release_reason = :why"
            " WHERE id = :id"
        ),
        {
            "at": timeutil.now_db(),
            "by": archive.operator(conn),
            "why": why,
            "id": info.id,
        },
    )
    still = int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM hold_records hr WHERE hr.hold_id = ? AND EXISTS ("
            " SELECT 1 FROM hold_records o JOIN holds h ON h.id = o.hold_id"
            " WHERE o.record_id = hr.record_id AND h.released_at IS NULL)",
            (info.id,),
        ).scalar_one()
    )
    archive.audit(
        conn,
        action="retention.hold_release",
        object_type="hold",
        object_ids=[info.id],
        details={"hold": info.id, "records": info.records, "still_held": still},
    )


def add_to_hold(
    conn: Connection, archive: Archive, hold_id: int, record_ids: Iterable[int] | None
) -> int:
    """Hold more records under an existing hold, inside the caller's transaction (the IPRA desk
    adds a request's responsive records as they are found); returns how many were new.
    `record_ids` None: the records already in temp.rd_scope (ids of no record are skipped).
    Audited with a count so verify knows the hold's size may grow or shrink by these rows."""
    if record_ids is not None:
        ids = sorted({int(i) for i in record_ids})
        if not ids:
            return 0
        cl.set_scope(conn, ids)
    result = conn.exec_driver_sql(
        f"INSERT OR IGNORE INTO hold_records(hold_id, record_id, explicit)"
        f" SELECT {int(hold_id)}, s.id, 1 FROM temp.rd_scope s CROSS JOIN records r"
        # the scope drives: `id IN (SELECT id FROM records)` walked every record id
        f" ON r.id = s.id"
    )
    added = max(result.rowcount, 0)
    archive.audit(
        conn,
        action="retention.hold_add",
        object_type="hold",
        object_ids=[hold_id],
        details={"hold": hold_id, "records": added},
    )
    return added


def remove_from_hold(
    conn: Connection, archive: Archive, hold_id: int, record_ids: Iterable[int]
) -> int:
    """Take records off a hold inside the caller's transaction (a record found not responsive
    to a request); returns how many left it. The audit row lets verify tell this from a hold
    emptied behind the app's back."""
    ids = sorted({int(i) for i in record_ids})
    if not ids:
        return 0
    cl.set_scope(conn, ids)
    result = conn.exec_driver_sql(
        f"DELETE FROM hold_records WHERE hold_id = {int(hold_id)}"
        f" AND record_id IN (SELECT id FROM temp.rd_scope)"
    )
    removed = max(result.rowcount, 0)
    archive.audit(
        conn,
        action="retention.hold_remove",
        object_type="hold",
        object_ids=[hold_id],
        details={"hold": hold_id, "records": removed},
    )
    return removed


def list_holds(archive: Archive, include_released: bool = False) -> list[HoldInfo]:
    where = "" if include_released else " WHERE h.released_at IS NULL"
    with archive.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM holds h{where} ORDER BY h.id").all()
    return [_info(r) for r in rows]


def holds_for(archive: Archive, record_ids: Iterable[int]) -> dict[int, list[HoldInfo]]:
    """The unreleased holds covering each of `record_ids` (ids without one are left out)."""
    ids = sorted({int(i) for i in record_ids})
    out: dict[int, list[HoldInfo]] = {}
    if not ids:
        return out
    with archive.read() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = raw.execute(
                f"SELECT hr.record_id, {_COLUMNS} FROM hold_records hr"
                f" JOIN holds h ON h.id = hr.hold_id WHERE h.released_at IS NULL"
                f" AND hr.record_id IN ({marks}) ORDER BY hr.record_id, h.id",
                chunk,
            ).fetchall()
            for row in rows:
                out.setdefault(int(row[0]), []).append(_info(row[1:]))
    return out


def is_held(conn: Connection, record_id: int) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
            " WHERE hr.record_id = ? AND h.released_at IS NULL LIMIT 1",
            (int(record_id),),
        ).first()
        is not None
    )

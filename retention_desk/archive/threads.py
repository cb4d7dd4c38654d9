"""Thread structure: linking replies to parents that arrive in any order, and giving every
record the id of its thread's root."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text


def link_threads(conn: Connection, platform: str, new_parented: Iterable[int] = ()) -> int:
    """Link replies to parents that are now in the archive and give each record its thread root.

    Runs after every source file, over the whole platform, so a parent imported later still
    collects the replies that arrived first. Returns how many records were newly linked.
    """
    linked = [
        int(r[0])
        for r in conn.execute(
            text(
                "UPDATE records SET parent_id = (SELECT p.id FROM records p"
                " WHERE p.platform = records.platform AND p.record_key = records.parent_key)"
                " WHERE platform = :p AND parent_id IS NULL AND parent_key IS NOT NULL"
                " AND EXISTS (SELECT 1 FROM records p WHERE p.platform = records.platform"
                " AND p.record_key = records.parent_key AND p.id != records.id)"
                " RETURNING id"
            ),
            {"p": platform},
        )
    ]
    # Replies whose parent is not in the archive are the root of what we hold: one statement.
    # Only a reply is written without a thread (a record without a parent key starts its
    # own), so `parent_key IS NOT NULL` loses nothing and lets SQLite read the partial
    # index of unlinked replies instead of every record of the platform (0.45 s a source
    # file at five million records).
    conn.execute(
        text(
            "UPDATE records SET thread_id = id WHERE platform = :p AND thread_id IS NULL"
            " AND parent_id IS NULL AND parent_key IS NOT NULL"
        ),
        {"p": platform},
    )
    dirty = set(linked)
    pending = sorted(set(new_parented) - dirty)
    for start in range(0, len(pending), 500):
        part = pending[start : start + 500]
        marks = ",".join(str(int(i)) for i in part)
        dirty.update(
            int(r[0])
            for r in conn.execute(
                text(f"SELECT id FROM records WHERE id IN ({marks}) AND parent_id IS NOT NULL")
            )
        )
    if dirty:
        _assign_roots(conn, dirty)
    return len(linked)


# Reply chains longer than this are treated as cycles (only hostile data has them).
_MAX_DEPTH = 5000


def _assign_roots(conn: Connection, dirty: set[int]) -> None:
    """Set thread_id of every dirty record and all its descendants to its root, in SQL."""
    for ddl in (
        "CREATE TEMP TABLE IF NOT EXISTS _thread_dirty (id INTEGER PRIMARY KEY)",
        "CREATE TEMP TABLE IF NOT EXISTS _thread_roots"
        " (id INTEGER PRIMARY KEY, root INTEGER, depth INTEGER)",
        "CREATE TEMP TABLE IF NOT EXISTS _thread_down (id INTEGER PRIMARY KEY, root INTEGER)",
        "DELETE FROM _thread_dirty",
        "DELETE FROM _thread_roots",
        "DELETE FROM _thread_down",
    ):
        conn.exec_driver_sql(ddl)
    conn.execute(
        text("INSERT INTO _thread_dirty (id) VALUES (:id)"), [{"id": rid} for rid in sorted(dirty)]
    )
    conn.execute(
        text(
            "INSERT INTO _thread_roots (id, root, depth)"
            " WITH RECURSIVE up(start, cur, depth) AS ("
            "  SELECT id, id, 0 FROM _thread_dirty"
            "  UNION ALL SELECT up.start, r.parent_id, up.depth + 1 FROM up"
            "  JOIN records r ON r.id = up.cur"
            "  WHERE r.parent_id IS NOT NULL AND up.depth < :max)"
            " SELECT start, cur, max(depth) FROM up GROUP BY start"
        ),
        {"max": _MAX_DEPTH},
    )
    # (SQLite's bare-column rule makes `cur` the value from the max(depth) row.)
    for (rid,) in conn.execute(
        text("SELECT id FROM _thread_roots WHERE depth >= :max"), {"max": _MAX_DEPTH}
    ).all():
        conn.execute(
            text("UPDATE _thread_roots SET root = :root WHERE id = :id"),
            {"root": _find_root(conn, rid), "id": rid},
        )
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO _thread_down (id, root)"
        " WITH RECURSIVE down(id, root) AS ("
        "  SELECT id, root FROM _thread_roots"
        "  UNION SELECT r.id, down.root FROM records r JOIN down ON r.parent_id = down.id)"
        " SELECT id, root FROM down"
    )
    conn.exec_driver_sql(
        "UPDATE records SET thread_id = (SELECT root FROM _thread_down d WHERE d.id = records.id)"
        " WHERE id IN (SELECT id FROM _thread_down)"
        " AND thread_id IS NOT (SELECT root FROM _thread_down d WHERE d.id = records.id)"
    )


def _find_root(conn: Connection, rid: int) -> int:
    """Walk up from `rid`; in a cycle the smallest id of the cycle is the root, so every
    member of a cyclic thread agrees on it."""
    path = [rid]
    position = {rid: 0}
    while True:
        parent = conn.execute(
            text("SELECT parent_id FROM records WHERE id = :id"), {"id": path[-1]}
        ).scalar()
        if parent is None:
            return path[-1]
        if parent in position:
            return min(path[position[parent] :])
        position[int(parent)] = len(path)
        path.append(int(parent))

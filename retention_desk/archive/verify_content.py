"""Verify's content checks: the seals bound in the audit chain against what is stored now.

Two passes, both streaming (memory does not grow with the archive):
1. `check_roots`: every audit row that binds seals is recomputed from `seal_log`, so a leaf
   that was rewritten, added or removed shows, and so does a seal row no audit row binds;
2. `check_objects`: every object's current content is re-serialised and hashed with its salt,
   and compared with the latest leaf the chain bound for it, so a changed text, a cleared
   deletion flag, a changed author or date, a replaced original (even with every hash updated)
   shows, as does a record added or deleted behind the app's back.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection

from retention_desk.archive import seal
from retention_desk.archive.blobs import as_bytes
from retention_desk.archive.errors import Cancelled
from retention_desk.safetext import printable

MAX_LISTED = 50
_TABLES = {
    seal.RECORD: "records",
    seal.SOURCE_FILE: "source_files",
    seal.ACCOUNT: "accounts",
    seal.BATCH: "import_batches",
}


@dataclass
class ContentResult:
    failures: list[str] = field(default_factory=list)
    hidden: int = 0  # failures beyond MAX_LISTED, counted but not listed
    checked: dict[str, int] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        if len(self.failures) < MAX_LISTED:
            self.failures.append(message)
        else:
            self.hidden += 1

    @property
    def total_failures(self) -> int:
        return len(self.failures) + self.hidden


def _rows(conn: Connection, sql: str, size: int = 2000) -> Iterator[tuple[object, ...]]:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(size):
            yield from batch
    finally:
        # a generator abandoned after its connection closed (a failed check) has nothing to close
        with contextlib.suppress(Exception):
            cursor.close()


def check_roots(conn: Connection, bound: dict[int, tuple[int, str]], result: ContentResult) -> None:
    """Recompute each audit row's seal root from seal_log (rows of one audit row are
    contiguous: each was written in one transaction)."""
    seen: set[int] = set()
    current: int | None = None
    root = seal.Root()

    def finish(audit_id: int | None) -> None:
        if audit_id is None:
            return
        expected = bound.get(audit_id)
        if expected is None:
            result.fail(
                f"Seals of {root.count} object(s) name audit row {audit_id}, which binds no"
                " seals: they were added outside the app."
            )
        elif expected != (root.count, root.hexdigest()):
            result.fail(
                f"Audit row {audit_id} sealed {expected[0]} object(s), but the seal log holds"
                f" {root.count} for it that do not match: seals were altered, added or removed."
            )

    for _sid, audit_id, kind, object_id, leaf in _rows(
        conn, "SELECT id, audit_id, kind, object_id, leaf FROM seal_log ORDER BY id"
    ):
        aid = int(audit_id)  # type: ignore[arg-type]
        if aid != current:
            finish(current)
            if aid in seen:
                result.fail(f"Seal rows of audit row {aid} are out of place in the seal log.")
            seen.add(aid)
            current = aid
            root = seal.Root()
        root.add(int(kind), int(object_id), as_bytes(leaf))  # type: ignore[call-overload]
    finish(current)
    for audit_id, (count, _root) in sorted(bound.items()):
        if audit_id not in seen:
            result.fail(
                f"Audit row {audit_id} sealed {count} object(s), but their seals are missing"
                " from the seal log."
            )


def _describe(conn: Connection, kind: int, object_id: int) -> str:
    if kind == seal.RECORD:
        row = conn.exec_driver_sql(
            f"SELECT platform, record_key FROM records WHERE id = {int(object_id)}"
        ).first()
        if row is not None:
            return f"Record {object_id} ({printable(row[0])} {printable(row[1], limit=80)})"
        return f"Record {object_id}"
    if kind == seal.SOURCE_FILE:
        row = conn.exec_driver_sql(
            f"SELECT name FROM source_files WHERE id = {int(object_id)}"
        ).first()
        if row is not None:
            return f"Source file {object_id} ('{printable(row[0], limit=120)}')"
    if kind == seal.SETTINGS:
        return "The archive settings"
    return f"{seal.KIND_NAMES[kind].capitalize()} {object_id}"


def _latest_leaves(conn: Connection, kind: int) -> Iterator[tuple[int, int, bytes]]:
    """(object id, audit row, latest leaf) for every object of `kind` ever sealed, by id."""
    for object_id, audit_id, leaf, _max in _rows(
        conn,
        "SELECT object_id, audit_id, leaf, max(id) FROM seal_log"
        f" WHERE kind = {int(kind)} GROUP BY object_id ORDER BY object_id",
    ):
        yield int(object_id), int(audit_id), as_bytes(leaf)  # type: ignore[call-overload]


def _current_ids(conn: Connection, kind: int) -> Iterator[list[int]]:
    if kind == seal.SETTINGS:
        yield [0]
        return
    table = _TABLES[kind]
    last = -(2**63)
    while True:
        ids = [
            int(r[0])
            for r in conn.exec_driver_sql(
                f"SELECT id FROM {table} WHERE id > {last} ORDER BY id LIMIT {seal.CHUNK}"
            )
        ]
        if not ids:
            return
        yield ids
        last = ids[-1]


def _tombstones(conn: Connection) -> dict[int, bytes]:
    """Leaves of records destruction removed (migration 0010): a record whose latest sealed
    leaf is its tombstone's, and whose salt is gone, was destroyed by the app."""
    if not conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_tombstones'"
    ).first():
        return {}
    # a tombstone counts only for a record a chained audit row says destruction removed, so
    # a row added by hand beside a record deleted by hand does not hide the deletion
    audited: set[int] = set()
    for (ids,) in _rows(
        conn, "SELECT object_ids FROM audit_log WHERE action = 'disposal.destroy_batch'"
    ):
        with contextlib.suppress(ValueError, TypeError):
            audited.update(int(i) for i in json.loads(str(ids)))
    return {
        int(rid): as_bytes(leaf)  # type: ignore[call-overload]
        for rid, leaf in _rows(
            conn,
            "SELECT t.record_id, t.leaf FROM record_tombstones t WHERE NOT EXISTS (SELECT 1"
            f" FROM seal_salts s WHERE s.kind = {seal.RECORD} AND s.object_id = t.record_id)",
        )
        if int(rid) in audited  # type: ignore[call-overload]
    }


def check_objects(
    conn: Connection,
    result: ContentResult,
    *,
    step: Callable[[str], None],
    cancel: threading.Event | None = None,
) -> None:
    """Compare every object's content now with the latest leaf the audit chain bound."""
    destroyed = _tombstones(conn)
    for kind in (seal.SETTINGS, seal.ACCOUNT, seal.BATCH, seal.SOURCE_FILE, seal.RECORD):
        gone = destroyed if kind == seal.RECORD else {}
        latest = _latest_leaves(conn, kind)
        pending = next(latest, None)
        checked = 0
        for ids in _current_ids(conn, kind):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            step(f"Checking {seal.KIND_NAMES[kind]} seals ({checked:,} so far)")
            contents = seal.payloads(conn, kind, ids)
            known_salts = seal.salts(conn, kind, ids)
            for object_id in ids:
                while pending is not None and pending[0] < object_id:
                    if gone.get(pending[0]) != pending[2]:
                        _missing(conn, kind, pending, result)
                    pending = next(latest, None)
                checked += 1
                if pending is None or pending[0] != object_id:
                    result.fail(
                        f"{_describe(conn, kind, object_id)} was never sealed: it was added"
                        " outside the app, without an audit row."
                    )
                    continue
                salt = known_salts.get(object_id)
                if salt is None:
                    result.fail(f"{_describe(conn, kind, object_id)}: its seal salt is missing.")
                elif seal.leaf(salt, contents.get(object_id, b"")) != pending[2]:
                    result.fail(
                        f"{_describe(conn, kind, object_id)} differs from what audit row"
                        f" {pending[1]} sealed: it was changed after it was written."
                    )
                pending = next(latest, None)
        while pending is not None:
            if gone.get(pending[0]) != pending[2]:
                _missing(conn, kind, pending, result)
            pending = next(latest, None)
        result.checked[seal.KIND_NAMES[kind]] = checked


def _missing(
    conn: Connection, kind: int, entry: tuple[int, int, bytes], result: ContentResult
) -> None:
    object_id, audit_id, _leaf = entry
    result.fail(
        f"{seal.KIND_NAMES[kind].capitalize()} {object_id}, sealed by audit row {audit_id},"
        " is missing: it was removed outside the app."
    )


def check_threads(conn: Connection, result: ContentResult) -> None:
    """Thread links are derived (not sealed): each must agree with the sealed parent keys."""
    bad_parent = conn.exec_driver_sql(
        "SELECT r.id FROM records r LEFT JOIN records p ON p.id = r.parent_id"
        " WHERE r.parent_id IS NOT NULL AND (p.id IS NULL OR p.platform IS NOT r.platform"
        " OR p.record_key IS NOT r.parent_key) ORDER BY r.id LIMIT 20"
    ).all()
    for (rid,) in bad_parent:
        result.fail(f"Record {rid} is linked to a parent that is not the one its data names.")
    bad_thread = conn.exec_driver_sql(
        "SELECT r.id FROM records r LEFT JOIN records p ON p.id = r.parent_id"
        " WHERE (r.parent_id IS NULL AND r.thread_id IS NOT r.id)"
        " OR (r.parent_id IS NOT NULL AND r.thread_id IS NOT p.thread_id)"
        " ORDER BY r.id LIMIT 20"
    ).all()
    for (rid,) in bad_thread:
        result.fail(f"Record {rid} is filed under the wrong thread.")

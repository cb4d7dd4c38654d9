"""Append-only, hash-chained audit trail.

Each row's hash is SHA-256 over the previous row's hash and the row's own canonical content,
so altering, inserting or removing a row in the middle breaks every later link. Triggers
(created by the first migration) refuse UPDATE and DELETE; the chain catches what a person
with raw file access does after dropping them. Removing rows from the *end* leaves a valid
shorter chain: `verify` reports the head hash so it can be written down outside the archive
(backup logs keep it too).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_hash(
    *,
    entry_id: int,
    at: str,
    operator: str,
    action: str,
    object_type: str | None,
    object_ids: str,
    details: str,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        [entry_id, at, operator, action, object_type, object_ids, details, prev_hash]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers) or no login name
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    operator: str
    action: str
    object_type: str | None
    object_ids: list[Any]
    details: dict[str, Any]
    hash: str


def append(
    conn: Connection,
    *,
    operator: str,
    action: str,
    object_type: str | None = None,
    object_ids: Iterable[Any] = (),
    details: dict[str, Any] | None = None,
    expected_id: int | None = None,
) -> int:
    """Append one row inside the caller's (write) transaction; returns its id.

    The caller holds the write lock (BEGIN IMMEDIATE), so reading the last hash and
    inserting the next row cannot interleave with another writer.
    """
    last = conn.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    entry_id = (last[0] + 1) if last else 1
    prev_hash = last[1] if last else GENESIS_HASH
    if expected_id is not None and entry_id != expected_id:
        raise RuntimeError(f"audit row {expected_id} was expected, the chain is at {entry_id}")
    at = timeutil.now_db()
    ids_text = canonical_json(list(object_ids))
    details_text = canonical_json(details or {})
    digest = row_hash(
        entry_id=entry_id,
        at=at,
        operator=operator,
        action=action,
        object_type=object_type,
        object_ids=ids_text,
        details=details_text,
        prev_hash=prev_hash,
    )
    conn.execute(
        text(
            "INSERT INTO audit_log (id, at, operator, action, object_type, object_ids, details,"
            " prev_hash, hash) VALUES (:id, :at, :op, :ac, :ot, :ids, :d, :p, :h)"
        ),
        {
            "id": entry_id,
            "at": at,
            "op": operator,
            "ac": action,
            "ot": object_type,
            "ids": ids_text,
            "d": details_text,
            "p": prev_hash,
            "h": digest,
        },
    )
    # The head this transaction leaves, for the anchor kept outside the archive after commit.
    conn.info[HEAD_KEY] = (entry_id, digest)
    return entry_id


HEAD_KEY = "retention_desk.audit.head"


def next_id(conn: Connection) -> int:
    return int(conn.execute(text("SELECT coalesce(max(id), 0) + 1 FROM audit_log")).scalar_one())


def head(conn: Connection) -> tuple[int, str]:
    """(row count, hash of the last row) as stored; (0, GENESIS_HASH) for an empty trail."""
    last = conn.execute(text("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")).first()
    return (int(last[0]), str(last[1])) if last else (0, GENESIS_HASH)


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    reason: str


@dataclass(frozen=True)
class ChainResult:
    rows: int
    head_hash: str
    problems: list[ChainProblem]
    # audit id -> (objects, root) for every row whose details bind content seals
    seals: dict[int, tuple[int, str]] = field(default_factory=dict)
    # hashes of the rows asked for with `hashes_at`, where the chain reaches them
    hashes_at: dict[int, str] = field(default_factory=dict)


def iter_rows(conn: Connection, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    last_id = 0
    while True:
        rows = conn.execute(
            text(
                "SELECT id, at, operator, action, object_type, object_ids, details, prev_hash,"
                " hash FROM audit_log WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last_id, "n": batch},
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def check_chain(
    conn: Connection, max_problems: int = 100, hashes_at: Iterable[int] = ()
) -> ChainResult:
    problems: list[ChainProblem] = []
    seals: dict[int, tuple[int, str]] = {}
    wanted = set(hashes_at)
    found_at: dict[int, str] = {}
    prev = GENESIS_HASH
    expected_id = 1
    count = 0
    for entry_id, at, op, action, otype, ids, details, prev_hash, digest in iter_rows(conn):
        count += 1
        if entry_id in wanted:
            found_at[int(entry_id)] = digest
        if isinstance(details, str) and '"seal":' in details:
            seal = _seal_of(details)
            if seal is not None:
                seals[int(entry_id)] = seal
        if entry_id != expected_id:
            problems.append(
                ChainProblem(entry_id, f"rows {expected_id}..{entry_id - 1} are missing")
            )
        if prev_hash != prev:
            problems.append(ChainProblem(entry_id, "does not link to the row before it"))
        recomputed = row_hash(
            entry_id=entry_id,
            at=at,
            operator=op,
            action=action,
            object_type=otype,
            object_ids=ids,
            details=details,
            prev_hash=prev_hash,
        )
        if recomputed != digest:
            problems.append(ChainProblem(entry_id, "content does not match its hash (altered)"))
        prev = digest
        expected_id = entry_id + 1
        if len(problems) >= max_problems:
            break
    return ChainResult(
        rows=count, head_hash=prev, problems=problems, seals=seals, hashes_at=found_at
    )


def _seal_of(details: str) -> tuple[int, str] | None:
    try:
        value = json.loads(details).get("seal")
        return (int(value["objects"]), str(value["root"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


TRIGGER_NAMES = (
    "audit_log_no_update",
    "audit_log_no_delete",
    "seal_log_no_update",
    "seal_log_no_delete",
)


def triggers_present(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name IN ('audit_log', 'seal_log')"
        )
    ).all()
    names = {r[0] for r in rows}
    return [name for name in TRIGGER_NAMES if name not in names]


def to_row(raw: tuple[Any, ...]) -> AuditRow:
    entry_id, at, op, action, otype, ids, details, _prev, digest = raw
    return AuditRow(
        id=entry_id,
        at=at,
        operator=op,
        action=action,
        object_type=otype,
        object_ids=json.loads(ids),
        details=json.loads(details),
        hash=digest,
    )

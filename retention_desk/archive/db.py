"""Engine, per-connection pragmas and transaction discipline for the SQLite archive.

Every SQLite-specific pragma lives here so that a PostgreSQL archive later only needs another
module with the same two functions (`make_engine`, `is_busy_error`).

Pragma choices (also in README "Storage decisions"):
- journal_mode=WAL: readers (the GUI) never block the writer (an import) and vice versa.
- synchronous=FULL: in WAL mode NORMAL can lose the last committed transaction on power loss;
  a records archive must not lose an import or an audit row it has reported as done.
- foreign_keys=ON: SQLite leaves them off by default.
- secure_delete=ON: deleted content is overwritten with zeros, which destruction relies on.
- busy_timeout: a second writer waits this long before we report "archive busy".
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import QueuePool

# 'RDSK' — lets us refuse SQLite files that are not ours before touching them.
APPLICATION_ID = 0x5244534B
BUSY_TIMEOUT_S = 10.0
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    # Read tuning, per connection: memory-mapped reads use the OS cache without copying, a
    # 64 MiB page cache, and sorts in memory. temp_store must be set before the connection
    # ever uses temporary storage, so it belongs here, not before a query.
    "PRAGMA mmap_size=1073741824",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)
# Execution option read by the begin hook: writers take the write lock up front, because a
# deferred transaction that upgrades to a writer gets SQLITE_BUSY at once, ignoring busy_timeout.
BEGIN_MODE = "retention_desk_begin"


def _pragma_hook(busy_timeout_s: float) -> Any:
    def on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's begin hook (pysqlite's implicit BEGIN is
        # wrong for us: it is deferred and skips DDL).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            for pragma in PRAGMAS:
                cur.execute(pragma)
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        finally:
            cur.close()

    return on_connect


def _clear_connection_hooks(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    if dbapi_conn is not None:
        dbapi_conn.set_progress_handler(None, 0)


def make_engine(path: Path, *, busy_timeout_s: float = BUSY_TIMEOUT_S) -> Engine:
    """An engine whose every connection carries the archive pragmas.

    A small pool keeps connections open between transactions: closing the last connection
    makes SQLite checkpoint and remove the WAL, which cost ~8 ms on every short read when each
    transaction had its own connection. The pool hands a connection to one thread at a time
    (hence check_same_thread=False); Archive.close() disposes the pool, so no file handle is
    left open (Windows backups, moves).
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": busy_timeout_s, "check_same_thread": False},
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=12,
        pool_timeout=busy_timeout_s,
    )
    event.listen(engine, "connect", _pragma_hook(busy_timeout_s))
    # Pooled connections serve many callers: a progress handler a search installed to make
    # itself cancellable must never interrupt the next user of the connection (an import).
    event.listen(engine, "checkin", _clear_connection_hooks)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, but transactions start with BEGIN IMMEDIATE."""
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def is_busy_error(exc: BaseException) -> bool:
    orig = exc.orig if isinstance(exc, OperationalError) else exc
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def is_full_error(exc: BaseException) -> bool:
    orig = exc.orig if isinstance(exc, OperationalError) else exc
    if not isinstance(orig, sqlite3.OperationalError | sqlite3.DatabaseError):
        return False
    text = str(orig).lower()
    return "disk is full" in text or "database or disk is full" in text


SQLITE_HEADER = b"SQLite format 3\x00"


def looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_HEADER
    except OSError:
        return False


def read_application_id(path: Path) -> int:
    # Read straight from the header (offset 68, big-endian) so no connection and no WAL
    # recovery happen before we know the file is ours.
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 72:
        return 0
    return int.from_bytes(header[68:72], "big")

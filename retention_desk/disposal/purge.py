"""No trace: what destruction does after the rows are gone so no byte of them stays in the file.

Deleting rows is not enough in SQLite:
- a deleted cell's bytes stay on its page, and a freed page keeps its old content, unless
  `secure_delete` is on: every archive connection sets it (db.PRAGMAS); `destroying_connection`
  checks it anyway, because destruction must not rely on a pragma someone may drop later;
- FTS5 deletes on an external-content index add delete markers in a new segment; the old
  segment still holds the terms until the segments are merged. FTS5's own `secure-delete`
  option needs SQLite 3.42 and Python's bundled SQLite here is 3.40, and a replacement SQLite
  wheel would be one more binary to keep current on every agency's machine. So the index is
  purged with 'optimize', which rewrites every segment into one and drops deleted entries
  (the freed pages are zeroed by secure_delete). It costs a pass over the whole index, once
  per destruction run, not per batch;
- the write-ahead log holds page images from before the delete: checkpointed with TRUNCATE,
  which leaves the -wal file empty;
- pages freed by the deletes stay in the file as free pages (zeroed): VACUUM rebuilds the
  file without them, and the WAL it wrote is truncated again.

What no archive step can reach: copies outside the file (backups, exports), and blocks the
file system or an SSD kept from before. The certificate lists the copies the archive knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from retention_desk.archive import fts
from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.store import Archive


def purge_indexes(conn: Connection) -> None:
    """Rewrite both full-text indexes without the deleted terms (inside a write transaction)."""
    ensure_secure_delete(conn)
    fts.purge_search_indexes(conn)


def ensure_secure_delete(conn: Connection) -> None:
    conn.exec_driver_sql("PRAGMA secure_delete=ON")
    value = conn.exec_driver_sql("PRAGMA secure_delete").scalar()
    if int(value or 0) != 1:
        raise ArchiveError(
            "Secure deletion cannot be turned on for this archive; nothing was destroyed."
        )


@contextmanager
def destroying_connection(archive: Archive) -> Iterator[Connection]:
    """A write transaction whose connection overwrites what it deletes."""
    with archive.write() as conn:
        ensure_secure_delete(conn)
        yield conn


def no_trace(archive: Archive) -> None:
    """Fold the WAL in and truncate it, VACUUM away free pages, truncate the WAL again.

    Waits (busy timeout) for other connections; raises ArchiveBusy if they hold on.
    """
    archive.checkpoint(mode="TRUNCATE")
    # VACUUM cannot run inside a transaction, and SQLAlchemy begins one on first use: the
    # pooled driver connection (autocommit, isolation_level None) runs it on its own
    raw = archive.engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("VACUUM")
        finally:
            cursor.close()
    finally:
        raw.close()
    archive.checkpoint(mode="TRUNCATE")

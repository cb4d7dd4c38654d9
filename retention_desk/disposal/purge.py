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

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from retention_desk.archive import fts
from retention_desk.archive.errors import ArchiveBusy, ArchiveError
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


def _truncate_wal(archive: Archive) -> None:
    """Checkpoint with TRUNCATE and check it did: SQLite reports a checkpoint that readers
    held back in its result row instead of raising, and a WAL left whole still holds the
    destroyed pages."""
    raw = archive.engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            busy, _frames, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            cursor.close()
    finally:
        raw.close()
    if busy:
        raise ArchiveBusy(
            f"The archive {archive.path.name} is open in another program or window, so the"
            " write-ahead log could not be emptied; close it and run the destruction again"
            " to finish the purge."
        )


def no_trace(archive: Archive) -> None:
    """Fold the WAL in and truncate it, VACUUM away free pages, truncate the WAL again.

    ArchiveBusy while another connection holds the file; the purge is then left for the next
    run (the destruction records it as not purged).
    """
    _truncate_wal(archive)
    # VACUUM cannot run inside a transaction, and SQLAlchemy begins one on first use: the
    # pooled driver connection (autocommit, isolation_level None) runs it on its own
    raw = archive.engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA secure_delete=ON")
            # VACUUM builds the new file as a temporary database first; with the archive's
            # temp_store=MEMORY (db.PRAGMAS) that is the whole archive in RAM (1.8 GB at a
            # million records), so this one statement builds it in a temporary file instead.
            # That file holds only what is kept (the destroyed rows are gone) and SQLite
            # deletes it when VACUUM ends.
            temp_store = int(cursor.execute("PRAGMA temp_store").fetchone()[0])
            cursor.execute("PRAGMA temp_store=FILE")
            try:
                cursor.execute("VACUUM")
            finally:
                cursor.execute(f"PRAGMA temp_store={temp_store}")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ArchiveBusy(
                    f"The archive {archive.path.name} is in use, so its free pages could not"
                    " be removed; close other windows and run the destruction again to finish"
                    " the purge."
                ) from exc
            raise
        finally:
            cursor.close()
    finally:
        raw.close()
    _truncate_wal(archive)


def purge_all(archive: Archive) -> None:
    """Everything a destruction leaves to purge: both search indexes rewritten, then the WAL
    and free pages (`no_trace`). ArchiveBusy as `no_trace`."""
    with destroying_connection(archive) as conn:
        purge_indexes(conn)
    no_trace(archive)

"""Consistent online backup: the SQLite backup API copies the whole archive (records,
originals, media, audit trail) as of one moment, while other readers and writers go on."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retention_desk.archive import blobs
from retention_desk.archive.errors import ArchiveError, ArchiveExists, Cancelled
from retention_desk.archive.store import Archive

PAGES_PER_STEP = 256

Progress = Callable[[int, int, str], None]


class _Abort(Exception):
    pass


def backup_file(
    archive: Archive,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Copy the archive to `dest` (which must not exist). A cancelled copy is removed."""
    dest = Path(dest).expanduser().resolve()
    if dest.exists():
        raise ArchiveExists(f"{dest} already exists; choose a new file name for the backup.")
    if dest == archive.path:
        raise ArchiveError("A backup cannot overwrite the archive itself.")
    dest.parent.mkdir(parents=True, exist_ok=True)

    def on_step(status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total, "Copying the archive")
        if cancel is not None and cancel.is_set():
            # Raising from the callback makes sqlite3 abort the backup.
            raise _Abort()

    raw = archive.engine.raw_connection()
    try:
        src = raw.driver_connection
        assert isinstance(src, sqlite3.Connection)
        target = sqlite3.connect(dest)
        try:
            src.backup(target, pages=PAGES_PER_STEP, progress=on_step)
            # The copy keeps WAL mode in its header; fold everything into the main file so the
            # backup is a single self-contained file.
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            target.close()
    except _Abort:
        _remove(dest)
        raise Cancelled("Backup cancelled; the partial copy was removed.") from None
    except BaseException:
        _remove(dest)
        raise
    finally:
        raw.close()


def _remove(dest: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class BackupResult:
    path: str
    size: int
    sha256: str
    verified: bool
    failures: list[str]


def backup_archive(
    archive: Archive,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BackupResult:
    """Back up, verify the copy, and audit the backup (with the copy's hash) in the original."""
    from retention_desk.archive.verify import verify_archive

    dest = Path(dest).expanduser().resolve()
    backup_file(archive, dest, progress=progress, cancel=cancel)
    copy = Archive.open(dest, migrate_schema=False)
    try:
        report = verify_archive(copy, record=False, cancel=cancel)
    finally:
        copy.close()
    if report.cancelled:
        _remove(dest)
        raise Cancelled("Backup cancelled during verification; the copy was removed.")
    digest, size = blobs.sha256_file(dest)
    with archive.write() as conn:
        archive.audit(
            conn,
            action="archive.backup",
            object_type="archive",
            details={
                "dest": str(dest),
                "sha256": digest,
                "size": size,
                "verified": report.ok,
                "audit_head": report.audit_head,
            },
        )
    return BackupResult(
        path=str(dest), size=size, sha256=digest, verified=report.ok, failures=report.failures
    )

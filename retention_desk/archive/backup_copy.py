"""The copy under every backup: the SQLite backup API writes the archive to a temporary file
beside DEST, which is fsynced, checked and moved into place without overwriting (see
`backup.py` for the whole procedure and its guarantees).

`backup_file` is the copy taken before a schema upgrade (checked with SQLite's quick_check);
`backup.backup_archive` adds the full verification and the audit row. This module knows
nothing of `store` or `verify`, so the archive can take its pre-upgrade copy without an
import cycle: it needs only the archive's path and engine (`CopySource`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy import Engine

from retention_desk.archive import db
from retention_desk.archive.errors import ArchiveError, ArchiveExists, Cancelled
from retention_desk.safetext import printable

PAGES_PER_STEP = 256
PARTIAL_MARK = ".partial-"
# How many verification failures the error message spells out (it stays one line).
MAX_FAILURES_SHOWN = 5

Progress = Callable[[int, int, str], None]
T = TypeVar("T")


class _Abort(Exception):
    pass


class BackupNotVerified(ArchiveError):
    """The copy failed verification (or a check could not run); it was removed, no DEST."""

    def __init__(self, message: str, failures: list[str]) -> None:
        super().__init__(message)
        self.failures = failures


class CopySource(Protocol):
    """What a copy needs of an archive (store.Archive is one)."""

    path: Path

    @property
    def engine(self) -> Engine: ...


def partial_prefix(dest: Path) -> str:
    """Start of the temporary files' names for a backup to `dest`."""
    return f".{dest.name}{PARTIAL_MARK}"


def backup_file(
    archive: CopySource,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Copy the archive to `dest` (which must not exist), checked with SQLite's quick_check.

    Used for the copy taken before a schema upgrade: that copy has the old schema, which the
    full verify (`backup_archive`) would rightly refuse, so only the database is checked.
    """
    dest = _target(archive, dest)

    def check(tmp: Path) -> None:
        failures = _quick_check(tmp)
        if failures:
            raise _not_verified(dest, failures)

    _backup(archive, dest, progress=progress, cancel=cancel, check=check)


# ------------------------------------------------------------------------ the steps
def _target(archive: CopySource, dest: Path | str) -> Path:
    given = Path(dest).expanduser()
    resolved = given.resolve()
    # Checked before and after resolving: a dangling symlink at DEST is something there too,
    # and writing through it would put the backup somewhere the user did not name.
    if os.path.lexists(given) or os.path.lexists(resolved):
        raise ArchiveExists(f"{given} already exists; choose a new file name for the backup.")
    if resolved == archive.path:
        raise ArchiveError("A backup cannot overwrite the archive itself.")
    return resolved


def _backup(
    archive: CopySource,
    dest: Path,
    *,
    progress: Progress | None,
    cancel: threading.Event | None,
    check: Callable[[Path], T],
) -> T:
    """Copy to a temporary file beside `dest`, `check` it (raising if it is bad), then move
    it to `dest`; returns what `check` returned. Anything raised removes the temporary file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(dest)
    tmp = dest.with_name(f"{partial_prefix(dest)}{os.getpid()}-{secrets.token_hex(6)}")
    try:
        try:
            _copy(archive, tmp, progress=progress, cancel=cancel)
            _fsync_file(tmp)
        except (sqlite3.Error, OSError) as exc:
            raise _write_failed(dest, exc) from exc
        checked = check(tmp)
        _place(tmp, dest)
    except BaseException:
        _remove(tmp)
        raise
    _fsync_dir(dest)
    return checked


def _copy(
    archive: CopySource,
    tmp: Path,
    *,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    def on_step(status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total, "Copying the archive")
        if cancel is not None and cancel.is_set():
            # Raising from the callback makes sqlite3 abort the backup.
            raise _Abort()

    # Created exclusively, so a name clash can never write into someone else's file.
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0)))
    raw = archive.engine.raw_connection()
    try:
        src = raw.driver_connection
        assert isinstance(src, sqlite3.Connection)
        target = sqlite3.connect(tmp, isolation_level=None)
        try:
            target.execute("PRAGMA synchronous = FULL")
            src.backup(target, pages=PAGES_PER_STEP, progress=on_step)
            # The copy's header still says WAL: switching to the rollback journal folds
            # everything into the main file and removes the -wal/-shm it would otherwise grow,
            # so the backup is one self-contained file.
            mode = target.execute("PRAGMA journal_mode = DELETE").fetchone()
            if not mode or str(mode[0]).lower() != "delete":
                raise sqlite3.OperationalError(f"the copy stayed in journal mode {mode}")
        finally:
            target.close()
    except _Abort:
        raise Cancelled("Backup cancelled; the partial copy was removed.") from None
    finally:
        raw.close()


def _quick_check(path: Path) -> list[str]:
    if db.read_application_id(path) != db.APPLICATION_ID:
        return ["the copy does not carry the archive's application id"]
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return [f"the copy cannot be read: {exc}"]
    return [] if rows == ["ok"] else rows


def _place(tmp: Path, dest: Path) -> None:
    """Move the checked copy to `dest`, never overwriting: a DEST that appeared meanwhile
    (another program, a second backup) is kept and this backup fails."""
    try:
        if os.name == "nt":
            os.rename(tmp, dest)  # refuses an existing target on Windows
        else:
            try:
                os.link(tmp, dest)  # refuses an existing target; rename would replace it
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
                    raise
                # No hard links here (FAT/exFAT drives, some network shares). DEST was absent
                # at the start; check again just before the rename (a small race remains).
                if os.path.lexists(dest):
                    raise FileExistsError(errno.EEXIST, "exists", str(dest)) from None
                os.rename(tmp, dest)
            else:
                # DEST is in place; a leftover second name for the same file is harmless
                # (removed by the next backup to DEST), so failing here must not fail the backup.
                with contextlib.suppress(OSError):
                    tmp.unlink()
    except FileExistsError:
        raise ArchiveExists(
            f"{dest} appeared while the backup was being written; it was left as it was and"
            " this backup was removed. Choose a new file name."
        ) from None
    except OSError as exc:
        raise _write_failed(dest, exc) from exc


def _fsync_file(path: Path) -> None:
    # Read-write: Windows flushes only handles opened for writing.
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(dest: Path) -> None:
    """Make the new name durable. Windows cannot open folders this way and some filesystems
    refuse to sync them; the file's own data is already on disk either way."""
    if os.name == "nt":
        return
    try:
        fd = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EBADF):
            return
        raise ArchiveError(
            f"{dest} was written and verified, but its folder could not be synced to disk"
            f" ({exc.strerror or exc}); check that disk before relying on the backup."
        ) from exc


def _remove(tmp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{tmp}{suffix}").unlink()


def remove_stale_partials(dest: Path) -> list[Path]:
    """Remove temporary files left beside `dest` by earlier backups that were killed.

    Only files whose writing process is gone are removed: on POSIX the pid in the name must
    not be running; on Windows a file still open by its backup cannot be deleted. A backup
    from another computer to the same shared folder at the same moment may lose its
    temporary file and then fail; it never produces a wrong DEST.
    """
    removed: list[Path] = []
    prefix = partial_prefix(dest)
    try:
        entries = list(os.scandir(dest.parent))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return False  # os.kill would terminate it; an open file refuses deletion instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else
    return True


def _write_failed(dest: Path, exc: BaseException) -> ArchiveError:
    if db.is_full_error(exc) or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG):
        reason = "the disk is full (or the file reached its size limit)"
    else:
        reason = printable(str(exc) or type(exc).__name__, limit=200)
        if "disk i/o error" in reason.lower():
            reason += " (the disk may be full or failing)"
    return ArchiveError(
        f"The backup to {dest} could not be made: {reason}. Nothing was left at {dest};"
        " the archive was not changed."
    )


def _not_verified(dest: Path, failures: list[str]) -> BackupNotVerified:
    shown = "; ".join(printable(f, limit=300) for f in failures[:MAX_FAILURES_SHOWN])
    more = len(failures) - MAX_FAILURES_SHOWN
    if more > 0:
        shown += f"; and {more} more"
    return BackupNotVerified(
        f"The copy failed verification, so no backup was written at {dest}: {shown}."
        " Run 'retention-desk verify' on the archive; if the archive itself is damaged, copy"
        " its file as it is (with the app closed) before any repair.",
        failures,
    )

"""Consistent online backup: the SQLite backup API copies the whole archive (records,
originals, media, audit trail) as of one moment, while other readers and writers go on.

A backup is whole or absent. The copy is written to a temporary file beside DEST, named
`.<DEST name>.partial-<pid>-<random>` (hidden, and never ending in `.rdesk`, so nobody mistakes
it for an archive), folded into one self-contained file (rollback-journal mode, no -wal/-shm),
fsynced and verified; only then is it moved to DEST, by a move that never overwrites, and the
directory is fsynced. A failure, a cancel or a full disk removes the temporary file and leaves
no DEST. A process killed mid-way (power cut, SIGKILL) can leave a `.partial-` file, never a
DEST; the next backup to the same DEST removes such leftovers once their process is gone.

A copy that fails verification is removed, not kept under another name: it is either damaged in
writing (worthless) or a faithful copy of damage in the archive itself, which the archive still
holds; the error names the failures and says to verify the archive.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from retention_desk.archive import blobs
from retention_desk.archive import verify as verify_mod
from retention_desk.archive.backup_copy import Progress, _backup, _not_verified, _target
from retention_desk.archive.errors import ArchiveError, Cancelled
from retention_desk.archive.store import Archive


@dataclass(frozen=True)
class BackupResult:
    path: str
    size: int
    sha256: str
    # The copy's audit trail: its row count and head hash, to keep outside the archive.
    audit_head: str
    audit_rows: int
    # Always true and empty: a copy that fails verification is never returned (it raises
    # BackupNotVerified). Kept so `--json` consumers keep their keys.
    verified: bool = True
    failures: list[str] = field(default_factory=list)
    # Whether the `archive.backup` row was appended to the original's audit trail.
    recorded: bool = True
    notes: list[str] = field(default_factory=list)


def backup_archive(
    archive: Archive,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BackupResult:
    """Back up, verify the copy, place it at `dest`, and audit the backup in the original."""
    dest = _target(archive, dest)

    def check(tmp: Path) -> tuple[str, int, str, int]:
        def step(done: int, total: int, message: str) -> None:
            if progress:
                progress(done, total, f"Verifying the copy: {message}")

        report = verify_mod.verify_path(tmp, progress=step, cancel=cancel)
        if report.cancelled:
            raise Cancelled("Backup cancelled during verification; the copy was removed.")
        if not report.ok:
            # A check that did not run leaves the copy unproven: it is not reported as done.
            failures = list(report.failures)
            failures += [f"check '{c.name}' did not run: {c.detail}" for c in report.not_run]
            raise _not_verified(dest, failures or [f"verification ended {report.outcome}"])
        digest, size = blobs.sha256_file(tmp)
        return report.audit_head, report.audit_rows, digest, size

    head, rows, digest, size = _backup(archive, dest, progress=progress, cancel=cancel, check=check)
    notes: list[str] = []
    recorded = True
    try:
        with archive.write() as conn:
            archive.audit(
                conn,
                action="archive.backup",
                object_type="archive",
                details={
                    "dest": str(dest),
                    "sha256": digest,
                    "size": size,
                    "verified": True,
                    "audit_head": head,
                    "audit_rows": rows,
                },
            )
    except ArchiveError as exc:
        # The backup is whole and verified at DEST; removing it because the original is busy
        # or its disk is full would lose a good copy. Say so instead.
        recorded = False
        notes.append(f"The backup was not recorded in the archive's audit trail: {exc}")
    return BackupResult(
        path=str(dest),
        size=size,
        sha256=digest,
        audit_head=head,
        audit_rows=rows,
        recorded=recorded,
        notes=notes,
    )

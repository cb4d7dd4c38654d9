"""A backup is whole or absent: killed, cancelled, refused, unverified or out of disk, it
leaves nothing at DEST that looks like a backup; a finished one reports the audit head."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from retention_desk.archive import (
    Archive,
    ArchiveError,
    ArchiveExists,
    Cancelled,
    NotAnArchive,
    audit,
    backup_copy,
    blobs,
)
from retention_desk.archive import verify as verify_mod
from retention_desk.archive.backup import backup_archive
from retention_desk.archive.backup_copy import BackupNotVerified, partial_prefix
from retention_desk.archive.verify import Check, verify_path

from .conftest import populate

REPO = Path(__file__).resolve().parents[2]

# Runs a backup that stops (blocks forever) at the named point and prints the point's name,
# so the test can SIGKILL it exactly there instead of guessing with timers.
KILLED_BACKUP = textwrap.dedent("""
    import os, sys, threading
    from pathlib import Path
    from retention_desk.archive import Archive, backup, backup_copy, verify

    point, source, dest = sys.argv[1], sys.argv[2], sys.argv[3]
    backup_copy.PAGES_PER_STEP = 16  # many small steps: there is a middle of the copy to stop in

    def hold(tag):
        print(tag, flush=True)
        threading.Event().wait()

    def progress(done, total, message):
        if point.startswith("copy:") and message.startswith("Copying") and total:
            if done >= float(point[5:]) * total:
                hold(point)

    real_verify, real_link = verify.verify_path, os.link

    def verify_path(path, **kw):
        if point == "before-verify":
            hold(point)
        report = real_verify(path, **kw)
        if point == "after-verify":
            hold(point)
        return report

    def link(src, dst, **kw):
        if point == "before-link":
            hold(point)
        real_link(src, dst, **kw)
        if point == "after-link":
            hold(point)

    verify.verify_path, os.link = verify_path, link
    archive = Archive.open(source)
    backup.backup_archive(archive, Path(dest), progress=progress)
    print("DONE", flush=True)
""")

KILL_POINTS = [
    "copy:0",
    "copy:0.5",
    "copy:1.0",
    "before-verify",
    "after-verify",
    "before-link",
    "after-link",
]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _actions(path: Path) -> list[str]:
    with Archive.open(path) as archive, archive.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_log ORDER BY id")]


def _assert_nothing_like_a_backup(folder: Path, dest: Path) -> None:
    """No DEST, and whatever is left beside it is a clearly named temporary file."""
    assert not os.path.lexists(dest)
    with pytest.raises(NotAnArchive):
        Archive.open(dest)
    for name in os.listdir(folder):
        assert name.startswith(partial_prefix(dest)), name
        assert not name.endswith(".rdesk"), name


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A closed archive of several MB (records, an original, media and a 6 MiB stored file)."""
    path = tmp_path / "big.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        populate(archive)
        with archive.write() as conn:
            blobs.put_bytes(conn, random.Random(8).randbytes(6 * 1024 * 1024))
            archive.audit(conn, action="test.big")
    assert path.stat().st_size > 6 * 1024 * 1024
    return path


# ------------------------------------------------------------------------ SIGKILL
@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_leaves_no_backup_at_dest(big: Path, tmp_path: Path, point: str) -> None:
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    before = blobs.sha256_file(big)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_BACKUP, point, str(big), str(dest)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    line = proc.stdout.readline().strip()
    if line != point:
        proc.kill()
        pytest.fail(f"backup did not stop at {point}: {line!r} {proc.stderr.read()}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    assert blobs.sha256_file(big) == before  # the archive itself was only read
    assert "archive.backup" not in _actions(big)
    if point == "after-link":
        # DEST was placed only after verification: whole, never partial.
        assert verify_path(dest).ok
        for name in os.listdir(folder):
            assert name == dest.name or name.startswith(partial_prefix(dest)), name
        return
    _assert_nothing_like_a_backup(folder, dest)
    # The next backup to the same DEST succeeds and clears what the killed one left.
    with Archive.open(big) as archive:
        result = backup_archive(archive, dest)
    assert sorted(os.listdir(folder)) == [dest.name]
    assert result.sha256 == blobs.sha256_file(dest)[0]


# ------------------------------------------------------------------------ cancel
def test_cancel_during_copy_leaves_nothing(
    populated: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_copy, "PAGES_PER_STEP", 4)
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    cancel = threading.Event()

    def progress(done: int, total: int, message: str) -> None:
        if done > 0:
            cancel.set()

    with pytest.raises(Cancelled):
        backup_archive(populated, dest, progress=progress, cancel=cancel)
    assert os.listdir(folder) == []
    assert "archive.backup" not in _actions(populated.path)


def test_cancel_during_verification_leaves_nothing(populated: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    cancel = threading.Event()
    seen: list[str] = []

    def progress(done: int, total: int, message: str) -> None:
        seen.append(message)
        if message.startswith("Verifying"):
            cancel.set()

    with pytest.raises(Cancelled, match="verification"):
        backup_archive(populated, dest, progress=progress, cancel=cancel)
    assert any(m.startswith("Copying") for m in seen)  # the copy was complete
    assert os.listdir(folder) == []
    assert "archive.backup" not in _actions(populated.path)


# ------------------------------------------------------------------------ no overwrite
def test_existing_dest_is_refused_and_untouched(populated: Archive, tmp_path: Path) -> None:
    dest = tmp_path / "exists.rdesk"
    dest.write_bytes(b"precious")
    dangling = tmp_path / "dangling.rdesk"
    dangling.symlink_to(tmp_path / "nowhere")
    for target in (dest, dangling):
        with pytest.raises(ArchiveExists, match="already exists"):
            backup_archive(populated, target)
    assert dest.read_bytes() == b"precious"
    assert dangling.is_symlink() and not dangling.exists()
    assert not [n for n in os.listdir(tmp_path) if backup_copy.PARTIAL_MARK in n]


def test_dest_appearing_during_the_backup_is_never_overwritten(
    populated: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"

    def progress(done: int, total: int, message: str) -> None:
        if not dest.exists():
            dest.write_bytes(b"written by someone else meanwhile")

    with pytest.raises(ArchiveExists, match="appeared"):
        backup_archive(populated, dest, progress=progress)
    assert dest.read_bytes() == b"written by someone else meanwhile"
    assert os.listdir(folder) == [dest.name]
    assert "archive.backup" not in _actions(populated.path)


# ------------------------------------------------------------------------ verification
@pytest.mark.parametrize("how", ["failure", "not run"])
def test_copy_failing_verification_is_never_placed(
    populated: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    real = verify_mod.verify_path

    def failing(path: Path, **kw: object) -> verify_mod.VerifyReport:
        report = real(path, **kw)  # type: ignore[arg-type]
        if how == "failure":
            report.checks.append(Check("blob_fixity", False, "1 bad"))
            report.failures.append("Stored file 0123abcd…: SHA-256 mismatch")
        else:
            report.checks.append(Check("search_index", False, "not run (busy)", "not run"))
        return report

    monkeypatch.setattr(verify_mod, "verify_path", failing)
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    expected = "SHA-256 mismatch" if how == "failure" else "'search_index' did not run"
    with pytest.raises(BackupNotVerified, match=expected) as caught:
        backup_archive(populated, dest)
    assert "no backup was written" in str(caught.value) and "\n" not in str(caught.value)
    assert os.listdir(folder) == []
    assert "archive.backup" not in _actions(populated.path)


def test_copy_damaged_in_writing_is_never_placed(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = b"ORIGINAL-CONTENT-" * 4096
    with archive.write() as conn:
        blobs.put_bytes(conn, marker)
    real_fsync = backup_copy._fsync_file

    def damage_then_fsync(path: Path) -> None:
        data = bytearray(path.read_bytes())
        at = data.index(marker[:1000]) + 100
        data[at] ^= 0xFF
        path.write_bytes(bytes(data))
        real_fsync(path)

    monkeypatch.setattr(backup_copy, "_fsync_file", damage_then_fsync)
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    with pytest.raises(BackupNotVerified, match="SHA-256 mismatch"):
        backup_archive(archive, dest)
    assert os.listdir(folder) == []
    assert verify_path(archive.path).ok


# ------------------------------------------------------------------------ the result
def test_copy_is_one_file_in_rollback_journal_mode(populated: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    backup_archive(populated, dest)
    assert os.listdir(folder) == [dest.name]  # no -wal, -shm, -journal, .partial-
    assert dest.read_bytes()[18:20] == b"\x01\x01"  # header: not WAL
    conn = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


def test_result_and_cli_report_the_copy_audit_head(populated: Archive, tmp_path: Path) -> None:
    with populated.read() as conn:
        rows, head = audit.head(conn)
    dest = tmp_path / "api.rdesk"
    result = backup_archive(populated, dest)
    assert (result.audit_rows, result.audit_head) == (rows, head)
    assert result.recorded and result.notes == []
    with populated.read() as conn:
        details = json.loads(
            conn.exec_driver_sql(
                "SELECT details FROM audit_log WHERE action = 'archive.backup'"
            ).scalar_one()
        )
    assert details["audit_head"] == head and details["audit_rows"] == rows

    for mode in ("--json", "text"):
        with populated.read() as conn:
            rows, head = audit.head(conn)
        dest = tmp_path / f"cli-{mode.strip('-')}.rdesk"
        args = [sys.executable, "-m", "retention_desk", "--archive", str(populated.path)]
        args += ["backup", str(dest), *(["--json"] if mode == "--json" else [])]
        proc = subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=120)
        assert proc.returncode == 0, proc.stderr
        with Archive.open(dest) as copy, copy.read() as conn:
            chain = audit.check_chain(conn)
        assert chain.problems == [] and (chain.rows, chain.head_hash) == (rows, head)
        if mode == "--json":
            out = json.loads(proc.stdout)
            assert (out["audit_rows"], out["audit_head"]) == (rows, head)
            assert out["verified"] is True and out["path"] == str(dest.resolve())
        else:
            done = [ln for ln in proc.stdout.splitlines() if ln.startswith("Backup verified")]
            assert done == [f"Backup verified: audit trail {rows} rows, head {head}"]


# ------------------------------------------------------------------------ disk full
DISK_FULL = textwrap.dedent("""
    import resource, signal, sys
    # Past the limit write() must fail with EFBIG (as on a full disk), not kill the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    from retention_desk.cli import main
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024 * 1024, resource.RLIM_INFINITY))
    sys.exit(main(["--archive", sys.argv[1], "backup", sys.argv[2]]))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_disk_full_leaves_no_dest_no_temp_and_the_archive_untouched(
    big: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    before = blobs.sha256_file(big)
    proc = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(big), str(dest)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("retention-desk: error:"), proc.stderr
    assert "could not be made" in lines[0] and "Nothing was left" in lines[0]
    assert proc.stdout == ""
    assert os.listdir(folder) == []
    assert blobs.sha256_file(big) == before
    assert "archive.backup" not in _actions(big)


def test_full_disk_at_fsync_is_one_clean_error(
    populated: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_copy.os, "fsync", full)
    folder = tmp_path / "backups"
    dest = folder / "copy.rdesk"
    with pytest.raises(ArchiveError, match="the disk is full") as caught:
        backup_archive(populated, dest)
    assert "\n" not in str(caught.value)
    assert os.listdir(folder) == []
    assert "archive.backup" not in _actions(populated.path)


# ------------------------------------------------------------------------ leftovers
def test_stale_partials_of_dead_backups_are_removed_live_ones_kept(
    populated: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    dest = folder / "copy.rdesk"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = [
        folder / f"{partial_prefix(dest)}{gone.pid}-0a1b2c",
        folder / f"{partial_prefix(dest)}{gone.pid}-0a1b2c-journal",
    ]
    live = folder / f"{partial_prefix(dest)}{os.getpid()}-3d4e5f"
    other = folder / f".other.rdesk{backup_copy.PARTIAL_MARK}{gone.pid}-6a7b8c"
    for path in (*stale, live, other):
        path.write_bytes(b"left by a killed backup")
    backup_archive(populated, dest)
    assert sorted(os.listdir(folder)) == sorted([dest.name, live.name, other.name])

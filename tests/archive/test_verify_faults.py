"""Verify never changes what it checks, tells concurrency from corruption, and reports
corruption as named lines (issue 8)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, db
from retention_desk.archive import verify as verify_mod
from retention_desk.archive.verify import verify_and_record, verify_archive, verify_path
from retention_desk.cli import main as cli_main
from tests.archive.test_durability import WRITER, _env


def file_state(path: Path) -> tuple[str, list[str], int]:
    """The file's bytes, which other files sit beside it, and how much its WAL holds: what
    verify must leave alone. (A read-only SQLite connection may leave an empty WAL and the
    shared-memory index beside a WAL-mode file; neither holds content.)"""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    wal = Path(f"{path}-wal")
    siblings = sorted(
        p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))
    )
    return digest, siblings, wal.stat().st_size if wal.exists() else 0


def test_file_with_our_id_but_no_tables_is_a_failure_not_a_new_archive(tmp_path: Path) -> None:
    path = tmp_path / "empty.rdesk"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {db.APPLICATION_ID}")
    conn.close()
    before = file_state(path)
    report = verify_and_record(path)
    assert report.outcome == "fail"
    assert any("has no schema" in f for f in report.failures)
    assert file_state(path) == before
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    check.close()


@pytest.mark.parametrize(
    "revision, expected", [("0003", "is older than"), ("9999", "not one this version knows")]
)
def test_tampered_schema_revision_is_reported_not_migrated(
    populated: Archive, revision: str, expected: str
) -> None:
    populated.close()
    conn = sqlite3.connect(populated.path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    conn.commit()
    conn.close()
    before = file_state(populated.path)
    report = verify_and_record(populated.path)
    assert report.outcome == "fail"
    assert any(expected in f for f in report.failures), report.failures
    assert not report.recorded
    assert file_state(populated.path) == before, "no backup, no migration, no audit row"


def test_malformed_file_is_named_failures_and_exit_1(
    populated: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    populated.close()
    data = bytearray(populated.path.read_bytes())
    page = 4096
    for offset in range(page, len(data), page):  # every page but the header's
        data[offset : offset + 64] = b"\xa5" * 64
    populated.path.write_bytes(bytes(data))
    code = cli_main(["--archive", str(populated.path), "verify"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert "FAILURE:" in out and "malformed" in out
    assert "Archive verification FAILED" in out


def test_a_writer_holding_the_lock_makes_the_index_check_not_run_not_fail(
    populated: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verify_mod, "FTS_BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(populated.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        report = verify_path(populated.path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.failures == []
    assert report.outcome == "incomplete"
    assert [c.name for c in report.not_run] == ["search_index"]
    # recorded afterwards (the lock is gone): as incomplete, never as a failure
    verify_mod.record_result(populated, report)
    with populated.read() as conn:
        details = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'archive.verify'")
        ).scalar_one()
    assert '"outcome":"incomplete"' in details


def test_recording_skipped_with_a_note_when_the_archive_stays_busy(populated: Archive) -> None:
    fast = Archive.open(populated.path, busy_timeout_s=0.2)
    holder = sqlite3.connect(populated.path, isolation_level=None)
    report = verify_path(populated.path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        verify_mod.record_result(fast, report)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        fast.close()
    assert report.ok and not report.recorded
    assert any("not recorded" in n and "busy" in n for n in report.notes)


def test_two_verifies_at_once_never_fail(populated: Archive) -> None:
    reports: list[verify_mod.VerifyReport] = []

    def run() -> None:
        reports.append(verify_and_record(populated.path))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.failures for r in reports] == [[], [], []]
    assert all(r.outcome in ("pass", "incomplete") for r in reports)
    with populated.read() as conn:
        outcomes = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'archive.verify'")
        ).scalars()
        assert not any('"outcome":"fail"' in d for d in outcomes)


def test_verify_while_another_process_writes_never_reports_corruption(
    populated: Archive,
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(populated.path), "bg", "400"],
        env=_env(),
        stderr=subprocess.PIPE,
    )
    reports = []
    try:
        while proc.poll() is None or not reports:
            reports.append(verify_path(populated.path))
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert len(reports) >= 1
    assert all(r.failures == [] for r in reports), [r.failures for r in reports if r.failures]
    final = verify_archive(populated, record=False)
    assert final.ok, final.failures


def test_verify_reads_a_read_only_file(populated: Archive) -> None:
    populated.close()
    os.chmod(populated.path, 0o444)
    try:
        report = verify_path(populated.path)
    finally:
        os.chmod(populated.path, 0o644)
    assert report.failures == []
    if os.geteuid() != 0:  # root writes read-only files anyway
        assert [c.name for c in report.not_run] == ["search_index"]


def test_cancel_is_neither_pass_nor_fail(populated: Archive) -> None:
    cancel = threading.Event()
    cancel.set()
    report = verify_path(populated.path, cancel=cancel)
    assert report.outcome == "cancelled" and not report.ok


def test_cli_exit_codes(populated: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli_main(["--archive", str(populated.path), "verify"]) == 0
    monkeypatch.setattr(verify_mod, "FTS_BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(populated.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        code = cli_main(["--archive", str(populated.path), "verify", "--no-record"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2, f"incomplete, not failed (took {time.monotonic() - started:.1f}s)"


def test_substring_index_out_of_step_with_the_text_is_a_failure(populated: Archive) -> None:
    """Both full-text indexes are checked against the text, the trigram one too."""
    populated.checkpoint()
    conn = sqlite3.connect(populated.path, isolation_level=None)
    conn.execute("DROP TRIGGER record_versions_tri_au")
    # change the text with only the word index following it; outside ASCII, so the substring
    # index (which holds only such versions, 0017) should have followed it too
    conn.execute("UPDATE record_versions SET text = 'zzqq entirely naïve' WHERE record_id = 2")
    conn.close()
    report = verify_path(populated.path)
    check = next(c for c in report.checks if c.name == "search_index")
    assert check.status == "fail", check

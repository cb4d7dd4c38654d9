"""Two writers, a busy archive, and SIGKILL in the middle of a large write."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, ArchiveBusy
from retention_desk.archive.verify import verify_archive

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent("""
    import sys
    from retention_desk.archive import Archive
    from retention_desk.archive.ingest import RecordIn, RecordWriter
    archive = Archive.open(sys.argv[1], operator=sys.argv[2])
    for i in range(int(sys.argv[3])):
        with archive.write() as conn:
            w = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
            w.add(RecordIn("x", "post", f"{sys.argv[2]}-{i}", text=f"from {sys.argv[2]} {i}"))
            w.finish()
            archive.audit(conn, action="test.write", object_ids=[i])
    archive.close()
""")

BIG_WRITE = textwrap.dedent("""
    import io, os, sys
    from retention_desk.archive import Archive, blobs
    from retention_desk.archive.ingest import RecordIn, RecordWriter
    archive = Archive.open(sys.argv[1])
    payload = os.urandom(1024 * 1024) * 24
    with archive.write() as conn:
        print("BEGIN", flush=True)
        blobs.put_stream(conn, lambda: io.BytesIO(payload))
        w = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for i in range(30000):
            w.add(RecordIn("x", "post", f"big-{i}", text=f"bulk record {i} " * 5))
        w.finish()
        archive.audit(conn, action="test.big_write")
    print("DONE", flush=True)
""")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_two_processes_write_at_once(archive: Archive) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(archive.path), name, "40"],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alice", "bob")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with archive.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 80
        ops = conn.execute(
            text(
                "SELECT operator, count(*) FROM audit_log"
                " WHERE action = 'test.write' GROUP BY operator"
            )
        ).all()
    assert dict(ops) == {"alice": 40, "bob": 40}
    report = verify_archive(archive, record=False)
    assert report.ok, report.failures


def test_second_writer_gets_archive_busy_not_partial_state(tmp_path: Path) -> None:
    path = tmp_path / "busy.rdesk"
    Archive.create(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        archive = Archive.open(path, busy_timeout_s=0.3)
        with pytest.raises(ArchiveBusy, match="busy"), archive.write() as conn:
            archive.audit(conn, action="test.never")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with archive.read() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'test.never'")
            ).scalar()
            == 0
        )
    archive.close()


def test_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    path = tmp_path / "wait.rdesk"
    Archive.create(path).close()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    releaser.start()
    with Archive.open(path, busy_timeout_s=20) as archive:
        with archive.write() as conn:
            archive.audit(conn, action="test.after_wait")
        assert verify_archive(archive, record=False).ok
    releaser.join()
    holder.close()


@pytest.mark.slow
def test_sigkill_during_large_write_leaves_a_valid_archive(tmp_path: Path) -> None:
    rng = random.Random(20261121)
    for attempt in range(4):
        path = tmp_path / f"kill{attempt}.rdesk"
        Archive.create(path).close()
        proc = subprocess.Popen(
            [sys.executable, "-c", BIG_WRITE, str(path)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "BEGIN"
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with Archive.open(path) as archive:
            report = verify_archive(archive, record=False)
            assert report.ok, report.failures
            with archive.read() as conn:
                records = conn.execute(text("SELECT count(*) FROM records")).scalar()
                big_audit = conn.execute(
                    text("SELECT count(*) FROM audit_log WHERE action = 'test.big_write'")
                ).scalar()
            # all or nothing: the records and their audit row landed together, or neither did
            assert (records, big_audit) in ((0, 0), (30000, 1))

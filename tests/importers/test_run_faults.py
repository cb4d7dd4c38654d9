"""Imports under faults: a mistyped path, a process that dies mid-batch, a full disk (issue 8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, db
from retention_desk.archive.verify import verify_path
from retention_desk.cli import main as cli_main

REPO = Path(__file__).resolve().parents[2]


def _counts(archive: Archive) -> tuple[int, int]:
    with archive.read() as conn:
        return (
            int(conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()),
            int(conn.execute(text("SELECT count(*) FROM import_batches")).scalar_one()),
        )


def test_missing_path_is_an_error_before_any_batch_or_audit_row(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _counts(archive)
    real = tmp_path / "real.csv"
    real.write_text("id,text\n1,hello\n", "utf-8")
    code = cli_main(
        ["--archive", str(archive.path), "import", str(real), str(tmp_path / "typo.zip")]
    )
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1 and "typo.zip does not exist" in err
    assert _counts(archive) == before, "not even the existing file was imported"


DIE_MID_BATCH = textwrap.dedent("""
    import os, signal, sys
    from retention_desk.archive import Archive
    from retention_desk.archive.batches import start_batch
    archive = Archive.open(sys.argv[1])
    with archive.write() as conn:
        batch = start_batch(conn, operator="killed", options={})
        archive.audit(conn, action="import.start", object_type="import_batch", object_ids=[batch])
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _batch_status(path: Path) -> list[tuple[int, str]]:
    archive = Archive.open(path)
    try:
        with archive.read() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT id, status FROM import_batches"))]
    finally:
        archive.close()


def test_batch_of_a_killed_process_is_marked_interrupted_on_the_next_write(
    archive: Archive,
) -> None:
    archive.close()
    proc = subprocess.run(
        [sys.executable, "-c", DIE_MID_BATCH, str(archive.path)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
    )
    assert proc.returncode == -signal.SIGKILL
    # read-only use leaves it alone
    assert _batch_status(archive.path) == [(1, "running")]
    assert cli_main(["--archive", str(archive.path), "search", "anything"]) == 0
    assert _batch_status(archive.path) == [(1, "running")]
    # the next write marks it, with an audit row, and the archive still verifies
    reopened = Archive.open(archive.path)
    try:
        reopened.update_settings(reopened.settings())  # a write that changes nothing
        with reopened.read() as conn:
            status = conn.execute(text("SELECT status FROM import_batches")).scalar_one()
            audited = conn.execute(
                text("SELECT object_ids FROM audit_log WHERE action = 'import.interrupted'")
            ).scalar_one()
    finally:
        reopened.close()
    assert status == "interrupted" and json.loads(audited) == [1]
    assert verify_path(archive.path).ok


def test_batch_of_a_live_process_is_left_running(archive: Archive) -> None:
    from retention_desk.archive.batches import start_batch

    with archive.write() as conn:
        start_batch(conn, operator="me", options={})  # this process: alive
    other = Archive.open(archive.path)
    try:
        other.update_settings(other.settings())
    finally:
        other.close()
    assert _batch_status(archive.path) == [(1, "running")]


def _x_export(root: Path, tweets: int) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    (data / "manifest.js").write_text("window.__THAR_CONFIG = {}", "utf-8")
    items = [
        {
            "tweet": {
                "id_str": str(10**18 + i),
                "full_text": f"tweet {i} " + "padding words to fill pages " * 20,
                "created_at": "Mon Jan 01 12:00:00 +0000 2024",
            }
        }
        for i in range(tweets)
    ]
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(items), "utf-8")
    return root


def test_disk_full_is_one_line_keeps_committed_work_and_reads_still_work(
    archive: Archive,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    small = _x_export(tmp_path / "small", 5)
    assert cli_main(["--archive", str(archive.path), "import", str(small)]) == 0
    with archive.read() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())
        committed = int(conn.execute(text("SELECT count(*) FROM records")).scalar_one())
    archive.close()
    capsys.readouterr()
    # The disk "fills" a few pages past what is there now: SQLite's own size limit gives the
    # same SQLITE_FULL a full disk gives, on every connection the app opens.
    monkeypatch.setattr(db, "PRAGMAS", (*db.PRAGMAS, f"PRAGMA max_page_count = {pages + 8}"))
    big = _x_export(tmp_path / "big", 3000)
    code = cli_main(["--archive", str(archive.path), "import", str(big)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert "full" in (out + err).lower()
    # read-only commands still work on the full disk
    assert cli_main(["--archive", str(archive.path), "info"]) == 0
    assert cli_main(["--archive", str(archive.path), "search", "tweet"]) == 0
    assert cli_main(["--archive", str(archive.path), "verify", "--no-record"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    monkeypatch.undo()
    again = Archive.open(archive.path)
    try:
        with again.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM records")).scalar_one() == committed
    finally:
        again.close()
    report = verify_path(archive.path)
    assert report.ok, report.failures

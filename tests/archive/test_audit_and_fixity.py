"""Tamper evidence: the audit trail refuses changes, and verify names what was altered."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_archive


def raw(archive: Archive) -> sqlite3.Connection:
    """What someone with the file and the sqlite3 shell can do."""
    archive.checkpoint()
    return sqlite3.connect(archive.path, isolation_level=None)


def test_every_change_is_audited_in_a_chain(populated: Archive) -> None:
    report = verify_archive(populated, record=False)
    assert report.ok, report.failures
    with populated.read() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log ORDER BY id")).scalars().all()
        operators = set(conn.execute(text("SELECT operator FROM audit_log")).scalars())
    assert actions == ["archive.create", "import.source_file"]
    assert operators == {"pytest"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET operator = 'mallory' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_triggers_refuse_update_and_delete(populated: Archive, statement: str) -> None:
    conn = raw(populated)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    conn.close()
    assert verify_archive(populated, record=False).ok


def test_altered_audit_row_fails_verify_naming_it(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET details = '{\"added\":1}' WHERE id = 2")
    conn.close()
    report = verify_archive(populated, record=False)
    assert not report.ok
    assert any("Audit row 2" in f and "altered" in f for f in report.failures)
    assert any("guard triggers are missing" in f for f in report.failures)


def test_deleted_middle_row_and_forged_row_fail_verify(populated: Archive) -> None:
    with populated.write() as conn:
        populated.audit(conn, action="settings.update")
    conn = raw(populated)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = 2")
    conn.close()
    report = verify_archive(populated, record=False)
    assert any("Audit row 3" in f and "missing" in f for f in report.failures)
    assert any("Audit row 3" in f and "does not link" in f for f in report.failures)


def test_flipped_byte_in_original_fails_verify_naming_file(populated: Archive) -> None:
    conn = raw(populated)
    sha, seq, data = conn.execute(
        "SELECT c.sha256, c.seq, c.data FROM blob_chunks c JOIN source_files s"
        " ON s.blob_sha256 = c.sha256 WHERE s.name = 'export.json'"
    ).fetchone()
    flipped = bytes([data[0] ^ 0x01]) + data[1:]
    conn.execute(
        "UPDATE blob_chunks SET data = ? WHERE sha256 = ? AND seq = ?", (flipped, sha, seq)
    )
    conn.close()
    report = verify_archive(populated)
    assert not report.ok
    failure = next(f for f in report.failures if sha[:16] in f)
    assert "export.json" in failure and "SHA-256 mismatch" in failure
    with populated.read() as c:
        outcome = c.execute(
            text(
                "SELECT details FROM audit_log WHERE action = 'archive.verify'"
                " ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    assert '"outcome":"fail"' in outcome


def test_flipped_media_byte_names_the_record(populated: Archive) -> None:
    conn = raw(populated)
    sha, record_id = conn.execute(
        "SELECT blob_sha256, record_id FROM media ORDER BY id LIMIT 1"
    ).fetchone()
    # Concatenation turns the chunk into TEXT that is not valid UTF-8: verify must still report.
    conn.execute("UPDATE blob_chunks SET data = X'FF00' || data WHERE sha256 = ?", (sha,))
    conn.close()
    report = verify_archive(populated, record=False)
    assert any(f"of record {record_id}" in f for f in report.failures)


def test_missing_chunk_fails_verify(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute("PRAGMA foreign_keys=OFF")
    sha = conn.execute("SELECT sha256 FROM blobs LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM blob_chunks WHERE sha256 = ?", (sha,))
    conn.close()
    assert not verify_archive(populated, record=False).ok


def test_verify_is_cancellable(populated: Archive) -> None:
    import threading

    cancel = threading.Event()
    cancel.set()
    report = verify_archive(populated, cancel=cancel)
    assert report.cancelled and not report.ok

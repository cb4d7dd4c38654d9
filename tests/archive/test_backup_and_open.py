"""Backups verify and restore; files that are not archives are refused cleanly."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, ArchiveExists, Cancelled, NotAnArchive
from retention_desk.archive.backup import backup_archive
from retention_desk.archive.blobs import sha256_file
from retention_desk.archive.verify import verify_archive


def test_backup_then_verify(populated: Archive, tmp_path: Path) -> None:
    dest = tmp_path / "copies" / "backup.rdesk"
    result = backup_archive(populated, dest)
    assert result.verified and result.failures == []
    assert result.sha256 == sha256_file(dest)[0]
    assert not Path(f"{dest}-wal").exists() or Path(f"{dest}-wal").stat().st_size == 0
    with Archive.open(dest) as copy:
        assert verify_archive(copy, record=False).ok
        with copy.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 20
    with populated.read() as conn:
        details = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'archive.backup'")
        ).scalar_one()
    assert result.sha256 in details


def test_backup_refuses_to_overwrite(populated: Archive, tmp_path: Path) -> None:
    dest = tmp_path / "exists.rdesk"
    dest.write_bytes(b"precious")
    with pytest.raises(ArchiveExists):
        backup_archive(populated, dest)
    assert dest.read_bytes() == b"precious"


def test_cancelled_backup_leaves_nothing(populated: Archive, tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    dest = tmp_path / "cancelled.rdesk"
    with pytest.raises(Cancelled):
        backup_archive(populated, dest, cancel=cancel)
    assert not dest.exists()


@pytest.mark.parametrize("content", [b"", b"garbage" * 100, b"SQLite format 3\x00" + b"\x00" * 80])
def test_garbage_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.rdesk"
    path.write_bytes(content)
    with pytest.raises(NotAnArchive, match=r"bad\.rdesk"):
        Archive.open(path)
    assert path.read_bytes() == content  # no repair attempted


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(NotAnArchive, match="not a retention_desk archive"):
        Archive.open(path)


def test_missing_file_and_existing_create(tmp_path: Path) -> None:
    with pytest.raises(NotAnArchive, match="does not exist"):
        Archive.open(tmp_path / "nope.rdesk")
    Archive.create(tmp_path / "a.rdesk").close()
    with pytest.raises(ArchiveExists):
        Archive.create(tmp_path / "a.rdesk")


def test_settings_are_validated_and_audited(archive: Archive) -> None:
    from dataclasses import replace

    from retention_desk.archive import ArchiveError

    current = archive.settings()
    assert current.time_zone == "America/Denver"
    with pytest.raises(ArchiveError, match="not a known IANA time zone"):
        archive.update_settings(replace(current, time_zone="Mars/Olympus"))
    archive.update_settings(replace(current, agency_name="Sandia Vista PD", bates_prefix="SVPD"))
    assert archive.settings().bates_prefix == "SVPD"
    with archive.read() as conn:
        details = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'settings.update'")
        ).scalar_one()
    assert "Sandia Vista PD" in details and "bates_prefix" in details


def test_operator_from_settings_is_used(archive: Archive) -> None:
    from dataclasses import replace

    fresh = Archive.open(archive.path)  # no explicit operator
    fresh.update_settings(replace(fresh.settings(), operator_name="Clerk Jane Roe"))
    with fresh.write() as conn:
        fresh.audit(conn, action="test.who")
    with fresh.read() as conn:
        who = conn.execute(
            text("SELECT operator FROM audit_log WHERE action = 'test.who'")
        ).scalar()
    fresh.close()
    assert who == "Clerk Jane Roe"

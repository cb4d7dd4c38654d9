"""The byte-flip campaign (issue 8): a few hundred seeded single-bit flips in the pages of a
small archive. Each flip must either be detected by verify, or be shown to land in bytes that
carry no content: the archive's content, read back table by table, is then unchanged.

"Content" here is every table verify vouches for: records with their versions, media and
provenance, originals (blobs and chunks), accounts, batches, source files, settings, the audit
trail and the seals, and the schema revision. Left out, and said so in README: the full-text
index's shadow tables (derived from the text; FTS5's own check covers what it can), SQLite's
bookkeeping (sqlite_sequence, the schema text in sqlite_master, when a blob was first stored)
and the saved searches and
column mappings (configuration, no record content).
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_path
from tests.archive.conftest import populate
from tests.archive.test_tamper import add_deleted_record

FLIPS = 300
SEED = 20261204
CONTENT_TABLES = {
    "records": "id",
    "record_versions": "id",
    "media": "id",
    "record_sources": "record_id, source_file_id",
    "source_files": "id",
    "blobs": "sha256",
    "blob_chunks": "sha256, seq",
    "accounts": "id",
    "import_batches": "id",
    "audit_log": "id",
    "seal_log": "id",
    "seal_salts": "kind, object_id",
    "alembic_version": "version_num",
}


def content_of(path: Path) -> dict[str, list[tuple[object, ...]]] | None:
    """Every content table's rows as raw values, or None if the file cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.text_factory = bytes
        try:
            dump = {
                table: conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
                for table, order in CONTENT_TABLES.items()
            }
            # when a blob was first stored is bookkeeping; its key and size are checked
            dump["blobs"] = conn.execute("SELECT sha256, size FROM blobs ORDER BY 1").fetchall()
            dump["settings"] = [
                row
                for row in conn.execute("SELECT key, value FROM settings ORDER BY key")
                if not row[0].startswith(b"archive.last_")
            ]
            return dump
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, Path]:
    folder = tmp_path_factory.mktemp("flips")
    archive = Archive.create(folder / "small.rdesk", operator="pytest")
    populate(archive, n=120)
    add_deleted_record(archive)
    archive.close()
    # No free pages: every page of the file is in use, so every flip lands in a used page.
    conn = sqlite3.connect(folder / "small.rdesk", isolation_level=None)
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()
    data = (folder / "small.rdesk").read_bytes()
    assert verify_path(folder / "small.rdesk").ok
    return data, folder


def test_every_flip_is_detected_or_changes_no_content(pristine: tuple[bytes, Path]) -> None:
    data, folder = pristine
    original = content_of(folder / "small.rdesk")
    assert original is not None and len(original["records"]) == 121
    rng = random.Random(SEED)
    detected = harmless = 0
    missed: list[str] = []
    target = folder / "flipped.rdesk"
    for n in range(FLIPS):
        offset = rng.randrange(len(data))
        bit = 1 << rng.randrange(8)
        flipped = bytearray(data)
        flipped[offset] ^= bit
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(bytes(flipped))
        report = verify_path(target)
        if report.failures:
            detected += 1
            continue
        after = content_of(target)
        if after == original:
            harmless += 1
        else:
            changed = (
                sorted(t for t in original if after is None or after.get(t) != original[t])
                if after is not None
                else ["(unreadable)"]
            )
            missed.append(f"flip {n}: byte {offset} bit {bit} changed {changed}")
    assert not missed, missed
    # the campaign must exercise both outcomes, or it proves nothing (most of a small
    # archive's bytes are page slack and index structure, so most flips change no content)
    assert detected >= FLIPS // 10, (detected, harmless)
    assert harmless > 0

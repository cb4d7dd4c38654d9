"""Fixtures for archive tests: a fresh archive, and one with records, media and originals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retention_desk.archive import Archive, blobs
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, RecordWriter, upsert_account


def populate(archive: Archive, n: int = 20) -> dict[str, int]:
    """Write a small realistic import: one original, an account, posts, replies and media."""
    original = b'{"synthetic": "export"}' * 50
    with archive.write() as conn:
        batch = start_batch(conn, operator="pytest", options={})
        sha, size = blobs.put_bytes(conn, original)
        source = add_source_file(
            conn,
            batch_id=batch,
            name="export.json",
            size=size,
            sha256=sha,
            blob_sha256=sha,
            status="imported",
            detected_format="test",
        )
        account = upsert_account(conn, AccountIn("x", "100", "100", "sandia_pd", "Sandia PD"))
        writer = RecordWriter(conn, batch_id=batch, source_file_id=source, account_id=account)
        for i in range(n):
            writer.add(
                RecordIn(
                    platform="x",
                    kind="post" if i % 4 == 0 else "reply",
                    record_key=str(10**18 + i),
                    parent_key=None if i % 4 == 0 else str(10**18 + i - i % 4),
                    text=f"message number {i} about the county fair",
                    author_name="Sandia PD",
                    created_at=datetime(2024, 1, 1 + i % 28, 12, tzinfo=UTC),
                    media=[MediaIn(f"media/{i}.png", data=f"png{i}".encode())]
                    if i % 5 == 0
                    else [],
                )
            )
        counts = writer.finish()
        finish_batch(conn, batch, status="completed", counts={"added": counts.added}, errors=[])
        archive.audit(
            conn,
            action="import.source_file",
            object_type="source_file",
            object_ids=[source],
            details={"added": counts.added},
        )
    return {"batch": batch, "source": source, "added": counts.added}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "test.rdesk", operator="pytest")
    yield arch
    arch.close()


@pytest.fixture
def populated(archive: Archive) -> Archive:
    populate(archive)
    return archive

"""Search test fixtures: small hand-built archives written through the real RecordWriter."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.batches import add_source_file, finish_batch, start_batch
from retention_desk.archive.ingest import AccountIn, RecordIn, RecordWriter, upsert_account
from retention_desk.search import SearchEngine


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "search.rdesk", operator="pytest")
    yield arch
    arch.close()


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def write(
    archive: Archive,
    records: Iterable[RecordIn],
    *,
    account: AccountIn | None = None,
    source: str = "export.json",
) -> dict[str, int]:
    """Write `records` as one source file of one import batch; record_key -> record id."""
    with archive.write() as conn:
        batch = start_batch(conn, operator="pytest", options={})
        source_id = add_source_file(
            conn,
            batch_id=batch,
            name=source,
            size=1,
            sha256=hashlib.sha256(source.encode()).hexdigest(),
            blob_sha256=None,
            status="imported",
            detected_format="test",
        )
        account_id = upsert_account(conn, account) if account else None
        writer = RecordWriter(conn, batch_id=batch, source_file_id=source_id, account_id=account_id)
        writer.add_many(records)
        writer.finish()
        finish_batch(conn, batch, status="completed", counts={}, errors=[])
        return {key: rid for (_p, key), rid in writer.record_ids.items()}


def rec(key: str, text: str, **kw: object) -> RecordIn:
    """A record with defaults: an x post created 2022-06-01 noon UTC."""
    values: dict[str, object] = {
        "platform": "x",
        "kind": "post",
        "record_key": key,
        "text": text,
        "created_at": utc(2022, 6, 1, 12),
    }
    values.update(kw)
    return RecordIn(**values)  # type: ignore[arg-type]


@pytest.fixture
def engine(archive: Archive) -> Iterator[SearchEngine]:
    with SearchEngine(archive) as search_engine:
        yield search_engine


def ids(engine: SearchEngine, query: str, **kw: object) -> list[int]:
    return engine.search_ids(query, **kw)  # type: ignore[arg-type]


def page_ids(engine: SearchEngine, query: str, **kw: object) -> list[int]:
    return [r.id for r in engine.page(query, **kw).rows]  # type: ignore[arg-type]

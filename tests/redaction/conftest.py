"""An archive with a few records whose texts the redaction tests cut into."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import MediaIn, RecordIn
from retention_desk.archive.store import Archive

SECRET = "123-45-6789"
# emoji with skin tone and ZWJ sequences, an astral letter, an accent as a combining mark
ASTRAL = "Hi 👩🏽‍🚒 and 𝒳 café: SSN 987-65-4321 🇳🇲 end"


def write(archive: Archive, items: list[RecordIn]) -> dict[str, int]:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for item in items:
            writer.add(item)
        writer.finish()
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_key, id FROM records").all()
    return {str(k): int(i) for k, i in rows}


def post(key: str, text: str, **kw: object) -> RecordIn:
    return RecordIn(
        platform="x",
        kind="post",
        record_key=key,
        platform_id=key,
        text=text,
        created_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "redact.rdesk", operator="pytest")
    yield arch
    arch.close()


@pytest.fixture
def ids(archive: Archive) -> dict[str, int]:
    return write(
        archive,
        [
            post(
                "p1",
                f"My SSN is {SECRET}, call me",
                author_name="Rosa Díaz",
                author_handle="rosa",
                url="https://x.com/rosa/status/1",
                media=[MediaIn(original_uri="media/p1.png", data=b"png bytes")],
            ),
            post("p2", ASTRAL),
            post("p3", "nothing secret here"),
        ],
    )

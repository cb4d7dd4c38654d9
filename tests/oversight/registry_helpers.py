"""A small archive for the registry tests: one official X account (@sandia) with posts
credited to the page, to staff bylines and to the public, at fixed dates."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive.ingest import RecordWriter, upsert_account
from retention_desk.archive.records_in import AccountIn, RecordIn
from retention_desk.archive.store import Archive


def post(
    key: str,
    day: int,
    *,
    kind: str = "post",
    name: str = "Town of Sandia",
    handle: str = "sandia",
    parent: str | None = None,
) -> RecordIn:
    # 18:00 UTC is still the same day in Denver (the default agency time zone)
    return RecordIn(
        platform="x",
        kind=kind,
        record_key=key,
        platform_id=key,
        text=f"text of {key}",
        created_at=datetime(2026, 3, day, 18, 0, tzinfo=UTC),
        author_name=name,
        author_handle=handle,
        parent_key=parent,
    )


def write(archive: Archive, items: list[RecordIn], handle: str = "sandia") -> int:
    """Write `items` under the official account @`handle`; returns the account id."""
    with archive.write() as conn:
        aid = upsert_account(
            conn, AccountIn("x", "1234" + handle, "1234" + handle, handle, "Town of Sandia")
        )
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=aid)
        for item in items:
            writer.add(item)
        writer.finish()
    return aid


def ids(archive: Archive) -> dict[str, int]:
    with archive.read() as conn:
        return {
            str(k): int(i) for k, i in conn.exec_driver_sql("SELECT record_key, id FROM records")
        }


def audit_rows(archive: Archive, prefix: str = "registry.") -> list[tuple[str, str, str]]:
    with archive.read() as conn:
        return [
            (str(a), str(i), str(d))
            for a, i, d in conn.exec_driver_sql(
                "SELECT action, object_ids, details FROM audit_log WHERE action LIKE ? ORDER BY id",
                (prefix + "%",),
            )
        ]


def audit_details(archive: Archive) -> list[dict[str, object]]:
    return [json.loads(d) for _, _, d in audit_rows(archive)]


def new_archive(tmp_path: Path, name: str = "a.rdesk") -> Archive:
    return Archive.create(tmp_path / name, operator="pytest")

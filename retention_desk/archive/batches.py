"""Import batches and source-file rows: the provenance every record points back to."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from retention_desk import __version__
from retention_desk.archive import timeutil


def start_batch(conn: Connection, *, operator: str, options: dict[str, Any]) -> int:
    result = conn.execute(
        text(
            "INSERT INTO import_batches (started_at, operator, app_version, status, options_json,"
            " counts_json, errors_json) VALUES (:t, :op, :v, 'running', :o, '{}', '[]')"
            " RETURNING id"
        ),
        {
            "t": timeutil.now_db(),
            "op": operator,
            "v": __version__,
            "o": json.dumps(options, ensure_ascii=False, default=str),
        },
    )
    return int(result.scalar_one())


def finish_batch(
    conn: Connection, batch_id: int, *, status: str, counts: dict[str, Any], errors: list[str]
) -> None:
    conn.execute(
        text(
            "UPDATE import_batches SET finished_at = :t, status = :s, counts_json = :c,"
            " errors_json = :e WHERE id = :id"
        ),
        {
            "t": timeutil.now_db(),
            "s": status,
            "c": json.dumps(counts, ensure_ascii=False),
            "e": json.dumps(errors, ensure_ascii=False),
            "id": batch_id,
        },
    )


@dataclass(frozen=True)
class SourceFileRow:
    id: int
    batch_id: int
    name: str
    sha256: str
    status: str


def add_source_file(
    conn: Connection,
    *,
    batch_id: int,
    name: str,
    size: int,
    sha256: str,
    blob_sha256: str | None,
    status: str,
    detected_format: str | None = None,
    container_id: int | None = None,
    original_path: str | None = None,
    error: str | None = None,
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    result = conn.execute(
        text(
            "INSERT INTO source_files (batch_id, container_id, name, original_path, size, sha256,"
            " blob_sha256, detected_format, status, error, counts_json, details_json,"
            " imported_at) VALUES (:b, :c, :n, :op, :sz, :sha, :blob, :fmt, :st, :err, :cnt,"
            " :det, :t) RETURNING id"
        ),
        {
            "b": batch_id,
            "c": container_id,
            "n": name,
            "op": original_path,
            "sz": size,
            "sha": sha256,
            "blob": blob_sha256,
            "fmt": detected_format,
            "st": status,
            "err": error,
            "cnt": json.dumps(counts or {}, ensure_ascii=False),
            "det": json.dumps(details or {}, ensure_ascii=False, default=str),
            "t": timeutil.now_db(),
        },
    )
    return int(result.scalar_one())


def update_source_file(
    conn: Connection,
    source_id: int,
    *,
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    if counts is not None:
        conn.execute(
            text("UPDATE source_files SET counts_json = :c WHERE id = :id"),
            {"c": json.dumps(counts, ensure_ascii=False), "id": source_id},
        )
    if details is not None:
        conn.execute(
            text("UPDATE source_files SET details_json = :d WHERE id = :id"),
            {"d": json.dumps(details, ensure_ascii=False, default=str), "id": source_id},
        )


def place(name: str) -> str:
    """A file's place in its export: parent folder and name. Record identity can depend on it
    (a Messenger thread is named by its folder), so byte-identical files in two places are two
    imports, while the same file imported again from anywhere in the same place is one."""
    return "/".join(name.replace("\\", "/").split("/")[-2:])


def find_imported(conn: Connection, sha256: str, name: str | None = None) -> SourceFileRow | None:
    """An earlier successful import of exactly these bytes in the same place, if any."""
    rows = conn.execute(
        text(
            "SELECT id, batch_id, name, sha256, status FROM source_files"
            " WHERE sha256 = :s AND status = 'imported' ORDER BY id"
        ),
        {"s": sha256},
    ).all()
    for row in rows:
        if name is None or place(row[2]) == place(name):
            return SourceFileRow(*row)
    return None


def find_stored(conn: Connection, sha256: str) -> SourceFileRow | None:
    row = conn.execute(
        text(
            "SELECT id, batch_id, name, sha256, status FROM source_files"
            " WHERE sha256 = :s AND status IN ('imported', 'stored') ORDER BY id LIMIT 1"
        ),
        {"s": sha256},
    ).first()
    return SourceFileRow(*row) if row else None

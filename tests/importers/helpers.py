"""Small read helpers shared by the importer tests: plain SQL over the archive, no importer code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from retention_desk.archive import Archive


def fetch_rows(archive: Archive, sql: str, **params: Any) -> list[Any]:
    """Every row of `sql` (bound with `params`), read in one short read transaction."""
    with archive.read() as conn:
        return list(conn.execute(text(sql), params).all())


def latest_records(archive: Archive, platform: str | None = None) -> dict[str, dict[str, Any]]:
    """record_key -> record columns + newest version as v_text, v_text_raw, v_title, v_raw.

    Only `platform`'s records when given, else every record; in insertion (id) order.
    """
    where = " WHERE r.platform = :p" if platform is not None else ""
    rows = fetch_rows(
        archive,
        "SELECT r.*, v.text AS v_text, v.text_raw AS v_text_raw, v.title AS v_title,"
        " v.raw_json AS v_raw FROM records r JOIN record_versions v ON v.record_id = r.id"
        f" AND v.seq = r.version_count{where} ORDER BY r.id",
        p=platform,
    )
    return {row._mapping["record_key"]: dict(row._mapping) for row in rows}


def files_by_name(summary: Any) -> dict[str, Any]:
    """An import summary's per-file results keyed by the file's base name."""
    return {Path(f.path).name: f for f in summary.files}

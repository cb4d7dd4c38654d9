"""Shared by the subscriber-list tests: the fixtures, importing them, the list rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.run import run_import
from retention_desk.importers.summary import ImportSummary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "subscribers"
X_MARCH = FIXTURES / "x" / "twitter-2026-03-06"
X_APRIL = FIXTURES / "x" / "twitter-2026-04-01"
INSTAGRAM = FIXTURES / "instagram" / "instagram-cityofexample-2025-08-10"
FACEBOOK = FIXTURES / "facebook" / "facebook-cityofexample-2026-05-30-Ab12Cd"
YOUTUBE = FIXTURES / "youtube" / "takeout-20250301T101500Z-001"
REDDIT = FIXTURES / "reddit" / "export_CityOfExample_20240601"
# exports that do not name their account in the list files alone
NEEDS_ACCOUNT = {FACEBOOK: "cityofexample", YOUTUBE: "cityofexample"}


def import_export(archive: Archive, path: Path, account: str | None = None) -> ImportSummary:
    account = account or NEEDS_ACCOUNT.get(path)
    return run_import(archive, [path], ImportOptions(account=account))


def lists(archive: Archive) -> list[dict[str, Any]]:
    """Every snapshot: its list row, account, record and newest text, in record order."""
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT l.record_id, l.list_kind, l.taken_at, l.entry_count, r.platform,"
                " r.kind, r.record_key, r.extra_json, a.handle, v.text"
                " FROM subscriber_lists l JOIN records r ON r.id = l.record_id"
                " LEFT JOIN accounts a ON a.id = l.account_id"
                " JOIN record_versions v ON v.record_id = r.id AND v.seq = r.version_count"
                " ORDER BY l.record_id"
            )
        ).all()
    out = []
    for row in rows:
        item = dict(row._mapping)
        item["extra"] = json.loads(item.pop("extra_json") or "{}")
        out.append(item)
    return out


def entries(archive: Archive, record_id: int) -> list[dict[str, Any]]:
    with archive.read() as conn:
        rows = conn.execute(
            text("SELECT * FROM subscriber_entries WHERE record_id = :r ORDER BY position"),
            {"r": record_id},
        ).all()
    return [dict(r._mapping) for r in rows]


def one(archive: Archive, platform: str, kind: str) -> dict[str, Any]:
    found = [x for x in lists(archive) if x["platform"] == platform and x["list_kind"] == kind]
    assert len(found) == 1, found
    return found[0]

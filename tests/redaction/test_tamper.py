"""verify catches redactions changed behind the app's back: one deleted (the next production
would print what it hid), one forged, one whose code was swapped."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.redaction import store


def _edit(path: Path, sql: str) -> None:
    raw = sqlite3.connect(path)
    raw.execute(sql)
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("DELETE FROM redactions", "removed outside the app"),
        ("UPDATE redactions SET code = '14-2-1(F)'", "changed outside the app"),
        (
            "INSERT INTO redactions SELECT 99, kind, record_id, version_id, all_versions, field,"
            " start_index, end_index, media_id, code, note, request_id, digest, created_at,"
            " created_by, reviewed_at, reviewed_by FROM redactions LIMIT 1",
            "added outside the app",
        ),
    ],
)
def test_redaction_tampering_is_caught(
    archive: Archive, ids: dict[str, int], sql: str, words: str
) -> None:
    store.add_redaction(archive, ids["p1"], 10, 21, "14-2-1.1")
    path = archive.path
    assert verify_path(path).ok
    _edit(path, sql)
    report = verify_path(path)
    check = next(c for c in report.checks if c.name == "redactions")
    assert check.status == "fail"
    assert any(words in f for f in report.failures)

"""verify catches a request log changed behind the app's back: a request re-dated (its clocks
and exposure start later), a late denial back-dated, a step deleted or added, a letter re-dated."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.ipra import requests


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Path]:
    archive = Archive.create(tmp_path / "desk.rdesk", operator="pytest")
    detail = requests.new_request(
        archive,
        received_at=datetime(2026, 10, 1, 16, tzinfo=UTC),
        via="email",
        name="Ana",
        address="1 Main",
        phone="555",
        description="comments",
    )
    requests.acknowledge(archive, detail.number, on=date(2026, 10, 2))
    requests.deny(archive, detail.number, responsible=[("R. Ortiz", "Chief")], on=date(2026, 11, 2))
    archive.close()
    assert verify_path(tmp_path / "desk.rdesk").ok
    yield tmp_path / "desk.rdesk"


def _edit(path: Path, sql: str) -> None:
    raw = sqlite3.connect(path)
    raw.execute(sql)
    raw.commit()
    raw.close()


def _failures(path: Path) -> list[str]:
    report = verify_path(path)
    check = next(c for c in report.checks if c.name == "ipra_requests")
    assert check.status == "fail"
    return report.failures


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE ipra_requests SET received_on = '2026-10-20'", "received on"),
        ("UPDATE ipra_requests SET via = 'oral'", "via"),
        ("UPDATE ipra_events SET on_date = '2026-10-10' WHERE kind = 'denied'", "denied on"),
        ("DELETE FROM ipra_events WHERE kind = 'acknowledged'", "removed outside the app"),
        (
            "INSERT INTO ipra_events (request_id, kind, on_date, method, details_json, at,"
            " by_name) VALUES (1, 'fulfilled', '2026-10-05', 'email', '{}', 'x', 'x')",
            "added outside the app",
        ),
    ],
)
def test_request_log_tampering_is_caught(desk: Path, sql: str, words: str) -> None:
    _edit(desk, sql)
    assert any(words in f for f in _failures(desk))

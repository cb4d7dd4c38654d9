"""Verify catches holds changed behind the app's back (holds stop destruction, so removing one
outside the app would let held records be destroyed as if approved)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule


@pytest.fixture
def held(tmp_archive: Archive, tmp_path: Path) -> tuple[Archive, int]:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    add_records(tmp_archive, STANDARD)
    hold = rt.place_hold(tmp_archive, "Smith v. City", "litigation", query="budget")
    assert hold.records == 3
    return tmp_archive, hold.id


def tamper(archive: Archive, *statements: str) -> list[str]:
    archive.checkpoint()
    conn = sqlite3.connect(archive.path, isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    conn.close()
    report = verify_path(archive.path)
    assert not report.ok
    assert next(c for c in report.checks if c.name == "holds").status == "fail"
    return report.failures


def test_untouched_holds_pass(held: tuple[Archive, int]) -> None:
    archive, hold_id = held
    rt.place_hold(archive, "Audit 2025", "audit", record_ids=[1])
    rt.release_hold(archive, hold_id, "case dismissed")
    report = verify_path(archive.path)
    assert report.ok, report.failures
    holds = next(c for c in report.checks if c.name == "holds")
    assert holds.ok and "2 holds" in holds.detail


def test_deleted_hold_is_named(held: tuple[Archive, int]) -> None:
    archive, hold_id = held
    found = tamper(
        archive,
        f"DELETE FROM hold_records WHERE hold_id = {hold_id}",
        f"DELETE FROM holds WHERE id = {hold_id}",
    )
    assert any(f.startswith(f"Hold {hold_id}, placed by audit row") for f in found), found


def test_records_taken_off_a_hold_in_force(held: tuple[Archive, int]) -> None:
    archive, hold_id = held
    found = tamper(
        archive,
        f"DELETE FROM hold_records WHERE hold_id = {hold_id} AND record_id ="
        f" (SELECT min(record_id) FROM hold_records WHERE hold_id = {hold_id})",
    )
    assert any("covers 2 records; it covered 3" in f for f in found), found


def test_released_behind_the_apps_back(held: tuple[Archive, int]) -> None:
    archive, hold_id = held
    found = tamper(
        archive,
        f"UPDATE holds SET released_at = '2026-01-01T00:00:00.000000Z' WHERE id = {hold_id}",
    )
    assert any("no audit row released it" in f for f in found), found


def test_released_hold_put_back_in_force_or_added(held: tuple[Archive, int]) -> None:
    archive, hold_id = held
    rt.release_hold(archive, hold_id, "settled")
    with archive.read() as conn:
        columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(holds)").all()]
    copied = ", ".join(
        {"id": "999", "name": "'Ghost hold'"}.get(column, column) for column in columns
    )
    found = tamper(
        archive,
        f"UPDATE holds SET released_at = NULL WHERE id = {hold_id}",
        f"INSERT INTO holds ({', '.join(columns)}) SELECT {copied} FROM holds WHERE id = {hold_id}",
    )
    assert any("marked in force again" in f for f in found), found
    assert any(f.startswith("Hold 999 has no audit row placing it") for f in found), found

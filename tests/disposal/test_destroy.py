"""Destruction (issue 11, part B): only an approved report, only its records, only those still
eligible; holds re-checked as it goes; tombstones; audit rows with ids and counts only."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.disposal import record_approval, run_report
from retention_desk.disposal.destroy import destroy, destruction_result
from retention_desk.disposal.errors import DisposalError
from tests.disposal.destroy_helpers import (
    NEW,
    OLD,
    add,
    approved_report,
    check_verify,
    prepare,
    tombstoned,
)
from tests.today import agency_today


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> Archive:
    prepare(tmp_archive, tmp_path)
    return tmp_archive


def _status(archive: Archive, number: int) -> str:
    with archive.read() as conn:
        return str(
            conn.exec_driver_sql(
                "SELECT status FROM disposal_reports WHERE id = ?", (number,)
            ).scalar_one()
        )


def test_destroys_the_approved_records_and_keeps_the_rest(archive: Archive) -> None:
    ids = add(
        archive,
        [
            ("old1", "budget hearing notes", OLD),
            ("old2", "second old post", OLD),
            ("reply", "a recent reply to old1", NEW),
            ("new1", "recent post stays", NEW),
        ],
        parents={"reply": "old1"},
        media={"old2": b"old media bytes"},
    )
    number = approved_report(archive)
    result = destroy(archive, number, batch_size=1)
    assert result.destroyed == result.destroyed_now == 2
    assert result.finished and result.purged and not result.skipped
    assert tombstoned(archive) == {ids["old1"], ids["old2"]}
    assert _status(archive, number) == "destroyed"
    with archive.read() as conn:
        kept = {int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM records").all()}
        assert kept == {ids["reply"], ids["new1"]}
        # the kept reply lost its link to the destroyed parent, not its parent key
        parent_id, thread_id, parent_key = conn.exec_driver_sql(
            "SELECT parent_id, thread_id, parent_key FROM records WHERE id = ?", (ids["reply"],)
        ).one()
        assert (parent_id, thread_id, parent_key) == (None, ids["reply"], "old1")
        assert conn.exec_driver_sql("SELECT count(*) FROM media").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM blobs").scalar_one() == 0
        salts = conn.exec_driver_sql(
            "SELECT count(*) FROM seal_salts WHERE kind = 1 AND object_id IN (?, ?)",
            (ids["old1"], ids["old2"]),
        ).scalar_one()
        assert salts == 0
        stones = conn.exec_driver_sql(
            "SELECT platform, platform_id, series_code, report_id, matched_snapshot, leaf"
            " FROM record_tombstones ORDER BY record_id"
        ).all()
        assert [(s[0], s[1], s[2], s[3], s[4]) for s in stones] == [
            ("x", "old1", "T-SHORT", number, 1),
            ("x", "old2", "T-SHORT", number, 1),
        ]
        # the tombstone keeps the leaf the report approved
        snap = dict(
            conn.exec_driver_sql(
                "SELECT record_id, leaf FROM disposal_report_records WHERE report_id = ?",
                (number,),
            ).all()
        )
        assert bytes(stones[0][5]) == bytes(snap[ids["old1"]])
        audit = conn.exec_driver_sql(
            "SELECT action, object_ids, details FROM audit_log"
            " WHERE action LIKE 'disposal.destroy%'"
        ).all()
    text = json.dumps([list(a) for a in audit])
    for secret in ("budget", "hearing", "Pat Official", "old media"):
        assert secret not in text
    assert {a[0] for a in audit} >= {
        "disposal.destroy_start",
        "disposal.destroy_batch",
        "disposal.destroy_finish",
        "disposal.destroy_purge",
    }
    # a search no longer finds the destroyed text; the kept text is still found
    with archive.read() as conn:
        assert not conn.exec_driver_sql(
            "SELECT rowid FROM record_fts WHERE record_fts MATCH 'budget'"
        ).all()
        assert conn.exec_driver_sql(
            "SELECT rowid FROM record_fts WHERE record_fts MATCH 'stays'"
        ).all()
    with pytest.raises(DisposalError, match="already been destroyed"):
        destroy(archive, number)
    archive.close()
    check_verify(archive.path)


def test_hold_placed_after_the_report_is_skipped_and_listed(archive: Archive) -> None:
    ids = add(archive, [("a", "first", OLD), ("b", "second held later", OLD)])
    number = approved_report(archive)
    rt.place_hold(archive, "Smith v City", "litigation", record_ids=[ids["b"]])
    result = destroy(archive, number)
    assert tombstoned(archive) == {ids["a"]}
    assert [(s.record_id, s.reason) for s in result.skipped] == [(ids["b"], "held")]
    assert "hold" in result.skipped[0].words
    assert destruction_result(archive, number).skipped == result.skipped
    with archive.read() as conn:
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM records WHERE id = ?", (ids["b"],)
            ).scalar_one()
            == 1
        )
    archive.close()
    check_verify(archive.path)


def test_record_changed_after_the_report_is_not_destroyed(archive: Archive) -> None:
    ids = add(archive, [("a", "first words", OLD), ("b", "kept as is", OLD)])
    number = approved_report(archive)
    add(archive, [("a", "first words, edited after the report", OLD)])
    result = destroy(archive, number)
    assert tombstoned(archive) == {ids["b"]}
    assert [(s.record_id, s.reason) for s in result.skipped] == [(ids["a"], "changed")]


def test_unapproved_report_is_refused(archive: Archive) -> None:
    add(archive, [("a", "first", OLD)])
    rt.add_rule(archive, "platform:x", "T-SHORT")
    rt.classify(archive)
    report = run_report(archive, agency_today())
    with pytest.raises(DisposalError, match=f"report {report.number}"):
        destroy(archive, report.number)
    assert tombstoned(archive) == set()
    with pytest.raises(DisposalError, match="no disposal report 99"):
        destroy(archive, 99)


def test_county_wait_of_60_days_is_enforced(archive: Archive, tmp_path: Path) -> None:
    archive.update_settings(
        settings_mod.ArchiveSettings(**{**vars(archive.settings()), "agency_kind": "county"})
    )
    ids = add(archive, [("a", "first", OLD)])
    rt.add_rule(archive, "platform:x", "T-SHORT")
    rt.classify(archive)
    report = run_report(archive, agency_today())
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    mailed = date(2026, 1, 10)
    record_approval(archive, report.number, by="Clerk", notice_sent=mailed, attachment=receipt)
    # 2026-01-10 + 60 days = 2026-03-11 (January 21 days left, February 28, March 11)
    with pytest.raises(DisposalError, match="2026-03-11"):
        destroy(archive, report.number, today=date(2026, 3, 10))
    assert tombstoned(archive) == set()
    result = destroy(archive, report.number, today=date(2026, 3, 11))
    assert tombstoned(archive) == {ids["a"]} and result.destroyed == 1


def test_cancel_between_batches_keeps_what_was_done(archive: Archive) -> None:
    add(archive, [(f"k{i}", f"post {i}", OLD) for i in range(5)])
    number = approved_report(archive)
    cancel = threading.Event()

    def progress(done: int, total: int, _msg: str) -> None:
        if done >= 2:
            cancel.set()

    result = destroy(archive, number, batch_size=1, progress=progress, cancel=cancel)
    assert result.cancelled and not result.finished
    assert result.destroyed == 2 and result.purged
    assert _status(archive, number) == "approved"
    again = destroy(archive, number, batch_size=2)
    assert again.destroyed == 5 and again.finished
    assert _status(archive, number) == "destroyed"
    archive.close()
    check_verify(archive.path)


def test_record_reclassified_after_the_report_is_skipped(archive: Archive) -> None:
    ids = add(archive, [("a", "first", OLD)])
    number = approved_report(archive)
    # reclassified into a series the report did not name: no longer eligible under it
    rt.add_rule(archive, "platform:x", "T-PERM")
    result = destroy(archive, number)
    assert [(s.record_id, s.reason) for s in result.skipped] == [(ids["a"], "not_eligible")]
    assert tombstoned(archive) == set()


def test_purge_held_back_by_a_reader_is_finished_by_the_next_run(
    archive: Archive, tmp_path: Path
) -> None:
    import sqlite3

    from retention_desk.disposal.certificate import make_certificate

    ids = add(archive, [("a", "first", OLD)])
    number = approved_report(archive)
    path = archive.path
    archive.close()
    archive = Archive.open(path, busy_timeout_s=0.2)
    reader = sqlite3.connect(path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM records").fetchone()
        result = destroy(archive, number)
    finally:
        reader.close()
    assert tombstoned(archive) == {ids["a"]}
    assert not result.purged and result.finished
    assert result.notes and "run the destruction again" in result.notes[0]
    cert, _pdf = make_certificate(archive, number)
    assert any("purge" in e for e in cert.exceptions) and cert.stored_sha256 is None
    again = destroy(archive, number)
    assert again.purged and again.destroyed_now == 0 and not again.notes
    cert, _pdf = make_certificate(archive, number)
    assert not cert.exceptions and cert.stored_sha256
    archive.close()
    check_verify(path)


def test_a_hand_made_tombstone_does_not_hide_a_deleted_record(archive: Archive) -> None:
    """Only tombstones of records an audited destruction removed stand for them in verify."""
    import sqlite3

    from retention_desk.archive.verify import verify_path

    ids = add(archive, [("a", "quietly removed", OLD), ("b", "stays", OLD)])
    number = approved_report(archive)
    path = archive.path
    archive.close()
    raw = sqlite3.connect(path)
    try:
        rid = ids["a"]
        leaf = raw.execute(
            "SELECT leaf FROM seal_log WHERE kind = 1 AND object_id = ? ORDER BY id DESC",
            (rid,),
        ).fetchone()[0]
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute(
            "INSERT INTO record_tombstones VALUES (?, 'x', 'post', 'a', 'T-SHORT', NULL,"
            " '2020-01-01', ?, '2026-01-01', 1, ?)",
            (rid, number, leaf),
        )
        for sql in (
            "DELETE FROM record_versions WHERE record_id = ?",
            "DELETE FROM record_retention WHERE record_id = ?",
            "DELETE FROM records WHERE id = ?",
            "DELETE FROM seal_salts WHERE kind = 1 AND object_id = ?",
        ):
            raw.execute(sql, (rid,))
        raw.commit()
    finally:
        raw.close()
    report = verify_path(path)
    assert not report.ok
    assert any(f"Record {ids['a']}" in f and "missing" in f for f in report.failures)


def test_records_of_one_original_share_batches() -> None:
    from retention_desk.disposal.destroy import SAME_ORIGINAL_FACTOR, plan_batches

    keyed = [(1, None), (2, None), (3, None), (4, 7), (5, 7), (6, 7), (7, 7), (8, 9)]
    # a batch of original 7 goes on past the size; a new original starts a new batch
    assert plan_batches(keyed, 2) == [[1, 2], [3, 4, 5, 6, 7], [8]]
    many = [(i, 5) for i in range(2 * SAME_ORIGINAL_FACTOR + 1)]
    assert [len(b) for b in plan_batches(many, 2)] == [2 * SAME_ORIGINAL_FACTOR, 1]


def test_an_eligible_date_edited_outside_the_app_does_not_destroy(archive: Archive) -> None:
    """record_retention is derived, not sealed: someone with the file moves a recent record's
    eligible date into the past so a report picks it up; destruction derives the date again
    from the rules and skips the record."""
    ids = add(archive, [("old", "old enough", OLD), ("recent", "not yet due", NEW)])
    rt.add_rule(archive, "platform:x", "T-SHORT")
    archive.checkpoint()
    conn = sqlite3.connect(archive.path, isolation_level=None)
    conn.execute(
        "UPDATE record_retention SET eligible_on = '2020-01-01' WHERE record_id = ?",
        (ids["recent"],),
    )
    conn.close()
    report = run_report(archive, agency_today())
    assert report.records == 2  # the tampered row fooled the report
    record_approval(archive, report.number, by="Pat Official", on=agency_today())
    result = destroy(archive, report.number)
    assert tombstoned(archive) == {ids["old"]}
    assert [(s.record_id, s.reason) for s in result.skipped] == [(ids["recent"], "not_eligible")]
    check_verify(archive.path)

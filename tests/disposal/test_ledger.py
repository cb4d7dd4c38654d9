"""Destructions survive restoring or opening an older backup (issue 11, copies outside the
archive): the ledger kept beside the audit anchors names what was destroyed, and opening a copy
that still holds it destroys it again, before anything can read it, when the copy's own
approved report lists it. A ledger of another archive, or a tampered one, destroys nothing
kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.backup import backup_archive
from retention_desk.archive.store import OPEN_HOOKS, Archive
from retention_desk.archive.verify import CHECK_HOOKS, verify_path
from retention_desk.cli import main
from retention_desk.disposal import ledger, reapply, run_report
from retention_desk.disposal.destroy import destroy
from tests.disposal.destroy_helpers import NEW, OLD, add, approved_report, check_verify, prepare
from tests.disposal.test_canary import _files
from tests.today import agency_today

CANARY = "ledgercanaryzq3391"


@pytest.fixture(autouse=True)
def _reapply_on_open() -> Iterator[None]:
    """As in the GUI: every open in this process re-applies recorded destructions."""
    reapply.register()
    yield
    reapply.unregister()
    # the CLI's hook (registered by its first open) must not outlive the test either
    OPEN_HOOKS[:] = [h for h in OPEN_HOOKS if h.__module__ != "retention_desk.cli.common"]
    CHECK_HOOKS[:] = [h for h in CHECK_HOOKS if h.__module__ != "retention_desk.cli.common"]


def _build(archive: Archive, tmp_path: Path) -> dict[str, int]:
    prepare(archive, tmp_path)
    return add(
        archive,
        [
            ("old1", f"old post {CANARY} one", OLD),
            ("old2", f"old post {CANARY} two", OLD),
            ("old3", "old post three", OLD),
            ("new1", "kept post about the library", NEW),
        ],
    )


def _ids(archive: Archive) -> set[int]:
    with archive.read() as conn:
        return {int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM records")}


def _actions(archive: Archive, action: str) -> list[dict[str, object]]:
    with archive.read() as conn:
        return [
            json.loads(r[0] or "{}")
            for r in conn.exec_driver_sql(
                "SELECT details FROM audit_log WHERE action = ? ORDER BY id", (action,)
            ).all()
        ]


def _uuid(archive: Archive) -> str:
    with archive.read() as conn:
        value = ledger.archive_uuid(conn)
    assert value
    return value


def _restore(backup: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, path)


def _canary_hits(path: Path) -> list[str]:
    return [p.name for p in _files(path) if CANARY.encode() in p.read_bytes()]


def _destroyed_after_backup(archive: Archive, tmp_path: Path) -> tuple[dict[str, int], int, Path]:
    ids = _build(archive, tmp_path)
    number = approved_report(archive)
    backup = tmp_path / "before.rdesk"
    backup_archive(archive, backup)
    result = destroy(archive, number)
    assert result.destroyed == 3 and result.finished
    return ids, number, backup


def test_ledger_names_destroyed_records_by_ids_only(tmp_archive: Archive, tmp_path: Path) -> None:
    ids, number, _backup = _destroyed_after_backup(tmp_archive, tmp_path)
    uuid = _uuid(tmp_archive)
    path = ledger.ledger_path(uuid)
    assert path.parent.name == "anchors"  # beside the audit anchors, keyed the same way
    raw = path.read_bytes()
    assert CANARY.encode() not in raw and b"old post" not in raw
    lines = [json.loads(t) for t in raw.splitlines()]
    allowed = {"archive_uuid", "at", "format", "version", "state", "batch", "path", "report"}
    allowed |= {"records", "before", "after"}  # ids, platform ids and audit heads only
    assert all(set(line) <= allowed for line in lines)
    assert [line["state"] for line in lines] == ["intent", "done"]  # one batch
    assert all(len(r) == 3 for line in lines for r in line.get("records", []))
    got = ledger.read(uuid)
    assert set(got.records) == {ids["old1"], ids["old2"], ids["old3"]}
    assert {e.report for e in got.records.values()} == {number}
    assert got.records[ids["old1"]].platform == "x"
    assert got.records[ids["old1"]].platform_id == "old1"


def test_backup_restored_over_the_archive_is_destroyed_again(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    ids, number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    path = tmp_archive.path
    tmp_archive.close()
    _restore(backup, path)
    assert _canary_hits(path)  # the restored file holds the destroyed records again
    # verify (read-only) names it as a failure and writes nothing
    failure = reapply.verify_failure(path)
    assert failure is not None and f"report(s) {number}" in failure and "3 records" in failure
    before = verify_path(path)
    assert [c.name for c in before.checks if not c.ok][-1] == "destroyed_records"
    assert failure in before.failures
    assert _canary_hits(path)
    archive = Archive.open(path)
    try:
        assert _ids(archive) == {ids["new1"]}
        assert any("destroyed again" in note for note in archive.open_notes)
        start = _actions(archive, "disposal.reapply")
        assert start == [{"reports": [number], "records": 3, "unconfirmed": 0}]
        assert _actions(archive, "disposal.reapply_finish")[-1]["destroyed"] == 3
        with archive.read() as conn:
            buried = {
                int(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT record_id FROM record_tombstones WHERE report_id = ?", (number,)
                )
            }
        assert buried == {ids["old1"], ids["old2"], ids["old3"]}
        rows = rt.classify(archive)  # the kept record still works as before
        assert rows is not None
    finally:
        archive.close()
    assert _canary_hits(path) == []
    # The anchor kept for this path saw the destroyed-in chain, which the restore cut off:
    # verify says so (true: the file at this path was rolled back) and nothing else fails.
    report = verify_path(path)
    assert len(report.failures) == 1 and "rows were cut off" in report.failures[0]
    moved = tmp_path / "moved.rdesk"
    shutil.copyfile(path, moved)  # the same bytes where no anchor was kept: all checks hold
    check_verify(moved)
    assert reapply.verify_failure(path) is None
    # opening again has nothing more to do
    archive = Archive.open(path)
    try:
        assert archive.open_notes == []
        assert len(_actions(archive, "disposal.reapply")) == 1
    finally:
        archive.close()


def test_opening_the_backup_file_itself_destroys_there_too(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    ids, _number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    tmp_archive.close()
    copy = Archive.open(backup)
    try:
        assert _ids(copy) == {ids["new1"]}
    finally:
        copy.close()
    assert _canary_hits(backup) == []
    check_verify(backup)


def test_backup_from_before_the_report_is_named_not_destroyed(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    ids = _build(tmp_archive, tmp_path)
    backup = tmp_path / "early.rdesk"
    backup_archive(tmp_archive, backup)  # no report exists in this copy
    number = approved_report(tmp_archive)
    destroy(tmp_archive, number)
    tmp_archive.close()
    # nothing in this copy allows them to go: a note, not a failure (its backups still work)
    report = verify_path(backup)
    assert report.ok, report.failures
    assert any("holds no approved report" in note for note in report.notes)
    copy = Archive.open(backup)
    try:
        assert _ids(copy) == set(ids.values())
        assert _actions(copy, "disposal.reapply") == []
        note = " ".join(copy.open_notes)
        assert "3 records" in note and f"report(s) {number}" in note
        assert "were not destroyed here" in note
    finally:
        copy.close()


def test_ledger_of_another_archive_is_ignored(tmp_archive: Archive, tmp_path: Path) -> None:
    ids = _build(tmp_archive, tmp_path)
    number = approved_report(tmp_archive)
    uuid = _uuid(tmp_archive)
    other = "00000000-0000-4000-8000-000000000000"
    rows = [(ids["old1"], "x", "old1"), (ids["new1"], "x", "new1")]
    assert ledger.append(other, tmp_path / "other.rdesk", number, rows)
    # a line of another identity inside this identity's file is not trusted either
    line = {
        "format": ledger.FORMAT,
        "version": 1,
        "archive_uuid": other,
        "path": "x",
        "report": number,
        "at": "",
        "records": [list(r) for r in rows],
    }
    ledger.ledger_path(uuid).write_text(json.dumps(line) + "\n", "utf-8")
    path = tmp_archive.path
    tmp_archive.close()
    archive = Archive.open(path)
    try:
        assert _ids(archive) == set(ids.values())
        assert archive.open_notes == []
        assert ledger.read(uuid).unreadable == 1
    finally:
        archive.close()


def test_tampered_ledger_cannot_destroy_kept_records(tmp_archive: Archive, tmp_path: Path) -> None:
    ids = _build(tmp_archive, tmp_path)
    rt.add_rule(tmp_archive, "platform:x", "T-SHORT")
    rt.classify(tmp_archive)
    draft = run_report(tmp_archive, agency_today())  # run, never approved
    uuid = _uuid(tmp_archive)
    ledger.append(uuid, tmp_archive.path, draft.number, [(ids["old1"], "x", "old1")])
    ledger.append(uuid, tmp_archive.path, 999, [(ids["new1"], "x", "new1")])  # no such report
    ledger.append(uuid, tmp_archive.path, 999, [(ids["old2"], "x", "not-old2")])  # wrong id
    path = tmp_archive.path
    tmp_archive.close()
    archive = Archive.open(path)
    try:
        assert _ids(archive) == set(ids.values())  # nothing destroyed
        assert _actions(archive, "disposal.reapply") == []
        note = " ".join(archive.open_notes)
        # old1 (report not approved) and new1 (no report) are named, never destroyed; old2's
        # line names another record (platform id differs) and is not this record at all
        assert "2 records" in note and f"report(s) {draft.number}, 999" in note
    finally:
        archive.close()
    check_verify(path)


def test_tampered_ledger_destroys_only_what_the_copy_approved(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    """A forged id on the copy's own approved report, whose records still qualify, is what
    `disposal destroy` would take in that copy anyway; a kept record beside it is not."""
    ids = _build(tmp_archive, tmp_path)
    number = approved_report(tmp_archive)
    uuid = _uuid(tmp_archive)
    ledger.append(uuid, tmp_archive.path, number, [(ids["old1"], "x", "old1")])
    ledger.append(uuid, tmp_archive.path, number, [(ids["new1"], "x", "new1")])
    path = tmp_archive.path
    tmp_archive.close()
    archive = Archive.open(path)
    try:
        assert _ids(archive) == {ids["old2"], ids["old3"], ids["new1"]}
        assert any("were not destroyed here" in n for n in archive.open_notes)
    finally:
        archive.close()
    check_verify(path)


def test_a_line_cut_short_is_skipped_and_the_next_append_survives(tmp_path: Path) -> None:
    uuid = "11111111-1111-4111-8111-111111111111"
    assert ledger.append(uuid, tmp_path / "a.rdesk", 1, [(1, "x", "a")])
    path = ledger.ledger_path(uuid)
    with open(path, "ab") as fh:
        fh.write(b'{"format": "retention-desk destruction ledger", "archive_uu')  # killed here
    assert ledger.append(uuid, tmp_path / "a.rdesk", 2, [(2, "x", "b")])
    got = ledger.read(uuid)
    assert sorted(got.records) == [1, 2] and got.unreadable == 1


def test_open_that_must_not_change_the_schema_does_not_reapply(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    ids, _number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    tmp_archive.close()
    copy = Archive.open(backup, migrate_schema=False)  # the open verify records its result in
    try:
        assert _ids(copy) == set(ids.values())
        assert copy.open_notes == []
    finally:
        copy.close()


def test_cli_reapplies_through_its_own_hook_and_prints_the_note(
    tmp_archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids, number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    path = tmp_archive.path
    tmp_archive.close()
    _restore(backup, path)
    reapply.unregister()  # the CLI's lighter hook alone, as in a `retention-desk` process
    assert main(["--archive", str(path), "info", "--json"]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("Note: ")]
    assert len(lines) == 1 and "destroyed again" in lines[0] and f"report(s) {number}" in lines[0]
    reapply.register()
    archive = Archive.open(path)
    try:
        assert _ids(archive) == {ids["new1"]}
    finally:
        archive.close()
    assert _canary_hits(path) == []


def test_cli_hook_costs_nothing_without_a_ledger(
    tmp_archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_archive.path
    tmp_archive.close()
    reapply.unregister()
    assert main(["--archive", str(path), "info", "--json"]) == 0
    assert "Note:" not in capsys.readouterr().err
    assert not list(ledger.ledger_path("x").parent.glob("*.destroyed.jsonl"))
    # the CLI's hook finds ledgers by this name
    assert ledger.ledger_path("0000-aaaa").name.endswith(".destroyed.jsonl")


def test_cli_verify_names_the_copy_as_a_failure_without_writing(
    tmp_archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _kept, number, backup = _destroyed_after_backup(tmp_archive, tmp_path)
    tmp_archive.close()
    reapply.unregister()  # the CLI's own hooks, as in a `retention-desk verify` process
    before = backup.read_bytes()
    assert main(["--archive", str(backup), "verify", "--no-record"]) == 1
    out = capsys.readouterr().out
    assert (
        f"FAILURE: This copy still holds 3 records destroyed under disposal report(s) {number}"
        in out
    )
    assert backup.read_bytes() == before  # read-only: nothing re-applied, nothing written
    assert CANARY.encode() in before

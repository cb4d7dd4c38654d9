"""`retention-desk hold|event` (issue 10): holds by query catching a later `retention-desk
import`, explicit records, show and release (with a reason), event dates; one-line errors with
exit 1; audit rows with ids and counts, never a hold's name, matter, query or reason text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import Archive
from tests.cli.retention_cli_helpers import (
    LATER,
    audit,
    audit_text,
    build_template,
    copy_archive,
    count_rows,
    one_error,
    run,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("retention-holds-cli") / "template.rdesk")


@pytest.fixture
def path(template: Path, tmp_path: Path) -> Path:
    return copy_archive(template, tmp_path / "cli.rdesk")


def ids_where(path: Path, sql: str) -> list[int]:
    with Archive.open(path) as archive, archive.read() as conn:
        return [int(r[0]) for r in conn.exec_driver_sql(sql).all()]


# --- hold -------------------------------------------------------------------------------


def test_hold_by_query_catches_a_later_cli_import(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(
        capsys,
        path,
        "hold",
        "add",
        "Road closure claim",
        "--reason",
        "litigation",
        "--matter",
        "D-202-CV-2024-01234",
        "--query",
        'paving OR "and at oak"',
    )
    assert code == 0, err
    assert "Placed hold 'Road closure claim' (id 1, litigation (1.13.4.14(B) NMAC))." in out
    assert "holds 0 record(s) now" in out
    code, out, err = run(capsys, path, "import", str(LATER))
    assert code == 0, err
    code, out, _ = run(capsys, path, "hold", "list", "--json")
    (hold,) = json.loads(out)
    assert (hold["name"], hold["reason"], hold["records"], hold["active"]) == (
        "Road closure claim",
        "litigation",
        2,
        True,
    )
    later = ids_where(
        path, "SELECT id FROM records WHERE batch_id = (SELECT max(id) FROM import_batches)"
    )
    with Archive.open(path) as archive:
        # the new comment about paving is held by the query placed before it arrived
        assert len(rt.holds_for(archive, later)) == 1
    code, out, _ = run(capsys, path, "hold", "show", "Road closure claim")
    assert code == 0
    assert "status:     in force" in out
    assert "matter:     D-202-CV-2024-01234" in out
    assert "query:      'paving OR \"and at oak\"'" in out
    assert "by query:   2 record(s)" in out
    assert out.rstrip().splitlines()[-1].startswith("records:    2: ")


def test_hold_on_records_list_show_release(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(
        capsys, path, "hold", "add", "Audit FY24", "--reason", "audit", "--record", "1", "2",
        "--record", "3,4",
    )  # fmt: skip
    assert code == 0, err
    assert "scope: 4 record(s) by id" in out
    code, out, _ = run(capsys, path, "hold", "list")
    assert "   1  'Audit FY24'  4 record(s)  [in force]" in out
    assert "reason: audit (1.13.10.17(D) NMAC)" in out
    code, out, _ = run(capsys, path, "hold", "show", "Audit FY24", "--limit", "2")
    assert "by id:      4 record(s)" in out
    assert "records:    4: 1, 2 … and 2 more (--limit N)" in out
    code, out, _ = run(capsys, path, "hold", "show", "1", "--json")  # by id too
    shown = json.loads(out)
    assert (shown["name"], shown["explicit"], shown["record_ids"]) == (
        "Audit FY24",
        4,
        [1, 2, 3, 4],
    )
    code, out, err = run(capsys, path, "hold", "release", "Audit FY24", "--why", "audit closed")
    assert code == 0, err
    assert "Released hold 'Audit FY24' (id 1)" in out
    code, out, _ = run(capsys, path, "hold", "list")
    assert out.strip() == "No holds in force."
    code, out, _ = run(capsys, path, "hold", "list", "--all", "--json")
    (released,) = json.loads(out)
    assert (released["active"], released["release_reason"]) == (False, "audit closed")
    code, out, _ = run(capsys, path, "hold", "show", "Audit FY24")
    assert "status:     released" in out and "why:        audit closed" in out
    assert [a for a, _op, _d in audit(path, "retention.hold")] == [
        "retention.hold_place",
        "retention.hold_release",
    ]
    place, release = (d for _a, _op, d in audit(path, "retention.hold"))
    assert (place["reason"], place["records"], place["explicit"]) == ("audit", 4, 4)
    assert (release["records"], release["still_held"]) == (4, 0)
    assert "Audit FY24" not in audit_text(path) and "audit closed" not in audit_text(path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("hold", "add", "H", "--reason", "whim", "--record", "1"), "Hold reason 'whim'"),
        (("hold", "add", "H", "--reason", "audit"), "needs a query, record ids, or both"),
        (("hold", "add", "H", "--reason", "audit", "--record", "99999"), "No record with id 99999"),
        (("hold", "add", "H", "--reason", "audit", "--record", "x1"), "'x1' is not a number"),
        (("hold", "add", "H", "--reason", "audit", "--query", "colour:red"), "cannot be used"),
        (("hold", "add", "H", "--record", "1"), "--reason"),
        (("hold", "show", "Nobody"), "There is no hold 'Nobody'"),
        (("hold", "release", "Nobody", "--why", "done"), "There is no hold 'Nobody'"),
        (("hold", "release", "Existing"), "the following arguments are required: --why"),
        (("hold", "release", "Existing", "--why", "  "), "Releasing a hold needs a reason."),
        (("hold", "add", "Existing", "--reason", "other", "--record", "2"), "already exists"),
    ],
)
def test_hold_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], path: Path, args: tuple[str, ...], expected: str
) -> None:
    assert run(capsys, path, "hold", "add", "Existing", "--reason", "ipra", "--record", "1")[0] == 0
    rows = count_rows(path, "audit_log")
    code, _out, err = run(capsys, path, *args)
    assert expected in one_error(code, err)
    assert count_rows(path, "audit_log") == rows
    (hold,) = json.loads(run(capsys, path, "hold", "list", "--json")[1])
    assert (hold["name"], hold["reason"], hold["active"]) == ("Existing", "ipra_request", True)


def test_hold_names_from_a_terminal_are_shown_not_obeyed(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    name = "Case \x1b]0;pwned\x07\x1b[2J one"
    assert run(capsys, path, "hold", "add", name, "--reason", "other", "--record", "1")[0] == 0
    code, out, _ = run(capsys, path, "hold", "list")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "Case \\x1b" in out


# --- event ------------------------------------------------------------------------------


def test_event_set_by_query_and_ids_then_list(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    assert run(capsys, path, "rule", "add", "kind:message", "--series", "COMPLAINT")[0] == 0
    code, out, err = run(
        capsys, path, "event", "set", "file_closed", "2024-07-15", "--query", "pothole"
    )
    assert code == 0, err
    assert "Set 'file_closed' on 2024-07-15 for 3 record(s)" in out
    assert "series it starts: COMPLAINT (UNVERIFIED)" in out
    messages = ids_where(path, "SELECT id FROM records WHERE kind = 'message' ORDER BY id")
    first = messages[0]
    with Archive.open(path) as archive:
        eligible_dates = {rt.record_retention(archive, i).eligible_on for i in messages}
        pothole = rt.record_retention(archive, first)
    # eligible the day after a year from the file closing; the messages without a date wait
    assert "2025-07-16" in eligible_dates and None in eligible_dates
    assert pothole.series_code == "COMPLAINT"
    code, out, _ = run(
        capsys, path, "event", "set", "event:file_closed", "2024-08-01", "--record", str(first)
    )
    assert code == 0 and "for 1 record(s)" in out
    code, out, _ = run(capsys, path, "event", "list", "--json")
    listed = json.loads(out)
    assert [(e["event"], e["date"], e["records"]) for e in listed] == [
        ("file_closed", "2024-07-15", 2),
        ("file_closed", "2024-08-01", 1),
    ]
    assert listed[0]["set_by"] == ["Clerk CLI"] and listed[0]["series"] == ["COMPLAINT"]
    code, out, _ = run(capsys, path, "event", "list")
    assert "file_closed              2024-07-15       2 record(s)  set by Clerk CLI" in out
    assert "fulfilled_or_denied (PRR)" in out
    rows = [d for a, _op, d in audit(path, "retention.event_set")]
    assert [(d["event"], d["date"], d["records"]) for d in rows] == [
        ("file_closed", "2024-07-15", 3),
        ("file_closed", "2024-08-01", 1),
    ]
    assert "pothole" not in audit_text(path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("file_closed", "2024-13-01", "--record", "1"), "'2024-13-01' is not a date"),
        (("file_closed", "yesterday", "--record", "1"), "'yesterday' is not a date"),
        (("file_closed", "2024-07-15"), "Name the records"),
        (("file_closed", "2024-07-15", "--query", "colour:red"), "cannot be used"),
        (("file_closd", "2024-07-15", "--record", "1"), "triggered by event 'file_closd'"),
        (("File Closed", "2024-07-15", "--record", "1"), "triggered by event 'File Closed'"),
    ],
)
def test_event_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], path: Path, args: tuple[str, ...], expected: str
) -> None:
    code, _out, err = run(capsys, path, "event", "set", *args)
    assert expected in one_error(code, err)
    assert count_rows(path, "record_events") == 0


def test_event_list_when_none_is_set(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, path, "event", "list")
    assert code == 0, err
    assert out.startswith("No event dates set.")
    assert json.loads(run(capsys, path, "event", "list", "--json")[1]) == []

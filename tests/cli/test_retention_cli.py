"""`retention-desk schedule|rule|classify` (issue 10): every subcommand on a small imported
archive, the JSON keys scripts rely on, UNVERIFIED wherever an unchecked series is printed,
errors as one line with exit 1, and the audit rows the changes write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import Archive
from tests.cli.retention_cli_helpers import (
    AGENCY_TOML,
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
    return build_template(tmp_path_factory.mktemp("retention-cli") / "template.rdesk")


@pytest.fixture
def path(template: Path, tmp_path: Path) -> Path:
    return copy_archive(template, tmp_path / "cli.rdesk")


@pytest.fixture
def agency_file(tmp_path: Path) -> Path:
    file = tmp_path / "city-schedule.toml"
    file.write_text(AGENCY_TOML, encoding="utf-8")
    return file


def series_lines(out: str) -> dict[str, str]:
    """`schedule list` text: each series' header line, by code."""
    return {line.split()[0]: line for line in out.splitlines() if line and not line.startswith(" ")}


# --- schedule ---------------------------------------------------------------------------


def test_schedule_list_marks_unverified_series_and_what_binds(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "schedule", "list")
    assert code == 0, err
    headers = series_lines(out)
    assert headers["PRR"].endswith("[verified]")
    assert headers["NONRECORD"].endswith("[verified]")
    for unverified in ("SM-POST", "SM-PUBLIC", "COMPLAINT"):
        assert headers[unverified].endswith("[UNVERIFIED]")
    assert "citation:    1.21.2.519 NMAC" in out
    assert "retention:   destroy 4 years after fulfilled or denied" in out
    # 1.21.2 binds state agencies; the default archive is a municipality's
    assert "guidance for this agency (municipality)" in out
    assert "binds this agency (municipality)" in out
    assert "3 series UNVERIFIED" in out
    # reading the schedule stores nothing
    assert count_rows(path, "retention_schedule_files") == 0


def test_schedule_list_json_keys(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, out, err = run(capsys, path, "schedule", "list", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["agency_kind"] == "municipality"
    by_code = {s["code"]: s for s in data["series"]}
    assert set(by_code) == {"PRR", "COMPLAINT", "NONRECORD", "SM-POST", "SM-PUBLIC"}
    prr = by_code["PRR"]
    assert {
        "code",
        "title",
        "citation",
        "retention",
        "retention_words",
        "trigger",
        "disposition",
        "applies_to",
        "applies",
        "verified",
        "source",
        "file",
    } <= set(prr)
    assert (prr["retention"], prr["trigger"], prr["applies"]) == (
        "P4Y",
        "event:fulfilled_or_denied",
        "guidance",
    )
    assert prr["verified"] is True and by_code["SM-POST"]["verified"] is False
    assert by_code["SM-POST"]["applies"] == "binds"
    assert prr["file"] == "nm-frrds.toml"


def test_schedule_show_gives_source_and_file(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "schedule", "show", "prr")
    assert code == 0, err
    assert out.startswith("PRR  Public records requests\n")
    assert "status:            verified" in out
    assert "section-1-21-2-519" in out  # the source URL
    assert "file:              nm-frrds.toml" in out
    code, out, _ = run(capsys, path, "schedule", "show", "SM-POST")
    assert code == 0
    assert "status:            UNVERIFIED" in out
    assert "verification note: No 1.21.2 series for social media was found" in out


def test_schedule_show_unknown_code_is_one_line(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, _out, err = run(capsys, path, "schedule", "show", "NOPE")
    line = one_error(code, err)
    assert "no series 'NOPE'" in line and "PRR" in line


def test_schedule_import_reports_changes_and_is_audited(
    capsys: pytest.CaptureFixture[str], path: Path, agency_file: Path
) -> None:
    code, out, err = run(capsys, path, "schedule", "import", str(agency_file))
    assert code == 0, err
    assert "Imported city-schedule.toml (SHA-256 " in out
    assert "new series:        CITY-SHORT" in out
    assert "replaced series:   SM-PUBLIC" in out  # the city's file verifies its own version
    assert "rules added:       1" in out
    assert "records moved:     6" in out  # the six messages, by the file's rule
    code, out, _ = run(capsys, path, "schedule", "show", "SM-PUBLIC")
    assert "file:              city-schedule.toml (line" in out
    assert "agency file" in out and "overrides:         the series SM-PUBLIC of" in out
    assert "status:            verified" in out
    (row,) = [d for a, _op, d in audit(path) if a == "retention.schedule_import" and d["rules"]]
    assert (row["series"], row["rules"], row["moved"]) == (2, 1, 6)
    assert "notices sent as messages" not in audit_text(path)


def test_schedule_import_json(
    capsys: pytest.CaptureFixture[str], path: Path, agency_file: Path
) -> None:
    code, out, err = run(capsys, path, "schedule", "import", str(agency_file), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["file"] == "city-schedule.toml"
    assert (data["series"], data["rules"], data["moved"]) == (2, 1, 6)
    assert data["overridden"] == ["SM-PUBLIC"]


def test_bad_schedule_file_is_refused_whole(
    capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(AGENCY_TOML.replace('retention = "P2Y"', 'retention = "-P2Y"'), "utf-8")
    code, _out, err = run(capsys, path, "schedule", "import", str(bad))
    line = one_error(code, err)
    assert "bad.toml, line 17: negative period" in line
    assert count_rows(path, "retention_rules") == 0
    with Archive.open(path) as archive:
        assert all(f.builtin for f in rt.list_schedule_files(archive))


def test_schedule_import_of_a_missing_file(
    capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path
) -> None:
    code, _out, err = run(capsys, path, "schedule", "import", str(tmp_path / "none.toml"))
    assert "none.toml" in one_error(code, err)
    assert count_rows(path, "retention_schedule_files") == 0


# --- rule -------------------------------------------------------------------------------


def test_rule_add_list_remove_are_audited_without_the_query(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(
        capsys, path, "rule", "add", "platform:reddit", "--series", "sm-post", "--note", "all"
    )
    assert code == 0, err
    assert "Added rule 1: 'platform:reddit' -> SM-POST (UNVERIFIED)." in out
    assert "matches 15 record(s); 15 changed" in out
    code, out, _ = run(capsys, path, "rule", "add", "kind:message", "--series", "PRR")
    assert code == 0 and "-> PRR." in out  # verified: no mark
    code, out, _ = run(capsys, path, "rule", "list")
    assert code == 0
    assert "   1  SM-POST (UNVERIFIED)  'platform:reddit'" in out
    assert "by Clerk CLI; note: all" in out
    assert "   2  PRR  'kind:message'" in out
    code, out, _ = run(capsys, path, "rule", "list", "--json")
    rules = json.loads(out)
    assert [(r["id"], r["series"], r["query"], r["verified"]) for r in rules] == [
        (1, "SM-POST", "platform:reddit", False),
        (2, "PRR", "kind:message", True),
    ]
    assert {"id", "position", "query", "series", "note", "author", "created_at"} <= set(rules[0])
    code, out, _ = run(capsys, path, "rule", "remove", "2")
    assert code == 0
    assert "Removed rule 2 (PRR); it decided 6 record(s)" in out
    code, out, _ = run(capsys, path, "rule", "list", "--json")
    assert [r["id"] for r in json.loads(out)] == [1]
    actions = [(a, op) for a, op, _d in audit(path, "retention.rule")]
    assert actions == [
        ("retention.rule_add", "Clerk CLI"),
        ("retention.rule_add", "Clerk CLI"),
        ("retention.rule_remove", "Clerk CLI"),
    ]
    assert "platform:reddit" not in audit_text(path)
    assert "kind:message" not in audit_text(path)


def test_rule_errors_are_one_line(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    code, _out, err = run(capsys, path, "rule", "add", "platform:reddit", "--series", "NOPE")
    assert "Series 'NOPE' is not in the schedule" in one_error(code, err)
    code, _out, err = run(capsys, path, "rule", "add", "colour:red", "--series", "SM-POST")
    assert "The query 'colour:red' cannot be used" in one_error(code, err)
    code, _out, err = run(capsys, path, "rule", "add", "platform:reddit")
    assert "--series" in one_error(code, err)
    code, _out, err = run(capsys, path, "rule", "remove", "7")
    assert "There is no rule 7 in force." in one_error(code, err)
    code, _out, err = run(capsys, path, "rule", "remove", "seven")
    assert "is not a number" in one_error(code, err)
    code, _out, err = run(capsys, path, "rule", "test", "colour:red")
    assert "cannot be used" in one_error(code, err)
    assert count_rows(path, "retention_rules") == 0


def test_rule_test_counts_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    assert run(capsys, path, "rule", "add", "kind:post", "--series", "SM-POST")[0] == 0
    rows_before = count_rows(path, "audit_log")
    code, out, err = run(capsys, path, "rule", "test", "platform:reddit")
    assert code == 0, err
    assert "matches 15 record(s)" in out
    assert "classified now: SM-POST (UNVERIFIED) 3, unclassified 12" in out
    assert "Give --series CODE" in out
    # NONRECORD keeps nothing: it loses the posts to SM-POST and wins only the unclassified
    code, out, _ = run(capsys, path, "rule", "test", "platform:reddit", "--series", "NONRECORD")
    assert code == 0
    assert "would claim 15 record(s); 12 would change series" in out
    assert "  unclassified -> NONRECORD: 12" in out
    code, out, _ = run(
        capsys, path, "rule", "test", "platform:reddit", "--series", "SM-PUBLIC", "--json"
    )
    data = json.loads(out)
    assert (data["records"], data["series"], data["would_change"]) == (15, "SM-PUBLIC", 12)
    assert data["moves"] == [{"from": None, "to": "SM-PUBLIC", "records": 12}]
    assert {"series": "SM-POST", "records": 3} in data["now"]
    assert count_rows(path, "audit_log") == rows_before
    assert count_rows(path, "retention_rules") == 1


# --- classify ---------------------------------------------------------------------------


def test_classify_json_keys_and_counts(
    capsys: pytest.CaptureFixture[str], path: Path, agency_file: Path
) -> None:
    assert run(capsys, path, "schedule", "import", str(agency_file))[0] == 0
    assert run(capsys, path, "rule", "add", "kind:post", "--series", "SM-POST")[0] == 0
    assert (
        run(capsys, path, "hold", "add", "Audit 24", "--reason", "audit", "--query", "pothole")[0]
        == 0
    )
    code, out, err = run(capsys, path, "classify", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"series", "records", "eligible", "held", "unclassified"} <= set(data)
    assert (data["records"], data["unclassified"]) == (15, 6)  # 3 posts + 6 messages filed
    rows = {r["code"]: r for r in data["series"]}
    assert set(rows) == {"CITY-SHORT", "SM-POST"}
    for row in rows.values():
        assert {"code", "title", "records", "eligible", "held"} <= set(row)
    assert rows["CITY-SHORT"]["records"] == 6
    assert rows["SM-POST"]["records"] == 3 and rows["SM-POST"]["eligible"] == 0  # 5 years
    # CITY-SHORT keeps 30 days: every unheld message of 2024 may go now
    held = rows["CITY-SHORT"]["held"]
    assert held > 0
    assert rows["CITY-SHORT"]["eligible"] == 6 - held
    assert data["eligible"] == sum(r["eligible"] for r in rows.values())
    assert data["held"] == held
    assert audit(path, "retention.classify")[-1][2]["records"] == 15


def test_classify_text_marks_unverified(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    assert run(capsys, path, "rule", "add", "kind:post", "--series", "SM-POST")[0] == 0
    code, out, err = run(capsys, path, "classify")
    assert code == 0, err
    assert "Classified 15 record(s)" in out
    (line,) = [ln for ln in out.splitlines() if "SM-POST" in ln]
    assert "SM-POST (UNVERIFIED)" in line and line.split()[2:5] == ["3", "0", "0"]
    assert "Unclassified: 12" in out
    assert "Eligible now: 0" in out
    assert "Held:         0" in out


def test_classify_on_an_archive_without_rules(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run(capsys, path, "classify", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["series"], data["unclassified"], data["eligible"]) == ([], 15, 0)


def test_typed_notes_print_on_one_visible_line(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    note = "first line\nsecond \x1b[31mline"
    assert (
        run(capsys, path, "rule", "add", "kind:post", "--series", "SM-POST", "--note", note)[0] == 0
    )
    code, out, _ = run(capsys, path, "rule", "list")
    assert code == 0
    assert "note: first line second \\x1b" in out
    assert "\x1b" not in out
    assert json.loads(run(capsys, path, "rule", "list", "--json")[1])[0]["note"] == note

"""`retention-desk account ...`: JSON keys, one-line errors, the whole flow from add to flags,
import and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from tests.oversight.registry_helpers import ids, post, write


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        write(archive, [post("p1", 2, name="Ana R", handle="ana_r"), post("p2", 10)])
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), "--operator", "Clerk CLI", *args])
    out, err = capsys.readouterr()
    return code, out, err


def ok_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> object:
    code, out, err = run(capsys, path, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def one_error(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    code, _out, err = run(capsys, path, *args)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1, err
    return lines[0]


def test_flow_and_json_keys(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    added = ok_json(
        capsys,
        path,
        "account",
        "add",
        "--platform",
        "facebook",
        "--handle",
        "sandiapd",
        "--url",
        "https://facebook.com/sandiapd",
        "--department",
        "Police",
        "--opened",
        "2019-04-01",
    )
    assert isinstance(added, dict)
    assert set(added) == {
        "id",
        "platform",
        "handle",
        "account",
        "display_name",
        "url",
        "department",
        "purpose",
        "status",
        "opened_on",
        "retired_on",
        "records",
        "posts",
    }
    person = ok_json(
        capsys,
        path,
        "account",
        "person",
        "add",
        "Ana Ruiz",
        "--platform-name",
        "@ana_r",
        "--department",
        "Clerk",
    )
    assert person == {
        "id": 1,
        "name": "Ana Ruiz",
        "department": "Clerk",
        "email": "",
        "platform_names": ["@ana_r"],
    }
    roles = ok_json(
        capsys,
        path,
        "account",
        "approve-user",
        "x:sandia",
        "facebook:sandiapd",
        "--person",
        "Ana Ruiz",
        "--role",
        "approved_user",
        "--on",
        "2026-03-05",
        "--by",
        "Mayor",
    )
    assert isinstance(roles, list) and len(roles) == 2
    assert set(roles[0]) == {
        "id",
        "account_id",
        "person_id",
        "person",
        "role",
        "approved_on",
        "approved_by",
        "ended_on",
    }
    listed = ok_json(capsys, path, "account", "list")
    assert isinstance(listed, dict) and set(listed) == {"accounts", "people"}
    assert [len(a["roles"]) for a in listed["accounts"]] == [1, 1]
    # p1 (March 2) is credited to Ana's byline, before her approval on March 5
    flags = ok_json(capsys, path, "account", "flags")
    assert isinstance(flags, list)
    assert [(f["record"], f["reason"], f["evidence"]) for f in flags] == [
        (1, "approved_later", "export")
    ]
    assert set(flags[0]) == {
        "record",
        "account_id",
        "account",
        "posted_on",
        "author",
        "person_id",
        "evidence",
        "reason",
        "detail",
    }
    with Archive.open(path) as archive:
        p2 = ids(archive)["p2"]
    assert ok_json(capsys, path, "account", "author", str(p2), "--person", "1") == {
        "record": p2,
        "person_id": 1,
    }
    ended = ok_json(capsys, path, "account", "end-role", str(roles[0]["id"]), "--on", "2026-03-09")
    assert isinstance(ended, dict) and ended["ended_on"] == "2026-03-09"
    flags = ok_json(capsys, path, "account", "flags", "--account", "x:sandia")
    assert isinstance(flags, list)
    assert [(f["record"], f["reason"]) for f in flags] == [
        (1, "approved_later"),
        (p2, "ended_before"),
    ]
    code, out, _ = run(capsys, path, "account", "list")
    assert code == 0 and "x:sandia" in out and "Ana Ruiz" in out
    retired = ok_json(capsys, path, "account", "retire", "facebook:sandiapd", "--on", "2026-06-30")
    assert isinstance(retired, dict) and retired["status"] == "retired"


def test_export_import_round_trip(
    capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path
) -> None:
    ok_json(capsys, path, "account", "person", "add", '=HYPERLINK("http://e.example")')
    out = tmp_path / "reg.xlsx"
    assert ok_json(capsys, path, "account", "export", str(out)) == {"file": str(out)}
    other = tmp_path / "other.rdesk"
    Archive.create(other, operator="pytest").close()
    summary = ok_json(capsys, other, "account", "import", str(out))
    assert isinstance(summary, dict) and summary["people_added"] == 1
    assert summary["accounts_added"] == 1


def test_one_line_errors(capsys: pytest.CaptureFixture[str], path: Path, tmp_path: Path) -> None:
    assert "no account 'x:nobody'" in one_error(
        capsys, path, "account", "retire", "x:nobody", "--on", "2026-01-01"
    )
    assert "not a date" in one_error(capsys, path, "account", "retire", "x:sandia", "--on", "soon")
    assert "No person" in one_error(
        capsys,
        path,
        "account",
        "approve-user",
        "x:sandia",
        "--person",
        "Nobody",
        "--on",
        "2026-01-01",
        "--by",
        "M",
    )
    assert "no role 7" in one_error(capsys, path, "account", "end-role", "7", "--on", "2026-01-01")
    bad = tmp_path / "bad.csv"
    bad.write_text("[people]\nname,email\n,a@b.gov\n", encoding="utf-8")
    assert "bad.csv, people row 3, column name" in one_error(
        capsys, path, "account", "import", str(bad)
    )
    assert "must end in .csv or .xlsx" in one_error(
        capsys, path, "account", "export", str(tmp_path / "x.txt")
    )


def test_update_and_clear_author(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    info = ok_json(
        capsys,
        path,
        "account",
        "update",
        "x:sandia",
        "--purpose",
        "Town news",
        "--opened",
        "2020-01-01",
    )
    assert isinstance(info, dict) and (info["purpose"], info["opened_on"]) == (
        "Town news",
        "2020-01-01",
    )
    ok_json(capsys, path, "account", "person", "add", "Bo Chee")
    assert ok_json(capsys, path, "account", "author", "1", "--person", "Bo Chee") == {
        "record": 1,
        "person_id": 1,
    }
    flags = ok_json(capsys, path, "account", "flags")
    assert isinstance(flags, list) and [f["reason"] for f in flags] == ["no_role"]
    assert ok_json(capsys, path, "account", "author", "1", "--clear") == {
        "record": 1,
        "person_id": None,
    }
    assert "Nothing to change" in one_error(capsys, path, "account", "update", "x:sandia")

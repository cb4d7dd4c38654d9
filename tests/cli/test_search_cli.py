"""`search` and `show` on the command line: JSON, CSV (formula injection defused), table,
and one-line errors with exit code 1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.ingest import AccountIn
from retention_desk.cli import main
from retention_desk.cli.cmd_search import COLUMNS, csv_cell
from tests.search.conftest import rec, utc, write

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(1)", "+1", "-1+1", "\t=1", "\r=1"]


@pytest.fixture
def archive_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.rdesk"
    archive = Archive.create(path, operator="pytest")
    records = [
        rec(
            "p",
            "Road closure downtown",
            platform="facebook",
            created_at=utc(2023, 5, 1),
            url="https://fb.example/p",
            sensitive={"ip": "10.1.2.3"},
        ),
        rec(
            "c",
            "thanks for the road update",
            platform="facebook",
            kind="comment",
            parent_key="p",
            created_at=utc(2023, 5, 2),
            deleted_at=utc(2023, 5, 3),
            author_name="=cmd|' /C calc'!A0",
        ),
    ]
    records += [
        rec(f"h{i}", f"{value} hostile", platform="facebook", created_at=utc(2022, 1, 1 + i))
        for i, value in enumerate(HOSTILE)
    ]
    write(archive, records, account=AccountIn("facebook", "1", handle="CityPD"))
    archive.close()
    return path


def run(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--archive", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json(capsys: pytest.CaptureFixture[str], archive_path: Path) -> None:
    code, out, _ = run(capsys, archive_path, "search", "road", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["kind"] for r in rows] == ["comment", "post"]  # newest first
    for key in (
        "id",
        "platform",
        "account",
        "kind",
        "author",
        "created_at",
        "text",
        "url",
        "deleted",
        "thread_id",
        "matched_version",
    ):
        assert key in rows[0]
    assert rows[0]["deleted"] is True and rows[1]["deleted"] is False
    assert rows[0]["thread_id"] == rows[1]["id"]
    assert rows[0]["account"] == "CityPD" and rows[0]["matched_version"] == 1
    assert "10.1.2.3" not in out


def test_search_csv_defuses_formulas(
    capsys: pytest.CaptureFixture[str], archive_path: Path
) -> None:
    code, out, _ = run(capsys, archive_path, "search", "hostile OR road", "--csv", "--limit", "20")
    assert code == 0
    table = list(csv.reader(io.StringIO(out, newline="")))
    assert tuple(table[0]) == COLUMNS
    cells = [cell for row in table[1:] for cell in row]
    texts = {row[COLUMNS.index("text")] for row in table[1:]}
    for value in HOSTILE:
        assert "'" + value + " hostile" in texts
    assert "'=cmd|' /C calc'!A0" in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    ids = [row[0] for row in table[1:]]
    assert all(i.isdigit() for i in ids)  # numeric columns stay numeric


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1", "'=1"),
        ("-2", "'-2"),
        ("plain", "plain"),
        (None, ""),
        (True, "true"),
        (12, "12"),
        ("\x00x", "'\x00x"),
    ],
)
def test_csv_cell(value: object, expected: str) -> None:
    assert csv_cell(value) == expected


def test_search_table_and_facets(capsys: pytest.CaptureFixture[str], archive_path: Path) -> None:
    code, out, _ = run(capsys, archive_path, "search", "", "--limit", "3", "--facets")
    assert code == 0
    assert "Showing 1-3 of 9 records" in out
    assert "platform: facebook 9" in out
    assert "\t" not in out and "\r" not in out  # control characters never reach the terminal


def test_search_errors_are_one_line(capsys: pytest.CaptureFixture[str], archive_path: Path) -> None:
    code, out, err = run(capsys, archive_path, "search", "foo:bar")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Unknown filter 'foo:'" in err
    code, _, err = run(capsys, archive_path, "search", "on:2021-13")
    assert code == 1 and err.count("\n") == 1


def test_show_json_and_table(capsys: pytest.CaptureFixture[str], archive_path: Path) -> None:
    code, out, _ = run(capsys, archive_path, "search", "kind:comment", "--json")
    comment_id = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, archive_path, "show", str(comment_id), "--json")
    assert code == 0
    detail = json.loads(out)
    assert detail["record"]["id"] == comment_id
    assert [n["kind"] for n in detail["thread"]] == ["post", "comment"]
    assert detail["thread"][1]["deleted"] is True
    assert detail["provenance"][0]["name"] == "export.json"
    assert "10.1.2.3" not in out
    code, out, _ = run(capsys, archive_path, "show", str(comment_id))
    assert code == 0
    assert "DELETED" in out and "Thread (2 records)" in out and "Provenance" in out


def test_show_errors(capsys: pytest.CaptureFixture[str], archive_path: Path) -> None:
    code, out, err = run(capsys, archive_path, "show", "424242")
    assert code == 1 and out == "" and err.count("\n") == 1 and "424242" in err
    code, _, err = run(capsys, archive_path, "show", "abc")
    assert code == 1 and err.count("\n") == 1

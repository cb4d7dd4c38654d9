"""Reddit exports of several accounts in one archive, and files kept without records.

export_second_account_2024 keeps the real 2024 exports' CRLF line ends and header-only files
(lyststen/stenly), which are byte-identical in every account's download (see README.md there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.importers import run
from retention_desk.importers.run import run_import
from tests.importers.helpers import fetch_rows, files_by_name

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "reddit"
REAL = FIXTURES / "export_realshape_2024"
SECOND = FIXTURES / "export_second_account_2024"
HEADER_ONLY = ("chat_history.csv", "post_headers.csv", "saved_posts.csv")


def third_account(tmp_path: Path) -> Path:
    """A third account's export: the second's header-only files, byte for byte."""
    folder = tmp_path / "export_third"
    shutil.copytree(SECOND, folder)
    stats = folder / "statistics.csv"
    stats.write_bytes(stats.read_bytes().replace(b"SecondCountyNM", b"ThirdCountyNM"))
    comments = folder / "comments.csv"
    comments.write_bytes(comments.read_bytes().replace(b"kz9q1aa", b"kz9q3cc"))
    return folder


def source_rows(archive: Archive, name: str) -> list[tuple[int, int, str, dict]]:
    rows = fetch_rows(
        archive,
        "SELECT id, batch_id, sha256, details_json FROM source_files WHERE name = :n"
        " AND status = 'imported' ORDER BY id",
        n=name,
    )
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def test_same_file_in_another_accounts_export_is_that_accounts_import(
    archive: Archive, tmp_path: Path
) -> None:
    second = run_import(archive, [SECOND])
    third = run_import(archive, [third_account(tmp_path)])
    files = files_by_name(third)
    # byte-identical to the second account's files, yet imported or kept for the third
    assert files["chat_history.csv"].status == "imported"
    assert files["chat_history.csv"].added == 0
    assert files["post_headers.csv"].status == "kept"
    assert files["saved_posts.csv"].status == "kept"
    assert not [f for f in third.files if f.status == "duplicate"]
    for name in HEADER_ONLY:
        rows = source_rows(archive, name)
        assert [r[1] for r in rows] == [second.batch_id, third.batch_id], name
        assert rows[0][2] == rows[1][2]  # the same bytes: one blob, two source rows
        assert [r[3]["account"] for r in rows] == [
            ["reddit", "secondcountynm"],
            ["reddit", "thirdcountynm"],
        ]
        (blobs,) = fetch_rows(archive, "SELECT count(*) FROM blobs WHERE sha256 = :s", s=rows[0][2])
        assert blobs == (1,)
    owners = fetch_rows(
        archive,
        "SELECT r.record_key, a.account_key FROM records r JOIN accounts a"
        " ON a.id = r.account_id ORDER BY r.record_key",
    )
    assert owners == [("t1_kz9q1aa", "secondcountynm"), ("t1_kz9q3cc", "thirdcountynm")]


def test_reimport_of_the_same_account_says_where_it_is_stored(archive: Archive) -> None:
    first = run_import(archive, [SECOND])
    again = run_import(archive, [SECOND])
    files = files_by_name(again)
    assert {f.status for f in again.files} == {"duplicate"}
    ids = {f.path: f.source_file_id for f in first.files}
    assert files["saved_posts.csv"].note == (
        f"already stored as an original (source file {ids['saved_posts.csv']},"
        f" batch {first.batch_id}) for account secondcountynm"
    )
    assert files["comments.csv"].note == (
        f"already imported (source file {ids['comments.csv']}, batch {first.batch_id})"
        " for account secondcountynm"
    )
    assert again.totals()["files_duplicate"] == len(first.files)


def test_identical_records_file_in_two_accounts_keeps_its_records_first_owner(
    archive: Archive, tmp_path: Path
) -> None:
    """A message both accounts downloaded is one record (same fullname): the second
    account's import links its file and counts the message unchanged, never moving it."""
    run_import(archive, [REAL])
    shared = tmp_path / "shared"
    shutil.copytree(SECOND, shared)
    shutil.copy(REAL / "messages.csv", shared / "messages.csv")
    summary = run_import(archive, [shared])
    result = files_by_name(summary)["messages.csv"]
    assert (result.status, result.added, result.unchanged) == ("imported", 0, 1)
    owner = fetch_rows(
        archive,
        "SELECT a.account_key FROM records r JOIN accounts a ON a.id = r.account_id"
        " WHERE r.record_key = 't4_20v1tq8'",
    )
    assert owner == [("examplecountynm",)]
    (row,) = fetch_rows(
        archive,
        "SELECT count(*) FROM record_sources rs JOIN records r ON r.id = rs.record_id"
        " WHERE r.record_key = 't4_20v1tq8'",
    )
    assert row == (2,)  # seen in both accounts' files


def test_files_imported_before_files_named_their_account(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Source rows written before this change carry no account: one with records is judged
    by its records' account; one without records is imported again once, then recognised."""
    monkeypatch.setattr(run, "ACCOUNT_DETAIL", "not_recorded")
    run_import(archive, [SECOND])
    monkeypatch.undo()
    again = files_by_name(run_import(archive, [SECOND]))
    assert again["comments.csv"].status == "duplicate"
    assert again["chat_history.csv"].status == "imported"
    assert again["saved_posts.csv"].status == "kept"
    third = run_import(archive, [SECOND])
    assert {f.status for f in third.files} == {"duplicate"}


def test_cli_prints_kept_files_and_json_counts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.rdesk"
    Archive.create(path).close()
    assert main(["--archive", str(path), "import", str(REAL)]) == 0
    out = capsys.readouterr().out.splitlines()
    kept = "kept      poll_votes.csv [reddit]: stored as an original, no records (poll votes)"
    assert kept in out
    assert not [line for line in out if line.startswith("imported") and " 0 added," in line]
    assert main(["--archive", str(path), "import", "--json", str(SECOND)]) == 0
    data = json.loads(capsys.readouterr().out)
    statuses = {f["path"]: f["status"] for f in data["files"]}
    assert statuses["post_headers.csv"] == "kept"
    assert data["totals"]["files_kept"] == 3  # statistics, post headers, saved posts
    assert data["totals"]["files_imported"] == 2  # comments, chat history


def test_an_unknown_csv_of_the_export_is_kept_and_named(archive: Archive, tmp_path: Path) -> None:
    """A file Reddit adds to its exports later (header unknown here, not in a checkfile) is
    named as kept, not stored unnamed; a CSV the generic importer can read stays its own."""
    folder = tmp_path / "export"
    shutil.copytree(SECOND, folder)
    (folder / "new_feature.csv").write_bytes(b"widget_id,clicked_at\r\nw1,2024-01-01\r\n")
    (folder / "notes.csv").write_bytes(b"id,date,body,author\r\n1,2024-01-01,hi,me\r\n")
    summary = run_import(archive, [folder])
    files = files_by_name(summary)
    assert set(files) == {p.name for p in folder.iterdir()}
    assert (files["new_feature.csv"].format, files["new_feature.csv"].status) == (
        "reddit",
        "kept",
    )
    assert "header is not one of Reddit's known files" in files["new_feature.csv"].note
    assert files["notes.csv"].format == "csv"
    assert summary.kept_files == 0  # nothing of the folder kept without being named

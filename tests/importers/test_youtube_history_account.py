"""YouTube Takeout: history-only Takeouts (localised names) and the account without
channel.csv (issue 9). Fixture sources in tests/fixtures/platforms/youtube/README.md."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import
from retention_desk.importers.youtube.account import UNKNOWN
from tests.importers.helpers import fetch_rows, files_by_name, latest_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "youtube"
GERMAN = FIXTURES / "takeout-2022-de-history"
GERMAN_YT = GERMAN / "Takeout" / "YouTube und YouTube Music" / "Verlauf"
NEW = FIXTURES / "takeout-2024"
NEW_YT = NEW / "Takeout" / "YouTube and YouTube Music"
SPANISH = FIXTURES / "takeout-2021-es"
CHANNEL = "UCnmExampleCityPD000001"


def test_history_only_takeout_in_german_is_recognised_not_refused(archive: Archive) -> None:
    summary = run_import(archive, [GERMAN])
    assert summary.status == "completed", summary.to_dict()
    assert not summary.errors
    files = files_by_name(summary)
    assert set(files) == {"Wiedergabeverlauf.json", "Suchverlauf.html"}
    assert summary.totals()["added"] == 0
    watch = files["Wiedergabeverlauf.json"]
    assert watch.status == "imported"
    assert any(
        "2 entries (2 videos watched, 2022-04-27 to 2022-05-02); kept as the original file" in w
        for w in watch.warnings
    )
    search = files["Suchverlauf.html"]
    assert any("2 entries (2 searches)" in w for w in search.warnings)
    # both originals are kept byte-exact
    for name, result in files.items():
        (row,) = fetch_rows(
            archive, "SELECT sha256 FROM source_files WHERE id = :i", i=result.source_file_id
        )
        assert row[0] == result.sha256, name
    assert not fetch_rows(archive, "SELECT 1 FROM records")


def test_history_html_with_a_long_style_sheet_before_the_entries(tmp_path: Path) -> None:
    # My Activity pages open with a large inline style sheet; the entries come after it
    html = (GERMAN_YT / "Suchverlauf.html").read_text(encoding="utf-8")
    style = "<style>" + ".mdl-cell{margin:8px}" * 2000 + "</style>"
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "Suchverlauf.html").write_text(html.replace("</head>", style + "</head>"))
    detection = detect([folder])
    try:
        (claim,) = [c for _t, imp, c in detection.claims if imp.name == "youtube-takeout"]
        assert claim.state["kinds"] == {"Suchverlauf.html": "search_history"}
        (result,) = preview(detection)
    finally:
        detection.close()
    assert any("2 entries (2 searches)" in n for n in result.notes)
    assert UNKNOWN in result.notes


def test_broken_history_json_fails_by_name(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    shutil.copytree(GERMAN, folder)
    path = next(folder.rglob("Wiedergabeverlauf.json"))
    path.write_bytes(path.read_bytes()[:-40])
    summary = run_import(archive, [folder])
    watch = files_by_name(summary)["Wiedergabeverlauf.json"]
    assert watch.status == "failed"
    assert "Wiedergabeverlauf.json" in (watch.error or "")
    assert files_by_name(summary)["Suchverlauf.html"].status == "imported"


def test_account_from_videos_when_there_is_no_channel_csv(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "takeout"
    shutil.copytree(NEW, folder)
    shutil.rmtree(folder / "Takeout" / "YouTube and YouTube Music" / "channels")
    summary = run_import(archive, [folder])
    assert summary.totals()["added"] == 11  # everything but the channel page
    assert fetch_rows(archive, "SELECT account_key FROM accounts") == [(CHANNEL,)]
    unassigned = fetch_rows(archive, "SELECT count(*) FROM records WHERE account_id IS NULL")
    assert unassigned == [(0,)]
    assert not any(UNKNOWN in w for f in summary.files for w in f.warnings)


def test_account_from_comment_rows_alone(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    shutil.copy(NEW_YT / "comments" / "comments.csv", folder / "comments.csv")
    detection = detect([folder])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert result.account == CHANNEL
    run_import(archive, [folder])
    assert fetch_rows(archive, "SELECT account_key FROM accounts") == [(CHANNEL,)]


def test_account_that_cannot_be_known_is_said_once(archive: Archive) -> None:
    # the older HTML names no channel of the account's
    summary = run_import(archive, [SPANISH])
    assert summary.totals()["added"] == 2
    notes = [w for f in summary.files for w in f.warnings if w == UNKNOWN]
    assert len(notes) == 1
    assert fetch_rows(archive, "SELECT count(*) FROM accounts") == [(0,)]


def test_paged_comments_split_across_two_zips(archive: Archive, tmp_path: Path) -> None:
    # big Takeouts page comments as comments.csv, comments(1).csv... in any part
    lines = (NEW_YT / "comments" / "comments.csv").read_text(encoding="utf-8").splitlines(True)
    header, rows = lines[0], lines[1:]
    parts = []
    for index, (name, chunk) in enumerate(
        [("comments.csv", rows[:2]), ("comments(1).csv", rows[2:])], start=1
    ):
        part = tmp_path / f"takeout-20240401T000000Z-00{index}.zip"
        with zipfile.ZipFile(part, "w") as zf:
            zf.writestr(
                f"Takeout/YouTube and YouTube Music/comments/{name}", header + "".join(chunk)
            )
        parts.append(part)
    summary = run_import(archive, parts)
    assert summary.status == "completed", summary.to_dict()
    recs = latest_records(archive, "youtube")
    assert len(recs) == 6
    # the reply (second part) threads under its parent (first part)
    reply = recs["UgxC1aaaaaaaaaaaaaaaaaaaa.9zReplyToOwn"]
    assert reply["parent_id"] == recs["UgxC1aaaaaaaaaaaaaaaaaaaa"]["id"]
    # each part names the account through its rows' channel id: one account for both
    assert fetch_rows(archive, "SELECT account_key FROM accounts") == [(CHANNEL,)]
    assert fetch_rows(archive, "SELECT count(*) FROM records WHERE account_id IS NULL") == [(0,)]

"""Follower / following / subscription list files of each platform become one dated
`subscriber_list` snapshot record each, with their members as rows (fixtures from real public
exports: tests/fixtures/subscribers/README.md)."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive import Archive
from retention_desk.search import SearchEngine
from tests.oversight.subscribers_helpers import (
    FACEBOOK,
    INSTAGRAM,
    REDDIT,
    X_APRIL,
    X_MARCH,
    YOUTUBE,
    entries,
    import_export,
    lists,
    one,
)


def test_x_follower_and_following_are_snapshots_dated_by_the_manifest(
    tmp_archive: Archive,
) -> None:
    summary = import_export(tmp_archive, X_MARCH)
    assert {Path(f.path).name: f.status for f in summary.files} == {
        "manifest.js": "imported",
        "follower.js": "imported",
        "following.js": "imported",
    }
    followers = one(tmp_archive, "x", "followers")
    following = one(tmp_archive, "x", "following")
    assert (followers["entry_count"], following["entry_count"]) == (6, 5)
    assert followers["kind"] == "subscriber_list" and followers["handle"] == "milahu104"
    assert followers["taken_at"].startswith("2026-03-06T13:15:31")
    assert "generation date in manifest.js" in followers["extra"]["taken_at_source"]
    rows = entries(tmp_archive, followers["record_id"])
    # ids beyond 2^53 kept exactly, in the export's order
    assert [r["member_key"] for r in rows][:2] == ["1882158363930411008", "1279942454960160769"]
    assert rows[0]["url"] == "https://twitter.com/intent/user?user_id=1882158363930411008"
    lines = followers["text"].splitlines()
    assert lines[0].startswith("Followers of @milahu104 on X, as of 2026-03-06")
    assert lines[2] == (
        "account 1882158363930411008 \u2014"
        " https://twitter.com/intent/user?user_id=1882158363930411008"
    )
    assert len(lines) == 2 + 6


def test_instagram_lists_both_shapes(tmp_archive: Archive) -> None:
    import_export(tmp_archive, INSTAGRAM)
    followers = one(tmp_archive, "instagram", "followers")
    following = one(tmp_archive, "instagram", "following")
    assert (followers["entry_count"], following["entry_count"]) == (3, 2)
    assert followers["handle"] == "cityofexample"
    rows = entries(tmp_archive, following["record_id"])
    # the newer shape: username in `title`, no `value`
    assert [r["handle"] for r in rows] == ["mesilla_valley_news", "nmdot_news"]
    first = entries(tmp_archive, followers["record_id"])[0]
    assert first["since"].startswith("2025-08-04")  # 1754286828
    assert (
        "(@mesilla_valley_news) since 2025-08-04 \u2014 https://www.instagram.com/"
        in (followers["text"])
    )
    assert followers["taken_at"].startswith("2025-08-10")


def test_facebook_names_repaired_and_namesakes_kept_apart(tmp_archive: Archive) -> None:
    import_export(tmp_archive, FACEBOOK)
    following = one(tmp_archive, "facebook", "following")
    followers = one(tmp_archive, "facebook", "followers")
    assert (following["entry_count"], followers["entry_count"]) == (4, 3)
    rows = entries(tmp_archive, following["record_id"])
    assert rows[1]["name"] == "Jos\u00e9 N\u00fa\u00f1ez"  # mojibake undone
    assert rows[1]["member_key"] != rows[3]["member_key"]  # two people, one name
    assert rows[3]["member_key"].endswith("#2")
    assert all(r["since"] is None for r in entries(tmp_archive, followers["record_id"]))
    burmese = entries(tmp_archive, followers["record_id"])[2]["name"]
    assert burmese == "\u1019\u1004\u103a\u1038 \u1011\u102d\u102f\u1000\u103a"
    assert following["taken_at"].startswith("2026-05-30")
    assert "export's name" in following["extra"]["taken_at_source"]


def test_youtube_subscriptions(tmp_archive: Archive) -> None:
    import_export(tmp_archive, YOUTUBE)
    subs = one(tmp_archive, "youtube", "subscriptions")
    assert subs["entry_count"] == 7
    rows = entries(tmp_archive, subs["record_id"])
    assert rows[0]["member_key"] == "UC6nSFpj9HTCZ5t-N3Rm3-HA" and rows[0]["name"] == "Vsauce"
    assert rows[5]["name"] == "\u05d4\u05d9\u05e9\u05e8\u05d0\u05dc\u05d9\u05d5\u05ea"
    assert rows[4]["name"] == "Royce 5'9 Official"
    assert subs["taken_at"].startswith("2025-03-01T10:15:00")


def test_reddit_subscribed_subreddits(tmp_archive: Archive) -> None:
    summary = import_export(tmp_archive, REDDIT)
    statuses = {Path(f.path).name: f.status for f in summary.files}
    assert statuses["subscribed_subreddits.csv"] == "imported"
    subs = one(tmp_archive, "reddit", "subreddits")
    assert subs["entry_count"] == 4 and subs["handle"] == "CityOfExample"
    rows = entries(tmp_archive, subs["record_id"])
    assert rows[0]["url"] == "https://www.reddit.com/user/CityOfExample/"
    assert rows[1]["url"] == "https://www.reddit.com/r/LasCruces/"
    assert subs["taken_at"].startswith("2024-06-01")


def test_the_same_file_twice_is_one_snapshot(tmp_archive: Archive) -> None:
    import_export(tmp_archive, X_MARCH)
    again = import_export(tmp_archive, X_MARCH)
    assert {f.status for f in again.files if f.path.endswith("follower.js")} == {"duplicate"}
    assert len(lists(tmp_archive)) == 2
    record = one(tmp_archive, "x", "followers")
    assert len(entries(tmp_archive, record["record_id"])) == 6


def test_two_exports_make_two_snapshots(tmp_archive: Archive) -> None:
    import_export(tmp_archive, X_MARCH)
    import_export(tmp_archive, X_APRIL)
    followers = [x for x in lists(tmp_archive) if x["list_kind"] == "followers"]
    assert [x["taken_at"][:10] for x in followers] == ["2026-03-06", "2026-04-01"]
    assert followers[0]["record_key"] != followers[1]["record_key"]
    # a new record, never a new version of the old one
    with tmp_archive.read() as conn:
        counts = conn.exec_driver_sql(
            "SELECT version_count FROM records WHERE kind = 'subscriber_list'"
        ).all()
    assert {c[0] for c in counts} == {1}


def test_search_finds_a_member_by_name(tmp_archive: Archive) -> None:
    import_export(tmp_archive, FACEBOOK)
    import_export(tmp_archive, YOUTUBE)
    followers = one(tmp_archive, "facebook", "followers")
    subs = one(tmp_archive, "youtube", "subscriptions")
    with SearchEngine(tmp_archive, date_cache=False) as engine:
        assert engine.search_ids(engine.parse("Trujillo")) == [followers["record_id"]]
        assert engine.search_ids(engine.parse('"Traversy Media"')) == [subs["record_id"]]


def test_a_list_without_an_export_date_is_dated_by_its_file(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    folder = tmp_path / "download" / "followers_and_following"
    folder.mkdir(parents=True)
    copy = folder / "followers_1.json"
    shutil.copy(INSTAGRAM / "followers_and_following" / "followers_1.json", copy)
    stamp = datetime(2025, 9, 1, 12, 30, tzinfo=UTC).timestamp()
    os.utime(copy, (stamp, stamp))
    summary = import_export(tmp_archive, tmp_path / "download", account="cityofexample")
    (result,) = [f for f in summary.files if f.path.endswith("followers_1.json")]
    assert result.status == "imported"
    assert any("dated by the file's date" in w for w in result.warnings)
    record = one(tmp_archive, "instagram", "followers")
    assert record["taken_at"].startswith("2025-09-01T12:30:00")
    assert "does not say when it was made" in record["text"].splitlines()[0]


def test_an_empty_list_is_a_snapshot_of_nobody_and_a_broken_one_fails_alone(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    export = tmp_path / "twitter-2026-05-01"
    shutil.copytree(X_MARCH, export)
    (export / "data" / "follower.js").write_text("window.YTD.follower.part0 = [ ]")
    (export / "data" / "following.js").write_text(
        'window.YTD.following.part0 = [\n  {\n    "following" : {\n      "accountId" : "1'
    )
    summary = import_export(tmp_archive, export)
    statuses = {Path(f.path).name: f.status for f in summary.files}
    assert statuses["follower.js"] == "imported" and statuses["following.js"] == "failed"
    empty = one(tmp_archive, "x", "followers")
    assert empty["entry_count"] == 0 and entries(tmp_archive, empty["record_id"]) == []
    assert empty["text"].endswith(": 0 entries")
    assert [x["list_kind"] for x in lists(tmp_archive)] == ["followers"]


def test_a_zipped_download_without_a_date_in_its_name_uses_the_member_date(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    import zipfile

    download = tmp_path / "download.zip"
    with zipfile.ZipFile(download, "w") as zf:
        for path in sorted(INSTAGRAM.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(str(path.relative_to(INSTAGRAM)), (2025, 8, 11, 9, 30, 0))
                zf.writestr(info, path.read_bytes())
    import_export(tmp_archive, download)
    record = one(tmp_archive, "instagram", "following")
    assert record["taken_at"].startswith("2025-08-11T09:30:00")
    assert record["extra"]["taken_at_source"].startswith("the file's date in the export")

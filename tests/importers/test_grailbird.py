"""Grailbird (classic Twitter archive) importer: the real bizweekgraphics sample, tweets.csv
merging with the month files, API-style appended tweets, hostile CSV values."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text as sql_text

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import

SAMPLE = "twitter/grailbird-bizweekgraphics-2015"


def month(path: Path) -> list[dict[str, Any]]:
    """Independent reader: the JSON starts on the line after `Grailbird.data.tweets_... =`."""
    return json.loads(path.read_text(encoding="utf-8").split("\n", 1)[1])


def js_value(path: Path) -> Any:
    source = path.read_text(encoding="utf-8")
    return json.loads(source[source.index("=") + 1 :])


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def rows(archive: Archive, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with archive.read() as conn:
        return [tuple(r) for r in conn.execute(sql_text(sql), params)]


@pytest.fixture(scope="module")
def sample_dir(samples: Path) -> Path:
    return samples / SAMPLE


def test_month_files_with_missing_months_as_warnings(tmp_path: Path, sample_dir: Path) -> None:
    months = sorted((sample_dir / "data" / "js" / "tweets").glob("*.js"))
    tweets = [t for m in months for t in month(m)]
    assert len(month(sample_dir / "data/js/tweets/2015_09.js")) == 83
    index = js_value(sample_dir / "data/js/tweet_index.js")
    absent = [e for e in index if not (sample_dir / e["file_name"]).exists()]
    assert len(index) == 56 and len(absent) == 54

    archive = Archive.create(tmp_path / "g.rdesk")
    try:
        # the data folder alone: month files and the index, no tweets.csv
        summary = run_import(archive, [sample_dir / "data"])
        assert summary.status == "completed", summary.to_dict()
        assert (
            archive.count("SELECT count(*) FROM records")
            == len(tweets)
            == 83 + len(month(sample_dir / "data/js/tweets/2015_10.js"))
        )
        (index_result,) = [f for f in summary.files if f.path.endswith("tweet_index.js")]
        missing = [w for w in index_result.warnings if "is not in this export" in w]
        assert len(missing) == len(absent)
        assert any("2015_08.js (147 tweets)" in w for w in missing)
        assert any("payload_details.js says 7153" in w for w in index_result.warnings)

        keys = {k for (k,) in rows(archive, "SELECT record_key FROM records")}
        assert keys == {t["id_str"] for t in tweets}
        # the numeric ids would have been wrong through a float: the keys are the exact ones
        lossy = [t for t in tweets if float(t["id"]) != t["id"]]
        assert lossy and all(t["id_str"] in keys for t in lossy)

        retweets = [t for t in tweets if "retweeted_status" in t]
        assert archive.count("SELECT count(*) FROM records WHERE is_repost") == len(retweets)
        ((extra,),) = rows(
            archive, "SELECT extra_json FROM records WHERE record_key = :k", k=retweets[0]["id_str"]
        )
        original = json.loads(extra)["retweeted_status"]
        assert original["id_str"] == retweets[0]["retweeted_status"]["id_str"]
        replies = [t for t in tweets if t.get("in_reply_to_status_id_str")]
        assert archive.count("SELECT count(*) FROM records WHERE kind = 'reply'") == len(replies)
        account = js_value(sample_dir / "data/js/user_details.js")
        assert rows(archive, "SELECT account_key, handle FROM accounts") == [
            (account["id"], account["screen_name"])
        ]
        media = sum(len(t["entities"].get("media", [])) for t in tweets)
        assert summary.totals()["media_missing"] == media  # the classic archive has no media

        # then tweets.csv: every tweet once; the 87 already imported are unchanged
        table = csv_rows(sample_dir / "tweets.csv")
        assert len(table) == 6966
        after = run_import(archive, [sample_dir / "tweets.csv"])
        assert after.status == "completed"
        assert archive.count("SELECT count(*) FROM records") == len(table) == 6966
        assert after.totals()["unchanged"] == len(tweets)
        assert after.totals()["new_versions"] == 0
        assert archive.count("SELECT count(*) FROM record_versions") == 6966
    finally:
        archive.close()


def test_tweets_csv_alone_keeps_multiline_text(tmp_path: Path, sample_dir: Path) -> None:
    table = csv_rows(sample_dir / "tweets.csv")
    multiline = [r for r in table if "\n" in r["text"]]
    assert len(multiline) == 244
    archive = Archive.create(tmp_path / "c.rdesk")
    try:
        summary = run_import(archive, [sample_dir / "tweets.csv"])
        (result,) = summary.files
        assert result.format == "x-grailbird" and result.status == "imported"
        assert result.added == 6966 and not result.warnings
        stored = dict(
            rows(
                archive,
                "SELECT r.record_key, v.text_raw FROM records r JOIN record_versions v"
                " ON v.record_id = r.id",
            )
        )
        assert stored == {r["tweet_id"]: r["text"] for r in table}
        assert sum("\n" in t for t in stored.values()) == 244
        created = dict(rows(archive, "SELECT record_key, created_at_raw FROM records"))
        assert created == {r["tweet_id"]: r["timestamp"] for r in table}
        assert archive.count("SELECT count(*) FROM records WHERE created_at IS NULL") == 0
        reposts = sum(1 for r in table if r["retweeted_status_id"] or r["text"].startswith("RT @"))
        assert archive.count("SELECT count(*) FROM records WHERE is_repost") == reposts
        decoded = next(r for r in table if "&amp;" in r["text"])
        ((shown,),) = rows(
            archive,
            "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
            " WHERE r.record_key = :k",
            k=decoded["tweet_id"],
        )
        assert shown == decoded["text"].replace("&amp;", "&").replace("&gt;", ">").replace(
            "&lt;", "<"
        )
    finally:
        archive.close()


def test_whole_folder_in_one_run_then_reimport(tmp_path: Path, sample_dir: Path) -> None:
    archive = Archive.create(tmp_path / "w.rdesk")
    try:
        summary = run_import(archive, [sample_dir])
        assert summary.status == "completed"
        assert [f.path for f in summary.files] == [
            "data/js/tweet_index.js",
            "data/js/tweets/2015_09.js",
            "data/js/tweets/2015_10.js",
            "tweets.csv",
        ]
        assert archive.count("SELECT count(*) FROM records") == 6966
        again = run_import(archive, [sample_dir])
        assert {f.status for f in again.files} == {"duplicate"}
        assert again.totals()["added"] == 0
        assert archive.count("SELECT count(*) FROM record_versions") == 6966
    finally:
        archive.close()


def test_csv_claim_beats_generic_csv(sample_dir: Path) -> None:
    detection = detect([sample_dir / "tweets.csv"])
    try:
        assert [(imp.name, claim.confidence) for _, imp, claim in detection.claims] == [
            ("x-grailbird", 90)
        ]
        (p,) = preview(detection)
        assert p.approx_records == 6966
        assert p.date_from is not None and p.date_to is not None and p.date_from < p.date_to
    finally:
        detection.close()


def test_api_style_tweets_appended_by_tools(tmp_path: Path, sample_dir: Path) -> None:
    root = tmp_path / "arch"
    shutil.copytree(sample_dir / "data", root / "data")
    classic = month(sample_dir / "data/js/tweets/2015_10.js")[0]
    api = {
        "id": 874724289946914800,  # rounded by the tool; id_str is the truth
        "id_str": "874724289946914817",
        "full_text": "Appended later &amp; in API form",
        "created_at": "Tue Jun 13 19:23:55 +0000 2023",
        "entities": {"hashtags": [], "urls": [], "user_mentions": []},
    }
    no_id_str = {"id": 874724289946914999, "text": "exact number only", "created_at": "garbage"}
    body = json.dumps([api, classic, no_id_str], indent="\t")
    (root / "data/js/tweets/2023_06.js").write_text(
        f"Grailbird.data.tweets_2023_06 = \n{body}", encoding="utf-8"
    )
    archive = Archive.create(tmp_path / "a.rdesk")
    try:
        summary = run_import(archive, [root])
        (result,) = [f for f in summary.files if f.path.endswith("2023_06.js")]
        assert result.status == "imported" and result.added == 2 and result.unchanged == 1
        got = dict(
            rows(
                archive, "SELECT record_key, created_at FROM records WHERE record_key LIKE '8747%'"
            )
        )
        # per-tweet date format; exact integer id without id_str used as it is
        assert got == {
            "874724289946914817": "2023-06-13T19:23:55.000000Z",
            "874724289946914999": None,
        }
        ((shown,),) = rows(
            archive,
            "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
            " WHERE r.record_key = '874724289946914817'",
        )
        assert shown == "Appended later & in API form"
        # the bad date is a warning and the record is kept with its raw value
        assert any("garbage" in w for w in result.warnings)
        assert rows(
            archive, "SELECT created_at_raw FROM records WHERE record_key = '874724289946914999'"
        ) == [("garbage",)]
    finally:
        archive.close()


def test_hostile_csv_rows_are_kept_with_warnings(tmp_path: Path) -> None:
    header = (
        '"tweet_id","in_reply_to_status_id","in_reply_to_user_id","timestamp","source","text",'
        '"retweeted_status_id","retweeted_status_user_id","retweeted_status_timestamp",'
        '"expanded_urls"\n'
    )
    lines = [
        '"6.50041E+17","","","2015-10-02 20:15:40 +0000","web","excel ate my id","","","",""',
        '"650041477918248961","","","not a date","web","<script>x</script> &lt;b&gt;","","","",""',
        '"650041477918248962","650041477918248961","","2015-10-02 20:15:40 +0000","web",'
        '"multi\nline ""quoted"" reply","","","",""',
        '"650041477918248963","","","2015-10-02 20:15:40 +0000"',
    ]
    path = tmp_path / "tweets.csv"
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    archive = Archive.create(tmp_path / "h.rdesk")
    try:
        summary = run_import(archive, [path])
        (result,) = summary.files
        assert result.status == "imported" and result.added == 4
        assert any("spreadsheet" in w for w in result.warnings)
        assert any("not a date" in w for w in result.warnings)
        assert any("4 fields" in w for w in result.warnings)
        texts = dict(
            rows(
                archive,
                "SELECT r.record_key, v.text FROM records r JOIN record_versions v"
                " ON v.record_id = r.id",
            )
        )
        assert texts["650041477918248961"] == "<script>x</script> <b>"
        assert texts["650041477918248962"] == 'multi\nline "quoted" reply'
        ((parent,),) = rows(
            archive,
            "SELECT p.record_key FROM records r JOIN records p ON p.id = r.parent_id"
            " WHERE r.record_key = '650041477918248962'",
        )
        assert parent == "650041477918248961"
    finally:
        archive.close()


def test_broken_month_file_fails_alone(tmp_path: Path, sample_dir: Path) -> None:
    root = tmp_path / "arch"
    shutil.copytree(sample_dir / "data", root / "data")
    good = (root / "data/js/tweets/2015_09.js").read_text(encoding="utf-8")
    (root / "data/js/tweets/2015_09.js").write_text(good[: len(good) // 3], encoding="utf-8")
    archive = Archive.create(tmp_path / "b.rdesk")
    try:
        summary = run_import(archive, [root])
        failed = [f for f in summary.files if f.status == "failed"]
        assert [f.path for f in failed] == ["data/js/tweets/2015_09.js"]
        assert "2015_09.js" in (failed[0].error or "")
        assert archive.count("SELECT count(*) FROM records") == len(
            month(sample_dir / "data/js/tweets/2015_10.js")
        )
    finally:
        archive.close()

"""YouTube (Google Takeout) importer.

No real Takeout is available: the fixtures under tests/fixtures/platforms/youtube/ are written
from the published descriptions and public parsers' fixtures (see README.md there). Expected
numbers are computed here from the fixture CSV/JSON with the standard library, independently of
the importer.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import
from retention_desk.importers.summary import ImportSummary
from retention_desk.importers.youtube.takeout import parse_comment_text
from tests.importers.helpers import fetch_rows, files_by_name, latest_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "youtube"
NEW = FIXTURES / "takeout-2024"
OLD = FIXTURES / "takeout-2023"
YT = NEW / "Takeout" / "YouTube and YouTube Music"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r for r in csv.DictReader(fh) if any(v.strip() for v in r.values())]


def _fragments(raw: str) -> str:
    """Independent reading of Takeout comment text: fragments are a JSON list without []."""
    value = json.loads("[" + raw + "]", strict=False)
    if len(value) == 1 and "takeoutSegments" in value[0]:
        value = value[0]["takeoutSegments"]
    return "".join(s.get("text") or s.get("link", {}).get("linkUrl", "") for s in value)


def _stored(archive: Archive) -> set[str]:
    """Files kept byte-exact but not parsed into records."""
    rows = fetch_rows(archive, "SELECT name FROM source_files WHERE status = 'stored'")
    return {Path(r[0]).name for r in rows}


def _history_kept(summary: ImportSummary, archive: Archive, name: str) -> str:
    """A history file is recognised, kept byte-exact and makes no records; the summary
    says so. Returns that note."""
    result = files_by_name(summary)[name]
    assert result.status == "imported", result.error
    assert result.added == 0
    (note,) = [w for w in result.warnings if "kept as the original file, not as records" in w]
    kept = fetch_rows(
        archive, "SELECT blob_sha256 FROM source_files WHERE id = :i", i=result.source_file_id
    )
    assert kept and kept[0][0] == result.sha256
    return note


# --------------------------------------------------------------------------- full import
def test_takeout_imports_channel_videos_comments_and_threads(archive: Archive) -> None:
    summary = run_import(archive, [NEW])
    files = files_by_name(summary)
    channels = _csv(YT / "channels" / "channel.csv")
    videos = _csv(YT / "video metadata" / "videos.csv")
    comments = _csv(YT / "comments" / "comments.csv")
    chats = _csv(YT / "live chats" / "live chats.csv")
    expected = len(channels) + len(videos) + len(comments) + len(chats)
    assert expected == 12
    assert summary.totals()["added"] == expected
    for name in ("channel.csv", "videos.csv", "comments.csv", "live chats.csv"):
        assert files[name].status == "imported", files[name].error
    # the history file and the recordings file are kept, not parsed into records
    assert "video recordings.csv" in _stored(archive)
    assert "1 entries (1 videos watched)" in _history_kept(summary, archive, "watch-history.html")

    recs = latest_records(archive, "youtube")
    assert len(recs) == expected
    channel_id = channels[0]["Channel ID"]
    assert recs[channel_id]["kind"] == "page"
    assert recs[channel_id]["v_title"] == channels[0]["Channel Title (Original)"]
    account = fetch_rows(archive, "SELECT account_key, display_name FROM accounts")
    assert account == [(channel_id, "Example City PD")]

    # videos: title, description, URL, privacy
    for row in videos:
        rec = recs[row["Video ID"]]
        assert rec["kind"] == "post"
        assert rec["v_title"] == row["Video Title (Original)"]
        assert rec["v_text"] == row["Video Description (Original)"]
        assert rec["url"] == "https://www.youtube.com/watch?v=" + row["Video ID"]
        assert bool(rec["restricted"]) == (row["Privacy"] == "Private")
        assert json.loads(rec["extra_json"])["privacy"] == row["Privacy"]
    road = recs["vRoadClos01"]
    assert road["created_at"].startswith("2024-03-01T16:30:00")  # the publish time
    assert json.loads(road["extra_json"])["tags"] == ["roads", "closure"]

    # comments: text from the JSON fragments, raw JSON kept, kinds and parents
    for row in comments:
        rec = recs[row["Comment ID"]]
        assert rec["v_text"] == _fragments(row["Comment Text"])
        assert rec["v_text_raw"] == row["Comment Text"]
        assert rec["kind"] == ("reply" if row["Parent Comment ID"] else "comment")
        assert rec["parent_key"] == (row["Parent Comment ID"] or row["Video ID"] or row["Post ID"])
        assert rec["author_name"] == "Example City PD"
        assert rec["author_platform_id"] == channel_id
    assert recs["UgxC1aaaaaaaaaaaaaaaaaaaa"]["v_text"] == (
        "Thanks @resident_a — detour signs are up (edited)."
    )
    # hostile text stays literal; the newline inside the JSON string survives
    assert recs["UgxC6ffffffffffffffffffff"]["v_text"] == (
        "<img src=x onerror=alert(1)> line one\nline two"
    )

    # threads: a reply to our own comment hangs under it, in the video's thread
    top = recs["UgxC1aaaaaaaaaaaaaaaaaaaa"]
    reply = recs["UgxC1aaaaaaaaaaaaaaaaaaaa.9zReplyToOwn"]
    assert top["parent_id"] == road["id"]
    assert reply["parent_id"] == top["id"]
    assert reply["thread_id"] == road["id"] == top["thread_id"]
    # a reply to someone else's comment (not in the export) is the root of what we hold
    other = recs["UgxC2bbbbbbbbbbbbbbbbbbbb.9zReplyToOther"]
    assert other["parent_id"] is None and other["thread_id"] == other["id"]
    assert json.loads(other["extra_json"])["top_level_comment_id"] == "UgxOTHERcommentXXXXXXXXXX"
    # live chat lines belong to their video's thread
    for row in chats:
        rec = recs[row["Live Chat ID"]]
        assert rec["parent_id"] == road["id"]
        assert json.loads(rec["extra_json"])["live_chat"] is True


def test_video_files_linked_by_title_and_ambiguous_titles_reported(archive: Archive) -> None:
    summary = run_import(archive, [NEW])
    video_file = YT / "videos" / "Road closure update.mp4"
    media = fetch_rows(
        archive,
        "SELECT r.record_key, m.blob_sha256, m.missing FROM media m JOIN records r"
        " ON r.id = m.record_id",
    )
    assert media == [("vRoadClos01", hashlib.sha256(video_file.read_bytes()).hexdigest(), 0)]
    warnings = files_by_name(summary)["videos.csv"].warnings
    assert sum("several videos are titled 'Weekly update'" in w for w in warnings) == 2
    # the unlinked file is still kept byte-exact
    assert "Weekly update.mp4" in _stored(archive)


def test_recording_location_is_sensitive_only(archive: Archive) -> None:
    run_import(archive, [NEW])
    rec = latest_records(archive, "youtube")["vRoadClos01"]
    sensitive = json.loads(rec["sensitive_json"])
    assert sensitive["recording_location"]["Video Recording Latitude"] == "35.0844"
    for column in ("v_text", "extra_json", "v_raw", "v_title"):
        assert "35.0844" not in (rec[column] or "")


def test_reimport_adds_nothing(archive: Archive) -> None:
    run_import(archive, [NEW])
    before = fetch_rows(archive, "SELECT count(*) FROM records")[0][0]
    again = run_import(archive, [NEW])
    assert again.totals()["added"] == 0 and again.totals()["new_versions"] == 0
    imported = [f for f in again.files if f.format == "youtube-takeout"]
    assert imported and all(f.status == "duplicate" for f in imported)
    assert fetch_rows(archive, "SELECT count(*) FROM records")[0][0] == before


def test_older_localised_takeout_then_newer_export_merges(archive: Archive) -> None:
    old = run_import(archive, [OLD])
    files = files_by_name(old)
    assert files["Kommentare.csv"].status == "imported"
    assert files["uploads.json"].status == "imported"
    # likes have the same JSON shape but are someone else's videos: kept, not records
    assert "likes.json" not in files and "likes.json" in _stored(archive)
    old_yt = OLD / "Takeout" / "YouTube und YouTube Music"
    uploads = json.loads((old_yt / "Playlists" / "uploads.json").read_text())
    old_comments = _csv(old_yt / "Kommentare" / "Kommentare.csv")
    assert old.totals()["added"] == 1 + len(uploads) + len(old_comments)
    first = latest_records(archive, "youtube")["UgxC1aaaaaaaaaaaaaaaaaaaa"]
    assert first["v_text"] == _fragments(old_comments[0]["Comment Text"])

    new = run_import(archive, [NEW])
    recs = latest_records(archive, "youtube")
    # the comment edited between the exports has both texts, oldest first
    versions = fetch_rows(
        archive,
        "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.record_key = 'UgxC1aaaaaaaaaaaaaaaaaaaa' ORDER BY v.seq",
    )
    assert [v[0] for v in versions] == [
        "Thanks @resident_a — detour signs are up.",
        "Thanks @resident_a — detour signs are up (edited).",
    ]
    assert recs["vRoadClos01"]["version_count"] == 2  # description grew in the CSV export
    assert recs["vOldVideo01"]["version_count"] == 1
    assert recs["UgxC0oldcommentxxxxxxxxxx"]["parent_id"] == recs["vOldVideo01"]["id"]
    assert new.totals()["new_versions"] >= 2
    assert len(recs) == 14  # 12 from the new export + the old video and its comment


# ------------------------------------------------------------------------ detection
def test_detected_by_headers_not_names(tmp_path: Path) -> None:
    folder = tmp_path / "renamed"
    folder.mkdir()
    shutil.copy(YT / "comments" / "comments.csv", folder / "export-part-7.txt")
    shutil.copy(YT / "video metadata" / "videos.csv", folder / "data.csv")
    (folder / "other.csv").write_text("id,date,body\n1,2024-01-01,hello\n", encoding="utf-8")
    (folder / "subscriptions.csv").write_text(
        "Channel Id,Channel Url,Channel Title\nUC1,https://youtube.com/channel/UC1,Other\n"
    )
    (folder / "reddit.csv").write_text(
        "id,permalink,date,ip,subreddit,gildings,link,parent,body,media\n", encoding="utf-8"
    )
    detection = detect([folder])
    try:
        claims = [(imp.name, claim) for _, imp, claim in detection.claims]
        youtube = [c for name, c in claims if name == "youtube-takeout"]
        assert len(youtube) == 1
        assert youtube[0].state["kinds"] == {
            "export-part-7.txt": "comments",
            "data.csv": "videos",
            # a subscription list becomes a dated snapshot record (issue 15)
            "subscriptions.csv": "subscriptions",
        }
        claimed = {p for name, c in claims for p in c.files if name == "youtube-takeout"}
        assert not claimed & {"other.csv", "reddit.csv"}
    finally:
        detection.close()


def test_header_case_and_column_order_vary(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "variant"
    folder.mkdir()
    # the post-June-2024 order (Channel ID first) with lower-case headers
    (folder / "comments.csv").write_text(
        "Channel ID,Comment create timestamp,Price,Comment ID,Parent comment ID,Video ID,"
        "Comment text\n"
        'UCx,2023-04-14T07:39:35.956042+00:00,0,UgyA,,vidA,"{""text"":""\\u003e quoted""},'
        '{""text"":""\\n""},{""text"":""second line""}"\n',
        encoding="utf-8",
    )
    summary = run_import(archive, [folder])
    assert summary.totals()["added"] == 1, summary.to_dict()
    rec = latest_records(archive, "youtube")["UgyA"]
    assert rec["v_text"] == "> quoted\nsecond line"
    assert rec["created_at"] == "2023-04-14T07:39:35.956042Z"
    assert rec["parent_key"] == "vidA"


# ------------------------------------------------------------------------ bad files
def _copy_new(tmp_path: Path) -> Path:
    target = tmp_path / "takeout"
    shutil.copytree(NEW, target)
    return target / "Takeout" / "YouTube and YouTube Music"


def test_cp1252_bytes_fail_that_file_only(archive: Archive, tmp_path: Path) -> None:
    yt = _copy_new(tmp_path)
    path = yt / "comments" / "comments.csv"
    data = path.read_bytes().replace("— detour".encode(), b"\x97 detour")  # Excel's em dash
    path.write_bytes(data)
    summary = run_import(archive, [tmp_path / "takeout"])
    files = files_by_name(summary)
    assert files["comments.csv"].status == "failed"
    assert "comments.csv" in files["comments.csv"].error
    assert "line 2 is not UTF-8" in files["comments.csv"].error
    assert files["videos.csv"].status == "imported"
    assert files["live chats.csv"].status == "imported"
    assert summary.status == "completed_with_errors"
    assert not fetch_rows(archive, "SELECT 1 FROM records WHERE record_key LIKE 'UgxC%'")


def test_truncated_row_with_open_quote_fails_clearly(archive: Archive, tmp_path: Path) -> None:
    yt = _copy_new(tmp_path)
    path = yt / "live chats" / "live chats.csv"
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"Questions?")])  # cut inside the quoted text
    summary = run_import(archive, [tmp_path / "takeout"])
    chat = files_by_name(summary)["live chats.csv"]
    assert chat.status == "failed"
    assert "live chats.csv" in chat.error and "broken CSV" in chat.error
    assert files_by_name(summary)["comments.csv"].status == "imported"


def test_short_row_fails_instead_of_shifting_columns(archive: Archive, tmp_path: Path) -> None:
    yt = _copy_new(tmp_path)
    path = yt / "video metadata" / "videos.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "vBroken0001,1000\r\n", encoding="utf-8")
    summary = run_import(archive, [tmp_path / "takeout"])
    videos = files_by_name(summary)["videos.csv"]
    assert videos.status == "failed"
    # the physical line (a description above spans two lines), and the header's width
    line = original.count("\n") + 1
    width = len(next(csv.reader([original.splitlines()[0]])))
    assert f"line {line} has 2 of {width} columns" in videos.error


def test_bad_timestamp_keeps_the_record_with_a_warning(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "comments.csv").write_text(
        "Comment ID,Channel ID,Comment Create Timestamp,Price,Parent Comment ID,Video ID,"
        'Comment Text\nUgyB,UCx,yesterday-ish,0,,vidB,"{""text"":""hi""}"\n',
        encoding="utf-8",
    )
    summary = run_import(archive, [folder])
    rec = latest_records(archive, "youtube")["UgyB"]
    assert rec["created_at"] is None and rec["created_at_raw"] == "yesterday-ish"
    assert any("yesterday-ish" in w for w in summary.files[0].warnings)


# ------------------------------------------------------------------ comment text parser
_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


@given(st.lists(_text, min_size=1, max_size=6))
def test_fragments_join_to_the_text(parts: list[str]) -> None:
    raw = ",".join(json.dumps({"text": p}, ensure_ascii=False) for p in parts)
    text_value, segments = parse_comment_text(raw)
    assert text_value == "".join(parts)
    assert segments is not None and len(segments) == len(parts)


@given(st.lists(_text, min_size=1, max_size=6))
def test_takeout_segments_join_to_the_text(parts: list[str]) -> None:
    raw = json.dumps({"takeoutSegments": [{"text": p} for p in parts]}, ensure_ascii=False)
    assert parse_comment_text(raw)[0] == "".join(parts)


@given(st.lists(_text, min_size=1, max_size=4))
def test_literal_newlines_inside_json_strings(parts: list[str]) -> None:
    # the CSV carries newlines unescaped inside the JSON strings
    raw = ",".join(json.dumps({"text": p + "\n"}, ensure_ascii=False) for p in parts)
    raw = raw.replace("\\n", "\n")
    assert parse_comment_text(raw)[0] == "".join(p + "\n" for p in parts)


@given(st.text(max_size=200))
def test_any_text_is_returned_not_raised(raw: str) -> None:
    value, segments = parse_comment_text(raw)
    assert isinstance(value, str)
    if segments is None:
        assert value == raw  # plain text (older exports) is kept as it is


def test_links_and_mentions() -> None:
    raw = '{"text":"see "},{"link":{"linkUrl":"https://example.gov/x"}},{"text":"@a","mention":{}}'
    assert parse_comment_text(raw)[0] == "see https://example.gov/x@a"
    assert parse_comment_text('{"text": 5}')[0] == ""
    assert parse_comment_text("[" * 5000) == ("[" * 5000, None)
    assert parse_comment_text("{" * 5000)[1] is None


def test_preview_counts_without_writing() -> None:
    detection = detect([NEW])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert result.approx_records == 12
    assert result.account == "Example City PD"
    assert "6 comments" in result.notes


def test_zipped_takeout_with_non_ascii_folders(archive: Archive, tmp_path: Path) -> None:
    zipped = Path(shutil.make_archive(str(tmp_path / "takeout-001"), "zip", OLD))
    summary = run_import(archive, [zipped])
    kinds = {Path(f.path).name: f.status for f in summary.files}
    assert kinds == {
        "channel.csv": "imported",
        "uploads.json": "imported",
        "Kommentare.csv": "imported",
    }
    assert summary.totals()["added"] == 5


def test_videos_in_another_zip_of_a_split_takeout(archive: Archive, tmp_path: Path) -> None:
    first = tmp_path / "takeout-001"
    second = tmp_path / "takeout-002" / "Takeout" / "YouTube and YouTube Music" / "videos"
    shutil.copytree(NEW, first)
    shutil.rmtree(first / "Takeout" / "YouTube and YouTube Music" / "videos")
    second.mkdir(parents=True)
    shutil.copy(YT / "videos" / "Road closure update.mp4", second)
    zips = [Path(shutil.make_archive(str(p), "zip", p)) for p in (first, tmp_path / "takeout-002")]
    summary = run_import(archive, zips)
    assert summary.totals()["media_stored"] == 1
    media = fetch_rows(
        archive, "SELECT m.missing FROM media m JOIN records r ON r.id = m.record_id"
    )
    assert media == [(0,)]


# ------------------------------------------------------- older HTML layout (issue 9)
OLDER = FIXTURES / "takeout-2019"
OLDER_YT = OLDER / "Takeout" / "YouTube and YouTube Music"
SPANISH = FIXTURES / "takeout-2021-es"


def _li_count(path: Path) -> int:
    return path.read_text(encoding="utf-8").count("<li>")


def test_older_html_takeout_imports_comments_and_live_chats(archive: Archive) -> None:
    summary = run_import(archive, [OLDER])
    files = files_by_name(summary)
    assert files["my-comments.html"].status == "imported", files["my-comments.html"].error
    assert files["my-live-chat-messages.html"].status == "imported"
    comments = _li_count(OLDER_YT / "my-comments" / "my-comments.html")
    chats = _li_count(OLDER_YT / "my-live-chat-messages" / "my-live-chat-messages.html")
    assert summary.totals()["added"] == comments + chats == 4
    # viewing and search activity is kept byte-exact, not turned into records
    watch = _history_kept(summary, archive, "watch-history.json")
    assert "1 entries (1 videos watched, 2019-04-27 to 2019-04-27)" in watch
    assert "1 entries (1 searches" in _history_kept(summary, archive, "search-history.json")

    recs = latest_records(archive, "youtube")
    by_text = {r["v_text"]: r for r in recs.values()}
    first = by_text["Road closure on Main St starts Monday."]
    assert (first["kind"], first["parent_key"]) == ("comment", "Vid0000000A")
    assert first["created_at"] == "2019-04-27T23:18:23.000000Z"
    assert first["url"] == "https://www.youtube.com/watch?v=Vid0000000A"
    # the pre-2019 ISO form of the time, and a line break inside the text
    old = by_text["Thanks for coming\nto the town hall!"]
    assert old["created_at"] == "2016-06-15T08:50:49.000000Z"
    # a link inside the text stays in the text; the HTML is kept as text_raw
    detour = by_text["Detour via the detour map & 2nd St."]
    assert "https://www.example.gov/detour" in detour["v_text_raw"]
    chat = by_text["Council session starts in 5 minutes."]
    assert json.loads(chat["extra_json"])["live_chat"] is True
    assert chat["parent_key"] == "Live000000A"


def test_older_html_reimport_adds_nothing(archive: Archive, tmp_path: Path) -> None:
    assert run_import(archive, [OLDER]).totals()["added"] == 4
    copy = tmp_path / "again"
    shutil.copytree(OLDER, copy)
    # a byte-different file with the same messages (re-downloaded) lands on the same records
    html = copy / "Takeout" / "YouTube and YouTube Music" / "my-comments" / "my-comments.html"
    html.write_text(html.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    summary = run_import(archive, [copy])
    assert summary.totals()["added"] == 0


def test_localised_html_comments_use_comment_ids_and_thread_replies(archive: Archive) -> None:
    summary = run_import(archive, [SPANISH])
    (result,) = summary.files
    assert result.status == "imported", result.error
    recs = latest_records(archive, "youtube")
    top = recs["UgzExampleTopLevel0001"]
    assert (top["kind"], top["parent_key"]) == ("comment", "Vid0000000A")
    assert top["v_text"] == "¿Cuándo reabre la calle?"
    assert top["created_at"] == "2021-03-12T10:11:12.000000Z"
    reply = recs["UgzExampleTopLevel0002.9xReply0001"]
    assert (reply["kind"], reply["parent_key"]) == ("reply", "UgzExampleTopLevel0002")
    assert reply["url"].endswith("&lc=UgzExampleTopLevel0002.9xReply0001")


def test_takeout_zip_as_google_delivers_it_with_a_large_history(
    archive: Archive, tmp_path: Path
) -> None:
    entry = json.loads((OLDER_YT / "history" / "watch-history.json").read_text())[0]
    big = json.dumps([entry] * 40000)  # several MB, like a real watch history
    zipped = tmp_path / "takeout-20190601T000000Z-001.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(OLDER.rglob("*")):
            if path.is_file() and path.name != "watch-history.json":
                zf.write(path, path.relative_to(OLDER).as_posix())
        zf.writestr("Takeout/YouTube and YouTube Music/history/watch-history.json", big)
        zf.writestr("Takeout/archive_browser.html", "<html><body>Archive</body></html>")
    summary = run_import(archive, [zipped])
    assert summary.status == "completed", summary.to_dict()
    assert summary.totals()["added"] == 4
    assert "40000 entries (40000 videos watched" in _history_kept(
        summary, archive, "watch-history.json"
    )

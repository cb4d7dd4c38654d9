"""Reddit data request export importer.

export_CityOfExample_* are written by hand from the published column lists; export_realshape_2024
keeps the exact structure of real exports published on GitHub (see README.md there). Expected
numbers are computed here from the fixture CSV files with the csv module, independently of the
importer.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.csv import export as export_csv
from retention_desk.importers.run import detect, preview, run_import
from tests.importers.helpers import fetch_rows, files_by_name, latest_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "reddit"
EXPORT = FIXTURES / "export_CityOfExample_20240601"
LATER = FIXTURES / "export_CityOfExample_20240701"
REAL = FIXTURES / "export_realshape_2024"
IP = "203.0.113.7"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_export_imports_posts_comments_messages_and_chat(archive: Archive) -> None:
    summary = run_import(archive, [EXPORT])
    posts = _csv(EXPORT / "posts.csv")
    comments = _csv(EXPORT / "comments.csv")
    messages = _csv(EXPORT / "messages.csv")
    chats = _csv(EXPORT / "chat_history.csv")
    assert (len(posts), len(comments), len(messages), len(chats)) == (3, 6, 4, 2)
    assert summary.totals()["added"] == len(posts) + len(comments) + len(messages) + len(chats)
    files = files_by_name(summary)
    assert {n for n, f in files.items() if f.added} == {
        "posts.csv",
        "comments.csv",
        "messages.csv",
        "chat_history.csv",
    }
    # the body-less duplicates and non-content tables are kept, not imported, and named
    for name in ("post_headers.csv", "statistics.csv", "post_votes.csv"):
        assert (files[name].format, files[name].status, files[name].added) == ("reddit", "kept", 0)
        assert files[name].note.startswith("stored as an original, no records (")
        assert not files[name].warnings
    assert files["post_votes.csv"].note.endswith("(votes on posts or comments)")

    recs = latest_records(archive, "reddit")
    for row in posts:
        rec = recs["t3_" + row["id"]]
        assert (rec["kind"], rec["v_title"], rec["v_text"]) == ("post", row["title"], row["body"])
        assert rec["url"] == "https://www.reddit.com" + row["permalink"]
        assert json.loads(rec["extra_json"])["subreddit"] == row["subreddit"]
        assert rec["created_at_raw"] == row["date"]
        assert rec["author_handle"] == "CityOfExample"  # statistics.csv's account name
    assert recs["t3_1b2c3d"]["created_at"] == "2024-03-01T16:00:00.000000Z"
    assert json.loads(recs["t3_1b2c3e"]["extra_json"])["link_url"] == "https://example.gov/townhall"
    for row in comments:
        rec = recs["t1_" + row["id"]]
        assert rec["v_text"] == row["body"]  # hostile text stays literal, quotes intact
        assert rec["kind"] == ("reply" if row["parent"].startswith("t1_") else "comment")
    accounts = fetch_rows(archive, "SELECT handle, account_key FROM accounts")
    assert accounts == [("CityOfExample", "cityofexample")]


def test_reply_threading_by_fullname(archive: Archive) -> None:
    run_import(archive, [EXPORT])
    recs = latest_records(archive, "reddit")
    post = recs["t3_1b2c3d"]
    top = recs["t1_kq1aaaa"]
    reply = recs["t1_kq1bbbb"]
    deep = recs["t1_kq1eeee"]
    assert top["parent_id"] == post["id"]
    assert reply["parent_id"] == top["id"]
    assert deep["parent_id"] == reply["id"]
    assert {top["thread_id"], reply["thread_id"], deep["thread_id"]} == {post["id"]}
    # the parent of a reply to someone else's comment is not in the export
    other = recs["t1_kq1cccc"]
    assert other["parent_key"] == "t1_kq0zzzz" and other["parent_id"] is None
    assert other["thread_id"] == other["id"]
    # an empty `parent` falls back to the post named in `link`
    assert recs["t1_kq1dddd"]["parent_key"] == "t3_abc999"
    # messages: one conversation per thread_id, restricted
    thread = [k for k, r in recs.items() if r["conversation_key"] == "thread:th1"]
    assert sorted(thread) == ["t4_2bq9x1", "t4_2bq9x2", "t4_2bq9x3"]
    assert all(recs[k]["restricted"] and recs[k]["kind"] == "message" for k in thread)
    assert recs["t4_2bq9x1"]["author_handle"] == "resident_a"
    assert recs["t4_2bq9x1"]["v_title"] == "Pothole on 3rd"
    assert recs["t4_2bq9y1"]["conversation_key"] == "t4_2bq9y1"
    chat = recs["chat:chatmsg2"]
    assert chat["parent_id"] == recs["chat:chatmsg1"]["id"] and chat["restricted"]
    assert chat["edited_at"] == "2024-03-09T10:07:00.000000Z"


def test_deleted_and_removed_bodies_flag_but_keep_text(archive: Archive) -> None:
    run_import(archive, [EXPORT])
    recs = latest_records(archive, "reddit")
    deleted = recs["t3_1b2c3f"]
    assert deleted["deleted_at"] is not None and deleted["deleted_at_raw"] == "[deleted]"
    assert deleted["hidden_at"] is None and deleted["v_text"] == "[deleted]"
    removed = recs["t1_kq1dddd"]
    assert removed["hidden_at"] is not None and removed["deleted_at"] is None
    assert removed["v_text"] == "[removed]"
    flagged = {k for k, r in recs.items() if r["deleted_at"] or r["hidden_at"]}
    assert flagged == {"t3_1b2c3f", "t1_kq1dddd"}


def test_ip_is_only_in_sensitive(archive: Archive) -> None:
    run_import(archive, [EXPORT])
    recs = latest_records(archive, "reddit")
    with_ip = {k for k, r in recs.items() if json.loads(r["sensitive_json"]).get("ip") == IP}
    expected = {
        prefix + row["id"]
        for name, prefix in (("posts.csv", "t3_"), ("comments.csv", "t1_"), ("messages.csv", "t4_"))
        for row in _csv(EXPORT / name)
        if row["ip"] == IP
    }
    assert with_ip == expected and len(expected) == 6
    leaks = fetch_rows(
        archive,
        "SELECT count(*) FROM records r JOIN record_versions v ON v.record_id = r.id"
        " WHERE instr(v.text, :ip) OR instr(coalesce(v.title, ''), :ip)"
        " OR instr(r.extra_json, :ip) OR instr(coalesce(v.raw_json, ''), :ip)"
        " OR instr(coalesce(r.author_name, ''), :ip)",
        ip=IP,
    )
    assert leaks == [(0,)]


def test_linked_media_is_listed_missing(archive: Archive) -> None:
    summary = run_import(archive, [EXPORT])
    assert files_by_name(summary)["comments.csv"].media_missing == [
        "https://i.redd.it/detourmap123.png"
    ]
    media = fetch_rows(archive, "SELECT original_uri, missing FROM media")
    assert media == [("https://i.redd.it/detourmap123.png", 1)]


def test_reimport_adds_nothing_and_later_export_merges(archive: Archive) -> None:
    run_import(archive, [EXPORT])
    again = run_import(archive, [EXPORT])
    assert again.totals()["added"] == 0 and again.totals()["new_versions"] == 0
    later = run_import(archive, [LATER])
    totals = later.totals()
    assert (totals["added"], totals["new_versions"], totals["unchanged"]) == (1, 1, 1)
    versions = fetch_rows(
        archive,
        "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.record_key = 't1_kq1aaaa' ORDER BY v.seq",
    )
    assert [v[0] for v in versions] == [
        "Signs are up at both ends.",
        "Signs are up at both ends. EDIT: and at Oak.",
    ]
    recs = latest_records(archive, "reddit")
    new = recs["t1_kq1gggg"]
    assert new["parent_id"] == recs["t1_kq1aaaa"]["id"]
    assert new["thread_id"] == recs["t3_1b2c3d"]["id"]


def test_author_from_account_option_without_messages(archive: Archive) -> None:
    run_import(archive, [LATER], ImportOptions(account="@CityOfExample"))
    assert latest_records(archive, "reddit")["t1_kq1gggg"]["author_handle"] == "CityOfExample"


# ------------------------------------------------------------------------ detection
def test_detected_by_header_not_name(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    shutil.copy(EXPORT / "comments.csv", folder / "my stuff.txt")
    shutil.copy(EXPORT / "posts.csv", folder / "a.csv")
    # not Reddit: a generic CSV, LinkedIn's messages.csv, a YouTube comments file
    (folder / "posts2.csv").write_text("id,date,body,author\n1,2024-01-01,hi,me\n")
    (folder / "messages.csv").write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT\n"
    )
    (folder / "comments.csv").write_text(
        "Comment ID,Channel ID,Comment Create Timestamp,Price,Video ID,Comment Text\n"
    )
    detection = detect([folder])
    try:
        reddit = [c for _, imp, c in detection.claims if imp.name == "reddit"]
        records = {p: k for p, k in reddit[0].state["kinds"].items() if k != "kept"}
        assert records == {"a.csv": "posts", "my stuff.txt": "comments"}
        # the other CSV files beside them go to the importers that read them, never to
        # Reddit's claim of unknown files kept as originals
        assert [sorted(c.files) for c in reddit] == [["a.csv", "my stuff.txt"]]
        others = {p: imp.name for _, imp, c in detection.claims for p in c.files}
        assert {p: others[p] for p in ("comments.csv", "messages.csv", "posts2.csv")} == {
            "comments.csv": "youtube-takeout",
            "messages.csv": "csv",
            "posts2.csv": "csv",
        }
    finally:
        detection.close()


# ------------------------------------------------------------------------ bad files
def test_damaged_files_fail_alone_with_clear_errors(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    comments = folder / "comments.csv"
    comments.write_bytes(comments.read_bytes().replace(b"Signs are up", b"Signs \x93are\x94 up"))
    messages = folder / "messages.csv"
    data = messages.read_bytes()
    messages.write_bytes(data[: data.index(b"Fixed, thank")])  # ends inside a quoted body
    summary = run_import(archive, [folder])
    files = files_by_name(summary)
    assert files["comments.csv"].status == "failed"
    assert files["comments.csv"].error.startswith("comments.csv: line 2 is not UTF-8")
    assert files["messages.csv"].status == "failed"
    assert files["messages.csv"].error.startswith("messages.csv: broken CSV")
    assert files["posts.csv"].status == "imported"
    assert files["chat_history.csv"].status == "imported"
    kinds = {r[0] for r in fetch_rows(archive, "SELECT substr(record_key, 1, 3) FROM records")}
    assert kinds == {"t3_", "cha"}


def test_unreadable_date_is_a_warning(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "posts.csv").write_text(
        "id,permalink,date,ip,subreddit,gildings,title,url,body\n"
        "z1,/r/x/comments/z1/t/,someday UTC,,x,0,T,,B\n"
        "z2,/r/x/comments/z2/t/,2024-02-30 10:00:00 UTC,,x,0,T2,,B2\n"
    )
    summary = run_import(archive, [folder])
    recs = latest_records(archive, "reddit")
    assert recs["t3_z1"]["created_at"] is None and recs["t3_z2"]["created_at"] is None
    assert recs["t3_z1"]["created_at_raw"] == "someday UTC"
    assert len(summary.files[0].warnings) == 2


def test_preview_counts_without_writing() -> None:
    detection = detect([EXPORT])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert (result.approx_records, result.account) == (15, "CityOfExample")
    assert result.date_to is not None and result.date_to.isoformat() == "2024-03-09T10:05:00+00:00"


def test_zipped_export_imports_the_same(archive: Archive, tmp_path: Path) -> None:
    zipped = Path(shutil.make_archive(str(tmp_path / "export_CityOfExample"), "zip", EXPORT))
    summary = run_import(archive, [zipped])
    assert summary.totals()["added"] == 15 and summary.status == "completed"
    assert latest_records(archive, "reddit")["t1_kq1bbbb"]["parent_key"] == "t1_kq1aaaa"


def test_a_file_without_line_ends_is_refused(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_csv, "MAX_LINE_BYTES", 100_000)
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "posts.csv").write_bytes(
        b"id,permalink,date,ip,subreddit,gildings,title,url,body\n" + b"x" * 300_000
    )
    summary = run_import(archive, [folder])
    assert summary.files[0].status == "failed"
    assert summary.files[0].error == (
        "posts.csv: line 2 is longer than 100000 bytes; not a platform export CSV"
    )


def test_account_not_guessed_from_a_single_message(tmp_path: Path) -> None:
    folder = tmp_path / "e"
    folder.mkdir()
    lines = (EXPORT / "messages.csv").read_text(encoding="utf-8").splitlines()
    (folder / "messages.csv").write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    detection = detect([folder])
    try:
        (claim,) = [c for _, imp, c in detection.claims if imp.name == "reddit"]
        assert claim.account is None and "username" not in claim.state
    finally:
        detection.close()


# ------------------------------------------------------------------ real export structure
def test_every_file_of_a_real_export_is_imported_or_kept_and_named(archive: Archive) -> None:
    summary = run_import(archive, [REAL])
    files = files_by_name(summary)
    on_disk = {p.name for p in REAL.iterdir()}
    assert set(files) == on_disk  # each file has a result: none left to another importer
    assert {f.format for f in files.values()} == {"reddit"}
    assert {n for n, f in files.items() if f.added} == {"posts.csv", "comments.csv", "messages.csv"}
    statuses = {name: result.status for name, result in files.items()}
    assert {n for n, s in statuses.items() if s == "imported"} == {
        "posts.csv",
        "comments.csv",
        "messages.csv",
    }
    # every other file is kept, never "imported" with 0 records
    assert {n for n, s in statuses.items() if s != "imported"} == on_disk - {
        "posts.csv",
        "comments.csv",
        "messages.csv",
    }
    assert set(statuses.values()) == {"imported", "kept"}
    assert files["poll_votes.csv"].note == "stored as an original, no records (poll votes)"
    # a file only the export's checkfile.csv vouches for
    assert "checkfile.csv lists" in files["community_notes.csv"].note
    totals = summary.totals()
    assert (totals["files_imported"], totals["files_kept"]) == (3, len(on_disk) - 3)
    assert fetch_rows(archive, "SELECT count(*) FROM records WHERE platform != 'reddit'") == [(0,)]


def test_account_and_authors_from_statistics(archive: Archive) -> None:
    run_import(archive, [REAL])
    assert fetch_rows(archive, "SELECT account_key, handle FROM accounts") == [
        ("examplecountynm", "ExampleCountyNM")
    ]
    recs = latest_records(archive, "reddit")
    own = [r for k, r in recs.items() if k.startswith(("t1_", "t3_"))]
    assert len(own) == 4
    assert {(r["author_handle"], r["author_name"]) for r in own} == {
        ("ExampleCountyNM", "ExampleCountyNM")
    }
    # the e-mail in statistics.csv stays in the kept original only
    leaks = fetch_rows(
        archive,
        "SELECT count(*) FROM records r JOIN record_versions v ON v.record_id = r.id"
        " WHERE instr(v.text || coalesce(v.raw_json, '') || r.extra_json || r.sensitive_json,"
        " 'records@example.gov')",
    )
    assert leaks == [(0,)]


def test_bare_parent_ids_thread(archive: Archive) -> None:
    run_import(archive, [REAL])
    recs = latest_records(archive, "reddit")
    post, top, reply = recs["t3_4dkzy8"], recs["t1_khjm1hh"], recs["t1_khjm2ii"]
    assert top["parent_key"] == "t3_4dkzy8" and top["parent_id"] == post["id"]
    assert reply["parent_key"] == "t1_khjm1hh" and reply["parent_id"] == top["id"]
    assert reply["kind"] == "reply" and reply["thread_id"] == post["id"]
    # a reply to someone else's comment (not in the export) keeps its parent's fullname
    assert recs["t1_krwydxl"]["parent_key"] == "t1_krwy0aa"
    assert post["url"] == (
        "https://www.reddit.com/r/ExampleCounty/comments/4dkzy8/burn_ban_in_effect/"
    )
    assert "link_url" not in json.loads(post["extra_json"])  # relative url = its permalink


def test_message_names_lose_their_user_prefix(archive: Archive) -> None:
    run_import(archive, [REAL])
    msg = latest_records(archive, "reddit")["t4_20v1tq8"]
    assert msg["author_handle"] == "welcomebot"
    assert json.loads(msg["extra_json"])["to"] == "ExampleCountyNM"

"""X archive importer: the real 2026 sample (counts computed here, independently, from the
files), edits, long posts, DMs, media, zips, hostile inputs and the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text as sql_text

from retention_desk.archive import Archive
from retention_desk.cli import main
from retention_desk.importers.common import ParseError
from retention_desk.importers.run import ImportSummary, detect, preview, run_import
from retention_desk.importers.x.common import display_text, iter_js_array

SAMPLE = "twitter/x-archive-milahu104-2026"
EMAIL = "milahu@protonmail.com"


# ----------------------------------------------------------------------------- helpers
def ytd(path: Path) -> Any:
    """Independent reader: everything after the first '=' is JSON."""
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :])


def tweets_of(path: Path) -> list[dict[str, Any]]:
    return [item["tweet"] for item in ytd(path)]


def rows(archive: Archive, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with archive.read() as conn:
        return [tuple(r) for r in conn.execute(sql_text(sql), params)]


def file_result(summary: ImportSummary, name: str) -> Any:
    hits = [f for f in summary.files if f.path.rsplit("/", 1)[-1] == name]
    assert len(hits) == 1, [f.path for f in summary.files]
    return hits[0]


def tweet(
    id_: str,
    text: str = "hello",
    *,
    created: str = "Fri Mar 06 13:02:05 +0000 2026",
    reply_to: str | None = None,
    edit_ids: list[str] | None = None,
    initial: str | None = None,
    deleted_at: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A tweet shaped like the 2026 sample's (numbers as strings)."""
    body: dict[str, Any] = {
        "id_str": id_,
        "id": id_,
        "full_text": text,
        "created_at": created,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []},
        "favorite_count": "0",
        "retweet_count": "0",
        "lang": "en",
    }
    if initial is not None:
        body["edit_info"] = {
            "edit": {"initialTweetId": initial, "editControlInitial": {"editTweetIds": edit_ids}}
        }
    else:
        body["edit_info"] = {"initial": {"editTweetIds": edit_ids or [id_]}}
    if reply_to:
        body["in_reply_to_status_id_str"] = reply_to
    if deleted_at:
        body["deleted_at"] = deleted_at
    body.update(fields)
    return {"tweet": body}


def write_ytd(path: Path, global_name: str, items: list[Any], *, ascii_only: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(items, indent=2, ensure_ascii=ascii_only)
    path.write_text(f"window.YTD.{global_name} = {body}", encoding="utf-8")


ACCOUNT = [
    {
        "account": {
            "email": "custodian@example.gov",
            "username": "agency",
            "accountId": "1964312974236991488",
            "createdAt": "2025-09-06T13:02:20.496Z",
            "accountDisplayName": "Agency",
        }
    }
]


def small_archive(root: Path, tweets: list[Any], **files: list[Any]) -> Path:
    """data/account.js + data/tweets.js (+ other YTD files by global name), no manifest."""
    write_ytd(root / "data" / "account.js", "account.part0", ACCOUNT)
    write_ytd(root / "data" / "tweets.js", "tweets.part0", tweets)
    names = {
        "deleted_tweets": "deleted-tweets.js",
        "note_tweet": "note-tweet.js",
        "direct_messages_group": "direct-messages-group.js",
        "direct_messages": "direct-messages.js",
    }
    for global_name, items in files.items():
        write_ytd(root / "data" / names[global_name], f"{global_name}.part0", items)
    return root


def versions(archive: Archive, key: str) -> list[tuple[Any, ...]]:
    return rows(
        archive,
        "SELECT v.seq, v.text, v.text_raw, v.locator FROM record_versions v JOIN records r"
        " ON r.id = v.record_id WHERE r.record_key = :k ORDER BY v.seq",
        k=key,
    )


# ------------------------------------------------------------------------ the sample
@pytest.fixture(scope="module")
def sample_dir(samples: Path) -> Path:
    return samples / SAMPLE


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Any]:
    """The sample imported once into one archive (the tests below only read it)."""
    archive = Archive.create(tmp_path_factory.mktemp("x") / "a.rdesk", operator="pytest")
    summary = run_import(archive, [sample_dir])
    yield archive, summary
    archive.close()


@pytest.fixture(scope="module")
def expected(sample_dir: Path) -> dict[str, Any]:
    """Counts computed straight from the sample files."""
    data = sample_dir / "data"
    tweets = tweets_of(data / "tweets.js")
    deleted = tweets_of(data / "deleted-tweets.js")
    community = tweets_of(data / "community-tweet.js")
    convs = [c["dmConversation"] for c in ytd(data / "direct-messages.js")]
    all_tweets = {t["id_str"]: t for t in [*tweets, *community, *deleted]}
    chains = [
        t
        for t in all_tweets.values()
        if len(t.get("edit_info", {}).get("initial", {}).get("editTweetIds", [])) > 1
    ]
    media = sum(len(t.get("extended_entities", {}).get("media", [])) for t in all_tweets.values())
    return {
        "tweets": tweets,
        "deleted": deleted,
        "community": community,
        "all": all_tweets,
        "deleted_only": {t["id_str"] for t in deleted} - {t["id_str"] for t in tweets},
        "conversations": convs,
        "messages": sum(len(c["messages"]) for c in convs),
        "chains": len(chains),
        "extra_versions": sum(
            len([i for i in t["edit_info"]["initial"]["editTweetIds"] if i in all_tweets]) - 1
            for t in chains
        ),
        "media": media,
        "account": ytd(data / "account.js")[0]["account"],
        "manifest_count": int(
            ytd(data / "manifest.js")["dataTypes"]["tweets"]["files"][0]["count"]
        ),
    }


def test_sample_counts_match_the_files(imported: Any, expected: dict[str, Any]) -> None:
    archive, summary = imported
    assert len(expected["tweets"]) == expected["manifest_count"] == 2045
    assert len(expected["deleted"]) == 47
    assert len(expected["conversations"]) == 10
    assert summary.status == "completed", summary.to_dict()
    # every tweet id once (a deleted tweet also in tweets.js is one record), DMs, the profile
    assert len(expected["all"]) == 2045 + len(expected["deleted_only"]) + len(expected["community"])
    total = len(expected["all"]) + expected["messages"] + 1
    assert archive.count("SELECT count(*) FROM records") == total
    assert summary.totals()["added"] == total
    assert file_result(summary, "tweets.js").added == 2045
    assert archive.count("SELECT count(*) FROM records WHERE kind = 'page'") == 1
    kinds = dict(rows(archive, "SELECT kind, count(*) FROM records GROUP BY kind"))
    replies = sum(1 for t in expected["all"].values() if t.get("in_reply_to_status_id_str"))
    assert kinds["reply"] == replies
    assert kinds["post"] == len(expected["all"]) - replies
    reposts = sum(1 for t in expected["all"].values() if t["full_text"].startswith("RT @"))
    assert archive.count("SELECT count(*) FROM records WHERE is_repost") == reposts
    flagged = archive.count(
        "SELECT count(*) FROM records WHERE json_extract(extra_json,"
        " '$.repost_text_may_be_truncated')"
    )
    assert flagged == reposts
    assert not any(f.warnings for f in summary.files if f.path.endswith("tweets.js"))


def test_deleted_tweets_are_flagged_with_their_time(imported: Any, expected: dict) -> None:
    archive, _ = imported
    got = dict(
        rows(archive, "SELECT record_key, deleted_at_raw FROM records WHERE deleted_at IS NOT NULL")
    )
    assert got == {t["id_str"]: t["deleted_at"] for t in expected["deleted"]}
    assert len(got) == 47


def test_ids_are_exact_beyond_2_pow_53(imported: Any, expected: dict) -> None:
    archive, _ = imported
    keys = {
        k for (k,) in rows(archive, "SELECT record_key FROM records WHERE kind IN ('post','reply')")
    }
    assert keys == set(expected["all"])
    assert all(int(k) > 2**53 for k in keys)
    assert any(float(int(k)) != int(k) for k in keys)  # floats would have broken these


def test_replies_thread_up_to_parents_in_the_archive(imported: Any, expected: dict) -> None:
    archive, _ = imported
    tweets = expected["all"]

    def root(tid: str) -> str:
        seen = set()
        while tweets[tid].get("in_reply_to_status_id_str") in tweets and tid not in seen:
            seen.add(tid)
            tid = tweets[tid]["in_reply_to_status_id_str"]
        return tid

    linked = [t for t in tweets.values() if t.get("in_reply_to_status_id_str") in tweets]
    assert linked, "the sample has replies to its own tweets"
    got = dict(
        rows(
            archive,
            "SELECT r.record_key, t.record_key FROM records r JOIN records t ON t.id = r.thread_id"
            " WHERE r.kind IN ('post', 'reply')",
        )
    )
    assert archive.count("SELECT count(*) FROM records WHERE parent_id IS NOT NULL") == len(linked)
    assert all(got[tid] == root(tid) for tid in tweets)


def test_entities_decoded_for_display_raw_kept(imported: Any, expected: dict) -> None:
    archive, _ = imported
    sample = next(t for t in expected["tweets"] if "&amp;" in t["full_text"])
    ((shown, raw),) = rows(
        archive,
        "SELECT v.text, v.text_raw FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.record_key = :k",
        k=sample["id_str"],
    )
    assert raw == sample["full_text"]
    assert "&amp;" not in shown and "&" in shown
    with_link = next(
        t
        for t in expected["tweets"]
        if t["entities"]["urls"] and t["entities"]["urls"][0]["url"] in t["full_text"]
    )
    ((shown,),) = rows(
        archive,
        "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.record_key = :k",
        k=with_link["id_str"],
    )
    assert with_link["entities"]["urls"][0]["expanded_url"] in shown
    assert with_link["entities"]["urls"][0]["url"] not in shown


def test_sample_edit_chains_counted_independently(imported: Any, expected: dict) -> None:
    archive, _ = imported
    multi = archive.count("SELECT count(*) FROM records WHERE version_count > 1")
    assert multi == expected["chains"]  # 0 here: every editTweetIds in the sample has one id
    assert (
        archive.count("SELECT count(*) FROM record_versions")
        == archive.count("SELECT count(*) FROM records") + expected["extra_versions"]
    )


def test_media_listed_missing_when_not_exported(imported: Any, expected: dict) -> None:
    archive, summary = imported
    # the sample has no tweets_media folder: every media entity (plus the avatar) is missing
    assert summary.totals()["media_missing"] == expected["media"] + 1
    assert summary.totals()["media_stored"] == 0
    assert archive.count("SELECT count(*) FROM media WHERE missing") == expected["media"] + 1
    first = next(t for t in expected["tweets"] if "extended_entities" in t)
    segment = first["extended_entities"]["media"][0]["media_url_https"].rsplit("/", 1)[-1]
    assert rows(
        archive,
        "SELECT 1 FROM media WHERE original_uri = :u",
        u=f"data/tweets_media/{first['id_str']}-{segment}",
    )


def test_account_from_account_js(imported: Any, expected: dict) -> None:
    archive, _ = imported
    account = expected["account"]
    got = rows(
        archive, "SELECT account_key, platform_account_id, handle, display_name FROM accounts"
    )
    assert got == [
        (
            account["accountId"],
            account["accountId"],
            account["username"],
            account["accountDisplayName"],
        )
    ]
    assert archive.count("SELECT count(*) FROM records WHERE account_id IS NULL") == 0


def test_the_email_is_only_in_the_original(imported: Any) -> None:
    archive, _ = imported
    con = sqlite3.connect(archive.path)
    try:
        # kept byte-exact in the original account.js, and nowhere else
        originals = [bytes(d) for (d,) in con.execute("SELECT data FROM blob_chunks")]
        assert sum(EMAIL.encode() in d for d in originals) == 1
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in ("blob_chunks",) and not r[0].startswith(("record_fts", "sqlite_"))
        ]
        for table in tables:
            for row in con.execute(f"SELECT * FROM {table}"):
                assert EMAIL not in " ".join(str(v) for v in row), table
    finally:
        con.close()
    assert (
        rows(archive, "SELECT rowid FROM record_fts WHERE record_fts MATCH :q", q='"protonmail"')
        == []
    )


def test_direct_messages_are_restricted_conversations(imported: Any, expected: dict) -> None:
    archive, _ = imported
    msgs = [m["messageCreate"] for c in expected["conversations"] for m in c["messages"]]
    got = rows(
        archive,
        "SELECT r.platform_id, r.conversation_key, r.author_platform_id, r.restricted,"
        " v.text_raw, r.created_at_raw FROM records r JOIN record_versions v"
        " ON v.record_id = r.id WHERE r.kind = 'message'",
    )
    assert len(got) == expected["messages"]
    assert all(g[3] for g in got)  # restricted
    assert {g[1] for g in got} == {c["conversationId"] for c in expected["conversations"]}
    by_id = {m["id"]: m for m in msgs}
    for platform_id, _conv, sender, _r, text_raw, created_raw in got:
        assert sender == by_id[platform_id]["senderId"]
        assert text_raw == by_id[platform_id]["text"]
        assert created_raw == by_id[platform_id]["createdAt"]
    with_reactions_or_urls = [m for m in msgs if m.get("urls")]
    ((extra,),) = rows(
        archive,
        "SELECT extra_json FROM records WHERE platform_id = :i",
        i=with_reactions_or_urls[0]["id"],
    )
    assert with_reactions_or_urls[0]["urls"][0]["expanded"] in json.loads(extra)["urls"]


def test_reimport_adds_nothing(imported: Any, sample_dir: Path) -> None:
    archive, _ = imported
    before = archive.count("SELECT count(*) FROM record_versions")
    again = run_import(archive, [sample_dir])
    assert {f.status for f in again.files} == {"duplicate"}
    assert again.totals()["added"] == 0
    assert archive.count("SELECT count(*) FROM record_versions") == before


def test_zip_imports_identically(tmp_path: Path, imported: Any, sample_dir: Path) -> None:
    archive, _ = imported
    zpath = tmp_path / "twitter-2026-03-06.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(sample_dir.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(sample_dir).as_posix())
    other = Archive.create(tmp_path / "z.rdesk")
    try:
        summary = run_import(other, [zpath])
        assert summary.status == "completed"
        query = (
            "SELECT r.record_key, r.kind, r.parent_key, r.created_at, r.deleted_at, r.is_repost,"
            " r.restricted, r.version_count, v.text, v.text_raw FROM records r"
            " JOIN record_versions v ON v.record_id = r.id ORDER BY r.record_key, v.seq"
        )
        assert rows(other, query) == rows(archive, query)
    finally:
        other.close()


def test_media_present_in_the_export_is_stored(
    tmp_path: Path, sample_dir: Path, expected: dict
) -> None:
    copy = tmp_path / "x"
    shutil.copytree(sample_dir, copy)
    photo = next(
        t
        for t in expected["tweets"]
        if t.get("extended_entities", {}).get("media", [{}])[0].get("type") == "photo"
    )
    video = next(
        t
        for t in expected["tweets"]
        if t.get("extended_entities", {}).get("media", [{}])[0].get("type") == "video"
    )
    media_dir = copy / "data" / "tweets_media"
    media_dir.mkdir()
    seg = photo["extended_entities"]["media"][0]["media_url_https"].rsplit("/", 1)[-1]
    (media_dir / f"{photo['id_str']}-{seg}").write_bytes(b"\xff\xd8photo")
    variant = next(
        v
        for v in video["extended_entities"]["media"][0]["video_info"]["variants"]
        if v["content_type"] == "video/mp4"
    )
    vseg = variant["url"].split("?")[0].rsplit("/", 1)[-1]
    (media_dir / f"{video['id_str']}-{vseg}").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    archive = Archive.create(tmp_path / "m.rdesk")
    try:
        summary = run_import(archive, [copy])
        assert summary.totals()["media_stored"] == 2
        assert summary.totals()["media_missing"] == expected["media"] + 1 - 2
        stored = rows(
            archive,
            "SELECT r.record_key, m.filename, m.mime_type FROM media m"
            " JOIN records r ON r.id = m.record_id WHERE NOT m.missing ORDER BY m.mime_type",
        )
        assert stored == [
            (photo["id_str"], f"{photo['id_str']}-{seg}", "image/jpeg"),
            (video["id_str"], f"{video['id_str']}-{vseg}", "video/mp4"),
        ]
    finally:
        archive.close()


def test_cli_import_json_summary(tmp_path: Path, sample_dir: Path, capsys: Any) -> None:
    path = tmp_path / "cli.rdesk"
    Archive.create(path).close()
    code = main(["--archive", str(path), "import", str(sample_dir), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["status"] == "completed"
    assert out["totals"]["added"] == 2113  # 2045 + 47 + 3 tweets, 17 messages, 1 profile
    assert out["totals"]["files_failed"] == 0
    formats = {f["format"] for f in out["files"]}
    assert formats == {"x-archive"}
    # dry run (text form: the --json form of previews is not structured yet, see report)
    dry = main(["--archive", str(path), "import", str(sample_dir), "--dry-run"])
    text = capsys.readouterr().out
    assert dry == 0
    assert "account @milahu104" in text and "X archive" in text


def test_preview_writes_nothing(tmp_path: Path, sample_dir: Path) -> None:
    detection = detect([sample_dir])
    try:
        ((_tree, importer, claim),) = detection.claims
        assert importer.name == "x-archive"
        assert claim.files[0].endswith("manifest.js")
        assert not any("account.js" in f or "README" in f for f in claim.files)
        (p,) = preview(detection)
        assert p.date_from is not None and p.date_to is not None and p.date_from < p.date_to
    finally:
        detection.close()


# ------------------------------------------------------------------ hostile containers
def test_zip_with_escape_member_and_truncated_tweets(tmp_path: Path, sample_dir: Path) -> None:
    data = sample_dir / "data"
    whole = (data / "tweets.js").read_bytes()
    zpath = tmp_path / "hostile.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name in ("manifest.js", "account.js", "deleted-tweets.js", "direct-messages.js"):
            zf.write(data / name, f"data/{name}")
        zf.writestr("data/tweets.js", whole[: len(whole) // 2])  # cut mid-JSON
        zf.writestr("../evil.js", b"window.YTD.tweets.part0 = []")
    archive = Archive.create(tmp_path / "h.rdesk")
    try:
        summary = run_import(archive, [zpath])
        assert summary.status == "completed_with_errors"
        failed = file_result(summary, "tweets.js")
        assert failed.status == "failed"
        assert "data/tweets.js" in failed.error and "cut short" in failed.error
        assert file_result(summary, "deleted-tweets.js").status == "imported"
        assert file_result(summary, "direct-messages.js").status == "imported"
        assert any(f.status == "refused" and "evil" in (f.error or "") for f in summary.files)
        assert archive.count("SELECT count(*) FROM records WHERE kind IN ('post','reply')") == 47
    finally:
        archive.close()


def test_hostile_tweets_are_kept(tmp_path: Path) -> None:
    huge = "9" * 5000
    items = [
        tweet("1001", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <b>bold</b>"),
        tweet("1002", "lone \ud83d surrogate"),
        tweet("1003", "bad date", created="Feb 30 yesterday"),
        {
            "tweet": {
                "id": 2029905358261502168,
                "full_text": "number id only",
                "created_at": "Fri Mar 06 13:02:05 +0000 2026",
            }
        },
        tweet("1005", "huge count", favorite_count=huge),
        {"tweet": {"id": "HUGE", "full_text": "5000-digit id"}},
    ]
    raw = "window.YTD.tweets.part0 = " + json.dumps(items, ensure_ascii=True).replace(
        '"id": "HUGE"', f'"id": {huge}'
    ).replace(f'"favorite_count": "{huge}"', f'"favorite_count": {huge}')
    path = tmp_path / "data" / "tweets.js"
    path.parent.mkdir()
    path.write_text(raw, encoding="ascii")
    archive = Archive.create(tmp_path / "hostile.rdesk")
    try:
        summary = run_import(archive, [tmp_path / "data"])
        result = file_result(summary, "tweets.js")
        assert result.status == "imported", result.error
        assert result.added == 6
        got = dict(
            rows(
                archive,
                "SELECT r.record_key, v.text FROM records r JOIN record_versions v"
                " ON v.record_id = r.id",
            )
        )
        assert got["1001"] == "<script>alert(1)</script> & <b>bold</b>"
        assert got["1002"] == "lone \ufffd surrogate"
        assert got["2029905358261502168"] == "number id only"
        assert rows(archive, "SELECT created_at FROM records WHERE record_key = '1003'") == [
            (None,)
        ]
        assert rows(archive, "SELECT created_at_raw FROM records WHERE record_key = '1003'") == [
            ("Feb 30 yesterday",)
        ]
        assert any("1003" in w or "[2]" in w for w in result.warnings if "date" in w)
        assert any("not a valid id" in w for w in result.warnings)
        keys = {k for (k,) in rows(archive, "SELECT record_key FROM records")}
        assert any(k.startswith("sha256:") for k in keys)
        ((extra,),) = rows(archive, "SELECT extra_json FROM records WHERE record_key = '1005'")
        assert json.loads(extra)["favorite_count"].endswith("...")
    finally:
        archive.close()


# ---------------------------------------------------------------------- edits, notes
EDIT_A, EDIT_B, EDIT_C = "2029905358261502168", "2029905400000000000", "2029905500000000000"


def _chain(ids: list[str], texts: list[str]) -> list[dict[str, Any]]:
    items = [tweet(ids[0], texts[0], edit_ids=ids)]
    for n, (tid, text) in enumerate(zip(ids[1:], texts[1:], strict=True), 1):
        items.append(
            tweet(
                tid,
                text,
                edit_ids=ids,
                initial=ids[0],
                created=f"Fri Mar 06 13:0{2 + n}:05 +0000 2026",
            )
        )
    return list(reversed(items))  # the archive lists newest first


def test_edit_chain_is_one_record_with_versions_in_edit_order(tmp_path: Path) -> None:
    ids = [EDIT_A, EDIT_B, EDIT_C]
    items = [tweet("2029906000000000000", "a reply to the middle version", reply_to=EDIT_B)]
    items += _chain(ids, ["first text", "second text", "third text"])
    root = small_archive(tmp_path / "v1", items)
    independent = {
        t["tweet"]["edit_info"].get("edit", {}).get("initialTweetId", t["tweet"]["id_str"])
        for t in items
        if len(
            t["tweet"]["edit_info"]
            .get("initial", t["tweet"]["edit_info"].get("edit", {}).get("editControlInitial", {}))
            .get("editTweetIds", [])
        )
        > 1
    }
    archive = Archive.create(tmp_path / "e.rdesk")
    try:
        summary = run_import(archive, [root])
        assert summary.status == "completed"
        assert archive.count("SELECT count(*) FROM records") == 2
        assert {
            k for (k,) in rows(archive, "SELECT record_key FROM records WHERE version_count > 1")
        } == independent
        got = versions(archive, EDIT_A)
        assert [v[1] for v in got] == ["first text", "second text", "third text"]
        assert EDIT_B in got[1][3] and EDIT_C in got[2][3]
        ((edited, version_count),) = rows(
            archive, "SELECT edited_at, version_count FROM records WHERE record_key = :k", k=EDIT_A
        )
        assert version_count == 3 and edited.startswith("2026-03-06T13:04:05")
        # the reply names the middle version's id; it threads under the one record
        ((parent,),) = rows(
            archive,
            "SELECT p.record_key FROM records r JOIN records p ON p.id = r.parent_id"
            " WHERE r.record_key = '2029906000000000000'",
        )
        assert parent == EDIT_A

        # a newer archive (another edit) adds exactly one version
        newer = _chain(
            [*ids, "2029905600000000000"], ["first text", "second text", "third text", "fourth"]
        )
        run_import(archive, [small_archive(tmp_path / "v2", newer)])
        assert [v[1] for v in versions(archive, EDIT_A)][-1] == "fourth"
        assert len(versions(archive, EDIT_A)) == 4
        # an older archive (before the edits) adds nothing
        older = [tweet(EDIT_A, "first text")]
        result = run_import(archive, [small_archive(tmp_path / "v0", older)])
        assert result.totals()["new_versions"] == 0 and result.totals()["unchanged"] == 1
        assert len(versions(archive, EDIT_A)) == 4
        # the whole chain deleted: flagged, no new version
        gone = _chain(
            [*ids, "2029905600000000000"], ["first text", "second text", "third text", "fourth"]
        )
        for item in gone:
            item["tweet"]["deleted_at"] = "Sat Mar 07 10:00:00 +0000 2026"
        root3 = small_archive(tmp_path / "v3", [], deleted_tweets=gone)
        result = run_import(archive, [root3])
        assert result.totals()["new_versions"] == 0
        assert result.totals()["flagged_deleted"] == 1
        assert len(versions(archive, EDIT_A)) == 4
    finally:
        archive.close()


def test_long_post_merges_into_its_tweet(tmp_path: Path) -> None:
    short = "A long announcement that X cut short because it runs past the limit of a po… https://t.co/abc"
    full = "A long announcement that X cut short because it runs past the limit of a post. " * 5
    items = [
        tweet("2029905358261502168", short, created="Thu Mar 05 10:00:00 +0000 2026"),
        tweet("2029905358261502999", "unrelated", created="Thu Mar 05 10:00:01 +0000 2026"),
    ]
    notes = [
        {
            "noteTweet": {
                "noteTweetId": "2029905358123456789",
                "createdAt": "2026-03-05T10:00:00.000Z",
                "core": {"text": full, "urls": [], "mentions": [], "hashtags": []},
            }
        },
        {
            "noteTweet": {
                "noteTweetId": "1900000000000000000",
                "createdAt": "2025-01-01T00:00:00.000Z",
                "core": {"text": "orphan long post"},
            }
        },
    ]
    archive = Archive.create(tmp_path / "n.rdesk")
    try:
        summary = run_import(archive, [small_archive(tmp_path / "a", items, note_tweet=notes)])
        assert summary.status == "completed"
        got = versions(archive, "2029905358261502168")
        assert [v[2] for v in got] == [short, full]
        assert versions(archive, "note:1900000000000000000")
        assert any("matches no tweet" in w for w in file_result(summary, "note-tweet.js").warnings)
        # a newer archive with the same tweet and note adds no version in either file
        items.append(
            tweet("2029905358261503000", "new one", created="Fri Mar 06 10:00:00 +0000 2026")
        )
        again = run_import(archive, [small_archive(tmp_path / "b", items, note_tweet=notes)])
        assert again.totals()["new_versions"] == 0 and again.totals()["added"] == 1
        assert len(versions(archive, "2029905358261502168")) == 2
    finally:
        archive.close()


# ------------------------------------------------------------------ discovery, DMs
def test_parts_found_by_content_without_manifest(tmp_path: Path) -> None:
    data = tmp_path / "export" / "data"
    write_ytd(data / "tweets.js", "tweets.part0", [tweet("11", "part zero")])
    write_ytd(data / "tweets-part1.js", "tweets.part1", [tweet("12", "part one")])
    write_ytd(
        data / "deleted-tweets.js",
        "deleted_tweets.part0",
        [tweet("13", "gone", deleted_at="Thu Mar 05 16:08:05 +0000 2026")],
    )
    write_ytd(data / "like.js", "like.part0", [{"like": {"tweetId": "1"}}])
    archive = Archive.create(tmp_path / "p.rdesk")
    try:
        summary = run_import(archive, [tmp_path / "export"])
        assert [f.path for f in summary.files if f.status == "imported"] == [
            "data/tweets.js",
            "data/tweets-part1.js",
            "data/deleted-tweets.js",
        ]
        assert rows(archive, "SELECT record_key FROM records WHERE deleted_at IS NOT NULL") == [
            ("13",)
        ]
        assert archive.count("SELECT count(*) FROM records") == 3
        stored = rows(archive, "SELECT status FROM source_files WHERE name = 'data/like.js'")
        assert stored == [("stored",)]
    finally:
        archive.close()


def test_group_dms_keep_events_and_order(tmp_path: Path) -> None:
    conv = {
        "dmConversation": {
            "conversationId": "g1",
            "messages": [
                {
                    "participantsLeave": {
                        "userIds": ["222"],
                        "createdAt": "2026-01-03T00:00:00.000Z",
                    }
                },
                {
                    "messageCreate": {
                        "id": "3001",
                        "senderId": "222",
                        "text": "hi all &amp; you",
                        "createdAt": "2026-01-02T00:00:00.000Z",
                        "reactions": [{"reactionKey": "like", "senderId": "1964312974236991488"}],
                        "urls": [],
                        "mediaUrls": [],
                        "editHistory": [],
                    }
                },
                {
                    "joinConversation": {
                        "initiatingUserId": "222",
                        "participantsSnapshot": ["222", "1964312974236991488"],
                        "createdAt": "2026-01-01T00:00:00.000Z",
                    }
                },
            ],
        }
    }
    root = small_archive(tmp_path / "g", [], direct_messages_group=[conv])
    archive = Archive.create(tmp_path / "g.rdesk")
    try:
        summary = run_import(archive, [root])
        assert summary.status == "completed"
        got = rows(
            archive,
            "SELECT r.id, r.kind, r.restricted, r.conversation_key, v.text, r.extra_json"
            " FROM records r JOIN record_versions v ON v.record_id = r.id ORDER BY r.id",
        )
        assert [g[1] for g in got] == ["message"] * 3 and all(g[2] for g in got)
        assert {g[3] for g in got} == {"g1"}
        texts = [g[4] for g in got]  # written oldest first
        assert texts[0].startswith("[this account joined") and "222" in texts[0]
        assert texts[1] == "hi all &amp; you"
        assert texts[2] == "[222 left the conversation]"
        assert json.loads(got[1][5])["reactions"][0]["reactionKey"] == "like"
    finally:
        archive.close()


def test_single_tweets_file(tmp_path: Path) -> None:
    path = tmp_path / "tweets.js"
    write_ytd(path, "tweets.part0", [tweet("21", "only file")])
    archive = Archive.create(tmp_path / "s.rdesk")
    try:
        summary = run_import(archive, [path])
        assert summary.status == "completed" and summary.totals()["added"] == 1
    finally:
        archive.close()


# ------------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=6,
    ),
    st.data(),
)
def test_js_array_reader_round_trips_or_names_the_file(items: list[Any], data: Any) -> None:
    source = "window.YTD.tweets.part0 = " + json.dumps(items, indent=1)
    assert [item for _, item in iter_js_array(source, name="t.js")] == items
    cut = data.draw(st.integers(min_value=0, max_value=len(source) - 1))
    try:
        list(iter_js_array(source[:cut], name="t.js"))
    except ParseError as exc:
        assert str(exc).startswith("t.js:")


@given(st.text(max_size=80))
def test_display_text_is_total(text: str) -> None:
    shown = display_text(text, [{"url": "https://t.co/x", "expanded_url": "https://example.org"}])
    assert isinstance(shown, str)

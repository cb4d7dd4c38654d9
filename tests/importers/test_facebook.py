"""Facebook "Download Your Information" importer: real samples, layouts, hostile inputs.

Expected numbers are computed here from the sample JSON with plain `json`, independently of the
importer, or taken from shared/samples/SOURCES.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.detection import preview
from retention_desk.importers.meta.owner import suggested_account
from retention_desk.importers.meta.text import fx, short_hash
from retention_desk.importers.run import ImportSummary, detect, run_import
from tests.importers.helpers import fetch_rows

HUNTER = "facebook/posts-hunterhillis-2022/your_posts_1.json"
KUNLE = "facebook/posts-kunleiky-2020/your_posts_1.json"
WAULTAR = "facebook/waultar-fixtures"


# ------------------------------------------------------------------------ helpers
def _one(archive: Archive, sql: str, **params: Any) -> Any:
    return fetch_rows(archive, sql, **params)[0][0]


def _latest(archive: Archive, platform: str = "facebook") -> list[Any]:
    """Every record with its newest version."""
    return fetch_rows(
        archive,
        "SELECT r.record_key, r.kind, r.author_name, r.extra_json, r.sensitive_json, v.text,"
        " v.text_raw, v.title, r.restricted, r.conversation_key, r.deleted_at, r.created_at,"
        " r.account_id FROM records r JOIN record_versions v ON v.record_id = r.id"
        " AND v.seq = r.version_count WHERE r.platform = :p ORDER BY r.id",
        p=platform,
    )


def _by_file(summary: ImportSummary) -> dict[str, Any]:
    return {f.path: f for f in summary.files}


def _unmojibake(value: str) -> str:
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _fb(value: str) -> str:
    """How Facebook writes a string: its UTF-8 bytes as \\u00XX characters."""
    return value.encode("utf-8").decode("latin-1")


def _drop_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_empty(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_empty(v) for v in value if v not in ({}, [])]
    return value


def _distinct(items: list[Any]) -> int:
    return len({json.dumps(_drop_empty(it), sort_keys=True) for it in items})


def _write(path: Path, data: Any, **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, **kwargs), encoding="utf-8")
    return path


# --------------------------------------------------------------------- real samples
def test_hunterhillis_posts(samples: Path, archive: Archive) -> None:
    items = json.loads((samples / HUNTER).read_text())
    assert len(items) == 124  # SOURCES.md
    with_post = [it for it in items if any("post" in d for d in it.get("data", []))]
    assert len(with_post) == 59  # import-formats.md 3.2

    summary = run_import(archive, [samples / HUNTER])
    assert summary.status == "completed"
    assert summary.totals()["added"] == _distinct(items) == 124
    recs = _latest(archive)
    assert len(recs) == _distinct(items)
    assert sum(1 for r in recs if r.text_raw is not None) == 59
    assert {r.kind for r in recs} == {"post"}

    # mojibake repaired in the display text, kept verbatim in text_raw
    expected = {_unmojibake(d["post"]) for it in with_post for d in it["data"] if "post" in d}
    assert {r.text for r in recs if r.text_raw is not None} == expected
    raws = {d["post"] for it in with_post for d in it["data"] if "post" in d}
    assert {r.text_raw for r in recs if r.text_raw is not None} == raws
    heart = [r for r in recs if r.text_raw and "\u00e2\u009d\u00a4" in r.text_raw]
    assert heart and all("\u2764" in r.text for r in heart)
    # titles are repaired too, and every timestamp is kept in UTC
    titles = {_unmojibake(it["title"]) for it in items if "title" in it}
    assert {r.title for r in recs if r.title} == titles
    assert all(r.created_at for r in recs)


def test_kunleiky_dedup_media_and_upload_ip(samples: Path, archive: Archive) -> None:
    items = json.loads((samples / KUNLE).read_text())
    assert len(items) == 506  # SOURCES.md
    media = [
        d["media"]
        for it in items
        for a in it.get("attachments", [])
        for d in a["data"]
        if "media" in d
    ]
    ips = {
        m["media_metadata"]["photo_metadata"]["upload_ip"]
        for m in media
        if "upload_ip" in m.get("media_metadata", {}).get("photo_metadata", {})
    }
    assert ips  # the sample does carry upload IPs

    summary = run_import(archive, [samples / KUNLE])
    result = _by_file(summary)["your_posts_1.json"]
    assert result.added == _distinct(items) == 504
    assert len(result.media_missing) == len(media)
    assert any("repeated" in w for w in result.warnings)
    repeated = [r for r in _latest(archive) if '"occurrences": 2' in r.extra_json]
    assert len(repeated) == 2

    # upload_ip never reaches shown text or extra; it is kept with the media, not shown
    for ip in ips:
        assert (
            _one(
                archive,
                "SELECT count(*) FROM records r JOIN record_versions v ON v.record_id = r.id"
                " WHERE instr(r.extra_json, :ip) OR instr(v.text, :ip) OR instr(coalesce(v.title,"
                " ''), :ip) OR instr(coalesce(v.text_raw, ''), :ip)",
                ip=ip,
            )
            == 0
        )
        assert (
            _one(archive, "SELECT count(*) FROM media WHERE instr(metadata_json, :ip)", ip=ip) > 0
        )
    assert _one(archive, "SELECT count(*) FROM records WHERE instr(extra_json, 'upload_ip')") == 0


def test_waultar_fixtures(samples: Path, archive: Archive) -> None:
    root = samples / WAULTAR
    summary = run_import(archive, [root])
    assert summary.status == "completed", summary.to_dict()
    files = _by_file(summary)
    recs = _latest(archive)

    # comments v2: entries without data are kept, flagged, with no warning
    cv2 = json.loads((root / "comments_and_reactions/comments_and_reactions.json").read_text())
    entries = cv2["comments_v2"]
    assert files["comments_and_reactions/comments_and_reactions.json"].added == len(entries)
    assert not files["comments_and_reactions/comments_and_reactions.json"].warnings
    missing = [r for r in recs if r.kind == "comment" and '"text_missing": true' in r.extra_json]
    assert len(missing) == sum(1 for e in entries if "data" not in e)
    assert any(r.text == "TØS\n" for r in recs)  # T\u00c3\u0098S
    # group comments and comments in one list of containers
    mixed = json.loads((root / "facebook_comments.json").read_text())
    expected = sum(len(v) for block in mixed for v in block.values())
    assert files["facebook_comments.json"].added == expected
    assert any('"group": "REDACTED GROUP"' in r.extra_json for r in recs)

    # Messenger thread: restricted messages by their senders, reactions repaired
    thread = json.loads(next(root.glob("messages/inbox/*/message_1.json")).read_text())
    msgs = [r for r in recs if r.kind == "message"]
    assert len(msgs) == len(thread["messages"])
    assert all(
        r.restricted and r.conversation_key == "lukasvintheroffenberglarsen_2qr6kux07q"
        for r in msgs
    )
    assert {r.author_name for r in msgs} == {m["sender_name"] for m in thread["messages"]}
    thumbs = [r for r in msgs if "reactions" in json.loads(r.extra_json)]
    assert len(thumbs) == 1
    assert json.loads(thumbs[0].extra_json)["reactions"][0]["reaction"] == "\U0001f44d"
    assert any(r.text == "Tjek \U0001f44f" for r in msgs)
    participants = json.loads(msgs[0].extra_json)["participants"]
    assert participants == [p["name"] for p in thread["participants"]]

    # profile: the account, a page record, personal data kept apart
    account = fetch_rows(archive, "SELECT account_key, handle, display_name FROM accounts")
    assert [tuple(a) for a in account] == [("cyb0rgninj4", "cyb0rgninj4", "Gustav Johansen")]
    page = [r for r in recs if r.kind == "page"]
    assert len(page) == 1 and "https://www.facebook.com/cyb0rgninj4" in page[0].text
    assert "gustavlj@live.dk" not in page[0].extra_json + page[0].text
    assert "gustavlj@live.dk" in page[0].sensitive_json
    assert "København" in page[0].sensitive_json
    assert all(r.account_id is not None for r in recs)

    # posts with media: album names repaired, files listed missing (not in the fixture)
    posts = json.loads((root / "posts/your_posts_1.json").read_text())
    assert files["posts/your_posts_1.json"].added == len(posts)
    assert any('"album": "Mobiloverførsler"' in r.extra_json for r in recs)
    assert _one(archive, "SELECT count(*) FROM media WHERE missing = 1") >= 6
    assert "192.192.192.128" not in "".join(r.extra_json + r.text for r in recs)

    # reactions: counted and reported, the original kept, no records
    reactions = files["comments_and_reactions/posts_and_comments.json"]
    count = len(
        json.loads((root / "comments_and_reactions/posts_and_comments.json").read_text())[
            "reactions_v2"
        ]
    )
    assert reactions.status == "imported" and reactions.added == 0
    assert any(str(count) in w for w in reactions.warnings)
    details = _one(
        archive, "SELECT details_json FROM source_files WHERE name LIKE '%posts_and_comments.json'"
    )
    assert json.loads(details)["reactions"]["count"] == count


def test_reimport_adds_nothing(samples: Path, archive: Archive) -> None:
    first = run_import(archive, [samples / WAULTAR, samples / HUNTER])
    before = _one(archive, "SELECT count(*) FROM record_versions")
    second = run_import(archive, [samples / WAULTAR, samples / HUNTER])
    assert second.totals()["added"] == 0 and second.totals()["new_versions"] == 0
    assert {f.status for f in second.files} == {"duplicate"}
    assert _one(archive, "SELECT count(*) FROM record_versions") == before
    assert first.totals()["added"] == _one(archive, "SELECT count(*) FROM records")


# ---------------------------------------------------------------- merging exports
def test_overlapping_later_export_merges(samples: Path, archive: Archive, tmp_path: Path) -> None:
    items = json.loads((samples / HUNTER).read_text())
    run_import(archive, [samples / HUNTER])
    later = json.loads(json.dumps(items))
    edited = next(i for i, it in enumerate(later) if any("post" in d for d in it["data"]))
    for d in later[edited]["data"]:
        if "post" in d:
            d["post"] = _fb("Edited later: Radosław was here")
    later.append({"timestamp": 1700000000, "data": [{"post": "a brand new post"}]})
    later.reverse()  # the export's order carries no meaning
    export = _write(
        tmp_path / "later/your_facebook_activity/posts/"
        "your_posts__check_ins__photos_and_videos_1.json",
        later,
        indent=2,
    )
    summary = run_import(archive, [tmp_path / "later"])
    t = summary.totals()
    assert (t["added"], t["new_versions"], t["unchanged"]) == (1, 1, len(items) - 1)
    versions = fetch_rows(
        archive,
        "SELECT v.seq, v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
        " WHERE r.version_count = 2 ORDER BY v.seq",
    )
    original = next(d["post"] for d in items[edited]["data"] if "post" in d)
    assert [v.text for v in versions] == [_unmojibake(original), "Edited later: Radosław was here"]
    assert export.exists()


def test_resaved_file_with_literal_mojibake_is_the_same_records(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    """A tool that re-saves the JSON writes the same mojibake as literal UTF-8 ("Ã©") in
    compact form: different bytes, same records, nothing fixed twice."""
    items = json.loads((samples / HUNTER).read_text())
    run_import(archive, [samples / HUNTER])
    copy = _write(
        tmp_path / "resaved/this_profile's_activity_across_facebook/posts/profile_posts_1.json",
        items,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    assert not copy.read_bytes().isascii()
    summary = run_import(archive, [tmp_path / "resaved"])
    t = summary.totals()
    assert (t["added"], t["new_versions"], t["unchanged"]) == (0, 0, _distinct(items))


def test_repeated_item_with_extra_empty_object(archive: Archive, tmp_path: Path) -> None:
    share = {
        "timestamp": 1724605416,
        "attachments": [{"data": [{"external_context": {"url": "https://example.org/a"}}]}],
        "data": [{"update_timestamp": 1724605416}],
        "title": _fb("Página ha compartido una publicación."),
    }
    again = json.loads(json.dumps(share))
    again["data"].append({})
    other = {"timestamp": 1724605416, "data": [{"post": "different text, same second"}]}
    _write(tmp_path / "x/posts/your_posts_1.json", [share, other, again])
    summary = run_import(archive, [tmp_path / "x"])
    assert summary.totals()["added"] == 2
    recs = _latest(archive)
    shared = next(r for r in recs if "example.org" in r.text)
    assert json.loads(shared.extra_json)["occurrences"] == 2
    assert shared.title == "Página ha compartido una publicación."
    assert shared.text == "https://example.org/a"  # no post text: the link is the text
    assert shared.text_raw is None


# ----------------------------------------------------------------- text and search
def test_mojibake_cases_and_search(archive: Archive, tmp_path: Path) -> None:
    """hostile-inputs F2: mojibake is repaired, genuine "Ã©" is not fixed twice, the original
    file is kept byte-exact, and the repaired text is what search finds."""
    genuine = "Ã© is what a broken page shows"
    items = [
        {"timestamp": 1600000000, "data": [{"post": "Rados\u00c5\u0082aw wrote this"}]},
        {"timestamp": 1600000001, "data": [{"post": _fb(genuine)}]},
        {"timestamp": 1600000002, "data": [{"post": "Already fixed: Radosław, café"}]},
    ]
    path = _write(tmp_path / "f2/posts/your_posts_1.json", items)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    run_import(archive, [tmp_path / "f2"])
    texts = {r.text_raw: r.text for r in _latest(archive)}
    assert texts["Rados\u00c5\u0082aw wrote this"] == "Radosław wrote this"
    assert texts[_fb(genuine)] == genuine  # fixed once, not twice ("Ã©" stays)
    assert texts["Already fixed: Radosław, café"] == "Already fixed: Radosław, café"
    hits = fetch_rows(
        archive,
        "SELECT v.text FROM record_fts f JOIN record_versions v ON v.id = f.rowid"
        " WHERE record_fts MATCH :q",
        q='"Radosław"',
    )
    assert sorted(h.text for h in hits) == ["Already fixed: Radosław, café", "Radosław wrote this"]
    stored = _one(archive, "SELECT sha256 FROM source_files WHERE name LIKE '%your_posts_1.json'")
    assert stored == sha


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_mojibake_round_trip(value: str) -> None:
    assert fx(_fb(value)) == value


# ------------------------------------------------------------------ hostile files
def test_broken_and_utf16_files_fail_alone(samples: Path, archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "export/posts"
    root.mkdir(parents=True)
    shutil.copy(samples / HUNTER, root / "your_posts_1.json")
    good = (samples / HUNTER).read_text()
    (root / "your_posts_2.json").write_text(good[: len(good) // 2])  # cut mid-download
    (root / "your_posts_3.json").write_bytes(
        json.dumps([{"timestamp": 1, "data": [{"post": "x"}]}]).encode("utf-16")
    )
    summary = run_import(archive, [tmp_path / "export"])
    files = _by_file(summary)
    assert files["posts/your_posts_1.json"].status == "imported"
    assert files["posts/your_posts_1.json"].added == 124
    broken = files["posts/your_posts_2.json"]
    assert broken.status == "failed" and "posts/your_posts_2.json" in broken.error
    assert "broken JSON" in broken.error
    utf16 = files["posts/your_posts_3.json"]
    assert utf16.status == "failed" and "UTF-16" in utf16.error
    assert "posts/your_posts_3.json" in utf16.error
    assert summary.status == "completed_with_errors"
    assert _one(archive, "SELECT count(*) FROM source_files WHERE status = 'failed'") == 2


def test_html_download_is_refused_with_a_clear_message(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "facebook-someone-html"
    page = "<!DOCTYPE html><html><head><title>Your Posts</title></head><body>...</body></html>"
    for rel in ("index.html", "posts/your_posts_1.html", "messages/inbox/a_1/message_1.html"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(page.replace("...", rel))
    detection = detect([root])
    assert [imp.name for _, imp, _ in detection.claims] == ["facebook"]
    detection.close()
    summary = run_import(archive, [root])
    failed = [f for f in summary.files if f.status == "failed"]
    assert len(failed) == 1 and failed[0].path == "posts/your_posts_1.html"
    assert "HTML version" in failed[0].error and "JSON" in failed[0].error
    assert summary.status == "completed_with_errors"
    # the other pages are still kept as originals
    assert _one(archive, "SELECT count(*) FROM source_files WHERE status = 'stored'") == 2


def test_media_paths_outside_the_export_are_refused(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "export"
    photo = root / "your_facebook_activity/posts/media/Album_x/123_456.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "secret.jpg").write_bytes(b"outside")
    items = [
        {
            "timestamp": 1600000000,
            "data": [{"post": "three pictures"}],
            "attachments": [
                {
                    "data": [
                        {
                            "media": {
                                "uri": "your_facebook_activity/posts/media/Album_x/123_456.jpg",
                                "media_metadata": {
                                    "photo_metadata": {
                                        "exif_data": [
                                            {
                                                "upload_ip": "203.0.113.9",
                                                "latitude": 35.1,
                                                "longitude": -106.6,
                                            }
                                        ]
                                    }
                                },
                            }
                        },
                        {"media": {"uri": "../secret.jpg"}},
                        {"media": {"uri": "/etc/passwd"}},
                    ]
                }
            ],
        }
    ]
    _write(
        root / "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json", items
    )
    summary = run_import(archive, [root])
    result = next(f for f in summary.files if f.path.endswith("videos_1.json"))
    assert result.media_stored == 1
    assert sorted(result.media_missing) == ["../secret.jpg", "/etc/passwd"]
    assert sum("outside the export" in w for w in result.warnings) == 2
    stored = _one(archive, "SELECT blob_sha256 FROM media WHERE missing = 0")
    assert stored == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert (
        _one(
            archive,
            "SELECT count(*) FROM blobs WHERE sha256 = :s",
            s=hashlib.sha256(b"outside").hexdigest(),
        )
        == 0
    )
    meta = _one(archive, "SELECT metadata_json FROM media WHERE missing = 0")
    assert "203.0.113.9" in meta and "35.1" in meta
    rec = _latest(archive)[0]
    assert "203.0.113.9" not in rec.extra_json and "35.1" not in rec.extra_json


# ------------------------------------------------------------------- other layouts
def test_page_export_layout_and_visitor_comments(archive: Archive, tmp_path: Path) -> None:
    base = tmp_path / "page/this_profile's_activity_across_facebook"
    _write(
        base / "posts/profile_posts_1.json",
        [
            {
                "timestamp": 1720000000,
                "data": [{"post": "Road closure on Main St."}, {}],
                "title": "Villa PD updated their status.",
            },
            {
                "timestamp": 1710000000,
                "attachments": [
                    {
                        "data": [
                            {
                                "event": {
                                    "name": "Coffee with a Cop",
                                    "start_timestamp": 1711000000,
                                    "place": {
                                        "name": "Plaza",
                                        "coordinate": {"latitude": 35.0, "longitude": -106.0},
                                    },
                                }
                            }
                        ]
                    }
                ],
                "data": [{"update_timestamp": 1710000000}],
            },
        ],
    )
    _write(
        base / "comments_and_reactions/comments.json",
        {
            "comments_v2": [
                {
                    "timestamp": 1720000100,
                    "data": [
                        {
                            "comment": {
                                "timestamp": 1720000100,
                                "comment": "Thanks for the update",
                                "author": "A Visitor",
                            }
                        }
                    ],
                    "title": "A Visitor commented on Villa PD's post.",
                },
                {
                    "timestamp": 1720000100,
                    "data": [
                        {
                            "comment": {
                                "timestamp": 1720000100,
                                "comment": "Which block?",
                                "author": "Another Visitor",
                            }
                        }
                    ],
                    "title": "Another Visitor commented on Villa PD's post.",
                },
            ]
        },
    )
    _write(
        base / "comments_and_reactions/likes_and_reactions_1.json",
        [
            {
                "timestamp": 1720000200,
                "data": [{"reaction": {"reaction": "LIKE", "actor": "Villa PD"}}],
                "title": "Villa PD liked a post.",
            }
        ],
    )
    _write(
        tmp_path / "page/personal_information/profile_information/profile_information.json",
        {
            "profile_v2": {
                "name": {"full_name": "Villa PD"},
                "profile_uri": "https://www.facebook.com/villapd",
            }
        },
    )
    summary = run_import(archive, [tmp_path / "page"])
    assert summary.status == "completed", summary.to_dict()
    recs = _latest(archive)
    comments = [r for r in recs if r.kind == "comment"]
    assert {r.author_name for r in comments} == {"A Visitor", "Another Visitor"}
    posts = [r for r in recs if r.kind == "post"]
    assert len(posts) == 2 and all(r.author_name == "Villa PD" for r in posts)
    event = next(r for r in posts if r.text == "Coffee with a Cop")
    assert "Plaza" in event.extra_json and "35.0" not in event.extra_json
    assert "35.0" in event.sensitive_json
    assert _one(archive, "SELECT account_key FROM accounts") == "https://www.facebook.com/villapd"
    reactions = next(f for f in summary.files if "likes_and_reactions" in f.path)
    assert reactions.added == 0 and reactions.warnings


def test_other_peoples_posts_and_messenger_in_new_layout(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "fb/your_facebook_activity"
    _write(
        root / "posts/other_people's_posts_to_your_timeline.json",
        {
            "wall_posts_sent_to_you": {
                "activity_log_data": [
                    {
                        "timestamp": 1500000000,
                        "data": [{"post": "Happy birthday!"}],
                        "title": "Jane Roe wrote on your timeline.",
                    }
                ]
            }
        },
    )
    _write(
        root / "messages/e2ee_cutover/janeroe_123/message_1.json",
        {
            "participants": [{"name": "Jane Roe"}, {"name": "Villa PD"}],
            "messages": [
                {
                    "sender_name": "Jane Roe",
                    "timestamp_ms": 1600000001000,
                    "is_unsent": True,
                    "type": "Generic",
                },
                {
                    "sender_name": "Jane Roe",
                    "timestamp_ms": 1600000000000,
                    "content": _fb("Zdravím, Radosław"),
                    "type": "Generic",
                    "is_unsent": False,
                    "share": {"link": "https://example.org/x"},
                },
            ],
            "title": "Jane Roe",
            "thread_path": "e2ee_cutover/janeroe_123",
        },
    )
    summary = run_import(archive, [tmp_path / "fb"])
    assert summary.status == "completed", summary.to_dict()
    recs = _latest(archive)
    wall = next(r for r in recs if r.kind == "post")
    assert wall.author_name == "Jane Roe" and wall.text == "Happy birthday!"
    assert json.loads(wall.extra_json)["posted_by_others"] is True
    msgs = [r for r in recs if r.kind == "message"]
    assert len(msgs) == 2 and all(r.conversation_key == "janeroe_123" for r in msgs)
    unsent = next(r for r in msgs if r.text == "")
    assert unsent.deleted_at is not None
    kept = next(r for r in msgs if r.text)
    assert kept.text == "Zdravím, Radosław" and kept.deleted_at is None


def test_split_download_finds_the_account_in_the_other_part(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    part1 = tmp_path / "part1/profile_information"
    part1.mkdir(parents=True)
    shutil.copy(samples / WAULTAR / "profile_information/profile_information.json", part1)
    part2 = tmp_path / "part2/posts"
    part2.mkdir(parents=True)
    shutil.copy(samples / HUNTER, part2 / "your_posts_1.json")
    run_import(archive, [tmp_path / "part2", tmp_path / "part1"])
    accounts = fetch_rows(archive, "SELECT id, account_key FROM accounts")
    assert [a.account_key for a in accounts] == ["cyb0rgninj4"]
    assert {r.account_id for r in _latest(archive)} == {accounts[0].id}


def test_album_photos_with_comments_by_others(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "fb/photos_and_videos"
    _write(
        root / "album/0.json",
        {
            "name": _fb("Fotos de la comunidad"),
            "photos": [
                {
                    "uri": "photos_and_videos/Comunidad_ab/101_202_n_303.jpg",
                    "creation_timestamp": 1600000000,
                    "description": "Open house",
                    "media_metadata": {"photo_metadata": {"upload_ip": "198.51.100.7"}},
                    "comments": [
                        {
                            "timestamp": 1600000100,
                            "comment": _fb("¡Qué bien!"),
                            "author": "Ana Visitor",
                        },
                        {
                            "timestamp": 1600000200,
                            "comment": "See you there",
                            "author": "Bo Visitor",
                        },
                    ],
                },
                {
                    "uri": "photos_and_videos/Comunidad_ab/104_205_n_306.jpg",
                    "creation_timestamp": 1600000300,
                },
            ],
            "last_modified_timestamp": 1600000400,
        },
    )
    _write(
        root / "your_videos.json",
        {
            "videos_v2": [
                {
                    "uri": "photos_and_videos/videos/9_8_n_7.mp4",
                    "creation_timestamp": 1600000500,
                    "description": "Briefing video",
                }
            ]
        },
    )
    summary = run_import(archive, [tmp_path / "fb"])
    assert summary.status == "completed", summary.to_dict()
    rows = fetch_rows(
        archive,
        "SELECT c.author_name, v.text, p.record_key AS parent FROM records c"
        " JOIN record_versions v ON v.record_id = c.id JOIN records p ON p.id = c.parent_id"
        " WHERE c.kind = 'comment' ORDER BY c.created_at",
    )
    assert [(r.author_name, r.text) for r in rows] == [
        ("Ana Visitor", "¡Qué bien!"),
        ("Bo Visitor", "See you there"),
    ]
    assert {r.parent for r in rows} == {"photo:101_202_n_303.jpg"}
    posts = [r for r in _latest(archive) if r.kind == "post"]
    assert sorted(r.record_key for r in posts) == [
        "photo:101_202_n_303.jpg",
        "photo:104_205_n_306.jpg",
        "photo:9_8_n_7.mp4",
    ]
    assert all(r.title == "Fotos de la comunidad" for r in posts if "photo:1" in r.record_key)
    assert "198.51.100.7" not in "".join(r.extra_json + r.text for r in _latest(archive))


def test_stray_html_is_not_taken_for_an_export(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<!DOCTYPE html><html><body>hi</body></html>")
    detection = detect([tmp_path / "site"])
    assert not [imp for _, imp, _ in detection.claims if imp.name in ("facebook", "instagram")]
    detection.close()


def test_large_group_thread_keeps_participants_once(archive: Archive, tmp_path: Path) -> None:
    people = [{"name": f"Person {i}"} for i in range(80)]
    _write(
        tmp_path / "fb/messages/inbox/group_1/message_1.json",
        {
            "participants": people,
            "messages": [
                {
                    "sender_name": f"Person {i}",
                    "timestamp_ms": 1600000000000 + i,
                    "content": f"hello {i}",
                }
                for i in range(10)
            ],
        },
    )
    _write(tmp_path / "fb/posts/your_posts_1.json", [])
    summary = run_import(archive, [tmp_path / "fb"])
    assert summary.totals()["added"] == 10
    extras = [json.loads(r.extra_json) for r in _latest(archive)]
    assert all(e["participant_count"] == 80 and "participants" not in e for e in extras)
    details = _one(archive, "SELECT details_json FROM source_files WHERE name LIKE '%message_1%'")
    assert len(json.loads(details)["participants"]) == 80


def test_preview_counts_without_writing(samples: Path, archive: Archive, tmp_path: Path) -> None:
    from retention_desk.importers.run import preview

    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/your_posts_1.json").write_text('{"something_else": []}')
    detection = detect([samples / WAULTAR, tmp_path])
    try:
        previews = preview(detection)
    finally:
        detection.close()
    waultar = next(p for p in previews if p.source.endswith("waultar-fixtures"))
    assert waultar.account == "Gustav Johansen"
    assert waultar.date_from is not None and waultar.date_to is not None
    summary = run_import(archive, [samples / WAULTAR])
    assert waultar.approx_records == summary.totals()["added"]
    odd = next(p for p in previews if p.source == str(tmp_path))
    assert odd.approx_records == 0
    assert any("unexpected layout" in n and "your_posts_1.json" in n for n in odd.notes)


def test_hostile_values_keep_the_record(archive: Archive, tmp_path: Path) -> None:
    """hostile-inputs F1/F3: bad times and lone surrogates are warnings, never a lost file."""
    raw = (
        '[{"timestamp": NaN, "data": [{"post": "no time \\ud83d here"}]},'
        ' {"timestamp": 1' + "0" * 60 + ', "data": [{"post": "absurd time"}]},'
        ' {"timestamp": "\\ud800", "data": [{"post": "surrogate time"}],'
        '  "attachments": [{"data": [{"external_context": {"url": "https://x.example/\\udc00"}}]}]},'
        ' {"timestamp": 1524558089000, "data": [{"post": "milliseconds"}]},'
        ' {"timestamp": -1, "data": [{"post": "before 1970"}]},'
        ' "not an object"]'
    )
    (tmp_path / "h/posts").mkdir(parents=True)
    (tmp_path / "h/posts/your_posts_1.json").write_text(raw)
    summary = run_import(archive, [tmp_path / "h"])
    result = summary.files[0]
    assert result.status == "imported", result.error
    assert result.added == 5
    assert sum("kept without a date" in w for w in result.warnings) == 3
    assert any("not an object" in w for w in result.warnings)
    recs = {r.text: r for r in _latest(archive)}
    assert "no time \ufffd here" in recs
    assert recs["milliseconds"].created_at.startswith("2018-04-24T08:21:29")
    assert recs["before 1970"].created_at.startswith("1969-12-31T23:59:59")
    assert recs["absurd time"].created_at is None


def test_zip_export_with_root_folder_and_apostrophe(archive: Archive, tmp_path: Path) -> None:
    import zipfile

    base = "facebook-villapd-2025-01-01/this_profile's_activity_across_facebook/posts"
    media = "this_profile's_activity_across_facebook/posts/media/Album_1/555_666.jpg"
    items = [
        {
            "timestamp": 1735700000,
            "data": [{"post": "From the zip"}],
            "attachments": [{"data": [{"media": {"uri": media}}]}],
        }
    ]
    target = tmp_path / "download.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(f"{base}/profile_posts_1.json", json.dumps(items))
        zf.writestr(f"facebook-villapd-2025-01-01/{media}", b"photo bytes")
    summary = run_import(archive, [target])
    result = next(f for f in summary.files if f.path.endswith("profile_posts_1.json"))
    assert result.status == "imported" and result.added == 1
    assert result.media_stored == 1 and not result.media_missing
    assert (
        _one(archive, "SELECT blob_sha256 FROM media") == hashlib.sha256(b"photo bytes").hexdigest()
    )


# ------------------------------------------------------------ owner and account (issue 9)
def _title_owner(items: list[Any]) -> str:
    """The name the sample's titles start with, read with plain string handling."""
    names = [
        it["title"].split(" updated his status")[0]
        for it in items
        if it.get("title", "").endswith(" updated his status.")
    ]
    assert names and len(set(names)) == 1
    return names[0]


def _profile_copy(samples: Path, dest: Path) -> Path:
    """The waultar profile (a real profile_v2 file) as the download's profile."""
    target = dest / "profile_information/profile_information.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(samples / WAULTAR / "profile_information/profile_information.json", target)
    return target


def test_posts_alone_then_with_the_profile_are_the_same_records(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    for sample in (HUNTER, KUNLE):
        items = json.loads((samples / sample).read_text())
        alone = run_import(archive, [samples / sample])
        added = alone.totals()["added"]
        assert added == _distinct(items)
        # the same posts in a later full download, beside its profile (saved anew, so the
        # file is read again rather than recognised as already imported): no new post
        full = tmp_path / sample.split("/")[1] / "export"
        _write(full / "your_facebook_activity/posts/your_posts_1.json", items, indent=1)
        _profile_copy(samples, full)
        summary = run_import(archive, [full])
        posts = _by_file(summary)["your_facebook_activity/posts/your_posts_1.json"]
        assert posts.status == "imported"
        assert (posts.added, posts.new_versions, posts.unchanged) == (0, 0, added)
    assert _one(archive, "SELECT count(*) FROM records WHERE kind = 'post'") == 124 + 504
    # the account is known from the profile: later records would get it; these kept their
    # owner's name from the titles
    assert _one(archive, "SELECT count(*) FROM records WHERE author_name IS NULL") == 0


def test_posts_without_profile_have_their_owner_as_author(samples: Path, archive: Archive) -> None:
    owners = set()
    for sample in (HUNTER, KUNLE):
        owners.add(_title_owner(json.loads((samples / sample).read_text())))
        run_import(archive, [samples / sample])
    recs = _latest(archive)
    assert owners == {"Hunter Hillis", "Ibikunle Gabriel"}
    assert {r.author_name for r in recs} == owners
    assert all(json.loads(r.extra_json).get("author_from_titles") for r in recs)
    # the account is not guessed: only a profile or the person's choice assigns one
    assert {r.account_id for r in recs} == {None}


def test_dry_run_suggests_the_owner_when_no_profile(samples: Path, tmp_path: Path) -> None:
    detection = detect([samples / HUNTER, samples / KUNLE, samples / WAULTAR], ImportOptions())
    try:
        previews = preview(detection, ImportOptions())
        by_source = {
            tree.label: (claim, pv)
            for (tree, _imp, claim), pv in zip(detection.claims, previews, strict=True)
        }
    finally:
        detection.close()
    hunter_claim, hunter = by_source[str(samples / HUNTER)]
    assert hunter.account is None and suggested_account(hunter_claim) == "Hunter Hillis"
    assert any("'Hunter Hillis'" in n and "profile_information.json" in n for n in hunter.notes)
    assert suggested_account(by_source[str(samples / KUNLE)][0]) == "Ibikunle Gabriel"
    # with the profile the account is known: no suggestion
    waultar_claim, waultar = by_source[str(samples / WAULTAR)]
    assert waultar.account == "Gustav Johansen" and suggested_account(waultar_claim) is None


def test_comments_without_profile_name_their_owner(samples: Path, archive: Archive) -> None:
    path = samples / WAULTAR / "comments_and_reactions/comments_and_reactions.json"
    entries = json.loads(path.read_text())["comments_v2"]
    assert any("data" not in e for e in entries)  # entries whose text Facebook left out
    run_import(archive, [path])
    recs = _latest(archive)
    assert len(recs) == len(entries)
    assert {r.author_name for r in recs} == {"Gustav Johansen"}


def test_messages_keep_each_sender_as_author_with_the_owner_known(
    samples: Path, archive: Archive
) -> None:
    root = samples / WAULTAR
    thread = json.loads(next(root.glob("messages/inbox/*/message_1.json")).read_text())
    run_import(archive, [root])
    msgs = [r for r in _latest(archive) if r.kind == "message"]
    senders = sorted(_unmojibake(m["sender_name"]) for m in thread["messages"])
    assert sorted(r.author_name for r in msgs) == senders
    assert len(set(senders)) > 1  # the other party's messages are theirs, not the owner's


def test_keys_from_an_owner_bearing_earlier_import_are_kept(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    """An archive written when keys hashed in the owner: a later import with the profile
    finds those records instead of adding new ones."""
    export = tmp_path / "export"
    _profile_copy(samples, export)
    _write(export / "posts/your_posts_1.json", [{"timestamp": 1600000000, "data": [{"post": "a"}]}])
    run_import(archive, [export])
    with archive.write() as conn:  # rewrite the key the way the earlier version computed it
        # assign_keys hashes the canonical JSON text of the base
        base = json.dumps(["post", "cyb0rgninj4", 1600000000, []], separators=(",", ":"))
        old = f"post:1600000000:{short_hash(base)}"
        conn.execute(text("UPDATE records SET record_key = :k WHERE kind = 'post'"), {"k": old})
    _write(
        export / "posts/your_posts_1.json",
        [{"timestamp": 1600000000, "data": [{"post": "a, edited"}]}],
    )
    t = run_import(archive, [export]).totals()
    assert (t["added"], t["new_versions"]) == (0, 1)
    assert _one(archive, "SELECT record_key FROM records WHERE kind = 'post'") == old


def test_two_accounts_posting_the_same_second_stay_apart(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    post = [{"timestamp": 1600000000, "data": [{"post": "Road closed on Main St."}]}]
    first = tmp_path / "page_a"
    _write(first / "posts/your_posts_1.json", post)
    _profile_copy(samples, first)
    run_import(archive, [first])
    second = tmp_path / "page_b"
    _write(second / "posts/your_posts_1.json", post, indent=2)
    profile = json.loads(
        (samples / WAULTAR / "profile_information/profile_information.json").read_text()
    )
    profile["profile_v2"].update(username="villapd", profile_uri="https://www.facebook.com/villapd")
    profile["profile_v2"]["name"]["full_name"] = "Villa PD"
    _write(second / "profile_information/profile_information.json", profile)
    t = run_import(archive, [second]).totals()
    assert t["added"] == 2  # the post and the profile page
    rows = fetch_rows(
        archive,
        "SELECT a.account_key, r.author_name FROM records r JOIN accounts a"
        " ON a.id = r.account_id WHERE r.kind = 'post' ORDER BY a.account_key",
    )
    assert [tuple(r) for r in rows] == [("cyb0rgninj4", "Gustav Johansen"), ("villapd", "Villa PD")]


def test_cli_dry_run_prints_the_suggested_account(
    samples: Path, tmp_path: Path, capsys: Any
) -> None:
    from retention_desk.cli import main

    arch = str(tmp_path / "cli.rdesk")
    assert main(["--archive", arch, "init"]) == 0
    capsys.readouterr()
    assert main(["--archive", arch, "import", "--dry-run", str(samples / HUNTER)]) == 0
    out = capsys.readouterr().out
    assert "account (none; suggested: Hunter Hillis)" in out
    assert main(["--archive", arch, "import", "--dry-run", "--json", str(samples / HUNTER)]) == 0
    assert json.loads(capsys.readouterr().out)["suggested_accounts"] == ["Hunter Hillis"]


def test_import_view_preview_rows_carry_the_suggestion(samples: Path, archive: Archive) -> None:
    from retention_desk.ui.imports.preview import gather_preview

    result = gather_preview(archive, [samples / HUNTER, samples / WAULTAR], ImportOptions())
    rows = {Path(r.source).name: r for r in result.rows}
    assert rows["your_posts_1.json"].suggested_account == "Hunter Hillis"
    assert rows["your_posts_1.json"].account is None
    assert rows["waultar-fixtures"].suggested_account is None

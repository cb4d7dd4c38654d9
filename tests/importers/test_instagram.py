"""Instagram data download importer: real samples, layouts, hostile inputs.

Expected numbers are computed here from the sample JSON with plain `json`, independently of the
importer, or taken from shared/samples/SOURCES.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.meta.owner import suggested_account
from retention_desk.importers.run import detect, run_import
from tests.importers.helpers import fetch_rows

SR = "instagram/sr4136-ig-import/posts_1.json"
WAULTAR = "instagram/waultar-fixtures"


def _one(archive: Archive, sql: str, **params: Any) -> Any:
    return fetch_rows(archive, sql, **params)[0][0]


def _latest(archive: Archive) -> list[Any]:
    return fetch_rows(
        archive,
        "SELECT r.record_key, r.kind, r.platform, r.author_handle, r.extra_json,"
        " r.sensitive_json, v.text, v.text_raw, r.restricted, r.conversation_key,"
        " r.created_at, r.account_id FROM records r JOIN record_versions v"
        " ON v.record_id = r.id AND v.seq = r.version_count ORDER BY r.id",
    )


def _unmojibake(value: str) -> str:
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _fb(value: str) -> str:
    return value.encode("utf-8").decode("latin-1")


def _write(path: Path, data: Any, **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, **kwargs), encoding="utf-8")
    return path


def _caption(post: dict[str, Any]) -> str:
    return post["title"] if "title" in post else post["media"][0]["title"]


# --------------------------------------------------------------------- real samples
def test_sr4136_posts(samples: Path, archive: Archive) -> None:
    posts = json.loads((samples / SR).read_text())
    single = [p for p in posts if "title" not in p and len(p["media"]) == 1]
    carousels = [p for p in posts if "title" in p and "creation_timestamp" in p]
    assert (len(posts), len(single), len(carousels)) == (1057, 967, 90)  # SOURCES.md
    media_total = sum(len(p["media"]) for p in posts)
    gps = [m for p in posts for m in p["media"] if "media_metadata" in m]

    summary = run_import(archive, [samples / SR])
    assert summary.status == "completed"
    result = summary.files[0]
    assert result.added == 1057
    assert len(result.media_missing) == media_total  # no media files in the sample
    recs = _latest(archive)
    assert len(recs) == 1057 and {r.kind for r in recs} == {"post"}
    assert sum(1 for r in recs if json.loads(r.extra_json).get("carousel")) == sum(
        1 for p in carousels if len(p["media"]) > 1
    )

    by_raw = {r.text_raw: r.text for r in recs}
    expected = {_caption(p): _unmojibake(_caption(p)) for p in posts}
    assert by_raw == expected
    mojibake = [c for c in expected if c != expected[c]]
    assert len(mojibake) > 20
    for caption in mojibake[:5]:
        assert by_raw[caption] == caption.encode("latin-1").decode("utf-8")
    # carousel captions and times come from the top level, single posts from media[0]
    times = {r.record_key: r.created_at[:19] for r in recs}
    for post in carousels[:5] + single[:5]:
        key = "post:" + post["media"][0]["uri"].rsplit("/", 1)[1]
        stamp = post.get("creation_timestamp", post["media"][0]["creation_timestamp"])
        assert times[key] == datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")

    # EXIF GPS stays with the media, never in the shown record
    assert gps
    lat = str(gps[0]["media_metadata"]["photo_metadata"]["exif_data"][0]["latitude"])
    assert _one(archive, "SELECT count(*) FROM media WHERE instr(metadata_json, :v)", v=lat) > 0
    assert _one(archive, "SELECT count(*) FROM records WHERE instr(extra_json, 'latitude')") == 0


def test_waultar_instagram_fixtures(samples: Path, archive: Archive) -> None:
    root = samples / WAULTAR
    post_items = json.loads((root / "instagram_post.json").read_text())
    media_items = json.loads((root / "instagram_media.json").read_text())
    comments = json.loads((root / "post_comments.json").read_text())["comments_media_comments"]

    def keys(items: list[Any]) -> set[str]:
        found = set()
        for item in items:
            if "media" in item:
                found.add(item["media"][0]["uri"])
            for value in item.values():
                for sub in value if isinstance(value, list) else []:
                    if isinstance(sub, dict) and "media" in sub:
                        found.add(sub["media"][0]["uri"])
                    elif isinstance(sub, dict) and "uri" in sub and "media" not in item:
                        found.add(sub["uri"])
        return found

    distinct = keys(post_items) | keys(media_items)
    summary = run_import(archive, [root])
    assert summary.status == "completed", summary.to_dict()
    recs = _latest(archive)
    assert sum(1 for r in recs if r.kind == "post") == len(distinct)
    assert sum(1 for r in recs if r.kind == "comment") == sum(
        len(c["string_list_data"]) for c in comments
    )
    assert {r.text for r in recs if r.kind == "comment"} == {"The comment"}
    assert any(
        r.text.endswith("it's almost there \U0001f602\n#martialarts #tricking #hapkido")
        for r in recs
    )
    types = {json.loads(r.extra_json).get("type") for r in recs}
    assert {"ig_profile_picture", "ig_igtv_media"} <= types
    assert _one(archive, "SELECT count(*) FROM media WHERE instr(metadata_json, '55.71835')") == 1
    assert _one(archive, "SELECT count(*) FROM media WHERE instr(metadata_json, 'device_id')") == 1
    assert "55.71835" not in "".join(r.extra_json + r.text for r in recs)
    # no personal information in the fixture: no account unless the user names one
    assert _one(archive, "SELECT count(*) FROM accounts") == 0


def test_account_option_when_the_export_names_none(samples: Path, archive: Archive) -> None:
    run_import(archive, [samples / WAULTAR], ImportOptions(account="@villa_pd"))
    assert _one(archive, "SELECT account_key FROM accounts") == "villa_pd"
    assert _one(archive, "SELECT count(*) FROM records WHERE account_id IS NULL") == 0


def test_reimport_and_overlapping_export(samples: Path, archive: Archive, tmp_path: Path) -> None:
    posts = json.loads((samples / SR).read_text())
    run_import(archive, [samples / SR])
    again = run_import(archive, [samples / SR])
    assert again.totals()["added"] == 0 and again.files[0].status == "duplicate"

    later = json.loads(json.dumps(posts))
    target = next(p for p in later if "title" not in p and p["media"][0]["title"])
    target["media"][0]["title"] = _fb("Edited caption — Radosław")
    later.insert(
        0,
        {
            "media": [
                {
                    "uri": "media/posts/202301/999_1_n_17999999999999999.jpg",
                    "creation_timestamp": 1672531200,
                    "title": "new",
                }
            ]
        },
    )
    _write(tmp_path / "ig/your_instagram_activity/content/posts_1.json", later)
    summary = run_import(archive, [tmp_path / "ig"])
    t = summary.totals()
    assert (t["added"], t["new_versions"], t["unchanged"]) == (1, 1, 1056)
    assert _one(archive, "SELECT count(*) FROM records WHERE version_count = 2") == 1
    assert (
        _one(archive, "SELECT count(*) FROM record_fts WHERE record_fts MATCH :q", q='"Radosław"')
        == 1
    )


# --------------------------------------------------------------------- layouts
def test_full_export_layout(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "instagram-villa_pd-2024-05-01"
    act = root / "your_instagram_activity"
    photo = root / "media/posts/202405/111_222_n_17800000000000001.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"jpeg bytes")
    _write(
        act / "content/posts_1.json",
        [
            {
                "media": [
                    {
                        "uri": "media/posts/202405/111_222_n_17800000000000001.jpg",
                        "creation_timestamp": 1714550000,
                        "title": _fb("Community day in Española"),
                        "media_metadata": {
                            "photo_metadata": {
                                "exif_data": [{"latitude": 35.99, "longitude": -106.08}]
                            }
                        },
                    }
                ]
            },
            {
                "media": [
                    {"uri": "../../outside.jpg", "creation_timestamp": 1714560000, "title": ""}
                ]
            },
        ],
    )
    _write(
        act / "comments/post_comments_1.json",
        [
            {
                "media_list_data": [],
                "string_map_data": {
                    "Comment": {"value": _fb("Gracias 🙏")},
                    "Media Owner": {"value": "someone"},
                    "Time": {"timestamp": 1714570000},
                },
            }
        ],
    )
    _write(
        act / "messages/inbox/someone_987/message_1.json",
        {
            "participants": [{"name": "Someone"}, {"name": "Villa PD"}],
            "messages": [
                {
                    "sender_name": "Someone",
                    "timestamp_ms": 1714580000000,
                    "content": _fb("¿Está abierto?"),
                    "is_geoblocked_for_viewer": False,
                }
            ],
            "title": "Someone",
            "thread_path": "inbox/someone_987",
        },
    )
    _write(
        root / "personal_information/personal_information/personal_information.json",
        {
            "profile_user": [
                {
                    "string_map_data": {
                        "Email": {"href": "", "value": "records@villa.example", "timestamp": 0},
                        "Username": {"href": "", "value": "villa_pd", "timestamp": 0},
                        "Name": {"href": "", "value": _fb("Villa PD — Española"), "timestamp": 0},
                    }
                }
            ]
        },
    )
    detection = detect([root])
    assert {imp.name for _, imp, _ in detection.claims} == {"instagram"}
    detection.close()
    summary = run_import(archive, [root])
    assert summary.status == "completed", summary.to_dict()
    recs = _latest(archive)
    assert {r.platform for r in recs} == {"instagram"}
    kinds = sorted(r.kind for r in recs)
    assert kinds == ["comment", "message", "page", "post", "post"]
    post = next(r for r in recs if r.text == "Community day in Española")
    assert post.author_handle == "villa_pd"
    msg = next(r for r in recs if r.kind == "message")
    assert msg.restricted and msg.conversation_key == "someone_987"
    assert msg.text == "¿Está abierto?"
    comment = next(r for r in recs if r.kind == "comment")
    assert comment.text == "Gracias 🙏"
    assert json.loads(comment.extra_json)["media_owner"] == "someone"
    page = next(r for r in recs if r.kind == "page")
    assert "records@villa.example" in page.sensitive_json
    assert "records@villa.example" not in page.extra_json + page.text
    assert _one(archive, "SELECT display_name FROM accounts") == "Villa PD — Española"
    posts_file = next(f for f in summary.files if f.path.endswith("posts_1.json"))
    assert posts_file.media_stored == 1 and posts_file.media_missing == ["../../outside.jpg"]
    assert any("outside the export" in w for w in posts_file.warnings)
    assert (
        _one(archive, "SELECT blob_sha256 FROM media WHERE missing = 0")
        == hashlib.sha256(b"jpeg bytes").hexdigest()
    )


def test_old_layouts(archive: Archive, tmp_path: Path) -> None:
    root = tmp_path / "old"
    _write(
        root / "media.json",
        {
            "photos": [
                {
                    "caption": _fb("Café"),
                    "taken_at": "2016-05-01T12:00:00",
                    "path": "photos/201605/abc.jpg",
                    "location": "Santa Fe",
                }
            ],
            "videos": [
                {"caption": "", "taken_at": "2016-06-01T12:00:00", "path": "videos/201606/def.mp4"}
            ],
        },
    )
    _write(root / "comments.json", {"media_comments": [["2016-05-02T10:00:00", "nice", "friend"]]})
    _write(
        root / "profile.json",
        {
            "biography": "",
            "date_joined": "2012-01-01T00:00:00",
            "email": "x@example.org",
            "name": "Old",
            "username": "old_one",
        },
    )
    summary = run_import(archive, [root])
    assert summary.status == "completed", summary.to_dict()
    recs = _latest(archive)
    assert sorted(r.kind for r in recs) == ["comment", "page", "post", "post"]
    assert any(r.text == "Café" and "Santa Fe" in r.extra_json for r in recs)
    assert _one(archive, "SELECT account_key FROM accounts") == "old_one"


def test_messages_go_to_the_right_platform(archive: Archive, tmp_path: Path) -> None:
    thread = {
        "participants": [{"name": "A"}],
        "messages": [{"sender_name": "A", "timestamp_ms": 1600000000000, "content": "hi"}],
    }
    _write(
        tmp_path / "ig/content/posts_1.json",
        [{"media": [{"uri": "media/posts/1/x_1.jpg", "creation_timestamp": 1, "title": ""}]}],
    )
    _write(tmp_path / "ig/messages/inbox/a_1/message_1.json", thread)
    _write(tmp_path / "fb/posts/your_posts_1.json", [{"timestamp": 1, "data": []}])
    thread["title"] = "A"  # byte-identical files would be one source file for the runner
    _write(tmp_path / "fb/messages/inbox/a_1/message_1.json", thread)
    run_import(archive, [tmp_path / "ig", tmp_path / "fb"])
    rows = fetch_rows(
        archive,
        "SELECT platform, count(*) FROM records WHERE kind = 'message'"
        " GROUP BY platform ORDER BY platform",
    )
    assert [tuple(r) for r in rows] == [("facebook", 1), ("instagram", 1)]


def test_broken_file_fails_alone_and_html_is_refused(
    samples: Path, archive: Archive, tmp_path: Path
) -> None:
    root = tmp_path / "ig/your_instagram_activity/content"
    root.mkdir(parents=True)
    (root / "posts_1.json").write_bytes((samples / SR).read_bytes())
    (root / "posts_2.json").write_text('[{"media": [{"uri": "media/posts/1/a.jpg", ')
    summary = run_import(archive, [tmp_path / "ig"])
    files = {f.path: f for f in summary.files}
    assert files["your_instagram_activity/content/posts_1.json"].added == 1057
    broken = files["your_instagram_activity/content/posts_2.json"]
    assert broken.status == "failed" and "posts_2.json" in broken.error
    assert "broken JSON" in broken.error

    html = tmp_path / "html/your_instagram_activity/content/posts_1.html"
    html.parent.mkdir(parents=True)
    html.write_text("<html><head><title>Posts</title></head><body></body></html>")
    summary = run_import(archive, [tmp_path / "html"])
    failed = [f for f in summary.files if f.status == "failed"]
    assert len(failed) == 1 and failed[0].format == "instagram"
    assert "HTML version" in failed[0].error and "JSON" in failed[0].error


def test_stories_and_recently_deleted_media(archive: Archive, tmp_path: Path) -> None:
    act = tmp_path / "ig/your_instagram_activity"
    _write(
        act / "media/stories.json",
        {
            "ig_stories": [
                {
                    "uri": "media/stories/202401/s1_n_1.mp4",
                    "creation_timestamp": 1704067200,
                    "title": "story",
                }
            ]
        },
    )
    _write(
        act / "media/recently_deleted_content.json",
        {
            "ig_recently_deleted_media": [
                {
                    "media": [
                        {
                            "uri": "media/posts/202402/d1_n_2.jpg",
                            "creation_timestamp": 1706745600,
                            "title": "gone",
                        }
                    ]
                }
            ]
        },
    )
    summary = run_import(archive, [tmp_path / "ig"])
    assert summary.status == "completed", summary.to_dict()
    recs = {
        r.text: r
        for r in fetch_rows(
            archive,
            "SELECT v.text, r.deleted_at, r.deleted_at_raw, r.extra_json FROM records r"
            " JOIN record_versions v ON v.record_id = r.id",
        )
    }
    assert recs["story"].deleted_at is None
    assert json.loads(recs["story"].extra_json)["type"] == "ig_stories"
    assert recs["gone"].deleted_at is not None
    assert "ig_recently_deleted_media" in recs["gone"].deleted_at_raw


# ------------------------------------------------------------ owner and account (issue 9)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/platforms/instagram"


def test_profile_layouts_name_the_account(archive: Archive) -> None:
    """2022+ `profile_user` layouts, English labels and translated (Turkish) ones."""
    run_import(archive, [FIXTURES / "profile-en"])
    run_import(archive, [FIXTURES / "profile-tr"])
    accounts = fetch_rows(archive, "SELECT account_key, handle, display_name FROM accounts")
    assert [tuple(a) for a in accounts] == [
        ("villa_pd", "villa_pd", "Villa Police Department"),
        ("villa.parks", "villa.parks", "Villa Parks Çarşı"),
    ]
    post = fetch_rows(
        archive,
        "SELECT r.author_handle, r.author_name, a.account_key FROM records r"
        " JOIN accounts a ON a.id = r.account_id WHERE r.kind = 'post'",
    )
    assert [tuple(p) for p in post] == [("villa.parks", "Villa Parks Çarşı", "villa.parks")]


def test_preview_suggests_the_owner_of_direct_threads(tmp_path: Path) -> None:
    root = tmp_path / "instagram-export"
    for n, other in enumerate(("Ana Resident", "Bo Resident")):
        thread = {
            "participants": [{"name": other}, {"name": "Villa Parks"}],
            "messages": [
                {"sender_name": other, "timestamp_ms": 1700000000000 + n, "content": "hi"},
                {"sender_name": "Villa Parks", "timestamp_ms": 1700000001000 + n, "content": "ok"},
            ],
            "title": other,
        }
        path = root / f"your_instagram_activity/messages/inbox/t{n}_{n}/message_1.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps(thread))
    detection = detect([root], ImportOptions())
    try:
        [(tree, importer, claim)] = detection.claims
        pv = importer.preview(tree, claim, ImportOptions())
    finally:
        detection.close()
    assert pv.account is None and suggested_account(claim) == "Villa Parks"
    assert any("personal_information.json" in n and "'Villa Parks'" in n for n in pv.notes)


def test_preview_without_profile_says_the_account_is_unknown(samples: Path) -> None:
    detection = detect([samples / SR], ImportOptions())
    try:
        [(tree, importer, claim)] = detection.claims
        pv = importer.preview(tree, claim, ImportOptions())
        chosen = importer.preview(tree, claim, ImportOptions(account="villa_pd"))
    finally:
        detection.close()
    assert pv.account is None and suggested_account(claim) is None
    assert any("account cannot be known" in n for n in pv.notes)
    assert not any("account cannot be known" in n for n in chosen.notes)

"""Flickr account data export importer.

The part1/later-export fixtures follow the public descriptions; realshape_part2 keeps the exact
structure of real photo files quoted by public tools (see README.md under
tests/fixtures/platforms/flickr/). Expected numbers are computed here from the
fixture JSON with the json module, independently of the importer.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from retention_desk.archive import Archive
from retention_desk.importers.run import detect, preview, run_import
from tests.importers.helpers import fetch_rows, latest_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms" / "flickr"
META = FIXTURES / "72157700000000000_abcdef12_part1"
PHOTOS = FIXTURES / "data-download-1"
LATER = FIXTURES / "later-export"
REAL = FIXTURES / "realshape_part2"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """Metadata and photo zips extracted into one folder, as Flickr's helpers suggest."""
    folder = tmp_path / "flickr-export"
    shutil.copytree(META, folder)
    for item in PHOTOS.iterdir():
        shutil.copy(item, folder / item.name)
    return folder


def _photos() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(META.glob("photo_*.json"))]


def test_photos_and_comments_with_their_authors(archive: Archive, export: Path) -> None:
    summary = run_import(archive, [export])
    photos = _photos()
    comments = [c for p in photos for c in p["comments"]]
    assert (len(photos), len(comments)) == (3, 3)
    assert summary.totals()["added"] == len(photos) + len(comments)
    assert summary.status == "completed", summary.to_dict()
    recs = latest_records(archive, "flickr")
    for photo in photos:
        rec = recs[photo["id"]]
        # the description is the text; tags and albums follow it for display and search
        description = rec["v_text"] if rec["v_text_raw"] is None else rec["v_text_raw"]
        assert (rec["kind"], rec["v_title"], description) == (
            "post",
            photo["name"],
            photo["description"],
        )
        assert rec["v_text"].startswith(photo["description"])
        assert rec["url"] == photo["photopage"]
        assert rec["created_at_raw"] == photo["date_imported"]
        assert bool(rec["restricted"]) == (photo["privacy"] != "public")
        assert (rec["author_name"], rec["author_handle"]) == ("examplecityparks",) * 2
        for comment in photo["comments"]:
            crec = recs["comment:" + comment["id"]]
            assert crec["parent_id"] == rec["id"] and crec["thread_id"] == rec["id"]
            assert crec["author_handle"] == comment["user"]
            assert crec["v_text"] == comment["comment"]  # literal, markup and all
            assert crec["url"] == comment["url"]
    extra = json.loads(recs["53500000001"]["extra_json"])
    assert extra["tags"] == ["volunteers", "oakpark"]
    assert extra["albums"] == ["Spring cleanup 2024"]
    assert extra["date_taken"] == "2024-03-30 09:12:44"
    account = fetch_rows(archive, "SELECT account_key, handle, display_name FROM accounts")
    assert account == [("examplecityparks", "examplecityparks", "Example City Parks")]


def test_geo_and_email_stay_out_of_shown_columns(archive: Archive, export: Path) -> None:
    run_import(archive, [export])
    recs = latest_records(archive, "flickr")
    geo = json.loads(recs["53500000001"]["sensitive_json"])["geo"]
    assert geo == _photos()[0]["geo"]
    assert json.loads(recs["53500000002"]["sensitive_json"]) == {}  # "geo": [] is no location
    for rec in recs.values():
        for column in ("v_text", "v_title", "extra_json", "v_raw"):
            value = rec[column] or ""
            assert "35084400" not in value and "106650400" not in value
    everything = json.dumps([list(r.values()) for r in recs.values()], default=str)
    assert "parks-web@example.gov" not in everything


def test_photo_files_linked_by_id_and_missing_ones_listed(archive: Archive, export: Path) -> None:
    summary = run_import(archive, [export])
    media = fetch_rows(
        archive,
        "SELECT r.record_key, m.blob_sha256, m.missing, m.original_uri FROM media m"
        " JOIN records r ON r.id = m.record_id ORDER BY r.record_key",
    )
    photos = {p["id"]: p for p in _photos()}
    file_of = {
        "53500000001": "volunteers-at-oak-park_53500000001_o.jpg",
        "53500000002": "IMG_2034_53500000002_o.jpg",
    }
    for key, sha, missing, uri in media:
        assert uri == photos[key]["original"]
        if key in file_of:
            expected = hashlib.sha256((PHOTOS / file_of[key]).read_bytes()).hexdigest()
            assert (sha, missing) == (expected, 0)
        else:
            assert (sha, missing) == (None, 1)
    assert len(media) == 3
    assert summary.totals()["media_stored"] == 2 and summary.totals()["media_missing"] == 1


def test_media_in_a_second_input_of_the_same_import(archive: Archive) -> None:
    summary = run_import(archive, [META, PHOTOS])
    assert summary.totals()["media_stored"] == 2
    # a download zip holding only photos is the other part of a split download: kept with the
    # import and noted, not an error
    assert not any("data-download-1" in e for e in summary.errors)
    assert any("data-download-1" in n for n in summary.notes)


def test_reimport_and_later_export(archive: Archive, export: Path) -> None:
    run_import(archive, [export])
    again = run_import(archive, [export])
    assert again.totals()["added"] == 0 and again.totals()["new_versions"] == 0
    later = run_import(archive, [LATER])
    assert (later.totals()["added"], later.totals()["new_versions"]) == (1, 1)
    versions = fetch_rows(
        archive,
        "SELECT coalesce(v.text_raw, v.text) FROM record_versions v JOIN records r"
        " ON r.id = v.record_id WHERE r.record_key = '53500000001' ORDER BY v.seq",
    )
    assert [v[0] for v in versions] == [
        "Thank you to the 40 volunteers!",
        "Thank you to the 42 volunteers!",
    ]
    # the photo file was in the first export only: still linked, not duplicated
    media = fetch_rows(
        archive,
        "SELECT m.missing FROM media m JOIN records r ON r.id = m.record_id"
        " WHERE r.record_key = '53500000001'",
    )
    assert media == [(0,)]
    assert (
        latest_records(archive, "flickr")["comment:72157722222222223"]["parent_key"]
        == "53500000001"
    )


def test_detected_by_keys_not_names(tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(META / "photo_53500000003.json", folder / "trail map.txt")
    (folder / "photo_1.json").write_text('{"id": "1", "name": "not flickr"}')
    detection = detect([folder])
    try:
        flickr = [c for _, imp, c in detection.claims if imp.name == "flickr"]
        assert [c.files for c in flickr] == [["trail map.txt"]]
    finally:
        detection.close()


def test_broken_photo_file_fails_alone(archive: Archive, export: Path) -> None:
    path = export / "photo_53500000002.json"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    summary = run_import(archive, [export])
    failed = [f for f in summary.files if f.status == "failed"]
    assert [f.path for f in failed] == ["photo_53500000002.json"]
    assert failed[0].error.startswith("photo_53500000002.json: broken JSON at line")
    assert set(latest_records(archive, "flickr")) >= {"53500000001", "53500000003"}


def test_comment_without_id_keys_on_photo_author_and_time(archive: Archive, tmp_path: Path) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    photo = _photos()[2]
    photo["comments"] = [{"user": "u1", "date": "2024-04-03 07:45:00", "comment": "one"}]
    (folder / "photo_x.json").write_text(json.dumps(photo))
    run_import(archive, [folder])
    photo["comments"][0]["comment"] = "one (edited)"
    (folder / "photo_x.json").write_text(json.dumps(photo))
    run_import(archive, [folder])
    key = f"comment:{photo['id']}:u1:2024-04-03 07:45:00"
    rec = latest_records(archive, "flickr")[key]
    assert (rec["version_count"], rec["v_text"]) == (2, "one (edited)")


def test_preview_counts_without_writing() -> None:
    detection = detect([META])
    try:
        (result,) = preview(detection)
    finally:
        detection.close()
    assert (result.approx_records, result.account) == (6, "examplecityparks")


# ------------------------------------------------------------------ real file structure
def test_tags_and_album_names_are_searchable(archive: Archive) -> None:
    from retention_desk.search.engine import search

    run_import(archive, [REAL])
    ids = {r["record_key"]: r["id"] for r in latest_records(archive, "flickr").values()}
    for query, key in (
        ('"square format"', "9700000002"),
        ('"trail maintenance"', "2600000001"),
        ("shozu", "2600000001"),  # a tag that is also in the description's HTML
    ):
        assert ids[key] in {row.id for row in search(archive, query).rows}, query
    rec = latest_records(archive, "flickr")["9700000002"]
    assert "Tags: square format, uploaded:by=instagram" in rec["v_text"]
    assert "Albums: Trail maintenance" in rec["v_text"]


def test_owner_from_the_photo_page_without_a_profile(archive: Archive) -> None:
    run_import(archive, [REAL])
    assert fetch_rows(archive, "SELECT account_key, handle FROM accounts") == [
        ("examplecountynm", "examplecountynm")
    ]
    for rec in latest_records(archive, "flickr").values():
        assert (rec["author_name"], rec["author_handle"]) == ("examplecountynm",) * 2
        assert rec["account_id"] is not None


def test_implausible_date_reported_and_dropped(archive: Archive) -> None:
    summary = run_import(archive, [REAL])
    rec = latest_records(archive, "flickr")["9700000002"]
    assert rec["created_at"] is None and rec["created_at_raw"] == "9999-12-31 23:59:59"
    warnings = [w for f in summary.files for w in f.warnings]
    assert any("photo_9700000002.json" in w and "not plausible" in w for w in warnings)


def test_gps_in_the_exif_block_is_sensitive(archive: Archive) -> None:
    run_import(archive, [REAL])
    rec = latest_records(archive, "flickr")["2600000001"]
    sensitive = json.loads(rec["sensitive_json"])
    assert set(sensitive["exif_gps"]) == {"GPS:GPSLatitude", "GPS:GPSLongitude"}
    raw = json.loads(rec["v_raw"])
    assert raw["exif"]["GPS:GPSLatitude"] == "[sensitive: kept in sensitive_json]"
    assert raw["exif"]["IFD0:Orientation"]["value"] == "Horizontal (normal)"
    shown = rec["v_text"] + rec["v_raw"] + rec["extra_json"]
    assert "35.0844" not in shown and "106 deg" not in shown and "35084400" not in shown
    # geo written as a list (another real shape) is sensitive too
    other = latest_records(archive, "flickr")["9700000002"]
    assert json.loads(other["sensitive_json"])["geo"][0]["latitude"] == "35100000"

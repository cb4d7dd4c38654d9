"""Originals after destruction: JSON items and CSV rows removed from an original that also
holds kept records (new bytes stored, audit linking old and new SHA-256 with the report),
an original of only destroyed records deleted, and one that cannot be split kept, with its
records listed one by one; every case passes verify."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import blobs
from retention_desk.archive.store import Archive
from retention_desk.disposal import record_approval, run_report
from retention_desk.disposal.destroy import destroy
from retention_desk.disposal.rewrite import Unsplittable, split
from retention_desk.importers.run import run_import
from tests.disposal.destroy_helpers import check_verify, prepare
from tests.today import agency_today

FLICKR = (
    Path(__file__).parents[1]
    / "fixtures"
    / "platforms"
    / "flickr"
    / "72157700000000000_abcdef12_part1"
)


def _approved(archive: Archive, query: str) -> int:
    rt.add_rule(archive, query, "T-SHORT")
    rt.classify(archive)
    report = run_report(archive, agency_today())
    record_approval(archive, report.number, by="Pat Official", on=agency_today())
    return report.number


def _original(archive: Archive, name: str) -> bytes | None:
    with archive.read() as conn:
        sha = conn.exec_driver_sql(
            "SELECT blob_sha256 FROM source_files WHERE name = ?", (name,)
        ).scalar()
        return blobs.read_bytes(conn, sha) if sha else None


def test_json_items_are_removed_from_an_original_that_keeps_records(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    run_import(tmp_archive, [FLICKR])
    before = json.loads(_original(tmp_archive, "photo_53500000001.json") or b"")
    assert len(before["comments"]) == 2
    number = _approved(tmp_archive, "platform:flickr kind:comment")
    result = destroy(tmp_archive, number)
    assert result.destroyed == 3 and not result.retained
    assert {o.action for o in result.originals} == {"rewritten"}
    after = json.loads(_original(tmp_archive, "photo_53500000001.json") or b"")
    assert after["comments"] == []
    assert {k: v for k, v in after.items() if k != "comments"} == {
        k: v for k, v in before.items() if k != "comments"
    }
    with tmp_archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT object_ids, details FROM audit_log WHERE action = 'disposal.original_rewritten'"
        ).all()
        stored = conn.exec_driver_sql(
            "SELECT old_sha256, new_sha256 FROM disposal_rewrites WHERE report_id = ?", (number,)
        ).all()
    assert len(rows) == 2
    details = [json.loads(r[1]) for r in rows]
    assert all(d["report"] == number and d["old_sha256"] != d["new_sha256"] for d in details)
    assert {(d["old_sha256"], d["new_sha256"]) for d in details} == {tuple(s) for s in stored}
    tmp_archive.close()
    check_verify(tmp_archive.path)


def test_an_original_that_cannot_be_split_is_kept_and_its_records_listed(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    run_import(tmp_archive, [FLICKR])
    # the photos go, their comments stay: a photo is its whole file
    number = _approved(tmp_archive, "platform:flickr kind:post")
    result = destroy(tmp_archive, number)
    assert result.destroyed == 3
    kept_in = {(r.source_file_id, r.reason) for r in result.retained}
    assert len(result.retained) == 2 and all("whole file" in r for _s, r in kept_in)
    actions = {o.action for o in result.originals}
    assert actions == {"retained", "removed"}
    # the photo without comments had nothing kept: its original is gone
    assert _original(tmp_archive, "photo_53500000002.json") is None
    assert _original(tmp_archive, "photo_53500000001.json") is not None
    tmp_archive.close()
    check_verify(tmp_archive.path)


def test_split_refuses_what_it_cannot_do_safely() -> None:
    with pytest.raises(Unsplittable, match="WACZ"):
        split(b"PK..", "site.wacz", "wacz", {}, ["site.wacz#r1"])
    with pytest.raises(Unsplittable, match="whole file"):
        split(b"{}", "a.json", "flickr", {}, ["a.json"])
    with pytest.raises(Unsplittable, match="no longer where"):
        split(b'{"items": [1]}', "a.json", "x", {}, ["a.json#items[3]"])
    data = b'window.YTD.tweets.part0 = [{"a": 1}, {"a": 2}, {"a": 3}]'
    out = split(data, "data/tweets.js", "x", {}, ["data/tweets.js[1]"])
    assert out.startswith(b"window.YTD.tweets.part0 = ")
    assert json.loads(out.split(b"= ", 1)[1]) == [{"a": 1}, {"a": 3}]
    csv_bytes = b'id,text\n1,one\n2,"two\nlines"\n3,three\n'
    out = split(csv_bytes, "a.csv", "csv", {"csv": {"encoding": "utf-8"}}, ["a.csv row 3 (line 3)"])
    assert out == b"id,text\n1,one\n3,three\n"


def test_split_keeps_the_file_when_the_item_is_not_the_imported_one() -> None:
    csv_bytes = b"id,text\n1,one\n2,two\n"
    with pytest.raises(Unsplittable, match="not the row"):
        split(
            csv_bytes,
            "a.csv",
            "csv",
            {},
            ["a.csv row 2 (line 2)"],
            {"a.csv row 2 (line 2)": '{"id": "2", "text": "two"}'},
        )
    out = split(
        csv_bytes,
        "a.csv",
        "csv",
        {},
        ["a.csv row 3 (line 3)"],
        {"a.csv row 3 (line 3)": '{"id": "2", "text": "two"}'},
    )
    assert out == b"id,text\n1,one\n"
    with pytest.raises(Unsplittable, match="not the one"):
        split(b'[{"a": 1}, {"a": 2}]', "a.json", "x", {}, ["a.json[0]"], {"a.json[0]": '{"a": 2}'})
    with pytest.raises(Unsplittable, match="repeats a key"):
        split(b'[{"a": 1, "a": 2}, {"b": 1}]', "a.json", "x", {}, ["a.json[1]"])


def _warc(path: Path, gz: bool) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [
        ("https://example.gov/a", "kept page about parks", "2026-11-30T10:00:00Z"),
        ("https://example.gov/b", "gone page zqwarc4242 text", "2020-01-02T10:00:00Z"),
        ("https://example.gov/c", "another kept page", "2026-11-30T11:00:00Z"),
    ]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        for url, words, when in pages:
            body = f"<html><body><p>{words}</p></body></html>".encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": when},
            )
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b"GET / HTTP/1.1\r\nCookie: zqcookie77\r\n\r\n"),
                warc_headers_dict={"WARC-Date": when},
            )
            request.rec_headers.add_header(
                "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
            )
            writer.write_record(response)
            writer.write_record(request)


@pytest.mark.parametrize("gz", [True, False], ids=["gzip-per-record", "plain"])
def test_warc_records_are_cut_out_with_their_request(
    tmp_archive: Archive, tmp_path: Path, gz: bool
) -> None:
    import gzip

    from warcio.archiveiterator import ArchiveIterator

    prepare(tmp_archive, tmp_path)
    name = "site.warc.gz" if gz else "site.warc"
    _warc(tmp_path / name, gz)
    run_import(tmp_archive, [tmp_path / name])
    number = _approved(tmp_archive, "zqwarc4242")
    result = destroy(tmp_archive, number)
    assert result.destroyed == 1 and not result.retained
    assert [o.action for o in result.originals] == ["rewritten"]
    data = _original(tmp_archive, name) or b""
    plain = gzip.decompress(data) if gz else data
    assert b"zqwarc4242" not in plain and plain.count(b"zqcookie77") == 2
    import io

    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(data))]
    assert kinds == ["response", "request", "response", "request"]
    tmp_archive.close()
    check_verify(tmp_archive.path)

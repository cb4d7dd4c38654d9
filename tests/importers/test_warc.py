"""WARC/ARC importer: real samples (counts computed here with warcio alone), hostile files
(truncation, garbage, secrets, bad digests) and synthetic captures written with warcio."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.run import ImportSummary, detect, run_import
from retention_desk.importers.web import warc_digest as wd
from retention_desk.importers.web.warc_payload import (
    content_type_charset,
    dechunk,
    decode_payload,
    mask_url,
    parse_http_head,
)
from retention_desk.importers.web.webtext import page_text

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile" / "warc"
HTML_TYPES = ("text/html", "application/json", "text/plain")


# ------------------------------------------------------------------------------- helpers
def warcio_expected(path: Path) -> dict[str, str]:
    """WARC-Record-ID -> record type of every record that must become a capture, decided by
    warcio alone: HTML/JSON/text responses and resources, and revisits."""
    found: dict[str, str] = {}
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type not in ("response", "resource", "revisit"):
                continue
            headers = record.http_headers
            ctype = headers.get_header("Content-Type") if headers else record.content_type
            mtype = (ctype or "").split(";")[0].strip().lower()
            if record.rec_type == "revisit" or mtype in HTML_TYPES:
                found[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_type
    return found


def do_import(archive: Archive, *paths: Path, fmt: str | None = None) -> ImportSummary:
    return run_import(archive, list(paths), ImportOptions(format=fmt))


def captures(archive: Archive) -> dict[str, dict[str, Any]]:
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT r.record_key, r.url, r.created_at, r.created_at_raw, r.extra_json,"
                " v.title, v.text, v.raw_json, r.kind FROM records r JOIN record_versions v"
                " ON v.record_id = r.id AND v.seq = r.version_count WHERE r.platform = 'web'"
            )
        ).all()
    return {
        r[0]: {
            "url": r[1],
            "created_at": r[2],
            "created_at_raw": r[3],
            "extra": json.loads(r[4]),
            "title": r[5],
            "text": r[6],
            "raw": json.loads(r[7]),
            "kind": r[8],
        }
        for r in rows
    }


def details(archive: Archive, name: str) -> dict[str, Any]:
    with archive.read() as conn:
        value = conn.execute(
            text("SELECT details_json FROM source_files WHERE name = :n ORDER BY id DESC"),
            {"n": name},
        ).scalar_one()
    return json.loads(value)


def http_response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
    *,
    status: str = "200 OK",
    date: str = "2024-05-01T12:00:00Z",
) -> Any:
    http = StatusAndHeaders(
        status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    return writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": date},
    )


def write_warc(path: Path, build: Callable[[WARCWriter], list[Any]], *, gz: bool = True) -> Path:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for record in build(writer):
            writer.write_record(record)
    return path


def build_secrets_warc(path: Path) -> Path:
    """The hostile fixture: credentials in a request record and a response's headers."""
    uri = "https://api.example.gov/v1/feed?page=2&access_token=SECRET789"

    def build(writer: WARCWriter) -> list[Any]:
        request = writer.create_warc_record(
            uri,
            "request",
            http_headers=StatusAndHeaders(
                "GET /v1/feed?page=2&access_token=SECRET789 HTTP/1.1",
                [
                    ("Host", "api.example.gov"),
                    ("Authorization", "Bearer SECRET123"),
                    ("Cookie", "sid=SECRET456; theme=dark"),
                ],
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": "2024-05-01T12:00:00Z"},
        )
        response = http_response(
            writer,
            uri,
            b"<html><head><title>Feed</title></head><body><p>Road closure on Main St"
            b" tonight.</p></body></html>",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Set-Cookie", "session=SECRETSETCOOKIE; HttpOnly"),
                ("Content-Location", "https://api.example.gov/v1/feed?access_token=SECRET789"),
            ],
        )
        return [response, request]

    return write_warc(path, build, gz=False)


# --------------------------------------------------------------------------- real samples
def test_example_warc_gz_captures_and_revisit(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example.warc.gz"
    expected = warcio_expected(path)
    summary = do_import(archive, path)
    assert summary.status == "completed", summary.to_dict()
    found = captures(archive)
    assert set(found) == set(expected)
    assert len(found) == 2
    response_id = next(k for k, t in expected.items() if t == "response")
    revisit_id = next(k for k, t in expected.items() if t == "revisit")
    response, revisit = found[response_id], found[revisit_id]
    assert response["title"] == "Example Domain"
    assert "illustrative examples" in response["text"]
    assert response["url"] == "http://example.com/"
    assert response["created_at_raw"] == "2017-03-06T04:02:06Z"
    assert response["created_at"].startswith("2017-03-06T04:02:06")
    extra = response["extra"]
    assert extra["http_status"] == 200
    assert extra["warc_record_id"] == response_id
    assert extra["fixity"] == {"block": "ok", "payload": "ok"}
    assert extra["decoded"] == ["gzip"]  # Content-Encoding: gzip body decoded
    assert extra["warcinfo_software"] == "Webrecorder Platform v3.7"
    # the revisit shows the original's page, with its own capture time
    assert revisit["text"] == response["text"]
    assert revisit["extra"]["revisit_of"] == response_id
    assert revisit["extra"]["fixity"]["payload"] == "ok"
    assert revisit["created_at_raw"] != response["created_at_raw"]
    info = details(archive, "example.warc.gz")
    assert info["records"] == 6 and info["captures"] == 2
    assert info["not_imported"] == {"request records": 2}
    assert info["revisits_resolved"] == 1


def test_offsets_locate_the_byte_exact_record(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example.warc.gz"
    do_import(archive, path)
    data = path.read_bytes()
    for key, capture in captures(archive).items():
        start, length = capture["extra"]["offset"], capture["extra"]["length"]
        member = gzip.decompress(data[start : start + length])
        assert member.startswith(b"WARC/1.0\r\n")
        assert f"WARC-Record-ID: {key}".encode() in member


def test_plain_and_gzip_give_the_same_captures(archive: Archive, samples: Path) -> None:
    do_import(archive, samples / "warc/warcio/example.warc.gz")
    first = captures(archive)
    summary = do_import(archive, samples / "warc/warcio/example.warc")
    assert summary.files[0].status == "imported"
    assert summary.files[0].added == 0 and summary.files[0].unchanged == 2
    second = captures(archive)
    assert {k: v["text"] for k, v in second.items()} == {k: v["text"] for k, v in first.items()}


def test_reimport_adds_nothing(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example.warc"
    do_import(archive, path)
    again = do_import(archive, path)
    assert again.files[0].status == "duplicate"
    assert again.totals()["added"] == 0
    assert len(captures(archive)) == 2


def test_chunked_payload_is_dechunked(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example-iana.org-chunked.warc"
    sizes = re.findall(rb"\r\n([0-9a-fA-F]{1,8})\r\n", path.read_bytes())
    assert b"001c37" in sizes  # the framing really is in the file
    do_import(archive, path)
    (capture,) = captures(archive).values()
    assert capture["title"] == "Internet Assigned Numbers Authority"
    assert "Internet Assigned Numbers Authority" in capture["text"]
    lines = set(capture["text"].splitlines())
    assert not any(size.decode() in lines for size in sizes)
    assert "001c37" not in capture["text"]
    assert capture["extra"]["decoded"] == ["chunked"]
    # warcprox writes hex digests: read correctly, not reported as mismatches
    assert capture["extra"]["fixity"] == {"block": "ok", "payload": "ok"}


def test_resource_record_becomes_capture(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example-resource.warc.gz"
    expected = warcio_expected(path)
    assert list(expected.values()) == ["resource"]
    do_import(archive, path)
    found = captures(archive)
    assert set(found) == set(expected)
    capture = next(iter(found.values()))
    assert capture["extra"]["warc_type"] == "resource"
    assert capture["title"] == "Example Domain"
    assert capture["extra"]["http_status"] is None


def test_post_responses_are_distinct_captures(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/post-test.warc.gz"
    expected = warcio_expected(path)
    assert len(expected) == 3
    do_import(archive, path)
    found = captures(archive)
    assert set(found) == set(expected)
    assert len({c["text"] for c in found.values()}) == 3  # same URL, different bodies
    assert sorted(c["url"] for c in found.values()).count("http://httpbin.org/post") == 2


def test_digest_encodings(archive: Archive, samples: Path) -> None:
    """example-digest.warc: payload digests in base32 (invalid), base64, base64 and base64url
    (SOURCES.md); every block digest is valid."""
    path = samples / "warc/warcio/example-digest.warc"
    declared = []
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            declared.append(record.rec_headers.get_header("WARC-Payload-Digest"))
    assert declared[0] == "sha1:1112H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"
    summary = do_import(archive, path)
    assert summary.files[0].status == "imported"
    info = details(archive, "example-digest.warc")
    assert info["records"] == 4 and info["captures"] == 0
    assert info["digest_unverifiable_count"] == 1
    assert info["digest_unverifiable"][0]["declared"] == declared[0]
    assert info["digest_mismatch_count"] == 0
    assert info["digests_ok"] == 4 + 3  # four block digests, three readable payload digests
    # the base64 and base64url forms both name the SHA-1 of the empty body
    empty = hashlib.sha1(b"").digest()
    for value in declared[1:]:
        parsed = wd.parse_digest(value)
        assert parsed is not None and parsed.value == empty
    assert {wd.parse_digest(v).encoding for v in declared[1:]} == {"base64", "base64url"}


def test_truncated_record_is_reported_not_dropped(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example-trunc.warc"
    expected = warcio_expected(path)
    summary = do_import(archive, path)
    result = summary.files[0]
    assert result.status == "imported"
    found = captures(archive)
    assert set(found) == set(expected) and len(found) == 1
    capture = next(iter(found.values()))
    assert capture["extra"]["truncated"] is True
    assert capture["extra"]["fixity"] == {"block": "mismatch", "payload": "mismatch"}
    assert "Example Domain" in capture["text"]  # what could be salvaged is kept
    assert any("truncated" in w for w in result.warnings)
    assert any("digest mismatch" in w for w in result.warnings)
    info = details(archive, "example-trunc.warc")
    assert info["truncated_count"] == 1 and info["digest_mismatch_count"] == 2
    assert info["records"] == 4  # the request after the bad record was still read


def test_arc_file_is_imported(archive: Archive, samples: Path) -> None:
    path = samples / "warc/warcio/example.arc.gz"
    with path.open("rb") as fh:
        arc = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
    summary = do_import(archive, path)
    assert summary.files[0].status == "imported" and summary.files[0].added == len(arc) == 1
    ((key, capture),) = captures(archive).items()
    assert key.startswith("arc:20140216050221:")
    assert capture["created_at"].startswith("2014-02-16T05:02:21")  # 14 digits, not an epoch
    assert capture["title"] == "Example Domain"
    assert capture["extra"]["warc_format"] == "arc"
    assert details(archive, "example.arc.gz")["format"] == "arc"


def test_sfm_api_capture_becomes_x_records(archive: Archive, samples: Path) -> None:
    path = samples / "warc/sfm-twitter-api/test_users.warc.gz"
    tweet_ids: set[str] = set()
    responses = 0
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            responses += 1
            assert record.http_headers.get_header("content-encoding") == "gzip"
            body = record.raw_stream.read()
            assert not body.startswith(b"\x1f\x8b")  # labelled gzip, stored decoded
            payload = json.loads(body)
            tweet_ids |= {t["id"] for t in payload["data"]}
            tweet_ids |= {t["id"] for t in payload["includes"].get("tweets", [])}
    summary = do_import(archive, path)
    assert summary.files[0].status == "imported"
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT r.record_key, r.author_handle, r.created_at, r.extra_json, v.text,"
                " v.text_raw, r.kind FROM records r JOIN record_versions v ON v.record_id = r.id"
                " WHERE r.platform = 'x'"
            )
        ).all()
    assert {r[0] for r in rows} == tweet_ids and len(tweet_ids) == 3
    by_key = {r[0]: r for r in rows}
    solid = by_key["1091786718775255040"]
    assert solid[1] == "SolidMyths" and solid[2].startswith("2019-02-02T19:53:32")
    assert "https://twitter.com/EileenAJoy/status/1091784515666604032" in solid[4]  # t.co expanded
    assert solid[5].startswith("So excited")
    assert by_key["1091784515666604032"][1] == "EileenAJoy"  # author from a mention
    extra = json.loads(solid[3])
    capture_keys = set(captures(archive))
    assert extra["capture"]["warc_record_id"] in capture_keys
    assert extra["capture"]["role"] == "listed"
    assert len(capture_keys) == responses == 2
    for capture in captures(archive).values():
        assert capture["extra"]["api"] == "twitter-api-v2"
        assert any("labelled gzip" in n for n in capture["extra"]["decoding_notes"])
        # the capture describes the response; the tweet text is searchable once, as 'x'
        assert "So excited" not in capture["text"]


def test_sfm_tweets_merge_across_files(archive: Archive, samples: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.warc"
    copy.write_bytes(
        gzip.decompress((samples / "warc/sfm-twitter-api/test_users.warc.gz").read_bytes())
    )
    do_import(archive, samples / "warc/sfm-twitter-api/test_users.warc.gz")
    summary = do_import(archive, copy)
    # same WARC records and same tweets: nothing new, no new versions
    assert summary.files[0].added == 0 and summary.files[0].new_versions == 0


# ------------------------------------------------------------------------ hostile files
def test_gzip_cut_inside_a_member(archive: Archive, samples: Path, tmp_path: Path) -> None:
    data = (samples / "warc/warcio/example.warc.gz").read_bytes()
    offsets = []
    with (samples / "warc/warcio/example.warc.gz").open("rb") as fh:
        iterator = ArchiveIterator(fh)
        for record in iterator:
            offsets.append((record.rec_type, iterator.get_record_offset()))
    revisit_at = dict(offsets)["revisit"]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: revisit_at + 300])  # in the middle of the revisit's member
    summary = do_import(archive, cut)
    result = summary.files[0]
    assert result.status == "imported"
    info = details(archive, "cut.warc.gz")
    assert info["partial"] is True
    assert any("cut short" in " ".join(t["reasons"]) for t in info["truncated"])
    assert any("read only in part" in w for w in result.warnings)
    response_id = next(
        k
        for k, t in warcio_expected(samples / "warc/warcio/example.warc.gz").items()
        if t == "response"
    )
    assert response_id in captures(archive)  # the records before the cut are kept


def test_whole_file_gzip(archive: Archive, samples: Path, tmp_path: Path) -> None:
    plain = samples / "warc/warcio/example.warc"
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    summary = do_import(archive, whole)
    assert summary.files[0].status == "imported"
    assert set(captures(archive)) == set(warcio_expected(plain))
    info = details(archive, "whole.warc.gz")
    assert info["compression"] == "gzip-whole-file"
    assert info["offsets"] == "decompressed stream"


def test_names_do_not_matter(archive: Archive, samples: Path, tmp_path: Path) -> None:
    fake_gz = tmp_path / "plain-but-named.warc.gz"
    shutil.copy(samples / "warc/warcio/example.warc", fake_gz)
    real_gz = tmp_path / "gzip-but-named.txt"
    shutil.copy(samples / "warc/warcio/example-resource.warc.gz", real_gz)
    summary = do_import(archive, fake_gz, real_gz)
    assert [f.status for f in summary.files] == ["imported", "imported"]
    assert len(captures(archive)) == 3


def test_zstd_warc_is_reported_unsupported(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.zst"
    path.write_bytes(b"\x28\xb5\x2f\xfd" + bytes(64))
    summary = do_import(archive, path)
    (result,) = summary.files
    assert result.status == "failed" and result.format == "warc"
    assert "Zstandard" in (result.error or "") and "not supported" in (result.error or "")


def test_garbage_between_records_is_skipped_and_reported(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    data = (samples / "warc/warcio/example.warc").read_bytes()
    response_at = data.index(b"WARC/1.0\r\nWARC-Target-URI")
    path = tmp_path / "garbage.warc"
    path.write_bytes(data[:response_at] + b"NOT A RECORD\r\nx\r\n\r\n" + data[response_at:])
    summary = do_import(archive, path)
    assert summary.files[0].status == "imported"
    assert set(captures(archive)) == set(warcio_expected(samples / "warc/warcio/example.warc"))
    info = details(archive, "garbage.warc")
    assert info["partial"] is True and info["skipped_bytes"] > 0
    assert "reading resumed" in info["framing_errors"][0]


def test_not_a_warc_at_all_is_not_claimed(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("just some text\n")
    detection = detect([path])
    assert not any(imp.name == "warc" for _, imp, _ in detection.claims)
    detection.close()


def test_secrets_never_reach_text_columns(archive: Archive, tmp_path: Path) -> None:
    fixture = HOSTILE / "secrets.warc"
    rebuilt = build_secrets_warc(tmp_path / "secrets.warc")
    raw = fixture.read_bytes()
    for secret in (b"SECRET123", b"SECRET456", b"SECRET789", b"SECRETSETCOOKIE"):
        assert secret in raw  # the fixture really carries them
    assert len(raw) > 0 and rebuilt.read_bytes().count(b"SECRET") == raw.count(b"SECRET")
    summary = do_import(archive, fixture)
    assert summary.files[0].status == "imported" and summary.files[0].added == 1
    (capture,) = captures(archive).values()
    assert "Road closure" in capture["text"]
    assert capture["url"] == "https://api.example.gov/v1/feed?page=2&access_token=***"
    with archive.read() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'blob_chunks'"
                )
            )
        ]
        hits = []
        for table in tables:
            columns = [c[1] for c in conn.execute(text(f'PRAGMA table_info("{table}")'))]
            for column in columns:
                count = conn.execute(
                    text(
                        f'SELECT count(*) FROM "{table}" WHERE typeof("{column}") = \'text\''
                        f" AND \"{column}\" GLOB '*SECRET[0-9A-Z]*'"
                    )
                ).scalar()
                if count:
                    hits.append(f"{table}.{column}")
        stored = conn.execute(text("SELECT count(*) FROM blob_chunks")).scalar()
    assert hits == []
    assert stored  # the byte-exact original (with its secrets) is kept as a blob


# -------------------------------------------------------------------- revisits across files
def _split_example(samples: Path, tmp_path: Path) -> tuple[Path, Path]:
    data = (samples / "warc/warcio/example.warc").read_bytes()
    revisit_at = data.index(
        b"WARC/1.0\r\nWARC-Target-URI: http://example.com/\r\nWARC-Date: 2017-03-06T04:03:48Z"
    )
    first, second = tmp_path / "a-first.warc", tmp_path / "b-second.warc"
    first.write_bytes(data[:revisit_at])
    second.write_bytes(data[revisit_at:])
    return first, second


def test_revisit_resolves_in_another_file_of_the_import(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "crawl"
    folder.mkdir()
    _split_example(samples, folder)
    summary = do_import(archive, folder)
    assert [f.status for f in summary.files] == ["imported", "imported"]
    found = captures(archive)
    revisit = next(c for c in found.values() if "revisit" in c["extra"])
    original = next(c for c in found.values() if "revisit" not in c["extra"])
    assert revisit["extra"]["revisit_of"] == original["extra"]["warc_record_id"]
    assert revisit["text"] == original["text"]


def test_revisit_resolves_from_an_earlier_import(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    first, second = _split_example(samples, tmp_path)
    do_import(archive, first)
    do_import(archive, second)
    revisit = next(c for c in captures(archive).values() if "revisit" in c["extra"])
    assert revisit["extra"]["revisit_of"] is not None
    assert "illustrative examples" in revisit["text"]


def test_unresolved_revisit_is_kept_with_a_note(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    _, second = _split_example(samples, tmp_path)
    summary = do_import(archive, second)
    (capture,) = captures(archive).values()
    assert capture["text"].startswith("[Revisit of http://example.com/")
    assert capture["extra"]["revisit_unresolved"]
    assert capture["extra"]["fixity"]["payload"] == "unverifiable"
    assert any("was not found" in w for w in summary.files[0].warnings)


def test_revisit_by_payload_digest(archive: Archive, tmp_path: Path) -> None:
    body = b"<html><head><title>Notice</title></head><body><p>Budget hearing</p></body></html>"
    digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()

    def build(writer: WARCWriter) -> list[Any]:
        original = http_response(writer, "https://city.example/a", body)
        revisit = writer.create_revisit_record(
            "https://city.example/b",  # a different URL: uri-agnostic deduplication
            digest,
            "",
            "",
            http_headers=StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
            ),
            warc_headers_dict={"WARC-Date": "2024-06-01T00:00:00Z"},
        )
        return [revisit, original]  # the original comes later in the file

    do_import(archive, write_warc(tmp_path / "dedup.warc.gz", build))
    found = captures(archive)
    revisit = next(c for c in found.values() if "revisit" in c["extra"])
    assert revisit["extra"]["revisit"]["resolved_by"] == "payload digest"
    assert revisit["text"] == "Budget hearing" and revisit["url"] == "https://city.example/b"


# --------------------------------------------------------------------- synthetic payloads
@pytest.mark.parametrize("encoding", ["br", "gzip", "deflate"])
def test_content_encodings_decode(archive: Archive, tmp_path: Path, encoding: str) -> None:
    html = "<html><head><title>Compressed</title></head><body><p>Água fría — ok</p></body></html>"
    raw = html.encode("utf-8")
    body = {
        "br": brotli.compress(raw),
        "gzip": gzip.compress(raw),
        "deflate": __import__("zlib").compress(raw),
    }[encoding]
    path = write_warc(
        tmp_path / f"{encoding}.warc.gz",
        lambda w: [
            http_response(
                w,
                "https://example.org/",
                body,
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", encoding)],
            )
        ],
    )
    do_import(archive, path)
    (capture,) = captures(archive).values()
    assert capture["title"] == "Compressed"
    assert capture["text"] == "Água fría — ok"
    assert capture["extra"]["decoded"] == [encoding]
    assert capture["extra"]["fixity"] == {"block": "ok", "payload": "ok"}


def test_script_style_and_hidden_text_are_dropped(archive: Archive, tmp_path: Path) -> None:
    html = (
        b"<html><head><title>Page</title><style>p{color:red}</style>"
        b"<script>var leaked = 'SCRIPTTEXT';</script></head><body>"
        b"<p>Visible <b>bold</b> words</p><script>alert(1)</script>"
        b"<noscript>enable javascript</noscript><template>tpl text</template>"
        b"<div>Second\n   block</div></body></html>"
    )
    path = write_warc(
        tmp_path / "script.warc.gz", lambda w: [http_response(w, "https://example.org/", html)]
    )
    do_import(archive, path)
    (capture,) = captures(archive).values()
    assert capture["text"] == "Visible bold words\nSecond block"
    for hidden in ("alert(1)", "SCRIPTTEXT", "color:red", "enable javascript", "tpl text"):
        assert hidden not in capture["text"]


def test_non_html_resources_are_counted_not_recorded(archive: Archive, tmp_path: Path) -> None:
    def build(writer: WARCWriter) -> list[Any]:
        return [
            http_response(writer, "https://example.org/", b"<title>Home</title><p>Hi</p>"),
            http_response(
                writer, "https://example.org/a.png", b"\x89PNG..", [("Content-Type", "image/png")]
            ),
            http_response(
                writer, "https://example.org/s.css", b"p{}", [("Content-Type", "text/css")]
            ),
            http_response(
                writer,
                "https://example.org/old",
                b"moved",
                [("Content-Type", "text/html"), ("Location", "https://example.org/")],
                status="301 Moved Permanently",
            ),
        ]

    do_import(archive, write_warc(tmp_path / "mixed.warc.gz", build))
    assert len(captures(archive)) == 1
    info = details(archive, "mixed.warc.gz")
    assert info["not_imported"] == {"image/png": 1, "text/css": 1, "redirects": 1}


def test_raw_json_has_headers_with_cookies_masked(archive: Archive, tmp_path: Path) -> None:
    do_import(archive, build_secrets_warc(tmp_path / "s.warc"))
    (capture,) = captures(archive).values()
    raw = capture["raw"]
    assert dict(raw["http_headers"])["Set-Cookie"] == "***"
    assert dict(raw["warc_headers"])["WARC-Type"] == "response"
    assert "Road closure" not in json.dumps(raw)  # the body stays in the original


@pytest.mark.parametrize(
    ("body", "header", "expected_codec", "source"),
    [
        ("Café".encode("cp1252"), "text/html; charset=iso-8859-1", "cp1252", "http"),
        (b'<meta charset="windows-1252"><p>Caf\xe9</p>', "text/html", "cp1252", "meta"),
        ("<p>Café</p>".encode(), "text/html", "utf-8", "utf-8"),
        (b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>", "text/html; charset=windows-1252", "utf-8", "bom"),
    ],
)
def test_charset_order(body: bytes, header: str, expected_codec: str, source: str) -> None:
    page = page_text(body, content_type_charset(header), "html")
    assert page.text.endswith("Café")
    assert (page.charset, page.charset_source) == (expected_codec, source)


def test_charset_sniff_for_undeclared_legacy_text() -> None:
    body = ("<p>" + "Señor Peña, la reunión del año es el miércoles. " * 20 + "</p>").encode(
        "cp1252"
    )
    page = page_text(body, None, "html")
    assert page.charset_source == "sniff"
    assert "reunión" in page.text


def test_dechunk_falls_back_on_invalid_framing() -> None:
    head = parse_http_head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    good = decode_payload(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", head)
    assert good.data == b"hello world" and good.steps == ["chunked"]
    bad = decode_payload(b"<html>not chunked at all</html>", head)
    assert bad.data == b"<html>not chunked at all</html>" and bad.steps == []
    assert dechunk(b"5\r\nhelloXX3\r\nabc\r\n") is None


def test_mislabelled_gzip_is_kept_as_stored() -> None:
    head = parse_http_head(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n")
    result = decode_payload(b'{"data": []}', head)
    assert result.data == b'{"data": []}' and result.steps == []
    assert result.notes and "labelled gzip" in result.notes[0]


def test_mask_url() -> None:
    assert mask_url("https://a.example/x?access_token=abc&q=budget") == (
        "https://a.example/x?access_token=***&q=budget"
    )
    assert mask_url("https://user:pw@a.example/") == "https://***@a.example/"
    assert mask_url("https://a.example/cb#access_token=abc&state=1") == (
        "https://a.example/cb#access_token=***&state=1"
    )
    assert mask_url("https://a.example/search?author=smith") == (
        "https://a.example/search?author=smith"
    )


# ------------------------------------------------------------------------- digests (unit)
@given(
    raw=st.sampled_from([20, 32, 16]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
    encoding=st.sampled_from(["hex", "base32", "base64", "base64url"]),
    strip_padding=st.booleans(),
    upper=st.booleans(),
)
def test_digest_normalisation_round_trips(
    raw: bytes, encoding: str, strip_padding: bool, upper: bool
) -> None:
    algorithm = {20: "sha1", 32: "sha256", 16: "md5"}[len(raw)]
    value = wd.encode_digest(raw, encoding)
    if strip_padding:
        value = value.rstrip("=")
    if upper and encoding == "hex":
        value = value.upper()
    parsed = wd.parse_digest(f"{algorithm.upper() if upper else algorithm}:{value}")
    assert parsed is not None and parsed.value == raw
    assert parsed.normalised == f"{algorithm}:{raw.hex()}"


@given(st.text(max_size=80))
def test_digest_parsing_is_total(value: str) -> None:
    parsed = wd.parse_digest(value)
    assert parsed is None or parsed.value is None or len(parsed.value) in (16, 20, 32, 64)


def test_digest_statuses() -> None:
    raw = hashlib.sha1(b"x").digest()
    good = wd.parse_digest("sha1:" + base64.b32encode(raw).decode())
    assert wd.check(good, raw) == wd.OK
    assert wd.check(good, hashlib.sha1(b"y").digest()) == wd.MISMATCH
    assert wd.check(wd.parse_digest("whirlpool:abc"), raw) == wd.UNVERIFIABLE
    assert wd.check(None, raw) == wd.ABSENT


# ------------------------------------------------------------------- more synthetic cases
def test_warc_truncated_header_is_reported(archive: Archive, tmp_path: Path) -> None:
    def build(writer: WARCWriter) -> list[Any]:
        record = http_response(writer, "https://example.org/big", b"<title>Big</title><p>Start")
        record.rec_headers.add_header("WARC-Truncated", "length")
        return [record]

    summary = do_import(archive, write_warc(tmp_path / "t.warc.gz", build))
    (capture,) = captures(archive).values()
    assert capture["extra"]["truncated"] is True
    assert capture["extra"]["truncated_reasons"] == ["WARC-Truncated: length"]
    assert capture["text"] == "Start"
    assert any("truncated" in w for w in summary.files[0].warnings)


def test_revisit_of_an_image_is_counted_not_recorded(archive: Archive, tmp_path: Path) -> None:
    def build(writer: WARCWriter) -> list[Any]:
        image = http_response(
            writer, "https://example.org/logo.png", b"\x89PNG\r\n", [("Content-Type", "image/png")]
        )
        digest = image.rec_headers.get_header("WARC-Payload-Digest")
        revisit = writer.create_revisit_record(
            "https://example.org/logo.png",
            digest,
            "https://example.org/logo.png",
            "2024-05-01T12:00:00Z",
            http_headers=StatusAndHeaders(
                "200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"
            ),
        )
        return [image, revisit]

    do_import(archive, write_warc(tmp_path / "img.warc.gz", build))
    assert captures(archive) == {}
    info = details(archive, "img.warc.gz")
    assert info["not_imported"] == {"image/png": 1, "revisits of image/png": 1}


def test_twitter_api_v1_timeline(archive: Archive, tmp_path: Path) -> None:
    big_id = "1324820559981674503"  # beyond 2**53: must survive as a string
    timeline = [
        {
            "id": int(big_id),
            "id_str": big_id,
            "created_at": "Fri Nov 06 20:00:00 +0000 2020",
            "full_text": "Polls close at 7 &amp; results follow https://t.co/abc",
            "entities": {
                "urls": [{"url": "https://t.co/abc", "expanded_url": "https://sos.example/r"}]
            },
            "user": {"id_str": "42", "screen_name": "CountyClerk", "name": "County Clerk"},
            "in_reply_to_status_id_str": "1324820559981670000",
        }
    ]
    body = json.dumps(timeline).encode()
    uri = "https://api.twitter.com/1.1/statuses/user_timeline.json?screen_name=CountyClerk"
    path = write_warc(
        tmp_path / "v1.warc.gz",
        lambda w: [http_response(w, uri, body, [("Content-Type", "application/json")])],
    )
    do_import(archive, path)
    with archive.read() as conn:
        row = conn.execute(
            text(
                "SELECT r.record_key, r.kind, r.parent_key, r.author_handle, v.text, v.text_raw"
                " FROM records r JOIN record_versions v ON v.record_id = r.id"
                " WHERE r.platform = 'x'"
            )
        ).one()
    assert row[0] == big_id and row[1] == "reply" and row[2] == "1324820559981670000"
    assert row[3] == "CountyClerk"
    assert row[4] == "Polls close at 7 & results follow https://sos.example/r"
    assert row[5] == timeline[0]["full_text"]


def test_detect_and_preview(samples: Path, tmp_path: Path) -> None:
    from retention_desk.importers.run import preview

    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(samples / "warc/warcio/example.warc.gz", folder / "a.warc.gz")
    shutil.copy(samples / "warc/warcio/example.arc.gz", folder / "b.arc.gz")
    (folder / "readme.txt").write_text("not an archive")
    detection = detect([folder])
    try:
        (claim,) = [c for _, imp, c in detection.claims if imp.name == "warc"]
        assert claim.files == ["a.warc.gz", "b.arc.gz"]
        assert "legacy ARC" in claim.label
        (view,) = [p for p in preview(detection) if p.format == "warc"]
        assert view.approx_records == 3  # response + revisit, and the ARC response
        assert view.date_from is not None and view.date_from.year == 2014
    finally:
        detection.close()


def test_cut_compressed_body_is_reported(archive: Archive, tmp_path: Path) -> None:
    words = b" ".join(b"item%d" % i for i in range(3000))
    page = b"<html><head><title>Cut</title></head><body><p>" + words + b"</p>"
    body = gzip.compress(page)[:-40]  # the record is whole, the gzip body inside is not
    path = write_warc(
        tmp_path / "cutbody.warc.gz",
        lambda w: [
            http_response(
                w,
                "https://example.org/",
                body,
                [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            )
        ],
    )
    summary = do_import(archive, path)
    (capture,) = captures(archive).values()
    assert capture["extra"]["truncated"] is True
    assert capture["text"].startswith("item0 item1 item2") and "item2500" in capture["text"]
    assert capture["extra"]["fixity"] == {"block": "ok", "payload": "ok"}
    assert details(archive, "cutbody.warc.gz")["truncated_count"] == 1
    assert any("compressed body ends early" in w for w in summary.files[0].warnings)

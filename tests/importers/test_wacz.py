"""WACZ importer: the two real py-wacz packages (1.0.0 unsigned, 1.1.1 signed) with counts
computed here from the zip itself, tampered packages, path tricks, and synthetic packages
built with warcio."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from retention_desk.archive import Archive
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.run import ImportSummary, run_import

UNSIGNED = "wacz/py-wacz/valid_example_1.wacz"
SIGNED = "wacz/py-wacz/valid_signed_example_1.wacz"


# ------------------------------------------------------------------------------- helpers
def do_import(archive: Archive, *paths: Path) -> ImportSummary:
    return run_import(archive, list(paths), ImportOptions())


def captures(archive: Archive) -> dict[str, dict[str, Any]]:
    with archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT r.record_key, r.url, r.extra_json, v.title, v.text FROM records r"
                " JOIN record_versions v ON v.record_id = r.id AND v.seq = r.version_count"
                " WHERE r.platform = 'web'"
            )
        ).all()
    return {
        r[0]: {"url": r[1], "extra": json.loads(r[2]), "title": r[3], "text": r[4]} for r in rows
    }


def source_details(archive: Archive, name: str) -> tuple[str, dict[str, Any], str | None]:
    with archive.read() as conn:
        status, details, error = conn.execute(
            text(
                "SELECT status, details_json, error FROM source_files WHERE name = :n"
                " ORDER BY id DESC"
            ),
            {"n": name},
        ).first()
    return status, json.loads(details), error


def zip_expected(path: Path) -> tuple[set[str], list[dict[str, Any]], dict[str, Any]]:
    """(capture record ids, pages, datapackage) read straight from the package with warcio."""
    with zipfile.ZipFile(path) as zf:
        package = json.loads(zf.read("datapackage.json"))
        pages = [
            json.loads(line)
            for line in zf.read("pages/pages.jsonl").decode().splitlines()[1:]
            if line.strip()
        ]
        ids = set()
        for name in zf.namelist():
            if not name.startswith("archive/"):
                continue
            for record in ArchiveIterator(io.BytesIO(zf.read(name))):
                if record.rec_type == "response" and "html" in (
                    record.http_headers.get_header("Content-Type") or ""
                ):
                    ids.add(record.rec_headers.get_header("WARC-Record-ID"))
    return ids, pages, package


def rewrite_zip(source: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """Copy a zip, replacing (bytes) or dropping (None) members; new members are appended."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    dst.writestr(info, changes[info.filename])
                continue
            dst.writestr(info, src.read(info))
        for name, data in changes.items():
            if name not in src.namelist() and data is not None:
                dst.writestr(name, data)
    return target


def warc_bytes(pages: list[tuple[str, bytes, str]], revisit_of: bytes | None = None) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for uri, body, date in pages:
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": date},
            )
        )
    if revisit_of is not None:
        digest = "sha1:" + base64.b32encode(hashlib.sha1(revisit_of).digest()).decode()
        writer.write_record(
            writer.create_revisit_record(
                "https://agency.example/",
                digest,
                "https://agency.example/",
                "2024-01-01T00:00:00Z",
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"
                ),
                warc_headers_dict={"WARC-Date": "2024-02-01T00:00:00Z"},
            )
        )
    return out.getvalue()


def build_wacz(
    path: Path,
    members: dict[str, bytes],
    *,
    listed: list[str] | None = None,
    paths: dict[str, str] | None = None,
    digest_file: bool = False,
) -> Path:
    """A WACZ 1.1.1 with a correct datapackage.json over `listed` members (default: all)."""
    listed = list(members) if listed is None else listed
    resources = [
        {
            "name": name.rsplit("/", 1)[-1],
            "path": (paths or {}).get(name, name),
            "hash": "sha256:" + hashlib.sha256(members[name]).hexdigest(),
            "bytes": len(members[name]),
        }
        for name in listed
    ]
    package = json.dumps(
        {"profile": "data-package", "resources": resources, "wacz_version": "1.1.1"}
    ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("datapackage.json", package)
        if digest_file:
            zf.writestr(
                "datapackage-digest.json",
                json.dumps(
                    {
                        "path": "datapackage.json",
                        "hash": "sha256:" + hashlib.sha256(package).hexdigest(),
                    }
                ),
            )
    return path


def pages_jsonl(*entries: dict[str, Any]) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}, *entries]
    return "\n".join(json.dumps(e) for e in lines).encode() + b"\n"


# --------------------------------------------------------------------------- real samples
def test_unsigned_1_0_0_package(archive: Archive, samples: Path) -> None:
    path = samples / UNSIGNED
    ids, pages, package = zip_expected(path)
    summary = do_import(archive, path)
    (result,) = summary.files
    assert result.status == "imported" and result.format == "wacz"
    found = captures(archive)
    assert set(found) == ids and len(ids) == 1
    status, details, _ = source_details(archive, "valid_example_1.wacz")
    assert status == "imported"
    assert details["wacz_version"] == package["wacz_version"] == "1.0.0"
    assert details["resources_verified"] == len(package["resources"]) == 4
    assert details["signature"] == {"present": False, "signed": False}
    assert details["pages"] == {"listed": len(pages), "found": len(pages), "not_found": []}
    capture = next(iter(found.values()))
    assert capture["extra"]["page"]["title"] == pages[0]["title"]
    assert capture["extra"]["wacz"] == "valid_example_1.wacz"
    assert capture["extra"]["warc_file"].startswith("archive/")


def test_signed_1_1_1_package(archive: Archive, samples: Path) -> None:
    path = samples / SIGNED
    ids, pages, package = zip_expected(path)
    with zipfile.ZipFile(path) as zf:
        signed = json.loads(zf.read("datapackage-digest.json"))["signedData"]
    summary = do_import(archive, path)
    assert summary.files[0].status == "imported"
    found = captures(archive)
    assert set(found) == ids and len(ids) == 2
    _, details, _ = source_details(archive, "valid_signed_example_1.wacz")
    signature = details["signature"]
    assert signature["signed"] is True and signature["digest_ok"] is True
    assert signature["signer_domain"] == signed["domain"]
    assert signature["time_signature"] is True
    assert signature["software"] == signed["software"] == "authsigner 0.3.0"
    assert details["software"] == package["software"]
    page_urls = {p["url"] for p in pages}
    titled = [c for c in found.values() if c["url"] in page_urls]
    assert titled and all(c["extra"]["page"]["title"] == "Example Domain" for c in titled)


def test_reimport_adds_nothing(archive: Archive, samples: Path) -> None:
    do_import(archive, samples / SIGNED)
    again = do_import(archive, samples / SIGNED)
    assert again.files[0].status == "duplicate" and again.totals()["added"] == 0


# ------------------------------------------------------------------------ tampered packages
def test_tampered_member_fails_naming_it(archive: Archive, samples: Path, tmp_path: Path) -> None:
    source = samples / SIGNED
    with zipfile.ZipFile(source) as zf:
        pages = zf.read("pages/pages.jsonl")
    tampered = rewrite_zip(
        source,
        tmp_path / "tampered.wacz",
        {"pages/pages.jsonl": pages.replace(b"Example", b"Exampel")},
    )
    summary = do_import(archive, tampered)
    (result,) = summary.files
    assert result.status == "failed"
    assert "pages/pages.jsonl" in (result.error or "") and "altered" in (result.error or "")
    status, _, error = source_details(archive, "tampered.wacz")
    assert status == "failed" and "pages/pages.jsonl" in (error or "")  # kept, quarantined
    assert captures(archive) == {}


def test_tampered_warc_fails(archive: Archive, samples: Path, tmp_path: Path) -> None:
    source = samples / UNSIGNED
    with zipfile.ZipFile(source) as zf:
        warc = zf.read("archive/example-collection.warc")
    tampered = rewrite_zip(
        source, tmp_path / "bad-warc.wacz", {"archive/example-collection.warc": warc + b"\r\n"}
    )
    summary = do_import(archive, tampered)
    assert summary.files[0].status == "failed"
    assert "archive/example-collection.warc" in (summary.files[0].error or "")


def test_datapackage_changed_after_signing_fails(
    archive: Archive, samples: Path, tmp_path: Path
) -> None:
    source = samples / SIGNED
    with zipfile.ZipFile(source) as zf:
        package = json.loads(zf.read("datapackage.json"))
    package["title"] = "Edited later"
    tampered = rewrite_zip(
        source, tmp_path / "resigned.wacz", {"datapackage.json": json.dumps(package).encode()}
    )
    summary = do_import(archive, tampered)
    assert summary.files[0].status == "failed"
    assert "altered after it was signed" in (summary.files[0].error or "")


def test_resource_path_outside_the_package_is_refused(archive: Archive, tmp_path: Path) -> None:
    page = b"<title>Home</title><p>Hello</p>"
    members = {
        "archive/data.warc.gz": warc_bytes([("https://a.example/", page, "2024-01-01T00:00:00Z")])
    }
    path = build_wacz(
        tmp_path / "escape.wacz", members, paths={"archive/data.warc.gz": "archive/../../etc/x"}
    )
    summary = do_import(archive, path)
    assert summary.files[0].status == "failed"
    assert "outside the package" in (summary.files[0].error or "")


def test_listed_member_missing_fails(archive: Archive, tmp_path: Path) -> None:
    page = b"<title>Home</title><p>Hello</p>"
    members = {
        "archive/data.warc.gz": warc_bytes([("https://a.example/", page, "2024-01-01T00:00:00Z")])
    }
    path = build_wacz(tmp_path / "missing.wacz", members)
    broken = rewrite_zip(path, tmp_path / "missing2.wacz", {"archive/data.warc.gz": None})
    # still looks like a WACZ (datapackage.json and archive/ folder) only if something is
    # left under archive/: add an unlisted WARC, which must not be opened either
    broken = rewrite_zip(
        broken,
        tmp_path / "missing3.wacz",
        {"archive/other.warc.gz": members["archive/data.warc.gz"]},
    )
    summary = do_import(archive, broken)
    assert summary.files[0].status == "failed"
    assert "archive/data.warc.gz is listed in datapackage.json but missing" in (
        summary.files[0].error or ""
    )


# ------------------------------------------------------------------------ synthetic packages
def test_only_listed_members_are_read_and_pages_text_fills_gaps(
    archive: Archive, tmp_path: Path
) -> None:
    empty_page = b"<html><head><title>App</title></head><body><div id=app></div></body></html>"
    listed_warc = warc_bytes([("https://agency.example/app", empty_page, "2024-01-01T00:00:00Z")])
    unlisted_warc = warc_bytes(
        [("https://agency.example/hidden", b"<p>hidden text</p>", "2024-01-01T00:00:00Z")]
    )
    members = {
        "archive/a.warc.gz": listed_warc,
        "archive/unlisted.warc.gz": unlisted_warc,
        "pages/pages.jsonl": pages_jsonl(
            {
                "url": "https://agency.example/app",
                "ts": "2024-01-01T00:00:01Z",
                "title": "App",
                "text": "Rendered by script: water main repair schedule",
            },
            {"url": "https://agency.example/never-captured", "ts": "2024-01-01T00:00:02Z"},
        ),
    }
    path = build_wacz(
        tmp_path / "pkg.wacz",
        members,
        listed=["archive/a.warc.gz", "pages/pages.jsonl"],
        digest_file=True,
    )
    summary = do_import(archive, path)
    (result,) = summary.files
    assert result.status == "imported"
    (capture,) = captures(archive).values()
    assert capture["text"] == "Rendered by script: water main repair schedule"
    assert capture["extra"]["text_source"] == "pages.jsonl"
    _, details, _ = source_details(archive, "pkg.wacz")
    assert details["unlisted_members"] == ["archive/unlisted.warc.gz"]
    assert details["signature"]["present"] is True and details["signature"]["signed"] is False
    assert details["pages"]["not_found"] == ["https://agency.example/never-captured"]
    assert any("never-captured" in w for w in result.warnings)


def test_revisit_across_warcs_of_one_package(archive: Archive, tmp_path: Path) -> None:
    body = b"<html><head><title>Agency</title></head><body><p>Office hours 8-5</p></body></html>"
    members = {
        "archive/1.warc.gz": warc_bytes(
            [("https://agency.example/", body, "2024-01-01T00:00:00Z")]
        ),
        "archive/2.warc.gz": warc_bytes([], revisit_of=body),
    }
    do_import(archive, build_wacz(tmp_path / "two.wacz", members))
    found = captures(archive)
    assert len(found) == 2
    revisit = next(c for c in found.values() if "revisit" in c["extra"])
    assert revisit["text"] == "Office hours 8-5"
    assert revisit["extra"]["warc_file"] == "archive/2.warc.gz"


def test_wacz_inside_a_zip(archive: Archive, samples: Path, tmp_path: Path) -> None:
    outer = tmp_path / "download.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.write(samples / SIGNED, "exports/crawl.wacz")
    summary = do_import(archive, outer)
    imported = [f for f in summary.files if f.status == "imported"]
    assert [f.format for f in imported] == ["wacz"]
    ids, _, _ = zip_expected(samples / SIGNED)
    assert set(captures(archive)) == ids

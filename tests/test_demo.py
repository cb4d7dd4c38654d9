"""The demo archive: synthetic, deterministic, written through the real APIs, verifiable."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.demo import DEMO_SETTINGS, build_demo_archive, ensure_demo_archive
from retention_desk.demo.content import HOSTILE_AUTHOR
from retention_desk.demo.png import gradient_png


def _texts(path: Path) -> list[tuple[str, str, int, str]]:
    with Archive.open(path) as archive, archive.read() as conn:
        rows = conn.execute(
            text(
                "SELECT r.platform, r.record_key, v.seq, v.text FROM records r"
                " JOIN record_versions v ON v.record_id = r.id ORDER BY r.platform, r.record_key,"
                " v.seq"
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_archive(tmp_path_factory.mktemp("demo") / "demo.rdesk")


def test_demo_is_deterministic(demo: Path, tmp_path: Path) -> None:
    again = build_demo_archive(tmp_path / "again.rdesk")
    first, second = _texts(demo), _texts(again)
    assert len(first) == len(second) > 1500
    assert first == second


def test_demo_size_and_variety(demo: Path) -> None:
    with Archive.open(demo) as archive, archive.read() as conn:

        def one(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar_one())

        records = one("SELECT count(*) FROM records")
        assert 1500 <= records <= 3000
        platforms = {r[0] for r in conn.execute(text("SELECT DISTINCT platform FROM records"))}
        # web: a capture of the Instagram page (the Oversight page's statements evidence)
        assert platforms == {"facebook", "x", "instagram", "youtube", "web"}
        kinds = {r[0] for r in conn.execute(text("SELECT DISTINCT kind FROM records"))}
        assert kinds == {
            "post",
            "comment",
            "reply",
            "message",
            "page",
            "capture",
            "subscriber_list",
        }
        assert one("SELECT count(*) FROM records WHERE version_count > 1") > 20  # edits
        assert one("SELECT count(*) FROM records WHERE deleted_at IS NOT NULL") > 10
        assert one("SELECT count(*) FROM records WHERE hidden_at IS NOT NULL") > 5
        # direct messages are restricted and grouped in conversations
        assert one("SELECT count(*) FROM records WHERE kind = 'message' AND NOT restricted") == 0
        assert one("SELECT count(DISTINCT conversation_key) FROM records WHERE kind='message'") > 3
        # replies are linked to their parents in the archive
        assert one("SELECT count(*) FROM records WHERE parent_key IS NOT NULL") > 500
        assert (
            one("SELECT count(*) FROM records WHERE parent_key IS NOT NULL AND parent_id IS NULL")
            == 0
        )
        # X ids beyond 2**53 stay exact text
        big = conn.execute(text("SELECT record_key FROM records WHERE platform = 'x' LIMIT 1"))
        assert int(big.scalar_one()) > 2**53
        # hostile strings are there for the GUI to show literally
        hostile = one(
            "SELECT count(*) FROM record_versions WHERE text LIKE '%<b>not bold</b>%'"
            " OR text = '=1+1'"
        )
        assert hostile > 0
        marked_up = conn.execute(
            text("SELECT count(*) FROM records WHERE author_name = :n"), {"n": HOSTILE_AUTHOR}
        )
        assert marked_up.scalar_one() > 0
        assert one("SELECT count(*) FROM media WHERE missing") > 0  # videos not in the export
        png = conn.execute(
            text(
                "SELECT c.data FROM media m JOIN blob_chunks c ON c.sha256 = m.blob_sha256"
                " WHERE m.mime_type = 'image/png' LIMIT 1"
            )
        ).scalar_one()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert archive_settings(demo) == DEMO_SETTINGS


def archive_settings(path: Path):
    with Archive.open(path) as archive:
        return archive.settings()


def test_demo_provenance_and_audit(demo: Path) -> None:
    with Archive.open(demo) as archive, archive.read() as conn:
        sources = conn.execute(
            text(
                "SELECT name, status, detected_format, blob_sha256, sha256 FROM source_files"
                " WHERE detected_format = 'demo' ORDER BY id"
            )
        ).all()
        # three synthetic passes (two exports, the pages); the follower snapshots come from
        # two synthetic X archives imported through the real importer
        assert len(sources) == 3
        assert all(s[1] == "imported" and s[3] == s[4] for s in sources)
        others = conn.execute(
            text("SELECT count(*) FROM source_files WHERE detected_format <> 'demo'")
        ).scalar_one()
        assert others > 0
        original = b"".join(
            r[0]
            for r in conn.execute(
                text("SELECT data FROM blob_chunks WHERE sha256 = :s ORDER BY seq"),
                {"s": sources[0][3]},
            )
        )
        described = json.loads(original)
        assert described["generator"] == "retention_desk.demo"
        batches = conn.execute(text("SELECT status FROM import_batches")).all()
        assert len(batches) == 5 and {b[0] for b in batches} == {"completed"}
        audits = conn.execute(
            text("SELECT details FROM audit_log WHERE action = 'import.source_file' ORDER BY id")
        ).all()
        details = [json.loads(a[0]) for a in audits]
        counts = [d["counts"] for d in details if d.get("format") == "demo"]
        assert counts[0]["added"] > 1500
        assert counts[1]["new_versions"] > 0 and counts[1]["flagged_deleted"] > 0


def test_demo_passes_verify(demo_copy_for_verify: Path) -> None:
    with Archive.open(demo_copy_for_verify) as archive:
        report = verify_archive(archive)
    assert report.ok, report.failures


@pytest.fixture
def demo_copy_for_verify(demo: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy.rdesk"
    dest.write_bytes(demo.read_bytes())
    return dest


def test_ensure_builds_once_and_rebuilds_on_request(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "demo.rdesk"
    built = ensure_demo_archive(path)
    with Archive.open(built) as archive:
        uuid = _uuid(archive)
    assert ensure_demo_archive(path) == built
    with Archive.open(built) as archive:
        assert _uuid(archive) == uuid  # kept, not rebuilt
    ensure_demo_archive(path, rebuild=True)
    with Archive.open(built) as archive:
        assert _uuid(archive) != uuid


def _uuid(archive: Archive) -> str:
    with archive.read() as conn:
        return str(
            conn.execute(text("SELECT value FROM settings WHERE key='archive.uuid'")).scalar_one()
        )


def test_failed_build_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from retention_desk.demo import build as build_mod

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_mod, "_import_pass", boom)
    path = tmp_path / "broken.rdesk"
    with pytest.raises(RuntimeError):
        build_demo_archive(path)
    assert not path.exists()
    assert not Path(f"{path}-wal").exists()


def test_png_is_well_formed() -> None:
    data = gradient_png(3, 2, (0, 0, 0), (255, 255, 255))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (3, 2)
    crc = struct.unpack(">I", data[29:33])[0]
    assert crc == zlib.crc32(data[12:29]) & 0xFFFFFFFF
    idat_len = struct.unpack(">I", data[33:37])[0]
    pixels = zlib.decompress(data[41 : 41 + idat_len])
    # two scanlines, filter byte + 3 RGB pixels each; corners are the two colours
    assert pixels[:4] == b"\x00\x00\x00\x00" and pixels[-3:] == b"\xff\xff\xff"


def test_demo_does_not_load_qt() -> None:
    code = (
        "import sys, retention_desk.demo, retention_desk.demo.build;"
        "assert 'PySide6' not in sys.modules, 'demo imported Qt'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_demo_requests_show_every_clock_state(demo: Path) -> None:
    from retention_desk.ipra import requests

    with Archive.open(demo) as archive:
        rows = requests.list_requests(archive)
    states = {r.state for r in rows}
    assert {"no_clock", "on_time", "deemed_denied", "done"} <= states
    assert min(rows, key=lambda r: r.received_on).number == "IPRA-2026-0001"
    assert any(r.responsive > 0 for r in rows)
    assert any(r.clocks.exposure_cents > 0 for r in rows)

"""The benchmark's synthetic archive: deterministic, valid (verify passes), searchable."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text

from bench.archive_gen import generate
from retention_desk.archive import Archive
from retention_desk.archive.verify import verify_archive
from retention_desk.search import SearchEngine, record_detail


def digest(path: Path) -> str:
    archive = Archive.open(path)
    try:
        with archive.read() as conn:
            rows = conn.execute(
                text(
                    "SELECT r.record_key, r.kind, r.created_at, r.parent_id, r.deleted_at,"
                    " v.seq, v.text FROM records r JOIN record_versions v ON v.record_id = r.id"
                    " ORDER BY v.id"
                )
            ).all()
        return hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        archive.close()


def test_generator_is_deterministic_valid_and_varied(tmp_path: Path) -> None:
    counts = generate(tmp_path / "a.rdesk", 3000, seed=5, progress=False)
    generate(tmp_path / "b.rdesk", 3000, seed=5, progress=False)
    assert digest(tmp_path / "a.rdesk") == digest(tmp_path / "b.rdesk")
    assert 2700 <= counts["records"] <= 3300 and counts["versions"] > counts["records"]

    archive = Archive.open(tmp_path / "a.rdesk")
    try:
        report = verify_archive(archive)
        assert report.ok, report.failures
        with SearchEngine(archive) as engine:
            facets = engine.facets("")
            assert {f.label for f in facets.platform} == {
                "facebook",
                "x",
                "instagram",
                "youtube",
                "web",
            }
            assert {f.label for f in facets.kind} >= {
                "post",
                "comment",
                "reply",
                "message",
                "capture",
            }
            assert len(facets.year) == 10  # 2016-2025
            for query in ("is:deleted", "is:hidden", "is:edited", "has:media", "the"):
                assert engine.count(query) > 0, query
            comment = engine.page("kind:comment", limit=1).rows[0]
        detail = record_detail(archive, comment.id)
        assert detail.thread[0].kind in ("post", "page") and len(detail.thread) >= 2
        assert detail.provenance[0].detected_format == "bench_synthetic"
    finally:
        archive.close()

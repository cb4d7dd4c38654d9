"""The bulk write path: what it does to make large imports fast, checked by its effects."""

from __future__ import annotations

from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.archive.ingest import RecordIn, RecordWriter
from retention_desk.archive.verify import verify_archive


def _segments(archive: Archive, index: str) -> int:
    with archive.read() as conn:
        return int(conn.execute(text(f"SELECT count(DISTINCT segid) FROM {index}_idx")).scalar())


def test_one_batch_is_one_index_segment_and_every_text_is_found(archive: Archive) -> None:
    # Row-by-row inserts fire the FTS triggers in a statement each, and FTS5 writes a segment
    # per statement; one INSERT … SELECT per batch keeps the same triggers but one segment.
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for i in range(300):
            writer.add(RecordIn("x", "post", str(i), text=f"council w{i}x 政治{i}"))
        writer.finish()
    assert _segments(archive, "record_fts") == 1
    assert _segments(archive, "record_fts_trigram") == 1
    with archive.read() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM record_fts WHERE record_fts MATCH 'council'")
            ).scalar()
            == 300
        )
        assert (
            conn.execute(
                text("SELECT count(*) FROM record_fts WHERE record_fts MATCH 'w123x'")
            ).scalar()
            == 1
        )
        assert (
            conn.execute(
                text("SELECT count(*) FROM record_fts_trigram WHERE text LIKE '%政治12%'")
            ).scalar()
            == 11
        )  # 政治12 and 政治120..政治129
    report = verify_archive(archive, record=False)
    assert report.ok, [c for c in report.checks if c.status != "ok"]


def test_staged_versions_survive_edits_scrubbing_and_rollback(archive: Archive) -> None:
    # the staging table is per connection: a rolled-back or scrubbed batch must leave nothing
    # behind in it for the next write on the same pooled connection
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(RecordIn("x", "post", "1", text="first words"))
        writer.add(RecordIn("x", "post", "1", text="second words"))  # an edit: a new version
        writer.add(RecordIn("x", "post", "2", text="lone \ud83d surrogate"))  # scrubbed retry
        writer.finish()
    try:
        with archive.write() as conn:
            writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
            writer.add(RecordIn("x", "post", "3", text="rolled back"))
            writer.flush()
            raise RuntimeError("abandon the transaction")
    except RuntimeError:
        pass
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for i in range(4, 204):
            writer.add(RecordIn("x", "post", str(i), text="after the rollback"))
        writer.finish()
    assert _segments(archive, "record_fts_trigram") <= 3  # one per write, not one per row
    with archive.read() as conn:
        found = conn.execute(
            text(
                "SELECT v.text FROM record_fts f JOIN record_versions v ON v.id = f.rowid"
                " WHERE record_fts MATCH 'words OR surrogate OR rolled OR rollback'"
                " ORDER BY v.id"
            )
        ).scalars()
        assert (
            list(found)
            == [
                "first words",
                "second words",
                "lone \ufffd surrogate",
            ]
            + ["after the rollback"] * 200
        )
    report = verify_archive(archive, record=False)
    assert report.ok, [c for c in report.checks if c.status != "ok"]

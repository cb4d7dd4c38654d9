"""Destroying a record removes its redactions with their keyed digests (disposal registry)."""

from __future__ import annotations

from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.disposal import registry
from retention_desk.disposal.destroy import destroy
from retention_desk.redaction import add_redaction, list_redactions, withhold
from tests.disposal.destroy_helpers import NEW, OLD, add, approved_report, check_verify, prepare


def test_destruction_deletes_the_destroyed_records_redactions(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    ids = add(tmp_archive, [("old", "old post SSN 123-45-6789", OLD), ("new", "new post", NEW)])
    old = add_redaction(tmp_archive, ids["old"], 13, 24, "14-2-1.1", note="ssn")
    withhold(tmp_archive, ids["old"], "14-2-1(G)")
    kept = add_redaction(tmp_archive, ids["new"], 0, 3, "14-2-1.1")
    assert "redactions" in registry.registered_tables()
    with tmp_archive.read() as conn:
        assert registry.unaccounted_tables(conn) == []
    result = destroy(tmp_archive, approved_report(tmp_archive), batch_size=1)
    assert result.destroyed == 1
    assert [r.id for r in list_redactions(tmp_archive)] == [kept.id]
    with tmp_archive.read() as conn:
        digests = conn.exec_driver_sql(
            "SELECT count(*) FROM redactions WHERE record_id = ?", (ids["old"],)
        ).scalar_one()
    assert digests == 0 and old.id != kept.id
    check_verify(tmp_archive.path)

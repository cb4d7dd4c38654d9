"""Every table that can hold text or bytes is either in the destruction registry or declared
free of record content: a new table must declare itself before it can land."""

from __future__ import annotations

from retention_desk.archive.store import Archive
from retention_desk.disposal import registry


def test_every_content_table_is_registered_or_declared_content_free(
    tmp_archive: Archive,
) -> None:
    with tmp_archive.read() as conn:
        missing = registry.unaccounted_tables(conn)
    assert missing == [], (
        f"tables {missing} store text or bytes but are neither in the destruction registry"
        " (retention_desk/disposal/registry.py ENTRIES) nor declared content-free"
        " (CONTENT_FREE): a feature that stores record content is not done until destruction"
        " can remove it"
    )


def test_a_new_content_table_is_caught(tmp_archive: Archive) -> None:
    with tmp_archive.write() as conn:
        conn.exec_driver_sql("CREATE TABLE responsive_sets (id INTEGER PRIMARY KEY, note TEXT)")
        conn.exec_driver_sql("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER)")
        assert registry.unaccounted_tables(conn) == ["responsive_sets"]
        conn.exec_driver_sql("DROP TABLE responsive_sets")
        conn.exec_driver_sql("DROP TABLE counters")


def test_every_foreign_key_to_blobs_keeps_its_blob(tmp_archive: Archive) -> None:
    """A column that names a blob and is not in BLOB_REFERENCES would lose its blob when a
    destroyed record's media or original released the same bytes."""
    referenced = set(registry.BLOB_REFERENCES)
    with tmp_archive.read() as conn:
        tables = [
            str(r[0])
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            for fk in conn.exec_driver_sql(f"PRAGMA foreign_key_list('{table}')").all():
                if fk[2] == "blobs" and table != "blob_chunks":
                    assert (table, fk[3]) in referenced, (table, fk[3])

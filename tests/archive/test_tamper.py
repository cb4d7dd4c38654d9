"""The tamper campaign: what someone with the file and the sqlite3 shell can do, and verify
catching each of it (issue 8). Each tamper here passed verify before content seals and
anchors existed."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from retention_desk.archive import Archive, anchor, audit, seal
from retention_desk.archive.ingest import RecordIn, RecordWriter
from retention_desk.archive.verify import verify_archive, verify_path


def raw(archive: Archive) -> sqlite3.Connection:
    archive.checkpoint()
    return sqlite3.connect(archive.path, isolation_level=None)


def add_deleted_record(archive: Archive) -> int:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(
            RecordIn(
                platform="facebook",
                kind="comment",
                record_key="c-1",
                text="a comment the page hid and the author deleted",
                created_at=datetime(2024, 3, 1, tzinfo=UTC),
                deleted_at=datetime(2024, 3, 2, tzinfo=UTC),
                hidden_at=datetime(2024, 3, 1, 6, tzinfo=UTC),
            )
        )
        writer.finish()
        archive.audit(conn, action="import.source_file", object_type="test")
        return writer.record_ids[("facebook", "c-1")]


def failures(archive: Archive) -> list[str]:
    report = verify_archive(archive, record=False)
    assert not report.ok
    return report.failures


def test_untouched_archive_passes_with_every_object_checked(populated: Archive) -> None:
    add_deleted_record(populated)
    report = verify_archive(populated, record=False)
    assert report.ok, report.failures
    assert report.objects_checked["record"] == 21
    assert report.objects_checked["source file"] == 1
    assert report.anchors_checked, "the app keeps an anchor for the archive it wrote"


def test_version_text_updated_with_the_index_following(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute("UPDATE record_versions SET text = 'nothing to see here' WHERE record_id = 3")
    conn.close()
    found = failures(populated)
    assert any(f.startswith("Record 3 (x ") and "changed after" in f for f in found), found


def test_deletion_flag_cleared(populated: Archive) -> None:
    rid = add_deleted_record(populated)
    conn = raw(populated)
    conn.execute("UPDATE records SET deleted_at = NULL, deleted_at_raw = NULL WHERE id = ?", (rid,))
    conn.close()
    assert any(f"Record {rid} " in f and "changed after" in f for f in failures(populated))


def test_hidden_flag_cleared(populated: Archive) -> None:
    rid = add_deleted_record(populated)
    conn = raw(populated)
    conn.execute("UPDATE records SET hidden_at = NULL WHERE id = ?", (rid,))
    conn.close()
    assert any(f"Record {rid} " in f for f in failures(populated))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records SET author_name = 'Someone Else' WHERE id = 5",
        "UPDATE records SET created_at = '2023-01-01T00:00:00.000000Z' WHERE id = 5",
        'UPDATE records SET sensitive_json = \'{"ip": "192.0.2.1"}\' WHERE id = 5',
        "UPDATE media SET original_uri = 'media/other.png' WHERE record_id = 6",
        "UPDATE record_sources SET locator = 'elsewhere' WHERE record_id = 5",
        'UPDATE record_versions SET raw_json = \'{"text":"x"}\' WHERE record_id = 5',
    ],
)
def test_metadata_changes(populated: Archive, statement: str) -> None:
    conn = raw(populated)
    conn.execute(statement)
    assert conn.total_changes == 1
    conn.close()
    rid = 6 if "media" in statement else 5
    assert any(f.startswith(f"Record {rid} ") for f in failures(populated))


def test_record_deleted_with_all_dependent_rows(populated: Archive) -> None:
    conn = raw(populated)
    for statement in (
        "DELETE FROM record_sources WHERE record_id = 4",
        "DELETE FROM media WHERE record_id = 4",
        "DELETE FROM record_versions WHERE record_id = 4",
        "UPDATE records SET parent_id = NULL, thread_id = id WHERE parent_id = 4",
        "DELETE FROM records WHERE id = 4",
    ):
        conn.execute(statement)
    conn.close()
    found = failures(populated)
    assert any(f.startswith("Record 4, sealed by audit row") and "missing" in f for f in found)


def test_record_added_behind_the_apps_back(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute(
        "INSERT INTO records (id, platform, kind, record_key, version_count, has_media,"
        " is_repost, restricted, extra_json, sensitive_json, archived_at, thread_id)"
        " VALUES (999, 'x', 'post', '42', 1, 0, 0, 0, '{}', '{}',"
        " '2024-01-01T00:00:00.000000Z', 999)"
    )
    conn.execute(
        "INSERT INTO record_versions (record_id, seq, text, content_hash, observed_at)"
        " VALUES (999, 1, 'planted', 'x', '2024-01-01T00:00:00.000000Z')"
    )
    conn.close()
    assert any(f.startswith("Record 999 ") and "never sealed" in f for f in failures(populated))


def test_original_replaced_and_its_hash_updated_everywhere(populated: Archive) -> None:
    conn = raw(populated)
    old = conn.execute("SELECT sha256 FROM source_files WHERE name = 'export.json'").fetchone()[0]
    forged = b'{"synthetic": "a different export"}'
    new = hashlib.sha256(forged).hexdigest()
    conn.execute(
        "INSERT INTO blobs (sha256, size, created_at) VALUES (?, ?, '2024-01-01T00:00:00.000000Z')",
        (new, len(forged)),
    )
    conn.execute("INSERT INTO blob_chunks (sha256, seq, data) VALUES (?, 0, ?)", (new, forged))
    conn.execute(
        "UPDATE source_files SET sha256 = ?, blob_sha256 = ?, size = ? WHERE sha256 = ?",
        (new, new, len(forged), old),
    )
    conn.execute("DELETE FROM blob_chunks WHERE sha256 = ?", (old,))
    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (old,))
    conn.close()
    found = failures(populated)
    assert any("Source file 1 ('export.json')" in f and "changed after" in f for f in found)
    # the blob store alone is consistent again: only the seal shows the replacement
    report = verify_archive(populated, record=False)
    assert next(c for c in report.checks if c.name == "blob_fixity").ok


def test_settings_changed_behind_the_apps_back(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('setting.time_zone', '\"UTC\"')"
    )
    conn.close()
    assert any(f.startswith("The archive settings differ") for f in failures(populated))


def test_salt_deleted(populated: Archive) -> None:
    conn = raw(populated)
    conn.execute("DELETE FROM seal_salts WHERE kind = ? AND object_id = 2", (seal.RECORD,))
    conn.close()
    assert any(f.startswith("Record 2 ") and "salt is missing" in f for f in failures(populated))


def test_seal_leaf_rewritten_to_match_tampered_content(populated: Archive) -> None:
    """An attacker who knows the scheme: changes a text, recomputes its leaf with the salt
    kept in the archive and rewrites the seal log. The audit row's root exposes it."""
    conn = raw(populated)
    conn.execute("UPDATE record_versions SET text = 'rewritten' WHERE record_id = 7")
    conn.execute("DROP TRIGGER seal_log_no_update")
    _reseal(conn, 7)
    conn.close()
    found = failures(populated)
    assert not any(f.startswith("Record 7 ") for f in found)
    assert any("do not match: seals were altered" in f for f in found), found


def _reseal(conn: sqlite3.Connection, record_id: int) -> None:
    """What a scheme-aware attacker computes: the new leaf for a record, with its salt."""
    from sqlalchemy import create_engine

    path = conn.execute("PRAGMA database_list").fetchone()[2]
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as sa_conn:
        payload = seal.payloads(sa_conn, seal.RECORD, [record_id])[record_id]
        salt = seal.salts(sa_conn, seal.RECORD, [record_id])[record_id]
    engine.dispose()
    conn.execute(
        "UPDATE seal_log SET leaf = ? WHERE kind = ? AND object_id = ? AND id ="
        " (SELECT max(id) FROM seal_log WHERE kind = ? AND object_id = ?)",
        (seal.leaf(salt, payload), seal.RECORD, record_id, seal.RECORD, record_id),
    )


def rechain(
    conn: sqlite3.Connection,
    edit: Callable[[int, dict[str, Any]], None] = lambda _id, _details: None,
    from_id: int = 1,
) -> None:
    """Recompute every audit row's hash after `edit` changed its details: a chain that is
    valid on its own. Only an anchor kept outside the archive can expose it."""
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    prev = audit.GENESIS_HASH
    rows = conn.execute(
        "SELECT id, at, operator, action, object_type, object_ids, details FROM audit_log"
        " ORDER BY id"
    ).fetchall()
    for entry_id, at, op, action, otype, ids, details in rows:
        parsed = json.loads(details)
        edit(entry_id, parsed)
        details = audit.canonical_json(parsed)
        digest = audit.row_hash(
            entry_id=entry_id,
            at=at,
            operator=op,
            action=action,
            object_type=otype,
            object_ids=ids,
            details=details,
            prev_hash=prev,
        )
        if entry_id >= from_id:
            conn.execute(
                "UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (details, prev, digest, entry_id),
            )
        prev = digest


def _rewrite_chain(conn: sqlite3.Connection) -> None:
    """Recompute every audit row's seal root and hash after tampering."""
    roots: dict[int, seal.Root] = {}
    for audit_id, kind, object_id, leaf in conn.execute(
        "SELECT audit_id, kind, object_id, leaf FROM seal_log ORDER BY id"
    ).fetchall():
        roots.setdefault(audit_id, seal.Root()).add(kind, object_id, leaf)

    def reseal(entry_id: int, details: dict[str, Any]) -> None:
        if entry_id in roots:
            details["seal"] = {
                "objects": roots[entry_id].count,
                "root": roots[entry_id].hexdigest(),
            }

    rechain(conn, reseal)


def test_everything_rewritten_consistently_is_caught_by_the_kept_anchor(
    populated: Archive,
) -> None:
    conn = raw(populated)
    conn.execute("UPDATE record_versions SET text = 'rewritten' WHERE record_id = 7")
    conn.execute("DROP TRIGGER seal_log_no_update")
    _reseal(conn, 7)
    _rewrite_chain(conn)
    conn.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
        " SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER seal_log_no_update BEFORE UPDATE ON seal_log BEGIN"
        " SELECT RAISE(ABORT, 'seal_log is append-only'); END"
    )
    conn.close()
    found = failures(populated)
    assert found == [
        f
        for f in found
        if "is not the one the anchor this computer kept records" in f and "rewritten" in f
    ]
    assert len(found) == 1


def test_cut_off_tail_is_caught_by_the_kept_anchor(populated: Archive) -> None:
    add_deleted_record(populated)
    conn = raw(populated)
    last = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DROP TRIGGER seal_log_no_delete")
    # remove the last import and everything it wrote: its rows, its seals, its audit row
    rid = conn.execute("SELECT id FROM records WHERE platform = 'facebook'").fetchone()[0]
    conn.execute("DELETE FROM record_versions WHERE record_id = ?", (rid,))
    conn.execute("DELETE FROM records WHERE id = ?", (rid,))
    conn.execute("DELETE FROM seal_salts WHERE kind = 1 AND object_id = ?", (rid,))
    conn.execute("DELETE FROM seal_log WHERE audit_id = ?", (last,))
    conn.execute("DELETE FROM audit_log WHERE id = ?", (last,))
    for name, table in (("audit_log_no_delete", "audit_log"), ("seal_log_no_delete", "seal_log")):
        conn.execute(
            f"CREATE TRIGGER {name} BEFORE DELETE ON {table} BEGIN"
            f" SELECT RAISE(ABORT, '{table} is append-only'); END"
        )
    conn.close()
    found = failures(populated)
    assert len(found) == 1 and "rows were cut off" in found[0], found
    assert f"records row {last}" in found[0]


def test_an_exported_anchor_file_catches_a_rewrite_on_another_computer(
    populated: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with populated.read() as conn:
        rows, head = audit.head(conn)
        identity = conn.exec_driver_sql(
            "SELECT value FROM settings WHERE key = 'archive.uuid'"
        ).scalar_one()
    exported = anchor.Anchor(json.loads(identity), rows, head, "2024-01-01", str(populated.path))
    anchor.export(exported, tmp_path / "head.anchor.json")
    conn = raw(populated)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET operator = 'mallory' WHERE id = 1")
    _rewrite_chain(conn)
    conn.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
        " SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    conn.close()
    # another computer: no kept anchor at all
    monkeypatch.setenv("RETENTION_DESK_DATA_DIR", str(tmp_path / "elsewhere"))
    plain = verify_path(populated.path)
    assert plain.ok, plain.failures  # without an anchor a consistent rewrite cannot be seen
    assert any("No anchor" in n for n in plain.notes)
    given = verify_path(populated.path, anchor=anchor.load(tmp_path / "head.anchor.json"))
    assert any("the anchor file given" in f and "rewritten" in f for f in given.failures)


def test_an_anchor_file_for_another_archive_is_a_failure(
    populated: Archive, tmp_path: Path
) -> None:
    other = Archive.create(tmp_path / "other.rdesk", operator="pytest")
    with other.read() as conn:
        rows, head = audit.head(conn)
    other.close()
    given = anchor.Anchor("not-this-one", rows, head, "", "")
    report = verify_path(populated.path, anchor=given)
    assert any("for another archive" in f for f in report.failures)


def test_a_backup_copy_is_not_mistaken_for_a_truncated_archive(
    populated: Archive, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.rdesk"
    populated.checkpoint()
    shutil.copyfile(populated.path, copy)
    add_deleted_record(populated)  # the original moves on; the copy keeps the older head
    report = verify_path(copy)
    assert report.ok, report.failures
    assert any("other path" in n for n in report.notes)


@pytest.mark.parametrize(
    "statement",
    [
        # what a flipped byte in a record header can do: a number becomes text, a blob or NULL
        "UPDATE seal_log SET kind = 'x' WHERE id = (SELECT max(id) FROM seal_log)",
        "UPDATE seal_log SET object_id = 'twelve' WHERE id = (SELECT max(id) FROM seal_log)",
        "UPDATE seal_log SET leaf = 7 WHERE id = (SELECT max(id) FROM seal_log)",
        "UPDATE seal_log SET audit_id = x'00ff' WHERE id = (SELECT min(id) FROM seal_log)",
    ],
)
def test_values_of_the_wrong_type_are_failures_not_crashes(
    populated: Archive, statement: str
) -> None:
    conn = raw(populated)
    conn.execute("DROP TRIGGER seal_log_no_update")
    conn.execute(statement)
    assert conn.total_changes == 1
    conn.close()
    report = verify_path(populated.path)
    assert not report.ok
    assert failures(populated)

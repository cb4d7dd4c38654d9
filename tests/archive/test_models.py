"""The ORM models map the migrated schema, and records round-trip through the writer."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from retention_desk.archive import (
    Archive,
    models_destruction,  # noqa: F401  (its tables join Base)
    models_ipra,  # noqa: F401
    models_oversight,  # noqa: F401
    models_production,  # noqa: F401
    models_redaction,  # noqa: F401
    models_review,  # noqa: F401
)
from retention_desk.archive.ingest import RecordIn, RecordWriter
from retention_desk.archive.migrate import include_name
from retention_desk.archive.models import Account, Base, Media, Record, RecordVersion, SourceFile


def test_models_match_migrated_schema(archive: Archive) -> None:
    # Models and hand-written migrations must never drift apart.
    with archive.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_records_round_trip_through_orm(populated: Archive) -> None:
    with Session(populated.engine) as session:
        account = session.scalars(select(Account)).one()
        assert (account.handle, account.platform_account_id) == ("sandia_pd", "100")
        records = session.scalars(select(Record).order_by(Record.id)).all()
        assert len(records) == 20
        first = records[0]
        assert first.record_key == str(10**18)  # beyond 2**53, exact as text
        assert first.created_at == datetime(2024, 1, 1, 12, tzinfo=UTC)
        assert first.account_id == account.id
        reply = records[1]
        assert reply.parent_id == first.id and reply.thread_id == first.id
        versions = session.scalars(
            select(RecordVersion).where(RecordVersion.record_id == first.id)
        ).all()
        assert [v.text for v in versions] == ["message number 0 about the county fair"]
        media = session.scalars(select(Media).where(Media.record_id == first.id)).one()
        assert media.blob_sha256 and not media.missing
        source = session.scalars(select(SourceFile)).one()
        assert source.status == "imported" and source.size > 0


def test_edit_keeps_every_version_and_flags_are_never_removed(populated: Archive) -> None:
    key = str(10**18)
    deleted = datetime(2024, 2, 1, tzinfo=UTC)
    with populated.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(RecordIn("x", "post", key, text="edited text", deleted_at=deleted))
        counts = writer.finish()
    assert (counts.new_versions, counts.flagged_deleted) == (1, 1)
    with populated.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        writer.add(RecordIn("x", "post", key, text="edited text"))  # no deleted flag this time
        counts = writer.finish()
    assert (counts.unchanged, counts.new_versions) == (1, 0)
    with populated.read() as conn:
        row = conn.execute(
            text("SELECT version_count, deleted_at FROM records WHERE record_key = :k"), {"k": key}
        ).one()
        texts = (
            conn.execute(
                text(
                    "SELECT v.text FROM record_versions v JOIN records r ON r.id = v.record_id"
                    " WHERE r.record_key = :k ORDER BY v.seq"
                ),
                {"k": key},
            )
            .scalars()
            .all()
        )
    assert row[0] == 2 and row[1] is not None
    assert texts == ["message number 0 about the county fair", "edited text"]


def test_pragmas_on_every_connection(archive: Archive) -> None:
    with archive.read() as conn:
        values = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in (
                "journal_mode",
                "synchronous",
                "foreign_keys",
                "secure_delete",
                "busy_timeout",
                "application_id",
            )
        }
    assert values["journal_mode"] == "wal"
    assert values["synchronous"] == 2  # FULL
    assert values["foreign_keys"] == 1
    assert values["secure_delete"] == 1
    assert values["busy_timeout"] > 0
    assert values["application_id"] == 0x5244534B


def test_pooled_connection_does_not_keep_a_searchs_cancel_handler(archive: Archive) -> None:
    # A search makes itself cancellable with a progress handler; once its connection goes
    # back to the pool, the next user (an import) must not be interrupted by it.
    cancelled = {"set": False}
    with archive.read() as conn:
        raw = conn.connection.driver_connection
        raw.set_progress_handler(lambda: 1 if cancelled["set"] else 0, 1)
    cancelled["set"] = True  # the search is cancelled after its connection went back
    for _ in range(6):  # whichever pooled connection comes back next
        with archive.write() as conn:
            archive.audit(conn, action="test.after_cancel")
    with archive.read() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'test.after_cancel'")
            ).scalar()
            == 6
        )

"""Migrations run at open: new archives at head, older ones backed up then upgraded,
newer ones refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive, ArchiveTooNew, migrate
from retention_desk.archive.verify import verify_archive
from tests.archive.conftest import populate
from tests.archive.test_tamper import rechain

NEXT_MIGRATION = """
from alembic import op
import sqlalchemy as sa

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("records") as batch_op:
        batch_op.add_column(sa.Column("retention_series", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("records") as batch_op:
        batch_op.drop_column("retention_series")
"""


@pytest.fixture
def newer_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend to be a newer app: the real migrations plus one more."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    head = migrate.head_revision()
    (scripts / "versions" / "9001_add_series.py").write_text(NEXT_MIGRATION.format(head=head))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    return head


def test_new_archive_is_at_head(archive: Archive) -> None:
    assert archive.schema_version() == migrate.head_revision()
    with archive.read() as conn:
        tables = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars()
        )
    assert {"records", "record_versions", "audit_log", "blobs", "record_fts"} <= tables


def test_empty_archive_upgrades(
    tmp_path: Path, newer_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.rdesk"
    with monkeypatch.context() as m:
        m.setattr(
            migrate,
            "MIGRATIONS_DIR",
            migrate.Path(__file__).parents[2] / "retention_desk" / "archive" / "migrations",
        )
        Archive.create(path).close()
    with Archive.open(path) as archive:
        assert archive.schema_version() == "9001"
        assert verify_archive(archive, record=False).ok


def test_populated_archive_is_backed_up_then_upgraded(
    tmp_path: Path, newer_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.rdesk"
    real_dir = Path(__file__).parents[2] / "retention_desk" / "archive" / "migrations"
    with monkeypatch.context() as m:
        m.setattr(migrate, "MIGRATIONS_DIR", real_dir)
        with Archive.create(path) as archive:
            populate(archive)
    with Archive.open(path) as archive:
        assert archive.schema_version() == "9001"
        with archive.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 20
            conn.execute(text("SELECT retention_series FROM records LIMIT 1")).all()
            action = conn.execute(
                text("SELECT details FROM audit_log WHERE action = 'archive.migrate'")
            ).scalar_one()
        assert newer_app in action and "9001" in action
        report = verify_archive(archive, record=False)
        assert report.ok, report.failures
    backups = list(tmp_path.glob(f"old.rdesk.pre-{newer_app}-*.bak"))
    assert len(backups) == 1
    # The backup is the archive as it was before the upgrade, and still opens with the old app.
    with sqlite3.connect(backups[0]) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == newer_app
        assert raw.execute("SELECT count(*) FROM records").fetchone()[0] == 20


def test_archive_newer_than_app_is_refused(
    tmp_path: Path, newer_app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "new.rdesk"
    Archive.create(path).close()  # created by the "newer" app, at 9001
    monkeypatch.setattr(
        migrate,
        "MIGRATIONS_DIR",
        Path(__file__).parents[2] / "retention_desk" / "archive" / "migrations",
    )
    with pytest.raises(ArchiveTooNew, match="newer version of retention_desk"):
        Archive.open(path)


def _as_written_before_seals(path: Path) -> None:
    """Turn an archive into what the 0003 app wrote: no seal tables, and audit rows that bind
    no seals (their chain recomputed as that app computed it)."""
    from alembic import command

    with Archive.open(path) as archive:
        cfg = migrate.alembic_config()
        with archive.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
    raw = sqlite3.connect(path, isolation_level=None)
    rechain(raw, lambda _id, details: details.pop("seal", None))
    raw.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
        " SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    raw.close()


def test_archive_from_before_seals_is_sealed_as_found_after_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """0003 archives hold content no seal vouches for: the upgrade seals it under one
    `archive.seal_baseline` row, and verify then covers it like any other content."""
    path = tmp_path / "pre-seals.rdesk"
    with Archive.create(path) as archive:
        populate(archive)
    _as_written_before_seals(path)
    # the 0003 app kept no anchors
    monkeypatch.setenv("RETENTION_DESK_DATA_DIR", str(tmp_path / "fresh-data"))
    with Archive.open(path) as archive:
        assert archive.schema_version() == migrate.head_revision()
        with archive.read() as conn:
            details = conn.execute(
                text("SELECT details FROM audit_log WHERE action = 'archive.seal_baseline'")
            ).scalar_one()
        assert '"record":20' in details and '"source file":1' in details
        report = verify_archive(archive, record=False)
        assert report.ok, report.failures
        assert report.objects_checked["record"] == 20
        # a later tamper is caught like in any sealed archive
    raw = sqlite3.connect(path)
    raw.execute("UPDATE record_versions SET text = 'changed' WHERE record_id = 1")
    raw.commit()
    raw.close()
    with Archive.open(path) as archive:
        assert any(f.startswith("Record 1 ") for f in verify_archive(archive).failures)

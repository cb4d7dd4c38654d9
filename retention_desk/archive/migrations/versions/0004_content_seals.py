"""content seals: per-object salts and the append-only log of salted leaves

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

`seal_salts` holds one random salt per sealed object (destruction deletes it with the
content); `seal_log` holds every leaf each audited write bound into the audit chain. Objects
written before this revision are sealed by the app right after the upgrade (one
`archive.seal_baseline` audit row), because a migration cannot append to the hash chain.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Which process runs a batch, so one left `running` by a process that died can be marked
    # `interrupted` the next time the archive is written to.
    with op.batch_alter_table("import_batches") as batch_op:
        batch_op.add_column(sa.Column("process", sa.Text(), nullable=True))
    op.create_table(
        "seal_salts",
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "object_id"),
        # one b-tree keyed by (kind, object_id) instead of a rowid table plus its key index
        sqlite_with_rowid=False,
    )
    op.create_table(
        "seal_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.execute(
        "CREATE TRIGGER seal_log_no_update BEFORE UPDATE ON seal_log BEGIN"
        " SELECT RAISE(ABORT, 'seal_log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER seal_log_no_delete BEFORE DELETE ON seal_log BEGIN"
        " SELECT RAISE(ABORT, 'seal_log is append-only'); END"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS seal_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS seal_log_no_delete")
    op.drop_table("seal_log")
    op.drop_table("seal_salts")
    # SQLite >= 3.35 drops a column in place; a batch table copy would trip the foreign keys
    # that source_files and records hold on import_batches.
    op.execute("ALTER TABLE import_batches DROP COLUMN process")

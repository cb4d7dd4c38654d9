"""destruction: tombstones of destroyed records, destruction runs, skipped records, rewritten
originals and the records whose content stays in an original that cannot be split

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05

A destroyed record leaves a tombstone: ids, platform, series, dates, the report that approved
it and its salted seal leaf, whose salt is deleted with the content, so the leaf proves the
record existed and matched the approved snapshot without confirming any guess of what it said.
Tombstones are append-only like the audit trail. `disposal_destructions` keeps who ran a
destruction and when (names stay out of the audit rows), the copies the archive knew of, and
the certificate's blob.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_tombstones",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("platform_id", sa.Text(), nullable=True),
        sa.Column("series_code", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=True),
        sa.Column("eligible_on", sa.String(10), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("destroyed_at", sa.String(27), nullable=False),
        sa.Column("matched_snapshot", sa.Boolean(), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_record_tombstones_report", "record_tombstones", ["report_id"])
    op.execute(
        "CREATE TRIGGER record_tombstones_no_update BEFORE UPDATE ON record_tombstones BEGIN"
        " SELECT RAISE(ABORT, 'record_tombstones is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER record_tombstones_no_delete BEFORE DELETE ON record_tombstones BEGIN"
        " SELECT RAISE(ABORT, 'record_tombstones is append-only'); END"
    )
    op.create_table(
        "disposal_destructions",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.String(27), nullable=False),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("finished_at", sa.String(27), nullable=True),
        sa.Column("purged_at", sa.String(27), nullable=True),
        sa.Column("copies_json", sa.Text(), nullable=False),
        sa.Column("certificate_sha256", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_table(
        "disposal_skipped",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("at", sa.String(27), nullable=False),
        sa.CheckConstraint(
            "reason IN ('held','not_eligible','changed','missing')",
            name="ck_disposal_skipped_reason",
        ),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("report_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "disposal_retained_originals",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.ForeignKeyConstraint(["source_file_id"], ["source_files.id"]),
        sa.PrimaryKeyConstraint("report_id", "record_id", "source_file_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "disposal_rewrites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("old_sha256", sa.String(64), nullable=False),
        sa.Column("new_sha256", sa.String(64), nullable=True),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(27), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.ForeignKeyConstraint(["source_file_id"], ["source_files.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("disposal_rewrites")
    op.drop_table("disposal_retained_originals")
    op.drop_table("disposal_skipped")
    op.drop_table("disposal_destructions")
    op.execute("DROP TRIGGER IF EXISTS record_tombstones_no_update")
    op.execute("DROP TRIGGER IF EXISTS record_tombstones_no_delete")
    op.drop_index("ix_record_tombstones_report", table_name="record_tombstones")
    op.drop_table("record_tombstones")

"""productions: Bates-numbered productions of a request, their records, redactions and files

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

A production is kept with the request file (series PRR): what it contained (record and
version ids, redaction ids and codes), the Bates range it consumed, its files as blobs, and
the random key of its keyed hashes, which is deleted when one of its records is destroyed
(disposal.registry). No foreign key to records or redactions: the history outlives both.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "productions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("bates_prefix", sa.String(length=20), nullable=True),
        sa.Column("bates_first", sa.Integer(), nullable=True),
        sa.Column("bates_last", sa.Integer(), nullable=True),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("redaction_count", sa.Integer(), nullable=False),
        sa.Column("withheld_count", sa.Integer(), nullable=False),
        sa.Column("production_key", sa.LargeBinary(), nullable=True),
        sa.Column("key_deleted_at", sa.String(length=27), nullable=True),
        sa.Column("produced_on", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "(bates_first IS NULL AND bates_last IS NULL) OR (kind = 'release'"
            " AND status = 'complete' AND bates_first >= 1 AND bates_last >= bates_first)",
            name="ck_productions_bates",
        ),
        sa.CheckConstraint("file_format IN ('pdf','xlsx')", name="ck_productions_format"),
        sa.CheckConstraint("kind IN ('release','review')", name="ck_productions_kind"),
        sa.CheckConstraint("status IN ('complete','cancelled')", name="ck_productions_status"),
        sa.ForeignKeyConstraint(["request_id"], ["ipra_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_productions_request", "productions", ["request_id"], unique=False)
    op.create_table(
        "production_records",
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version_ids_json", sa.Text(), nullable=False),
        sa.Column("bates_first", sa.Integer(), nullable=True),
        sa.Column("bates_last", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"]),
        sa.PrimaryKeyConstraint("production_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_production_records_record", "production_records", ["record_id"], unique=False
    )
    op.create_table(
        "production_redactions",
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("redaction_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"]),
        sa.PrimaryKeyConstraint("production_id", "redaction_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "production_files",
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "role IN ('pdf','xlsx','manifest_csv','manifest_json')",
            name="ck_production_files_role",
        ),
        sa.ForeignKeyConstraint(["production_id"], ["productions.id"]),
        sa.PrimaryKeyConstraint("production_id", "role"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("production_files")
    op.drop_table("production_redactions")
    op.drop_index("ix_production_records_record", table_name="production_records")
    op.drop_table("production_records")
    op.drop_index("ix_productions_request", table_name="productions")
    op.drop_table("productions")

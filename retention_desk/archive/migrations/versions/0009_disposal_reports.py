"""disposal: saved disposal reports, their record snapshots, held records and approvals

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-05

A disposal report is saved with a number so the approval (and later the destruction and its
certificate) can name exactly what was approved. `disposal_report_records` snapshots each
eligible record with its current salted seal leaf (never a plain content hash: a plain hash of
a short text confirms a guess of what it said). The snapshot rows have no foreign key to
`records`: destruction removes the record and the snapshot must outlive it.
`disposal_approvals` keeps every approval step with who, when and the signed form (a blob, so
`verify` re-hashes it); the audit rows carry ids and counts only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disposal_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_at", sa.String(27), nullable=False),
        sa.Column("agency_kind", sa.String(20), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("unclassified", sa.Integer(), nullable=False),
        sa.Column("pending_event", sa.Integer(), nullable=False),
        sa.Column("permanent", sa.Integer(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','approved','destroying','destroyed','cancelled')",
            name="ck_disposal_reports_status",
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "disposal_report_records",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("series_code", sa.String(32), nullable=False),
        sa.Column("eligible_on", sa.String(10), nullable=False),
        sa.Column("leaf", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("report_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_disposal_report_records_record", "disposal_report_records", ["record_id"])
    op.create_table(
        "disposal_report_held",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("series_code", sa.String(32), nullable=False),
        sa.Column("eligible_on", sa.String(10), nullable=False),
        sa.Column("hold_ids", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("report_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "disposal_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("by_name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.String(10), nullable=True),
        sa.Column("notice_sent", sa.String(10), nullable=True),
        sa.Column("attachment_sha256", sa.String(64), nullable=True),
        sa.Column("attachment_name", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.String(27), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.CheckConstraint(
            "step IN ('approval','consent','notice','local')", name="ck_disposal_approvals_step"
        ),
        sa.ForeignKeyConstraint(["report_id"], ["disposal_reports.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_disposal_approvals_report", "disposal_approvals", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_disposal_approvals_report", table_name="disposal_approvals")
    op.drop_table("disposal_approvals")
    op.drop_table("disposal_report_held")
    op.drop_index("ix_disposal_report_records_record", table_name="disposal_report_records")
    op.drop_table("disposal_report_records")
    op.drop_table("disposal_reports")

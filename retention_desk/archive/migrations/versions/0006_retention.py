"""retention: stored schedules, rules, per-record classification, event dates and holds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

`retention_schedule_files` keeps every schedule file the archive uses byte for byte, so a
newer schedule shipped with the app changes nothing until it is accepted. `record_retention`
holds each classified record's winning series and dates (no row = unclassified).
`record_events` holds event dates the user sets; `holds`/`hold_records` the legal holds and
their members (query members materialised). Nothing is backfilled: classification runs
through the app, which audits it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_schedule_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("imported_at", sa.String(27), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "retention_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("series_code", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.Column("removed_at", sa.String(27), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "record_retention",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("series_code", sa.String(32), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("trigger_date", sa.String(10), nullable=True),
        sa.Column("eligible_on", sa.String(10), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("disposition", sa.String(20), nullable=True),
        sa.Column("classified_at", sa.String(27), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index("ix_record_retention_series", "record_retention", ["series_code"])
    op.create_index("ix_record_retention_eligible", "record_retention", ["eligible_on"])
    op.create_table(
        "record_events",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=False),
        sa.Column("set_at", sa.String(27), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("record_id", "event"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("matter", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(200), nullable=False),
        sa.Column("placed_at", sa.String(27), nullable=False),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("released_at", sa.String(27), nullable=True),
        sa.Column("released_by", sa.String(200), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "reason IN ('litigation','audit','investigation','ipra_request','other')",
            name="ck_holds_reason",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "hold_records",
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("explicit", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"]),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("hold_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_hold_records_record", "hold_records", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_hold_records_record", table_name="hold_records")
    op.drop_table("hold_records")
    op.drop_table("holds")
    op.drop_table("record_events")
    op.drop_index("ix_record_retention_eligible", table_name="record_retention")
    op.drop_index("ix_record_retention_series", table_name="record_retention")
    op.drop_table("record_retention")
    op.drop_table("retention_rules")
    op.drop_table("retention_schedule_files")

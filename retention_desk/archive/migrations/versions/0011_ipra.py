"""ipra: the request desk — requests, their timeline, letters, saved searches, responsive
sets, time log, fees, payments and the business-day calendar

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

The request file (series 1.21.2.519) is kept in these tables, apart from the records: the
requesters' names and addresses are not archive records, never reach the search indexes and are
never produced. `ipra_request_records` has no foreign key to records (a set's history outlives
a record destroyed after the request closed). Audit rows name request ids and counts only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "ipra_time_entries",
    "ipra_request_records",
    "ipra_request_queries",
    "ipra_payments",
    "ipra_letters",
    "ipra_fees",
    "ipra_events",
    "ipra_requests",
    "ipra_calendar_days",
    "ipra_calendar_confirmations",
)


def upgrade() -> None:
    op.create_table(
        "ipra_calendar_confirmations",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("days_json", sa.Text(), nullable=False),
        sa.Column("confirmed_at", sa.String(length=27), nullable=False),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "ipra_calendar_days",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("added_at", sa.String(length=27), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('closed','open')", name="ck_ipra_calendar_days_kind"),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "ipra_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.String(length=27), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("via", sa.String(length=12), nullable=False),
        sa.Column("medium", sa.String(length=12), nullable=False),
        sa.Column("requester_name", sa.Text(), nullable=False),
        sa.Column("requester_organisation", sa.Text(), nullable=False),
        sa.Column("requester_address", sa.Text(), nullable=False),
        sa.Column("requester_phone", sa.Text(), nullable=False),
        sa.Column("requester_email", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("electronic_copies", sa.Boolean(), nullable=False),
        sa.Column("custodian", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("advance_payment", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("closed_on", sa.String(length=10), nullable=True),
        sa.Column("hold_release_on", sa.String(length=10), nullable=True),
        sa.Column("file_destroyed_at", sa.String(length=27), nullable=True),
        sa.CheckConstraint("medium IN ('paper','electronic')", name="ck_ipra_requests_medium"),
        sa.CheckConstraint(
            "status IN ('received','acknowledged','burdensome','in_progress',"
            "'partially_fulfilled','fulfilled','denied','withdrawn','forwarded','closed')",
            name="ck_ipra_requests_status",
        ),
        sa.CheckConstraint(
            "via IN ('written','email','fax','web','in-person','oral')", name="ck_ipra_requests_via"
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["holds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number", name="uq_ipra_requests_number"),
        sa.UniqueConstraint("year", "seq", name="uq_ipra_requests_year_seq"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "ipra_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ipra_events_request", "ipra_events", ["request_id"], unique=False)
    op.create_table(
        "ipra_fees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cents", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('pages','media','mailing','other')", name="ck_ipra_fees_kind"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ipra_fees_request", "ipra_fees", ["request_id"], unique=False)
    op.create_table(
        "ipra_letters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=True),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ipra_letters_request", "ipra_letters", ["request_id"], unique=False)
    op.create_table(
        "ipra_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("receipt_number", sa.String(length=60), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ipra_payments_request", "ipra_payments", ["request_id"], unique=False)
    op.create_table(
        "ipra_request_queries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("added_at", sa.String(length=27), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("last_run_at", sa.String(length=27), nullable=False),
        sa.Column("last_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_ipra_request_queries_request", "ipra_request_queries", ["request_id"], unique=False
    )
    op.create_table(
        "ipra_request_records",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("added_via", sa.String(length=12), nullable=False),
        sa.Column("query_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.String(length=27), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("removed_at", sa.String(length=27), nullable=True),
        sa.Column("removed_by", sa.String(length=200), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("request_id", "record_id"),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_ipra_request_records_record", "ipra_request_records", ["record_id"], unique=False
    )
    op.create_table(
        "ipra_time_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activity", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=27), nullable=False),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_ipra_time_entries_request", "ipra_time_entries", ["request_id"], unique=False
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)

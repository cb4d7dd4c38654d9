"""review: redaction candidates found by detection, the custodian's decisions, named persons

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

A candidate is where detection (`retention_desk.detection`) found a protected personal
identifier or a named person in a request's records: record, version (NULL for the record's
own fields), field, the span found, the ranges a redaction would cover (JSON), kind, proposed
code, rule, and the custodian's decision with who and when. It holds offsets, never the
characters; its digest is keyed with the record's seal salt (as a redaction's), so it confirms
no guess and dies with the record. Re-detection keeps every decided row. A person is a name
the custodian gave once for a request, with handles and a code; it is part of the request
file.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_persons",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("handles_json", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("removed_at", sa.String(length=27), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["ipra_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_review_persons_request", "review_persons", ["request_id"], unique=False)
    op.create_table(
        "review_candidates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start_index", sa.Integer(), nullable=False),
        sa.Column("end_index", sa.Integer(), nullable=False),
        sa.Column("redact_json", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("suggestion", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("adjusted", sa.Boolean(), nullable=False),
        sa.Column("redaction_ids_json", sa.Text(), nullable=False),
        sa.Column("found_at", sa.String(length=27), nullable=False),
        sa.Column("decided_at", sa.String(length=27), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('undecided','accepted','rejected')", name="ck_review_candidates_status"
        ),
        sa.CheckConstraint(
            "field IN ('text','title','author_name','author_handle','url')",
            name="ck_review_candidates_field",
        ),
        sa.CheckConstraint(
            "start_index >= 0 AND end_index > start_index", name="ck_review_candidates_range"
        ),
        sa.ForeignKeyConstraint(["request_id"], ["ipra_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_review_candidates_request",
        "review_candidates",
        ["request_id", "status", "kind"],
        unique=False,
    )
    op.create_index("ix_review_candidates_record", "review_candidates", ["record_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_review_candidates_record", table_name="review_candidates")
    op.drop_index("ix_review_candidates_request", table_name="review_candidates")
    op.drop_table("review_candidates")
    op.drop_index("ix_review_persons_request", table_name="review_persons")
    op.drop_table("review_persons")

"""redactions: redactions and withholdings as data, and the agency's added exemptions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

A redaction names what a production cuts (a character range of a field of one version or of
every version) or leaves out (a withheld record or medium) under an exemption code; it never
changes the record. Its digest is an HMAC of the covered characters keyed with the record's
seal salt, so it confirms no guess and dies with the record. No foreign key to records or
versions: a redaction whose record or version is gone is reported stale, and destruction
deletes a destroyed record's redactions (disposal.registry).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "redaction_exemptions",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_at", sa.String(length=27), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "redactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("all_versions", sa.Boolean(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=True),
        sa.Column("start_index", sa.Integer(), nullable=True),
        sa.Column("end_index", sa.Integer(), nullable=True),
        sa.Column("media_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("reviewed_at", sa.String(length=27), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "field IS NULL OR field IN ('text','title','author_name','author_handle','url')",
            name="ck_redactions_field",
        ),
        sa.CheckConstraint(
            "kind = 'withhold' OR (field IS NOT NULL AND start_index >= 0"
            " AND end_index > start_index)",
            name="ck_redactions_range",
        ),
        sa.CheckConstraint("kind IN ('range','withhold')", name="ck_redactions_kind"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["ipra_requests.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_redactions_record", "redactions", ["record_id"], unique=False)
    op.create_index("ix_redactions_request", "redactions", ["request_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_redactions_request", table_name="redactions")
    op.drop_index("ix_redactions_record", table_name="redactions")
    op.drop_table("redactions")
    op.drop_table("redaction_exemptions")

"""search indexes: platform and kind with created_at

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:05:00

Date-sorted search pages filtered by platform or kind (`platform:youtube`, `kind:comment`)
read these indexes newest-first and stop after one page, instead of collecting and sorting
every record of the platform or kind; the whole-archive facet counts read them too.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_records_platform_created", ["platform", "created_at"], unique=False
        )
        batch_op.create_index("ix_records_kind_created", ["kind", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index("ix_records_kind_created")
        batch_op.drop_index("ix_records_platform_created")

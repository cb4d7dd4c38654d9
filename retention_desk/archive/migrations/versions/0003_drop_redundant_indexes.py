"""drop two records indexes nothing uses (import speed)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Every index on `records` is paid for on every imported row. `ix_records_kind` is covered by
`ix_records_kind_created` (kind is its first column); `ix_records_parent_key` served no query
(thread linking uses `ix_records_unlinked` and the unique (platform, record_key)).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain DROP INDEX: SQLite supports it, so no batch table copy is needed.
    op.drop_index("ix_records_kind", table_name="records")
    op.drop_index("ix_records_parent_key", table_name="records")


def downgrade() -> None:
    op.create_index("ix_records_parent_key", "records", ["platform", "parent_key"])
    op.create_index("ix_records_kind", "records", ["kind"])

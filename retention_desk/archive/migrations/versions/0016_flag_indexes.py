"""flag indexes: partial indexes on records for the is:/has: filters

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

`is:deleted`, `is:hidden`, `is:edited`, `is:restricted`, `is:repost` and `has:media` select a
small share of the records. Without an index SQLite reads every record of the kind (or all of
them) to find those few, so counting them (the facets of `kind:comment is:deleted`) grew with
the archive: a second at five million records. Each partial index holds only the flagged
records, keyed by kind and holding the flag's columns, so such a count reads its matches in
the index and nothing else. Each WHERE is the
filter's own SQL term (search/filters.py), which is what lets SQLite choose the index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, the flag's columns, WHERE): the columns a filter reads are in the index, so counting
# its records reads the index alone (a covering index), never the records' rows
FLAG_INDEXES = (
    ("ix_records_deleted_kind", ["kind", "deleted_at"], "deleted_at IS NOT NULL"),
    ("ix_records_hidden_kind", ["kind", "hidden_at"], "hidden_at IS NOT NULL"),
    (
        "ix_records_edited_kind",
        ["kind", "version_count", "edited_at"],
        "version_count > 1 OR edited_at IS NOT NULL",
    ),
    ("ix_records_restricted_kind", ["kind", "restricted"], "restricted = 1"),
    ("ix_records_repost_kind", ["kind", "is_repost"], "is_repost = 1"),
    ("ix_records_media_kind", ["kind", "has_media"], "has_media = 1"),
)


def upgrade() -> None:
    for name, columns, where in FLAG_INDEXES:
        op.create_index(name, "records", columns, unique=False, sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, _columns, _where in reversed(FLAG_INDEXES):
        op.drop_index(name, table_name="records")

"""substring search: a trigram full-text index beside the word index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

`record_fts_trigram` indexes every version's title and text in trigrams, so a word inside a
run of Chinese or Japanese characters, an emoji or `?!` can be found (search/textmatch.py).
Like `record_fts` it is external content over `record_versions` (the text is stored once)
and kept in step by triggers, so destruction that deletes a version row purges it from both
indexes. detail=none stores no positions (about the word index's size instead of five times
it: the layout meant to last to five million records); columnsize=0 drops the per-row sizes
only bm25 would read, and the trigram index is never ranked. Existing text is indexed here,
so an upgraded archive finds it by substring at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = ("record_versions_tri_ai", "record_versions_tri_ad", "record_versions_tri_au")


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE record_fts_trigram USING fts5("
        "title, text, content='record_versions', content_rowid='id',"
        " tokenize='trigram', detail=none, columnsize=0)"
    )
    op.execute(
        "CREATE TRIGGER record_versions_tri_ai AFTER INSERT ON record_versions BEGIN"
        " INSERT INTO record_fts_trigram(rowid, title, text)"
        " VALUES (new.id, new.title, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER record_versions_tri_ad AFTER DELETE ON record_versions BEGIN"
        " INSERT INTO record_fts_trigram(record_fts_trigram, rowid, title, text)"
        " VALUES ('delete', old.id, old.title, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER record_versions_tri_au AFTER UPDATE OF title, text ON record_versions"
        " BEGIN"
        " INSERT INTO record_fts_trigram(record_fts_trigram, rowid, title, text)"
        " VALUES ('delete', old.id, old.title, old.text);"
        " INSERT INTO record_fts_trigram(rowid, title, text)"
        " VALUES (new.id, new.title, new.text); END"
    )
    # 'rebuild' reads every version once and writes the index already merged
    op.execute("INSERT INTO record_fts_trigram(record_fts_trigram) VALUES ('rebuild')")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS record_fts_trigram")

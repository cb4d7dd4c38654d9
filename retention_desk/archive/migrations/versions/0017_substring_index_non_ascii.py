"""substring index: only versions whose text holds a character outside ASCII

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06

The trigram index (0005) answers the terms the word index cannot: runs of a script written
without spaces, and terms with no letter or digit (search/textmatch.py). Every such term
that holds a character outside ASCII can only match a version whose title or text holds
one too, so only those versions need trigrams; a term made of ASCII punctuation alone (`?!`)
is found by reading the texts, as a term of one or two characters always was. Indexing every
version cost the most of any index on an import of English text (trigrams of every three
characters, merged again and again as the index grows; bare FTS5 takes 1.6x as long with
it at a million tweets).

The index becomes external content over the view `record_versions_non_ascii`, so FTS5's own
`rebuild` and `integrity-check` see exactly the rows it should hold, and the triggers apply
the view's condition to the rows they add and remove. The condition (bytes differ from
characters) is built from SQLite's own functions so the triggers work in any SQLite client;
a NUL inside a text makes length() stop early, which only adds that version to the index.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEW = "record_versions_non_ascii"
TRIGGERS = ("record_versions_tri_ai", "record_versions_tri_ad", "record_versions_tri_au")


def non_ascii(alias: str) -> str:
    """SQL true when the version `alias` (new, old or a table) has a character outside ASCII."""
    joined = f"(coalesce({alias}.title, '') || coalesce({alias}.text, ''))"
    return f"length(CAST({joined} AS BLOB)) != length({joined})"


def _create_index(content: str) -> None:
    op.execute(
        "CREATE VIRTUAL TABLE record_fts_trigram USING fts5("
        f"title, text, content='{content}', content_rowid='id',"
        " tokenize='trigram', detail=none, columnsize=0)"
    )


def _drop() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS record_fts_trigram")


def upgrade() -> None:
    _drop()
    op.execute(
        f"CREATE VIEW {VIEW} AS SELECT id, title, text FROM record_versions v"
        f" WHERE {non_ascii('v')}"
    )
    _create_index(VIEW)
    op.execute(
        "CREATE TRIGGER record_versions_tri_ai AFTER INSERT ON record_versions"
        f" WHEN {non_ascii('new')} BEGIN"
        " INSERT INTO record_fts_trigram(rowid, title, text)"
        " VALUES (new.id, new.title, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER record_versions_tri_ad AFTER DELETE ON record_versions"
        f" WHEN {non_ascii('old')} BEGIN"
        " INSERT INTO record_fts_trigram(record_fts_trigram, rowid, title, text)"
        " VALUES ('delete', old.id, old.title, old.text); END"
    )
    # an update may move a version into the index, out of it, or change what it holds there
    op.execute(
        "CREATE TRIGGER record_versions_tri_au AFTER UPDATE OF title, text ON record_versions"
        " BEGIN"
        " INSERT INTO record_fts_trigram(record_fts_trigram, rowid, title, text)"
        f" SELECT 'delete', old.id, old.title, old.text WHERE {non_ascii('old')};"
        " INSERT INTO record_fts_trigram(rowid, title, text)"
        f" SELECT new.id, new.title, new.text WHERE {non_ascii('new')}; END"
    )
    # 'rebuild' reads the view once and writes the index already merged
    op.execute("INSERT INTO record_fts_trigram(record_fts_trigram) VALUES ('rebuild')")


def downgrade() -> None:
    _drop()
    op.execute(f"DROP VIEW IF EXISTS {VIEW}")
    _create_index("record_versions")
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
    op.execute("INSERT INTO record_fts_trigram(record_fts_trigram) VALUES ('rebuild')")

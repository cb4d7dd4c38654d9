"""Upkeep of the full-text indexes (FTS5, kept in sync with record_versions by triggers).

Tables that hold record text, which destruction must purge (all follow `record_versions`
through its delete trigger, since both indexes are external content over it; their shadow
tables hold the index itself):
- `record_versions` (title, text, text_raw): the text itself;
- `record_fts` and its shadow tables `record_fts_data`, `record_fts_idx`,
  `record_fts_docsize`, `record_fts_config`: the word index (unicode61);
- `record_fts_trigram` and `record_fts_trigram_data`, `_idx`, `_config`: the substring
  index (trigram, detail=none, no docsize table).
FTS5 leaves deleted terms in old segments until they are merged: after destroying records,
run `purge_search_indexes` (a full optimize of both) so no segment keeps the words, and
`secure_delete` (set on every connection) zeroes the freed pages.

FTS5 adds a segment per write transaction and merges them only gradually; a bulk import
leaves many, and every probe pays for each (measured: ~25x slower record-by-record probes on
a million-record archive). Imports therefore tidy the indexes when they finish.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# A full optimize rewrites the whole index (seconds per million versions, and memory for the
# largest doclists): worth it when the import is a large share of what the index holds (a
# first import, a bulk load), never for an import into a large archive, whose cost must follow
# the import and not the archive. Otherwise an incremental merge sized by the new texts folds
# the imports' segments together, leaving the archive's big segment as it is until the small
# ones add up to COMPACT_SHARE of it (then one optimize folds them in: each version is
# rewritten a bounded number of times, and a probe never pays for more than a few segments).
OPTIMIZE_THRESHOLD = 20_000
OPTIMIZE_SHARE = 4  # optimize when the new texts are at least a quarter of all versions
MERGE_PAGES = 500
MERGE_PAGES_PER_TEXT = 0.1  # merge work for an import into a large archive, in leaf pages
# the smaller segments are folded into the largest once they hold this share of it (1/8: each
# version is rewritten about eight times over its life, and at most a few segments are probed)
COMPACT_SHARE = 8
FTS_TABLES = ("record_fts", "record_fts_trigram")


def _present(conn: Connection) -> list[str]:
    # an archive opened before migration 0005 ran (tests building old revisions) lacks the
    # trigram index; never fail an import's upkeep for it
    rows = conn.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (:a, :b)"),
        {"a": FTS_TABLES[0], "b": FTS_TABLES[1]},
    )
    names = {r[0] for r in rows}
    return [t for t in FTS_TABLES if t in names]


def segment_pages(conn: Connection, table: str) -> list[int]:
    """Leaf pages of each segment of a full-text index, largest first (its `_idx` table has
    a row per leaf page, so this reads tens of thousands of small rows at five million)."""
    rows = conn.execute(text(f"SELECT count(*) FROM {table}_idx GROUP BY segid"))
    return sorted((int(r[0]) for r in rows), reverse=True)


def tidy_search_index(conn: Connection, new_texts: int) -> str:
    """Merge index segments after `new_texts` versions were written; returns what was done:
    "optimize" (every index rewritten as one segment), "compact" (one index was), "merge"."""
    if new_texts <= 0:
        return "none"
    tables = _present(conn)
    if new_texts >= OPTIMIZE_THRESHOLD:
        total = conn.execute(text("SELECT coalesce(max(id), 0) FROM record_versions")).scalar()
        if new_texts * OPTIMIZE_SHARE >= int(total or 0):
            optimize_search_indexes(conn)
            return "optimize"
    pages = max(MERGE_PAGES, int(new_texts * MERGE_PAGES_PER_TEXT))
    done = "merge"
    for table in tables:
        # usermerge 2: segments of the same level are merged in pairs, so the imports' small
        # segments fold together without the archive's large one being read (each probe of a
        # date-sorted walk pays for every segment: 10 segments made them 2-3x slower at 5M)
        conn.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('usermerge', 2)"))
        conn.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('merge', :n)"), {"n": pages})
        conn.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('usermerge', 4)"))
        sizes = segment_pages(conn, table)
        if len(sizes) > 1 and sum(sizes[1:]) * COMPACT_SHARE >= sizes[0]:
            # the small segments add up to a share of the large one: fold everything into one
            # segment now, a cost that each import shares in proportion to what it added
            conn.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))
            done = "compact"
    return done


def optimize_search_indexes(conn: Connection) -> None:
    """Rewrite every full-text index into one segment (seconds per million versions)."""
    for table in _present(conn):
        conn.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))


def purge_search_indexes(conn: Connection) -> None:
    """Rewrite every full-text index into one segment, so no older segment still holds
    terms of deleted versions (for destruction)."""
    optimize_search_indexes(conn)

"""Upkeep of the full-text index (FTS5 table record_fts, kept in sync by triggers).

FTS5 adds a segment per write transaction and merges them only gradually; a bulk import
leaves many, and every probe pays for each (measured: ~25x slower record-by-record probes on
a million-record archive). Imports therefore tidy the index when they finish.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# Above this many new texts a full optimize (seconds per million versions) pays for itself;
# below it an incremental merge of a bounded amount of work keeps small imports quick.
OPTIMIZE_THRESHOLD = 20_000
MERGE_PAGES = 500


def tidy_search_index(conn: Connection, new_texts: int) -> str:
    """Merge index segments after `new_texts` versions were written; returns what was done."""
    if new_texts <= 0:
        return "none"
    if new_texts >= OPTIMIZE_THRESHOLD:
        conn.execute(text("INSERT INTO record_fts(record_fts) VALUES ('optimize')"))
        return "optimize"
    conn.execute(
        text("INSERT INTO record_fts(record_fts, rank) VALUES ('merge', :n)"), {"n": MERGE_PAGES}
    )
    return "merge"

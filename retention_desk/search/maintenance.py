"""Keeping the full-text index fast.

FTS5 adds a segment to the index for every write transaction and merges them only
gradually. A search that probes the index record by record (the "walk" plan for common
words, the matched-version lookup of every result page) pays for each segment on each
probe: on a million-record archive built by one bulk import, probes cost ~25 times more
before `optimize_index` than after. The import runner tidies the index itself when an import
finishes (archive/fts.py); this is the explicit, audited full optimize for maintenance.
"""

from __future__ import annotations

from retention_desk.archive import Archive
from retention_desk.archive.fts import optimize_search_indexes


def optimize_index(archive: Archive) -> None:
    """Merge the full-text index into one segment (seconds per million versions).

    Writes an audit row: the index content is unchanged, but the file is rewritten and the
    trail should say when and by whom.
    """
    with archive.write() as conn:
        optimize_search_indexes(conn)
        archive.audit(conn, action="search.optimize_index", object_type="archive")

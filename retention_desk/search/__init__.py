"""Search: the query language, its SQL/FTS5 compiler and executor, facets, saved searches
and record details. Headless (no Qt); every result is a frozen dataclass.

API for the Archive view and the CLI (all raise QueryError with a one-line message for a
query that cannot run: unknown filter, unreadable date or kind, over-long text):

    engine = SearchEngine(archive)                     # keeps one read connection;
    engine.warm_up()                                   #   optional: load date keys now
    ...                                                #   (seconds per million versions;
                                                       #   a one-shot caller such as the CLI
                                                       #   passes date_cache=False instead)
    engine.close()                                     # or `with SearchEngine(a) as e:`
    q = engine.parse("police -snow platform:x")        # -> CompiledQuery (reusable)
    page = engine.page(q, sort="date", limit=50, offset=0)   # -> SearchPage (rows, has_more)
    total = engine.count(q)                            # -> int
    facets = engine.facets(q)                          # -> Facets (total, platform, account,
                                                       #    kind, year; each FacetCount has
                                                       #    .filter text to add to the query)
    ids = engine.search_ids(q, sort="date")            # -> list[int], every match, ids only
    rows = engine.fetch_rows(ids[100:150], q)          # -> list[ResultRow] in that order
    rows = engine.iter_rows(q, sort="date", limit=None)  # -> Iterator[ResultRow]: every match
                                                       #    (or `limit`), streamed from one
                                                       #    snapshot in bounded memory;
    write_csv(rows, stream) / write_json(rows, stream) #    exports as they are read (-> count)
    result = engine.search(q, limit=50, offset=0)      # -> SearchResult(page, total, facets)
    detail = record_detail(archive, record_id)         # -> RecordDetail (thread, versions,
                                                       #    media, provenance, fixity)
    save_search(archive, name, query, sort="date")     # audited; list_saved, delete_saved,
    run_saved(archive, name)                           # run with its saved sort
    filter_help()                                      # -> list[FilterInfo] for help/completion

Sorts: "date" (newest first, undated last, ties by id descending), "oldest" (oldest first,
undated last), "relevance" (bm25 over title and text; falls back to "date" without words).
For a lazy table: call `page` for the first screen (fast), then `search_ids` and `facets`
on a background task, and `fetch_rows` for the rows being painted. Call the engine from one
worker thread (calls are serialised by a lock); close it before the archive file is closed,
moved or backed up by copying.

Query language (see query.py and filters.py): words, "exact phrases", OR (binds tighter than
the implicit AND), -excluded, prefix*, and filters platform:, account:, author:, kind:,
before:/after:/on: (YYYY-MM-DD, YYYY-MM, YYYY, on: also A..B; the agency's time zone),
is:deleted|edited|hidden|restricted|repost, has:media, url:. Words match any version of a
record (text it had at any capture); each row says which versions matched. Typed text never
reaches SQL or FTS syntax: FTS tokens are always quoted, LIKE patterns escaped, values bound.
New filters (series:, hold:, request:) are one function + `register_filter` in filters.py.
"""

from __future__ import annotations

from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.detail import (
    RecordDetail,
    SensitiveInfo,
    ThreadNode,
    VersionInfo,
    record_detail,
    record_sensitive,
)
from retention_desk.search.engine import SearchEngine, search
from retention_desk.search.errors import QueryError, RecordNotFound
from retention_desk.search.export import COLUMNS, csv_cell, row_values, write_csv, write_json
from retention_desk.search.filters import FilterContext, register_filter
from retention_desk.search.filters import filter_help as _filter_specs
from retention_desk.search.maintenance import optimize_index
from retention_desk.search.results import (
    SORTS,
    FacetCount,
    Facets,
    FilterInfo,
    ResultRow,
    SavedSearch,
    SearchPage,
    SearchResult,
)
from retention_desk.search.saved import (
    SavedSearchError,
    delete_saved,
    list_saved,
    run_saved,
    save_search,
)


def filter_help() -> list[FilterInfo]:
    """Every query filter with a help line and an example."""
    return [FilterInfo(s.name, s.help, s.example) for s in _filter_specs()]


__all__ = [
    "COLUMNS",
    "SORTS",
    "CompiledQuery",
    "FacetCount",
    "Facets",
    "FilterContext",
    "FilterInfo",
    "QueryError",
    "RecordDetail",
    "RecordNotFound",
    "ResultRow",
    "SavedSearch",
    "SavedSearchError",
    "SearchEngine",
    "SearchPage",
    "SearchResult",
    "SensitiveInfo",
    "ThreadNode",
    "VersionInfo",
    "csv_cell",
    "delete_saved",
    "filter_help",
    "list_saved",
    "optimize_index",
    "record_detail",
    "record_sensitive",
    "register_filter",
    "row_values",
    "run_saved",
    "save_search",
    "search",
    "write_csv",
    "write_json",
]

"""The executor: compiled queries -> pages, id lists, counts and facets.

Plans for a date-sorted page (the `strategy` a SearchPage reports):
- "filters": no words; SQL reads records along the best index in date order and stops.
- "memory" (long-lived engines): words in fewer versions than the walk's expected probes
  cost (walk.memory_breakeven), or fewer than HARD_MEMORY_CAP when a walk would serve them
  badly (phrases, several words, prefixes, exclusions: walk.hard_to_walk) or the query has
  a date range; with a platform or kind filter only the matches in its runs of version ids
  (partitions.py). The matching
  version ids come from the full-text index, the in-memory date keys (datecache.py) pick
  the newest, pruned by the query's date/platform/kind filters and exclusions, and SQL
  checks only those candidates against the remaining filters.
- "walk" (walk.py): a common word; records newest-first, each probed in the index.
- "materialize": every match joined to its record and sorted in SQL; the fallback, and the
  plan for an engine without the in-memory keys when the walk is estimated dearer.
Relevance ("relevance+memory"): the best-scoring versions kept by SQLite while it scores
every match, or every match's score read at once, ranked in numpy (`_relevance_top`,
`_relevance_from_cache`); "relevance", the SQL that scores and groups every match, past
HARD_MEMORY_CAP matches when the best versions do not settle the page.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from retention_desk.archive import Archive, ArchiveBusy, db
from retention_desk.archive.settings import DEFAULT_TIME_ZONE
from retention_desk.search import cachefile, datecache, memory_plans, partitions
from retention_desk.search import facets as facets_mod
from retention_desk.search import walk as walk_mod
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import IdArray, as_ids, distinct, member, without
from retention_desk.search.compiler import CompiledQuery, compile_query
from retention_desk.search.datecache import CacheUnusable, DateCache, sort_key
from retention_desk.search.errors import QueryError
from retention_desk.search.facetcache import FacetCache
from retention_desk.search.filters import known_filters
from retention_desk.search.partitions import VersionRuns
from retention_desk.search.query import parse
from retention_desk.search.results import SORTS, Facets, ResultRow, SearchPage, SearchResult
from retention_desk.search.rows import KnownVersions
from retention_desk.search.rows import fetch_rows as _fetch_rows

CHECK_BY_ID_MAX = 60_000  # facets: matches checked against filters by id, at most
VERIFY_CAP = 20_000  # date-cache candidates checked against filters before giving up
TOP_VERSIONS = 4096  # best-scoring versions kept for a relevance page (engine._relevance_top)
MAX_LIMIT = 10_000  # rows in one page; iter_rows has no such bound
EXPORT_BATCH = 500  # rows fetched at a time by iter_rows

QueryLike = str | CompiledQuery


F = TypeVar("F", bound=Callable[..., Any])


def _falls_back_to_sql(method: F) -> F:
    """Run `method`; if the archive's ids are too sparse for the array caches, switch the
    caches off for good and run it again on SQL alone."""

    @functools.wraps(method)
    def wrapper(self: SearchEngine, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except CacheUnusable:
            self._disable_caches()
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class SearchEngine:
    """Search one archive.

    Keeps one read connection between calls (see `keep_connection`); `close()` it (or use
    the engine as a context manager) before the archive file is moved, deleted or closed.
    Thread use: calls are serialised by a lock, so the engine may be shared, but the GUI
    should call it from its database worker thread, never the GUI thread. Every call runs in
    its own read transaction: one consistent snapshot per call.
    """

    def __init__(
        self,
        archive: Archive,
        backend: SqliteBackend | None = None,
        *,
        keep_connection: bool = True,
        date_cache: bool | None = None,
    ) -> None:
        self.archive = archive
        self.backend = backend or SqliteBackend()
        self._tz: ZoneInfo | None = None
        # One connection kept between calls (never inside a transaction while idle, so it
        # blocks no writer or checkpoint): its page cache stays warm, and no call pays for
        # opening a connection or for the WAL cleanup SQLite does when the last one closes.
        # `close()` releases it (before moving or deleting the archive file).
        self._keep = keep_connection
        self._conn: Connection | None = None
        self._lock = threading.RLock()
        # In-memory date keys (datecache.py): worth their build time only in a long-lived
        # engine, so on by default exactly when the connection is kept.
        caching = keep_connection if date_cache is None else date_cache
        self._dates = DateCache() if caching else None
        self._caching = caching
        self._facet_cache: FacetCache | None = None  # made on first use: needs the time zone
        # While warm_up loads the caches on its own connection, searches run on the SQL plans
        # (as an engine without caches does) instead of waiting for it; `_generation` tells
        # a warm-up that a reset or a switch-off made what it loaded stale.
        self._warming = False
        self._generation = 0
        # runs of version ids by platform and kind (partitions.py), for the caches they were
        # derived from: rebuilt whenever either cache object is replaced
        self._runs: tuple[DateCache, FacetCache, VersionRuns] | None = None

    # ----------------------------------------------------------------- helpers
    @property
    def tz(self) -> ZoneInfo:
        """The agency's time zone (archive setting `time_zone`), read once per engine."""
        if self._tz is None:
            name = self.archive.settings().time_zone or DEFAULT_TIME_ZONE
            try:
                self._tz = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                self._tz = ZoneInfo(DEFAULT_TIME_ZONE)
        return self._tz

    def reload_settings(self) -> None:
        """Forget the cached time zone (call after the archive settings change)."""
        with self._lock:
            self._tz = None
            self._facet_cache = None  # its years are in the old zone (a warm-up's too)

    def reset_caches(self) -> None:
        """Forget the in-memory date keys and facet groups (they rebuild on next use). Needed
        only after something rewrites an archived record's created_at, platform, kind or
        account, which the ingest layer never does."""
        with self._lock:
            self._generation += 1
            self._warming = False
            if self._caching:
                self._dates = DateCache()
                self._facet_cache = None

    def _disable_caches(self) -> None:
        with self._lock:
            self._generation += 1
            self._warming = False
            self._caching = False
            self._dates = None
            self._facet_cache = None

    def _facets_cache(self) -> FacetCache | None:
        if self._warming:
            return None  # a cold cache would load every record here, under the lock
        if self._caching and (self._facet_cache is None or self._facet_cache.tz != self.tz):
            self._facet_cache = FacetCache(self.tz)
        return self._facet_cache

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection in a read transaction: one consistent snapshot per call."""
        with self._lock:
            if not self._keep:
                with self.archive.read() as conn:
                    self.backend.prepare_read(conn)
                    yield conn
                return
            if self._conn is None or self._conn.closed:
                conn = self.archive.engine.connect()
                with conn.begin():
                    self.backend.prepare_read(conn)
                self._conn = conn
            try:
                with self._conn.begin():
                    yield self._conn
            except (OperationalError, sqlite3.OperationalError) as exc:
                # an interrupted or failed statement: start the next call on a new connection
                self.close()
                if db.is_busy_error(exc):
                    raise ArchiveBusy(f"The archive {self.archive.path.name} is busy.") from exc
                raise

    @_falls_back_to_sql
    def warm_up(self, cancel: threading.Event | None = None) -> bool:
        """Load the in-memory date keys and facet groups (seconds per million records).

        A cold load runs on a connection of its own without holding the engine, so it is
        invisible to searches: until it is complete they run on the SQL plans, then the
        caches are installed. Call it on a thread of its own after opening an archive;
        `cancel` stops it (Cancelled). Returns True when the caches are warm, False when a
        reset or a switch-off during the load made it stale (or the engine keeps none)."""
        with self._lock:
            if not self._caching or self._warming:
                return False
            tz = self.tz
            if self._dates is not None and len(self._dates) > 0:
                # warm already: only what was archived since, which is quick
                with self._read() as conn:
                    self._dates.refresh(self.backend, conn)
                    facet_cache = self._facets_cache()
                    if facet_cache is not None:
                        facet_cache.refresh(self.backend, conn)
                return True
            self._generation += 1
            generation = self._generation
            self._warming = True
            self._dates = None  # searches take the SQL plans meanwhile
        loaded: tuple[DateCache, FacetCache] | None = None
        runs: VersionRuns | None = None
        try:
            loaded = self._load(tz, cancel)
            # a pass over every version id (half a second at five million): here, not in the
            # first search with a platform filter
            if loaded is not None:
                runs = VersionRuns()
                if not runs.extend(*loaded):
                    runs = None
        finally:
            with self._lock:
                fresh = generation == self._generation and self._caching
                if fresh:
                    self._warming = False
                    # a failed or cancelled load leaves a cold cache, loaded on first use
                    self._dates = loaded[0] if loaded else DateCache()
                    if loaded and loaded[1].tz == self.tz:
                        self._facet_cache = loaded[1]
                        if runs is not None:
                            self._runs = (loaded[0], loaded[1], runs)
        return fresh

    def _load(self, tz: ZoneInfo, cancel: threading.Event | None) -> tuple[DateCache, FacetCache]:
        """Both caches from one snapshot, through the cache file beside the archive."""
        return cachefile.load_caches(self.archive, self.backend, tz, cancel)

    def close(self) -> None:
        """Release the kept connection (the engine reconnects if used again)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def parse(self, query: QueryLike) -> CompiledQuery:
        """Parse and compile `query`; QueryError for unknown filters or unreadable values."""
        if isinstance(query, CompiledQuery):
            return query
        if not isinstance(query, str):
            raise QueryError("A query must be text.")
        return compile_query(
            parse(query, known_filters()),
            self.backend,
            self.tz,
            self._archive_platforms,
            self.archive,
        )

    def _archive_platforms(self) -> frozenset[str]:
        """The platforms the archive holds: one index seek per platform (a skip-scan of
        ix_records_platform_created), asked only for a `platform:` value nobody knows."""
        sql = (
            "WITH RECURSIVE p(name) AS (SELECT min(platform) FROM records UNION ALL"
            " SELECT (SELECT min(platform) FROM records WHERE platform > p.name) FROM p"
            " WHERE p.name IS NOT NULL) SELECT name FROM p WHERE name IS NOT NULL"
        )
        with self._read() as conn:
            return frozenset(r[0] for r in self.backend.fetch_all(conn, sql))

    @staticmethod
    def _check_sort(sort: str) -> str:
        if sort not in SORTS:
            raise QueryError(f"Sort must be one of {', '.join(SORTS)}; not '{sort}'.")
        return sort

    def _order(self, sort: str) -> str:
        return self.backend.order_oldest() if sort == "oldest" else self.backend.order_newest()

    def _text_condition(self, q: CompiledQuery) -> str:
        if not q.has_text:
            return "1 = 1"
        return (
            "r.id IN (SELECT v.record_id FROM record_versions v WHERE v.id IN ("
            + q.versions_sql
            + "))"
        )

    def matching_ids_sql(self, q: CompiledQuery) -> tuple[str, dict[str, Any]]:
        """`SELECT r.id FROM records r WHERE …` for every record `q` matches, with its bound
        parameters: for callers that run it inside their own statement (retention rules)."""
        return (
            f"SELECT r.id FROM records r WHERE {self._text_condition(q)} AND ({q.where})",
            q.bind(),
        )

    # ----------------------------------------------------------------- id plans
    def _ids_sorted_sql(self, q: CompiledQuery, sort: str, limit: int | None) -> str:
        sql = (
            f"SELECT r.id FROM records r WHERE {self._text_condition(q)} AND ({q.where})"
            f" ORDER BY {self._order(sort)}"
        )
        return sql + (" LIMIT :k" if limit is not None else "")

    def _relevance_sql(self, q: CompiledQuery) -> str:
        """(record id, best score) for every match, best first."""
        return (
            "SELECT v.record_id, min(m.score) AS best, max(r.created_at) AS created"
            f" FROM ({q.ranked_sql}) m"
            " JOIN record_versions v ON v.id = m.vid JOIN records r ON r.id = v.record_id"
            f" WHERE ({q.where}) GROUP BY v.record_id"
            " ORDER BY best, created DESC, v.record_id DESC"
        )

    def _ids_relevance(
        self, conn: Connection, q: CompiledQuery, limit: int | None
    ) -> tuple[list[int], dict[int, float]]:
        sql = self._relevance_sql(q) + (" LIMIT :k" if limit is not None else "")
        rows = self.backend.execute(conn, sql, q.bind(k=limit)).all()
        return [int(r[0]) for r in rows], {int(r[0]): float(r[1]) for r in rows}

    def _page_ids(
        self, conn: Connection, q: CompiledQuery, sort: str, want: int
    ) -> tuple[list[int], dict[int, float], str, KnownVersions | None]:
        """(ids, relevance scores, plan name, matching version ids when the plan read them)."""
        if sort == "relevance" and q.has_text:
            if self._dates is not None:
                ranked = self._relevance_from_cache(conn, q, want)
            else:
                ranked = self._relevance_top(conn, q, want)
            if ranked is not None:
                return ranked[0], ranked[1], "relevance+memory", ranked[2]
            ids, scores = self._ids_relevance(conn, q, want)
            return ids, scores, "relevance", None
        if not q.has_text:
            sql = self._ids_sorted_sql(q, sort, want)
            ids = [int(r[0]) for r in self.backend.execute(conn, sql, q.bind(k=want))]
            return ids, {}, "filters", None
        counted: int | None = None  # matching versions, when a plan counted them
        if self._dates is not None:
            read: IdArray | None = None
            cap = walk_mod.HARD_MEMORY_CAP
            if walk_mod.hard_to_walk(q):
                # dear probes: read the matches up to the cap at once (no count first: for a
                # phrase it was half the work of reading them); a walk or a sort in SQL only
                # past it. _from_date_cache refreshes the keys over them, in this snapshot.
                listed = self.backend.fetch_id_array(
                    conn, f"{q.versions_sql} LIMIT :cap", q.bind(cap=cap + 1)
                )
                few = len(listed) <= cap
                read = listed if few else None
            elif (ranges := self._partition_ranges(conn, q)) is not None:
                # a platform or kind filter over few runs of ids: the matches inside them
                # against the walk's probes among the versions they cover
                covered = sum(hi - lo + 1 for lo, hi in ranges)
                limit = min(
                    cap, max(walk_mod.COUNT_CAP - 1, walk_mod.memory_breakeven(want, covered))
                )
                few = partitions.count_in_ranges(self.backend, conn, q, ranges, limit + 1) <= limit
                if few:
                    read = partitions.read_in_ranges(self.backend, conn, q, ranges)
            else:
                if q.prefilter.dated:
                    # a date range: the walk probes the range's records, most without the
                    # words, while the keys prune to the range in memory; a word in most
                    # records (`the on:2021`) still walks
                    limit = cap
                else:
                    # memory against the walk's probes, counted only as far as memory can
                    # win (once: the count is a pass over the matches it reaches)
                    population = walk_mod.record_population(self.backend, conn)
                    limit = min(
                        cap,
                        max(walk_mod.COUNT_CAP - 1, walk_mod.memory_breakeven(want, population)),
                    )
                counted = walk_mod.count_matches(self.backend, conn, q, limit + 1)
                few = counted <= limit
            if few:
                found, vids = self._from_date_cache(conn, q, sort, want, self._dates, read)
                if found is not None:
                    return found, {}, "memory", vids
                ids = self._materialized(conn, q, sort, want)
                return ids, {}, "memory+materialize", vids
        budget = walk_mod.walk_budget(self.backend, conn, q, want, counted)
        if budget is not None:
            walked = walk_mod.walk(self.backend, conn, q, sort, want, budget)
            if walked is not None:
                return walked, {}, "walk", None
            strategy = "walk+materialize"
        else:
            strategy = "materialize"
        return self._materialized(conn, q, sort, want), {}, strategy, None

    def _materialized(self, conn: Connection, q: CompiledQuery, sort: str, want: int) -> list[int]:
        sql = self._ids_sorted_sql(q, sort, want)
        return [int(r[0]) for r in self.backend.execute(conn, sql, q.bind(k=want))]

    def _pruning(
        self, conn: Connection, q: CompiledQuery, exclusions: bool = True
    ) -> dict[str, Any]:
        """Candidate pruning from the query's date/platform/kind filters (see Prefilter), and
        from its exclusions unless `exclusions` is False (the caller checks them itself)."""
        pf = q.prefilter
        out: dict[str, Any] = {}
        if exclusions and q.exclude_sql is not None:
            out["excluded"] = self._excluded(conn, q)
        if pf.dated:
            out["key_range"] = (
                sort_key(pf.start) if pf.start else None,
                sort_key(pf.end) if pf.end else None,
            )
        cache = self._facets_cache()
        if cache is not None and (pf.platforms is not None or pf.kinds is not None):
            cache.refresh(self.backend, conn)
            allowed = {
                gid
                for gid, (platform, kind, _account, _year) in enumerate(cache.groups)
                if (pf.platforms is None or platform in pf.platforms)
                and (pf.kinds is None or kind in pf.kinds)
            }
            out["groups"] = (cache.group, allowed)
        return out

    def _excluded(self, conn: Connection, q: CompiledQuery) -> IdArray:
        """Records any version of which contains an excluded word, distinct (date cache
        refreshed)."""
        assert self._dates is not None and q.exclude_sql is not None
        self._dates.refresh(self.backend, conn)
        vids = self.backend.fetch_id_array(conn, q.exclude_sql, q.params)
        return distinct(self._dates.records[vids])

    def _candidate_checks(self, conn: Connection, q: CompiledQuery) -> tuple[str, dict[str, Any]]:
        """(the SQL condition each in-memory candidate must pass, the pruning the caches may
        apply before it; see `_pruning`)."""
        where = memory_plans.candidate_where(q)
        return where, self._pruning(conn, q, exclusions=q.exclude_probe is None)

    def _from_date_cache(
        self,
        conn: Connection,
        q: CompiledQuery,
        sort: str,
        want: int,
        dates: DateCache,
        vids: IdArray | None = None,
    ) -> tuple[list[int] | None, KnownVersions]:
        """The first `want` matches in date order from the cached keys, SQL checking only
        the candidates against the filters (None when filters reject too many), and the
        matching version ids (they tell each row which versions matched, without probes).
        `vids`: every matching version id, when the caller has read them already."""
        dates.refresh(self.backend, conn)
        if vids is None:
            vids = self.backend.fetch_id_array(conn, q.versions_sql, q.bind())
        where, pruning = self._candidate_checks(conn, q)
        candidates = dates.candidates(vids, newest=sort != "oldest", **pruning)
        found = memory_plans.checked(self.backend, conn, q, where, candidates, want, VERIFY_CAP)
        return found, KnownVersions(vids)

    def _scored_matches(
        self, conn: Connection, q: CompiledQuery, ranges: list[tuple[int, int]] | None
    ) -> tuple[IdArray, npt.NDArray[np.float64]] | None:
        """(version ids, scores) of every match (only inside `ranges`, the query's runs from
        `_partition_ranges`, when given), the date cache refreshed over them; None past
        HARD_MEMORY_CAP matches (memory_plans.scored_matches)."""
        assert self._dates is not None
        scored = memory_plans.scored_matches(self.backend, conn, q, ranges)
        if scored is not None:
            self._dates.refresh(self.backend, conn)
        return scored

    def _relevance_top(
        self, conn: Connection, q: CompiledQuery, want: int
    ) -> tuple[list[int], dict[int, float], KnownVersions] | None:
        """A relevance page from the best-scoring versions only: SQLite keeps the top
        TOP_VERSIONS (at least) while computing every score, as bare FTS5's `ORDER BY rank`
        does, and nothing else is read (at 6.3M `police` 143 ms, against 191 for bare
        `ORDER BY rank`). Exact: a record is taken only when its best score is better than
        the last one kept, so no version left out could rank it differently; None when those
        records, checked against the filters, do not fill the page (the full read answers).
        Rows probe only their versions outside the ones kept (a prefix probe costs ms)."""
        keep = max(4 * want, TOP_VERSIONS)
        sql = f"SELECT vid, score FROM ({q.ranked_sql}) ORDER BY score LIMIT :rd_keep"
        vids, scores = self.backend.fetch_scored(conn, sql, q.bind(rd_keep=keep))
        complete = len(vids) < keep  # every match was kept
        ranked: Iterator[tuple[int, float]]
        if self._dates is not None:
            self._dates.refresh(self.backend, conn)
            where, pruning = self._candidate_checks(conn, q)
            ranked = self._dates.by_score(vids, scores, **pruning)
        else:  # no caches (a one-off engine, the CLI's): the kept versions' records from SQL
            where = memory_plans.candidate_where(q)
            ranked = memory_plans.by_score_sql(self.backend, conn, vids, scores)

        # below the last score kept: a version tied with it may have been left out
        below = None if complete else float(scores.max())
        taken = memory_plans.checked_scored(
            self.backend, conn, q, where, ranked, want, VERIFY_CAP, below
        )
        if taken is None or (len(taken[0]) < want and not complete):
            return None
        return taken[0], taken[1], KnownVersions(vids, complete=False)

    def _relevance_from_cache(
        self, conn: Connection, q: CompiledQuery, want: int
    ) -> tuple[list[int], dict[int, float], KnownVersions] | None:
        """The first `want` matches by relevance, ranked in memory: every matching version's
        score read from the index at once (as the bare `ORDER BY rank` computes them), the
        best version of each record taken, and SQL checking only the candidates against the
        filters; the order of `_relevance_sql`. None when the matches are too many to read
        (a word in most records) or the filters reject too many candidates.

        At 6.3 million records `police` took 913 ms in SQL, which looks up the version and the
        record of every match and groups them, against 221 ms for the bare ranking."""
        assert self._dates is not None
        ranges = self._partition_ranges(conn, q)
        if ranges is None:  # (with runs, reading their scores is cheap)
            top = self._relevance_top(conn, q, want)
            if top is not None:
                return top
        scored = self._scored_matches(conn, q, ranges)
        if scored is None:
            return None
        vids, scores = scored
        where, pruning = self._candidate_checks(conn, q)
        ranked = self._dates.by_score(vids, scores, **pruning)
        taken = memory_plans.checked_scored(self.backend, conn, q, where, ranked, want, VERIFY_CAP)
        return None if taken is None else (taken[0], taken[1], KnownVersions(vids))

    # ------------------------------------------------------------------- public
    @_falls_back_to_sql
    def page(
        self,
        query: QueryLike,
        *,
        sort: str = "date",
        limit: int = 50,
        offset: int = 0,
        with_total: bool = False,
    ) -> SearchPage:
        """One page of results in `sort` order ("date" = newest first, "oldest", "relevance").

        Fast path for the GUI's first paint: no total unless `with_total` (use `count` or
        `facets` separately, e.g. on another task, for the number of results).
        """
        q = self.parse(query)
        sort = self._check_sort(sort)
        limit = max(0, min(int(limit), MAX_LIMIT))
        offset = max(0, int(offset))
        with self._read() as conn:
            ids, scores, strategy, vids = self._page_ids(conn, q, sort, offset + limit + 1)
            page_ids = ids[offset : offset + limit]
            rows = _fetch_rows(self.backend, conn, page_ids, q, scores, vids)
            total = self._count(conn, q) if with_total else None
        return SearchPage(
            query=q.text,
            sort=sort,
            offset=offset,
            limit=limit,
            rows=tuple(rows),
            has_more=len(ids) > offset + limit,
            total=total,
            strategy=strategy,
        )

    @_falls_back_to_sql
    def search_ids(self, query: QueryLike, *, sort: str = "date") -> list[int]:
        """Every matching record id in sort order (ids only: for a lazy table model)."""
        q = self.parse(query)
        sort = self._check_sort(sort)
        with self._read() as conn:
            if sort == "relevance" and q.has_text:
                scored = None
                if self._dates is not None:
                    scored = self._scored_matches(conn, q, self._partition_ranges(conn, q))
                if scored is None:
                    return self._ids_relevance(conn, q, None)[0]
                assert self._dates is not None
                ranked = self._dates.by_score(*scored, **self._pruning(conn, q))
                return self._passing_in_order(conn, q, [rid for rid, _score in ranked])
            if q.has_text and self._dates is not None:
                # order the matches by their cached date keys instead of sorting in SQL
                vids, _grouped = self._matching_versions(conn, q)
                ordered = self._dates.candidates(
                    vids, newest=sort != "oldest", **self._pruning(conn, q)
                )
                return self._passing_in_order(conn, q, list(ordered))
            sql = self._ids_sorted_sql(q, sort, None)
            return [r[0] for r in self.backend.fetch_all(conn, sql, q.bind())]

    def iter_rows(
        self,
        query: QueryLike,
        *,
        sort: str = "date",
        offset: int = 0,
        limit: int | None = None,
        batch: int = EXPORT_BATCH,
    ) -> Generator[ResultRow, None, None]:
        """Every matching row in `sort` order from `offset`, at most `limit` (None: all), for
        exports. The query is checked now (QueryError); rows come as the iterator is read.

        Python memory follows `batch`, not the number of matches: one cursor reads the ids in
        order while the rows are fetched `batch` at a time (SQLite may sort the matches' keys
        when no index gives the order: a few dozen bytes per match). The whole export reads one
        snapshot, so it is consistent even while an import commits; until the iterator is
        exhausted or closed it keeps that read transaction open and holds this engine's lock,
        so read it on one thread, close it (`contextlib.closing`) when stopping early, and use
        a separate engine for an export that runs beside interactive searches.
        """
        q = self.parse(query)
        sort = self._check_sort(sort)
        offset = max(0, int(offset))
        limit = None if limit is None else max(0, int(limit))
        return self._iter_rows(q, sort, offset, limit, max(1, int(batch)))

    def _iter_rows(
        self, q: CompiledQuery, sort: str, offset: int, limit: int | None, batch: int
    ) -> Generator[ResultRow, None, None]:
        scored = sort == "relevance" and q.has_text
        # The SQL order, never a page plan (date cache, walk): those are built to stop after
        # one page, and SQL gives the order `page` and `search_ids` give.
        sql = self._relevance_sql(q) if scored else self._ids_sorted_sql(q, sort, None)
        params = q.bind(k=-1 if limit is None else limit, o=offset)
        with self._read() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                cursor.execute(sql + " LIMIT :k OFFSET :o", params)
                while chunk := cursor.fetchmany(batch):
                    ids = [int(r[0]) for r in chunk]
                    scores = {int(r[0]): float(r[1]) for r in chunk} if scored else None
                    yield from _fetch_rows(self.backend, conn, ids, q, scores)
            finally:
                cursor.close()

    def fetch_rows(self, ids: Sequence[int], query: QueryLike | None = None) -> list[ResultRow]:
        """Rows for `ids` in the given order (what a view paints); with `query`, each row
        says which versions matched its words."""
        q = self.parse(query) if query is not None else None
        with self._read() as conn:
            return _fetch_rows(self.backend, conn, list(ids), q)

    def _count(self, conn: Connection, q: CompiledQuery) -> int:
        sql = f"SELECT count(*) FROM records r WHERE {self._text_condition(q)} AND ({q.where})"
        return int(self.backend.execute(conn, sql, q.bind()).scalar_one())

    def count(self, query: QueryLike) -> int:
        """How many records match (a full pass over the matches)."""
        q = self.parse(query)
        with self._read() as conn:
            return self._count(conn, q)

    @_falls_back_to_sql
    def facets(self, query: QueryLike) -> Facets:
        """Counts per platform, account, kind and year (agency time zone) over ALL matches."""
        q = self.parse(query)
        with self._read() as conn:
            cache = self._facets_cache()
            if cache is None and self._warming and not (q.has_text or q.has_conditions):
                # the warm-up is loading the arrays: the totals alone are in the file's header
                saved = cachefile.saved_totals(self.archive.path, conn, self.tz)
                # the same tombstones: no record destroyed since, so no live count to check
                whole = (
                    None
                    if saved is None
                    else facets_mod.whole_from_cache(self.backend, conn, saved, trusted=True)
                )
                if whole is not None:
                    return whole
            if cache is not None and not (q.has_text or q.has_conditions):
                whole = facets_mod.whole_from_cache(self.backend, conn, cache)
                if whole is not None:
                    return whole
                self._facet_cache = cache = None  # records were destroyed: rebuild next time
            if cache is None or not (q.has_text or q.has_conditions):
                return facets_mod.compute(self.backend, conn, q, self._text_condition(q), self.tz)
            ids = self._matching_record_ids(conn, q)
            return facets_mod.from_cache(self.backend, conn, cache, ids)

    def _matching_versions(self, conn: Connection, q: CompiledQuery) -> tuple[IdArray, bool]:
        """Every version id matching the words (the date cache refreshed to cover them), and
        whether they were read only inside the runs of the query's platforms and kinds (then
        each is of an allowed platform and kind: no need to prune them by group again)."""
        assert self._dates is not None
        self._dates.refresh(self.backend, conn)
        partitioned = self._partitioned_versions(conn, q)
        if partitioned is not None:
            return partitioned, True
        return self.backend.fetch_id_array(conn, q.versions_sql, q.bind()), False

    def _partitioned_versions(self, conn: Connection, q: CompiledQuery) -> IdArray | None:
        """The matching version ids inside the runs of the query's platforms and kinds (every
        matching version of a record the filters allow, and maybe a few more); None when the
        query or the archive's layout does not allow it (partitions.py)."""
        ranges = self._partition_ranges(conn, q)
        return None if ranges is None else partitions.read_in_ranges(self.backend, conn, q, ranges)

    def _partition_ranges(self, conn: Connection, q: CompiledQuery) -> list[tuple[int, int]] | None:
        """Version id ranges holding every version of the query's platforms and kinds, for
        a word query (one FTS5 statement) on warm caches; None otherwise."""
        pf = q.prefilter
        match = q.text_match
        if (pf.platforms is None and pf.kinds is None) or match is None or match.has_substrings:
            return None
        cache = self._facets_cache()
        dates = self._dates
        if cache is None or dates is None or match.fts is None:
            return None
        dates.refresh(self.backend, conn)
        cache.refresh(self.backend, conn)
        if self._runs is None or self._runs[0] is not dates or self._runs[1] is not cache:
            self._runs = (dates, cache, VersionRuns())
        runs = self._runs[2]
        if not runs.extend(dates, cache):
            return None
        return runs.runs(pf.platforms, pf.kinds)

    def _passing_in_order(
        self, conn: Connection, q: CompiledQuery, ordered: list[int]
    ) -> list[int]:
        """The records of `ordered` (each once) that pass the query's conditions, in order."""
        passing = set(self._passing(conn, q, distinct(as_ids(ordered))).tolist())
        return [rid for rid in ordered if rid in passing]

    def _passing(self, conn: Connection, q: CompiledQuery, ids: IdArray) -> IdArray:
        """The records among the distinct, ascending `ids` that also pass the query's record
        conditions (ascending)."""
        if not q.has_conditions:
            return ids
        where = q.where
        if q.exclude_sql is not None:  # exclusions from the index, in memory
            ids = without(ids, self._excluded(conn, q))
            where = q.base_where
            if where == "1 = 1":
                return ids
        if len(ids) <= CHECK_BY_ID_MAX:
            # few: look each up by id rather than let SQL rebuild the match set
            parts: list[IdArray] = []
            for start in range(0, len(ids), 4_000):
                part = ids[start : start + 4_000].tolist()
                sql = memory_plans.passing_sql(self.backend, part, where)
                parts.append(self.backend.fetch_id_array(conn, sql, q.params))
            return distinct(np.concatenate(parts)) if parts else ids[:0]
        # many: the conditions' own result (along their indexes), intersected
        sql = f"SELECT r.id FROM records r WHERE {where}"
        kept = self.backend.fetch_id_array(conn, sql, q.params)
        return ids[member(ids, kept)]

    def _decided_in_memory(
        self, conn: Connection, q: CompiledQuery, vids: IdArray, grouped: bool = False
    ) -> IdArray | None:
        """The matching records when every condition is a platform/kind/date filter the
        caches decide (no record looked up in SQL); None when they cannot. `grouped`: the
        versions are known to be of the filter's platforms and kinds already."""
        if not q.prefilter_exact or self._dates is None:
            return None
        pruning = self._pruning(conn, q)
        pf = q.prefilter
        if (pf.platforms is not None or pf.kinds is not None) and "groups" not in pruning:
            return None  # the facet groups are not loaded (a warm-up is running)
        sure, unsure = datecache.select(
            self._dates, vids, pruning.get("key_range"), None if grouped else pruning.get("groups")
        )
        excluded = pruning.get("excluded")
        if excluded is not None:
            sure, unsure = without(sure, excluded), without(unsure, excluded)
        if len(unsure):
            sure = distinct(np.concatenate([sure, self._passing(conn, q, unsure)]))
        return sure

    def _matching_record_ids(self, conn: Connection, q: CompiledQuery) -> IdArray:
        """Every matching record id, once each, in no particular order."""
        if q.has_text and self._dates is not None:
            # straight from the full-text index, through the cached version -> record map
            vids, grouped = self._matching_versions(conn, q)
            decided = self._decided_in_memory(conn, q, vids, grouped)
            if decided is not None:
                return decided
            return self._passing(conn, q, distinct(self._dates.records[vids]))
        sql = f"SELECT r.id FROM records r WHERE {self._text_condition(q)} AND ({q.where})"
        return self.backend.fetch_id_array(conn, sql, q.bind())

    def search(
        self,
        query: QueryLike,
        *,
        sort: str = "date",
        limit: int = 50,
        offset: int = 0,
        with_facets: bool = True,
    ) -> SearchResult:
        """A page, the total and (unless `with_facets` is False) the facets, in one call."""
        q = self.parse(query)
        page = self.page(q, sort=sort, limit=limit, offset=offset)
        if with_facets:
            facets = self.facets(q)
            return SearchResult(page=page, total=facets.total, facets=facets)
        return SearchResult(page=page, total=self.count(q), facets=None)


def search(archive: Archive, query: str, **kwargs: Any) -> SearchResult:
    """One-off convenience: `SearchEngine(archive).search(query, **kwargs)`, keeping no
    connection open afterwards."""
    with SearchEngine(archive, keep_connection=False) as engine:
        return engine.search(query, **kwargs)

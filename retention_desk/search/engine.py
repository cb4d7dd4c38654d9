"""The executor: compiled queries -> pages, id lists, counts and facets.

Date-sorted pages with words pick one of two plans per query, because the cheap plan for a
rare word is ruinous for a common one and the reverse:
- "materialize": every matching version -> its record -> filters -> sort -> first page. Cost
  grows with the number of matches; right for words in a few thousand versions.
- "walk": read records newest-first along the created_at index (filters applied by SQL) and
  probe the full-text index for each one (an indexed rowid seek), stopping when the page is
  full. Cost grows with 1 / (share of records matching); right for common words.
A capped count of matching versions (stopping at SMALL_MATCHES) decides; a walk that has
probed WALK_BUDGET records without filling the page falls back to materializing, so an
unlucky guess costs at most the budget.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from retention_desk.archive import Archive, ArchiveBusy, db
from retention_desk.archive.settings import DEFAULT_TIME_ZONE
from retention_desk.search import facets as facets_mod
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.compiler import CompiledQuery, compile_query
from retention_desk.search.errors import QueryError
from retention_desk.search.filters import known_filters
from retention_desk.search.query import parse
from retention_desk.search.results import SORTS, Facets, ResultRow, SearchPage, SearchResult
from retention_desk.search.rows import fetch_rows as _fetch_rows

SMALL_MATCHES = 6_000  # below this many matching versions, materializing is cheap
WALK_BUDGET = 25_000  # records probed by a walk before it gives up and materializes
MAX_LIMIT = 10_000

QueryLike = str | CompiledQuery


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
        self._tz = None

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
            except OperationalError as exc:
                self.close()  # a broken connection is not reused
                if db.is_busy_error(exc):
                    raise ArchiveBusy(f"The archive {self.archive.path.name} is busy.") from exc
                raise

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
        return compile_query(parse(query, known_filters()), self.backend, self.tz)

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
            + self.backend.matching_versions_sql("fts")
            + "))"
        )

    # ----------------------------------------------------------------- id plans
    def _ids_sorted_sql(self, q: CompiledQuery, sort: str, limit: int | None) -> str:
        sql = (
            f"SELECT r.id FROM records r WHERE {self._text_condition(q)} AND ({q.where})"
            f" ORDER BY {self._order(sort)}"
        )
        return sql + (" LIMIT :k" if limit is not None else "")

    def _ids_relevance(
        self, conn: Connection, q: CompiledQuery, limit: int | None
    ) -> tuple[list[int], dict[int, float]]:
        sql = (
            "SELECT v.record_id, min(m.score) AS best, max(r.created_at) AS created"
            f" FROM ({self.backend.ranked_versions_sql('fts')}) m"
            " JOIN record_versions v ON v.id = m.vid JOIN records r ON r.id = v.record_id"
            f" WHERE ({q.where}) GROUP BY v.record_id"
            " ORDER BY best, created DESC, v.record_id DESC"
        ) + (" LIMIT :k" if limit is not None else "")
        rows = self.backend.execute(conn, sql, q.bind(k=limit)).all()
        return [int(r[0]) for r in rows], {int(r[0]): float(r[1]) for r in rows}

    def _count_matches(self, conn: Connection, q: CompiledQuery, cap: int) -> int:
        sql = self.backend.count_matches_sql("fts", "cap")
        return int(self.backend.execute(conn, sql, {"fts": q.fts, "cap": cap}).scalar_one())

    def _walk(self, conn: Connection, q: CompiledQuery, sort: str, want: int) -> list[int] | None:
        """Records in date order, probing each for the words; None when over budget."""
        newest = sort != "oldest"
        found: list[int] = []
        probed = 0
        chunk = max(200, want * 4)
        for phase in ("dated", "undated"):
            cursor: tuple[str | None, int] | None = None
            while True:
                rows = self._walk_chunk(conn, q, newest, phase, cursor, chunk)
                if not rows:
                    break
                for rid, _created, hit in rows:
                    if hit:
                        found.append(rid)
                        if len(found) >= want:
                            return found
                probed += len(rows)
                if probed >= WALK_BUDGET:
                    return None
                last = rows[-1]
                cursor = (last[1], last[0])
                chunk = min(chunk * 2, 8_000)
        return found

    def _walk_chunk(
        self,
        conn: Connection,
        q: CompiledQuery,
        newest: bool,
        phase: str,
        cursor: tuple[str | None, int] | None,
        chunk: int,
    ) -> list[tuple[int, str | None, bool]]:
        params = q.bind(chunk=chunk)
        lt, desc = ("<", "DESC") if newest else (">", "ASC")
        if phase == "dated":
            cond = "r.created_at IS NOT NULL"
            order = f"r.created_at {desc}, r.id {desc}"
            if cursor is not None:
                cond += (
                    f" AND r.created_at {lt}= :cur_c AND (r.created_at {lt} :cur_c"
                    f" OR r.id {lt} :cur_i)"
                )
                params.update(cur_c=cursor[0], cur_i=cursor[1])
        else:
            cond = "r.created_at IS NULL"
            order = f"r.id {desc}"
            if cursor is not None:
                cond += f" AND r.id {lt} :cur_i"
                params.update(cur_i=cursor[1])
        probe = (
            "EXISTS (SELECT 1 FROM record_versions v JOIN record_fts f ON f.rowid = v.id"
            " WHERE v.record_id = c.id AND record_fts MATCH :fts)"
        )
        sql = (
            f"SELECT c.id, c.created_at, {probe} FROM (SELECT r.id, r.created_at FROM records r"
            f" WHERE ({q.where}) AND {cond} ORDER BY {order} LIMIT :chunk) c"
        )
        rows = [(int(r[0]), r[1], bool(r[2])) for r in self.backend.execute(conn, sql, params)]
        # the sub-select's order is not promised to survive the outer select: restore it
        if phase == "dated":
            rows.sort(key=lambda r: (r[1] or "", r[0]), reverse=newest)
        else:
            rows.sort(key=lambda r: r[0], reverse=newest)
        return rows

    def _page_ids(
        self, conn: Connection, q: CompiledQuery, sort: str, want: int
    ) -> tuple[list[int], dict[int, float], str]:
        if sort == "relevance" and q.has_text:
            ids, scores = self._ids_relevance(conn, q, want)
            return ids, scores, "relevance"
        if not q.has_text:
            sql = self._ids_sorted_sql(q, sort, want)
            return (
                [int(r[0]) for r in self.backend.execute(conn, sql, q.bind(k=want))],
                {},
                "filters",
            )
        matches = self._count_matches(conn, q, SMALL_MATCHES)
        if matches >= SMALL_MATCHES:
            walked = self._walk(conn, q, sort, want)
            if walked is not None:
                return walked, {}, "walk"
            strategy = "walk+materialize"
        else:
            strategy = "materialize"
        sql = self._ids_sorted_sql(q, sort, want)
        return [int(r[0]) for r in self.backend.execute(conn, sql, q.bind(k=want))], {}, strategy

    # ------------------------------------------------------------------- public
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
            ids, scores, strategy = self._page_ids(conn, q, sort, offset + limit + 1)
            page_ids = ids[offset : offset + limit]
            rows = _fetch_rows(self.backend, conn, page_ids, q, scores)
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

    def search_ids(self, query: QueryLike, *, sort: str = "date") -> list[int]:
        """Every matching record id in sort order (ids only: for a lazy table model)."""
        q = self.parse(query)
        sort = self._check_sort(sort)
        with self._read() as conn:
            if sort == "relevance" and q.has_text:
                return self._ids_relevance(conn, q, None)[0]
            sql = self._ids_sorted_sql(q, sort, None)
            return [int(r[0]) for r in self.backend.execute(conn, sql, q.bind())]

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

    def facets(self, query: QueryLike) -> Facets:
        """Counts per platform, account, kind and year (agency time zone) over ALL matches."""
        q = self.parse(query)
        with self._read() as conn:
            return facets_mod.compute(self.backend, conn, q, self._text_condition(q), self.tz)

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

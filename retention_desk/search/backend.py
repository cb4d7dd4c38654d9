"""Everything database-specific the search package writes: FTS5 syntax, bm25, LIKE, ordering.

The rest of the package writes plain SQL over the `records` table (alias `r`) and asks the
backend for the parts that differ between databases. A PostgreSQL archive (planned) gets a
second class with the same methods (tsvector/websearch for `text_match_sql`, ts_rank for
`ranked_versions_sql`, ILIKE for `like`, `NULLS LAST` in the orderings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, CursorResult

from retention_desk.search.columns import IdArray
from retention_desk.search.query import Term


class SqliteBackend:
    """SQLite + FTS5 (`record_fts(title, text)`, external content over record_versions)."""

    name = "sqlite"
    # Title words weigh twice body words in relevance (a YouTube title, a page title).
    BM25_WEIGHTS = (2.0, 1.0)
    LIKE_ESCAPE = "\\"

    @staticmethod
    def execute(
        conn: Connection, sql: str, params: Mapping[str, Any] | None = None
    ) -> CursorResult[Any]:
        """Run `sql` with `:name` parameters straight on the driver: sqlite3 binds named
        parameters itself, so SQLAlchemy's per-statement compile step is skipped."""
        return conn.exec_driver_sql(sql, dict(params or {}))

    @staticmethod
    def fetch_id_array(
        conn: Connection, sql: str, params: Mapping[str, Any] | None = None
    ) -> IdArray:
        """The first column of `sql`'s rows (integers, none NULL) as an int64 array, in their
        order.

        Hundreds of thousands of matching version ids come back as one text built in SQLite
        and parsed by numpy in C: a row per id cost four times as long, and json.loads of the
        same list three times (220,000 ids: 73 ms a row each, 16 ms json, 5 ms numpy), with
        a Python int per id where the array holds 8 bytes.
        """
        text, nulls = _one_row(
            conn,
            f"WITH rd_ids(x) AS ({sql})"
            " SELECT group_concat(x, ','), count(*) - count(x) FROM rd_ids",
            params,
        )
        if nulls:  # group_concat skips NULLs: never a silently short list of matches
            raise TypeError("fetch_id_array: the statement's first column is not an integer")
        if text is None:  # no rows
            return np.empty(0, dtype=np.int64)
        if not isinstance(text, str):
            raise TypeError("fetch_id_array: the statement's first column is not an integer")
        try:
            ids = np.fromstring(text, dtype=np.int64, sep=",")
        except ValueError:  # numpy 2: a value it cannot read (a real, a NULL's empty text)
            ids = None
        # numpy 1 stopped at such a value instead: never a silently short list of matches
        if ids is None or len(ids) != text.count(",") + 1:
            raise TypeError("fetch_id_array: the statement's first column is not an integer")
        return ids

    @staticmethod
    def fetch_scored(
        conn: Connection, sql: str, params: Mapping[str, Any] | None = None
    ) -> tuple[IdArray, npt.NDArray[np.float64]]:
        """(ids, scores) of `sql`'s two columns (an integer, a real; none NULL), in their
        order, read as one text the way fetch_id_array reads ids. Scores are printed with 17
        significant digits, which read back as the same doubles."""
        text, rows, bad = _one_row(
            conn,
            f"WITH rd_scored(x, s) AS ({sql}) SELECT"
            " group_concat(x || ',' || printf('%!.17g', s), ','),"
            " count(*), sum(x IS NULL OR s IS NULL OR typeof(x) != 'integer')"
            " FROM rd_scored",
            params,
        )
        if bad:
            raise TypeError("fetch_scored: the statement's columns are not an id and a score")
        if not rows:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        try:
            pairs = np.fromstring(text, dtype=np.float64, sep=",")
        except ValueError:
            pairs = None
        if pairs is None or len(pairs) != 2 * rows:
            raise TypeError("fetch_scored: the statement's columns are not an id and a score")
        ids = pairs[0::2]
        if len(ids) and float(np.abs(ids).max()) >= 2.0**53:  # beyond a double's integers
            raise TypeError("fetch_scored: an id too large to read exactly")
        return ids.astype(np.int64), pairs[1::2].copy()

    @staticmethod
    def fetch_all(
        conn: Connection, sql: str, params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """All rows as plain tuples from the driver's own cursor: for result sets of tens of
        thousands of ids, SQLAlchemy's per-row wrapping costs more than the query."""
        raw = conn.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            return cursor.execute(sql, dict(params or {})).fetchall()
        finally:
            cursor.close()

    def prepare_read(self, conn: Connection) -> None:
        """Hook called on a connection before it runs searches (subclasses install a progress
        handler to make searches cancellable). Read tuning pragmas are set for every archive
        connection in archive/db.py; the pool removes handlers when a connection is returned."""

    # ------------------------------------------------------------- full text
    @staticmethod
    def quote_term(term: Term) -> str:
        """One FTS5 string: always a quoted phrase, `"` doubled, so no input is FTS syntax.

        `multi-agent` becomes the phrase "multi-agent" (two tokens in a row), `col:term` the
        phrase "col:term" (never a column filter), `NEAR`/`AND`/`^` are plain text.
        """
        quoted = '"' + term.text.replace('"', '""') + '"'
        return quoted + "*" if term.mode == "prefix" else quoted

    def match_expression(self, clauses: Sequence[Sequence[Term]]) -> str:
        """AND of ORs of quoted terms: the argument bound to `MATCH`."""
        parts = []
        for terms in clauses:
            quoted = [self.quote_term(t) for t in terms]
            parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
        return " AND ".join(parts)

    @staticmethod
    def matching_versions_sql(param: str) -> str:
        """Version ids (record_versions.id, column `vid`) whose title or text match the bound
        word expression."""
        return f"SELECT rowid AS vid FROM record_fts WHERE record_fts MATCH :{param}"

    @staticmethod
    def probe_sql(param: str, version: str) -> str:
        """Does the version aliased `version` match the bound word expression? (an indexed
        rowid seek into the FTS index, never a scan of every match)"""
        return (
            f"EXISTS (SELECT 1 FROM record_fts f WHERE record_fts MATCH :{param}"
            f" AND f.rowid = {version}.id)"
        )

    def ranked_versions_sql(self, param: str, rowid_range: tuple[str, str] | None = None) -> str:
        """(version id, score) for matching versions; a lower score is a better match.
        `rowid_range`: two parameter names bounding the version ids (inclusive), inside the
        statement so FTS5 seeks to them (the LIMIT keeps a caller's WHERE from reaching it)."""
        weights = ", ".join(str(w) for w in self.BM25_WEIGHTS)
        within = (
            ""
            if rowid_range is None
            else f" AND rowid BETWEEN :{rowid_range[0]} AND :{rowid_range[1]}"
        )
        # LIMIT -1 keeps SQLite from flattening this into the caller's join, where bm25()
        # "cannot be used in the requested context"
        return (
            f"SELECT rowid AS vid, bm25(record_fts, {weights}) AS score FROM record_fts"
            f" WHERE record_fts MATCH :{param}{within} LIMIT -1"
        )

    @staticmethod
    def probe_version_sql(match_param: str, vid_param: str) -> str:
        """Does the one version `vid_param` match? (an indexed rowid seek into the FTS index)."""
        return (
            f"SELECT 1 FROM record_fts WHERE record_fts MATCH :{match_param}"
            f" AND rowid = :{vid_param}"
        )

    @staticmethod
    def count_matches_sql(param: str, cap_param: str) -> str:
        """How many versions match, counting at most `cap_param` (cheap size estimate)."""
        return (
            "SELECT count(*) FROM (SELECT rowid FROM record_fts WHERE record_fts MATCH"
            f" :{param} LIMIT :{cap_param})"
        )

    @staticmethod
    def date_key_sql(column: str) -> str:
        """SQL for datecache.sort_key(column): the stored UTC text as an ordered integer
        (years clamped to 1900-2800 so it fits 63 bits; NULL stays NULL)."""
        year = f"min(max(CAST(substr({column}, 1, 4) AS INTEGER), 1900), 2800)"
        rest = " || ".join(
            f"substr({column}, {start}, {length})"
            for start, length in ((6, 2), (9, 2), (12, 2), (15, 2), (18, 2), (21, 6))
        )
        return f"(({year} - 1900) * 10000000000000000 + CAST({rest} AS INTEGER))"

    @staticmethod
    def records_by_id() -> str:
        """`records r` for statements that name their rows by id (`r.id IN (...)`): NOT
        INDEXED keeps the planner from preferring a filter's index (scanning a whole
        platform or year) over looking up the listed ids."""
        return "records r NOT INDEXED"

    # ---------------------------------------------------------------- predicates
    def escape_like(self, value: str) -> str:
        """`value` with LIKE wildcards made literal (`%`, `_` and the escape character)."""
        esc = self.LIKE_ESCAPE
        return value.replace(esc, esc + esc).replace("%", esc + "%").replace("_", esc + "_")

    def like(self, column: str, param: str) -> str:
        """`column LIKE :param` with our escape character (case-insensitive for ASCII)."""
        return f"{column} LIKE :{param} ESCAPE '{self.LIKE_ESCAPE}'"

    @staticmethod
    def negate(predicate: str) -> str:
        """NOT that treats an unknown (NULL) comparison as false, so `-author:x` keeps rows
        without an author instead of dropping them."""
        return f"NOT coalesce(({predicate}), 0)"

    # ------------------------------------------------------------------ ordering
    @staticmethod
    def order_newest() -> str:
        # SQLite sorts NULL lowest, so DESC puts undated records last, and the order is the
        # ix_records_created index read backwards (created_at, then rowid): no sort step.
        return "r.created_at DESC, r.id DESC"

    @staticmethod
    def order_oldest() -> str:
        return "(r.created_at IS NULL), r.created_at ASC, r.id ASC"


def _one_row(conn: Connection, sql: str, params: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """The one row of an aggregate statement, on the driver's own cursor (no SQLAlchemy row
    wrapping for a value that may be megabytes of text)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        row: tuple[Any, ...] = cursor.execute(sql, dict(params or {})).fetchone()
    finally:
        cursor.close()
    return row

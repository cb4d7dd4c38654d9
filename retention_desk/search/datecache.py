"""An in-memory date key per version: date-sorted pages for mid-frequency words without
sorting the matches in SQL.

For a word in a few thousand to tens of thousands of versions neither SQL plan is cheap:
materializing looks up each match's version and record row (several microseconds each) and
walking probes the index tens of times per hit. With this cache the executor reads the
matching version ids from the full-text index (a fraction of a microsecond each), takes the
newest ones by their cached keys, and lets SQL check only those candidates against the
filters.

Two arrays indexed by version id: the record id and a sort key derived from the record's
created_at (microsecond resolution, so the order equals SQL's `created_at, id`). About 16
bytes per version (16 MB for a million), in numpy columns (columns.py): the matches' keys are
gathered, pruned and partitioned in C. Kept current incrementally: each use reads only the
versions added since (ids only grow). Entries of destroyed records are left behind and
dropped when SQL checks the candidates. Assumes an archived record's created_at never changes
(the ingest layer never rewrites it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import Column, IdArray, as_ids, distinct, member

UNDATED = -(2**63)  # sorts below every date: undated records come last when newest first
NO_RECORD = -1
# Ids are dense in archives the ingest layer writes (destruction leaves small holes); a file
# whose ids jump further is served by SQL alone rather than by arrays sized by the jump.
MAX_GAP = 1_000_000
FIRST = 256  # candidates ordered up front; the rest only when the caller keeps asking
GROWTH = 8  # each later slice of candidates ordered is this many times the one before
REFRESH_CHUNK = 250_000  # versions read per statement when the cache catches up


class CacheUnusable(Exception):
    """The archive's ids are too sparse for array caches; the engine stops using them."""


CLAMP_LOW, CLAMP_HIGH = 10**16, 900 * 10**16  # keys of years 1901..2799 are exact


def sort_key(created_at: str | None) -> int:
    """Stored UTC text (`YYYY-MM-DDTHH:MM:SS.ffffffZ`) as an int in the same order."""
    if created_at is None:
        return UNDATED
    # years outside 1900-2800 (never in real data) are clamped so the key fits in 63 bits
    year = min(max(int(created_at[0:4]), 1900), 2800)
    rest = (
        created_at[5:7]
        + created_at[8:10]
        + created_at[11:13]
        + created_at[14:16]
        + created_at[17:19]
        + created_at[20:26]
    )
    return (year - 1900) * 10**16 + int(rest)


def version_rows_sql(backend: SqliteBackend, where: str) -> str:
    """(version id, record id, date key) of the versions `where` selects: what the cache holds
    per version, for loading it and for checking a saved copy against the tables."""
    return (
        "SELECT v.id, v.record_id, coalesce("
        + backend.date_key_sql("r.created_at")
        + f", {UNDATED}) FROM record_versions v JOIN records r ON r.id = v.record_id"
        f" WHERE {where}"
    )


def read_in_chunks(
    backend: SqliteBackend,
    conn: Connection,
    sql: str,
    last: Callable[[], int],
    add: Callable[[list[tuple[Any, ...]]], None],
) -> int:
    """Hand `add` the rows of `sql` (ordered by id, taking :last and :chunk) past `last()`,
    REFRESH_CHUNK at a time, so a first load of millions never holds them all as Python
    rows; returns how many."""
    added = 0
    while True:
        rows = backend.fetch_all(conn, sql, {"last": last(), "chunk": REFRESH_CHUNK})
        if not rows:
            return added
        add(rows)
        added += len(rows)
        if len(rows) < REFRESH_CHUNK:
            return added


class DateCache:
    """version id -> (record id, date key); see the module docstring."""

    def __init__(self) -> None:
        # index 0 is never a version id (ids start at 1)
        self._records = Column([NO_RECORD])
        self._keys = Column([UNDATED])
        self.max_vid = 0

    @classmethod
    def _holding(cls, records: Column, keys: Column, max_vid: int | None) -> DateCache:
        if len(records) != len(keys) or len(records) < 1:
            raise ValueError("a date cache needs columns of equal length from index 0")
        cache = cls()
        cache._records, cache._keys = records, keys
        cache.max_vid = len(records) - 1 if max_vid is None else max_vid
        return cache

    @classmethod
    def from_columns(
        cls, records: npt.ArrayLike, keys: npt.ArrayLike, max_vid: int | None = None
    ) -> DateCache:
        """A cache holding these columns (index 0 included), as saved or built by a test."""
        return cls._holding(Column(records), Column(keys), max_vid)

    @classmethod
    def from_bytes(cls, records: bytes, keys: bytes, max_vid: int) -> DateCache:
        """A cache from the bytes of its two columns (cachefile.py checks their byte order)."""
        return cls._holding(Column.from_bytes(records), Column.from_bytes(keys), max_vid)

    @property
    def records(self) -> IdArray:
        """Record id per version id (NO_RECORD where none): a read-only use view."""
        return self._records.view

    @property
    def keys(self) -> IdArray:
        """Date key per version id (UNDATED where none)."""
        return self._keys.view

    def __len__(self) -> int:
        return len(self._records) - 1

    def refresh(self, backend: SqliteBackend, conn: Connection) -> int:
        """Add the versions written since the last refresh; returns how many. Read in chunks
        of REFRESH_CHUNK, so a first load of millions never holds them all as Python rows."""
        sql = version_rows_sql(backend, "v.id > :last ORDER BY v.id LIMIT :chunk")
        return read_in_chunks(backend, conn, sql, lambda: self.max_vid, self._add)

    def _add(self, rows: list[tuple[Any, ...]]) -> None:
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        vids = table[:, 0]
        first = len(self._records)
        # ids of destroyed versions leave holes (no record); never arrays sized by a jump
        steps = np.diff(vids, prepend=first - 1) - 1
        if len(steps) and int(steps.max()) > MAX_GAP:
            raise CacheUnusable(f"version ids jump by {int(steps.max())}")
        span = int(vids[-1]) - first + 1
        if span == len(rows):  # no gaps (the usual case)
            self._records.extend(table[:, 1])
            self._keys.extend(table[:, 2])
        else:
            records = np.full(span, NO_RECORD, dtype=np.int64)
            keys = np.full(span, UNDATED, dtype=np.int64)
            records[vids - first] = table[:, 1]
            keys[vids - first] = table[:, 2]
            self._records.extend(records)
            self._keys.extend(keys)
        self.max_vid = int(vids[-1])

    def _gather(self, vids: npt.ArrayLike) -> tuple[IdArray, IdArray]:
        """(the versions' keys, their records) as arrays; LookupError for an id the cache
        does not cover yet (never a guess)."""
        ids = as_ids(vids)
        if len(ids) and (int(ids.max()) >= len(self._records) or int(ids.min()) < 0):
            raise LookupError("date cache is older than the matches; refresh it first")
        return self.keys[ids], self.records[ids]

    def _pruned(
        self,
        vids: npt.ArrayLike,
        key_range: tuple[int | None, int | None] | None,
        groups: tuple[npt.ArrayLike, set[int]] | None,
        excluded: IdArray | set[int] | None,
    ) -> tuple[npt.NDArray[np.bool_] | None, IdArray, IdArray]:
        """(which of `vids` are kept, or None for all; their keys; their records) after the
        pruning `candidates` describes."""
        keys, rids = self._gather(vids)
        keep = None
        if key_range is not None or groups is not None:
            keep = allowed(keys, rids, key_range, groups)
        if excluded is not None and len(excluded):
            drop = as_ids(list(excluded)) if isinstance(excluded, set) else excluded
            outside = ~member(rids, drop)
            keep = outside if keep is None else keep & outside
        if keep is not None:
            keys, rids = keys[keep], rids[keep]
        return keep, keys, rids

    def candidates(
        self,
        vids: npt.ArrayLike,
        newest: bool,
        *,
        key_range: tuple[int | None, int | None] | None = None,
        groups: tuple[npt.ArrayLike, set[int]] | None = None,
        excluded: IdArray | set[int] | None = None,
    ) -> Iterator[int]:
        """Record ids of the given versions, best first, each once.

        `key_range`, `groups` and `excluded` prune candidates the query's filters must reject
        anyway (the caller still checks every survivor in SQL). Yields lazily: the first page
        needs only the top few, partitioned out in C; the rest is ordered a growing slice
        at a time, only as far as the caller keeps asking.
        """
        # A destroyed version (NO_RECORD) cannot come from the index, and would fail the
        # caller's SQL check.
        _keep, keys, rids = self._pruned(vids, key_range, groups, excluded)
        # Rank: the best is the largest. Newest first it is the key, ties to the larger id;
        # oldest first the negated key (undated records still last), ties to the smaller id.
        if newest:
            ranked = best_first(keys, (rids,), rids)
        else:
            ranked = best_first(np.where(keys == UNDATED, UNDATED, -keys), (-rids,), rids)
        for rid, _i in ranked:
            yield rid

    def by_score(
        self,
        vids: npt.ArrayLike,
        scores: npt.NDArray[np.float64],
        *,
        key_range: tuple[int | None, int | None] | None = None,
        groups: tuple[npt.ArrayLike, set[int]] | None = None,
        excluded: IdArray | set[int] | None = None,
    ) -> Iterator[tuple[int, float]]:
        """(record id, its best score) of the given versions and their scores (lower is
        better), best first, each record once, with its best version's score: the order of
        the relevance SQL (best score, then newest, then the larger id), pruned and yielded
        lazily as `candidates` is."""
        keep, keys, rids = self._pruned(vids, key_range, groups, excluded)
        kept = np.asarray(scores, dtype=np.float64)
        return by_best_score(kept if keep is None else kept[keep], keys, rids)


def by_best_score(
    scores: npt.NDArray[np.float64], keys: IdArray, rids: IdArray
) -> Iterator[tuple[int, float]]:
    """(record id, its best score) of entries given as aligned arrays, in the relevance
    SQL's order: best (lowest) score, then newest, then the larger id; each record once."""
    for rid, i in best_first(-scores, (keys, rids), rids):
        yield rid, float(scores[i])


def best_first(
    primary: npt.NDArray[Any], ties: tuple[npt.NDArray[Any], ...], rids: IdArray
) -> Iterator[tuple[int, int]]:
    """(record id, index into the arrays) by `primary` descending, then each of `ties`
    descending, each record once (its first, best entry). The first FIRST are partitioned
    out in C and sorted; each later slice is GROWTH times the one before, ordered only when
    the caller asks for it."""
    index = np.arange(len(rids))
    seen: set[int] = set()
    want = FIRST
    while len(primary):
        if len(primary) > want:
            cut = len(primary) - want
            top = primary >= np.partition(primary, cut)[cut]  # every tie of the threshold
        else:
            top = np.ones(len(primary), dtype=bool)
        order = np.lexsort((*(t[top] for t in reversed(ties)), primary[top]))[::-1]
        for rid, i in zip(rids[top][order].tolist(), index[top][order].tolist(), strict=True):
            if rid not in seen:
                seen.add(rid)
                yield rid, i
        rest = ~top
        primary, rids, index = primary[rest], rids[rest], index[rest]
        ties = tuple(t[rest] for t in ties)
        want *= GROWTH


def select(
    cache: DateCache,
    vids: npt.ArrayLike,
    key_range: tuple[int | None, int | None] | None,
    groups: tuple[npt.ArrayLike, set[int]] | None,
) -> tuple[IdArray, IdArray]:
    """Distinct records of `vids` inside `key_range` and of the allowed `groups`: (sure,
    unsure). A record whose key is clamped (a year before 1901 or from 2800) is unsure: its
    order among the keys is approximate, so SQL decides it."""
    _keep, keys, rids = cache._pruned(vids, key_range, groups, None)
    if key_range is None:
        return distinct(rids), np.empty(0, dtype=np.int64)
    exact = (keys >= CLAMP_LOW) & (keys < CLAMP_HIGH)
    return distinct(rids[exact]), distinct(rids[~exact])


def allowed(
    keys: IdArray,
    rids: IdArray,
    key_range: tuple[int | None, int | None] | None,
    groups: tuple[npt.ArrayLike, set[int]] | None,
) -> npt.NDArray[np.bool_]:
    """Which (key, record) pairs the query's date and platform/kind filters can accept."""
    keep = np.ones(len(keys), dtype=bool)
    if key_range is not None:
        # dated filters: drop undated records and keys outside [lo, hi); keys of clamped
        # years (before 1901, from 2800) are kept, their order being approximate
        lo, hi = key_range
        inside = np.ones(len(keys), dtype=bool)
        if lo is not None:
            inside &= keys >= lo
        if hi is not None:
            inside &= keys < hi
        clamped = (keys < CLAMP_LOW) | (keys >= CLAMP_HIGH)
        keep &= (keys != UNDATED) & (inside | clamped)
    if groups is not None:
        group, allowed_groups = groups
        column = as_ids(group)
        live = rids > 0
        gids = np.zeros(len(rids), dtype=np.int64)
        gids[live] = column[rids[live]]
        top = max(allowed_groups, default=0)
        table = np.zeros(top + 1, dtype=bool)
        table[[g for g in allowed_groups if g > 0]] = True
        keep &= live & (gids <= top) & table[np.minimum(gids, top)]
    return keep

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
bytes per version (16 MB for a million). Kept current incrementally: each use reads only the
versions added since (ids only grow). Entries of destroyed records are left behind and
dropped when SQL checks the candidates. Assumes an archived record's created_at never changes
(the ingest layer never rewrites it).
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Iterator
from itertools import compress
from typing import Any

from sqlalchemy import Connection

from retention_desk.search.backend import SqliteBackend

UNDATED = -(2**63)  # sorts below every date: undated records come last when newest first
NO_RECORD = -1
# Ids are dense in archives the ingest layer writes (destruction leaves small holes); a file
# whose ids jump further is served by SQL alone rather than by arrays sized by the jump.
MAX_GAP = 1_000_000
FIRST = 256  # candidates ordered up front; the rest only when the caller keeps asking
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
        self.records = array("q", [NO_RECORD])
        self.keys = array("q", [UNDATED])
        self.max_vid = 0

    def __len__(self) -> int:
        return len(self.records) - 1

    def refresh(self, backend: SqliteBackend, conn: Connection) -> int:
        """Add the versions written since the last refresh; returns how many. Read in chunks
        of REFRESH_CHUNK, so a first load of millions never holds them all as Python rows."""
        sql = version_rows_sql(backend, "v.id > :last ORDER BY v.id LIMIT :chunk")
        return read_in_chunks(backend, conn, sql, lambda: self.max_vid, self._add)

    def _add(self, rows: list[tuple[Any, ...]]) -> None:
        records, keys = self.records, self.keys
        first = len(records)
        if rows[0][0] == first and rows[-1][0] == first + len(rows) - 1:
            # no gaps (the usual case): whole columns at C speed
            records.extend(array("q", [r[1] for r in rows]))
            keys.extend(array("q", [r[2] for r in rows]))
        else:
            for vid, rid, key in rows:
                gap = vid - len(records)
                if gap > MAX_GAP:
                    raise CacheUnusable(f"version ids jump by {gap}")
                if gap > 0:  # ids of destroyed versions: no record
                    records.extend([NO_RECORD] * gap)
                    keys.extend([UNDATED] * gap)
                records.append(rid)
                keys.append(key)
        self.max_vid = rows[-1][0]

    def candidates(
        self,
        vids: list[int],
        newest: bool,
        *,
        key_range: tuple[int | None, int | None] | None = None,
        groups: tuple[array[int], set[int]] | None = None,
        excluded: set[int] | None = None,
    ) -> Iterator[int]:
        """Record ids of the given versions, best first, each once.

        `key_range`, `groups` and `excluded` prune candidates the query's filters must reject
        anyway (the caller still checks every survivor in SQL). Yields lazily: the first page
        needs only the top few, found from a threshold (the FIRST-th best rank) and one pass
        that keeps what reaches it; the rest is sorted only if the caller keeps asking.
        """
        records, keys = self.records, self.keys
        size = len(records)
        if vids and max(vids) >= size:  # not refreshed for these: never guess
            raise LookupError("date cache is older than the matches; refresh it first")
        # map() over array.__getitem__ keeps the per-match work in C. A destroyed version
        # (NO_RECORD) cannot come from the index, and would fail the caller's SQL check.
        dated = list(map(keys.__getitem__, vids))
        if key_range is not None or groups is not None:
            rids = list(map(records.__getitem__, vids))
            dated, rids = _pruned(dated, rids, key_range, groups)
        else:
            rids = None  # looked up only for the candidates that are ordered
        # Rank: the best is the largest. Newest first it is the key (ties: the larger id);
        # oldest first the negated key, undated records still last, ties to the smaller id.
        ranks = dated if newest else [UNDATED if k == UNDATED else -k for k in dated]
        sign = 1 if newest else -1
        skip = excluded or set()
        seen: set[int] = set()
        threshold, picks = _threshold(ranks) if len(ranks) > FIRST else (None, None)
        for _rank, rid in _ordered(ranks, vids, rids, records, sign, picks):
            if rid not in seen and rid not in skip:
                seen.add(rid)
                yield rid
        if threshold is not None:
            rest = map(threshold.__gt__, ranks)
            for _rank, rid in _ordered(ranks, vids, rids, records, sign, rest):
                if rid not in seen and rid not in skip:
                    seen.add(rid)
                    yield rid


def select(
    cache: DateCache,
    vids: list[int],
    key_range: tuple[int | None, int | None] | None,
    groups: tuple[array[int], set[int]] | None,
) -> tuple[set[int], set[int]]:
    """Records of `vids` inside `key_range` and of the allowed `groups`: (sure, unsure). A
    record whose key is clamped (a year before 1901 or from 2800) is unsure: its order among
    the keys is approximate, so SQL decides it."""
    if key_range is None and groups is None:
        return set(map(cache.records.__getitem__, vids)), set()
    keys = list(map(cache.keys.__getitem__, vids))
    rids = list(map(cache.records.__getitem__, vids))
    keys, rids = _pruned(keys, rids, key_range, groups)
    if key_range is None:
        return set(rids), set()
    sure: set[int] = set()
    unsure: set[int] = set()
    for key, rid in zip(keys, rids, strict=True):
        (sure if CLAMP_LOW <= key < CLAMP_HIGH else unsure).add(rid)
    return sure, unsure


def _threshold(ranks: list[int]) -> tuple[int, list[bool]]:
    """A rank that at least FIRST ranks reach and not many more, and which ranks reach it:
    estimated from a sample of every 16th rank (passes in C), checked, else the exact
    FIRST-th largest."""
    sample = ranks[::16]
    want = FIRST // 16 * 2  # twice what the sample suggests, for a safe margin
    if len(sample) > want:
        guess = heapq.nlargest(want, sample)[-1]
        mask = list(map(guess.__le__, ranks))
        if FIRST <= mask.count(True) <= 64 * FIRST:
            return guess, mask
    exact = heapq.nlargest(FIRST, ranks)[-1]
    return exact, list(map(exact.__le__, ranks))


def _ordered(
    ranks: list[int],
    vids: list[int],
    rids: list[int] | None,
    records: array[int],
    sign: int,
    picks: Iterator[bool] | list[bool] | None,
) -> list[tuple[int, int]]:
    """(rank, record id) of the picked entries (all when `picks` is None), best first; ties
    go to the larger id newest first (`sign` 1), the smaller oldest first (-1). Record ids
    are looked up for the picked entries only."""
    if picks is None:
        chosen_ranks: Iterator[int] | list[int] = ranks
        chosen = rids if rids is not None else map(records.__getitem__, vids)
    else:
        mask = picks if isinstance(picks, list) else list(picks)
        chosen_ranks = compress(ranks, mask)
        if rids is not None:
            chosen = compress(rids, mask)
        else:
            chosen = map(records.__getitem__, compress(vids, mask))
    pairs = zip(chosen_ranks, chosen, strict=True)
    if sign == 1:
        return sorted(pairs, reverse=True)
    return [(rank, -rid) for rank, rid in sorted(((k, -r) for k, r in pairs), reverse=True)]


def _pruned(
    keys: list[int],
    rids: list[int],
    key_range: tuple[int | None, int | None] | None,
    groups: tuple[array[int], set[int]] | None,
) -> tuple[list[int], list[int]]:
    """The (key, record) pairs the query's date and platform/kind filters can accept."""
    pairs: Iterator[tuple[int, int]] = zip(keys, rids, strict=True)
    if key_range is not None:
        # dated filters: drop undated records and keys outside [lo, hi); keys of clamped
        # years (before 1901, from 2800) are kept, their order being approximate
        lo, hi = key_range
        pairs = (
            (k, r)
            for k, r in pairs
            if k != UNDATED
            and (
                ((lo is None or k >= lo) and (hi is None or k < hi))
                or not CLAMP_LOW <= k < CLAMP_HIGH
            )
        )
    if groups is not None:
        group, allowed = groups
        pairs = ((k, r) for k, r in pairs if r > 0 and group[r] in allowed)
    kept = list(pairs)
    return [k for k, _ in kept], [r for _, r in kept]

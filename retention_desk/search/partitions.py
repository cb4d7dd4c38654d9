"""Runs of version ids by platform and kind: the word index read only where a filter's records
are.

Version ids follow the order versions were archived, and an import writes one export (one
platform, usually one account) at a time, so a platform's versions lie in a few long runs of
ids. FTS5 reads a rowid range of a word's doclist without reading the rest, so a word with a
platform filter reads only the matches inside that platform's runs: `the platform:youtube`
at 6.3 million records read 4.8 million matching ids to keep 290,000 of them (2 s of facets).

One byte per version holds its (platform, kind) code, derived from the two caches (version
-> record, record -> facet group) and extended as they are; a filter's runs are found from it
at C speed (bytes.translate and a regular expression over the mask). Archives whose imports
interleave platforms or kinds finely get many runs, and then the plain read is used.

Exactness: runs are a superset of the filter's versions (a destroyed version keeps whatever
code it had; a run is never cut short), and callers still prune the versions read by the
records' groups and check them in SQL, as they do for a plain read.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import IdArray
from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.datecache import DateCache
from retention_desk.search.facetcache import FacetCache

MAX_RUNS = 64  # ranges asked of the index for one query, at most
MAX_SHARE = 0.5  # runs covering more of the archive than this: read the whole doclist
_KINDS_PER_PLATFORM = 8  # codes are platform * 8 + kind + 1 (0: no record); 31 platforms
_RUN = re.compile(rb"\x01+")


class VersionRuns:
    """The (platform, kind) code of every version id, and runs of ids by code."""

    def __init__(self) -> None:
        self.codes = bytearray(b"\x00")  # index 0 is never a version id
        self._code_of_group: list[int] = []
        self._platforms: dict[str, int] = {}
        self._kinds: dict[str, int] = {}
        self.usable = True
        # runs per (platforms, kinds) asked, with the number of codes they were found over: a
        # pass over every code costs tens of milliseconds at five million versions
        self._found: dict[tuple[Any, Any], tuple[int, list[tuple[int, int]] | None]] = {}

    def _group_codes(self, facets: FacetCache) -> list[int]:
        groups = facets.groups
        for gid in range(len(self._code_of_group), len(groups)):
            platform, kind = groups[gid][0], groups[gid][1]
            if gid == 0:
                self._code_of_group.append(0)
                continue
            p = self._platforms.setdefault(platform, len(self._platforms))
            k = self._kinds.setdefault(kind, len(self._kinds))
            code = p * _KINDS_PER_PLATFORM + k + 1
            if k >= _KINDS_PER_PLATFORM or code > 255:
                self.usable = False  # more platforms or kinds than a byte holds
                return self._code_of_group
            self._code_of_group.append(code)
        return self._code_of_group

    def extend(self, dates: DateCache, facets: FacetCache) -> bool:
        """Cover every version the date cache holds (both caches refreshed by the caller);
        False when they cannot be read together (then callers read the plain way)."""
        if not self.usable:
            return False
        start = len(self.codes)
        records = dates.records
        if start >= len(records):
            return True
        codes = self._group_codes(facets)
        if not self.usable:
            return False
        try:
            # -1 (a destroyed version) reads the last record's group: any code will do
            added = np.asarray(codes, dtype=np.uint8)[facets.group[records[start:]]]
        except IndexError:  # the facet cache is behind the date cache: not this time
            return False
        self.codes += added.tobytes()
        return True

    def runs(
        self, platforms: Collection[str] | None, kinds: Collection[str] | None
    ) -> list[tuple[int, int]] | None:
        """Inclusive (first, last) version id ranges holding every version of the given
        platforms and kinds (None: any); None when they are too many or cover too much."""
        if not self.usable or (platforms is None and kinds is None):
            return None
        key = (
            None if platforms is None else frozenset(platforms),
            None if kinds is None else frozenset(kinds),
        )
        known = self._found.get(key)
        if known is not None and known[0] == len(self.codes):
            return known[1]
        found = self._runs(platforms, kinds)
        self._found[key] = (len(self.codes), found)
        return found

    def _runs(
        self, platforms: Collection[str] | None, kinds: Collection[str] | None
    ) -> list[tuple[int, int]] | None:
        table = bytearray(256)
        for platform, p in self._platforms.items():
            if platforms is not None and platform not in platforms:
                continue
            for kind, k in self._kinds.items():
                if kinds is None or kind in kinds:
                    table[p * _KINDS_PER_PLATFORM + k + 1] = 1
        mask = self.codes.translate(bytes(table))
        found: list[tuple[int, int]] = []
        covered = 0
        for match in _RUN.finditer(mask):
            if len(found) == MAX_RUNS:
                return None
            found.append((match.start(), match.end() - 1))
            covered += match.end() - match.start()
        if covered > MAX_SHARE * len(self.codes):
            return None
        return found


def count_in_ranges(
    backend: SqliteBackend,
    conn: Connection,
    q: CompiledQuery,
    ranges: list[tuple[int, int]],
    cap: int,
) -> int:
    """How many versions matching `q`'s words lie inside `ranges`, counted up to `cap`."""
    sql = (
        f"SELECT count(*) FROM (SELECT vid FROM ({q.versions_sql})"
        " WHERE vid BETWEEN :rd_lo AND :rd_hi LIMIT :rd_cap)"
    )
    total = 0
    for lo, hi in ranges:
        params = q.bind(rd_lo=lo, rd_hi=hi, rd_cap=cap - total)
        total += int(backend.execute(conn, sql, params).scalar_one())
        if total >= cap:
            break
    return total


def read_in_ranges(
    backend: SqliteBackend, conn: Connection, q: CompiledQuery, ranges: list[tuple[int, int]]
) -> IdArray:
    """The version ids matching `q`'s words inside `ranges`, ascending: a range constraint on
    the one word query's rowid reaches FTS5, which seeks to it."""
    sql = f"SELECT vid FROM ({q.versions_sql}) WHERE vid BETWEEN :rd_lo AND :rd_hi"
    parts = [backend.fetch_id_array(conn, sql, q.bind(rd_lo=lo, rd_hi=hi)) for lo, hi in ranges]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def read_scored_in_ranges(
    backend: SqliteBackend, conn: Connection, q: CompiledQuery, ranges: list[tuple[int, int]]
) -> tuple[IdArray, npt.NDArray[np.float64]] | None:
    """(version ids, scores) of the versions matching `q`'s words inside `ranges`, ascending;
    None when the query's ranking cannot be limited to a range (substring terms)."""
    assert q.text_match is not None
    sql = q.text_match.ranked_in_range_sql
    if sql is None:
        return None
    read = [backend.fetch_scored(conn, sql, q.bind(rd_lo=lo, rd_hi=hi)) for lo, hi in ranges]
    if not read:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    return np.concatenate([r[0] for r in read]), np.concatenate([r[1] for r in read])

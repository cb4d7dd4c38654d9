"""In-memory facet groups per record: facet counts over large result sets without an SQL
GROUP BY (SQLite sorts every matching row to group them: seconds for a million).

Each record id maps to a small group number standing for its (platform, kind, account,
local year) - a few hundred distinct groups in a real archive. Counting a result set is one
gather and `bincount` in numpy (columns.py), then a sum per facet over the groups. The
record ids still come from SQL/FTS5, so the counts are exactly those of the query; the cache
only answers "which platform, kind, account and year is record N", which never changes after
a record is archived (the ingest layer never rewrites these columns). The year depends on
the agency time zone, so a cache belongs to one zone. Kept current incrementally by record id;
about 8 bytes a record.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import Column, IdArray
from retention_desk.search.datecache import (
    MAX_GAP,
    UNDATED,
    CacheUnusable,
    read_in_chunks,
    sort_key,
)
from retention_desk.search.dates import local_midnight

NO_ACCOUNT = -1
FIRST_YEAR, LAST_YEAR = 1900, 2800  # the date keys' range

Group = tuple[str, str, int | None, int | None]  # platform, kind, account id, local year


def record_rows_sql(backend: SqliteBackend, where: str) -> str:
    """(record id, platform, kind, account id, date key) of the records `where` selects: what
    the cache groups by, for loading it and for checking a saved copy against the tables."""
    return (
        "SELECT id, platform, kind, account_id, "
        + backend.date_key_sql("created_at")
        + f" FROM records WHERE {where}"
    )


class FacetCache:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.groups: list[Group] = [("", "", None, None)]  # 0: no record (never counted)
        self._group_ids: dict[Group, int] = {}
        self._group = Column([0])  # indexed by record id
        self.max_id = 0
        self.totals: Counter[int] = Counter()  # records per group, as of the last refresh
        # totals only (no group per record): the cache file's header, read while the warm-up
        # loads the arrays; it answers facets of the whole archive and nothing else
        self.totals_only = False
        self._starts: list[int] = []  # date keys of local new years, built on first use

    @property
    def group(self) -> IdArray:
        """Group number per record id (0: no record)."""
        return self._group.view

    def _year_starts(self) -> list[int]:
        if not self._starts:
            self._starts = [
                sort_key(timeutil.to_db(local_midnight(date(y, 1, 1), self.tz)))
                for y in range(FIRST_YEAR, LAST_YEAR + 1)
            ]
        return self._starts

    def _group_id(self, group: Group) -> int:
        gid = self._group_ids.get(group)
        if gid is None:
            gid = self._group_ids[group] = len(self.groups)
            self.groups.append(group)
        return gid

    def refresh(self, backend: SqliteBackend, conn: Connection) -> int:
        """Add the records archived since the last refresh; returns how many (read in chunks,
        as the date cache is)."""
        sql = record_rows_sql(backend, "id > :last ORDER BY id LIMIT :chunk")
        return read_in_chunks(backend, conn, sql, lambda: self.max_id, self._add)

    def _add(self, rows: list[tuple[Any, ...]]) -> None:
        starts = self._year_starts()
        if self.totals_only:
            for _rid, platform, kind, account, key in rows:
                self.totals[self._group_id((platform, kind, account, _year(starts, key)))] += 1
            self.max_id = rows[-1][0]
            return
        ids: list[int] = []
        for rid, platform, kind, account, key in rows:
            gap = rid - len(self._group) - len(ids)
            if gap > MAX_GAP:
                raise CacheUnusable(f"record ids jump by {gap}")
            if gap > 0:  # ids of destroyed records: group 0
                ids.extend([0] * gap)
            gid = self._group_id((platform, kind, account, _year(starts, key)))
            ids.append(gid)
            self.totals[gid] += 1
        self._group.extend(ids)
        self.max_id = rows[-1][0]

    @classmethod
    def restore(
        cls,
        tz: ZoneInfo,
        groups: list[Group],
        group: npt.ArrayLike | bytes,
        max_id: int,
        totals: Counter[int],
    ) -> FacetCache:
        """A cache as it was saved (search/cachefile.py): its groups, the group of each
        record id, the last record id covered and the records per group."""
        cache = cls(tz)
        cache.groups = groups
        cache._group_ids = {g: i for i, g in enumerate(groups) if i}
        cache._group = Column.from_bytes(group) if isinstance(group, bytes) else Column(group)
        cache.max_id = max_id
        cache.totals = totals
        return cache

    @classmethod
    def from_totals(
        cls, tz: ZoneInfo, groups: list[Group], max_id: int, totals: Counter[int]
    ) -> FacetCache:
        """A totals-only cache (see `totals_only`): records per group up to record `max_id`,
        caught up by `refresh` like a full one."""
        cache = cls.restore(tz, groups, [0], max_id, totals)
        cache.totals_only = True
        return cache

    def find_group(
        self, platform: str, kind: str, account: int | None, key: int | None
    ) -> int | None:
        """The group number of a record with these values (`key`: its date key), None when
        no record of the cache has them."""
        return self._group_ids.get((platform, kind, account, _year(self._year_starts(), key)))

    def count(self, record_ids: Iterable[int] | IdArray) -> tuple[int, dict[str, Counter[Any]]]:
        """(total, counts per facet) for distinct live record ids."""
        if self.totals_only:
            raise ValueError("a totals-only facet cache cannot count a result set")
        if isinstance(record_ids, np.ndarray):
            ids = record_ids.astype(np.int64, copy=False)
        else:
            ids = np.fromiter(record_ids, dtype=np.int64)
        per_group = np.bincount(self.group[ids], minlength=1)
        found = np.flatnonzero(per_group)
        counts = zip(found.tolist(), per_group[found].tolist(), strict=True)
        return self.count_groups(Counter(dict(counts)))

    def count_all(self, live_records: int) -> tuple[int, dict[str, Counter[Any]]] | None:
        """Counts for the whole archive from the running totals; None when records were
        destroyed since they were cached (the totals then over-count)."""
        if sum(self.totals.values()) != live_records:
            return None
        return self.count_groups(self.totals)

    def count_groups(self, per_group: Counter[int]) -> tuple[int, dict[str, Counter[Any]]]:
        facets: dict[str, Counter[Any]] = {
            name: Counter() for name in ("platform", "kind", "account", "year")
        }
        total = 0
        for gid, n in per_group.items():
            platform, kind, account, year = self.groups[gid]
            total += n
            facets["platform"][platform] += n
            facets["kind"][kind] += n
            facets["account"][account] += n
            facets["year"][year] += n
        return total, facets


def _year(starts: list[int], key: int | None) -> int | None:
    return None if key is None else FIRST_YEAR + max(bisect_right(starts, key) - 1, 0)


__all__ = ["NO_ACCOUNT", "UNDATED", "FacetCache"]

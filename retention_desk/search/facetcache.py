"""In-memory facet columns per record: facet counts over large result sets without an SQL
GROUP BY (SQLite sorts every matching row to group them: seconds for a million).

Four arrays indexed by record id: platform code, kind code, account id and the date key of
datecache.sort_key. Counting a result set is then `Counter(map(array.__getitem__, ids))`
per facet, which runs at C speed. The record ids still come from SQL/FTS5, so the counts are
exactly those of the query; the cache only answers "what is record N's platform, kind,
account and year", which never changes after a record is archived (the ingest layer never
rewrites these columns). Kept current incrementally by record id; about 20 bytes a record.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import partial
from typing import Any

from sqlalchemy import Connection

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.datecache import UNDATED

NO_ACCOUNT = -1


class FacetCache:
    def __init__(self) -> None:
        self.platforms: list[str] = []
        self.kinds: list[str] = []
        self._platform_code: dict[str, int] = {}
        self._kind_code: dict[str, int] = {}
        # index 0 is never a record id
        self.platform = array("h", [0])
        self.kind = array("h", [0])
        self.account = array("q", [NO_ACCOUNT])
        self.key = array("q", [UNDATED])
        self.max_id = 0

    def _code(self, value: str, names: list[str], codes: dict[str, int]) -> int:
        code = codes.get(value)
        if code is None:
            code = codes[value] = len(names)
            names.append(value)
        return code

    def refresh(self, backend: SqliteBackend, conn: Connection) -> int:
        """Add the records archived since the last refresh; returns how many."""
        rows = backend.fetch_all(
            conn,
            "SELECT id, platform, kind, coalesce(account_id, :none), coalesce("
            + backend.date_key_sql("created_at")
            + f", {UNDATED}) FROM records WHERE id > :last ORDER BY id",
            {"last": self.max_id, "none": NO_ACCOUNT},
        )
        for rid, platform, kind, account, key in rows:
            gap = rid - len(self.platform)
            if gap > 0:  # ids of destroyed records
                self.platform.extend([0] * gap)
                self.kind.extend([0] * gap)
                self.account.extend([NO_ACCOUNT] * gap)
                self.key.extend([UNDATED] * gap)
            self.platform.append(self._code(platform, self.platforms, self._platform_code))
            self.kind.append(self._code(kind, self.kinds, self._kind_code))
            self.account.append(account)
            self.key.append(key)
            self.max_id = rid
        return len(rows)

    def count(
        self, ids: Iterable[int], year_bounds: list[tuple[int, int]]
    ) -> tuple[int, dict[str, Counter[Any]]]:
        """(total, counts per facet) for distinct record `ids`; `year_bounds` is a list of
        (year, date key where that local year starts), oldest first."""
        ids = list(ids)
        platforms = Counter(map(self.platform.__getitem__, ids))
        kinds = Counter(map(self.kind.__getitem__, ids))
        accounts = Counter(map(self.account.__getitem__, ids))
        # bucket i >= 1: the year starting at year_bounds[i - 1]; bucket 0: undated (the
        # first bound is the local new year of the oldest record, before every dated one)
        starts = [start for _year, start in year_bounds]
        buckets = Counter(map(partial(bisect_right, starts), map(self.key.__getitem__, ids)))
        years: Counter[Any] = Counter()
        for index, n in buckets.items():
            years[year_bounds[index - 1][0] if index else None] += n
        return len(ids), {
            "platform": Counter({self.platforms[c]: n for c, n in platforms.items()}),
            "kind": Counter({self.kinds[c]: n for c, n in kinds.items()}),
            "account": Counter({(None if a == NO_ACCOUNT else a): n for a, n in accounts.items()}),
            "year": years,
        }

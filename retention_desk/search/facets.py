"""Facet counts (platform, account, kind, year) over a whole result set.

Three plans:
- no query at all (the Archive view's first screen): one small count per dimension along an
  index (platform, kind, account, and created_at ranges per local year), no full row pass;
- a long-lived engine: the matching record ids from SQL/FTS5, counted against in-memory
  facet columns (facetcache.py) - no sorting of the matches;
- otherwise one grouped pass over the matching records by (platform, account, kind, year),
  added up per dimension here.
Years are local years in the agency's time zone: the year boundaries are local midnights on
1 January converted to UTC (dates.year_starts), compared against the stored UTC times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import IdArray
from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.dates import year_starts
from retention_desk.search.facetcache import FacetCache
from retention_desk.search.results import FacetCount, Facets


def _years(backend: SqliteBackend, conn: Connection, tz: ZoneInfo) -> list[tuple[int, str]]:
    # two statements: SQLite reads min() or max() from the index only when it is alone
    lo = backend.execute(conn, "SELECT min(created_at) FROM records").scalar()
    hi = backend.execute(conn, "SELECT max(created_at) FROM records").scalar()
    if lo is None:
        return []
    first = timeutil.from_db(lo)
    last = timeutil.from_db(hi)
    assert first is not None and last is not None
    return year_starts(first.astimezone(tz).year, last.astimezone(tz).year, tz)


def _year_case(years: list[tuple[int, str]], params: dict[str, Any]) -> str:
    if not years:
        return "NULL"
    parts = ["CASE WHEN r.created_at IS NULL THEN NULL"]
    for year, start in reversed(years[1:]):
        params[f"y{year}"] = start
        parts.append(f"WHEN r.created_at >= :y{year} THEN {year}")
    parts.append(f"ELSE {years[0][0]} END")
    return " ".join(parts)


def _quote_value(value: str) -> str | None:
    if not value or '"' in value:
        return None
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


def _accounts(backend: SqliteBackend, conn: Connection) -> dict[int, tuple[str, str, str | None]]:
    """account id -> (label, platform, filter text)."""
    out: dict[int, tuple[str, str, str | None]] = {}
    for aid, platform, handle, name, key in backend.execute(
        conn, "SELECT id, platform, handle, display_name, account_key FROM accounts"
    ):
        shown = handle or name or key
        value = _quote_value(f"{platform}/{shown}")
        out[int(aid)] = (f"{platform}/{shown}", platform, f"account:{value}" if value else None)
    return out


def _sorted(counts: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))


def _build(
    backend: SqliteBackend,
    conn: Connection,
    total: int,
    platforms: Counter[Any],
    accounts: Counter[Any],
    kinds: Counter[Any],
    years: Counter[Any],
) -> Facets:
    known = _accounts(backend, conn)
    account_facets = []
    for aid, n in _sorted(accounts):
        if aid is None:
            account_facets.append(FacetCount(None, "(no account)", n, "no:account"))
        else:
            label, _platform, filt = known.get(int(aid), (f"account {aid}", "", None))
            account_facets.append(FacetCount(str(aid), label, n, filt))
    year_facets = [
        FacetCount(str(y), str(y), n, f"on:{y}")
        for y, n in sorted(((y, n) for y, n in years.items() if y is not None), reverse=True)
    ]
    if years.get(None):
        year_facets.append(FacetCount(None, "(no date)", years[None], None))
    return Facets(
        total=total,
        platform=tuple(
            FacetCount(p, p, n, f"platform:{_quote_value(p)}" if _quote_value(p) else None)
            for p, n in _sorted(platforms)
        ),
        account=tuple(account_facets),
        kind=tuple(FacetCount(k, k, n, f"kind:{k}") for k, n in _sorted(kinds)),
        year=tuple(year_facets),
    )


def _whole_archive(backend: SqliteBackend, conn: Connection, tz: ZoneInfo) -> Facets:
    def grouped(column: str) -> Counter[Any]:
        sql = f"SELECT {column}, count(*) FROM records GROUP BY {column}"
        return Counter({row[0]: int(row[1]) for row in backend.execute(conn, sql)})

    platforms = grouped("platform")
    kinds = grouped("kind")
    accounts = grouped("account_id")
    years: Counter[Any] = Counter()
    bounds = _years(backend, conn, tz)
    for index, (year, start) in enumerate(bounds):
        # one index range per local year; the first year also takes anything before its start
        conds, params = ["created_at IS NOT NULL"], {}
        if index > 0:
            conds.append("created_at >= :a")
            params["a"] = start
        if index + 1 < len(bounds):
            conds.append("created_at < :b")
            params["b"] = bounds[index + 1][1]
        sql = "SELECT count(*) FROM records WHERE " + " AND ".join(conds)
        n = int(backend.execute(conn, sql, params).scalar_one())
        if n:
            years[year] = n
    undated = int(
        backend.execute(conn, "SELECT count(*) FROM records WHERE created_at IS NULL").scalar_one()
    )
    if undated:
        years[None] = undated
    return _build(backend, conn, sum(platforms.values()), platforms, accounts, kinds, years)


def from_cache(
    backend: SqliteBackend,
    conn: Connection,
    cache: FacetCache,
    record_ids: Iterable[int] | IdArray,
) -> Facets:
    """Facets for the given distinct, live record ids, counted from the in-memory groups."""
    cache.refresh(backend, conn)
    total, counts = cache.count(record_ids)
    return _build(
        backend, conn, total, counts["platform"], counts["account"], counts["kind"], counts["year"]
    )


def whole_from_cache(
    backend: SqliteBackend, conn: Connection, cache: FacetCache, trusted: bool = False
) -> Facets | None:
    """Facets of the whole archive from the cache's running totals (one count(*) to check
    no record was destroyed since, unless the caller knows none was: `trusted`); None when
    the totals cannot be trusted."""
    cache.refresh(backend, conn)
    if trusted:
        live = sum(cache.totals.values())
    else:
        live = int(backend.execute(conn, "SELECT count(*) FROM records").scalar_one())
    counted = cache.count_all(live)
    if counted is None:
        return None
    total, counts = counted
    return _build(
        backend, conn, total, counts["platform"], counts["account"], counts["kind"], counts["year"]
    )


def compute(
    backend: SqliteBackend, conn: Connection, q: CompiledQuery, text_condition: str, tz: ZoneInfo
) -> Facets:
    """Facets for the records matching `q` (text_condition: the engine's word condition)."""
    if not q.has_text and not q.has_conditions:
        return _whole_archive(backend, conn, tz)
    params = q.bind()
    year_sql = _year_case(_years(backend, conn, tz), params)
    sql = (
        f"SELECT r.platform, r.account_id, r.kind, {year_sql}, count(*) FROM records r"
        f" WHERE {text_condition} AND ({q.where}) GROUP BY 1, 2, 3, 4"
    )
    platforms: Counter[Any] = Counter()
    accounts: Counter[Any] = Counter()
    kinds: Counter[Any] = Counter()
    years: Counter[Any] = Counter()
    total = 0
    for platform, account_id, kind, year, n in backend.execute(conn, sql, params):
        n = int(n)
        total += n
        platforms[platform] += n
        accounts[account_id] += n
        kinds[kind] += n
        years[year] += n
    return _build(backend, conn, total, platforms, accounts, kinds, years)

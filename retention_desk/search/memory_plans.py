"""The parts of the in-memory plans that need no engine state: which SQL condition a candidate
must pass, checking candidates in batches, and reading every match's score at once.

The engine (engine.py) chooses the plan and holds the caches; these functions take what they
need as arguments, so the plans can be read and tested on their own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from retention_desk.search import partitions
from retention_desk.search import walk as walk_mod
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.columns import IdArray
from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.datecache import by_best_score, version_rows_sql
from retention_desk.search.rows import id_list


def candidate_where(q: CompiledQuery) -> str:
    """The SQL condition (over `r`) an in-memory candidate must pass: the query's filters
    and, probed on the candidate's versions, its exclusions.

    Exclusions are checked on the candidates: reading every version holding an excluded word
    to prune in memory cost more than the page (`police -snow` at 5M: 34 ms for the 96,000
    versions with `snow`)."""
    probe = q.exclude_probe
    if probe is None:
        return q.base_where
    return (
        f"({q.base_where}) AND NOT EXISTS (SELECT 1 FROM record_versions v"
        f" WHERE v.record_id = r.id AND ({probe}))"
    )


def passing_sql(backend: SqliteBackend, ids: Sequence[int], where: str) -> str:
    """The ids among `ids` of live records passing `where` (over `r`), looked up by id."""
    return (
        f"SELECT r.id FROM {backend.records_by_id()} WHERE r.id IN ({id_list(ids)}) AND ({where})"
    )


def checked(
    backend: SqliteBackend,
    conn: Connection,
    q: CompiledQuery,
    where: str,
    candidates: Iterator[int],
    want: int,
    verify_cap: int,
) -> list[int] | None:
    """The first `want` of `candidates` (best first) passing `where` in SQL, which also
    drops records destroyed since they were cached; None when the filters reject so many
    that `verify_cap` candidates did not fill the page."""
    found: list[int] = []
    checked_so_far = 0
    batch = max(64, want * 2)
    while len(found) < want:
        part = list(itertools.islice(candidates, batch))
        if not part:
            break
        sql = passing_sql(backend, part, where)
        passing = {int(r[0]) for r in backend.execute(conn, sql, q.params)}
        found += [rid for rid in part if rid in passing]
        checked_so_far += len(part)
        if checked_so_far >= verify_cap and len(found) < want:
            return None
        # size the next batch from the share of candidates the filters let through
        rate = len(found) / checked_so_far
        need = want - len(found)
        batch = min(int(need / rate * 1.5) + 16 if rate else batch * 8, verify_cap)
    return found[:want]


def checked_scored(
    backend: SqliteBackend,
    conn: Connection,
    q: CompiledQuery,
    where: str,
    ranked: Iterator[tuple[int, float]],
    want: int,
    verify_cap: int,
    below: float | None = None,
) -> tuple[list[int], dict[int, float]] | None:
    """`checked` over (record id, score) candidates best first, with the scores of those
    found; only candidates scoring below `below` when given (the rest are not certain)."""
    best: dict[int, float] = {}

    def candidates() -> Iterator[int]:
        for rid, score in ranked:
            if below is not None and score >= below:
                return
            best[rid] = score
            yield rid

    found = checked(backend, conn, q, where, candidates(), want, verify_cap)
    return None if found is None else (found, {rid: best[rid] for rid in found})


def scored_matches(
    backend: SqliteBackend,
    conn: Connection,
    q: CompiledQuery,
    ranges: list[tuple[int, int]] | None,
) -> tuple[IdArray, npt.NDArray[np.float64]] | None:
    """(version ids, scores) of every version matching `q`'s words, read from the index at
    once (the scores the bare `ORDER BY rank` computes); only inside `ranges` when given (a
    platform or kind filter's runs of ids: `the platform:youtube` at 6.3M reads 290,000 of
    4.9 million). None past HARD_MEMORY_CAP matches (a word in most records)."""
    cap = walk_mod.HARD_MEMORY_CAP
    if ranges is not None:
        if partitions.count_in_ranges(backend, conn, q, ranges, cap + 1) > cap:
            return None
        scored = partitions.read_scored_in_ranges(backend, conn, q, ranges)
        if scored is not None:
            return scored
    if walk_mod.count_matches(backend, conn, q, cap + 1) > cap:
        return None
    return backend.fetch_scored(conn, q.ranked_sql, q.bind())


def by_score_sql(
    backend: SqliteBackend,
    conn: Connection,
    vids: IdArray,
    scores: npt.NDArray[np.float64],
) -> Iterator[tuple[int, float]]:
    """datecache's `by_score` for an engine without caches: the few versions' records and
    date keys read from the tables (one statement), then the same order (best score, then
    newest, then the larger id), each record once with its best score."""
    if not len(vids):
        return
    sql = version_rows_sql(backend, f"v.id IN ({id_list(vids.tolist())})")
    found = {int(vid): (int(rid), int(key)) for vid, rid, key in backend.fetch_all(conn, sql)}
    keep = np.array([int(v) in found for v in vids.tolist()], dtype=bool)
    rows = [found[int(v)] for v in vids[keep].tolist()]
    rids = np.array([r for r, _k in rows], dtype=np.int64)
    keys = np.array([k for _r, k in rows], dtype=np.int64)
    yield from by_best_score(scores[keep], keys, rids)

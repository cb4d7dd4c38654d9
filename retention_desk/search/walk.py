"""The "walk" plan for date-sorted pages of common words, and the cost model choosing it.

Read records newest-first along the created_at index (filters applied by SQL) and probe the
full-text index for each (an indexed rowid seek), stopping when the page is full. Cost grows
with `want` x N / M probes (M matching versions, N records), each a few times dearer than
materializing one match, more for phrases and several words. A walk that has probed its
budget without filling the page (the words cluster in old records, or the filters exclude
most matches) returns None and the caller materializes, so a bad guess costs at most the
budget. Prefix queries never walk: a prefix probe expands to every term with that prefix.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import Connection

from retention_desk.search.backend import SqliteBackend
from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.query import Term

COUNT_CAP = 40_000  # matching versions counted at most (the count costs ~M / 10 probes)
# Queries a walk serves badly (phrases, several words, prefixes, exclusions: each probe is
# dear, or a prefix cannot be probed at all) take the in-memory plan up to this many matching
# versions: ~0.3-0.5 us a match against walks of a second at five million records.
HARD_MEMORY_CAP = 500_000
PROBE_COST = 4.0  # one walk probe of one word, in units of one materialized match
PHRASE_PROBE_COST = 8.0  # phrases and several words: position lists, several doclists
# A walk probe against reading one match into the in-memory plan, at five million records
# (~20 us a probe; ~0.1 us a match read, parsed and ranked in numpy). Measured at 6.3 million
# (2026-12-06): 40, the figure while matches were ranked in Python, walked `police` in 48 ms
# against 27 in memory, and `kind:comment is:deleted police` in 416 against 38; 150 walks
# only words in about a twentieth of the records or more (`water`: 28 ms, memory ~35).
MATCHES_PER_PROBE = 150
MIN_WALK_BUDGET = 2_000  # records a walk may probe before giving up, at least ...
BUDGET_FACTOR = 4.0  # ... and this many times the probes the estimate expects


def count_matches(backend: SqliteBackend, conn: Connection, q: CompiledQuery, cap: int) -> int:
    sql = f"SELECT count(*) FROM ({q.versions_sql} LIMIT :cap)"
    return int(backend.execute(conn, sql, q.bind(cap=cap)).scalar_one())


def _terms(q: CompiledQuery) -> list[Term]:
    return [t for clause in q.text_clauses for t in clause]


def _several(q: CompiledQuery, terms: list[Term]) -> bool:
    """Several words, a phrase or substring terms: each probe reads several doclists."""
    return (
        len(terms) > 1
        or any(len(t.text.split()) > 1 for t in terms)
        or (q.text_match is not None and q.text_match.has_substrings)
    )


def hard_to_walk(q: CompiledQuery) -> bool:
    """Phrases, several words, prefixes, substring terms or exclusions."""
    terms = _terms(q)
    return q.exclude_sql is not None or any(t.mode == "prefix" for t in terms) or _several(q, terms)


def memory_breakeven(want: int, population: int) -> int:
    """Matching versions up to which reading them all into the in-memory plan costs less than
    the probes a walk expects (want x population / matches of them): matches^2 <= want x
    population x MATCHES_PER_PROBE (at 6.3 million records and a page of 50: 219,000).
    Counting a word's matches no further than this keeps the count cheaper than either
    plan. The same bound serves queries with filters: a walk visits the records passing
    them in date order, and a selective filter makes it probe more records per hit, where
    memory checks only its candidates by id."""
    return math.isqrt(max(want, 0) * max(population, 0) * MATCHES_PER_PROBE)


def record_population(backend: SqliteBackend, conn: Connection) -> int:
    """Records a walk may visit (the largest record id: ids are dense)."""
    return int(backend.execute(conn, "SELECT coalesce(max(id), 0) FROM records").scalar_one())


def walk_budget(
    backend: SqliteBackend,
    conn: Connection,
    q: CompiledQuery,
    want: int,
    counted: int | None = None,
) -> int | None:
    """Records a walk may probe when walking is estimated cheaper; None: materialize.
    `counted`: the matching versions, when the caller has counted them (maybe only up to a
    cap of its own)."""
    terms = _terms(q)
    if any(t.mode == "prefix" for t in terms):
        return None
    several = _several(q, terms)
    probe_cost = PHRASE_PROBE_COST if several else PROBE_COST
    matches = count_matches(backend, conn, q, COUNT_CAP) if counted is None else counted
    if matches == 0:
        return None
    records = record_population(backend, conn)
    expected_probes = want * records / matches
    if expected_probes * probe_cost >= matches:
        return None
    return int(max(MIN_WALK_BUDGET, BUDGET_FACTOR * expected_probes))


def walk(
    backend: SqliteBackend, conn: Connection, q: CompiledQuery, sort: str, want: int, budget: int
) -> list[int] | None:
    """Records in date order, probing each for the words; None when over budget.

    Works in windows of `chunk` records: one statement finds the window's far end along
    the index (no probes), a second probes the window in order and stops at the first
    `need` hits (ORDER BY follows the index, so SQLite needs no sort and stops early).
    """
    newest = sort != "oldest"
    found: list[int] = []
    probed = 0
    chunk = max(256, want * 4)
    for phase in ("dated", "undated"):
        cursor: tuple[str | None, int] | None = None
        while True:
            cond, order, params = _walk_window(q, newest, phase, cursor, None)
            params["skip"] = chunk - 1
            end = backend.execute(
                conn,
                f"SELECT r.created_at, r.id FROM records r WHERE ({q.where}) AND {cond}"
                f" ORDER BY {order} LIMIT 1 OFFSET :skip",
                params,
            ).first()
            bound = (end[0], int(end[1])) if end is not None else None
            cond, order, params = _walk_window(q, newest, phase, cursor, bound)
            params["need"] = want - len(found)
            hits = backend.execute(
                conn,
                f"SELECT r.id FROM records r WHERE ({q.where}) AND {cond}"
                f" AND {_probe(q, 'r.id')} ORDER BY {order} LIMIT :need",
                params,
            ).all()
            found += [int(h[0]) for h in hits]
            if len(found) >= want:
                return found
            if bound is None:
                break  # this phase has no records left
            probed += chunk
            if probed >= budget:
                return None
            cursor = bound
            chunk = min(chunk * 2, 8_192)
    return found


def _probe(q: CompiledQuery, record_id: str) -> str:
    # per version an FTS lookup by rowid (an index seek) or a look at its own text, never a
    # scan of every match
    return (
        "EXISTS (SELECT 1 FROM record_versions v"
        f" WHERE v.record_id = {record_id} AND {q.probe_sql})"
    )


def _walk_window(
    q: CompiledQuery,
    newest: bool,
    phase: str,
    after: tuple[str | None, int] | None,
    through: tuple[str | None, int] | None,
) -> tuple[str, str, dict[str, Any]]:
    """Condition for records strictly past `after` and up to `through` (inclusive) in
    walk order, with the ORDER BY for that order. Keyset bounds, never OFFSET."""
    params = q.bind()
    lt, gt, desc = ("<", ">", "DESC") if newest else (">", "<", "ASC")
    if phase == "dated":
        cond = "r.created_at IS NOT NULL"
        order = f"r.created_at {desc}, r.id {desc}"
        if after is not None:
            cond += f" AND r.created_at {lt}= :a_c AND (r.created_at {lt} :a_c OR r.id {lt} :a_i)"
            params.update(a_c=after[0], a_i=after[1])
        if through is not None:
            cond += f" AND r.created_at {gt}= :t_c AND (r.created_at {gt} :t_c OR r.id {gt}= :t_i)"
            params.update(t_c=through[0], t_i=through[1])
    else:
        cond = "r.created_at IS NULL"
        order = f"r.id {desc}"
        if after is not None:
            cond += f" AND r.id {lt} :a_i"
            params.update(a_i=after[1])
        if through is not None:
            cond += f" AND r.id {gt}= :t_i"
            params.update(t_i=through[1])
    return cond, order, params

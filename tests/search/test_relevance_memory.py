"""Relevance pages ranked in memory (every matching version's score read at once, each
record's best version taken, filters checked on the candidates) give exactly the pages and
scores of the relevance SQL: ties broken newest first then by id, records whose older
version scores better, titles weighted, undated records, filters, exclusions, substrings and
deep pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retention_desk.archive import Archive
from retention_desk.search import SearchEngine
from retention_desk.search import walk as walk_mod
from tests.search.conftest import rec, utc, write


def sql_only(engine: SearchEngine) -> SearchEngine:
    """An engine that ranks by relevance in SQL alone: the reference every in-memory page is
    checked against (an engine without caches would otherwise keep the best versions)."""
    engine._relevance_top = lambda *_args: None  # type: ignore[method-assign]
    return engine


QUERIES = (
    "flood",
    "flood road",
    '"flood warning"',
    "flood OR storm",
    "flo*",
    "flood -closed",
    "flood platform:facebook",
    "flood kind:comment",
    "flood after:2021-03",
    "flood is:edited",
    "storm 洪水",
    "zzzz",
)


@pytest.fixture
def varied(archive: Archive) -> Archive:
    start = utc(2021, 1, 1)
    texts = (
        "flood warning on the river road",
        "flood",  # identical short texts: equal scores, so the order falls to date and id
        "flood",
        "storm and flood and flood again closed",
        "road closed for the storm",
        "洪水 storm warning flood",
        "flooding downtown",
    )
    records = [
        rec(
            f"r{i}",
            texts[i % len(texts)],
            # every tenth undated, and pairs sharing a timestamp (ties on the date too)
            created_at=None if i % 10 == 9 else start + timedelta(hours=(i // 2) * 5),
            platform="facebook" if i % 3 else "x",
            kind="comment" if i % 4 == 0 else "post",
            title="Flood desk" if i % 11 == 0 else None,
        )
        for i in range(420)
    ]
    write(archive, records)
    # later captures: some records now read differently (their old version keeps its score)
    write(
        archive,
        [
            rec(
                f"r{i}",
                # some still match, worse than before: two matching versions, one of them
                # maybe outside the best versions kept
                "flood reported again later today" if i % 14 == 0 else "calm day",
                created_at=start + timedelta(hours=(i // 2) * 5),
            )
            for i in range(0, 420, 7)
            if i % 10 != 9
        ],
        source="later.json",
    )
    return archive


@pytest.mark.parametrize("query", QUERIES)
def test_memory_ranking_gives_the_sql_pages_and_scores(varied: Archive, query: str) -> None:
    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        expected = [
            [
                (r.id, r.score, r.matched_versions)
                for r in bare.page(query, sort="relevance", limit=25, offset=o).rows
            ]
            for o in (0, 25, 200)
        ]
    with SearchEngine(varied) as engine:
        assert engine.warm_up()
        got = []
        for offset in (0, 25, 200):
            page = engine.page(query, sort="relevance", limit=25, offset=offset)
            assert page.strategy == "relevance+memory", query
            got.append([(r.id, r.score, r.matched_versions) for r in page.rows])
    assert got == expected


def test_too_many_matches_or_a_cold_cache_rank_in_sql(
    varied: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "flood platform:facebook"
    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        assert bare.page(query, sort="relevance").strategy == "relevance"
        expected = [r.id for r in bare.page(query, sort="relevance").rows]
    monkeypatch.setattr(walk_mod, "HARD_MEMORY_CAP", 10)
    with SearchEngine(varied) as engine:
        assert engine.warm_up()
        # the best versions alone are read whatever the number of matches
        assert engine.page(query, sort="relevance").strategy == "relevance+memory"
        # when they do not settle the page, every match would be read: past the cap, SQL
        monkeypatch.setattr(SearchEngine, "_relevance_top", lambda *_args: None)
        page = engine.page(query, sort="relevance")
        assert page.strategy == "relevance"
        assert [r.id for r in page.rows] == expected


def test_pages_from_the_best_versions_alone(
    varied: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the best-scoring versions are kept; a record is taken only when its score beats
    the last kept, so ties at the cut (the many identical `flood` texts), or filters that
    leave too few, send the page to the full read instead of guessing. Both happen here,
    and every page is the SQL's."""
    from retention_desk.search import engine as engine_mod

    monkeypatch.setattr(engine_mod, "TOP_VERSIONS", 1)  # keep only 4 x the page
    used: list[bool] = []
    top = SearchEngine._relevance_top

    def spy(self: SearchEngine, *args: object) -> object:
        got = top(self, *args)  # type: ignore[arg-type]
        used.append(got is not None)
        return got

    monkeypatch.setattr(SearchEngine, "_relevance_top", spy)
    queries = (
        "flood",
        "flood road",
        "storm 洪水",
        "flood OR storm",
        '"flood warning"',
        "flo*",
        "flood -closed",
        "flood is:edited",
        "storm after:2021-03",
    )
    shapes = ((5, 0), (25, 0), (10, 30))
    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        expected = [
            [
                (r.id, r.score, r.matched_versions)
                for r in bare.page(q, sort="relevance", limit=n, offset=o).rows
            ]
            for q in queries
            for n, o in shapes
        ]
    with SearchEngine(varied) as engine:
        assert engine.warm_up()
        got = [
            [
                (r.id, r.score, r.matched_versions)
                for r in engine.page(q, sort="relevance", limit=n, offset=o).rows
            ]
            for q in queries
            for n, o in shapes
        ]
    assert got == expected
    assert True in used and False in used


def test_a_filter_that_rejects_most_candidates_falls_back_to_sql(
    varied: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retention_desk.search import engine as engine_mod

    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        expected = [r.id for r in bare.page("flood is:edited", sort="relevance").rows]
    monkeypatch.setattr(engine_mod, "VERIFY_CAP", 20)
    with SearchEngine(varied) as engine:
        assert engine.warm_up()
        page = engine.page("flood is:edited", sort="relevance")
        assert page.strategy == "relevance"
        assert [r.id for r in page.rows] == expected


def test_every_match_in_relevance_order_is_the_sql_order(varied: Archive) -> None:
    """search_ids (the results table's whole list) ranks in memory too, with the SQL's
    order, filters and exclusions."""
    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        expected = {q: bare.search_ids(q, sort="relevance") for q in QUERIES}
    with SearchEngine(varied) as engine:
        assert engine.warm_up()
        got = {q: engine.search_ids(q, sort="relevance") for q in QUERIES}
    assert got == expected


def test_versions_outside_a_partial_list_are_probed(archive: Archive) -> None:
    """A record whose best version was kept and whose other matching version was not still
    lists both as matched (the top plan knows only the best versions)."""
    from retention_desk.search.backend import SqliteBackend
    from retention_desk.search.rows import KnownVersions, matched_versions

    start = utc(2022, 1, 1)
    write(archive, [rec("a", "flood", created_at=start), rec("b", "calm", created_at=start)])
    write(
        archive,
        [
            rec("a", "flood reported again later today", created_at=start),
            rec("b", "calm again", created_at=start),
        ],
        source="later.json",
    )
    with SearchEngine(archive) as engine, archive.read() as conn:
        q = engine.parse("flood")
        rids = [int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM records ORDER BY id")]
        first = int(
            conn.exec_driver_sql(
                "SELECT id FROM record_versions WHERE record_id = ? AND seq = 1", (rids[0],)
            ).scalar_one()
        )
        backend = SqliteBackend()
        probed = matched_versions(backend, conn, rids, q)
        assert probed == {rids[0]: (1, 2)}
        partial = KnownVersions([first], complete=False)
        assert matched_versions(backend, conn, rids, q, partial) == probed
        # a complete list is taken at its word: the second version is not in it
        assert matched_versions(backend, conn, rids, q, KnownVersions([first])) == {rids[0]: (1,)}


def _relevance_pages(engine: SearchEngine, query: str) -> tuple[list[object], set[str]]:
    pages = [engine.page(query, sort="relevance", limit=n, offset=o) for n, o in ((5, 0), (25, 30))]
    rows = [[(r.id, r.score, r.matched_versions) for r in page.rows] for page in pages]
    return rows, {page.strategy for page in pages}


@pytest.mark.parametrize("query", QUERIES)
def test_an_engine_without_caches_keeps_the_best_versions_too(varied: Archive, query: str) -> None:
    """The CLI's one-off engine: the best versions' records read from the tables, the
    same pages and scores as the SQL (or the SQL itself when the cut does not settle)."""
    with sql_only(SearchEngine(varied, keep_connection=False)) as bare:
        expected, _plans = _relevance_pages(bare, query)
    with SearchEngine(varied, keep_connection=False) as plain:
        got, plans = _relevance_pages(plain, query)
    assert got == expected
    if query in ("flood road", "storm 洪水", '"flood warning"'):  # no ties at the cut
        assert plans == {"relevance+memory"}

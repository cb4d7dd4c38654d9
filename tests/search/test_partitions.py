"""Runs of version ids by platform and kind (search/partitions.py): a word with a platform or
kind filter reads only the matches inside the filter's runs, and every answer stays exactly
the SQL plans' answer, whatever the layout of the imports (few long runs, runs interleaved
past MAX_RUNS, records imported after the runs were built)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retention_desk.archive import Archive
from retention_desk.search import SearchEngine, partitions
from tests.search.conftest import rec, utc, write

PLATFORMS = ("x", "facebook", "youtube")
KINDS = ("post", "comment", "reply")


def _import(archive: Archive, n: int, platform: str, kind: str, words: list[str]) -> None:
    start = utc(2019, 1, 1)
    write(
        archive,
        [
            rec(
                f"{n}-{i}",
                f"{words[i % len(words)]} common",
                platform=platform,
                kind=kind,
                created_at=start + timedelta(hours=n * 97 + i * 13),
            )
            for i in range(12)
        ],
        source=f"import{n}.json",
    )


QUERIES = (
    "common platform:youtube",
    "common platform:x kind:comment",
    "snow kind:reply",
    '"snow common" platform:facebook',
    "rain platform:youtube after:2019-01-20",
    "common platform:facebook -snow",
)


def _same_as_sql(archive: Archive, expect_runs: bool | None) -> None:
    with SearchEngine(archive, keep_connection=False) as bare:
        expected = {q: (bare.facets(q), bare.search_ids(q)) for q in QUERIES}
        bare._relevance_top = lambda *_args: None  # type: ignore[method-assign]  # SQL only
        ranked = {
            q: [(r.id, r.score) for r in bare.page(q, sort="relevance", limit=9).rows]
            for q in QUERIES
        }
    with SearchEngine(archive) as engine:
        assert engine.warm_up()
        for query in QUERIES:
            facets = engine.facets(query)
            want_facets, want_ids = expected[query]
            assert facets.total == want_facets.total, query
            assert facets.to_dict() == want_facets.to_dict(), query
            assert engine.search_ids(query) == want_ids, query
            for sort, ids in (("date", want_ids), ("oldest", want_ids[::-1])):
                page = engine.page(query, sort=sort, limit=7)
                assert [r.id for r in page.rows] == ids[:7], (query, sort, page.strategy)
            # relevance ranked in memory, from the runs' matches when the layout has runs
            page = engine.page(query, sort="relevance", limit=9)
            assert page.strategy == "relevance+memory", query
            assert [(r.id, r.score) for r in page.rows] == ranked[query], query
        if expect_runs is not None:
            with archive.read() as conn:
                read = engine._partitioned_versions(conn, engine.parse("common platform:x"))
            assert (read is not None) == expect_runs


def test_one_import_per_platform_reads_by_runs(archive: Archive) -> None:
    for n, platform in enumerate(PLATFORMS):
        for m, kind in enumerate(KINDS):
            _import(archive, n * 3 + m, platform, kind, ["snow", "rain", "sun"])
    _same_as_sql(archive, expect_runs=True)


def test_interleaved_imports_past_the_run_limit_read_the_whole_word(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(partitions, "MAX_RUNS", 3)
    for n in range(12):
        _import(archive, n, PLATFORMS[n % 3], KINDS[n % 2], ["snow", "rain"])
    _same_as_sql(archive, expect_runs=False)


def test_records_imported_after_the_runs_were_built_are_found(archive: Archive) -> None:
    _import(archive, 0, "x", "post", ["snow"])
    _import(archive, 1, "youtube", "comment", ["rain"])
    with SearchEngine(archive) as engine:
        assert engine.warm_up()
        assert engine.facets("common platform:youtube").total == 12
        _import(archive, 2, "youtube", "comment", ["sun"])
        _import(archive, 3, "facebook", "reply", ["snow"])
        assert engine.facets("common platform:youtube").total == 24
        assert engine.facets("snow platform:facebook").total == 12
        assert engine.facets("common platform:x").total == 12
    _same_as_sql(archive, expect_runs=True)


def test_runs_of_a_layout_cover_exactly_what_they_should() -> None:
    runs = partitions.VersionRuns()
    runs._platforms = {"x": 0, "youtube": 1}
    runs._kinds = {"post": 0, "comment": 1}
    # version ids 1..9: x posts, youtube comments, x posts, a youtube post
    x_post, yt_comment, yt_post = 1, 1 * 8 + 1 + 1, 1 * 8 + 0 + 1
    runs.codes = bytearray([0, x_post, x_post, yt_comment, yt_comment, yt_comment, x_post, 0])
    runs.codes += bytes([x_post, yt_post])
    assert runs.runs({"youtube"}, None) == [(3, 5), (9, 9)]
    assert runs.runs({"youtube"}, {"comment"}) == [(3, 5)]
    assert runs.runs(None, {"post"}) == [(1, 2), (6, 6), (8, 9)]
    assert runs.runs({"x", "youtube"}, None) is None  # 8 of 10 ids: past MAX_SHARE
    assert runs.runs({"facebook"}, None) == []
    assert runs.runs(None, None) is None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    layout=st.lists(
        st.tuples(st.sampled_from(PLATFORMS), st.sampled_from(KINDS)), min_size=1, max_size=7
    ),
    max_runs=st.integers(min_value=1, max_value=6),
)
def test_any_layout_gives_the_sql_answer(
    tmp_path_factory: pytest.TempPathFactory, layout: list[tuple[str, str]], max_runs: int
) -> None:
    path: Path = tmp_path_factory.mktemp("runs") / "a.rdesk"
    with Archive.create(path, operator="pytest") as archive:
        for n, (platform, kind) in enumerate(layout):
            _import(archive, n, platform, kind, ["snow", "rain", "sun", "snow"][n % 3 :])
        old = partitions.MAX_RUNS
        partitions.MAX_RUNS = max_runs
        try:
            _same_as_sql(archive, expect_runs=None)
        finally:
            partitions.MAX_RUNS = old

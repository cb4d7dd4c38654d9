"""The index tidy after an import: a full optimize only when the import is a large share of the
archive (a first or bulk load), an incremental merge sized by the import otherwise, so an
import into a large archive never rewrites the whole index (issue 17: importing 100,000
tweets into five million records ran at a third of the empty-archive rate with a full optimize
of both indexes at its end)."""

from __future__ import annotations

import pytest

from retention_desk.archive import Archive, fts, ingest
from retention_desk.search import SearchEngine
from tests.search.conftest import rec, write


@pytest.fixture
def hundred(tmp_archive: Archive) -> Archive:
    write(tmp_archive, [rec(f"r{i}", f"word{i} common") for i in range(100)])
    return tmp_archive


def test_optimize_only_when_the_import_is_a_large_share(
    hundred: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fts, "OPTIMIZE_THRESHOLD", 10)
    calls: list[str] = []
    original = fts.optimize_search_indexes
    monkeypatch.setattr(
        fts, "optimize_search_indexes", lambda conn: (calls.append("optimize"), original(conn))
    )
    with hundred.write() as conn:
        assert fts.tidy_search_index(conn, 20) == "merge"  # a fifth of 100 versions
        assert calls == []
        assert fts.tidy_search_index(conn, 30) == "optimize"  # 30 x 4 >= 100
        assert calls == ["optimize"]
        assert fts.tidy_search_index(conn, 5) == "merge"  # below the threshold: always merge
    with SearchEngine(hundred, keep_connection=False) as engine:
        assert engine.count("common") == 100 and engine.count("word42") == 1


def test_every_import_leaves_the_index_searchable(tmp_archive: Archive) -> None:
    for n in range(6):
        write(
            tmp_archive,
            [rec(f"b{n}-{i}", f"batch{n} item{i}") for i in range(50)],
            source=f"batch{n}.json",
        )
        with tmp_archive.write() as conn:
            fts.tidy_search_index(conn, 50)
    with SearchEngine(tmp_archive, keep_connection=False) as engine:
        assert [engine.count(f"batch{n}") for n in range(6)] == [50] * 6


def _segments(archive: Archive, table: str = "record_fts") -> list[int]:
    with archive.read() as conn:
        return fts.segment_pages(conn, table)


def test_small_imports_fold_together_and_into_the_large_segment_in_time(
    tmp_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every segment costs each probe of a date-sorted walk: imports into a large archive must
    not pile them up (ten made walks 2-3x slower at five million records), and must not
    rewrite the large segment at every import either."""
    monkeypatch.setattr(fts, "OPTIMIZE_THRESHOLD", 10**9)  # never the first-load optimize
    monkeypatch.setattr(ingest, "BATCH", 20)  # a segment per 20 versions: three per import
    write(
        tmp_archive, [rec(f"b{i}", " ".join(f"t{i}x{j}" for j in range(20))) for i in range(3000)]
    )
    with tmp_archive.write() as conn:
        fts.optimize_search_indexes(conn)
    done = []
    for n in range(12):
        texts = [" ".join(f"n{n}y{i}z{j}" for j in range(20)) + f" new{n}" for i in range(60)]
        write(tmp_archive, [rec(f"n{n}-{i}", t) for i, t in enumerate(texts)], source=f"{n}.j")
        with tmp_archive.write() as conn:
            done.append(fts.tidy_search_index(conn, 60))
        sizes = _segments(tmp_archive)
        # pairs of equal level fold together (with FTS5's default of four, six segments)
        assert len(sizes) <= 3, (n, sizes)
        if done[-1] == "merge":  # the large one is rewritten only for an eighth of its size
            assert sum(sizes[1:]) * fts.COMPACT_SHARE < sizes[0], (n, sizes)
        else:
            assert len(sizes) == 1
    assert done[:3] == ["merge"] * 3 and "compact" in done, done
    with SearchEngine(tmp_archive, keep_connection=False) as engine:
        assert [engine.count(f"new{n}") for n in range(12)] == [60] * 12
        assert engine.count("t7x3") == 1

"""The index tidy after an import: a full optimize only when the import is a large share of the
archive (a first or bulk load), an incremental merge sized by the import otherwise, so an
import into a large archive never rewrites the whole index (issue 17: importing 100,000
tweets into five million records ran at a third of the empty-archive rate with a full optimize
of both indexes at its end)."""

from __future__ import annotations

import pytest

from retention_desk.archive import Archive, fts
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

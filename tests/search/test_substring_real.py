"""Substring search on a real export: the 2026 X archive sample (2,045 tweets; `🚨` in 13,
`?!` in 20, `…` in 208 of them). The oracle reads every version's text in Python, never
through an index."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from retention_desk.archive import Archive
from retention_desk.importers.run import run_import
from retention_desk.search import SearchEngine

SAMPLE = "twitter/x-archive-milahu104-2026"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory, samples: Path) -> Iterator[SearchEngine]:
    archive = Archive.create(tmp_path_factory.mktemp("real") / "x.rdesk", operator="pytest")
    run_import(archive, [samples / SAMPLE])
    with SearchEngine(archive) as engine:
        yield engine
    archive.close()


def holding(engine: SearchEngine, needle: str) -> set[int]:
    with engine.archive.read() as conn:
        rows = conn.execute(text("SELECT record_id, title, text FROM record_versions")).all()
    return {rid for rid, title, body in rows if needle in (title or "") + "\n" + (body or "")}


@pytest.mark.parametrize("needle", ["🚨", "?!", "…", "👉"])
def test_symbols_in_real_tweets_are_found(real: SearchEngine, needle: str) -> None:
    expected = holding(real, needle)
    assert expected  # the sample has them
    assert set(real.search_ids(needle)) == expected
    assert real.facets(needle).total == len(expected)

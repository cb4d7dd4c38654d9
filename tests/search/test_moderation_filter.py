"""`moderation:` through the search engine (issue 15): each form, codes checked against the
applying policies' categories, a bad code refused with the choices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod
from retention_desk.search.engine import SearchEngine
from retention_desk.search.errors import QueryError
from retention_desk.search.filters import filter_help
from tests.oversight.moderation_corpus import build


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[tuple[Archive, dict[str, int]]]:
    archive, ids = build(tmp_path / "f.rdesk")
    yield archive, ids
    archive.close()


def ids_for(archive: Archive, query: str) -> set[int]:
    with SearchEngine(archive) as engine:
        return set(engine.search_ids(query))


def test_each_form(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, ids = corpus
    removed = {ids[k] for k in ("c1", "c2", "c3", "c5", "r1", "tr1")}
    assert ids_for(archive, "moderation:removed") == removed
    assert ids_for(archive, "moderation:unreasoned") == removed
    assert ids_for(archive, "moderation:reasoned") == set()
    mod.record_reason(archive, ids["c1"], "lc-profane", "swearing")
    mod.record_reason(archive, ids["c4"], "dhs-abusive", "reported, kept up", action="kept")
    mod.record_reason(archive, ids["c3"], "", "the resident deleted it", acted_by="author")
    assert ids_for(archive, "moderation:unreasoned") == removed - {ids["c1"], ids["c3"]}
    assert ids_for(archive, "moderation:reasoned") == {ids["c1"], ids["c4"], ids["c3"]}
    assert ids_for(archive, "moderation:lc-profane") == {ids["c1"]}
    assert ids_for(archive, "moderation:LC-PROFANE") == {ids["c1"]}
    assert ids_for(archive, "moderation:dhs-abusive") == {ids["c4"]}
    assert ids_for(archive, "moderation:lc-off-topic") == set()
    # the latest action decides the category
    mod.record_reason(archive, ids["c1"], "lc-off-topic", "re-filed")
    assert ids_for(archive, "moderation:lc-profane") == set()
    assert ids_for(archive, "moderation:lc-off-topic") == {ids["c1"]}
    # combined with other filters and negated
    assert ids_for(archive, "moderation:removed platform:x") == {ids["tr1"]}
    assert ids["c1"] not in ids_for(archive, "-moderation:reasoned")


def test_bad_code_refused_with_the_choices(corpus: tuple[Archive, dict[str, int]]) -> None:
    archive, _ = corpus
    with pytest.raises(
        QueryError,
        match="must be one of removed, unreasoned, reasoned, dhs-abusive, .*lc-profane, .*;"
        " not 'rude'",
    ):
        ids_for(archive, "moderation:rude")
    with pytest.raises(QueryError, match="moderation: takes"):
        ids_for(archive, 'moderation:""')


def test_registered_with_help_and_example() -> None:
    spec = {f.name: f for f in filter_help()}["moderation"]
    assert spec.example == "moderation:unreasoned"
    assert "unreasoned" in spec.help

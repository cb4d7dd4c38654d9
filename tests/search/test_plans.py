"""Which plan a date-sorted page takes: queries a walk serves badly (phrases, several words,
prefixes, exclusions) stay on the in-memory plan past COUNT_CAP, a plain common word still
goes to SQL (walk or materialize), and every plan gives the order SQL gives."""

from __future__ import annotations

from datetime import timedelta

import pytest

from retention_desk.archive import Archive
from retention_desk.search import SearchEngine
from retention_desk.search import walk as walk_mod
from tests.search.conftest import rec, utc, write


@pytest.fixture
def common(archive: Archive) -> Archive:
    start = utc(2020, 1, 1)
    write(
        archive,
        [
            rec(
                f"r{i}",
                f"police report traffic{i % 3} {'snow' if i % 4 == 0 else 'sun'}",
                created_at=start + timedelta(minutes=37 * (i * 7919 % 3000)),
            )
            for i in range(3000)
        ],
    )
    return archive


@pytest.mark.parametrize(
    ("query", "plan"),
    [
        ("police", "sql"),  # a plain word past the breakeven: walk or materialize, not memory
        ("police -snow", "memory"),
        ('"police report"', "memory"),
        ("traffic1 OR snow", "memory"),
        ("traf*", "memory"),
    ],
)
@pytest.mark.parametrize("sort", ["date", "oldest"])
def test_hard_queries_past_the_count_cap_take_the_memory_plan(
    common: Archive, monkeypatch: pytest.MonkeyPatch, query: str, plan: str, sort: str
) -> None:
    with SearchEngine(common, keep_connection=False) as bare:
        expected = bare.search_ids(query, sort=sort)[:40]
    monkeypatch.setattr(walk_mod, "COUNT_CAP", 100)  # every query here has more matches
    # and a word in every record is past the breakeven (at 3,000 records and the measured
    # MATCHES_PER_PROBE, memory is the cheaper plan for `police`)
    monkeypatch.setattr(walk_mod, "MATCHES_PER_PROBE", 1)
    with SearchEngine(common) as engine:
        assert engine.warm_up()
        page = engine.page(query, sort=sort, limit=40)
        assert [r.id for r in page.rows] == expected
        if plan == "sql":
            assert page.strategy in ("walk", "materialize", "walk+materialize")
        else:
            assert page.strategy == plan
        monkeypatch.setattr(walk_mod, "HARD_MEMORY_CAP", 100)  # too many even for memory
        page = engine.page(query, sort=sort, limit=40)
        assert [r.id for r in page.rows] == expected
        assert page.strategy not in ("memory", "memory+materialize")


def test_exclusions_checked_on_the_candidates_see_every_version(archive: Archive) -> None:
    """The memory plan checks `-word` on the candidate records by probing their versions: a
    record whose older version held the word stays excluded, in title or text, whatever the
    share of candidates the exclusion removes."""
    start = utc(2021, 1, 1)
    first = [
        rec(
            f"r{i}",
            "police " + ("snow" if i % 3 == 0 else "sun"),
            created_at=start + timedelta(hours=i),
            title="snow desk" if i % 7 == 0 else None,
        )
        for i in range(400)
    ]
    write(archive, first)
    # a later capture of every fifth record without the word: the old version still has it
    write(
        archive,
        [
            rec(f"r{i}", "police sun again", created_at=start + timedelta(hours=i))
            for i in range(0, 400, 5)
        ],
        source="later.json",
    )
    for query in ("police -snow", "police -sun", "police -snow -desk"):
        with SearchEngine(archive, keep_connection=False) as bare:
            expected = bare.search_ids(query)[:30]
        with SearchEngine(archive) as engine:
            assert engine.warm_up()
            page = engine.page(query, limit=30)
            assert page.strategy == "memory", query
            assert [r.id for r in page.rows] == expected, query
    with SearchEngine(archive) as engine:
        assert engine.warm_up()
        ids = {r.id for r in engine.page("police -snow", limit=400).rows}
    with archive.read() as conn:
        holders = {
            row[0]
            for row in conn.exec_driver_sql(
                "SELECT record_id FROM record_versions WHERE text LIKE '%snow%'"
                " OR title LIKE '%snow%'"
            )
        }
    assert ids and not ids & holders
    assert len(ids) == 400 - len(holders)

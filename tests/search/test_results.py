"""Version matching, sort orders, pagination and the two page plans (walk, materialize)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from retention_desk.archive import Archive, timeutil
from retention_desk.archive.ingest import AccountIn
from retention_desk.search import SearchEngine
from retention_desk.search import engine as engine_mod
from retention_desk.search import walk as walk_mod
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.datecache import NO_RECORD, UNDATED, DateCache, sort_key
from tests.search.conftest import page_ids, rec, utc, write

ACCOUNT = AccountIn("x", "1", handle="acct")


def test_edited_record_is_found_by_what_it_first_said(
    archive: Archive, engine: SearchEngine
) -> None:
    write(archive, [rec("a", "original wording about the budget")], account=ACCOUNT)
    write(
        archive,
        [rec("a", "corrected wording about the agenda")],
        account=ACCOUNT,
        source="second.json",
    )
    old = engine.page("budget").rows
    assert len(old) == 1
    assert old[0].matched_versions == (1,)
    assert old[0].matched_version == 1 and old[0].matched_current is False
    assert old[0].text == "corrected wording about the agenda"  # shows the current text
    new = engine.page("agenda").rows[0]
    assert new.matched_versions == (2,) and new.matched_current is True
    both = engine.page("wording").rows[0]
    assert both.matched_versions == (1, 2) and both.matched_current is True
    assert engine.page("kind:post").rows[0].matched_versions == ()
    assert engine.page("kind:post").rows[0].matched_current is None
    rows = engine.fetch_rows([old[0].id], "budget")
    assert rows[0].matched_versions == (1,)


def test_date_sort_newest_first_undated_last_ties_by_id(
    archive: Archive, engine: SearchEngine
) -> None:
    keys = write(
        archive,
        [
            rec("old", "word", created_at=utc(2020, 1, 1)),
            rec("undated1", "word", created_at=None),
            rec("new", "word", created_at=utc(2024, 1, 1)),
            rec("tie1", "word", created_at=utc(2022, 1, 1)),
            rec("tie2", "word", created_at=utc(2022, 1, 1)),
            rec("undated2", "word", created_at=None),
        ],
        account=ACCOUNT,
    )
    k = keys
    newest = [k["new"], k["tie2"], k["tie1"], k["old"], k["undated2"], k["undated1"]]
    oldest = [k["old"], k["tie1"], k["tie2"], k["new"], k["undated1"], k["undated2"]]
    for query in ("word", ""):
        assert engine.search_ids(query) == newest
        assert page_ids(engine, query) == newest
        assert engine.search_ids(query, sort="oldest") == oldest
        assert page_ids(engine, query, sort="oldest") == oldest


def test_relevance_prefers_more_matches_and_title(archive: Archive, engine: SearchEngine) -> None:
    keys = write(
        archive,
        [
            rec("once", "snow then a long sentence about other things entirely today"),
            rec("often", "snow snow snow"),
            rec("title", "nothing here", title="Snow"),
        ],
        account=ACCOUNT,
    )
    ranked = page_ids(engine, "snow", sort="relevance")
    assert ranked[-1] == keys["once"]
    assert set(ranked) == set(keys.values())
    scores = [r.score for r in engine.page("snow", sort="relevance").rows]
    assert all(s is not None for s in scores) and scores == sorted(scores)  # type: ignore[type-var]
    # without words relevance falls back to date order
    assert page_ids(engine, "kind:post", sort="relevance") == engine.search_ids("kind:post")


@pytest.fixture(scope="module")
def many_built(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SearchEngine, list[int]]]:
    archive = Archive.create(tmp_path_factory.mktemp("many") / "m.rdesk", operator="pytest")
    rng = random.Random(3)
    records = []
    for i in range(400):
        words = ["common"] + (["rare"] if i % 37 == 0 else []) + [rng.choice(["x", "y", "z"])]
        records.append(
            rec(
                f"k{i}",
                " ".join(words),
                platform=rng.choice(["x", "facebook"]),
                created_at=None
                if i % 50 == 0
                else utc(2020, 1, 1 + rng.randrange(28), rng.randrange(24)),
            )
        )
    keys = list(write(archive, records, account=ACCOUNT).values())
    engine = SearchEngine(archive)
    yield engine, keys
    engine.close()
    archive.close()


@pytest.fixture
def many(many_built: tuple[SearchEngine, list[int]]) -> list[int]:
    return many_built[1]


@pytest.fixture
def big(many_built: tuple[SearchEngine, list[int]]) -> SearchEngine:
    return many_built[0]


@pytest.mark.parametrize(
    "query",
    [
        "common",
        "rare",
        "common x",
        "common platform:x",
        "common -x",
        "rare OR z",
        "x OR y",
        '"common x"',
        "common is:deleted",
        "common on:2020-01-05..2020-01-20",
        "common before:2020-01-10 kind:post",
        "x after:2020-01-15 platform:facebook",
        "x platform:x kind:post -on:2020-01-07",
    ],
)
@pytest.mark.parametrize(
    "plan", ["walk", "materialize", "walk+materialize", "memory", "memory+materialize"]
)
@pytest.mark.parametrize("sort", ["date", "oldest"])
def test_both_plans_give_the_exact_order(
    many: list[int],
    big: SearchEngine,
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    plan: str,
    sort: str,
) -> None:
    expected = big.search_ids(query, sort=sort)
    # force each plan through the cost model's knobs
    big = SearchEngine(big.archive, date_cache=plan.startswith("memory"))
    monkeypatch.setattr(walk_mod, "COUNT_CAP", 10**9 if plan.startswith("memory") else 40_000)
    if plan == "memory+materialize":
        monkeypatch.setattr(engine_mod, "VERIFY_CAP", 1)
    if plan == "walk":
        monkeypatch.setattr(walk_mod, "PROBE_COST", 0.0)
        monkeypatch.setattr(walk_mod, "PHRASE_PROBE_COST", 0.0)
        monkeypatch.setattr(walk_mod, "MIN_WALK_BUDGET", 10**9)
    elif plan == "materialize":
        monkeypatch.setattr(walk_mod, "PROBE_COST", 10.0**9)
        monkeypatch.setattr(walk_mod, "PHRASE_PROBE_COST", 10.0**9)
    else:
        monkeypatch.setattr(walk_mod, "PROBE_COST", 0.0)
        monkeypatch.setattr(walk_mod, "PHRASE_PROBE_COST", 0.0)
        monkeypatch.setattr(walk_mod, "MIN_WALK_BUDGET", 1)
        monkeypatch.setattr(walk_mod, "BUDGET_FACTOR", 0.0)
    pages: list[int] = []
    offset = 0
    while True:
        page = big.page(query, sort=sort, limit=30, offset=offset)
        if expected and page.rows:
            # a walk whose first chunk fills the page never reaches its budget
            fallback = {"walk+materialize": "walk", "memory+materialize": "memory"}
            allowed = {plan, fallback.get(plan, plan)}
            assert page.strategy in allowed
        pages += [r.id for r in page.rows]
        offset += 30
        if not page.has_more:
            break
    big.close()
    assert pages == expected


def test_pages_are_stable_and_total_is_exact(many: list[int], big: SearchEngine) -> None:
    everything = big.search_ids("common")
    assert len(everything) == 400
    first = big.page("common", limit=50, offset=0, with_total=True)
    assert first.total == 400 and first.has_more
    again = big.page("common", limit=50, offset=0)
    assert [r.id for r in again.rows] == [r.id for r in first.rows]
    last = big.page("common", limit=50, offset=390)
    assert [r.id for r in last.rows] == everything[390:] and not last.has_more
    assert big.page("common", limit=50, offset=1000).rows == ()


def test_search_returns_page_total_and_facets(many: list[int], big: SearchEngine) -> None:
    result = big.search("rare", limit=3)
    assert result.total == len(big.search_ids("rare")) == 11
    assert result.facets is not None and result.facets.total == 11
    assert len(result.rows) == 3
    plain = big.search("rare", with_facets=False)
    assert plain.facets is None and plain.total == 11


def test_fetch_rows_keeps_order_and_skips_missing(many: list[int], big: SearchEngine) -> None:
    wanted = [many[5], 999_999, many[1], many[3]]
    assert [r.id for r in big.fetch_rows(wanted)] == [many[5], many[1], many[3]]


def test_engine_reconnects_after_close_and_sees_new_writes(archive: Archive) -> None:
    engine = SearchEngine(archive)
    write(archive, [rec("a", "first")], account=ACCOUNT)
    assert len(engine.search_ids("first")) == 1
    write(archive, [rec("b", "first again")], account=ACCOUNT, source="2.json")
    assert len(engine.search_ids("first")) == 2  # a new snapshot per call
    engine.close()
    assert len(engine.search_ids("first")) == 2
    engine.close()
    with SearchEngine(archive, keep_connection=False) as one_off:
        assert one_off.count("first") == 2


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2800, 12, 31)),
        ),
        max_size=30,
    )
)
def test_date_cache_keys_sort_like_the_stored_text(values: list[datetime | None]) -> None:
    stored = [timeutil.to_db(v.replace(tzinfo=UTC)) if v else None for v in values]
    by_text = sorted(stored, key=lambda s: (s is not None, s or ""))
    assert sorted(stored, key=sort_key) == by_text
    # the SQL the cache is filled with computes the same keys
    sql = "SELECT coalesce(" + SqliteBackend.date_key_sql("?1") + f", {UNDATED})"
    with sqlite3.connect(":memory:") as db:
        assert [db.execute(sql, (s,)).fetchone()[0] for s in stored] == [
            sort_key(s) for s in stored
        ]


def test_date_cache_skips_gaps_and_destroyed_records() -> None:
    cache = DateCache.from_columns([NO_RECORD, 7, NO_RECORD, 9, 7], [UNDATED, 5, UNDATED, 3, 6])
    assert [r for r in cache.candidates([0, 1, 2, 3, 4], newest=True) if r != NO_RECORD] == [7, 9]
    with pytest.raises(LookupError):
        list(cache.candidates([99], newest=True))
    assert list(cache.candidates([1, 3, 4], newest=False)) == [9, 7]


class _InterruptOnce(SqliteBackend):
    """A backend whose connection aborts its next statement once (a GUI's cancel)."""

    armed = False

    def prepare_read(self, conn: Connection) -> None:
        super().prepare_read(conn)
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_progress_handler(self._stop, 10)

    def _stop(self) -> int:
        if self.armed:
            self.armed = False
            return 1
        return 0


def test_interrupted_statement_drops_the_connection(archive: Archive) -> None:
    write(archive, [rec(f"k{i}", "word") for i in range(50)], account=ACCOUNT)
    backend = _InterruptOnce()
    with SearchEngine(archive, backend=backend) as engine:
        assert len(engine.search_ids("word")) == 50
        first = engine._conn
        backend.armed = True
        with pytest.raises((sqlite3.OperationalError, OperationalError)):
            engine.facets("word")
        assert engine._conn is None  # not reused after the interruption
        assert engine.count("word") == 50
        assert engine._conn is not None and engine._conn is not first


def test_absurd_dates_are_not_pruned(archive: Archive) -> None:
    # keys clamp years outside 1900-2800; the pruning must still keep such records
    keys = write(
        archive,
        [
            rec("old", "word", created_at=utc(1850, 6, 1)),
            rec("far", "word", created_at=utc(2950, 1, 1)),
            rec("now", "word", created_at=utc(2020, 1, 1)),
        ],
        account=ACCOUNT,
    )
    for cached in (True, False):
        with SearchEngine(archive, date_cache=cached) as engine:
            assert page_ids(engine, "word before:1900") == [keys["old"]]
            assert page_ids(engine, "word after:2900") == [keys["far"]]
            assert page_ids(engine, "word") == [keys["far"], keys["now"], keys["old"]]


def test_sparse_ids_fall_back_to_sql(archive: Archive) -> None:
    keys = write(archive, [rec("a", "word", created_at=utc(2020, 1, 1))], account=ACCOUNT)
    with archive.write() as conn:  # a hand-edited file: ids far beyond any real archive's
        conn.execute(text("PRAGMA defer_foreign_keys = ON"))
        params = {"i": keys["a"], "n": 5_000_000_000}
        conn.execute(text("UPDATE records SET id = :n, thread_id = :n WHERE id = :i"), params)
        conn.execute(text("UPDATE record_versions SET record_id = :n, id = 7000000000"), params)
        conn.execute(text("UPDATE record_sources SET record_id = :n"), params)
        conn.execute(text("INSERT INTO record_fts(record_fts) VALUES ('rebuild')"))
    with SearchEngine(archive) as engine:
        assert engine.search_ids("word") == [5_000_000_000]
        assert [r.id for r in engine.page("word").rows] == [5_000_000_000]
        assert engine.facets("word").total == 1
        assert engine._dates is None  # the arrays were given up, not sized by the jump


def test_reset_caches_picks_up_rewritten_dates(archive: Archive) -> None:
    keys = write(
        archive,
        [
            rec("a", "word", created_at=utc(2020, 1, 1)),
            rec("b", "word", created_at=utc(2021, 1, 1)),
        ],
        account=ACCOUNT,
    )
    with SearchEngine(archive) as engine:
        assert engine.search_ids("word") == [keys["b"], keys["a"]]
        with archive.write() as conn:  # a correction no current feature makes
            conn.execute(
                text("UPDATE records SET created_at = '2022-01-01T00:00:00.000000Z' WHERE id = :i"),
                {"i": keys["a"]},
            )
        engine.reset_caches()
        assert engine.search_ids("word") == [keys["a"], keys["b"]]
        assert [f.label for f in engine.facets("word").year] == ["2021", "2020"]

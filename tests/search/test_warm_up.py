"""Warm-up is invisible to searches: the caches load on a connection of their own while
searches run on the SQL plans with the same answers, and are installed only when complete;
a cancel or a reset during the load leaves nothing half-built behind."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from retention_desk.archive import Archive
from retention_desk.archive.errors import Cancelled
from retention_desk.search import SearchEngine
from tests.search.conftest import rec, utc, write


@pytest.fixture
def filled(archive: Archive) -> Archive:
    start = utc(2021, 1, 1)
    write(
        archive,
        [
            rec(
                f"r{i}",
                f"word{i % 7} rare{i} {'flood' if i % 50 == 0 else 'calm'}",
                created_at=start + timedelta(hours=i),
                platform="x" if i % 2 else "facebook",
            )
            for i in range(600)
        ],
    )
    return archive


def _blocked_load(engine: SearchEngine) -> tuple[threading.Event, threading.Event]:
    """Make the engine's cache load wait until released; (started, release)."""
    started, release = threading.Event(), threading.Event()
    load = engine._load

    def slow(*args: object) -> object:
        started.set()
        assert release.wait(10)
        return load(*args)  # type: ignore[arg-type]

    engine._load = slow  # type: ignore[method-assign]
    return started, release


def test_searches_do_not_wait_for_a_warm_up(filled: Archive) -> None:
    with SearchEngine(filled, keep_connection=False) as bare:
        expected = [r.id for r in bare.page("flood", limit=5).rows]
        expected_facets = bare.facets("flood")
    engine = SearchEngine(filled)
    started, release = _blocked_load(engine)
    outcome: list[bool] = []
    warm = threading.Thread(target=lambda: outcome.append(engine.warm_up()))
    warm.start()
    try:
        assert started.wait(10)
        # the load is stuck: a search that waited for it would never come back here
        page = engine.page("flood", limit=5)
        assert [r.id for r in page.rows] == expected
        assert page.strategy not in ("memory", "memory+materialize")
        assert engine.facets("flood") == expected_facets
        assert engine.facets("").total == 600
    finally:
        release.set()
        warm.join(10)
    assert outcome == [True]
    page = engine.page("flood", limit=5)
    assert [r.id for r in page.rows] == expected and page.strategy == "memory"
    assert engine.facets("flood") == expected_facets
    engine.close()


def test_a_cancelled_warm_up_installs_nothing_and_searches_still_agree(
    filled: Archive,
) -> None:
    engine = SearchEngine(filled)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        engine.warm_up(cancel)
    assert engine._dates is not None and len(engine._dates) == 0  # cold, loads on use
    with SearchEngine(filled, keep_connection=False) as bare:
        assert engine.search_ids("flood") == bare.search_ids("flood")
    engine.close()


def test_a_reset_during_the_load_makes_the_warm_up_stale(filled: Archive) -> None:
    engine = SearchEngine(filled)
    started, release = _blocked_load(engine)
    outcome: list[bool] = []
    warm = threading.Thread(target=lambda: outcome.append(engine.warm_up()))
    warm.start()
    assert started.wait(10)
    engine.reset_caches()
    release.set()
    warm.join(10)
    assert outcome == [False]
    assert engine._dates is not None and len(engine._dates) == 0
    engine.close()


def test_records_archived_after_the_warm_up_are_found(filled: Archive) -> None:
    engine = SearchEngine(filled)
    assert engine.warm_up() is True
    write(filled, [rec("late", "flood late", created_at=utc(2030, 1, 1))], source="late.json")
    assert engine.page("flood", limit=1).rows[0].id == max(engine.search_ids("flood late"))
    assert engine.warm_up() is True  # warm already: only catches up
    engine.close()


def test_caches_read_in_small_chunks_give_the_same_answers(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retention_desk.search import datecache

    with SearchEngine(filled, keep_connection=False) as bare:
        expected = [(bare.search_ids(q), bare.facets(q)) for q in ("flood", "calm platform:x")]
    monkeypatch.setattr(datecache, "REFRESH_CHUNK", 7)  # 600 records: many chunks, a short last
    with SearchEngine(filled) as engine:
        assert engine.warm_up()
        assert engine._dates is not None and len(engine._dates) == 600
        got = [(engine.search_ids(q), engine.facets(q)) for q in ("flood", "calm platform:x")]
    assert got == expected


def test_facets_of_everything_during_a_warm_up_come_from_the_saved_totals(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen's facets while the arrays load: from the cache file's header (caught
    up with records archived since) unless a record was destroyed since, then from the
    tables; the same counts either way."""
    from retention_desk.search import cachefile
    from retention_desk.search import facets as facets_mod

    with SearchEngine(filled) as first:
        assert first.warm_up()  # writes the cache file
    assert cachefile.cache_path(filled.path).exists()
    with SearchEngine(filled, keep_connection=False) as bare:
        expected = bare.facets("")
    computed: list[str] = []
    compute = facets_mod.compute

    def spy(*args: object, **kwargs: object) -> object:
        computed.append("sql")
        return compute(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(facets_mod, "compute", spy)
    engine = SearchEngine(filled)
    started, release = _blocked_load(engine)
    warm = threading.Thread(target=engine.warm_up)
    warm.start()
    try:
        assert started.wait(10)
        assert engine.facets("") == expected
        assert computed == []  # answered from the header, not by a pass over the tables
        # a record archived since the file was saved: the totals are caught up with it
        write(filled, [rec("late", "late", created_at=utc(2030, 1, 1))], source="late.json")
        late = engine.facets("")
        assert late.total == 601 and computed == []
        with SearchEngine(filled, keep_connection=False) as bare:
            assert late == bare.facets("")
        # a record destroyed since (another count of tombstones): the tables answer
        computed.clear()
        monkeypatch.setattr(cachefile, "tombstones", lambda _conn: 1)
        assert engine.facets("") == late and computed == ["sql"]
    finally:
        release.set()
        warm.join(10)
    engine.close()


def test_saved_totals_are_refused_for_a_torn_file_or_another_zone(filled: Archive) -> None:
    from zoneinfo import ZoneInfo

    from retention_desk.search import cachefile

    with SearchEngine(filled) as first:
        assert first.warm_up()
        tz = first.tz
    path = cachefile.cache_path(filled.path)
    with filled.read() as conn:
        saved = cachefile.saved_totals(filled.path, conn, tz)
        assert saved is not None and saved.totals_only
        with pytest.raises(ValueError):
            saved.count([1, 2])  # totals alone cannot count a result set
        other = ZoneInfo("America/New_York" if tz.key != "America/New_York" else "UTC")
        assert cachefile.saved_totals(filled.path, conn, other) is None
        whole = path.read_bytes()
        path.write_bytes(whole[:-1])  # torn: shorter than its header says
        assert cachefile.saved_totals(filled.path, conn, tz) is None
        path.write_bytes(whole + b"\0")
        assert cachefile.saved_totals(filled.path, conn, tz) is None

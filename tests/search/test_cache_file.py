"""The search caches' file beside the archive: written after a cold warm-up, loaded at the next
open instead of rebuilding, and never trusted when it could be wrong: damaged, another
archive's, written for a later state of this one (a restored backup), disagreeing with the
tables, or written before a destruction. Writing it is best effort (a full disk changes no
answer)."""

from __future__ import annotations

import errno
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from retention_desk.archive import Archive
from retention_desk.search import SearchEngine, cachefile
from retention_desk.search.datecache import DateCache
from tests.search.conftest import rec, utc, write

QUERIES = (
    "flood",
    "calm platform:x",
    "word3 -flood",
    "",
    "calm after:2021-03-01 platform:facebook",  # facets decided in memory from the caches
    "word2 on:2021-02",
)


@pytest.fixture
def filled(archive: Archive) -> Archive:
    start = utc(2021, 1, 1)
    write(
        archive,
        [
            rec(
                f"r{i}",
                f"word{i % 7} {'flood' if i % 25 == 0 else 'calm'}",
                created_at=start + timedelta(hours=7 * i),
                platform="x" if i % 2 else "facebook",
            )
            for i in range(400)
        ],
    )
    return archive


def answers(archive: Archive) -> list[object]:
    with SearchEngine(archive, keep_connection=False) as bare:
        return [(bare.search_ids(q), bare.facets(q)) for q in QUERIES]


def versions(archive: Archive) -> int:
    return archive.count("SELECT count(*) FROM record_versions")


def warmed_answers(archive: Archive) -> tuple[bool, list[object], int]:
    """(warm-up result, answers, versions read from the tables while loading)."""
    read = 0
    original = DateCache.refresh

    def counting(self: DateCache, *args: object) -> int:
        nonlocal read
        added = original(self, *args)  # type: ignore[arg-type]
        read += added
        return added

    DateCache.refresh = counting  # type: ignore[method-assign]
    try:
        with SearchEngine(archive) as engine:
            ok = engine.warm_up()
            got = [(engine.search_ids(q), engine.facets(q)) for q in QUERIES]
    finally:
        DateCache.refresh = original  # type: ignore[method-assign]
    return ok, got, read


def test_the_next_open_loads_the_file_instead_of_the_tables(filled: Archive) -> None:
    expected = answers(filled)
    path = cachefile.cache_path(filled.path)
    assert not path.exists()
    ok, got, read = warmed_answers(filled)
    assert ok and got == expected and read == versions(filled) and path.exists()
    ok, got, read = warmed_answers(filled)
    assert ok and got == expected and read == 0  # everything came from the file
    # records archived since are read from the tables, and found
    write(filled, [rec("late", "flood late", created_at=utc(2030, 1, 1))], source="late.json")
    ok, got, read = warmed_answers(filled)
    assert ok and read == 1 and got == answers(filled)


def test_a_file_far_behind_is_written_again(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Catching up more than SAVE_AFTER_ENTRIES rewrites the file even below SAVE_AFTER's
    share, so the next open (and its first facets, from the header) need not catch up."""
    ok, _got, _read = warmed_answers(filled)
    assert ok
    monkeypatch.setattr(cachefile, "SAVE_AFTER_ENTRIES", 10)
    write(
        filled,
        [rec(f"late{i}", "flood late", created_at=utc(2030, 1, 1)) for i in range(3)],
        source="late.json",
    )
    ok, _got, read = warmed_answers(filled)
    assert ok and read == 3
    ok, _got, read = warmed_answers(filled)
    assert ok and read == 3  # 6 entries caught up (3 versions, 3 records): not rewritten
    write(
        filled,
        [rec(f"later{i}", "flood later", created_at=utc(2030, 1, 2)) for i in range(3)],
        source="later.json",
    )
    ok, _got, read = warmed_answers(filled)
    assert ok and read == 6  # 12 entries: past 10, though far below 5% of 800
    ok, got, read = warmed_answers(filled)
    assert ok and read == 0 and got == answers(filled)


def test_a_damaged_file_is_ignored_and_rewritten(filled: Archive) -> None:
    warmed_answers(filled)
    path = cachefile.cache_path(filled.path)
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # a date key's byte: the checksum no longer holds
    path.write_bytes(bytes(data))
    ok, got, read = warmed_answers(filled)
    assert ok and read == versions(filled) and got == answers(filled)
    assert path.read_bytes() != bytes(data)
    path.write_bytes(b"not a cache at all")
    assert warmed_answers(filled)[2] == versions(filled)


def test_a_file_that_disagrees_with_the_tables_is_not_trusted(filled: Archive) -> None:
    """Well formed, right archive, right size, valid checksum, wrong content (a file written
    for another state): the sampled entries catch it."""
    warmed_answers(filled)
    from retention_desk.search.backend import SqliteBackend
    from retention_desk.search.facetcache import FacetCache

    with filled.read() as conn:
        dates, facets = cachefile.load(filled.path, SqliteBackend(), conn, _zone(filled))
        assert dates is not None and facets is not None
        destroyed = cachefile.tombstones(conn)
        uuid = cachefile.archive_uuid(conn)
        revision = cachefile.schema(conn)
    assert uuid is not None
    # written back unchanged it is trusted: only the changed entry makes the difference
    cachefile.save(filled.path, uuid, destroyed, dates, facets, revision)
    assert warmed_answers(filled)[2] == 0
    dates.keys[len(dates.keys) - 1] += 1  # the newest version dated a microsecond later
    cachefile.save(filled.path, uuid, destroyed, dates, facets, revision)
    assert warmed_answers(filled)[2] == versions(filled)
    # a file written under another schema revision is not trusted either
    warmed_answers(filled)
    with filled.read() as conn:
        dates, facets = cachefile.load(filled.path, SqliteBackend(), conn, _zone(filled))
    assert dates is not None
    cachefile.save(filled.path, uuid, destroyed, dates, facets, "0001")
    assert warmed_answers(filled)[2] == versions(filled)
    assert isinstance(facets, FacetCache)


def _zone(archive: Archive):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(archive.settings().time_zone)


def test_another_archive_or_an_older_copy_never_uses_the_file(
    filled: Archive, tmp_path: Path
) -> None:
    older = tmp_path / "older.rdesk"
    filled.checkpoint()
    shutil.copyfile(filled.path, older)  # a backup from before the next import
    write(filled, [rec(f"n{i}", "flood newer") for i in range(30)], source="newer.json")
    warmed_answers(filled)
    # the older copy, restored beside the newer archive's cache file
    shutil.copyfile(cachefile.cache_path(filled.path), cachefile.cache_path(older))
    with Archive.open(older) as restored:
        ok, got, read = warmed_answers(restored)
        assert ok and read == versions(restored) and got == answers(restored)
    # a different archive at a path whose cache file is left over
    other = tmp_path / "other.rdesk"
    with Archive.create(other, operator="pytest") as fresh:
        write(fresh, [rec("o", "flood other")])
        shutil.copyfile(cachefile.cache_path(filled.path), cachefile.cache_path(other))
        ok, got, read = warmed_answers(fresh)
        assert ok and read == 1 and got == answers(fresh)


def test_a_full_disk_leaves_searches_working(
    filled: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cachefile.tempfile, "mkstemp", full)
    ok, got, _read = warmed_answers(filled)
    assert ok and got == answers(filled)
    assert not cachefile.cache_path(filled.path).exists()
    assert not [p for p in filled.path.parent.iterdir() if p.name.endswith(".tmp")]

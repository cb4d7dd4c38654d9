"""Destruction and the search caches' file beside the archive (record ids, dates and facet
groups): destruction deletes it, and a copy written before the destruction and put back is
never trusted, so no date of a destroyed record is served from it."""

from __future__ import annotations

import shutil
from pathlib import Path

from retention_desk.archive.store import Archive
from retention_desk.disposal.destroy import destroy
from retention_desk.search import SearchEngine, cachefile
from tests.disposal.destroy_helpers import NEW, OLD, add, approved_report, prepare, tombstoned


def test_destruction_removes_the_cache_file_and_an_old_copy_is_not_trusted(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    prepare(tmp_archive, tmp_path)
    ids = add(
        tmp_archive,
        [("old1", "flood notes", OLD), ("old2", "flood again", OLD), ("new1", "flood now", NEW)],
    )
    with SearchEngine(tmp_archive) as engine:
        assert engine.warm_up()
    path = cachefile.cache_path(tmp_archive.path)
    assert path.exists()
    before = tmp_path / "copy.search-cache"
    shutil.copyfile(path, before)

    number = approved_report(tmp_archive)
    destroy(tmp_archive, number, batch_size=1)
    assert tombstoned(tmp_archive) == {ids["old1"], ids["old2"]}
    assert not path.exists()

    shutil.copyfile(before, path)  # the pre-destruction file, put back
    with tmp_archive.read() as conn:
        from zoneinfo import ZoneInfo

        from retention_desk.search.backend import SqliteBackend

        zone = ZoneInfo(tmp_archive.settings().time_zone)
        assert cachefile.load(tmp_archive.path, SqliteBackend(), conn, zone) == (None, None)
    with SearchEngine(tmp_archive) as engine:
        assert engine.warm_up()
        assert engine.search_ids("flood") == [ids["new1"]]
        assert engine.facets("").total == 1
    # the file written now knows only what is left
    with tmp_archive.read() as conn:
        dates, _facets = cachefile.load(tmp_archive.path, SqliteBackend(), conn, zone)
    assert dates is not None and ids["old1"] not in set(dates.records)

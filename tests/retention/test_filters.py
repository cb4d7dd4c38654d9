"""series:, eligible:, unclassified: and hold: through the search engine (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.search.engine import SearchEngine
from retention_desk.search.errors import QueryError
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule


def ids_for(archive: Archive, query: str) -> set[int]:
    with SearchEngine(archive) as engine:
        return set(engine.search_ids(query))


def test_filters_on_an_archive_without_retention_rows(tmp_archive: Archive) -> None:
    ids = add_records(tmp_archive, STANDARD)
    assert ids_for(tmp_archive, "unclassified:yes") == set(ids.values())
    assert ids_for(tmp_archive, "unclassified:no") == set()
    assert ids_for(tmp_archive, "eligible:now") == set()
    assert ids_for(tmp_archive, "series:PRR") == set()


def test_retention_filters(tmp_archive: Archive, tmp_path: Path) -> None:
    archive = tmp_archive
    rt.import_schedule(archive, write_schedule(tmp_path, schedule_text()))
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-FY")
    rt.add_rule(archive, "alpha", "T-CAL")
    assert ids_for(archive, "series:T-FY") == {ids["leap"], ids["nodate"]}
    assert ids_for(archive, "series:t-cal") == {ids["june30"]}
    assert ids_for(archive, "unclassified:yes") == {ids["nye"]}
    # leap: eligible 2025-07-01; june30: 2026-01-01; nodate: never
    assert ids_for(archive, "eligible:2025-06-30") == set()
    assert ids_for(archive, "eligible:2025-07-01") == {ids["leap"]}
    assert ids_for(archive, "eligible:2026-01-01") == {ids["leap"], ids["june30"]}
    rt.place_hold(archive, "Smith v City", "litigation", record_ids=[ids["leap"]])
    assert ids_for(archive, "eligible:2026-01-01") == {ids["june30"]}
    assert ids_for(archive, 'hold:"Smith v City"') == {ids["leap"]}
    assert ids_for(archive, "-unclassified:yes budget") == {
        ids["leap"],
        ids["june30"],
        ids["nodate"],
    }
    rt.release_hold(archive, "Smith v City", "dismissed")
    assert ids_for(archive, "eligible:2026-01-01") == {ids["leap"], ids["june30"]}
    with pytest.raises(QueryError, match="no hold in force"):
        ids_for(archive, 'hold:"Smith v City"')


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("series:NOPE", "series: must be one of .*PRR"),
        ("eligible:soon", "eligible: takes a date"),
        ("unclassified:maybe", "yes or no"),
        ("hold:nobody", "no hold in force"),
    ],
)
def test_bad_filter_values_are_refused(tmp_archive: Archive, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        ids_for(tmp_archive, query)

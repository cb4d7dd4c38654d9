"""The business-day calendar: the NMSA 12-5-2 holidays as the holidays package dates them
(checked against literal dates), 12-5-3's Sunday-to-Monday rule and no Saturday-to-Friday,
business-day arithmetic (with Hypothesis), and the agency's audited changes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_desk.archive import Archive
from retention_desk.ipra.calendar import (
    BusinessCalendar,
    add_closure,
    calendar_year,
    confirm_year,
    load_calendar,
    remove_day,
    statutory_holidays,
    suggested_closures,
)
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.rules import load_rules


def _days(holidays: list) -> list[tuple[str, str]]:
    return [(h.day.isoformat(), h.name) for h in holidays]


def test_statutory_holidays_2026() -> None:
    assert _days(statutory_holidays(2026)) == [
        ("2026-01-01", "New Year's Day"),
        ("2026-01-19", "Martin Luther King Jr. Day"),
        ("2026-02-16", "Presidents' Day"),  # third Monday in February, not the Friday in Nov.
        ("2026-05-25", "Memorial Day"),
        ("2026-07-04", "Independence Day"),  # a Saturday: stays, no Friday observance
        ("2026-09-07", "Labor Day"),
        ("2026-10-12", "Indigenous Peoples' Day"),
        ("2026-11-11", "Veterans Day"),
        ("2026-11-26", "Thanksgiving Day"),
        ("2026-12-25", "Christmas Day"),  # a Friday
    ]
    assert date(2026, 7, 4).weekday() == 5 and date(2026, 12, 25).weekday() == 4
    for h in statutory_holidays(2026):
        assert (h.kind, h.applied, h.verified) == ("statutory", True, False)
        assert h.citation == "NMSA 1978, § 12-5-2"
        assert "holidays package" in h.source


def test_statutory_holidays_2027_sunday_moves_to_monday() -> None:
    days = statutory_holidays(2027)
    assert [h.day.isoformat() for h in days] == [
        "2027-01-01",
        "2027-01-18",
        "2027-02-15",
        "2027-05-31",
        "2027-07-05",  # July 4 2027 is a Sunday: observed Monday (12-5-3)
        "2027-09-06",
        "2027-10-11",
        "2027-11-11",
        "2027-11-25",
        "2027-12-25",  # a Saturday: stays on the Saturday
    ]
    july = days[4]
    assert date(2027, 7, 4).weekday() == 6
    assert july.name == "Independence Day (observed; 2027-07-04 is a Sunday)"
    assert july.citation == "NMSA 1978, § 12-5-2; NMSA 1978, § 12-5-3"
    assert not july.verified


def test_no_juneteenth_no_day_after_thanksgiving_no_friday_observance() -> None:
    for year in (2026, 2027):
        days = {h.day for h in statutory_holidays(year)}
        assert date(year, 6, 19) not in days
    assert date(2026, 11, 27) not in {h.day for h in statutory_holidays(2026)}
    assert date(2026, 7, 3) not in {h.day for h in statutory_holidays(2026)}
    assert date(2027, 12, 24) not in {h.day for h in statutory_holidays(2027)}


@pytest.mark.parametrize("year", range(2020, 2041))
def test_package_gives_all_ten_every_year(year: int) -> None:
    # statutory_holidays raises if the package lacks one or dates it against the rule
    days = statutory_holidays(year)
    assert len(days) == 10
    assert all(d.day.year == year for d in days)


def test_package_date_against_the_rule_fails_loudly() -> None:
    rules = load_rules()
    wrong = tuple(
        replace(h, rule="nth-weekday 11 3 3") if h.name == "Thanksgiving Day" else h
        for h in rules.holidays
    )
    with pytest.raises(IpraError, match="Thanksgiving"):
        statutory_holidays(2026, replace(rules, holidays=wrong))
    missing = tuple(
        replace(h, package="No Such Day") if h.name == "Labor Day" else h for h in rules.holidays
    )
    with pytest.raises(IpraError, match="No Such Day"):
        statutory_holidays(2026, replace(rules, holidays=missing))


def test_suggestions_are_not_applied() -> None:
    got = suggested_closures(2026)
    assert [h.day.isoformat() for h in got] == ["2026-06-19", "2026-07-03", "2026-11-27"]
    assert all((h.kind, h.applied, h.verified) == ("suggested", False, False) for h in got)
    # 2027: Juneteenth and Christmas-eve-Friday; a Saturday Juneteenth is not suggested
    assert [h.day.isoformat() for h in suggested_closures(2027)] == ["2027-11-26", "2027-12-24"]


# --------------------------------------------------------------- business days

THANKSGIVING = BusinessCalendar(frozenset({date(2026, 11, 26)}))


def test_add_business_days_skips_weekends_and_closed_days() -> None:
    wed = date(2026, 11, 25)
    assert THANKSGIVING.add_business_days(wed, 0) == wed
    # Thu 26 closed; Fri 27 = 1; Sat, Sun skipped; Mon 30 = 2; Tue Dec 1 = 3
    assert THANKSGIVING.add_business_days(wed, 1) == date(2026, 11, 27)
    assert THANKSGIVING.add_business_days(wed, 3) == date(2026, 12, 1)
    assert THANKSGIVING.business_days_between(wed, date(2026, 12, 1)) == 3
    assert THANKSGIVING.business_days_between(date(2026, 12, 1), wed) == -3
    assert THANKSGIVING.business_days_between(wed, wed) == 0
    assert THANKSGIVING.closed_on(date(2026, 11, 26))
    assert not THANKSGIVING.is_business_day(date(2026, 11, 28))
    with pytest.raises(ValueError):
        THANKSGIVING.add_business_days(wed, -1)


_START = date(2026, 1, 1)
closed_sets = st.frozensets(
    st.integers(min_value=0, max_value=400).map(lambda n: _START + timedelta(days=n)),
    max_size=60,
)


@given(
    closed=closed_sets,
    offset=st.integers(min_value=0, max_value=365),
    n=st.integers(min_value=0, max_value=40),
)
def test_add_business_days_lands_on_a_business_day_and_is_monotonic(
    closed: frozenset[date], offset: int, n: int
) -> None:
    cal = BusinessCalendar(closed)
    start = _START + timedelta(days=offset)
    due = cal.add_business_days(start, n)
    if n:
        assert cal.is_business_day(due)
        assert due.weekday() < 5 and due not in closed
    assert cal.add_business_days(start, n + 1) > due
    assert cal.add_business_days(start + timedelta(days=1), n) >= due
    assert cal.business_days_between(start, due) == n


# --------------------------------------------------------------- persistence


def _audit(archive: Archive) -> list[tuple[str, list[object], dict[str, object]]]:
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, object_ids, details FROM audit_log WHERE action LIKE 'ipra.%'"
            " ORDER BY id"
        ).all()
    return [(a, json.loads(ids or "[]"), json.loads(d or "{}")) for a, ids, d in rows]


def _closed(archive: Archive, *years: int) -> frozenset[date]:
    with archive.read() as conn:
        return load_calendar(conn, years).closed


def test_fresh_archive_has_the_statutory_days_unconfirmed(tmp_archive: Archive) -> None:
    year = calendar_year(tmp_archive, 2026)
    assert not year.confirmed and year.confirmed_at is None
    statutory = [e for e in year.entries if e.kind == "statutory"]
    assert len(statutory) == 10
    assert [e.day for e in year.entries] == sorted(e.day for e in year.entries)
    assert {e.kind for e in year.entries} == {"statutory", "suggested"}
    closed = _closed(tmp_archive, 2026)
    assert closed >= {e.day for e in statutory}
    # the year after is loaded too: a late-December deadline runs into it
    assert date(2027, 1, 1) in closed


def test_agency_closure_applies_hides_its_suggestion_and_is_audited(
    tmp_archive: Archive,
) -> None:
    added = add_closure(tmp_archive, date(2026, 11, 27), "  Day after\nThanksgiving ")
    assert (added.kind, added.applied, added.name) == ("agency", True, "Day after Thanksgiving")
    assert "agency closure" in added.source and "pytest" in added.source
    assert date(2026, 11, 27) in _closed(tmp_archive, 2026)
    entries = calendar_year(tmp_archive, 2026).entries
    on_day = [e for e in entries if e.day == date(2026, 11, 27)]
    assert [e.kind for e in on_day] == ["agency"]
    action, ids, details = _audit(tmp_archive)[-1]
    assert action == "ipra.calendar_add"
    assert ids == [2026]
    assert details.get("date") == "2026-11-27"
    assert "Thanksgiving" not in json.dumps(details)


@pytest.mark.parametrize(
    ("day", "match"),
    [
        (date(2026, 11, 28), "Saturday, never a business day"),
        (date(2026, 11, 26), "already closed"),
    ],
)
def test_closure_refused(tmp_archive: Archive, day: date, match: str) -> None:
    with pytest.raises(IpraError, match=match):
        add_closure(tmp_archive, day, "Closure")
    assert _audit(tmp_archive) == []


def test_closure_needs_a_name(tmp_archive: Archive) -> None:
    with pytest.raises(IpraError, match="needs a name"):
        add_closure(tmp_archive, date(2026, 11, 27), " \n ")


def test_remove_statutory_day_is_not_observed_and_can_be_restored(
    tmp_archive: Archive,
) -> None:
    day = date(2026, 10, 12)
    removed = remove_day(tmp_archive, day)
    assert (removed.kind, removed.applied) == ("not_observed", False)
    assert day not in _closed(tmp_archive, 2026)
    with pytest.raises(IpraError, match="already not observed"):
        remove_day(tmp_archive, day)
    restored = add_closure(tmp_archive, day, "ignored: the statutory name is kept")
    assert (restored.kind, restored.name) == ("statutory", "Indigenous Peoples' Day")
    assert day in _closed(tmp_archive, 2026)
    assert [(a, d) for a, _ids, d in _audit(tmp_archive)] == [
        ("ipra.calendar_remove", {"date": "2026-10-12", "kind": "statutory"}),
        ("ipra.calendar_add", {"date": "2026-10-12", "restored": True}),
    ]


def test_remove_agency_closure_and_unknown_day(tmp_archive: Archive) -> None:
    add_closure(tmp_archive, date(2026, 6, 19), "Juneteenth")
    removed = remove_day(tmp_archive, date(2026, 6, 19))
    assert (removed.kind, removed.applied) == ("agency", False)
    assert date(2026, 6, 19) not in _closed(tmp_archive, 2026)
    with pytest.raises(IpraError, match="not a closed day"):
        remove_day(tmp_archive, date(2026, 6, 19))
    # a Saturday holiday: not observing it would change nothing
    with pytest.raises(IpraError, match="Saturday"):
        remove_day(tmp_archive, date(2026, 7, 4))


def test_confirmation_lapses_when_the_year_changes(tmp_archive: Archive) -> None:
    confirmed = confirm_year(tmp_archive, 2026)
    assert confirmed.confirmed and confirmed.confirmed_by == "pytest"
    assert confirmed.confirmed_at is not None
    assert calendar_year(tmp_archive, 2026).confirmed
    assert not calendar_year(tmp_archive, 2027).confirmed
    add_closure(tmp_archive, date(2026, 11, 27), "Day after Thanksgiving")
    assert not calendar_year(tmp_archive, 2026).confirmed
    assert confirm_year(tmp_archive, 2026).confirmed
    remove_day(tmp_archive, date(2026, 11, 27))
    assert not calendar_year(tmp_archive, 2026).confirmed
    action, ids, details = _audit(tmp_archive)[0]
    assert (action, ids, details) == ("ipra.calendar_confirm", [2026], {"year": 2026, "days": 10})


@given(
    closed=st.frozensets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=30),
    a=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    b=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
)
def test_business_days_between_counts_what_a_walk_counts(
    closed: frozenset[date], a: date, b: date
) -> None:
    calendar = BusinessCalendar(closed)
    lo, hi = min(a, b), max(a, b)
    walked = sum(
        calendar.is_business_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
    )
    assert calendar.business_days_between(a, b) == (walked if b >= a else -walked)

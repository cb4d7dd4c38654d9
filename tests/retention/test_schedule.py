"""Schedules as data: the shipped files, the format's validation, and retention dates on
hand-computed examples (issue 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from retention_desk.retention.dates import eligible_on, fiscal_year_end_after, trigger_date
from retention_desk.retention.schedule import (
    Period,
    ScheduleError,
    builtin_schedules,
    load_schedule,
    merge,
    parse_schedule,
)

DENVER = ZoneInfo("America/Denver")

GOOD = """
[[series]]
code = "PRR"
title = "Public records requests"
citation = "1.21.2.519 NMAC"
retention = "P4Y"
trigger = "event:fulfilled_or_denied"
disposition = "destroy"
applies_to = ["state"]
verified = true
source = "https://example.org"
"""


def test_shipped_schedules_load_and_cite_every_series() -> None:
    series = merge(builtin_schedules())
    assert {"PRR", "COMPLAINT", "NONRECORD", "SM-POST", "SM-PUBLIC"} <= set(series)
    prr = series["PRR"]
    assert prr.citation == "1.21.2.519 NMAC" and prr.verified and prr.period.years == 4
    assert prr.event == "fulfilled_or_denied" and prr.binds("state") and not prr.binds("county")
    assert "county" in prr.guidance_for
    # nothing the research marks inferred or unverified is shipped as verified
    assert not series["COMPLAINT"].verified and series["COMPLAINT"].verified_note
    assert not series["SM-POST"].verified and not series["SM-PUBLIC"].verified
    assert all(s.citation for s in series.values())
    assert series["NONRECORD"].approval_required is False


def test_retention_in_words() -> None:
    series = merge(builtin_schedules())
    assert series["PRR"].retention_words() == "destroy 4 years after fulfilled or denied"
    assert (
        series["SM-POST"].retention_words()
        == "destroy 5 years after the end of the calendar year it was created in"
    )
    assert Period.parse("permanent").words() == "permanent"
    assert Period.parse("P1Y6M").words() == "1 year and 6 months"
    assert Period.parse("P2W").days == 14


@pytest.mark.parametrize(
    "change, line, reason",
    [
        (("P4Y", "P-4Y"), 6, "negative period"),
        (("P4Y", "four years"), 6, "neither 'permanent' nor an ISO 8601 duration"),
        (("event:fulfilled_or_denied", "when done"), 7, "unknown trigger 'when done'"),
        (('"destroy"', '"shred"'), 8, "must be destroy or transfer"),
        (('["state"]', '["city"]'), 9, "applies_to must list agency kinds"),
        (("verified = true", 'verified = "yes"'), 10, "verified must be true or false"),
        (("source =", "sorce ="), 11, "unknown key 'sorce'"),
        (('code = "PRR"', 'code = "prr"'), 3, "code 'prr' must be"),
    ],
)
def test_bad_series_is_refused_naming_file_line_and_reason(
    change: tuple[str, str], line: int, reason: str
) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(ScheduleError) as err:
        parse_schedule(text, "agency.toml")
    assert str(err.value).startswith(f"agency.toml, line {line}: ")
    assert reason in str(err.value)


def test_duplicate_code_names_both_lines() -> None:
    with pytest.raises(
        ScheduleError, match=r"agency.toml, line 14: .*defined twice \(first on line 3\)"
    ):
        parse_schedule(GOOD + GOOD, "agency.toml")


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[series]]\ncode = "X\n', "utf-8")
    with pytest.raises(ScheduleError, match=r"bad.toml: not valid TOML: .*line 2"):
        load_schedule(path)


def test_agency_file_overrides_a_shipped_series() -> None:
    own = parse_schedule(GOOD.replace("P4Y", "P6Y"), "agency.toml")
    series = merge([*builtin_schedules(), own])
    assert series["PRR"].period.years == 6 and series["PRR"].origin.startswith("agency.toml")


# ------------------------------------------------------------------ dates, by hand
def _series(trigger: str, retention: str) -> object:
    text = GOOD.replace("event:fulfilled_or_denied", trigger).replace("P4Y", retention)
    return parse_schedule(text, "t.toml").series[0]


def test_calendar_year_end_counts_in_the_agency_zone() -> None:
    series = _series("calendar_year_end", "P5Y")
    # 2021-01-01 05:30 UTC is 2020-12-31 22:30 in Albuquerque: a 2020 record
    created = datetime(2021, 1, 1, 5, 30, tzinfo=UTC)
    trigger = trigger_date(series, created, DENVER)
    assert trigger == date(2020, 12, 31)
    assert eligible_on(series.period, trigger) == date(2026, 1, 1)


@pytest.mark.parametrize(
    "created, fy_end",
    [
        (date(2024, 3, 1), date(2024, 6, 30)),
        (date(2024, 6, 30), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2025, 6, 30)),
        (date(2023, 12, 31), date(2024, 6, 30)),
    ],
)
def test_new_mexico_fiscal_year_ends_june_30(created: date, fy_end: date) -> None:
    assert fiscal_year_end_after(created, (6, 30)) == fy_end


def test_fiscal_year_trigger_and_period() -> None:
    series = _series("fiscal_year_end", "P3Y")
    created = datetime(2024, 7, 1, 12, tzinfo=UTC)  # first day of FY2025
    trigger = trigger_date(series, created, DENVER)
    assert trigger == date(2025, 6, 30)
    assert eligible_on(series.period, trigger) == date(2028, 7, 1)


def test_leap_day_periods_never_end_early() -> None:
    series = _series("created", "P1Y")
    trigger = trigger_date(series, datetime(2024, 2, 29, 18, tzinfo=UTC), DENVER)
    assert trigger == date(2024, 2, 29)
    # 2025 has no February 29: the year has run at the end of February 28
    assert eligible_on(series.period, trigger) == date(2025, 3, 1)
    assert eligible_on(Period.parse("P4Y"), date(2024, 2, 29)) == date(2028, 3, 1)
    assert eligible_on(Period.parse("P1M"), date(2024, 1, 31)) == date(2024, 3, 1)


def test_event_triggers_wait_for_their_date_and_permanent_is_never() -> None:
    series = _series("event:file_closed", "P1Y")
    assert trigger_date(series, datetime(2020, 1, 1, tzinfo=UTC), DENVER) is None
    assert eligible_on(series.period, None) is None
    closed = trigger_date(series, None, DENVER, event_date=date(2024, 5, 1))
    assert eligible_on(series.period, closed) == date(2025, 5, 2)
    assert eligible_on(Period.parse("permanent"), date(2000, 1, 1)) is None

"""Calendar periods in the agency's time zone, as UTC bounds the archive can compare.

A person who types `on:2021-11-07` means that day on the agency's wall clock (America/Denver
by default), not a UTC day. Each period is converted to a half-open UTC interval
[start, end) through zoneinfo, so days on which daylight saving time starts or ends are 23
or 25 hours long, as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from retention_desk.archive import timeutil
from retention_desk.search.errors import QueryError

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True)
class Period:
    """A local calendar day, month or year, and its UTC bounds [start, end)."""

    label: str
    start: datetime
    end: datetime

    @property
    def start_db(self) -> str:
        return timeutil.to_db(self.start) or ""

    @property
    def end_db(self) -> str:
        return timeutil.to_db(self.end) or ""


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins on the wall clock of `tz`."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def parse_period(value: str, tz: ZoneInfo, *, filter_name: str) -> Period:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a period in `tz`; QueryError when not a date."""
    match = _PERIOD_RE.match(value.strip())
    if not match:
        raise QueryError(
            f"{filter_name}: expects a date as YYYY-MM-DD, YYYY-MM or YYYY, not '{value}'."
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise QueryError(f"{filter_name}: year {year} is outside {MIN_YEAR}-{MAX_YEAR}.")
    try:
        if month is None:
            first, after = date(year, 1, 1), date(year + 1, 1, 1)
        elif day is None:
            first = date(year, month, 1)
            after = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        else:
            first = date(year, month, day)
            after = date.fromordinal(first.toordinal() + 1)
    except ValueError:
        raise QueryError(f"{filter_name}: '{value}' is not a calendar date.") from None
    return Period(value.strip(), local_midnight(first, tz), local_midnight(after, tz))


def parse_range(value: str, tz: ZoneInfo, *, filter_name: str) -> Period:
    """A period, or `A..B` meaning from the start of period A to the end of period B."""
    if ".." not in value:
        return parse_period(value, tz, filter_name=filter_name)
    left, _, right = value.partition("..")
    start = parse_period(left, tz, filter_name=filter_name)
    end = parse_period(right, tz, filter_name=filter_name)
    if end.end <= start.start:
        raise QueryError(f"{filter_name}: the range '{value}' ends before it starts.")
    return Period(value, start.start, end.end)


def year_starts(first_year: int, last_year: int, tz: ZoneInfo) -> list[tuple[int, str]]:
    """(year, UTC start of that local year as stored text) for each year, oldest first."""
    return [
        (y, timeutil.to_db(local_midnight(date(y, 1, 1), tz)) or "")
        for y in range(first_year, last_year + 1)
    ]

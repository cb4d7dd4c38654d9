"""How the GUI writes times, sizes and counts. Times are stored in UTC and shown in the
archive's time zone (its settings) with the zone's abbreviation, UTC in tooltips; the
wording is the CLI's too (retention_desk/timefmt.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retention_desk import timefmt
from retention_desk.archive import timeutil
from retention_desk.archive.settings import zone_or_default


def zone(name: str | None) -> ZoneInfo:
    """The named zone; the default zone for an empty or unknown name (never raises)."""
    return zone_or_default(name)[0]


def local_time(value: str | datetime | None, tz: ZoneInfo, *, seconds: bool = False) -> str:
    """'2025-02-14 09:30 MST' in `tz`; an empty string for no time; unparsable text as is."""
    return timefmt.local_time(value, tz, seconds=seconds)


def utc_time(value: str | datetime | None) -> str:
    return timefmt.utc_time(value)


def day_bounds_utc(first: date, last: date, tz: ZoneInfo) -> tuple[str, str]:
    """[start, end) in stored UTC text covering whole local days `first`..`last` in `tz`.

    Local midnights are converted one by one, so a range across a DST change is still exact.
    """
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return timeutil.to_db(start) or "", timeutil.to_db(end) or ""


def count(n: int) -> str:
    return f"{n:,}"


def size(n: int) -> str:
    if n < 1024:
        return f"{n:,} bytes"
    units = ("KB", "MB", "GB", "TB")
    value, unit = n / 1024, 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:,.1f} {units[unit]}"

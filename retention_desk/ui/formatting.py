"""How the GUI writes times, sizes and counts. Times are stored in UTC and shown in the
archive's time zone (its settings), with UTC available in tooltips for the record."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from retention_desk.archive import timeutil
from retention_desk.archive.settings import zone_or_default


def zone(name: str | None) -> ZoneInfo:
    """The named zone; the default zone for an empty or unknown name (never raises)."""
    return zone_or_default(name)[0]


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return timeutil.from_db(value)
    except ValueError:
        return None


def local_time(value: str | datetime | None, tz: ZoneInfo, *, seconds: bool = False) -> str:
    """'2025-02-14 09:30 MST' in `tz`; an empty string for no time; unparsable text as is."""
    moment = _parse(value)
    if moment is None:
        return "" if not value else str(value)
    fmt = "%Y-%m-%d %H:%M:%S %Z" if seconds else "%Y-%m-%d %H:%M %Z"
    return moment.astimezone(tz).strftime(fmt)


def utc_time(value: str | datetime | None) -> str:
    moment = _parse(value)
    if moment is None:
        return "" if not value else str(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


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

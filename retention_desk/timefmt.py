"""How times are written for people, the same way in the CLI and the GUI.

Times are stored in UTC (archive/timeutil.py). They are shown in the agency's time zone (its
settings) with the zone's abbreviation, so "14:05 MST" and "14:05 MDT" cannot be confused;
`utc=True` (the CLI's --utc, the GUI's tooltips) shows UTC instead, marked "UTC".
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from retention_desk.archive import timeutil

MINUTES = "%Y-%m-%d %H:%M %Z"
SECONDS = "%Y-%m-%d %H:%M:%S %Z"
NO_TIME = "(no date)"
_UTC_ZONE = ZoneInfo("UTC")


def parse(value: str | datetime | None) -> datetime | None:
    """A stored UTC text or an aware datetime as an aware datetime; None when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        return timeutil.from_db(value)
    except ValueError:
        pass
    try:
        # ISO text with an offset (older JSON settings, --json output read back)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def show_time(
    value: str | datetime | None,
    tz: ZoneInfo,
    *,
    utc: bool = False,
    seconds: bool = False,
    empty: str = "",
) -> str:
    """'2025-02-14 09:30 MST' in `tz` (or '2025-02-14 16:30 UTC'); `empty` for no time.

    A text that is not a time is returned as it is, so nothing an import wrote is hidden.
    """
    moment = parse(value)
    if moment is None:
        return empty if not value else str(value)
    return moment.astimezone(UTC if utc else tz).strftime(SECONDS if seconds else MINUTES)


def local_time(value: str | datetime | None, tz: ZoneInfo, *, seconds: bool = False) -> str:
    return show_time(value, tz, seconds=seconds)


def utc_time(value: str | datetime | None, *, seconds: bool = True) -> str:
    return show_time(value, _UTC_ZONE, utc=True, seconds=seconds)

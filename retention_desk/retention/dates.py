"""When a record's retention starts and when it has run.

Dates are calendar dates in the agency's time zone: a post made at 23:30 on December 31 in
Albuquerque belongs to that year even though it is January 1 in UTC. The retention period runs
from the trigger date (the date the record was created, the last day of its calendar or fiscal
year, or the date of an event such as "request fulfilled or denied"), and a record is eligible
on the first day after the whole period has run: never a day early, whatever the month lengths
(a period ending on February 29 in a year without one ends on February 28).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from retention_desk.retention.schedule import Period, Series

# New Mexico's fiscal year ends June 30 (an archive setting can change it).
DEFAULT_FISCAL_YEAR_END = (6, 30)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def fiscal_year_end_after(day: date, fiscal_year_end: tuple[int, int]) -> date:
    """The last day of the fiscal year `day` falls in."""
    month, dom = fiscal_year_end
    this_year = _clamped(day.year, month, dom)
    return this_year if day <= this_year else _clamped(day.year + 1, month, dom)


def _clamped(year: int, month: int, dom: int) -> date:
    # A fiscal year "ending February 29" ends on the 28th in other years.
    return date(year, month, 1) + relativedelta(day=dom)


def trigger_date(
    series: Series,
    created_at: datetime | None,
    zone: ZoneInfo,
    *,
    fiscal_year_end: tuple[int, int] = DEFAULT_FISCAL_YEAR_END,
    event_date: date | None = None,
) -> date | None:
    """The date the series' retention starts for a record, or None when it is not known yet
    (an event that has not been dated, or a record without a creation date)."""
    if series.event is not None:
        return event_date
    if created_at is None:
        return None
    created = local_date(created_at, zone)
    if series.trigger == "created":
        return created
    if series.trigger == "calendar_year_end":
        return date(created.year, 12, 31)
    if series.trigger == "fiscal_year_end":
        return fiscal_year_end_after(created, fiscal_year_end)
    raise ValueError(f"unknown trigger {series.trigger!r}")


def eligible_on(period: Period, trigger: date | None) -> date | None:
    """The first day the record may be disposed of; None when never (permanent) or not yet
    known (no trigger date)."""
    if period.permanent or trigger is None:
        return None
    return (
        trigger + relativedelta(years=period.years, months=period.months, days=period.days)
    ) + timedelta(days=1)

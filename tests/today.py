"""The agency's today, which is what the code under test compares dates with.

The machine's date (`date.today()`) on a UTC machine is already tomorrow in New Mexico
between midnight UTC and midnight Mountain time: a disposal report "as of today" was refused
as a date in the future, and those tests failed every evening there.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from retention_desk.archive.settings import DEFAULT_TIME_ZONE


def agency_today() -> date:
    """Today in the archive's default time zone (the agency's, America/Denver)."""
    return datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()

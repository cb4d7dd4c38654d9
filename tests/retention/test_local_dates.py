"""The SQL local-date path (zone offset table) agrees with Python's zoneinfo, also around
DST changes in zones whose changes fall inside a UTC hour or shift by half an hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from retention_desk.archive import timeutil
from retention_desk.retention.classifier import offset_table
from retention_desk.retention.dates import local_date

ZONES = ("America/Denver", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kolkata")
LOCAL_SQL = (
    "SELECT created_at, date(substr(created_at, 1, 16), (SELECT z.off FROM temp.rd_tz z"
    " WHERE z.start <= substr(created_at, 1, 16) ORDER BY z.start DESC LIMIT 1) || ' minutes')"
    " FROM records"
)


def sql_local_dates(moments: list[datetime], zone: ZoneInfo) -> dict[str, str]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE records (id INTEGER PRIMARY KEY, created_at TEXT)")
        for moment in moments:
            conn.exec_driver_sql(
                "INSERT INTO records(created_at) VALUES (?)", (timeutil.to_db(moment),)
            )
        offset_table(conn, zone)
        return {str(a): str(b) for a, b in conn.exec_driver_sql(LOCAL_SQL).all()}


def around_changes(zone: ZoneInfo, year: int) -> list[datetime]:
    """Every minute within 40 minutes of each of the year's offset changes."""
    out: list[datetime] = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        moment += timedelta(hours=1)
        offset = moment.astimezone(zone).utcoffset()
        if offset != previous:
            out += [moment + timedelta(minutes=m) for m in range(-100, 41)]
            previous = offset
    return out


def test_minutes_around_dst_changes() -> None:
    for name in ZONES:
        zone = ZoneInfo(name)
        moments = [*around_changes(zone, 2024), datetime(2024, 7, 1, 5, 30, tzinfo=UTC)]
        got = sql_local_dates(moments, zone)
        for moment in moments:
            expected = local_date(moment, zone).isoformat()
            assert got[str(timeutil.to_db(moment))] == expected, (name, moment)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2050, 1, 1), timezones=st.just(UTC)
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(ZONES),
)
def test_random_moments(moments: list[datetime], name: str) -> None:
    zone = ZoneInfo(name)
    got = sql_local_dates(moments, zone)
    for moment in moments:
        assert got[str(timeutil.to_db(moment))] == local_date(moment, zone).isoformat()

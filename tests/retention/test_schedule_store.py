"""Schedules stored in the archive: shipped files on first use, agency files with rules,
bad files refused whole with file and line, newer shipped files offered (issue 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.retention import schedule as schedule_mod
from retention_desk.retention.dates import eligible_on, fiscal_year_end_after, trigger_date
from retention_desk.retention.schedule import Period, merge, parse_schedule
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule

RULES = """
[[rule]]
query = "budget"
series = "T-CAL"
note = "budget talk"
"""


def stored_state(archive: Archive) -> tuple[int, int, int]:
    with archive.read() as conn:
        return tuple(  # type: ignore[return-value]
            int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one())
            for t in ("retention_schedule_files", "retention_rules", "record_retention")
        )


def test_shipped_files_are_stored_once(tmp_archive: Archive) -> None:
    assert rt.ensure_schedules(tmp_archive) == 2
    assert rt.ensure_schedules(tmp_archive) == 0
    files = rt.list_schedule_files(tmp_archive)
    assert [f.builtin for f in files] == [True, True]
    assert "PRR" in rt.effective_schedule(tmp_archive)
    with tmp_archive.read() as conn:
        content = conn.exec_driver_sql(
            "SELECT content FROM retention_schedule_files WHERE label = 'nm-frrds.toml'"
        ).scalar_one()
    assert content == (schedule_mod.builtin_dir() / "nm-frrds.toml").read_text("utf-8")
    assert rt.builtin_updates(tmp_archive) == []


def test_a_changed_shipped_file_is_offered_not_applied(
    tmp_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt.ensure_schedules(tmp_archive)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for f in schedule_mod.builtin_dir().glob("*.toml"):
        (shipped / f.name).write_text(f.read_text("utf-8"), encoding="utf-8")
    frrds = shipped / "nm-frrds.toml"
    frrds.write_text(frrds.read_text("utf-8").replace('retention = "P4Y"', 'retention = "P5Y"'))
    monkeypatch.setattr(schedule_mod, "builtin_dir", lambda: shipped)
    assert rt.builtin_updates(tmp_archive) == ["nm-frrds.toml"]
    assert rt.effective_schedule(tmp_archive)["PRR"].period.years == 4


def test_agency_file_with_rules_classifies(tmp_archive: Archive, tmp_path: Path) -> None:
    ids = add_records(tmp_archive, STANDARD)
    result = rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text(rules=RULES)))
    assert (result.series, result.rules, result.moved) == (7, 1, 3)
    (rule,) = rt.list_rules(tmp_archive)
    assert (rule.query, rule.series_code, rule.note) == ("budget", "T-CAL", "budget talk")
    assert rt.record_retention(tmp_archive, ids["leap"]).eligible_on == "2026-01-01"
    files = rt.list_schedule_files(tmp_archive)
    assert files[-1].label == "agency.toml" and files[-1].sha256 == result.sha256
    with tmp_archive.read() as conn:
        details = conn.exec_driver_sql(
            "SELECT details FROM audit_log WHERE action = 'retention.schedule_import'"
            " ORDER BY id DESC LIMIT 1"
        ).scalar_one()
    assert result.sha256 in details and "budget" not in details


BAD_FILES = [
    ("[[series]\ncode = 1", "not valid TOML"),
    (schedule_text().replace('"created"', '"tuesday"', 1), "line 7: unknown trigger"),
    (
        schedule_text() + schedule_text((("T-CAL", "P1Y", "created", "destroy"),)),
        "line 73: series code 'T-CAL' is defined twice .first on line 13",
    ),
    (schedule_text().replace('"P30D"', '"-P30D"'), "negative period"),
    (
        schedule_text(rules=RULES.replace("T-CAL", "T-MISSING")),
        "line 74: rule names series .T-MISSING.",
    ),
    (schedule_text(rules=RULES.replace("budget", "kind:banana", 1)), "line 72: .*kind:banana"),
]


@pytest.mark.parametrize(
    ("content", "reason"),
    BAD_FILES,
    ids=["syntax", "trigger", "duplicate", "negative", "missing-series", "bad-query"],
)
def test_bad_files_are_refused_whole(
    tmp_archive: Archive, tmp_path: Path, content: str, reason: str
) -> None:
    add_records(tmp_archive, STANDARD)
    rt.ensure_schedules(tmp_archive)
    before = stored_state(tmp_archive)
    path = write_schedule(tmp_path, content, name="bad.toml")
    with pytest.raises(rt.RetentionError, match=reason) as caught:
        rt.import_schedule(tmp_archive, path)
    assert "bad.toml" in str(caught.value)
    assert stored_state(tmp_archive) == before


def test_rule_may_name_a_series_of_an_earlier_file(tmp_archive: Archive, tmp_path: Path) -> None:
    rules_only = '[[rule]]\nquery = "budget"\nseries = "SM-POST"\n'
    result = rt.import_schedule(tmp_archive, write_schedule(tmp_path, rules_only))
    assert (result.series, result.rules) == (0, 1)


def test_parse_reports_the_rule_line() -> None:
    parsed = parse_schedule(schedule_text(rules=RULES), "f.toml")
    assert parsed.rules[0].line == 72 and parsed.rules[0].series == "T-CAL"


# ------------------------------------------------------------------ date arithmetic
DENVER = ZoneInfo("America/Denver")
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC)
)


@given(moments, st.integers(0, 10), st.integers(0, 24), st.integers(0, 400))
def test_eligible_is_never_early_and_never_late(
    moment: datetime, years: int, months: int, days: int
) -> None:
    period = Period(years=years, months=months, days=days)
    trigger = moment.astimezone(DENVER).date()
    eligible = eligible_on(period, trigger)
    assert eligible is not None
    last_day = eligible - timedelta(days=1)
    # the whole period has run on the last day of retention, and not a day before it
    from dateutil.relativedelta import relativedelta

    assert last_day == trigger + relativedelta(years=years, months=months, days=days)


@given(moments)
def test_year_end_triggers_follow_the_local_date(moment: datetime) -> None:
    local = moment.astimezone(DENVER).date()
    fy = fiscal_year_end_after(local, (6, 30))
    assert fy.month == 6 and fy.day == 30 and local <= fy < date(local.year + 1, 7, 1)
    assert fy.year == (local.year if local.month <= 6 else local.year + 1)
    series = merge([parse_schedule(schedule_text(), "t.toml")])
    assert trigger_date(series["T-CAL"], moment, DENVER) == date(local.year, 12, 31)

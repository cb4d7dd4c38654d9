"""Classification on hand-computed dates: triggers in the agency time zone, longest wins,
events, reclassification with moved counts, audit rows without names (issue 10)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_archive
from tests.retention.helpers import STANDARD, add_records, schedule_text, write_schedule


@pytest.fixture
def archive(tmp_archive: Archive, tmp_path: Path) -> Archive:
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule_text()))
    return tmp_archive


def stored(archive: Archive, record_id: int) -> rt.RecordRetention:
    return rt.record_retention(archive, record_id)


def test_triggers_count_in_the_agency_time_zone(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    # the same record under each trigger, one rule at a time
    expected = {
        # 2024-06-30 23:30 Denver: created on June 30 (UTC says July 1), fiscal year 2024
        "T-CREATED": ("2024-06-30", "2025-07-01"),
        "T-FY": ("2024-06-30", "2025-07-01"),
        "T-CAL": ("2024-12-31", "2026-01-01"),
    }
    for code, (trigger, eligible) in expected.items():
        change = rt.add_rule(archive, "alpha", code)
        got = stored(archive, ids["june30"])
        assert (got.series_code, got.trigger_date, got.eligible_on, got.status) == (
            code,
            trigger,
            eligible,
            "dated",
        ), code
        rt.remove_rule(archive, change.rule_id)


def test_leap_day_and_new_years_eve(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "leap", "T-CREATED")
    # P1Y from Feb 29 ends Feb 28 2025: eligible the day after
    assert stored(archive, ids["leap"]).eligible_on == "2025-03-01"
    rt.add_rule(archive, "gamma", "T-CAL")
    # 23:30 on Dec 31 in Albuquerque is in 2024 although UTC says 2025
    got = stored(archive, ids["nye"])
    assert (got.trigger_date, got.eligible_on) == ("2024-12-31", "2026-01-01")


def test_fiscal_year_end_setting_is_read(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    from retention_desk.archive import settings as settings_mod

    with archive.write() as conn:
        settings_mod.set_value(conn, "setting.fiscal_year_end", "09-30")
    rt.add_rule(archive, "leap", "T-FY")
    assert stored(archive, ids["leap"]).trigger_date == "2024-09-30"


def test_longest_wins_permanent_and_pending_event(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-SHORT")
    rt.add_rule(archive, "budget", "T-CAL")
    got = stored(archive, ids["june30"])
    assert got.series_code == "T-CAL" and len(got.matches) == 2
    assert [m.decided for m in got.matches] == [False, True]
    # an event without a date is not eligible yet: it beats any date
    rt.add_rule(archive, "budget", "T-EVENT")
    got = stored(archive, ids["june30"])
    assert (got.series_code, got.status, got.eligible_on) == ("T-EVENT", "pending_event", None)
    # permanent beats everything
    rt.add_rule(archive, "alpha", "T-PERM")
    got = stored(archive, ids["june30"])
    assert (got.series_code, got.status, got.disposition) == ("T-PERM", "permanent", "transfer")
    assert stored(archive, ids["leap"]).series_code == "T-EVENT"
    # a record without a creation date has no date under created-based series
    nodate = stored(archive, ids["nodate"])
    assert nodate.status in ("no_date", "pending_event") and nodate.eligible_on is None


def test_transfer_beats_destroy_on_a_tie_then_the_earlier_rule(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "alpha", "T-CAL")
    rt.add_rule(archive, "alpha", "T-CAL-XFER")
    got = stored(archive, ids["june30"])
    assert (got.series_code, got.disposition) == ("T-CAL-XFER", "transfer")
    assert got.eligible_on == "2026-01-01"
    first = rt.add_rule(archive, "leap", "T-CREATED")
    rt.add_rule(archive, "leap", "T-FY")  # 2025-07-01 beats 2025-03-01
    assert stored(archive, ids["leap"]).series_code == "T-FY"
    rt.remove_rule(archive, first.rule_id)
    rt.add_rule(archive, "leap", "T-FY")  # same series twice: the earlier rule decides
    got = stored(archive, ids["leap"])
    rules = [r.id for r in rt.list_rules(archive) if r.series_code == "T-FY"]
    assert got.rule_id == min(rules)


def test_unclassified_is_never_eligible(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-SHORT")
    summary = rt.classify(archive)
    assert summary.unclassified == 1 and summary.records == 4
    got = stored(archive, ids["nye"])
    assert got.status == "unclassified" and got.eligible_on is None and got.series_code is None
    # everything dated in 2024 with 30 days has run by now; the unclassified record has not
    assert summary.eligible_now == 2


def test_event_date_makes_a_record_eligible(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-EVENT")
    assert stored(archive, ids["leap"]).status == "pending_event"
    assert rt.classification_summary(archive).eligible_now == 0
    count = rt.set_event_date(archive, "file_closed", date(2024, 2, 29), record_ids=[ids["leap"]])
    assert count == 1
    got = stored(archive, ids["leap"])
    assert (got.status, got.trigger_date, got.eligible_on) == ("dated", "2024-02-29", "2025-03-01")
    assert rt.classification_summary(archive).eligible_now == 1
    assert stored(archive, ids["june30"]).status == "pending_event"


def test_reclassification_reports_moved_counts(archive: Archive, tmp_path: Path) -> None:
    add_records(archive, STANDARD)
    added = rt.add_rule(archive, "budget", "T-SHORT")
    assert (added.matched, added.moved) == (3, 3)
    longer = rt.add_rule(archive, "alpha", "T-CAL")
    assert longer.moved == 1
    assert rt.add_rule(archive, "alpha", "T-SHORT").moved == 0  # loses: nothing moves
    removed = rt.remove_rule(archive, longer.rule_id)
    assert removed.moved == 1 and removed.series_code == "T-CAL"
    assert rt.classify(archive).moved == 0
    # an agency file overriding T-SHORT's period moves every record filed under it
    override = write_schedule(
        tmp_path,
        schedule_text((("T-SHORT", "P2Y", "created", "destroy"),)),
        name="override.toml",
    )
    result = rt.import_schedule(archive, override)
    # the two dated records move; the one without a creation date has no date either way
    assert result.overridden == ("T-SHORT",) and result.moved == 2
    assert rt.effective_schedule(archive)["T-SHORT"].period.years == 2


def test_test_rule_writes_nothing(archive: Archive) -> None:
    add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-SHORT")
    with archive.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one()
    result = rt.test_rule(archive, "budget OR gamma", "T-CAL")
    assert result.matched == 4
    # the dated ones and the unclassified one move; the undated one (no date beats) stays
    moves = {(m.from_series, m.to_series): m.records for m in result.moves}
    assert moves == {(None, "T-CAL"): 1, ("T-SHORT", "T-CAL"): 2}
    with archive.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one() == before
    assert rt.classification_summary(archive).per_series == {"T-SHORT": 3}


def test_errors_name_the_problem(archive: Archive) -> None:
    with pytest.raises(rt.RetentionError, match="NOPE.*choose one of"):
        rt.add_rule(archive, "budget", "NOPE")
    with pytest.raises(rt.RetentionError, match="query 'kind:banana'"):
        rt.add_rule(archive, "kind:banana", "T-CAL")
    with pytest.raises(rt.RetentionError, match="no rule 99"):
        rt.remove_rule(archive, 99)


def test_cancel_rolls_back(archive: Archive) -> None:
    import threading

    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-SHORT")
    with archive.write() as conn:
        conn.exec_driver_sql("DELETE FROM record_retention")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(rt.RetentionError, match="cancelled"):
        rt.classify(archive, cancel=cancel)
    assert stored(archive, ids["june30"]).status == "unclassified"


def test_audit_rows_hold_counts_not_names_and_verify_passes(archive: Archive) -> None:
    ids = add_records(archive, STANDARD)
    rt.add_rule(archive, "budget", "T-EVENT", note="Secret note text")
    rt.set_event_date(archive, "file_closed", date(2024, 1, 2), query="budget")
    rt.place_hold(archive, "Smith v City", "litigation", matter="Case D-202-CV", query="gamma")
    rt.release_hold(archive, "Smith v City", "Matter settled quietly")
    rt.classify(archive, [ids["leap"]])
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT action, object_ids, details FROM audit_log").all()
    actions = {r[0] for r in rows}
    assert {
        "retention.schedule_import",
        "retention.rule_add",
        "retention.event_set",
        "retention.hold_place",
        "retention.hold_release",
        "retention.classify",
    } <= actions
    dump = " ".join(f"{r[1]} {r[2]}" for r in rows)
    for secret in ("Smith", "Secret", "D-202", "settled", "budget", "gamma"):
        assert secret not in dump
    report = verify_archive(archive)
    assert report.ok, report.failures


def test_a_series_that_does_not_bind_the_agency_kind_is_refused(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    state_only = schedule_text((("T-STATE", "P1Y", "created", "destroy"),)).replace(
        '["state", "county", "municipality", "other"]', '["state"]'
    )
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, state_only))
    # the archive's agency kind defaults to municipality
    with pytest.raises(rt.RetentionError, match="neither binds nor is guidance"):
        rt.add_rule(tmp_archive, "budget", "T-STATE")
    from retention_desk.archive import settings as settings_mod

    with tmp_archive.write() as conn:
        settings_mod.set_value(conn, "setting.agency_kind", "state")
    assert rt.add_rule(tmp_archive, "budget", "T-STATE").series_code == "T-STATE"

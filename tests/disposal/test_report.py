"""Disposal report: eligibility as of a date, grouping by series, account and local year,
held records apart with their holds' names, unclassified counted and excluded, the salted
leaf snapshot, and audit rows without names (issue 11)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import seal
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.disposal import (
    DisposalError,
    cancel_report,
    list_reports,
    load_report,
    record_approval,
    run_report,
)
from tests.disposal.helpers import build
from tests.today import agency_today

AS_OF = date(2026, 1, 1)


@pytest.fixture
def ids(tmp_archive: Archive, tmp_path: Path) -> dict[str, int]:
    return build(tmp_archive, tmp_path)


def test_groups_and_counts_by_series_account_and_local_year(
    tmp_archive: Archive, ids: dict[str, int]
) -> None:
    report = run_report(tmp_archive, AS_OF)
    assert report.number == 1 and report.status == "draft"
    assert report.records == 5
    groups = {(g.series_code, g.account, g.year): g for g in report.groups}
    # a3 was posted 2023-12-31 23:30 in Albuquerque (2024 in UTC): it counts in 2023
    assert set(groups) == {
        ("T-CREATED", "city_pd", "2023"),
        ("T-CREATED", "city_parks", "2024"),
        ("T-SHORT", "city_parks", "2024"),
    }
    pd_2023 = groups[("T-CREATED", "city_pd", "2023")]
    assert (pd_2023.records, pd_2023.first_created, pd_2023.last_created) == (
        3,
        "2023-03-01",
        "2023-12-31",
    )
    series = {s.code: s for s in report.series}
    assert series["T-CREATED"].records == 4
    assert (series["T-CREATED"].first_created, series["T-CREATED"].last_created) == (
        "2023-03-01",
        "2024-02-10",
    )
    assert series["T-CREATED"].retention == "destroy 1 year after the record was created"
    assert series["T-CREATED"].citation == "test citation"
    assert series["T-CREATED"].verified is False
    assert series["T-SHORT"].records == 1
    # not in the report, counted
    assert (report.unclassified, report.pending_event, report.permanent) == (2, 1, 1)
    with tmp_archive.read() as conn:
        snapshot = {
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT record_id FROM disposal_report_records WHERE report_id = 1"
            )
        }
    assert snapshot == {ids[k] for k in ("a1", "a2", "a3", "a4", "s1")}
    assert ids["u1"] not in snapshot and ids["u2"] not in snapshot


def test_as_of_boundaries_follow_each_record_eligible_date(
    tmp_archive: Archive, ids: dict[str, int]
) -> None:
    eligible_on = rt.record_retention(tmp_archive, ids["a4"]).eligible_on
    assert eligible_on is not None
    day = date.fromisoformat(str(eligible_on))
    before = run_report(tmp_archive, day - timedelta(days=1))
    on = run_report(tmp_archive, day)
    assert on.records == before.records + 1
    assert before.not_yet_due == on.not_yet_due + 1
    with tmp_archive.read() as conn:
        members = {
            (int(r[0]), int(r[1]))
            for r in conn.exec_driver_sql(
                "SELECT report_id, record_id FROM disposal_report_records"
            )
        }
    assert (before.number, ids["a4"]) not in members
    assert (on.number, ids["a4"]) in members


def test_held_records_are_listed_apart_with_hold_names(
    tmp_archive: Archive, ids: dict[str, int]
) -> None:
    rt.place_hold(tmp_archive, "Smith v. City", "litigation", record_ids=[ids["a1"], ids["a2"]])
    rt.place_hold(tmp_archive, "Audit FY24", "audit", record_ids=[ids["a2"]])
    released = rt.place_hold(tmp_archive, "Old matter", "other", record_ids=[ids["s1"]])
    rt.release_hold(tmp_archive, released.id, "settled")
    report = run_report(tmp_archive, AS_OF)
    assert report.records == 3 and report.held == 2
    held = {h.record_id: h for h in report.held_records}
    assert set(held) == {ids["a1"], ids["a2"]}
    assert held[ids["a1"]].hold_names == ("Smith v. City",)
    assert held[ids["a2"]].hold_names == ("Smith v. City", "Audit FY24")
    assert {(h.name, h.records) for h in report.holds} == {
        ("Smith v. City", 2),
        ("Audit FY24", 1),
    }
    with tmp_archive.read() as conn:
        in_report = {
            int(r[0]) for r in conn.exec_driver_sql("SELECT record_id FROM disposal_report_records")
        }
    assert ids["a1"] not in in_report and ids["s1"] in in_report  # a released hold holds nothing


def test_snapshot_keeps_the_salted_leaf_never_a_plain_hash(
    tmp_archive: Archive, ids: dict[str, int]
) -> None:
    run_report(tmp_archive, AS_OF)
    with tmp_archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.record_id, d.leaf, (SELECT leaf FROM seal_log s WHERE s.kind = ?"
            " AND s.object_id = d.record_id ORDER BY s.id DESC LIMIT 1),"
            " (SELECT content_hash FROM record_versions v WHERE v.record_id = d.record_id"
            "  ORDER BY v.seq DESC LIMIT 1)"
            " FROM disposal_report_records d",
            (seal.RECORD,),
        ).all()
    assert len(rows) == 5
    for _record_id, leaf, latest, content_hash in rows:
        assert leaf is not None and bytes(leaf) == bytes(latest)
        assert bytes(leaf).hex() != content_hash


def test_saved_report_reads_back_and_lists(tmp_archive: Archive, ids: dict[str, int]) -> None:
    first = run_report(tmp_archive, AS_OF, created_by="Clerk A")
    second = run_report(tmp_archive, date(2024, 7, 1))
    assert load_report(tmp_archive, first.number) == first
    assert first.created_by == "Clerk A" and first.agency_name == "City of Example"
    listed = list_reports(tmp_archive)
    assert [r.number for r in listed] == [second.number, first.number]
    assert listed[1].records == 5 and listed[0].records == 2  # a1, s1 by 2024-07-01
    with pytest.raises(DisposalError, match="no disposal report 99"):
        load_report(tmp_archive, 99)
    assert verify_path(tmp_archive.path).ok


def test_a_future_as_of_date_is_refused(tmp_archive: Archive, ids: dict[str, int]) -> None:
    with pytest.raises(DisposalError, match="after today") as info:
        run_report(tmp_archive, agency_today() + timedelta(days=400))
    assert info.value.item == "as_of"
    assert list_reports(tmp_archive) == []


def test_cancelled_report_takes_no_approval(tmp_archive: Archive, ids: dict[str, int]) -> None:
    report = run_report(tmp_archive, AS_OF)
    assert cancel_report(tmp_archive, report.number).status == "cancelled"
    with pytest.raises(DisposalError, match="cancelled"):
        record_approval(tmp_archive, report.number, by="Mayor", on=date(2026, 2, 1))


def test_audit_rows_carry_ids_and_counts_never_names(
    tmp_archive: Archive, ids: dict[str, int]
) -> None:
    rt.place_hold(tmp_archive, "Smith v. City", "litigation", record_ids=[ids["a1"]])
    report = run_report(tmp_archive, AS_OF, created_by="Clerk Alice Zed")
    record_approval(
        tmp_archive,
        report.number,
        by="Mayor Bob Quill",
        title="Mayor of Example",
        reference="Resolution 2026-17",
        on=date(2026, 2, 1),
    )
    with tmp_archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, object_type, object_ids, details FROM audit_log"
            " WHERE action LIKE 'disposal.%' ORDER BY id"
        ).all()
    assert [r[0] for r in rows] == ["disposal.report", "disposal.local"]
    text = json.dumps([list(r) for r in rows])
    for secret in ("Alice", "Bob Quill", "Mayor", "Resolution", "Smith", "T-CREATED"):
        assert secret not in text
    details = json.loads(rows[0][3])
    assert details["report"] == report.number and details["records"] == 4
    assert details["held"] == 1

"""Approval by agency kind: state two-step (two people), county notice and its 60-day wait on
hand-computed dates, municipality/other official and date; rules as data with their
citations; attachments as verified blobs; audit rows without names (issue 11)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from retention_desk import retention as rt
from retention_desk.archive import blobs
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.disposal import (
    DisposalError,
    approval_status,
    load_report,
    load_rules,
    record_approval,
    record_consent,
    run_report,
)
from tests.disposal.helpers import build
from tests.retention.helpers import add_records, write_schedule

AS_OF = date(2026, 1, 1)


def _report(archive: Archive, tmp_path: Path, kind: str) -> int:
    build(archive, tmp_path, agency_kind=kind)
    return run_report(archive, AS_OF).number


@pytest.fixture
def form(tmp_path: Path) -> Path:
    path = tmp_path / "signed form.pdf"
    path.write_bytes(b"%PDF-1.4 signed destruction request\n")
    return path


def test_rules_are_data_with_the_citations_nm_law_gives() -> None:
    rules = load_rules()
    assert set(rules) == {"state", "county", "municipality", "other"}
    state = rules["state"]
    assert state.citation == "1.13.30.9 NMAC" and state.verified
    assert [s.step for s in state.steps] == ["approval", "consent"]
    assert state.distinct_people == ("approval", "consent")
    county = rules["county"]
    assert county.citation == "NMSA 1978, § 14-1-8" and county.verified
    assert county.wait_days == 60 and county.wait_from == "notice_sent"
    # nm-law.md does not say whether the 60 days run from mailing or receipt
    assert county.wait_from_verified is False
    assert [s.step for s in rules["municipality"].steps] == ["local"]
    assert rules["municipality"].steps[0].verified is False  # the agency's own rule


def test_state_needs_approval_and_consent_by_two_people(
    tmp_archive: Archive, tmp_path: Path, form: Path
) -> None:
    number = _report(tmp_archive, tmp_path, "state")
    status = approval_status(tmp_archive, number)
    assert not status.complete and len(status.missing) == 2
    assert all("not recorded" in m for m in status.missing)
    with pytest.raises(DisposalError, match="reference") as info:
        record_approval(tmp_archive, number, by="Ann Admin", on=date(2026, 2, 2), attachment=form)
    assert info.value.item == "reference" and info.value.missing
    with pytest.raises(DisposalError, match="signed form") as info:
        record_approval(tmp_archive, number, by="Ann Admin", reference="SRCA-26-014")
    assert info.value.item == "attachment"
    status = record_approval(
        tmp_archive,
        number,
        by="Ann Admin",
        title="State Records Administrator",
        reference="SRCA-26-014",
        on=date(2026, 2, 2),
        attachment=form,
    )
    assert not status.complete
    assert status.missing == [
        "The custodian's consent (1.13.30.9 NMAC) is not recorded for report 1."
    ]
    assert load_report(tmp_archive, number).status == "draft"
    # the same person (whatever the case and spacing) cannot also consent
    with pytest.raises(DisposalError, match="someone other than") as info:
        record_consent(tmp_archive, number, by="  ann   ADMIN ", title="Custodian")
    assert info.value.item == "by"
    with pytest.raises(DisposalError, match="title"):
        record_consent(tmp_archive, number, by="Carl Custodian", title=" ")
    status = record_consent(
        tmp_archive, number, by="Carl Custodian", title="Records Custodian", on=date(2026, 2, 3)
    )
    assert status.complete and status.missing == []
    assert status.earliest_destruction is None
    assert load_report(tmp_archive, number).status == "approved"
    (approval, consent) = status.steps
    assert approval.attachment_name == "signed form.pdf"
    with tmp_archive.read() as conn:
        stored = blobs.read_bytes(conn, str(approval.attachment_sha256))
    assert stored == form.read_bytes()
    assert consent.decided_on == date(2026, 2, 3)
    report = verify_path(tmp_archive.path)
    assert report.ok


def test_state_consent_before_approval_is_also_checked(
    tmp_archive: Archive, tmp_path: Path, form: Path
) -> None:
    number = _report(tmp_archive, tmp_path, "state")
    record_consent(tmp_archive, number, by="Carl Custodian", title="Records Custodian")
    with pytest.raises(DisposalError, match="someone other than"):
        record_approval(tmp_archive, number, by="carl custodian", reference="R-1", attachment=form)


@pytest.mark.parametrize(
    ("notice", "earliest"),
    [
        (date(2026, 1, 15), date(2026, 3, 16)),  # 16 left in Jan + 28 in Feb + 16 in March
        (date(2024, 1, 15), date(2024, 3, 15)),  # leap year: February has 29
        (date(2024, 2, 10), date(2024, 4, 10)),  # 19 in Feb (leap) + 31 in March + 10
        (date(2026, 2, 10), date(2026, 4, 11)),  # 18 in Feb + 31 in March + 11
        (date(2025, 12, 1), date(2026, 1, 30)),  # across a year end: 30 + 30
    ],
)
def test_county_waits_60_days_after_the_notice_was_mailed(
    tmp_archive: Archive, tmp_path: Path, form: Path, notice: date, earliest: date
) -> None:
    number = _report(tmp_archive, tmp_path, "county")
    with pytest.raises(DisposalError, match="mail receipt") as info:
        record_approval(tmp_archive, number, by="Clerk Dee", notice_sent=notice)
    assert info.value.item == "attachment"
    with pytest.raises(DisposalError, match="notice was mailed") as info:
        record_approval(tmp_archive, number, by="Clerk Dee", attachment=form)
    assert info.value.item == "notice_sent"
    record_approval(tmp_archive, number, by="Clerk Dee", notice_sent=notice, attachment=form)
    day_before = approval_status(tmp_archive, number, today=earliest - timedelta(days=1))
    assert not day_before.complete
    assert day_before.earliest_destruction == earliest
    assert day_before.missing == [
        f"Destruction must wait 60 days after the notice was mailed ({notice.isoformat()}),"
        f" until {earliest.isoformat()} (NMSA 1978, § 14-1-8)."
    ]
    on_the_day = approval_status(tmp_archive, number, today=earliest)
    assert on_the_day.complete and on_the_day.earliest_destruction == earliest
    assert load_report(tmp_archive, number).status == "approved"


def test_county_refuses_a_notice_date_in_the_future_and_a_consent_step(
    tmp_archive: Archive, tmp_path: Path, form: Path
) -> None:
    number = _report(tmp_archive, tmp_path, "county")
    with pytest.raises(DisposalError, match="after today") as info:
        record_approval(
            tmp_archive, number, by="Clerk Dee", notice_sent=date(2999, 1, 1), attachment=form
        )
    assert info.value.item == "notice_sent" and not info.value.missing
    with pytest.raises(DisposalError, match="needs no consent step"):
        record_consent(tmp_archive, number, by="Someone", title="Custodian")


@pytest.mark.parametrize("kind", ["municipality", "other"])
def test_local_bodies_need_the_approving_official_and_date(
    tmp_archive: Archive, tmp_path: Path, kind: str
) -> None:
    number = _report(tmp_archive, tmp_path, kind)
    with pytest.raises(DisposalError, match="who gave it") as info:
        record_approval(tmp_archive, number, by="  ")
    assert info.value.item == "by"
    status = record_approval(
        tmp_archive, number, by="City Manager", reference="Policy 4.3", on=date(2026, 2, 1)
    )
    assert status.complete and status.steps[0].step == "local"
    assert status.steps[0].decided_on == date(2026, 2, 1)


def test_a_changed_agency_kind_makes_the_report_incomplete(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    number = _report(tmp_archive, tmp_path, "municipality")
    record_approval(tmp_archive, number, by="City Manager", on=date(2026, 2, 1))
    assert approval_status(tmp_archive, number).complete
    tmp_archive.update_settings(replace(tmp_archive.settings(), agency_kind="state"))
    status = approval_status(tmp_archive, number)
    assert not status.complete
    assert status.missing == [
        "The agency kind changed from municipality to state after report 1 was run; run a new"
        " report."
    ]


def test_empty_report_is_never_complete(tmp_archive: Archive, tmp_path: Path) -> None:
    build(tmp_archive, tmp_path)
    number = run_report(tmp_archive, date(2020, 1, 1)).number
    record_approval(tmp_archive, number, by="City Manager", on=date(2026, 2, 1))
    status = approval_status(tmp_archive, number)
    assert not status.complete and "no eligible records" in status.missing[0]


def test_each_step_is_audited_without_names(
    tmp_archive: Archive, tmp_path: Path, form: Path
) -> None:
    number = _report(tmp_archive, tmp_path, "state")
    record_approval(
        tmp_archive,
        number,
        by="Ann Admin",
        title="State Records Administrator",
        reference="SRCA-26-014",
        attachment=form,
    )
    record_consent(tmp_archive, number, by="Carl Custodian", title="Records Custodian")
    with tmp_archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, object_ids, details FROM audit_log"
            " WHERE action IN ('disposal.approval', 'disposal.consent') ORDER BY id"
        ).all()
    assert [r[0] for r in rows] == ["disposal.approval", "disposal.consent"]
    text = json.dumps([list(r) for r in rows])
    for secret in ("Ann", "Carl", "Administrator", "Custodian", "SRCA", "signed form"):
        assert secret not in text
    first, second = (json.loads(r[2]) for r in rows)
    assert first["report"] == number and first["attachment"] is True
    assert (first["steps_recorded"], second["steps_recorded"]) == (1, 2)


def test_a_report_of_non_records_only_needs_no_approval(
    tmp_archive: Archive, tmp_path: Path
) -> None:
    schedule = (
        '[[series]]\ncode = "NONREC"\ntitle = "Transitory copies"\ncitation = "1.13.30.14 NMAC"\n'
        'retention = "P0D"\ntrigger = "created"\ndisposition = "destroy"\n'
        'applies_to = ["state", "county", "municipality", "other"]\nverified = true\n'
        'approval_required = false\n\n[[rule]]\nquery = "copy"\nseries = "NONREC"\n'
    )
    tmp_archive.update_settings(replace(tmp_archive.settings(), agency_kind="state"))
    add_records(tmp_archive, [("c1", "extra copy", datetime(2024, 1, 5, 18, tzinfo=UTC))])
    rt.import_schedule(tmp_archive, write_schedule(tmp_path, schedule))
    report = run_report(tmp_archive, AS_OF)
    assert report.records == 1 and not report.approval_needed
    assert report.status == "approved"
    status = approval_status(tmp_archive, report.number)
    assert status.complete and status.missing == [] and status.steps == []

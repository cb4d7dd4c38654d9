"""The request log: numbering, steps that stop clocks, flags, responsive sets and their hold."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from retention_desk.archive.store import Archive
from retention_desk.archive.verify import verify_path
from retention_desk.ipra import fees, requests, responsive
from retention_desk.ipra.errors import IpraError
from retention_desk.retention import holds_for
from tests.retention.helpers import add_records


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    arch = Archive.create(tmp_path / "desk.rdesk", operator="pytest")
    yield arch
    arch.close()


def _new(archive: Archive, when: datetime, **kw: object) -> requests.RequestDetail:
    args: dict[str, object] = {
        "received_at": when,
        "via": "email",
        "name": "Ana Requester",
        "address": "1 Main St, Cerro Alto NM",
        "phone": "505-555-0100",
        "email": "ana@example.org",
        "description": "All comments on the department's page in March 2026",
    }
    args.update(kw)
    return requests.new_request(archive, **args)  # type: ignore[arg-type]


def test_numbers_run_per_year_and_day_zero_is_the_agency_date(archive: Archive) -> None:
    # 2026-03-02 05:30 UTC is still March 1 in Albuquerque (UTC-7): day 0 is the local date
    first = _new(archive, datetime(2026, 3, 2, 5, 30, tzinfo=UTC))
    second = _new(archive, datetime(2026, 3, 3, 18, 0, tzinfo=UTC))
    last_year = _new(archive, datetime(2025, 12, 30, 18, 0, tzinfo=UTC))
    assert [first.number, second.number, last_year.number] == [
        "IPRA-2026-0001",
        "IPRA-2026-0002",
        "IPRA-2025-0001",
    ]
    assert first.summary.received_on == date(2026, 3, 1)


def test_agency_number_format_is_used(archive: Archive) -> None:
    from dataclasses import replace

    archive.update_settings(replace(archive.settings(), request_number_format="PR{year}-{seq}"))
    assert _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC)).number == "PR2026-1"


def test_future_receipt_and_bad_via_are_refused(archive: Archive) -> None:
    with pytest.raises(IpraError, match="future"):
        _new(archive, datetime(2999, 1, 1, tzinfo=UTC))
    with pytest.raises(IpraError, match="one of written, email"):
        _new(archive, datetime(2026, 3, 2, tzinfo=UTC), via="pigeon")


def test_written_request_missing_particulars_is_flagged_not_refused(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC), address="", phone="")
    assert any("address, telephone" in f and "14-2-8(C)" in f for f in detail.summary.flags)
    oral = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC), via="oral", name="", phone="")
    assert not any("14-2-8(C)" in f for f in oral.summary.flags)
    assert oral.summary.state == "no_clock"


def test_acknowledgment_stops_the_three_day_clock_only(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    done = requests.acknowledge(
        archive, detail.number, on=date(2026, 3, 3), available_on=date(2026, 3, 10)
    )
    clocks = {c.key: c for c in done.summary.clocks.clocks}
    assert clocks["response_3day"].state == "met"
    assert clocks["inspection_15day"].state not in ("met", "stopped")
    assert done.status == "acknowledged"


def test_letter_in_another_medium_is_flagged(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    done = requests.acknowledge(archive, detail.number, on=date(2026, 3, 3), method="mail")
    assert any("14-2-7(B)" in f for f in done.summary.flags)


def test_denial_needs_names_and_titles(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    with pytest.raises(IpraError, match=r"14-2-11\(B\).*IPRA-2026-0001"):
        requests.deny(archive, detail.number, responsible=[])
    with pytest.raises(IpraError, match="without a name or title"):
        requests.deny(archive, detail.number, responsible=[("Chief Ortiz", "")])
    denied = requests.deny(
        archive,
        detail.number,
        responsible=[("R. Ortiz", "Chief of Police")],
        exceptions=["NMSA 1978 14-2-1(D)"],
        on=date(2026, 3, 5),
    )
    assert denied.status == "denied"
    assert denied.events[-1].details["responsible"] == [
        {"name": "R. Ortiz", "title": "Chief of Police"}
    ]


def test_finished_request_cannot_change(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    requests.withdraw(archive, detail.number, on=date(2026, 3, 3))
    with pytest.raises(IpraError, match="withdrawn"):
        requests.acknowledge(archive, detail.number)


def test_step_dates_are_checked(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    with pytest.raises(IpraError, match="received on 2026-03-02"):
        requests.acknowledge(archive, detail.number, on=date(2026, 3, 1))


def _records(archive: Archive) -> dict[str, int]:
    return add_records(
        archive,
        [
            ("a", "parade route complaint", datetime(2026, 2, 1, tzinfo=UTC)),
            ("b", "parade photos", datetime(2026, 2, 2, tzinfo=UTC)),
            ("c", "unrelated budget post", datetime(2026, 2, 3, tzinfo=UTC)),
        ],
    )


def test_responsive_set_holds_its_records_and_remembers_versions(archive: Archive) -> None:
    ids = _records(archive)
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    change = responsive.add_by_query(archive, detail.number, "parade")
    assert (change.added, change.total) == (2, 2)
    held = holds_for(archive, [ids["a"], ids["b"], ids["c"]])
    assert set(held) == {ids["a"], ids["b"]}
    assert held[ids["a"]][0].reason == "ipra_request"
    members = responsive.responsive_members(archive, detail.number)
    assert all(m.version_id is not None for m in members)
    # the selection adds by id; an unknown id is reported, not silently dropped
    change = responsive.add_records(archive, detail.number, [ids["c"], 999_999])
    assert change.added == 1 and change.missing == (999_999,)
    removed = responsive.remove_records(archive, detail.number, [ids["c"]], "not responsive")
    assert removed.total == 2
    assert ids["c"] not in holds_for(archive, [ids["c"]])
    with pytest.raises(IpraError, match="needs a reason"):
        responsive.remove_records(archive, detail.number, [ids["a"]], " ")
    report = verify_path(archive.path)
    assert report.ok, report


def test_rerun_picks_up_later_imports_but_not_removed_records(archive: Archive) -> None:
    ids = _records(archive)
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    responsive.add_by_query(archive, detail.number, "parade")
    responsive.remove_records(archive, detail.number, [ids["b"]], "duplicate")
    later = add_records(archive, [("d", "parade overtime", datetime(2026, 2, 5, tzinfo=UTC))])
    change = responsive.rerun_queries(archive, detail.number)
    assert change.added == 1
    assert responsive.responsive_ids(archive, detail.number) == sorted([ids["a"], later["d"]])


def test_closing_releases_the_hold_after_the_agency_period(archive: Archive) -> None:
    from dataclasses import replace
    from datetime import timedelta

    archive.update_settings(replace(archive.settings(), request_hold_release_days="10"))
    ids = _records(archive)
    detail = _new(archive, datetime(2026, 11, 2, 18, tzinfo=UTC))
    responsive.add_records(archive, detail.number, [ids["a"]])
    closed = requests.close(archive, detail.number)  # today
    assert closed.closed_on is not None
    release_on = closed.closed_on + timedelta(days=10)
    assert closed.hold_release_on == release_on
    assert requests.release_due_holds(archive, today=release_on - timedelta(days=1)) == 0
    assert ids["a"] in holds_for(archive, [ids["a"]])
    assert requests.release_due_holds(archive, today=release_on) == 1
    assert holds_for(archive, [ids["a"]]) == {}
    assert verify_path(archive.path).ok


def test_fees_respect_the_statutory_cap(archive: Archive) -> None:
    from dataclasses import replace

    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    over = replace(archive.settings(), fee_per_page="1.50")
    assert fees.settings_problems(over) and "14-2-9(C)" in fees.settings_problems(over)[0]
    archive.update_settings(replace(archive.settings(), fee_per_page="0.25"))
    status = fees.add_fee(archive, detail.number, "pages", quantity=40)
    assert status.total_cents == 1000
    status = fees.add_fee(archive, detail.number, "media", amount_cents=399, description="USB")
    with pytest.raises(IpraError, match="prescribed by law"):
        fees.add_fee(archive, detail.number, "other", amount_cents=500)
    payment = fees.record_payment(archive, detail.number, 1399, method="check")
    assert payment.receipt_number == "IPRA-2026-0001-R1"
    assert fees.fee_status(archive, detail.number).balance_cents == 0


def test_audit_rows_never_carry_requester_text(archive: Archive) -> None:
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC), name="Zebediah Quux")
    requests.update_request(archive, detail.number, notes="called Zebediah back")
    with archive.read() as conn:
        details = " ".join(str(r[0]) for r in conn.exec_driver_sql("SELECT details FROM audit_log"))
    assert "Zebediah" not in details and "March 2026" not in details


def test_a_request_hold_emptied_behind_the_apps_back_fails_verify(archive: Archive) -> None:
    ids = _records(archive)
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    responsive.add_by_query(archive, detail.number, "parade")
    assert verify_path(archive.path).ok
    # a direct delete of the hold's rows (what someone would do to let destruction through)
    import sqlite3

    raw = sqlite3.connect(archive.path)
    raw.execute("DELETE FROM hold_records WHERE record_id = ?", (ids["a"],))
    raw.commit()
    raw.close()
    report = verify_path(archive.path)
    assert not report.ok
    assert any("taken off it outside the app" in line for line in report.failures)


def test_open_requests_are_counted_for_destruction_warnings(archive: Archive) -> None:
    assert requests.open_request_count(archive) == 0
    detail = _new(archive, datetime(2026, 3, 2, 18, tzinfo=UTC))
    _new(archive, datetime(2026, 3, 3, 18, tzinfo=UTC))
    assert requests.open_request_count(archive) == 2
    requests.withdraw(archive, detail.number, on=date(2026, 3, 4))
    assert requests.open_request_count(archive) == 1


def test_request_file_is_destroyed_under_its_own_schedule_only_when_due(
    archive: Archive,
) -> None:
    from dataclasses import replace

    from retention_desk.ipra import correspondence, request_file

    archive.update_settings(
        replace(archive.settings(), agency_name="Cerro Alto PD", custodian_name="D. Vigil")
    )
    old = _new(archive, datetime(2021, 3, 2, 18, tzinfo=UTC), name="Old Requester")
    requests.fulfil(archive, old.number, on=date(2021, 3, 10))
    recent = _new(archive, datetime(2025, 3, 2, 18, tzinfo=UTC))
    requests.fulfil(archive, recent.number, on=date(2025, 3, 10))
    letter = correspondence.write_letter(archive, old.number, "cover")
    assert [d.number for d in request_file.due_files(archive)] == [old.number]
    with pytest.raises(IpraError, match="not yet eligible"):
        request_file.destroy_file(archive, recent.number, reference="Board 2026-12")
    done = request_file.destroy_file(archive, old.number, reference="Board 2026-12")
    assert done.eligible_on == date(2025, 3, 10)  # four years after fulfilment (PRR, P4Y)
    after = requests.get_request(archive, old.number)
    assert after.requester.name == "" and after.file_destroyed_at is not None
    with pytest.raises(IpraError):
        correspondence.letter_bytes(archive, letter.info.id)
    with archive.read() as conn:
        assert not conn.exec_driver_sql(
            "SELECT 1 FROM blobs WHERE sha256 = ?", (letter.info.sha256,)
        ).first()
    assert request_file.due_files(archive) == []
    assert verify_path(archive.path).ok

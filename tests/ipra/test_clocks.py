"""The IPRA clocks on hand-computed cases against explicit calendars (issue 12, "Done when").

Each calendar below lists its closed days literally; the expected dates are literals with the
counting written out. Day 0 is the day of receipt.
"""

from __future__ import annotations

from datetime import date

from retention_desk.ipra.calendar import BusinessCalendar
from retention_desk.ipra.clocks import ClockEvent, ClockFacts, ClockReport, compute_clocks

NONE = BusinessCalendar(frozenset())
THANKSGIVING = BusinessCalendar(frozenset({date(2026, 11, 26)}))
THANKSGIVING_AND_FRIDAY = BusinessCalendar(frozenset({date(2026, 11, 26), date(2026, 11, 27)}))


def run(
    received: date,
    today: date,
    *events: ClockEvent,
    calendar: BusinessCalendar = NONE,
    written: bool = True,
) -> ClockReport:
    return compute_clocks(ClockFacts(received, written, tuple(events)), calendar, today)


def due(report: ClockReport, key: str) -> date | None:
    return report.clock(key).due


def states(report: ClockReport) -> dict[str, str]:
    return {c.key: c.state for c in report.clocks}


def test_wednesday_before_thanksgiving() -> None:
    # received Wed 2026-11-25 (day 0); Thu 26 Thanksgiving closed; Fri 27 = 1; Sat, Sun;
    # Mon 30 = 2; Tue Dec 1 = 3. Fifteen calendar days: Nov 25 + 15 = Thu Dec 10.
    report = run(date(2026, 11, 25), date(2026, 11, 25), calendar=THANKSGIVING)
    assert due(report, "response_3day") == date(2026, 12, 1)
    assert due(report, "inspection_15day") == date(2026, 12, 10)
    assert due(report, "denial_15day") == date(2026, 12, 10)
    assert due(report, "deemed_denied") == date(2026, 12, 10)
    assert report.state == "on_time"
    assert report.next_due == date(2026, 12, 1)
    assert report.clock("response_3day").days_left == 3
    assert report.clock("inspection_15day").days_left == 15


def test_wednesday_before_thanksgiving_with_the_day_after_closed() -> None:
    # Thu 26 and Fri 27 closed; Sat, Sun; Mon 30 = 1; Tue Dec 1 = 2; Wed Dec 2 = 3.
    # The 15-day deadline does not move: Thu Dec 10.
    report = run(date(2026, 11, 25), date(2026, 11, 25), calendar=THANKSGIVING_AND_FRIDAY)
    assert due(report, "response_3day") == date(2026, 12, 2)
    assert due(report, "inspection_15day") == date(2026, 12, 10)


def test_friday_before_a_monday_holiday() -> None:
    # received Fri 2027-01-15; Sat, Sun; Mon 18 MLK Day closed; Tue 19 = 1; Wed 20 = 2;
    # Thu 21 = 3. Fifteen days: Jan 15 + 15 = Sat 2027-01-30 (not moved; warned).
    mlk = BusinessCalendar(frozenset({date(2027, 1, 18)}))
    report = run(date(2027, 1, 15), date(2027, 1, 15), calendar=mlk)
    assert due(report, "response_3day") == date(2027, 1, 21)
    assert due(report, "inspection_15day") == date(2027, 1, 30)
    assert "answer by Friday 2027-01-29" in (report.clock("inspection_15day").warning or "")


def test_received_on_a_holiday() -> None:
    # received Wed 2026-11-11, Veterans Day (closed), still day 0; Thu 12 = 1; Fri 13 = 2;
    # Sat, Sun; Mon 16 = 3. Fifteen days: Nov 11 + 15 = Thu Nov 26, Thanksgiving (closed):
    # not moved, warned, answer by Wed Nov 25.
    cal = BusinessCalendar(frozenset({date(2026, 11, 11), date(2026, 11, 26)}))
    report = run(date(2026, 11, 11), date(2026, 11, 11), calendar=cal)
    assert due(report, "response_3day") == date(2026, 11, 16)
    assert due(report, "inspection_15day") == date(2026, 11, 26)
    warning = report.clock("inspection_15day").warning or ""
    assert "a day the agency's calendar closes" in warning
    assert "answer by Wednesday 2026-11-25" in warning
    assert any("day 0 is still the day of receipt" in w for w in report.warnings)


def test_across_new_year() -> None:
    # received Wed 2026-12-30; Thu 31 = 1; Fri 2027-01-01 New Year's Day closed; Sat, Sun;
    # Mon Jan 4 = 2; Tue Jan 5 = 3. Fifteen days: Dec 30 + 15 = Thu 2027-01-14.
    cal = BusinessCalendar(frozenset({date(2026, 12, 25), date(2027, 1, 1)}))
    report = run(date(2026, 12, 30), date(2026, 12, 31), calendar=cal)
    assert due(report, "response_3day") == date(2027, 1, 5)
    assert due(report, "inspection_15day") == date(2027, 1, 14)
    assert report.clock("inspection_15day").warning is None
    # today Thu Dec 31: business days left Jan 4, Jan 5 = 2 -> due soon (2 business days)
    assert report.clock("response_3day").state == "due_soon"
    assert report.state == "due_soon"


def test_fifteen_days_on_a_saturday_warns_and_does_not_move() -> None:
    # received Fri 2026-06-05 + 15 = Sat 2026-06-20; the business day before is Fri 06-19,
    # or Thu 06-18 when the agency closes Juneteenth.
    report = run(date(2026, 6, 5), date(2026, 6, 10))
    for key in ("inspection_15day", "denial_15day", "deemed_denied"):
        assert due(report, key) == date(2026, 6, 20)
    warning = report.clock("inspection_15day").warning or ""
    assert "2026-06-20) is a Saturday" in warning
    assert "not moved to the next business day" in warning
    assert "answer by Friday 2026-06-19" in warning
    assert warning in report.warnings
    juneteenth = BusinessCalendar(frozenset({date(2026, 6, 19)}))
    report = run(date(2026, 6, 5), date(2026, 6, 10), calendar=juneteenth)
    assert "answer by Thursday 2026-06-18" in (report.clock("inspection_15day").warning or "")
    # on the Saturday itself the clock is due today, not moved
    report = run(date(2026, 6, 5), date(2026, 6, 20))
    assert report.clock("inspection_15day").state == "due_today"


def test_due_soon_and_due_today() -> None:
    # received Mon 2026-03-02: 3-day due Thu 03-05 (Tue 1, Wed 2, Thu 3)
    assert run(date(2026, 3, 2), date(2026, 3, 2)).clock("response_3day").state == "on_time"
    assert run(date(2026, 3, 2), date(2026, 3, 3)).clock("response_3day").state == "due_soon"
    report = run(date(2026, 3, 2), date(2026, 3, 5))
    assert report.clock("response_3day").state == "due_today"
    assert report.state == "due_today"
    report = run(date(2026, 3, 2), date(2026, 3, 6))
    assert report.clock("response_3day").state == "overdue"
    assert report.clock("response_3day").days_left == -1
    assert report.state == "overdue"


def test_any_written_response_meets_the_three_day_clock() -> None:
    for kind in ("acknowledged", "burdensome", "denied", "partially_fulfilled"):
        report = run(date(2026, 3, 2), date(2026, 3, 9), ClockEvent(kind, date(2026, 3, 5)))
        clock = report.clock("response_3day")
        assert (clock.state, clock.done_on) == ("met", date(2026, 3, 5)), kind
    late = run(date(2026, 3, 2), date(2026, 3, 9), ClockEvent("acknowledged", date(2026, 3, 6)))
    assert late.clock("response_3day").state == "missed"


def test_fulfilled_in_time_everything_done() -> None:
    report = run(
        date(2026, 3, 2),
        date(2026, 4, 30),
        ClockEvent("acknowledged", date(2026, 3, 4)),
        ClockEvent("fulfilled", date(2026, 3, 12)),
    )
    assert states(report) == {
        "response_3day": "met",
        "inspection_15day": "met",
        "burdensome_notice": "not_applicable",
        "reasonable_period": "not_applicable",
        "denial_15day": "met",
        "deemed_denied": "met",
    }
    assert report.state == "done"
    assert report.next_due is None
    assert (report.exposure_days, report.exposure_cents) == (0, 0)


def test_deemed_denied_and_exposure_an_acknowledgment_does_not_stop() -> None:
    # received Mon 2026-03-02; day 15 = Tue 03-17; day 16 = Wed 03-18.
    ack = ClockEvent("acknowledged", date(2026, 3, 4))
    on_day_15 = run(date(2026, 3, 2), date(2026, 3, 17), ack)
    assert on_day_15.state == "due_today"
    assert on_day_15.exposure_days == 0
    day_16 = run(date(2026, 3, 2), date(2026, 3, 18), ack)
    assert day_16.state == "deemed_denied"
    assert day_16.clock("deemed_denied").state == "overdue"
    assert day_16.clock("deemed_denied").citation == "NMSA 1978, § 14-2-11(A)"
    assert (day_16.exposure_days, day_16.exposure_cents) == (1, 10000)
    # today Fri 03-20: 03-18, 03-19, 03-20 = 3 days
    report = run(date(2026, 3, 2), date(2026, 3, 20), ack)
    assert report.state == "deemed_denied"
    assert (report.exposure_days, report.exposure_cents) == (3, 30000)
    assert any("$300.00" in w and "14-2-11(C)" in w for w in report.warnings)


def test_late_denial_freezes_exposure() -> None:
    # denied Wed 03-25: exposure 03-18 .. 03-24 = 7 days, whatever today is
    for today in (date(2026, 3, 25), date(2026, 4, 10)):
        report = run(
            date(2026, 3, 2),
            today,
            ClockEvent("acknowledged", date(2026, 3, 4)),
            ClockEvent("denied", date(2026, 3, 25)),
        )
        assert (report.exposure_days, report.exposure_cents) == (7, 70000)
        assert report.state == "done"
        assert report.clock("denial_15day").state == "missed"
        assert report.clock("denial_15day").done_on == date(2026, 3, 25)
        assert report.clock("deemed_denied").state == "missed"


def test_late_withdrawal_freezes_exposure_and_stops_clocks() -> None:
    # withdrawn Sat 03-21: exposure 03-18 .. 03-20 = 3 days
    report = run(date(2026, 3, 2), date(2026, 4, 10), ClockEvent("withdrawn", date(2026, 3, 21)))
    assert report.exposure_days == 3
    assert report.clock("response_3day").state == "missed"  # it was past due when stopped
    assert report.state == "done"


def test_forwarded_stops_every_clock() -> None:
    report = run(date(2026, 3, 2), date(2026, 4, 10), ClockEvent("forwarded", date(2026, 3, 3)))
    assert {c.state for c in report.clocks} == {"stopped", "not_applicable"}
    assert report.clock("response_3day").done_on == date(2026, 3, 3)
    assert report.state == "done"
    assert report.exposure_days == 0


def test_part_produced_and_rest_denied_answers_the_request() -> None:
    # partially fulfilled 03-10 and partially denied 03-20: answered 03-20 (the later);
    # exposure 03-18, 03-19 = 2 days
    report = run(
        date(2026, 3, 2),
        date(2026, 4, 1),
        ClockEvent("partially_fulfilled", date(2026, 3, 10)),
        ClockEvent("partially_denied", date(2026, 3, 20)),
    )
    assert report.clock("inspection_15day").done_on == date(2026, 3, 20)
    assert report.exposure_days == 2
    assert report.state == "done"
    # a partial denial alone leaves the rest unanswered: still deemed denied
    alone = run(
        date(2026, 3, 2), date(2026, 3, 20), ClockEvent("partially_denied", date(2026, 3, 5))
    )
    assert alone.state == "deemed_denied"
    assert alone.clock("denial_15day").state == "met"


def test_burdensome_path() -> None:
    received = date(2026, 3, 2)
    ack = ClockEvent("acknowledged", date(2026, 3, 4))
    notice = ClockEvent("burdensome", date(2026, 3, 10), until=date(2026, 4, 30))
    # notice within 15 days (due 03-17): the reasonable period replaces the 15-day clocks
    report = run(received, date(2026, 4, 15), ack, notice)
    assert states(report) == {
        "response_3day": "met",
        "inspection_15day": "not_applicable",
        "burdensome_notice": "met",
        "reasonable_period": "on_time",
        "denial_15day": "not_applicable",
        "deemed_denied": "on_time",
    }
    assert due(report, "burdensome_notice") == date(2026, 3, 17)
    assert due(report, "reasonable_period") == date(2026, 4, 30)
    assert due(report, "deemed_denied") == date(2026, 4, 30)
    assert report.clock("deemed_denied").citation == "NMSA 1978, § 14-2-10"
    assert report.state == "on_time"
    assert report.exposure_days == 0
    # past the reasonable period: may be deemed denied (14-2-10); no exposure computed
    past = run(received, date(2026, 5, 4), ack, notice)
    assert past.clock("reasonable_period").state == "overdue"
    assert past.state == "deemed_denied"
    assert past.exposure_days == 0
    # fulfilled after the period: missed, and done
    late = run(received, date(2026, 5, 10), ack, notice, ClockEvent("fulfilled", date(2026, 5, 6)))
    assert late.clock("reasonable_period").state == "missed"
    assert late.clock("deemed_denied").state == "missed"
    assert late.state == "done"
    # fulfilled within it: met
    met = run(received, date(2026, 5, 10), ack, notice, ClockEvent("fulfilled", date(2026, 4, 20)))
    assert met.clock("reasonable_period").state == "met"
    assert met.state == "done"


def test_burdensome_notice_after_day_15_does_not_replace_the_clocks() -> None:
    # day 15 = 03-17; notice on 03-18 is late: the 15-day clocks and exposure still run
    report = run(
        date(2026, 3, 2),
        date(2026, 3, 20),
        ClockEvent("burdensome", date(2026, 3, 18), until=date(2026, 4, 30)),
    )
    assert report.clock("burdensome_notice").state == "missed"
    assert report.clock("reasonable_period").state == "not_applicable"
    assert report.clock("inspection_15day").state == "overdue"
    assert report.state == "deemed_denied"
    assert report.exposure_days == 3
    assert any("not determined burdensome in time" in w for w in report.warnings)


def test_burdensome_notice_without_an_end_date_is_flagged() -> None:
    report = run(date(2026, 3, 2), date(2026, 3, 20), ClockEvent("burdensome", date(2026, 3, 5)))
    assert report.clock("reasonable_period").due is None
    assert any("gave no date for the additional time" in w for w in report.warnings)


def test_oral_request_has_no_clock() -> None:
    report = run(date(2026, 3, 2), date(2026, 6, 1), written=False)
    assert report.state == "no_clock"
    assert {c.state for c in report.clocks} == {"not_applicable"}
    assert all(c.due is None for c in report.clocks)
    assert (report.exposure_days, report.next_due) == (0, None)
    assert any("14-2-8(A)" in w for w in report.warnings)


def test_events_after_today_are_ignored() -> None:
    # as of 03-20, a denial recorded for 03-25 has not happened yet
    report = run(date(2026, 3, 2), date(2026, 3, 20), ClockEvent("denied", date(2026, 3, 25)))
    assert report.state == "deemed_denied"
    assert report.exposure_days == 3

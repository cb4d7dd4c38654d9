"""The statutory clocks of a request, computed from its facts (pure: no database).

How days are counted (nm-law.md section 1, "Suggested conservative handling"; the statute
defines neither unit, so all of this is this tool's reading, marked I there):

- day 0 is the day the custodian's office received the request, whatever day that is;
- the three-business-day response (14-2-8(D)) counts days after day 0 that are neither a
  Saturday, a Sunday nor a day the agency's calendar closes;
- the fifteen-day clocks (14-2-8(D), 14-2-10, 14-2-11) are calendar days, never moved to the
  next business day: a day 15 on a weekend or closed day gets a warning instead (Rule 1-006
  NMRA would move it; whether it binds a custodian is unverified).

What stops which clock:

- the 3-day clock is met by any written response: acknowledged, burdensome, denied,
  partially_denied, fulfilled, partially_fulfilled;
- the request is *answered* on the day it is fulfilled or denied in writing, or, when part was
  produced and the rest denied, on the later of the first partially_fulfilled and the first
  partially_denied. That meets the 15-day inspection and deemed-denied clocks (a
  partially_denied alone leaves the rest unanswered);
- a burdensome notice within 15 days (14-2-10) replaces the 15-day inspection and denial
  clocks with the reasonable period, due on the date the latest notice gave (`until`); past
  it the request "may be deemed denied" (14-2-10), shown by the deemed_denied clock with that
  citation;
- forwarded, withdrawn and closed stop every clock still running from that day (a clock
  already past due when stopped stays missed).

Damages exposure (14-2-11(C): up to $100 a day "from the day of noncompliance until the
written denial issues") — this tool's reading, not an award: for a written request not
determined burdensome within 15 days, every day from day 16 up to and including `today`, or
up to the day before it was answered, withdrawn, forwarded or closed when that came late. An
acknowledgment letter does not stop it. cents = days × the per-day figure in ipra.toml.

Events dated after `today` are ignored, so a report can be computed as of any day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from retention_desk.ipra.calendar import WEEKDAYS, BusinessCalendar
from retention_desk.ipra.rules import ClockRule, IpraRules, load_rules

EVENT_KINDS = (
    "acknowledged",
    "burdensome",
    "denied",
    "partially_denied",
    "fulfilled",
    "partially_fulfilled",
    "forwarded",
    "withdrawn",
    "closed",
)
RESPONSE_KINDS = frozenset(
    {"acknowledged", "burdensome", "denied", "partially_denied", "fulfilled", "partially_fulfilled"}
)
STOP_KINDS = frozenset({"forwarded", "withdrawn", "closed"})
CLOCK_STATES = (
    "on_time",
    "due_today",
    "due_soon",
    "overdue",
    "met",
    "missed",
    "stopped",
    "not_applicable",
)
RUNNING = frozenset({"on_time", "due_today", "due_soon", "overdue"})
# the request list sorts on this: most urgent first
REPORT_STATES = ("deemed_denied", "overdue", "due_today", "due_soon", "on_time", "done", "no_clock")
ORAL_CITATION = "NMSA 1978, § 14-2-8(A)"


@dataclass(frozen=True)
class ClockEvent:
    kind: str
    on_date: date
    until: date | None = None  # burdensome: the end of the additional time


@dataclass(frozen=True)
class ClockFacts:
    received_on: date
    written: bool
    events: tuple[ClockEvent, ...]


@dataclass(frozen=True)
class Clock:
    key: str
    label: str
    citation: str
    verified: bool
    due: date | None
    state: str
    done_on: date | None
    # in the clock's unit (business days for a business-day clock), negative when overdue
    days_left: int | None
    warning: str | None


@dataclass(frozen=True)
class ClockReport:
    clocks: tuple[Clock, ...]
    state: str
    next_due: date | None
    exposure_days: int
    exposure_cents: int
    warnings: tuple[str, ...]

    def clock(self, key: str) -> Clock:
        return next(c for c in self.clocks if c.key == key)


def _first(events: Iterable[ClockEvent], kinds: Iterable[str]) -> date | None:
    wanted = set(kinds)
    return min((e.on_date for e in events if e.kind in wanted), default=None)


def answered_on(events: Iterable[ClockEvent]) -> date | None:
    """The day the request was answered in full: fulfilled or denied in writing, or part
    produced and the rest denied (the later of the two partial events)."""
    events = list(events)
    whole = _first(events, ("fulfilled", "denied"))
    part_f, part_d = _first(events, ("partially_fulfilled",)), _first(events, ("partially_denied",))
    both = max(part_f, part_d) if part_f and part_d else None
    return min((d for d in (whole, both) if d is not None), default=None)


def _due(rule: ClockRule, start: date, calendar: BusinessCalendar) -> date:
    if rule.unit == "business":
        return calendar.add_business_days(start, rule.days)
    return start + timedelta(days=rule.days)


def _closed_words(d: date, calendar: BusinessCalendar) -> str | None:
    if d.weekday() >= 5:
        return f"a {WEEKDAYS[d.weekday()]}"
    if calendar.closed_on(d):
        return "a day the agency's calendar closes"
    return None


def _landing_warning(rule: ClockRule, due: date, calendar: BusinessCalendar) -> str | None:
    """A calendar-day deadline on a weekend or closed day is not moved: say so."""
    words = _closed_words(due, calendar)
    if rule.unit != "calendar" or words is None:
        return None
    before = due - timedelta(days=1)
    while not calendar.is_business_day(before):
        before -= timedelta(days=1)
    return (
        f"{rule.label}: day {rule.days} ({due.isoformat()}) is {words}; the deadline is not"
        f" moved to the next business day (IPRA is silent; this tool's reading), so answer by"
        f" {WEEKDAYS[before.weekday()]} {before.isoformat()}."
    )


def _running_state(
    due: date, today: date, calendar: BusinessCalendar, soon: int
) -> tuple[str, int]:
    business = calendar.business_days_between(today, due)
    if today > due:
        return "overdue", business
    if today == due:
        return "due_today", 0
    return ("due_soon" if business <= soon else "on_time"), business


@dataclass(frozen=True)
class _Ctx:
    calendar: BusinessCalendar
    today: date
    soon: int
    stop: date | None


def _clock(
    ctx: _Ctx,
    rule: ClockRule,
    due: date | None,
    done_on: date | None,
    *,
    key: str | None = None,
    label: str | None = None,
    citation: str | None = None,
    verified: bool | None = None,
    warning: str | None = None,
) -> Clock:
    """A clock due on `due`, met on `done_on` (if at all), stopped on ctx.stop (if at all)."""
    state: str
    days_left: int | None = None
    if done_on is not None and (ctx.stop is None or done_on <= ctx.stop):
        state = "met" if due is None or done_on <= due else "missed"
    elif ctx.stop is not None:
        done_on = ctx.stop
        state = "stopped" if due is None or ctx.stop <= due else "missed"
    elif due is None:
        state = "on_time"
    else:
        state, business = _running_state(due, ctx.today, ctx.calendar, ctx.soon)
        days_left = business if rule.unit == "business" else (due - ctx.today).days
    return Clock(
        key=key or rule.key,
        label=label or rule.label,
        citation=citation or rule.citation,
        verified=rule.verified if verified is None else verified,
        due=due,
        state=state,
        done_on=done_on,
        days_left=days_left,
        warning=warning,
    )


def _not_applicable(rule: ClockRule, warning: str | None = None) -> Clock:
    return Clock(
        key=rule.key,
        label=rule.label,
        citation=rule.citation,
        verified=rule.verified,
        due=None,
        state="not_applicable",
        done_on=None,
        days_left=None,
        warning=warning,
    )


def compute_clocks(
    facts: ClockFacts,
    calendar: BusinessCalendar,
    today: date,
    rules: IpraRules | None = None,
) -> ClockReport:
    """Every clock of a request as of `today`, the overall state, the next due date and the
    damages exposure (see the module docstring for the reading of the statute)."""
    rules = rules or load_rules()
    r = rules.clocks
    if not facts.written:
        return ClockReport(
            clocks=tuple(_not_applicable(r[k]) for k in r),
            state="no_clock",
            next_due=None,
            exposure_days=0,
            exposure_cents=0,
            warnings=(
                f"An oral request carries no statutory clock ({ORAL_CITATION}); a written"
                " request starts them.",
            ),
        )
    received = facts.received_on
    events = sorted((e for e in facts.events if e.on_date <= today), key=lambda e: e.on_date)
    stop = _first(events, STOP_KINDS)
    ctx = _Ctx(calendar, today, rules.due_soon_days, stop)
    answered = answered_on(events)
    warnings: list[str] = []
    received_closed = _closed_words(received, calendar)
    if received_closed:
        warnings.append(
            f"Received on {received_closed} ({received.isoformat()}): day 0 is still the day"
            " of receipt (this tool's reading, which errs early)."
        )

    clocks: list[Clock] = []
    # 3 business days: any written response
    response_rule = r["response_3day"]
    response_due = _due(response_rule, received, calendar)
    clocks.append(_clock(ctx, response_rule, response_due, _first(events, RESPONSE_KINDS)))

    # burdensome notice within 15 days, and the reasonable period it opens
    notice_rule, period_rule = r["burdensome_notice"], r["reasonable_period"]
    notice_due = _due(notice_rule, received, calendar)
    burdens = [e for e in events if e.kind == "burdensome"]
    timely = bool(burdens) and burdens[0].on_date <= notice_due
    if not burdens:
        clocks.append(_not_applicable(notice_rule))
    else:
        late = None
        if not timely:
            late = (
                f"The burdensome notice ({burdens[0].on_date.isoformat()}) came after day"
                f" {notice_rule.days} ({notice_due.isoformat()}): the request was not determined"
                f" burdensome in time ({notice_rule.citation}), so the 15-day clocks still run."
            )
            warnings.append(late)
        clocks.append(_clock(ctx, notice_rule, notice_due, burdens[0].on_date, warning=late))
    period_due: date | None = None
    if not timely:
        clocks.append(_not_applicable(period_rule))
    else:
        untils = [e.until for e in burdens if e.until is not None]
        period_due = untils[-1] if untils else None
        note = None
        if period_due is None:
            note = (
                "The burdensome notice gave no date for the additional time; record it (the"
                " AG Guide says the notice should state it)."
            )
        elif len(set(untils)) > 1:
            note = (
                f"A later notice moved the end of the additional time from"
                f" {untils[0].isoformat()} to {period_due.isoformat()}; whether that is still"
                f" a reasonable period ({period_rule.citation}) is for counsel."
            )
        if note:
            warnings.append(note)
        clocks.append(_clock(ctx, period_rule, period_due, answered, warning=note))

    # 15 days: permit inspection, written denial
    inspection_rule, denial_rule = r["inspection_15day"], r["denial_15day"]
    replaced = (
        f"Replaced by the reasonable period after the burdensome notice ({period_rule.citation})."
    )
    # a written denial of part is still a denial in writing for 14-2-11(B)
    denial_done = _first(events, ("denied", "partially_denied"))
    if answered is not None:
        denial_done = min(answered, denial_done or answered)
    for rule, done in ((inspection_rule, answered), (denial_rule, denial_done)):
        if timely:
            clocks.append(_not_applicable(rule, replaced))
            continue
        due = _due(rule, received, calendar)
        landing = _landing_warning(rule, due, calendar)
        clock = _clock(ctx, rule, due, done, warning=landing)
        if landing and clock.state in RUNNING:
            warnings.append(landing)
        clocks.append(clock)

    # deemed denied: after day 15, or after the reasonable period of a burdensome request
    deemed_rule = r["deemed_denied"]
    if timely:
        clocks.append(
            _clock(
                ctx,
                deemed_rule,
                period_due,
                answered,
                label="Deemed denied after the reasonable period",
                citation=period_rule.citation,
                verified=period_rule.verified,
            )
        )
    else:
        due = _due(deemed_rule, received, calendar)
        landing = _landing_warning(deemed_rule, due, calendar)
        clocks.append(_clock(ctx, deemed_rule, due, answered, warning=landing))

    # damages exposure (14-2-11(C)), the tool's reading: see the module docstring
    exposure_days = 0
    if not timely:
        first_day = received + timedelta(days=deemed_rule.days + 1)
        last_day = today
        for end in (answered, stop):
            if end is not None:
                last_day = min(last_day, end - timedelta(days=1))
        exposure_days = max(0, (last_day - first_day).days + 1)
    exposure_cents = exposure_days * rules.damages_per_day_cents
    if exposure_days:
        dollars = exposure_cents / 100
        warnings.append(
            f"Damages exposure: {exposure_days} day(s) past day {deemed_rule.days} without a"
            f" written denial, up to ${dollars:,.2f} ({rules.damages_citation}; the tool's"
            " reading of the statutory maximum, not an award)."
        )
    if stop is not None and answered is None and _first(events, ("closed",)) == stop:
        warnings.append(
            f"Closed on {stop.isoformat()} without being fulfilled or denied in writing;"
            " the clocks stopped there."
        )

    by_key = {c.key: c for c in clocks}
    ordered = tuple(by_key[k] for k in r if k in by_key)
    return ClockReport(
        clocks=ordered,
        state=_overall(ordered),
        next_due=min((c.due for c in ordered if c.state in RUNNING and c.due), default=None),
        exposure_days=exposure_days,
        exposure_cents=exposure_cents,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _overall(clocks: tuple[Clock, ...]) -> str:
    states = {c.state for c in clocks if c.state in RUNNING}
    deemed = next((c for c in clocks if c.key == "deemed_denied"), None)
    if deemed is not None and deemed.state == "overdue":
        return "deemed_denied"
    for state in ("overdue", "due_today", "due_soon", "on_time"):
        if state in states:
            return state
    return "done"

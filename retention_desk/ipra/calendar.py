"""The business-day calendar the IPRA clocks count on.

It errs early, never late: every closed day makes a three-business-day deadline later, so by
default only the ten legal holidays of NMSA 12-5-2 are closed, with 12-5-3's Sunday-to-Monday
rule. The `holidays` package dates them (its federal US calendar, `observed=False`), and each
date is checked against the statute's rule in `resources/ipra.toml`, so a change in the package
fails loudly instead of moving a deadline. The package's own US/NM calendar is NOT used as is:
it moves Presidents' Day to the day after Thanksgiving, adds Juneteenth and observes Saturday
holidays on the Friday before, none of which nm-law.md could verify. Those are offered as
suggestions (`kind = "suggested"`, never applied) that the agency adds as its own closures.

The agency's changes live in `ipra_calendar_days`: a closure it adds (`closed`) or a statutory
holiday it does not observe (`open`). The custodian confirms each year; the confirmation stores
the closed days it saw, so any later change (by the agency, or a new rules file) shows the year
as unconfirmed again. Every change is audited with the date or year only, never a name.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays as holidays_pkg
from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.rules import HolidayRule, IpraRules, load_rules

KINDS = ("statutory", "agency", "not_observed", "suggested")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AGENCY_CITATION = "agency calendar"
_NAME_LIMIT = 200


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    source: str  # where the entry comes from, in words
    citation: str
    verified: bool
    applied: bool  # whether the day is closed for the clocks
    kind: str  # statutory | agency | not_observed | suggested


@dataclass(frozen=True)
class BusinessCalendar:
    """Closed days besides weekends. Saturdays and Sundays are never business days."""

    closed: frozenset[date]

    def closed_on(self, d: date) -> bool:
        return d in self.closed

    def is_business_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.closed

    def add_business_days(self, start: date, n: int) -> date:
        """The n-th business day after `start` (day 0 is `start` itself, whatever it is)."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        d = start
        while n:
            d += timedelta(days=1)
            if self.is_business_day(d):
                n -= 1
        return d

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end`; negative when end < start.

        Counted, not walked: the request log asks this of every clock of every request, and
        a two-year-old overdue request would otherwise step through 700 days."""
        if end < start:
            return -self.business_days_between(end, start)
        closed = self._closed_weekdays
        between = bisect.bisect_right(closed, end) - bisect.bisect_right(closed, start)
        return _weekdays_through(end) - _weekdays_through(start) - between

    @functools.cached_property
    def _closed_weekdays(self) -> tuple[date, ...]:
        return tuple(sorted(d for d in self.closed if d.weekday() < 5))


def _weekdays_through(d: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) through `d`."""
    weeks, rest = divmod(d.toordinal(), 7)
    return 5 * weeks + min(rest, 5)


@dataclass(frozen=True)
class CalendarYear:
    year: int
    entries: list[Holiday]  # sorted by day, suggestions included
    confirmed_at: str | None
    confirmed_by: str | None
    confirmed: bool  # false when the applied days changed since the confirmation

    @property
    def closed_days(self) -> list[date]:
        return sorted({e.day for e in self.entries if e.applied})


# ------------------------------------------------------------------ statutory days


@functools.lru_cache(maxsize=64)
def _package_days(year: int, subdiv: str | None) -> dict[str, tuple[date, ...]]:
    """The package's holidays of `year` by name (en_US names, not observed)."""
    cal = holidays_pkg.US(years=year, subdiv=subdiv, observed=False, language="en_US")
    by_name: dict[str, list[date]] = {}
    for day, names in cal.items():
        for name in str(names).split("; "):
            by_name.setdefault(name, []).append(day)
    return {name: tuple(sorted(days)) for name, days in by_name.items()}


def _matches(rule: str, day: date) -> bool:
    """Whether `day` is the day the statute's rule (ipra.toml syntax) names in its year."""
    kind, *args = rule.split()
    if kind == "fixed":
        month, dom = (int(x) for x in args[0].split("-"))
        return (day.month, day.day) == (month, dom)
    if kind == "nth-weekday":
        month, nth, weekday = (int(x) for x in args)
        return (day.month, day.weekday(), (day.day - 1) // 7 + 1) == (month, weekday, nth)
    if kind == "last-weekday":
        month, weekday = (int(x) for x in args)
        return (day.month, day.weekday()) == (month, weekday) and (
            day + timedelta(days=7)
        ).month != month
    return False


def _statutory_day(year: int, rule: HolidayRule) -> date:
    found = _package_days(year, None).get(rule.package, ())
    if len(found) != 1:
        raise IpraError(
            f"The holidays package {holidays_pkg.__version__} has no single"
            f" {rule.package!r} in {year}, so the {year} calendar cannot be built"
            f" ({rule.name}, {rule.citation})."
        )
    if not _matches(rule.rule, found[0]):
        raise IpraError(
            f"The holidays package {holidays_pkg.__version__} dates {rule.package!r} on"
            f" {found[0].isoformat()} in {year}, which is not {rule.rule!r} as the IPRA rules"
            f" file says for {rule.name}; the {year} calendar cannot be built."
        )
    return found[0]


def statutory_holidays(year: int, rules: IpraRules | None = None) -> list[Holiday]:
    """The legal holidays of NMSA 12-5-2 in `year`, a Sunday one moved to the Monday (12-5-3),
    a Saturday one left on the Saturday. All applied. IpraError if the package lacks one."""
    rules = rules or load_rules()
    version = holidays_pkg.__version__
    out: list[Holiday] = []
    for rule in rules.holidays:
        day = _statutory_day(year, rule)
        name, citation = rule.name, rule.citation
        verified = rule.verified
        if rules.sunday_to_monday and day.weekday() == 6:
            name = f"{rule.name} (observed; {day.isoformat()} is a Sunday)"
            day += timedelta(days=1)
            citation = f"{rule.citation}; {rules.observance_citation}".rstrip("; ")
            verified = verified and rules.observance_verified
        out.append(
            Holiday(
                day=day,
                name=name,
                source=f"statute, dated by the holidays package {version}",
                citation=citation,
                verified=verified,
                applied=True,
                kind="statutory",
            )
        )
    return sorted(out, key=lambda h: h.day)


def suggested_closures(year: int, rules: IpraRules | None = None) -> list[Holiday]:
    """Closures the agency may add (never applied): ipra.toml's [[suggested]] in `year`."""
    rules = rules or load_rules()
    out: list[Holiday] = []
    for s in rules.suggested:
        kind, _, name = s.rule.partition(" ")
        days: list[tuple[date, str]] = []
        if kind in ("package", "package-nm"):
            found = _package_days(year, "NM" if kind == "package-nm" else None).get(name, ())
            days = [(d, s.name) for d in found]
        elif kind == "saturday-to-friday":
            days = [
                (h.day - timedelta(days=1), f"{s.name}: {h.name}")
                for h in statutory_holidays(year, rules)
                if h.day.weekday() == 5
            ]
        for day, label in days:
            # a weekend is closed anyway: suggesting it would change nothing
            if day.year == year and day.weekday() < 5:
                out.append(
                    Holiday(
                        day=day,
                        name=label,
                        source=f"the IPRA rules file's suggestions: {s.note}".rstrip(": "),
                        citation="",
                        verified=False,
                        applied=False,
                        kind="suggested",
                    )
                )
    return sorted(out, key=lambda h: h.day)


# ------------------------------------------------------------------- persistence


@dataclass(frozen=True)
class _Row:
    day: date
    kind: str  # closed | open
    name: str
    added_at: str
    added_by: str


def _rows(conn: Connection, years: Iterable[int] | None = None) -> list[_Row]:
    rows = conn.exec_driver_sql(
        "SELECT day, kind, name, added_at, added_by FROM ipra_calendar_days ORDER BY day"
    ).all()
    wanted = set(years) if years is not None else None
    out = [_Row(date.fromisoformat(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]
    return [r for r in out if wanted is None or r.day.year in wanted]


def _entries(conn: Connection, year: int, rules: IpraRules) -> list[Holiday]:
    rows = {r.day: r for r in _rows(conn, [year])}
    entries: list[Holiday] = []
    statutory_days = set()
    for h in statutory_holidays(year, rules):
        statutory_days.add(h.day)
        row = rows.get(h.day)
        if row is not None and row.kind == "open":
            h = Holiday(
                day=h.day,
                name=h.name,
                source=f"not observed by the agency (removed by {row.added_by}"
                f" on {row.added_at[:10]}); {h.source}",
                citation=h.citation,
                verified=h.verified,
                applied=False,
                kind="not_observed",
            )
        entries.append(h)
    for row in rows.values():
        if row.day in statutory_days:
            continue
        if row.kind == "closed":
            entries.append(
                Holiday(
                    day=row.day,
                    name=row.name,
                    source=f"agency closure (added by {row.added_by} on {row.added_at[:10]})",
                    citation=AGENCY_CITATION,
                    # the agency's own rule is unverified by definition (as disposal approval)
                    verified=False,
                    applied=True,
                    kind="agency",
                )
            )
        else:
            # a day the agency stopped observing that the rules no longer list: kept visible
            entries.append(
                Holiday(
                    day=row.day,
                    name=row.name,
                    source=f"not observed by the agency (removed by {row.added_by}"
                    f" on {row.added_at[:10]}); no longer a statutory holiday in the rules",
                    citation="",
                    verified=False,
                    applied=False,
                    kind="not_observed",
                )
            )
    closed = {e.day for e in entries if e.applied}
    entries.extend(s for s in suggested_closures(year, rules) if s.day not in closed)
    return sorted(entries, key=lambda e: (e.day, KINDS.index(e.kind)))


def load_calendar(
    conn: Connection, years: Iterable[int], rules: IpraRules | None = None
) -> BusinessCalendar:
    """The closed days of `years` inside the caller's transaction. The year after the last one
    given is always included: a deadline late in December runs into it."""
    rules = rules or load_rules()
    wanted = {int(y) for y in years}
    if wanted:
        wanted.add(max(wanted) + 1)
    closed: set[date] = set()
    for year in sorted(wanted):
        closed.update(e.day for e in _entries(conn, year, rules) if e.applied)
    return BusinessCalendar(frozenset(closed))


def _confirmation(conn: Connection, year: int) -> tuple[list[str], str, str] | None:
    row = conn.exec_driver_sql(
        "SELECT days_json, confirmed_at, confirmed_by FROM ipra_calendar_confirmations"
        " WHERE year = ?",
        (int(year),),
    ).first()
    if row is None:
        return None
    return [str(d) for d in json.loads(row[0] or "[]")], str(row[1]), str(row[2])


def _year(conn: Connection, year: int, rules: IpraRules) -> CalendarYear:
    entries = _entries(conn, year, rules)
    applied = sorted({e.day.isoformat() for e in entries if e.applied})
    confirmation = _confirmation(conn, year)
    return CalendarYear(
        year=int(year),
        entries=entries,
        confirmed_at=confirmation[1] if confirmation else None,
        confirmed_by=confirmation[2] if confirmation else None,
        confirmed=confirmation is not None and confirmation[0] == applied,
    )


def calendar_year(archive: Archive, year: int, rules: IpraRules | None = None) -> CalendarYear:
    """A year's calendar: statutory, agency and not-observed days and the suggestions."""
    rules = rules or load_rules()
    with archive.read() as conn:
        return _year(conn, year, rules)


def _weekend_refusal(day: date, what: str) -> IpraError:
    return IpraError(
        f"{day.isoformat()} is a {WEEKDAYS[day.weekday()]}, never a business day: {what}"
        " would change no deadline."
    )


def add_closure(archive: Archive, day: date, name: str, rules: IpraRules | None = None) -> Holiday:
    """Close `day` for the clocks (the agency's own closure, audited). A statutory holiday the
    agency had stopped observing is observed again. Weekends are refused: they are closed
    anyway, and an entry there would suggest the calendar does something it does not."""
    rules = rules or load_rules()
    name = " ".join(name.split())
    if not name:
        raise IpraError(f"A closure on {day.isoformat()} needs a name.")
    if len(name) > _NAME_LIMIT:
        raise IpraError(f"The closure name is longer than {_NAME_LIMIT} characters.")
    if day.weekday() >= 5:
        raise _weekend_refusal(day, "closing it")
    with archive.write() as conn:
        current = {e.day: e for e in _entries(conn, day.year, rules) if e.kind != "suggested"}
        existing = current.get(day)
        restored = False
        if existing is not None and existing.applied:
            raise IpraError(
                f"{day.isoformat()} is already closed ({existing.kind} day:"
                f" {existing.name!r}); nothing was added."
            )
        if existing is not None and existing.kind == "not_observed":
            conn.exec_driver_sql(
                "DELETE FROM ipra_calendar_days WHERE day = ? AND kind = 'open'",
                (day.isoformat(),),
            )
            restored = True
        else:
            conn.exec_driver_sql(
                "INSERT INTO ipra_calendar_days (day, kind, name, added_at, added_by)"
                " VALUES (?, 'closed', ?, ?, ?)",
                (day.isoformat(), name, timeutil.now_db(), archive.operator(conn)),
            )
        archive.audit(
            conn,
            action="ipra.calendar_add",
            object_type="ipra_calendar",
            object_ids=[day.year],
            details={"date": day.isoformat(), "restored": restored},
        )
        return next(e for e in _entries(conn, day.year, rules) if e.day == day and e.applied)


def remove_day(archive: Archive, day: date, rules: IpraRules | None = None) -> Holiday:
    """Open `day` again: an agency closure is deleted; a statutory holiday is recorded as not
    observed (the agency's office works that day). Either makes deadlines earlier, the safe
    direction, which is why no further confirmation is asked here (the year's confirmation
    lapses). Returns the entry as it now stands. IpraError for a day that is neither."""
    rules = rules or load_rules()
    with archive.write() as conn:
        current = {e.day: e for e in _entries(conn, day.year, rules) if e.kind != "suggested"}
        existing = current.get(day)
        if existing is None or not existing.applied:
            state = "already not observed" if existing is not None else "not a closed day"
            raise IpraError(
                f"{day.isoformat()} is {state} in the {day.year} calendar; nothing was removed."
            )
        if existing.kind == "agency":
            conn.exec_driver_sql(
                "DELETE FROM ipra_calendar_days WHERE day = ? AND kind = 'closed'",
                (day.isoformat(),),
            )
        else:
            if day.weekday() >= 5:
                raise _weekend_refusal(day, "not observing it")
            conn.exec_driver_sql(
                "INSERT INTO ipra_calendar_days (day, kind, name, added_at, added_by)"
                " VALUES (?, 'open', ?, ?, ?)",
                (day.isoformat(), existing.name, timeutil.now_db(), archive.operator(conn)),
            )
        archive.audit(
            conn,
            action="ipra.calendar_remove",
            object_type="ipra_calendar",
            object_ids=[day.year],
            details={"date": day.isoformat(), "kind": existing.kind},
        )
        if existing.kind == "agency":
            return Holiday(
                day=existing.day,
                name=existing.name,
                source="agency closure, removed",
                citation=existing.citation,
                verified=existing.verified,
                applied=False,
                kind="agency",
            )
        return next(e for e in _entries(conn, day.year, rules) if e.day == day)


def confirm_year(archive: Archive, year: int, rules: IpraRules | None = None) -> CalendarYear:
    """Record that the custodian checked `year`'s calendar as it stands now (audited)."""
    rules = rules or load_rules()
    with archive.write() as conn:
        current = _year(conn, year, rules)
        days = [d.isoformat() for d in current.closed_days]
        conn.exec_driver_sql(
            "INSERT INTO ipra_calendar_confirmations (year, days_json, confirmed_at,"
            " confirmed_by) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(year) DO UPDATE SET days_json = excluded.days_json,"
            " confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by",
            (int(year), json.dumps(days), timeutil.now_db(), archive.operator(conn)),
        )
        archive.audit(
            conn,
            action="ipra.calendar_confirm",
            object_type="ipra_calendar",
            object_ids=[int(year)],
            details={"year": int(year), "days": len(days)},
        )
        return _year(conn, year, rules)

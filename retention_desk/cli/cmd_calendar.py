"""`retention-desk calendar list YEAR [--json] | add DATE NAME | remove DATE | confirm YEAR`:
the business-day calendar the IPRA clocks count on.

By default only the legal holidays of NMSA 12-5-2 close a day (12-5-3 moves a Sunday one to
the Monday); the agency adds its own closures and may stop observing a statutory day. Every
line says where the day comes from and whether its rule is verified, and the year reads as
unconfirmed until the custodian confirms it (again after any change). Changes are audited
with the date or year only.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import UNVERIFIED, agency, text
from retention_desk.ipra.calendar import (
    CalendarYear,
    Holiday,
    add_closure,
    calendar_year,
    confirm_year,
    remove_day,
)
from retention_desk.ipra.errors import IpraError
from retention_desk.safetext import printable
from retention_desk.timefmt import show_time

_KIND_WORDS = {
    "statutory": "statutory holiday",
    "agency": "agency closure",
    "not_observed": "statutory holiday the agency does not observe",
    "suggested": "suggestion, not applied",
}


def register(sub: Any) -> None:
    p = sub.add_parser("calendar", help="the business-day calendar the IPRA clocks count on")
    actions = p.add_subparsers(dest="calendar_action", metavar="ACTION", required=True)
    ls = actions.add_parser(
        "list",
        help="a year's closed days, where each comes from, and suggestions",
        description="Statutory holidays (NMSA 12-5-2, 12-5-3), the agency's closures and"
        " days it does not observe, and suggested closures that are not applied.",
    )
    ls.add_argument("year", metavar="YEAR", type=int, help="e.g. 2026")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    add = actions.add_parser(
        "add",
        help="close a day for the clocks (the agency's own closure; audited)",
        description="A closed day makes three-business-day deadlines later.",
    )
    add.add_argument("day", metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("name", metavar="NAME", help="e.g. 'Day after Thanksgiving'")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add)
    rm = actions.add_parser(
        "remove",
        help="open a day: delete an agency closure, or stop observing a statutory holiday",
        description="Deadlines become earlier, never later. Audited.",
    )
    rm.add_argument("day", metavar="DATE", help="YYYY-MM-DD")
    rm.add_argument("--json", action="store_true", help="machine-readable output")
    rm.set_defaults(func=run_remove)
    confirm = actions.add_parser(
        "confirm", help="record that the custodian checked the year's calendar (audited)"
    )
    confirm.add_argument("year", metavar="YEAR", type=int, help="e.g. 2026")
    confirm.add_argument("--json", action="store_true", help="machine-readable output")
    confirm.set_defaults(func=run_confirm)


@contextmanager
def _user_errors() -> Iterator[None]:
    """IpraError (a sentence for the user) as the CLI's one-line error; it can quote a typed
    name, so it is made printable."""
    try:
        yield
    except IpraError as exc:
        raise CliError(printable(exc)) from None


def _day(typed: str) -> date:
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        raise CliError(f"DATE {printable(typed)!r} is not a date written YYYY-MM-DD.") from None
    _year(day.year)
    return day


def _year(year: int) -> int:
    if not 1900 <= year <= 2199:
        raise CliError(f"YEAR {year} is outside the years the calendar covers (1900-2199).")
    return year


def holiday_dict(h: Holiday) -> dict[str, Any]:
    return {
        "date": h.day.isoformat(),
        "name": h.name,
        "source": h.source,
        "citation": h.citation,
        "verified": h.verified,
        "applied": h.applied,
        "kind": h.kind,
    }


def year_dict(cal: CalendarYear) -> dict[str, Any]:
    return {
        "year": cal.year,
        "confirmed": cal.confirmed,
        "confirmed_at": cal.confirmed_at,
        "confirmed_by": cal.confirmed_by,
        "days": [holiday_dict(h) for h in cal.entries],
    }


def _confirmation_line(cal: CalendarYear, zone: Any) -> str:
    if cal.confirmed:
        when = show_time(cal.confirmed_at, zone)
        return f"Calendar {cal.year}: confirmed {when} by {text(cal.confirmed_by)}."
    why = "changed since it was confirmed" if cal.confirmed_at else "not yet confirmed"
    return (
        f"Calendar {cal.year}: UNCONFIRMED ({why}); check it and run"
        f" 'retention-desk calendar confirm {cal.year}'."
    )


def _entry_lines(h: Holiday) -> list[str]:
    state = "closed" if h.applied else "open"
    verified = "verified" if h.verified else UNVERIFIED
    cited = f"{text(h.citation)}, " if h.citation else ""
    return [
        f"{h.day.isoformat()} {h.day.strftime('%a')}  {state:<6}  {text(h.name)}",
        f"    {_KIND_WORDS[h.kind]}; {cited}{verified}; source: {text(h.source)}",
    ]


def _weekdays_closed(cal: CalendarYear) -> int:
    return sum(1 for d in cal.closed_days if d.weekday() < 5)


def run_list(args: argparse.Namespace) -> int:
    year = _year(args.year)
    with open_archive(args) as archive, _user_errors():
        cal = calendar_year(archive, year)
        _kind, zone = agency(archive)
    if args.json:
        print_json(year_dict(cal))
        return 0
    print(_confirmation_line(cal, zone))
    for h in cal.entries:
        print("\n".join(_entry_lines(h)))
    print(f"{_weekdays_closed(cal)} weekday(s) closed besides Saturdays and Sundays.")
    if any(h.kind == "suggested" for h in cal.entries):
        print(
            "Suggestions are not applied: each would make deadlines later. Add one the agency"
            " observes with 'retention-desk calendar add DATE NAME'."
        )
    return 0


def run_add(args: argparse.Namespace) -> int:
    day = _day(args.day)
    with open_archive(args) as archive, _user_errors():
        added = add_closure(archive, day, args.name)
        cal = calendar_year(archive, day.year)
    if args.json:
        print_json({**holiday_dict(added), "confirmed": cal.confirmed})
        return 0
    print(
        f"Closed {day.isoformat()} ({text(added.name)}, {_KIND_WORDS[added.kind]}); deadlines"
        " counted across it are later (recorded in the audit trail)."
    )
    if not cal.confirmed:
        print(f"The {day.year} calendar is unconfirmed until 'calendar confirm {day.year}'.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    day = _day(args.day)
    with open_archive(args) as archive, _user_errors():
        removed = remove_day(archive, day)
        cal = calendar_year(archive, day.year)
    if args.json:
        print_json({**holiday_dict(removed), "confirmed": cal.confirmed})
        return 0
    if removed.kind == "agency":
        what = f"Removed the agency closure on {day.isoformat()} ({text(removed.name)})"
    else:
        what = (
            f"{day.isoformat()} ({text(removed.name)}) is no longer observed: the agency's"
            " office counts it as a business day"
        )
    print(f"{what}; deadlines counted across it are earlier (recorded in the audit trail).")
    if not cal.confirmed:
        print(f"The {day.year} calendar is unconfirmed until 'calendar confirm {day.year}'.")
    return 0


def run_confirm(args: argparse.Namespace) -> int:
    year = _year(args.year)
    with open_archive(args) as archive, _user_errors():
        cal = confirm_year(archive, year)
        _kind, zone = agency(archive)
    if args.json:
        print_json(year_dict(cal))
        return 0
    print(f"{_confirmation_line(cal, zone)} {_weekdays_closed(cal)} weekday(s) closed.")
    return 0

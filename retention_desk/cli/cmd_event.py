"""`retention-desk event set NAME DATE (--query Q | --record ID ...) | list [--json]`: the dates
of events that start a series' retention ("file closed", "request fulfilled or denied").

Event-triggered series (trigger `event:NAME`) are never eligible until the user says when the
event happened for a record; `set` records that for the records a query matches and/or given
ids, reclassifies them and is audited (event name, date and counts). The date is a calendar
day in the agency's time zone, as the user gives it.
"""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import (
    add_record_option,
    code_label,
    parse_day,
    quoted,
    record_ids,
    text,
    user_errors,
)
from retention_desk.retention import effective_schedule, set_event_date
from retention_desk.retention.overview import event_dates
from retention_desk.retention.schedule import Series


def register(sub: Any) -> None:
    p = sub.add_parser(
        "event", help="dates of events that start retention (file closed...): set, list"
    )
    actions = p.add_subparsers(dest="event_action", metavar="ACTION", required=True)
    put = actions.add_parser(
        "set",
        help="record the date an event happened for some records, and reclassify them",
        description=(
            "NAME is the event of a series' trigger (event:NAME), e.g. file_closed or"
            " fulfilled_or_denied. DATE is YYYY-MM-DD. Name the records with --query,"
            " --record, or both."
        ),
    )
    put.add_argument("event", metavar="NAME")
    put.add_argument("date", metavar="DATE")
    put.add_argument("--query", metavar="Q", help="search-language query of the records")
    add_record_option(put, "record ids (several may follow)")
    put.add_argument("--json", action="store_true", help="machine-readable output")
    put.set_defaults(func=run_set)
    ls = actions.add_parser("list", help="event dates set, with how many records each")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)


def series_using(schedule: dict[str, Series], event: str) -> list[str]:
    return sorted(code for code, s in schedule.items() if s.event == event)


def run_set(args: argparse.Namespace) -> int:
    day = parse_day(args.date, "event date")  # before the archive is opened: a typo touches nothing
    ids = record_ids(args.record)
    query = (args.query or "").strip() or None
    if query is None and not ids:
        raise CliError("Name the records: --query Q, --record ID ..., or both.")
    event = args.event.strip().removeprefix("event:")
    with open_archive(args) as archive, user_errors():
        schedule = effective_schedule(archive)
        using = series_using(schedule, event)
        if not using:
            # a typo would store a date no series reads, and leave the intended event unset
            known = sorted({s.event for s in schedule.values() if s.event})
            raise CliError(
                f"No series in the schedule is triggered by event {quoted(event)}; the events"
                f" are: {', '.join(known) or '(none)'}."
            )
        count = set_event_date(archive, event, day, query=query, record_ids=ids)
    if args.json:
        print_json({"event": event, "date": day.isoformat(), "records": count, "series": using})
        return 0
    print(
        f"Set {quoted(event)} on {day.isoformat()} for {count} record(s) and reclassified them"
        " (recorded in the audit trail)."
    )
    if ids and count < len(set(ids)) and query is None:
        print(f"  {len(set(ids)) - count} of the ids given are not records in this archive.")
    print("  series it starts: " + ", ".join(code_label(c, schedule) for c in using))
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        found = event_dates(archive)
        schedule = effective_schedule(archive)
    if args.json:
        print_json(
            [
                {
                    "event": e.event,
                    "date": e.date,
                    "records": e.records,
                    "set_by": list(e.set_by),
                    "series": series_using(schedule, e.event),
                }
                for e in found
            ]
        )
        return 0
    events = sorted({s.event for s in schedule.values() if s.event})
    if not found:
        print("No event dates set.")
    for e in found:
        by = ", ".join(text(b) for b in e.set_by)
        print(f"{text(e.event):<24} {e.date}  {e.records:>6} record(s)  set by {by}")
    if events:
        print(
            "Events the schedule's series wait for: "
            + "; ".join(
                f"{e} ({', '.join(code_label(c, schedule) for c in series_using(schedule, e))})"
                for e in events
            )
        )
    return 0

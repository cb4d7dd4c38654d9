"""`retention-desk hold add NAME --reason R [--matter TEXT] [--query Q] [--record ID ...] |
list [--all] [--json] | show NAME [--limit N] [--json] | release NAME --why TEXT`: holds that
stop disposal whatever the schedule says.

A hold's scope is a query (records imported later that match it are held too), explicit
records, or both. Releasing needs a reason. Names, matters, queries and reasons stay in the
holds table; the audit rows carry ids, reason codes and counts only.
"""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import (
    add_record_option,
    agency,
    quoted,
    record_ids,
    text,
    user_errors,
)
from retention_desk.retention import REASONS, HoldInfo, list_holds, place_hold, release_hold
from retention_desk.retention.holds import REASON_WORDS
from retention_desk.retention.overview import hold_members
from retention_desk.timefmt import show_time

_REASON_ALIASES = {"ipra": "ipra_request", "ipra-request": "ipra_request"}


def register(sub: Any) -> None:
    p = sub.add_parser("hold", help="holds that stop disposal: add, list, show, release")
    actions = p.add_subparsers(dest="hold_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="place a hold on records matching a query and/or given records (audited)",
        description="Records imported later that match the query are held too.",
    )
    add.add_argument("name", metavar="NAME", help="a unique name, e.g. 'Smith v City'")
    add.add_argument("--reason", metavar="R", required=True, help="one of " + ", ".join(REASONS))
    add.add_argument("--matter", metavar="TEXT", default="", help="matter or case reference")
    add.add_argument("--query", metavar="Q", help="search-language query of the records to hold")
    add_record_option(add, "record ids to hold (several may follow)")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add)
    ls = actions.add_parser("list", help="holds in force, with the number of records each holds")
    ls.add_argument("--all", action="store_true", help="released holds too")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    show = actions.add_parser("show", help="one hold: its scope and the records it holds")
    show.add_argument("name", metavar="NAME", help="hold name (or id)")
    show.add_argument(
        "--limit", metavar="N", type=int, default=20, help="record ids to list (default 20)"
    )
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    rel = actions.add_parser("release", help="release a hold, with the reason why (audited)")
    rel.add_argument("name", metavar="NAME", help="hold name (or id)")
    rel.add_argument("--why", metavar="TEXT", required=True, help="why it is released")
    rel.add_argument("--json", action="store_true", help="machine-readable output")
    rel.set_defaults(func=run_release)


def hold_dict(hold: HoldInfo) -> dict[str, Any]:
    return {
        "id": hold.id,
        "name": hold.name,
        "reason": hold.reason,
        "matter": hold.matter,
        "query": hold.query,
        "placed_by": hold.placed_by,
        "placed_at": hold.placed_at,
        "active": hold.active,
        "released_at": hold.released_at,
        "released_by": hold.released_by,
        "release_reason": hold.release_reason,
        "records": hold.records,
    }


def find_hold(holds: list[HoldInfo], typed: str) -> HoldInfo:
    """By exact name, else by id; a hold in force wins over a released one of the same name."""
    name = typed.strip()
    named = [h for h in holds if h.name == name]
    if not named and name.isdigit():
        named = [h for h in holds if h.id == int(name)]
    if not named:
        raise CliError(f"There is no hold {quoted(typed)}; see 'retention-desk hold list --all'.")
    return sorted(named, key=lambda h: (not h.active, -h.id))[0]


def _status(hold: HoldInfo, zone: ZoneInfo) -> str:
    if hold.active:
        return "in force"
    return f"released {show_time(hold.released_at, zone)} by {text(hold.released_by)}"


def run_add(args: argparse.Namespace) -> int:
    reason = args.reason.strip().lower()
    reason = _REASON_ALIASES.get(reason, reason)
    ids = record_ids(args.record)
    with open_archive(args) as archive, user_errors():
        hold = place_hold(
            archive, args.name, reason, matter=args.matter, query=args.query, record_ids=ids
        )
    if args.json:
        print_json(hold_dict(hold))
        return 0
    print(f"Placed hold {quoted(hold.name)} (id {hold.id}, {REASON_WORDS[hold.reason]}).")
    scope = []
    if hold.query:
        scope.append(f"query {quoted(hold.query)} (later imports it matches are held too)")
    if ids:
        scope.append(f"{len(set(ids))} record(s) by id")
    print(f"  scope: {'; '.join(scope)}")
    print(f"  holds {hold.records} record(s) now (recorded in the audit trail).")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        holds = list_holds(archive, include_released=args.all)
        _kind, zone = agency(archive)
    if args.json:
        print_json([hold_dict(h) for h in holds])
        return 0
    if not holds:
        print("No holds in force." if not args.all else "No holds.")
        return 0
    for hold in holds:
        print(
            f"{hold.id:>4}  {quoted(hold.name)}  {hold.records} record(s)  [{_status(hold, zone)}]"
        )
        print(f"      reason: {REASON_WORDS.get(hold.reason, text(hold.reason))}", end="")
        print(f"; matter: {text(hold.matter)}" if hold.matter else "")
    return 0


def run_show(args: argparse.Namespace) -> int:
    if args.limit < 0:
        raise CliError("--limit must be 0 or more.")
    with open_archive(args) as archive:
        hold = find_hold(list_holds(archive, include_released=True), args.name)
        members = hold_members(archive, hold.id, args.limit)
        _kind, zone = agency(archive)
    if args.json:
        print_json(
            {
                **hold_dict(hold),
                "explicit": members.explicit,
                "by_query": members.by_query,
                "record_ids": list(members.first_ids),
            }
        )
        return 0
    print(f"Hold {quoted(hold.name)} (id {hold.id})")
    print(f"status:     {_status(hold, zone)}")
    if not hold.active:
        print(f"why:        {text(hold.release_reason)}")
    print(f"reason:     {REASON_WORDS.get(hold.reason, text(hold.reason))}")
    print(f"matter:     {text(hold.matter) or '(none)'}")
    print(f"placed:     {show_time(hold.placed_at, zone)} by {text(hold.placed_by)}")
    print(f"query:      {quoted(hold.query) if hold.query else '(none)'}")
    print(f"by id:      {members.explicit} record(s)")
    print(f"by query:   {members.by_query} record(s)")
    shown = ", ".join(str(i) for i in members.first_ids)
    more = hold.records - len(members.first_ids)
    covered = "" if hold.active else " (covered when released)"
    print(f"records:    {hold.records}{covered}" + (f": {shown}" if shown else ""), end="")
    print(f" … and {more} more (--limit N)" if more > 0 and shown else "")
    return 0


def run_release(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, user_errors():
        hold = find_hold(list_holds(archive, include_released=True), args.name)
        released = release_hold(archive, hold.id, args.why)
    if args.json:
        print_json(hold_dict(released))
        return 0
    print(
        f"Released hold {quoted(released.name)} (id {released.id}); its {released.records}"
        " record(s) stay held where another hold covers them (recorded in the audit trail)."
    )
    return 0

"""`retention-desk rule add QUERY --series CODE [--note TEXT] | list [--json] | remove ID |
test QUERY [--series CODE] [--json]`: the rules that classify records into series.

A rule is a query in the search language plus the series it assigns; a record several rules
match keeps the longest retention (1.13.4.11 NMAC). `add` and `remove` reclassify what the
rule touches and are audited (ids and counts, never the query or note); `test` writes nothing.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import (
    agency,
    code_label,
    quoted,
    text,
    user_errors,
)
from retention_desk.retention import (
    add_rule,
    effective_schedule,
    list_rules,
    remove_rule,
    test_rule,
)
from retention_desk.retention.overview import current_series
from retention_desk.timefmt import show_time


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rule", help="rules that classify records into series: add, list, remove, test"
    )
    actions = p.add_subparsers(dest="rule_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a rule (a search query and the series it assigns) and reclassify",
        description="QUERY is in the search language, e.g. 'platform:facebook kind:comment'.",
    )
    add.add_argument("query", metavar="QUERY")
    add.add_argument("--series", metavar="CODE", required=True, help="series the rule assigns")
    add.add_argument("--note", metavar="TEXT", default="", help="why the rule exists")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add)
    ls = actions.add_parser("list", help="the rules in force, in order")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    rm = actions.add_parser("remove", help="retire a rule (kept in the history) and reclassify")
    rm.add_argument("rule_id", metavar="ID", help="rule id (as listed by 'rule list')")
    rm.add_argument("--json", action="store_true", help="machine-readable output")
    rm.set_defaults(func=run_remove)
    test = actions.add_parser(
        "test",
        help="how many records a rule would claim and which would change series (writes nothing)",
    )
    test.add_argument("query", metavar="QUERY")
    test.add_argument("--series", metavar="CODE", help="series the rule would assign")
    test.add_argument("--json", action="store_true", help="machine-readable output")
    test.set_defaults(func=run_test)


def run_add(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, user_errors():
        change = add_rule(archive, args.query, args.series.strip().upper(), note=args.note)
        schedule = effective_schedule(archive)
    if args.json:
        print_json(asdict(change))
        return 0
    print(
        f"Added rule {change.rule_id}: {quoted(args.query.strip())} ->"
        f" {code_label(change.series_code, schedule)}."
    )
    print(
        f"  matches {change.matched} record(s); {change.moved} changed series or eligible date"
        " (recorded in the audit trail)."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        rules = list_rules(archive)
        schedule = effective_schedule(archive)
        _kind, zone = agency(archive)
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "position": r.position,
                    "query": r.query,
                    "series": r.series_code,
                    "verified": bool(
                        schedule.get(r.series_code) and schedule[r.series_code].verified
                    ),
                    "note": r.note,
                    "author": r.author,
                    "created_at": r.created_at,
                }
                for r in rules
            ]
        )
        return 0
    if not rules:
        print("No rules: every record is unclassified (never eligible for disposal).")
        print("Add one with: retention-desk rule add QUERY --series CODE")
        return 0
    for rule in rules:
        print(f"{rule.id:>4}  {code_label(rule.series_code, schedule)}  {quoted(rule.query)}")
        meta = f"added {show_time(rule.created_at, zone)} by {text(rule.author)}"
        print(f"      {meta}" + (f"; note: {text(rule.note)}" if rule.note else ""))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    value = args.rule_id.strip()
    if not value.isdigit():
        raise CliError(f"rule id {quoted(args.rule_id)} is not a number; see 'rule list'.")
    with open_archive(args) as archive, user_errors():
        change = remove_rule(archive, int(value))
        schedule = effective_schedule(archive)
    if args.json:
        print_json(asdict(change))
        return 0
    print(
        f"Removed rule {change.rule_id} ({code_label(change.series_code, schedule)});"
        f" it decided {change.matched} record(s), {change.moved} of which changed series or"
        " eligible date (recorded in the audit trail)."
    )
    return 0


def run_test(args: argparse.Namespace) -> int:
    query = args.query.strip()
    if not query:
        raise CliError("A rule needs a query (an empty one would claim every record).")
    with open_archive(args) as archive, user_errors():
        schedule = effective_schedule(archive)
        now = current_series(archive, query)
        result = test_rule(archive, query, args.series.strip().upper()) if args.series else None
    matched = sum(now.values())
    if args.json:
        print_json(
            {
                "query": query,
                "series": result.series_code if result else None,
                "records": matched,
                "now": [{"series": code, "records": n} for code, n in now.items()],
                "would_change": result.would_change if result else None,
                "moves": [
                    {"from": m.from_series, "to": m.to_series, "records": m.records}
                    for m in (result.moves if result else ())
                ],
            }
        )
        return 0
    print(f"The query {quoted(query)} matches {matched} record(s).")
    if now:
        print(
            "  classified now: "
            + ", ".join(f"{code_label(code, schedule)} {n}" for code, n in now.items())
        )
    if result is None:
        print("Give --series CODE to see which of them the rule would move. Nothing was written.")
        return 0
    target = code_label(result.series_code, schedule)
    print(
        f"As a rule for {target} it would claim {result.matched} record(s);"
        f" {result.would_change} would change series (longest retention wins)."
    )
    for move in result.moves:
        print(
            f"  {code_label(move.from_series, schedule)} -> {code_label(move.to_series, schedule)}:"
            f" {move.records}"
        )
    print("Nothing was written.")
    return 0

"""`retention-desk person add NUMBER "NAME" [--handle H]... --code CODE | list NUMBER |
remove NUMBER ID [--json]`: persons whose every mention, author name and handle in a request's
records is to be redacted (before charges, victims and non-law-enforcement witnesses,
14-2-1.2(A)(1); individuals accused but not charged, 14-2-1.2(A)(2)). The next
`detect NUMBER` finds them. Names are kept with the request (the request file), never in the
audit trail.
"""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli.cmd_review import review_errors
from retention_desk.cli.common import open_archive, print_json
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser("person", help="persons to redact across a request: add, list, remove")
    actions = p.add_subparsers(dest="person_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="name a person once, with the code for every mention")
    add.add_argument("number", metavar="NUMBER")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--handle", action="append", default=[], metavar="H", help="a handle")
    add.add_argument("--code", required=True, metavar="CODE", help="e.g. 14-2-1.2(A)(1)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=run_add)
    ls = actions.add_parser("list", help="the persons named for a request")
    ls.add_argument("number", metavar="NUMBER")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    rm = actions.add_parser("remove", help="stop looking for a person (decisions stay)")
    rm.add_argument("number", metavar="NUMBER")
    rm.add_argument("person", metavar="ID", type=int)
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(func=run_remove)


def _dict(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "handles": list(p.handles),
        "code": p.code,
        "added_at": p.created_at,
        "added_by": p.created_by,
    }


def run_add(args: argparse.Namespace) -> int:
    from retention_desk.review.store import add_person

    with open_archive(args) as archive, review_errors():
        person = add_person(archive, args.number, args.name, handles=args.handle, code=args.code)
    if args.json:
        print_json(_dict(person))
        return 0
    print(
        f"Person {person.id} added to {printable(args.number)} under {person.code}; run"
        f" 'retention-desk detect {printable(args.number)}' to find every mention."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from retention_desk.review.store import list_persons

    with open_archive(args) as archive, review_errors():
        persons = list_persons(archive, args.number)
    if args.json:
        print_json([_dict(p) for p in persons])
        return 0
    if not persons:
        print("No persons named for this request.")
    for p in persons:
        handles = f" ({', '.join('@' + h for h in p.handles)})" if p.handles else ""
        print(f"{p.id:>4}  {printable(p.name + handles, limit=300)}  {p.code}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from retention_desk.review.store import remove_person

    with open_archive(args) as archive, review_errors():
        remove_person(archive, args.number, args.person)
    if args.json:
        print_json({"removed": args.person})
        return 0
    print(f"Person {args.person} removed; their undecided candidates go at the next detection.")
    return 0

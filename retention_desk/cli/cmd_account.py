"""`retention-desk account ...`: the account registry (DPS OPR:37 E.5.i, Las Cruces CMP 1.12
II.1.b): the agency's accounts, the staff on them and their roles, staff authors of posts and
the unapproved-author flag.

    account list [--json]
    account add --platform P --handle H [--url U] [--department D] [--purpose T] [--opened DATE]
    account update ACCOUNT [--url U] [--department D] [--purpose T] [--opened DATE] [--status S]
    account retire ACCOUNT --on DATE
    account person add NAME [--department D] [--email E] [--platform-name N ...]
    account approve-user ACCOUNT... --person ID|NAME --role ROLE --on DATE --by NAME
    account end-role ROLE_ID --on DATE
    account author RECORD --person ID|NAME [--note T] | account author RECORD --clear
    account flags [--json]
    account import FILE | account export FILE      (.csv or .xlsx)

ACCOUNT is an id or platform:handle. Names are kept in the registry, never in the audit trail.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.safetext import printable


@contextmanager
def registry_errors() -> Iterator[None]:
    from retention_desk.oversight.registry import RegistryError

    try:
        yield
    except RegistryError as exc:
        raise CliError(printable(exc, limit=2000)) from None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "account",
        help="the account registry: accounts, staff, roles, approved users, author flags",
        description="The agency's accounts with the staff who run or may post on them."
        " ACCOUNT is an id or platform:handle.",
    )
    acts = p.add_subparsers(dest="account_action", metavar="ACTION", required=True)

    ls = acts.add_parser("list", help="the accounts with their people and roles")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    add = acts.add_parser("add", help="add an account (an imported one is updated in place)")
    add.add_argument("--platform", required=True, metavar="P")
    add.add_argument("--handle", required=True, metavar="H")
    _account_options(add)
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=run_add)

    up = acts.add_parser("update", help="change an account's registry details")
    up.add_argument("account", metavar="ACCOUNT")
    _account_options(up)
    up.add_argument("--status", choices=("active", "retired"))
    up.add_argument("--json", action="store_true")
    up.set_defaults(func=run_update)

    ret = acts.add_parser("retire", help="mark an account retired as of a date")
    ret.add_argument("account", metavar="ACCOUNT")
    ret.add_argument("--on", required=True, metavar="DATE")
    ret.add_argument("--json", action="store_true")
    ret.set_defaults(func=run_retire)

    person = acts.add_parser("person", help="staff in the registry")
    pacts = person.add_subparsers(dest="person_action", metavar="ACTION", required=True)
    padd = pacts.add_parser("add", help="add a member of staff")
    padd.add_argument("name", metavar="NAME")
    padd.add_argument("--department", default="", metavar="D")
    padd.add_argument("--email", default="", metavar="E")
    padd.add_argument(
        "--platform-name",
        dest="platform_names",
        action="append",
        default=[],
        metavar="N",
        help="a byline or handle an export may credit them by (repeatable)",
    )
    padd.add_argument("--json", action="store_true")
    padd.set_defaults(func=run_person_add)

    ap = acts.add_parser("approve-user", help="give a person a role on one or more accounts")
    ap.add_argument("accounts", metavar="ACCOUNT", nargs="+")
    ap.add_argument("--person", required=True, metavar="ID|NAME")
    ap.add_argument(
        "--role", default="approved_user", choices=("approved_user", "administrator", "liaison")
    )
    ap.add_argument("--on", required=True, metavar="DATE", help="the approval date")
    ap.add_argument("--by", required=True, metavar="NAME", help="who approved")
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(func=run_approve)

    end = acts.add_parser("end-role", help="end a role as of a date")
    end.add_argument("role", metavar="ROLE_ID", type=int)
    end.add_argument("--on", required=True, metavar="DATE")
    end.add_argument("--json", action="store_true")
    end.set_defaults(func=run_end_role)

    au = acts.add_parser("author", help="enter (or clear) the staff author of a post")
    au.add_argument("record", metavar="RECORD", type=int)
    who = au.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="ID|NAME")
    who.add_argument("--clear", action="store_true")
    au.add_argument("--note", default="", metavar="T")
    au.add_argument("--json", action="store_true")
    au.set_defaults(func=run_author)

    fl = acts.add_parser("flags", help="official posts by someone not approved that day")
    fl.add_argument("--account", metavar="ACCOUNT")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(func=run_flags)

    imp = acts.add_parser("import", help="read the registry from a CSV or XLSX file")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=run_import)

    exp = acts.add_parser("export", help="write the registry to a CSV or XLSX file")
    exp.add_argument("file", metavar="FILE")
    exp.add_argument("--json", action="store_true")
    exp.set_defaults(func=run_export)


def _account_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", metavar="U")
    p.add_argument("--department", metavar="D")
    p.add_argument("--purpose", metavar="T")
    p.add_argument("--opened", metavar="DATE")
    p.add_argument("--display-name", dest="display_name", metavar="N")


def _fields(args: argparse.Namespace) -> Any:
    from retention_desk.oversight.registry import AccountFields

    return AccountFields(
        url=args.url,
        department=args.department,
        purpose=args.purpose,
        display_name=args.display_name,
        opened_on=args.opened,
        status=getattr(args, "status", None),
    )


# --------------------------------------------------------------------------------- dicts
def account_dict(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "platform": a.platform,
        "handle": a.handle,
        "account": a.label,
        "display_name": a.display_name,
        "url": a.url,
        "department": a.department,
        "purpose": a.purpose,
        "status": a.status,
        "opened_on": a.opened_on,
        "retired_on": a.retired_on,
        "records": a.records,
        "posts": a.posts,
    }


def person_dict(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "department": p.department,
        "email": p.email,
        "platform_names": list(p.platform_names),
    }


def role_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "account_id": r.account_id,
        "person_id": r.person_id,
        "person": r.person_name,
        "role": r.role,
        "approved_on": r.approved_on,
        "approved_by": r.approved_by,
        "ended_on": r.ended_on,
    }


def flag_dict(f: Any) -> dict[str, Any]:
    return {
        "record": f.record_id,
        "account_id": f.account_id,
        "account": f.account,
        "posted_on": f.posted_on,
        "author": f.author,
        "person_id": f.person_id,
        "evidence": f.evidence,
        "reason": f.reason,
        "detail": f.detail,
    }


def _p(value: object, limit: int = 300) -> str:
    return printable(value, limit=limit)


def _role_line(r: Any) -> str:
    span = f"from {r.approved_on or '(date not recorded)'}"
    if r.ended_on:
        span += f" to {r.ended_on}"
    by = f", approved by {_p(r.approved_by, 100)}" if r.approved_by else ""
    return f"    role {r.id}: {_p(r.person_name, 100)} ({r.person_id}) {r.role} {span}{by}"


# ---------------------------------------------------------------------------------- runs
def run_list(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import registry

    with open_archive(args) as archive, registry_errors():
        snap = registry(archive)
    if args.json:
        print_json(
            {
                "accounts": [
                    {
                        **account_dict(a),
                        "roles": [role_dict(r) for r in snap.roles if r.account_id == a.id],
                    }
                    for a in snap.accounts
                ],
                "people": [person_dict(p) for p in snap.people],
            }
        )
        return 0
    if not snap.accounts:
        print("No accounts in the registry yet ('account add', or import an export).")
    for a in snap.accounts:
        dates = f"opened {a.opened_on or '?'}" + (
            f", retired {a.retired_on}" if a.retired_on else ""
        )
        print(
            f"{a.id:>4}  {_p(a.label, 120)}  {a.status}  {dates}  {a.records:,} records"
            f" ({a.posts:,} posts)"
        )
        for label, value in (("department", a.department), ("url", a.url), ("purpose", a.purpose)):
            if value:
                print(f"      {label}: {_p(value)}")
        for r in snap.roles:
            if r.account_id == a.id:
                print(_role_line(r))
    if snap.people:
        print("People:")
    for p in snap.people:
        names = f" [{', '.join(p.platform_names)}]" if p.platform_names else ""
        dept = f", {p.department}" if p.department else ""
        print(f"{p.id:>4}  {_p(p.name + dept + names)}")
    return 0


def _print_account(args: argparse.Namespace, info: Any, verb: str) -> int:
    if args.json:
        print_json(account_dict(info))
    else:
        print(f"Account {info.id} ({_p(info.label, 120)}) {verb}.")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import add_account

    with open_archive(args) as archive, registry_errors():
        info = add_account(archive, args.platform, args.handle, _fields(args))
    return _print_account(args, info, "is in the registry")


def run_update(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import update_account

    with open_archive(args) as archive, registry_errors():
        info = update_account(archive, args.account, _fields(args))
    return _print_account(args, info, "updated")


def run_retire(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import retire_account

    with open_archive(args) as archive, registry_errors():
        info = retire_account(archive, args.account, args.on)
    return _print_account(args, info, f"retired as of {info.retired_on}")


def run_person_add(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import add_person

    with open_archive(args) as archive, registry_errors():
        person = add_person(
            archive,
            args.name,
            department=args.department,
            email=args.email,
            platform_names=args.platform_names,
        )
    if args.json:
        print_json(person_dict(person))
    else:
        print(f"Person {person.id} added to the registry.")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import approve_user

    with open_archive(args) as archive, registry_errors():
        roles = approve_user(
            archive, args.accounts, args.person, role=args.role, on=args.on, by=args.by
        )
    if args.json:
        print_json([role_dict(r) for r in roles])
        return 0
    for r in roles:
        print(
            f"Role {r.id}: person {r.person_id} {r.role} of account {r.account_id}"
            f" from {r.approved_on}."
        )
    return 0


def run_end_role(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import end_role

    with open_archive(args) as archive, registry_errors():
        role = end_role(archive, args.role, args.on)
    if args.json:
        print_json(role_dict(role))
    else:
        print(f"Role {role.id} ended on {role.ended_on}.")
    return 0


def run_author(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry_authors import clear_staff_author, set_staff_author

    with open_archive(args) as archive, registry_errors():
        if args.clear:
            clear_staff_author(archive, args.record)
            result: dict[str, Any] = {"record": args.record, "person_id": None}
        else:
            got = set_staff_author(archive, args.record, args.person, note=args.note)
            result = {"record": got.record_id, "person_id": got.person_id}
    if args.json:
        print_json(result)
    elif args.clear:
        print(f"Record {args.record}: staff author cleared.")
    else:
        print(f"Record {args.record}: staff author is person {result['person_id']}.")
    return 0


def run_flags(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry import resolve_account
    from retention_desk.oversight.registry_authors import author_flags, describe

    with open_archive(args) as archive, registry_errors():
        account_id = None
        if args.account:
            with archive.read() as conn:
                account_id = resolve_account(conn, args.account)
        flags = author_flags(archive, account_id)
    if args.json:
        print_json([flag_dict(f) for f in flags])
        return 0
    if not flags:
        print("No unapproved authors found on the registry's accounts.")
    for f in flags:
        print(f"{_p(describe(f), 400)} [{_p(f.author, 100)}]")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from retention_desk.oversight.registry_import import import_registry

    with open_archive(args) as archive, registry_errors():
        summary = import_registry(archive, Path(args.file))
    if args.json:
        print_json(asdict(summary))
        return 0
    s = summary
    print(
        f"Registry imported: accounts {s.accounts_added} added, {s.accounts_updated} updated;"
        f" people {s.people_added} added, {s.people_updated} updated; roles {s.roles_added}"
        f" added, {s.roles_updated} updated; {s.unchanged} rows unchanged."
    )
    return 0


def run_export(args: argparse.Namespace) -> int:
    from retention_desk.oversight.registry_io import export_registry

    with open_archive(args) as archive, registry_errors():
        path = export_registry(archive, Path(args.file))
    if args.json:
        print_json({"file": str(path)})
    else:
        print(f"Registry written to {printable(path, limit=2000)}.")
    return 0

"""`retention-desk moderation list [--json] [--unreasoned] [--category C] [--account A]
[--year Y] [--xlsx FILE] [--csv FILE] | reason RECORD --category C --note T [--action A]
[--by NAME] [--at DATETIME] [--json] | categories [--json]`: the moderation log (Las Cruces
CMP 1.12 II.1.i, Desert Hot Springs 389.5).

`list` shows hidden and deleted comments and replies and every record an action was recorded
on, each with its latest action; removals without a recorded reason are flagged. `reason`
records who acted, when, under which category and why (`--by author` for a comment its own
author deleted). The reason stays in the log; the audit trail gets ids and the code only.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.archive.models_oversight import MODERATION_ACTIONS
from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.safetext import printable


@contextmanager
def oversight_errors() -> Iterator[None]:
    from retention_desk.oversight.moderation import ModerationError
    from retention_desk.oversight.policies import PolicyError

    try:
        yield
    except (ModerationError, PolicyError) as exc:
        raise CliError(printable(exc, limit=2000)) from None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "moderation",
        help="the moderation log: removed comments, their category, who acted and why",
    )
    actions = p.add_subparsers(dest="moderation_action", metavar="ACTION", required=True)
    ls = actions.add_parser("list", help="hidden and deleted comments with their latest action")
    ls.add_argument("--unreasoned", action="store_true", help="only removals without a reason")
    ls.add_argument("--category", metavar="C", help="the latest action's category code")
    ls.add_argument("--account", metavar="A", help="an account's handle, name or platform/handle")
    ls.add_argument("--year", metavar="Y", type=int, help="removed (or acted on) in year Y")
    ls.add_argument("--xlsx", metavar="FILE", help="write the list as an XLSX workbook")
    ls.add_argument("--csv", metavar="FILE", help="write the list as CSV")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)
    rs = actions.add_parser("reason", help="record who acted on a record, when and why")
    rs.add_argument("record", metavar="RECORD", type=int, help="the record id")
    rs.add_argument("--category", required=True, metavar="C", help="a category code ('' none)")
    rs.add_argument("--note", required=True, metavar="T", help="the reason")
    rs.add_argument(
        "--action",
        choices=MODERATION_ACTIONS,
        help="what was done (default: deleted or hidden as the archive shows, else reported)",
    )
    rs.add_argument("--by", default="", metavar="NAME", help="who acted; 'author' for its author")
    rs.add_argument("--at", default=None, metavar="DATETIME", help="when (agency time zone)")
    rs.add_argument("--json", action="store_true")
    rs.set_defaults(func=run_reason)
    cs = actions.add_parser("categories", help="the removal categories of the applying policies")
    cs.add_argument("--json", action="store_true")
    cs.set_defaults(func=run_categories)


def entry_dict(e: Any) -> dict[str, Any]:
    return {
        "record": e.record_id,
        "platform": e.platform,
        "kind": e.kind,
        "account": e.account,
        "author_name": e.author_name,
        "author_handle": e.author_handle,
        "created_at": e.created_at,
        "hidden_at": e.hidden_at,
        "deleted_at": e.deleted_at,
        "removed": e.removed,
        "unreasoned": e.unreasoned,
        "on": e.on,
        "text": e.excerpt,
        "action": e.action,
        "category": e.category,
        "acted_by": e.acted_by,
        "acted_at": e.acted_at,
        "reason": e.reason,
        "entered_at": e.entered_at,
        "entered_by": e.entered_by,
        "actions_recorded": e.action_count,
        "url": e.url,
    }


def _check_target(path: str | None) -> Path | None:
    if path is None:
        return None
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise CliError(f"The folder of {printable(target)} does not exist.")
    return target


def run_list(args: argparse.Namespace) -> int:
    from retention_desk.oversight import moderation as mod
    from retention_desk.oversight.moderation_export import write_csv, write_xlsx

    xlsx, csv_path = _check_target(args.xlsx), _check_target(args.csv)
    with open_archive(args) as archive, oversight_errors():
        entries = mod.list_moderation(
            archive,
            unreasoned_only=args.unreasoned,
            category=args.category,
            account=args.account,
            year=args.year,
        )
    if xlsx is not None:
        write_xlsx(entries, xlsx)
    if csv_path is not None:
        write_csv(entries, csv_path)
    if args.json:
        print_json([entry_dict(e) for e in entries])
        return 0
    for target in (xlsx, csv_path):
        if target is not None:
            print(f"Wrote {len(entries)} entries to {printable(target)}.")
    if xlsx is not None or csv_path is not None:
        return 0
    if not entries:
        print("No removed comments and no recorded actions match.")
    for e in entries:
        flag = mod.flag_word(e)
        what = (
            f"{e.action} / {e.category or '-'} by {e.acted_by or '?'}: {e.reason}"
            if e.action
            else "no action recorded"
        )
        print(
            f"{e.record_id:>7}  {e.on or '':<10}  {e.kind:<7}  {printable(e.account, limit=40)}"
            f"  {printable(what, limit=160)}" + (f"  [{flag}]" if flag else "")
        )
    unreasoned = sum(e.unreasoned for e in entries)
    if unreasoned:
        print(f"{unreasoned} removal(s) without a recorded reason.")
    return 0


def run_reason(args: argparse.Namespace) -> int:
    from retention_desk.oversight.moderation import record_reason

    with open_archive(args) as archive, oversight_errors():
        done = record_reason(
            archive,
            args.record,
            args.category,
            args.note,
            acted_by=args.by,
            acted_at=args.at,
            action=args.action,
        )
    if args.json:
        print_json(
            {
                "id": done.id,
                "record": done.record_id,
                "action": done.action,
                "category": done.category,
                "acted_by": done.acted_by,
                "acted_at": done.acted_at,
                "reason": done.reason,
                "entered_at": done.entered_at,
                "entered_by": done.entered_by,
            }
        )
        return 0
    print(
        f"Recorded: record {done.record_id} {done.action}"
        + (f" under {printable(done.category)}" if done.category else "")
        + "."
    )
    return 0


def run_categories(args: argparse.Namespace) -> int:
    from retention_desk.oversight.moderation import categories

    with open_archive(args) as archive, oversight_errors():
        cats = categories(archive)
    if args.json:
        print_json(
            [
                {"code": c.code, "label": c.label, "citation": c.citation, "policy": c.policy}
                for c in cats
            ]
        )
        return 0
    if not cats:
        print("No applying policy lists removal categories (Settings: policies).")
    for c in cats:
        print(
            f"{printable(c.code):<16}  {printable(c.label, limit=100)}  ({printable(c.citation)})"
        )
    return 0

"""`retention-desk subscribers [ACCOUNT] [--snapshot RECORD | --compare A B] [--json]`: the
dated follower / following / subscription snapshots of an account (CMP 1.12 II.1.e), with the
latest of each list compared with the one before it; one snapshot's members; or two snapshots
compared (added, gone). ACCOUNT is an account id or platform:handle; without one, the accounts
that have snapshots. Member names come from exports: printed with control characters shown as
\\xNN, never obeyed.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "subscribers",
        help="subscriber-list snapshots of an account: list, show one, compare two",
        description="Each follower, following or subscription list in an imported export is a"
        " dated snapshot record. ACCOUNT is an account id or platform:handle.",
    )
    p.add_argument("account", nargs="?", metavar="ACCOUNT", help="account id or platform:handle")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--snapshot", type=int, metavar="RECORD", help="one snapshot's members")
    act.add_argument(
        "--compare", type=int, nargs=2, metavar=("A", "B"), help="who was added and who is gone"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


@contextmanager
def _errors() -> Iterator[None]:
    from retention_desk.oversight.subscribers import SubscriberError

    try:
        yield
    except SubscriberError as exc:
        raise CliError(printable(exc, limit=2000)) from None


def run(args: argparse.Namespace) -> int:
    from retention_desk.oversight import subscribers as subs

    with open_archive(args) as archive, _errors(), archive.read() as conn:
        if args.snapshot is not None:
            detail = subs.show_snapshot(conn, args.snapshot)
            return _print_detail(detail, args.json)
        if args.compare is not None:
            comparison = subs.compare_snapshots(conn, args.compare[0], args.compare[1])
            return _print_comparison(comparison, args.json)
        if args.account is None:
            accounts = subs.accounts_with_lists(conn)
            return _print_accounts(accounts, args.json)
        account = subs.resolve_account(conn, args.account)
        overview = subs.account_overview(conn, account)
    return _print_overview(overview, args.json)


# ------------------------------------------------------------------------------- text
def _date(value: str | None) -> str:
    return value[:10] if value else "undated"


def entry_line(e: Any) -> str:
    """'Name (@handle) since 2024-06-01 — URL' for a member, printable."""
    parts = [e.name] if e.name else []
    if e.handle:
        parts.append(f"(@{e.handle})")
    if not parts:
        parts.append(f"account {e.member_key}")
    if e.since:
        parts.append(f"since {e.since[:10]}")
    line = " ".join(parts) + (f" \u2014 {e.url}" if e.url else "")
    return printable(line, limit=600)


def _snapshot_row(s: Any) -> str:
    return f"{s.record_id:>8}  {s.list_kind:<13} {_date(s.taken_at):<10}  {s.entry_count:>7}"


def _print_accounts(accounts: list[Any], as_json: bool) -> int:
    if as_json:
        print_json([{"account": a, "label": a.label, "snapshots": n} for a, n in accounts])
        return 0
    if not accounts:
        print("No subscriber-list snapshots in this archive (import an export that has them).")
    for account, n in accounts:
        print(f"{account.id:>5}  {printable(account.label, limit=200)}  {n} snapshot(s)")
    return 0


def _print_overview(overview: Any, as_json: bool) -> int:
    if as_json:
        print_json(
            {
                "account": overview.account,
                "label": overview.account.label,
                "snapshots": overview.snapshots,
                "latest_changes": overview.latest_changes,
            }
        )
        return 0
    label = printable(overview.account.label, limit=200)
    print(f"{label} (account {overview.account.id}): {len(overview.snapshots)} snapshot(s)")
    if overview.snapshots:
        print(f"{'record':>8}  {'list':<13} {'as of':<10}  {'entries':>7}")
    for s in overview.snapshots:
        print(_snapshot_row(s))
    for c in overview.latest_changes:
        print()
        _comparison_text(c)
    return 0


def _print_detail(detail: Any, as_json: bool) -> int:
    if as_json:
        print_json(detail)
        return 0
    s = detail.snapshot
    print(
        f"Record {s.record_id}: {s.platform} {s.list_kind} as of {_date(s.taken_at)}"
        f" ({printable(s.taken_at_source, limit=200)}), {s.entry_count} entries"
    )
    for e in detail.entries:
        print(f"{e.position:>6}  {entry_line(e)}")
    return 0


def _comparison_text(c: Any) -> None:
    print(
        f"{c.newer.list_kind}: {_date(c.older.taken_at)} (record {c.older.record_id}) to"
        f" {_date(c.newer.taken_at)} (record {c.newer.record_id}): {len(c.added)} added,"
        f" {len(c.gone)} gone, {c.kept} in both"
    )
    for e in c.added:
        print(f"  + {entry_line(e)}")
    for e in c.gone:
        print(f"  - {entry_line(e)}")


def _print_comparison(comparison: Any, as_json: bool) -> int:
    if as_json:
        print_json(comparison)
        return 0
    _comparison_text(comparison)
    return 0

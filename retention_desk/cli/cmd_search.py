"""`retention-desk search QUERY`: find records (table, JSON or CSV)."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive
from retention_desk.safetext import printable
from retention_desk.search import (
    COLUMNS,
    SORTS,
    QueryError,
    ResultRow,
    SearchEngine,
    csv_cell,
    filter_help,
    write_csv,
    write_json,
)

__all__ = ["COLUMNS", "csv_cell", "local", "one_line", "register", "run"]
TABLE_LIMIT = 50


def _count(value: str) -> int:
    """--limit/--offset: a whole number, 0 or more (a negative one is refused, not clamped)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: '{value}'") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {number}")
    return number


def register(sub: Any) -> None:
    filters = "; ".join(f"{f.name}: ({f.example})" for f in filter_help())
    p = sub.add_parser(
        "search",
        help="search the archive",
        description='Words, "exact phrases", OR, -excluded, prefix*, and filters: '
        + filters
        + ". Quote the whole query in the shell; put -- before a query that starts with -.",
    )
    p.add_argument("query", nargs="?", default="", help="the query (empty: every record)")
    p.add_argument(
        "--limit",
        type=_count,
        metavar="N",
        help=f"rows to show (table: {TABLE_LIMIT}; --json and --csv: every match)",
    )
    p.add_argument("--offset", type=_count, default=0, metavar="N", help="rows to skip (0)")
    p.add_argument(
        "--sort", choices=SORTS, default="date", help="date (newest first), oldest or relevance"
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="a JSON list of records")
    out.add_argument("--csv", action="store_true", help="CSV with a header row")
    p.add_argument(
        "--facets",
        action="store_true",
        help="also print counts per platform, account, kind and year (table output)",
    )
    p.set_defaults(func=run)


def one_line(value: object, width: int | None = None) -> str:
    """A table cell or text line: line breaks and tabs become single spaces, and any other
    control character or escape sequence is shown as visible text (safetext), never sent to
    the terminal. Cut to `width` characters with an ellipsis when given."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return printable(text, limit=width or sys.maxsize)


def local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "(no date)"


def _table(rows: list[ResultRow], tz: ZoneInfo) -> None:
    print(
        f"{'ID':>8}  {'DATE':<16}  {'PLATFORM':<9} {'KIND':<8} {'ACCOUNT':<16} {'AUTHOR':<18}"
        " FLAGS TEXT"
    )
    for row in rows:
        flags = ("D" if row.deleted else "-") + ("H" if row.hidden else "-")
        flags += "E" if row.edited else "-"
        if row.matched_versions and not row.matched_current:
            flags += "v"  # found only in an earlier version
        text = one_line(row.title + " — " + row.text if row.title else row.text, 60)
        print(
            f"{row.id:>8}  {local(row.created_at, tz):<16}  {one_line(row.platform, 9):<9}"
            f" {row.kind:<8} {one_line(row.account, 16):<16} {one_line(row.author, 18):<18}"
            f" {flags:<5} {text}"
        )


def run(args: argparse.Namespace) -> int:
    # A one-shot engine: the in-memory date cache would read every version's date (about a
    # second per 200,000) to order one page, which SQL does in milliseconds.
    with open_archive(args) as archive, SearchEngine(archive, date_cache=False) as engine:
        try:
            query = engine.parse(args.query)
            if args.json or args.csv:
                rows = engine.iter_rows(query, sort=args.sort, offset=args.offset, limit=args.limit)
                # closed before the engine even when writing fails (a closed pipe): the
                # iterator holds the engine's read transaction
                with closing(rows):
                    (write_json if args.json else write_csv)(rows, sys.stdout)
                return 0
            limit = TABLE_LIMIT if args.limit is None else args.limit
            page = engine.page(query, sort=args.sort, limit=limit, offset=args.offset)
            facets = engine.facets(query) if args.facets else None
            total = facets.total if facets else engine.count(query)
        except QueryError as exc:
            raise CliError(str(exc)) from None
        tz = engine.tz
    rows = list(page.rows)
    _table(rows, tz)
    first = page.offset + 1 if rows else 0
    print(f"Showing {first}-{page.offset + len(rows)} of {total} records ({args.sort} order).")
    if facets is not None:
        for name in ("platform", "kind", "year", "account"):
            values = getattr(facets, name)
            print(f"{name}: " + ", ".join(f"{one_line(v.label)} {v.count}" for v in values))
    return 0

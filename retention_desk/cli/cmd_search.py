"""`retention-desk search QUERY`: find records (table, JSON or CSV)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive
from retention_desk.search import SORTS, QueryError, ResultRow, SearchEngine, filter_help

COLUMNS = (
    "id",
    "platform",
    "account",
    "kind",
    "author",
    "created_at",
    "title",
    "text",
    "url",
    "deleted",
    "hidden",
    "edited",
    "thread_id",
    "matched_version",
    "matched_current",
)
# Spreadsheet programs run a cell starting with these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


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
    p.add_argument("--limit", type=int, default=50, metavar="N", help="rows to show (50)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="rows to skip (0)")
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


def row_values(row: ResultRow) -> dict[str, Any]:
    """The exported columns of one result (JSON types)."""
    data = row.to_dict()
    return {column: data.get(column) for column in COLUMNS}


def csv_cell(value: Any) -> str:
    """A CSV field as text, defused so a spreadsheet never runs it as a formula."""
    if value is None:
        cell = ""
    elif isinstance(value, bool):
        cell = "true" if value else "false"
    else:
        cell = str(value)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def write_csv(rows: list[ResultRow], stream: Any) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = row_values(row)
        writer.writerow([csv_cell(values[c]) for c in COLUMNS])


def printable(value: str | None, width: int | None = None) -> str:
    """One terminal-safe line: control characters (escape sequences too) become spaces."""
    text = "".join(" " if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch for ch in value or "")
    text = " ".join(text.split())
    if width is not None and len(text) > width:
        text = text[: width - 1] + "…"
    return text


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
        text = printable(row.title + " — " + row.text if row.title else row.text, 60)
        print(
            f"{row.id:>8}  {local(row.created_at, tz):<16}  {printable(row.platform, 9):<9}"
            f" {row.kind:<8} {printable(row.account, 16):<16} {printable(row.author, 18):<18}"
            f" {flags:<5} {text}"
        )


def run(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, SearchEngine(archive) as engine:
        try:
            query = engine.parse(args.query)
            page = engine.page(query, sort=args.sort, limit=args.limit, offset=args.offset)
            facets = engine.facets(query) if args.facets and not (args.json or args.csv) else None
            total = (
                facets.total
                if facets
                else (None if (args.json or args.csv) else engine.count(query))
            )
        except QueryError as exc:
            raise CliError(str(exc)) from None
        tz = engine.tz
    rows = list(page.rows)
    if args.json:
        json.dump([row_values(r) for r in rows], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if args.csv:
        write_csv(rows, sys.stdout)
        return 0
    _table(rows, tz)
    first = page.offset + 1 if rows else 0
    print(f"Showing {first}-{page.offset + len(rows)} of {total} records ({args.sort} order).")
    if facets is not None:
        for name in ("platform", "kind", "year", "account"):
            values = getattr(facets, name)
            print(f"{name}: " + ", ".join(f"{printable(v.label)} {v.count}" for v in values))
    return 0

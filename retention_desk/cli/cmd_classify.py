"""`retention-desk classify [--json]`: (re)classify every record under the rules in force and
print what the archive holds per series, unclassified, eligible now and held.

Classification is audited (`retention.classify`, counts only). `--json` keys are an interface
agencies' scripts read: `series` (list of {code, title, records, eligible, held}), `records`,
`eligible`, `held`, `unclassified`; more keys may be added, none renamed.
"""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli.common import open_archive, print_json, stderr_progress
from retention_desk.cli.retention_text import (
    UNVERIFIED,
    code_label,
    text,
    user_errors,
)
from retention_desk.retention import classify, effective_schedule
from retention_desk.retention.overview import series_counts


def register(sub: Any) -> None:
    p = sub.add_parser(
        "classify",
        help="classify every record into its series; counts per series, unclassified, eligible",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    shown = stderr_progress(not args.json)

    def progress(done: int, total: int) -> None:
        if shown is not None:
            shown(done, total, "classifying records")

    with open_archive(args) as archive, user_errors():
        summary = classify(archive, progress=progress)
        schedule = effective_schedule(archive)
        counts = series_counts(archive)
    rows = []
    for code in sorted(set(summary.per_series) | set(counts)):
        series = schedule.get(code)
        found = counts.get(code)
        rows.append(
            {
                "code": code,
                "title": series.title if series else "",
                "verified": bool(series and series.verified),
                "records": found.records if found else summary.per_series.get(code, 0),
                "eligible": found.eligible if found else 0,
                "held": found.held if found else 0,
            }
        )
    if args.json:
        print_json(
            {
                "series": rows,
                "records": summary.records,
                "classified": summary.classified,
                "eligible": summary.eligible_now,
                "held": summary.held,
                "unclassified": summary.unclassified,
                "moved": summary.moved,
                "notes": list(summary.notes),
            }
        )
        return 0
    print(f"Classified {summary.records} record(s); {summary.moved} changed series or date.")
    if rows:
        width = max(len(code_label(r["code"], schedule)) for r in rows)
        print(f"  {'series':<{width}}  {'records':>8}  {'eligible':>8}  {'held':>6}  title")
        for r in rows:
            print(
                f"  {code_label(r['code'], schedule):<{width}}  {r['records']:>8}"
                f"  {r['eligible']:>8}  {r['held']:>6}  {text(r['title'])}"
            )
    print(f"Unclassified: {summary.unclassified} (no rule files them: never eligible)")
    print(f"Eligible now: {summary.eligible_now} (retention run out, no hold)")
    print(f"Held:         {summary.held}")
    if any(not r["verified"] for r in rows):
        print(f"Series marked {UNVERIFIED} rest on an unchecked rule; confirm them first.")
    for note in summary.notes:
        print(f"Note: {text(note)}")
    return 0

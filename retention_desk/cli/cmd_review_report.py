"""`retention-desk review-report YEAR [--pdf FILE] [--xlsx FILE] [--account A] [--json]`: the
annual review of the agency's social-media use (Desert Hot Springs 389.6) for a calendar
year in the agency's time zone: activity per account and kind, removed content by category,
incidents of inappropriate content and their resolution, requests received and fulfilled,
disposal actions. See retention_desk.oversight.annual for what each figure counts.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.cmd_moderation import oversight_errors
from retention_desk.cli.common import open_archive, print_json
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "review-report",
        help="the annual review of social-media use (389.6) as PDF and XLSX",
    )
    p.add_argument("year", metavar="YEAR", type=int)
    p.add_argument("--pdf", metavar="FILE", help="write the review as a PDF")
    p.add_argument("--xlsx", metavar="FILE", help="write the review as an XLSX workbook")
    p.add_argument("--account", metavar="A", help="one account (handle, name or platform/handle)")
    p.add_argument("--json", action="store_true", help="the figures as JSON")
    p.set_defaults(func=run)


def review_dict(review: Any) -> dict[str, Any]:
    return {
        "year": review.year,
        "account": review.account or None,
        "agency": review.agency_name,
        "time_zone": review.time_zone,
        "generated_at": review.generated_at,
        "activity": [
            {"account": r.account, "account_id": r.account_id, **r.by_kind, "total": r.total}
            for r in review.activity
        ],
        "totals": review.totals,
        "undated": review.undated,
        "removed": {
            "total": review.removed_total,
            "by_category": review.removed_by_category(),
            "rows": review.removed,
        },
        "incidents": {
            "total": review.incidents_total,
            "by_resolution": review.incidents_by_resolution(),
            "rows": review.incidents,
            "records": review.incident_records,
        },
        "requests": {
            "received": review.requests.received,
            "fulfilled": review.requests.fulfilled,
            "fulfilled_in_year": review.requests.fulfilled_in_year,
            "open": review.requests.open,
            "by_status": review.requests.by_status,
            "for_account": review.requests.for_account,
        },
        "disposal": {
            "reports_approved": list(review.disposal.reports_approved),
            "records_destroyed": review.disposal.records_destroyed,
            "destroyed_by_kind": review.disposal.destroyed_by_kind,
        },
        "notes": review.notes,
    }


def _target(path: str | None) -> Path | None:
    if path is None:
        return None
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise CliError(f"The folder of {printable(target)} does not exist.")
    return target


def run(args: argparse.Namespace) -> int:
    from retention_desk.oversight.annual import annual_review
    from retention_desk.oversight.annual_export import summary_table, write_pdf, write_xlsx

    pdf, xlsx = _target(args.pdf), _target(args.xlsx)
    with open_archive(args) as archive, oversight_errors():
        review = annual_review(archive, args.year, args.account)
    if pdf is not None:
        write_pdf(review, pdf)
    if xlsx is not None:
        write_xlsx(review, xlsx)
    if args.json:
        print_json(review_dict(review))
        return 0
    scope = f" of {printable(review.account)}" if review.account else ""
    print(f"Annual review {review.year}{scope} ({review.time_zone}):")
    for label, count in summary_table(review)[1]:
        print(f"  {label:<46} {count:>7}")
    for target in (pdf, xlsx):
        if target is not None:
            print(f"Wrote {printable(target)}.")
    return 0

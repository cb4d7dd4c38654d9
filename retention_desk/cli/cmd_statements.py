"""`retention-desk statements check [--json] [--account ACCOUNT] [--pdf FILE] [--xlsx FILE]`:
the required page statements of the policies in force (the `policies` setting) checked per
account of the agency against its profile records, pinned posts and web captures of its page:
present, missing or no evidence, with the record and date that shows it. `--pdf`/`--xlsx`
write the report for the public information officer.

`retention-desk statements list [--json]`: the required statements with their citations and
the phrases that show them (edit `resources/policies/*.toml` to change the phrases).
"""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli.common import open_archive, print_json, stderr_progress
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "statements",
        help="required page statements of the agency's social-media policies: list, check",
        description="The statements the policies in force (Settings: policies) require of"
        " every page, checked against the archive's profile records and web captures.",
    )
    actions = p.add_subparsers(dest="statements_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="check every account of the agency: present, missing, no evidence"
    )
    check.add_argument(
        "--account", metavar="ACCOUNT", help="only this account (id, handle or platform:handle)"
    )
    check.add_argument("--pdf", metavar="FILE", help="write the report as PDF")
    check.add_argument("--xlsx", metavar="FILE", help="write the report as an Excel workbook")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(func=run_check)
    ls = actions.add_parser("list", help="the required statements with citations and phrases")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)


def run_list(args: argparse.Namespace) -> int:
    from retention_desk.oversight.policies import policies_for

    with open_archive(args) as archive:
        applying = policies_for(archive)
    if args.json:
        print_json(
            [
                {
                    "policy": p.id,
                    "name": p.name,
                    "source": p.source,
                    "statements": [
                        {
                            "id": s.id,
                            "citation": s.citation,
                            "must_say": s.must_say,
                            "condition": s.condition,
                            "quote": s.quote,
                            "phrases": list(s.phrases),
                            "verified": s.verified,
                            "note": s.note,
                        }
                        for s in p.statements
                    ],
                }
                for p in applying
            ]
        )
        return 0
    for p in applying:
        print(f"{printable(p.name, limit=300)} ({p.id})")
        if not p.statements:
            print("  requires no page statements")
        for s in p.statements:
            condition = f" ({printable(s.condition)})" if s.condition else ""
            print(f"  {printable(s.citation)}  {printable(s.must_say, limit=300)}{condition}")
            for phrase in s.phrases:
                print(f"      {printable(phrase, limit=300)}")
    return 0


def _result_dict(r: Any) -> dict[str, Any]:
    return {
        "policy": r.policy,
        "statement": r.statement,
        "citation": r.citation,
        "must_say": r.must_say,
        "condition": r.condition,
        "status": r.status,
        "record": r.record_id,
        "record_date": r.record_date,
        "evidence": r.evidence_source,
        "phrase": r.phrase,
        "found": r.found,
    }


def check_dict(check: Any) -> dict[str, Any]:
    return {
        "checked_at": check.checked_at,
        "policies": list(check.policies),
        "counts": check.counts(),
        "accounts": [
            {
                "id": acc.account.id,
                "platform": acc.account.platform,
                "handle": acc.account.handle,
                "display_name": acc.account.display_name,
                "url": acc.account.url,
                "official": acc.account.is_official,
                "status": acc.account.status,
                "evidence": [
                    {
                        "record": e.record_id,
                        "source": e.source,
                        "date": e.date,
                        "date_basis": e.date_basis,
                        "url": e.url,
                    }
                    for e in acc.evidence
                ],
                "results": [_result_dict(r) for r in acc.results],
            }
            for acc in check.accounts
        ],
    }


def run_check(args: argparse.Namespace) -> int:
    from retention_desk.oversight.statements import check_statements
    from retention_desk.oversight.statements_report import account_label, rows, write_pdf

    with open_archive(args) as archive:
        check = check_statements(
            archive, account=args.account, progress=stderr_progress(not args.json)
        )
        agency = archive.settings().agency_name
    written: list[str] = []
    if args.pdf:
        written.append(str(write_pdf(check, args.pdf, agency=agency)))
    if args.xlsx:
        from retention_desk.oversight.statements_report import write_xlsx

        written.append(str(write_xlsx(check, args.xlsx, agency=agency)))
    if args.json:
        print_json({**check_dict(check), "written": written})
        return 0
    counts = check.counts()
    print(
        f"{len(check.accounts)} account(s) against {len(check.policies)} polic"
        f"{'y' if len(check.policies) == 1 else 'ies'}: {counts['present']} present,"
        f" {counts['missing']} missing, {counts['no evidence']} without evidence."
    )
    for acc in check.accounts:
        print(account_label(acc))
        for row in rows(type(check)(check.checked_at, (), (), (acc,))):
            evidence = (
                f"record {row.record} ({row.source}, {row.date} UTC)"
                if row.record is not None
                else "-"
            )
            found = f"  {row.phrase}" if row.phrase else ""
            print(
                f"  {row.status:<11}  {row.citation:<22}  {evidence}{found}\n"
                f"               {row.must_say}"
            )
    for path in written:
        print(f"Report written to {printable(path, limit=2000)}.")
    return 0

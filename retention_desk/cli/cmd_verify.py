"""`retention-desk verify`: integrity, content seals, fixity and the audit chain, read-only.

Exit 0 when every check ran and held, 1 when any failed, 2 when none failed but some could not
run (busy: another program was writing).
"""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive.verify import verify_and_record
from retention_desk.cli import CliError
from retention_desk.cli.common import archive_path, print_json, register_hooks, stderr_progress
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "verify",
        help="check integrity, content seals, fixity of every original and the audit chain",
        description="Check the archive without changing it. Exit 0: every check held; 1: a"
        " check failed; 2: no failure, but a check could not run (the archive was busy).",
    )
    p.add_argument(
        "--anchor",
        metavar="FILE",
        help="also check the audit trail against an anchor file exported earlier"
        " ('retention-desk anchor export')",
    )
    p.add_argument(
        "--no-record",
        action="store_true",
        help="do not write the result into the archive's audit trail",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    given = None
    if args.anchor:
        try:
            given = anchor_mod.load(args.anchor)
        except anchor_mod.AnchorError as exc:
            raise CliError(str(exc)) from None
    path = archive_path(args)
    if not path.exists():
        raise CliError(f"{path} does not exist. Create it with 'retention-desk init'.")
    register_hooks()  # names records the destruction ledger says this file should not hold
    progress = stderr_progress(not args.json)
    if args.no_record:
        from retention_desk.archive.verify import verify_path

        report = verify_path(path, anchor=given, progress=progress)
    else:
        report = verify_and_record(
            path, anchor=given, progress=progress, operator=getattr(args, "operator", None)
        )
    if args.json:
        print_json(report.to_dict())
    else:
        labels = {"ok": "ok     ", "fail": "FAIL   ", "not run": "NOT RUN"}
        for check in report.checks:
            print(f"{labels[check.status]} {check.name:<18} {printable(check.detail)}")
        for failure in report.failures:
            print(f"FAILURE: {printable(failure)}")
        for note in report.notes:
            print(f"Note: {printable(note)}")
        if report.audit_head:
            print(f"Audit head: row {report.audit_rows}, hash {report.audit_head}")
        outcome = report.outcome
        if outcome == "pass":
            print("Archive verified: all checks passed.")
        elif outcome == "incomplete":
            names = ", ".join(c.name for c in report.not_run)
            print(f"Archive checks passed, but some could not run ({names}): verify again later.")
        elif outcome == "cancelled":
            print("Verification cancelled.")
        else:
            print(f"Archive verification FAILED: {len(report.failures)} problem(s).")
    return {"pass": 0, "incomplete": 2}.get(report.outcome, 1)

"""`retention-desk verify`: integrity, fixity and audit-chain checks. Exit 1 when any fails."""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.archive.verify import verify_archive
from retention_desk.cli.common import open_archive, print_json, stderr_progress


def register(sub: Any) -> None:
    p = sub.add_parser(
        "verify", help="check integrity, fixity of every original and the audit chain"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        report = verify_archive(archive, progress=stderr_progress(not args.json))
    if args.json:
        print_json(report.to_dict())
    else:
        for check in report.checks:
            print(f"{'ok  ' if check.ok else 'FAIL'} {check.name:<18} {check.detail}")
        for failure in report.failures:
            print(f"FAILURE: {failure}")
        print(f"Audit head hash: {report.audit_head}")
        print(
            "Archive verified: all checks passed."
            if report.ok
            else f"Archive verification FAILED: {len(report.failures)} problem(s)."
        )
    return 0 if report.ok else 1

"""`retention-desk backup DEST`: consistent online copy, verified before it is reported done."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.archive.backup import backup_archive
from retention_desk.cli.common import open_archive, print_json, stderr_progress


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="copy the archive to DEST and verify the copy")
    p.add_argument("dest", metavar="DEST", help="new file to write (must not exist)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        result = backup_archive(archive, Path(args.dest), progress=stderr_progress(not args.json))
    if args.json:
        print_json(result)
    else:
        print(f"Backup written to {result.path} ({result.size} bytes)")
        print(f"SHA-256 {result.sha256}")
        print("Backup verified." if result.verified else "Backup FAILED verification:")
        for failure in result.failures:
            print(f"  {failure}")
    return 0 if result.verified else 1

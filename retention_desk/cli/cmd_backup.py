"""`retention-desk backup DEST`: consistent online copy, verified before it is reported done.

The copy is written beside DEST under a temporary name and moved to DEST only once verified,
so DEST is a whole verified backup or absent. A copy that fails verification raises (one-line
error, exit 1). The "done" line carries the copy's audit head: keep it outside the archive.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.archive.backup import backup_archive
from retention_desk.cli.common import open_archive, print_json, stderr_progress


def register(sub: Any) -> None:
    p = sub.add_parser(
        "backup",
        help="copy the archive to DEST and verify the copy",
        description="Copy the archive to DEST and verify the copy. It is written beside DEST"
        " as .DEST.partial-PID-RANDOM and moved to DEST only once verified, so DEST is a whole"
        " verified backup or absent; such .partial- files left by a killed backup are not"
        " backups and are removed by the next backup to the same DEST.",
    )
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
        print(f"Backup verified: audit trail {result.audit_rows} rows, head {result.audit_head}")
        for note in result.notes:
            print(f"Note: {note}")
    return 0

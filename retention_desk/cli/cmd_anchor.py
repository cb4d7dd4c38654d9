"""`retention-desk anchor show|export FILE`: the audit trail's head, to keep outside the archive.

An exported anchor is a small JSON file (archive identity, row count, head hash). Kept anywhere
the archive's holder cannot change it, it lets `verify --anchor FILE` prove later that no audit
row up to that point was cut off or rewritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive import audit, settings, timeutil
from retention_desk.cli.common import open_archive, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("anchor", help="show or export the audit trail's head (row count, hash)")
    verbs = p.add_subparsers(dest="verb", metavar="show|export", required=True)
    show = verbs.add_parser("show", help="print the current head")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=run_show)
    exp = verbs.add_parser("export", help="write the current head to a small anchor file")
    exp.add_argument("file", metavar="FILE", help="where to write the anchor (must not exist)")
    exp.set_defaults(func=run_export)


def current(args: argparse.Namespace) -> anchor_mod.Anchor:
    with open_archive(args) as archive, archive.read() as conn:
        rows, head = audit.head(conn)
        identity = str(settings.get_value(conn, "archive.uuid", "") or "")
        return anchor_mod.Anchor(
            archive_uuid=identity,
            rows=rows,
            head=head,
            at=timeutil.now_db(),
            path=str(archive.path),
        )


def run_show(args: argparse.Namespace) -> int:
    found = current(args)
    if args.json:
        print_json(found.to_dict())
    else:
        print(f"Archive {found.archive_uuid}: audit head at row {found.rows}, hash {found.head}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    found = current(args)
    dest = Path(args.file).expanduser()
    anchor_mod.export(found, dest)
    print(f"Anchor written to {dest}: row {found.rows}, hash {found.head}")
    return 0

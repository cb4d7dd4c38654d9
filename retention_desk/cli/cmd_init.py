"""`retention-desk init`: create an empty archive."""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.archive import Archive
from retention_desk.cli.common import archive_path


def register(sub: Any) -> None:
    p = sub.add_parser("init", help="create a new, empty archive")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = archive_path(args)
    archive = Archive.create(path, operator=args.operator)
    archive.close()
    print(f"Created archive {archive.path}")
    return 0

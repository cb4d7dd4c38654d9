"""`retention-desk gui` (the default): open the main window."""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli.common import archive_path


def register(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the main window (the default command)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from retention_desk.ui.app import run_gui  # Qt is loaded only here

    return run_gui(archive_path(args) if args.archive else None, operator=args.operator)

"""`retention-desk demo`: build a synthetic demo archive and open it in the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from retention_desk.displaycheck import display_problem
from retention_desk.paths import demo_archive_path


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help="open the app on a built-in synthetic demo archive")
    p.add_argument("--rebuild", action="store_true", help="regenerate the demo archive")
    p.add_argument("--no-gui", action="store_true", help="only build the demo archive")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from retention_desk.demo import ensure_demo_archive

    if not args.no_gui:
        # Checked before building, so a machine that cannot show the window is told at once.
        problem = display_problem()
        if problem:
            print(f"retention-desk: {problem}", file=sys.stderr)
            return 1
    path = Path(args.archive).expanduser() if args.archive else demo_archive_path()
    archive_file = ensure_demo_archive(path, rebuild=args.rebuild)
    print(f"Demo archive: {archive_file}")
    if args.no_gui:
        return 0
    from retention_desk.ui.app import run_gui

    return run_gui(archive_file, operator=args.operator)

"""`retention-desk review-report` (being built in this session: replaced by its module)."""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.cli import CliError


def register(sub: Any) -> None:
    p = sub.add_parser("review-report", help="(being built)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise CliError("retention-desk review-report is not in this build yet.")

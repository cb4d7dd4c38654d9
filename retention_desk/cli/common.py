"""Helpers shared by the CLI commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from retention_desk.archive import Archive
from retention_desk.paths import default_archive_path


def archive_path(args: argparse.Namespace) -> Path:
    return Path(args.archive).expanduser() if args.archive else default_archive_path()


def open_archive(args: argparse.Namespace) -> Archive:
    return Archive.open(archive_path(args), operator=getattr(args, "operator", None))


def _json_default(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def print_json(value: Any) -> None:
    """JSON on stdout; dataclasses at any depth become objects, times ISO 8601."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=_json_default)
    sys.stdout.write("\n")


def stderr_progress(enabled: bool) -> Callable[[int, int, str], None] | None:
    """A one-line progress display on stderr when it is a terminal."""
    if not enabled or not sys.stderr.isatty():
        return None
    last = {"text": ""}

    def report(done: int, total: int, message: str) -> None:
        pct = f"{100 * done // total:3d}%" if total else "    "
        line = f"\r{pct} {message[:70]:<70}"
        if line != last["text"]:
            sys.stderr.write(line)
            sys.stderr.flush()
            last["text"] = line
        if total and done >= total:
            sys.stderr.write("\r" + " " * 76 + "\r")

    return report

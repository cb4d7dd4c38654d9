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
from retention_desk.archive.anchor import anchors_dir
from retention_desk.archive.store import OPEN_HOOKS
from retention_desk.archive.verify import CHECK_HOOKS
from retention_desk.paths import default_archive_path
from retention_desk.safetext import printable


def archive_path(args: argparse.Namespace) -> Path:
    return Path(args.archive).expanduser() if args.archive else default_archive_path()


_REAPPLY = "retention_desk.disposal.reapply"


def _reapply_on_open(archive: Archive) -> list[str]:
    """Archive.open hook: re-apply recorded destructions to an older copy (disposal/reapply.py).
    The disposal package costs ~0.4 s to import, so it is loaded only on a computer whose
    destruction ledger (beside the anchors, `<identity>.destroyed.jsonl`) exists at all."""
    if any(getattr(h, "__module__", "") == _REAPPLY for h in OPEN_HOOKS):
        return []  # the real hook is registered (GUI, tests): it runs anyway
    if not any(anchors_dir().glob("*.destroyed.jsonl")):
        return []
    from retention_desk.disposal.reapply import on_open

    return on_open(archive)


def _reapply_check(path: Path) -> tuple[list[str], list[str]]:
    """verify's hook: records this file holds that the destruction ledger says were destroyed
    (disposal/reapply.py), loaded only where a ledger exists, as `_reapply_on_open`."""
    if any(getattr(h, "__module__", "") == _REAPPLY for h in CHECK_HOOKS):
        return [], []
    if not any(anchors_dir().glob("*.destroyed.jsonl")):
        return [], []
    from retention_desk.disposal.reapply import verify_check

    return verify_check(path)


def register_hooks() -> None:
    """The CLI's light hooks into Archive.open and verify (idempotent)."""
    if _reapply_on_open not in OPEN_HOOKS:
        OPEN_HOOKS.append(_reapply_on_open)
    if _reapply_check not in CHECK_HOOKS:
        CHECK_HOOKS.append(_reapply_check)


def open_archive(args: argparse.Namespace) -> Archive:
    """Open the archive; notes from opening it (destructions re-applied) go to stderr."""
    register_hooks()
    archive = Archive.open(archive_path(args), operator=getattr(args, "operator", None))
    for note in archive.open_notes:
        print(f"Note: {printable(note)}", file=sys.stderr)
    return archive


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

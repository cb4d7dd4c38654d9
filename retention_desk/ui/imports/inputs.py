"""Which inputs the Import page takes, and why it refuses the others (no Qt here).

A file the page cannot use is never dropped silently: each refusal is a sentence naming the
file and the reason, shown beside the input list.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from retention_desk.archive import ARCHIVE_SUFFIX


@dataclass(frozen=True)
class Refusal:
    path: str
    reason: str

    def sentence(self) -> str:
        return f"{Path(self.path).name or self.path}: {self.reason}"


def input_problem(path: Path, listed: list[str]) -> str | None:
    """Why `path` cannot be added to the inputs already `listed`; None when it can."""
    shown = str(path)
    if shown in listed:
        return "already in the list"
    try:
        info = path.stat()
    except FileNotFoundError:
        return "does not exist (moved or deleted?)"
    except PermissionError:
        return "cannot be read: permission denied"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return "is not a file or a folder (a device or a pipe)"
    if not os.access(path, os.R_OK):
        return "cannot be read: permission denied"
    if stat.S_ISREG(info.st_mode):
        if info.st_size == 0:
            return "is empty (0 bytes): there is nothing in it to import"
        if path.suffix.lower() == ARCHIVE_SUFFIX:
            return "is a Retention Desk archive, not an export (open it with File › Open)"
    for other in listed:
        if path.is_relative_to(other) and Path(other).is_dir():
            return f"is inside {other}, which is already in the list"
        if Path(other).is_relative_to(path) and stat.S_ISDIR(info.st_mode):
            return f"holds {other}, which is already in the list (remove that first)"
    return None


def sort_inputs(paths: list[str], listed: list[str]) -> tuple[list[str], list[Refusal]]:
    """The paths to add (in order) and a refusal for each of the others."""
    accepted: list[str] = []
    refused: list[Refusal] = []
    for raw in paths:
        if not raw:
            continue
        path = Path(raw).expanduser()
        problem = input_problem(path, [*listed, *accepted])
        if problem is None:
            accepted.append(str(path))
        else:
            refused.append(Refusal(str(path), problem))
    return accepted, refused

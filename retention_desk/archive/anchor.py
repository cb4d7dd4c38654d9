"""The audit chain's head, kept outside the archive.

A hash chain cannot show its own tail being cut off, or the whole chain being recomputed by
someone who rewrote the archive: both leave a chain that is valid on its own. What exposes
them is a head (row count and hash) written down somewhere the archive's holder does not
control. The app keeps one per archive in the user's data folder, moved forward after every
write that adds audit rows; `verify` checks the archive against it, and an anchor exported to a
small file (`retention-desk anchor export FILE`) can be kept anywhere (e-mailed, printed) and
checked with `verify --anchor FILE`.

Anchors are kept per archive identity *and* path: a backup copy has the archive's identity but
an older, shorter chain, which is not a truncation. An anchor never moves backwards, so a race
between two processes can only leave an older (still true) head, never a false one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from retention_desk import paths

FORMAT = "retention-desk audit anchor"
VERSION = 1


@dataclass(frozen=True)
class Anchor:
    archive_uuid: str
    rows: int
    head: str
    at: str
    path: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, **asdict(self)}


class AnchorError(ValueError):
    """An anchor file that cannot be read; the message names the file and the reason."""


def anchors_dir() -> Path:
    return paths.data_dir() / "anchors"


def _store_path(archive_uuid: str) -> Path:
    safe = "".join(c for c in archive_uuid if c.isalnum() or c == "-")[:64] or "unknown"
    return anchors_dir() / f"{safe}.json"


def _read_store(archive_uuid: str) -> dict[str, Any]:
    try:
        data = json.loads(_store_path(archive_uuid).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def kept(archive_uuid: str, archive_path: Path) -> Anchor | None:
    """The anchor the app keeps for this archive at this path, if any."""
    entry = _read_store(archive_uuid).get("paths", {}).get(str(archive_path))
    if not isinstance(entry, dict):
        return None
    try:
        return Anchor(
            archive_uuid=archive_uuid,
            rows=int(entry["rows"]),
            head=str(entry["head"]),
            at=str(entry.get("at", "")),
            path=str(archive_path),
        )
    except (KeyError, TypeError, ValueError):
        return None


def other_paths(archive_uuid: str, archive_path: Path) -> list[str]:
    """Other places this archive (same identity) was anchored: copies, or a moved file."""
    return sorted(p for p in _read_store(archive_uuid).get("paths", {}) if p != str(archive_path))


def advance(anchor: Anchor) -> None:
    """Move the kept anchor for (identity, path) forward to `anchor`; never backwards.

    Failures are swallowed: the anchor is a second line of evidence, and a full or read-only
    home folder must not fail the write that has already been committed.
    """
    with contextlib.suppress(OSError):
        store = _read_store(anchor.archive_uuid)
        entries = store.setdefault("paths", {})
        current = entries.get(anchor.path)
        if isinstance(current, dict) and int(current.get("rows", 0)) >= anchor.rows:
            return
        entries[anchor.path] = {"rows": anchor.rows, "head": anchor.head, "at": anchor.at}
        store["format"] = FORMAT
        store["version"] = VERSION
        store["archive_uuid"] = anchor.archive_uuid
        _atomic_write(_store_path(anchor.archive_uuid), store)


def _atomic_write(target: Path, data: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def export(anchor: Anchor, dest: Path) -> None:
    """Write `anchor` to `dest` as a small JSON file (refusing to overwrite)."""
    dest = Path(dest).expanduser()
    if dest.exists():
        raise FileExistsError(17, "already exists; choose a new file name", str(dest))
    _atomic_write(dest, anchor.to_dict())


def load(path: Path) -> Anchor:
    """Read an exported anchor file, or raise AnchorError naming the file and the reason."""
    path = Path(path).expanduser()
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise AnchorError(f"Anchor file {path} cannot be read: {exc.strerror or exc}.") from exc
    except ValueError as exc:
        raise AnchorError(f"Anchor file {path} is not JSON: {exc}.") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise AnchorError(f"Anchor file {path} is not a retention_desk audit anchor.")
    try:
        rows = int(data["rows"])
        head = str(data["head"])
        uuid = str(data["archive_uuid"])
    except (KeyError, TypeError, ValueError) as exc:
        raise AnchorError(f"Anchor file {path} lacks {exc}.") from exc
    if rows < 0 or len(head) != 64:
        raise AnchorError(f"Anchor file {path} has an impossible head ({rows} rows).")
    return Anchor(
        archive_uuid=uuid,
        rows=rows,
        head=head,
        at=str(data.get("at", "")),
        path=str(data.get("path", "")),
    )

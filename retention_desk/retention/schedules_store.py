"""The schedules an archive uses, stored byte for byte (table `retention_schedule_files`).

`ensure_schedules(archive)` stores the shipped files (`schedules/*.toml`) the first time an
archive uses retention, so the archive keeps meaning the same thing when the app later ships
a different schedule: `builtin_updates(archive)` names shipped files that differ from what
the archive holds (offered to the user, never applied silently). The effective schedule is
`schedule.merge()` of every stored file in id order: a later file overrides an earlier one's
series of the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.retention.schedule import (
    ScheduleFile,
    Series,
    builtin_schedules,
    merge,
    parse_schedule,
)


@dataclass(frozen=True)
class ScheduleFileInfo:
    id: int
    label: str
    sha256: str
    builtin: bool
    imported_at: str
    imported_by: str
    series_codes: tuple[str, ...]
    rules: int


# parsed stored files by sha256: a stored file never changes, so neither does its parse
_PARSED: dict[str, ScheduleFile] = {}


def _parse_stored(label: str, sha256: str, content: str) -> ScheduleFile:
    parsed = _PARSED.get(sha256)
    if parsed is None:
        parsed = parse_schedule(content, label)
        _PARSED[sha256] = parsed
    return parsed


def stored_files(conn: Connection) -> list[tuple[int, ScheduleFile, bool, str, str]]:
    rows = conn.execute(
        text(
            "SELECT id, label, sha256, content, builtin, imported_at, imported_by"
            " FROM retention_schedule_files ORDER BY id"
        )
    ).all()
    return [(int(r[0]), _parse_stored(r[1], r[2], r[3]), bool(r[4]), r[5], r[6]) for r in rows]


def schedule_in(conn: Connection) -> dict[str, Series]:
    """The effective schedule as this connection sees it; the shipped one before any file
    is stored (read-only callers never store)."""
    files = [f for _id, f, *_ in stored_files(conn)]
    return merge(files) if files else merge(builtin_schedules())


def store_file(conn: Connection, archive: Archive, parsed: ScheduleFile, *, builtin: bool) -> int:
    label = Path(parsed.path).name
    result = conn.execute(
        text(
            "INSERT INTO retention_schedule_files"
            " (label, sha256, content, builtin, imported_at, imported_by)"
            " VALUES (:label, :sha, :content, :builtin, :at, :by)"
        ),
        {
            "label": label,
            "sha": parsed.sha256,
            "content": parsed.text,
            "builtin": 1 if builtin else 0,
            "at": timeutil.now_db(),
            "by": archive.operator(conn),
        },
    )
    _PARSED[parsed.sha256] = parsed
    return int(result.lastrowid or 0)


def ensure_in(conn: Connection, archive: Archive) -> int:
    """Store the shipped files when the archive holds none; returns how many were stored."""
    present = conn.execute(text("SELECT count(*) FROM retention_schedule_files")).scalar_one()
    if present:
        return 0
    shipped = builtin_schedules()
    ids = [store_file(conn, archive, f, builtin=True) for f in shipped]
    archive.audit(
        conn,
        action="retention.schedule_import",
        object_type="retention_schedule_file",
        object_ids=ids,
        details={
            "builtin": True,
            "files": len(ids),
            "series": sum(len(f.series) for f in shipped),
            "rules": 0,
            "sha256": [f.sha256 for f in shipped],
        },
    )
    return len(ids)


def ensure_schedules(archive: Archive) -> int:
    """Store the shipped schedule files in an archive that holds none (audited); returns
    how many files were stored (0 when the archive already had its schedule)."""
    with archive.write() as conn:
        return ensure_in(conn, archive)


def effective_schedule(archive: Archive) -> dict[str, Series]:
    """Series by code: every stored file merged in id order (the shipped files when none)."""
    with archive.read() as conn:
        return schedule_in(conn)


def list_schedule_files(archive: Archive) -> list[ScheduleFileInfo]:
    """Every schedule file the archive holds, oldest first."""
    with archive.read() as conn:
        return [
            ScheduleFileInfo(
                id=fid,
                label=Path(f.path).name,
                sha256=f.sha256,
                builtin=builtin,
                imported_at=at,
                imported_by=by,
                series_codes=tuple(s.code for s in f.series),
                rules=len(f.rules),
            )
            for fid, f, builtin, at, by in stored_files(conn)
        ]


def builtin_updates(archive: Archive) -> list[str]:
    """Names of shipped schedule files that the archive does not hold as they ship now (new
    or changed since the archive stored them). Empty when none, or when the archive has not
    used retention yet (it will store the current ones)."""
    with archive.read() as conn:
        stored = [(f, builtin) for _id, f, builtin, *_ in stored_files(conn)]
    if not stored:
        return []
    latest = {Path(f.path).name: f.sha256 for f, builtin in stored if builtin}
    return [
        Path(f.path).name for f in builtin_schedules() if latest.get(Path(f.path).name) != f.sha256
    ]

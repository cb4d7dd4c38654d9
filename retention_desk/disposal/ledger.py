"""The destruction ledger: which records were destroyed under which report, kept outside the
archive so that an older copy of it (a backup, a restored file) can be told what it still holds.

A backup made before a destruction holds the destroyed records; restoring it, or opening it,
would bring them back without a trace in its own audit trail. The archive cannot warn about a
copy of itself that predates what it did, so the facts are also written down beside the audit
anchors (anchor.py: the same folder, one file per archive identity), where every copy of the
archive with that identity finds them when it is opened (reapply.py).

One JSON line per destroyed batch: the report number and, per record, its internal id,
platform and platform id; nothing else (no text, names or hashes of content: the ledger is a
plain file in the user's data folder and must not confirm what a record said). The archive
keeps the same facts in its tombstones.

When it is written: after each batch commits, never before. A run killed between the commit
and the append leaves the ledger short by that batch (never claiming a destruction that was
rolled back); `sync` appends what the archive's tombstones hold and the ledger lacks, and runs
at the end of every destruction run and at every open of the archive, so the gap closes the
next time the archive itself is used. A line cut short by a kill is skipped when read, and the
next append starts on a new line.

What is trusted: the ledger only says which records to look for. reapply.py destroys a record
only when the opened copy's own approved report lists it, i.e. never anything that
`retention-desk disposal destroy` could not destroy in that copy; see reapply.py.

Failures to write are swallowed (like the anchor's): the destruction has committed and is in
the archive; the next `sync` writes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive import settings as settings_mod
from retention_desk.archive import timeutil

FORMAT = "retention-desk destruction ledger"
VERSION = 1


@dataclass(frozen=True)
class LedgerRecord:
    record_id: int
    platform: str
    platform_id: str | None
    report: int


@dataclass
class Ledger:
    """What the ledger says about one archive identity (later lines win for an id)."""

    archive_uuid: str
    records: dict[int, LedgerRecord] = field(default_factory=dict)
    # lines that could not be read (a kill mid-append, an edit): counted, never trusted
    unreadable: int = 0


def ledger_path(archive_uuid: str) -> Path:
    safe = "".join(c for c in archive_uuid if c.isalnum() or c == "-")[:64] or "unknown"
    return anchor_mod.anchors_dir() / f"{safe}.destroyed.jsonl"


def archive_uuid(conn: Connection) -> str | None:
    value = settings_mod.get_value(conn, "archive.uuid")
    return str(value) if value else None


def append(
    archive_uuid: str,
    archive_path: Path | str,
    report: int,
    rows: Sequence[tuple[int, object, object]],
) -> bool:
    """Append one line: `rows` (record id, platform, platform id) destroyed under `report`.
    Returns False when it could not be written (the next `sync` writes it)."""
    if not rows:
        return True
    line = {
        "format": FORMAT,
        "version": VERSION,
        "archive_uuid": archive_uuid,
        "path": str(archive_path),
        "report": int(report),
        "at": timeutil.now_db(),
        "records": [[int(r), str(p), None if pid is None else str(pid)] for r, p, pid in rows],
    }
    data = (json.dumps(line, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
    target = ledger_path(archive_uuid)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "ab") as fh:
            # a line cut short by a kill must not swallow the next one
            if fh.tell() > 0 and not _ends_with_newline(target):
                fh.write(b"\n")
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        return False
    return True


def _ends_with_newline(target: Path) -> bool:
    with open(target, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def read(archive_uuid: str) -> Ledger:
    """Everything the ledger holds for `archive_uuid`; lines of another identity are ignored."""
    ledger = Ledger(archive_uuid)
    try:
        raw = ledger_path(archive_uuid).read_bytes()
    except OSError:
        return ledger
    for text in raw.splitlines():
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            if line.get("format") != FORMAT or line.get("archive_uuid") != archive_uuid:
                raise ValueError("another archive or format")
            report = int(line["report"])
            entries = [
                LedgerRecord(int(r), str(p), None if pid is None else str(pid), report)
                for r, p, pid in line["records"]
            ]
        except (ValueError, KeyError, TypeError, AttributeError):
            ledger.unreadable += 1
            continue
        for entry in entries:
            ledger.records[entry.record_id] = entry
    return ledger


def tombstones(conn: Connection) -> dict[int, LedgerRecord]:
    """The archive's own record of what it destroyed, in ledger form."""
    return {
        int(r[0]): LedgerRecord(
            int(r[0]), str(r[1]), None if r[2] is None else str(r[2]), int(r[3])
        )
        for r in conn.exec_driver_sql(
            "SELECT record_id, platform, platform_id, report_id FROM record_tombstones"
        ).all()
    }


def sync(conn: Connection, archive_path: Path | str, ledger: Ledger | None = None) -> int:
    """Append the archive's tombstones the ledger lacks (a run killed before its append, a
    ledger lost or begun after the destruction). Returns how many records were appended."""
    uuid = archive_uuid(conn)
    if not uuid:
        return 0
    if ledger is None:
        ledger = read(uuid)
    missing: dict[int, list[tuple[int, str, str | None]]] = {}
    for rid, entry in tombstones(conn).items():
        known = ledger.records.get(rid)
        if known is not None and known.report == entry.report:
            continue
        missing.setdefault(entry.report, []).append((rid, entry.platform, entry.platform_id))
    written = 0
    for report, rows in sorted(missing.items()):
        if append(uuid, archive_path, report, rows):
            written += len(rows)
            for rid, platform, pid in rows:
                ledger.records[rid] = LedgerRecord(rid, platform, pid, report)
    return written

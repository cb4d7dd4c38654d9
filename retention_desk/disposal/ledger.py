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

When it is written, so that a kill at any moment loses no destruction and, once the archive is
opened again, claims none that did not happen: each batch appends an `intent` line inside its
transaction, just before the commit, naming its records and the audit heads before and after
its own audit rows; after the commit, a `done` line. A kill between the two leaves the intent
unresolved; `sync`, run at the end of every destruction run and at every open, resolves it
against the archive being opened: its audit trail holds the batch's last row (same hash) ->
`done`; it holds the row before the batch but not the batch's -> the batch was rolled back in
this archive -> `void`; it holds neither (an older copy) -> left open. An open intent counts as
destroyed for a copy (the run was ordered under an approved report, and it is re-applied only
where the copy's own report confirms it, see reapply.py). `sync` also appends, as `done`, any
tombstone the ledger lacks (a ledger lost or begun after the destruction). A line cut short by
a kill is skipped when read, and the next append starts on a new line.

What is trusted: the ledger only says which records to look for. reapply.py destroys a record
only when the opened copy's own approved report lists it, i.e. never anything that
`retention-desk disposal destroy` could not destroy in that copy; see reapply.py.

Failures to write are swallowed (like the anchor's): the destruction has committed and is in
the archive; the next `sync` writes it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive import settings as settings_mod
from retention_desk.archive import timeutil

FORMAT = "retention-desk destruction ledger"
VERSION = 1
INTENT, DONE, VOID = "intent", "done", "void"

Head = tuple[int, str]  # audit row id and its hash

# Re-applying a destruction to an older copy records nothing: the ledger holds what was
# destroyed where it was ordered, and a copy's re-application of an intent that later proves
# rolled back must not turn it into a `done` that the archive itself would then obey.
_quiet: ContextVar[bool] = ContextVar("ledger_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@dataclass(frozen=True)
class LedgerRecord:
    record_id: int
    platform: str
    platform_id: str | None
    report: int


@dataclass(frozen=True)
class Intent:
    """A batch that appended its intent but no outcome yet (killed around its commit)."""

    batch: str
    report: int
    records: tuple[LedgerRecord, ...]
    before: Head | None
    after: Head | None


@dataclass
class Ledger:
    """What the ledger says about one archive identity (later lines win for an id)."""

    archive_uuid: str
    records: dict[int, LedgerRecord] = field(default_factory=dict)  # destroyed (done)
    open_intents: dict[str, Intent] = field(default_factory=dict)
    # every intent read, so a `done` after a `void` (a reader that looked while the batch was
    # still committing) still counts
    intents: dict[str, Intent] = field(default_factory=dict)
    # lines that could not be read (a kill mid-append, an edit): counted, never trusted
    unreadable: int = 0

    def destroyed_for(self, conn: Connection) -> dict[int, LedgerRecord]:
        """What the archive read through `conn` is checked for: done records, and those of
        open intents unless this archive's own trail shows the batch rolled back (read-only:
        the same decision `sync` writes down)."""
        out = dict(self.records)
        for pending in self.open_intents.values():
            if not _has(conn, pending.after) and _has(conn, pending.before):
                continue
            for entry in pending.records:
                out.setdefault(entry.record_id, entry)
        return out


def ledger_path(archive_uuid: str) -> Path:
    safe = "".join(c for c in archive_uuid if c.isalnum() or c == "-")[:64] or "unknown"
    return anchor_mod.anchors_dir() / f"{safe}.destroyed.jsonl"


def archive_uuid(conn: Connection) -> str | None:
    value = settings_mod.get_value(conn, "archive.uuid")
    return str(value) if value else None


def head(conn: Connection) -> Head | None:
    row = conn.exec_driver_sql("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").first()
    return None if row is None else (int(row[0]), str(row[1]))


def _has(conn: Connection, point: Head | None) -> bool:
    if point is None:
        return False
    found = conn.exec_driver_sql("SELECT hash FROM audit_log WHERE id = ?", (point[0],)).scalar()
    return found is not None and str(found) == point[1]


def _rows(rows: Sequence[tuple[int, object, object]]) -> list[list[object]]:
    return [[int(r), str(p), None if pid is None else str(pid)] for r, p, pid in rows]


def append(
    archive_uuid: str,
    archive_path: Path | str,
    report: int,
    rows: Sequence[tuple[int, object, object]],
) -> bool:
    """Append a `done` line: `rows` (record id, platform, platform id) destroyed under
    `report`. Returns False when it could not be written (the next `sync` writes it)."""
    if not rows:
        return True
    return _write(
        archive_uuid,
        {"state": DONE, "path": str(archive_path), "report": int(report), "records": _rows(rows)},
    )


def intent(
    archive_uuid: str | None,
    archive_path: Path | str,
    report: int,
    rows: Sequence[tuple[int, object, object]],
    before: Head | None,
    after: Head | None,
) -> str | None:
    """Inside a destroying transaction, before its commit: the batch about to commit. Returns
    the batch token for `resolve`, or None when nothing could be written."""
    if not rows or not archive_uuid or _quiet.get():
        return None
    batch = secrets.token_hex(8)
    line = {
        "state": INTENT,
        "batch": batch,
        "path": str(archive_path),
        "report": int(report),
        "records": _rows(rows),
        "before": list(before) if before else None,
        "after": list(after) if after else None,
    }
    return batch if _write(archive_uuid, line) else None


def resolve(archive_uuid: str, batch: str, state: str) -> bool:
    """The outcome of an intent: `done` (committed) or `void` (rolled back)."""
    return _write(archive_uuid, {"state": state, "batch": batch})


def _write(archive_uuid: str, fields: dict[str, object]) -> bool:
    line = {
        "format": FORMAT,
        "version": VERSION,
        "archive_uuid": archive_uuid,
        "at": timeutil.now_db(),
        **fields,
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


def _head(value: object) -> Head | None:
    if value is None:
        return None
    rows, digest = value  # type: ignore[misc]
    return int(rows), str(digest)


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
            state = line.get("state", DONE)
            if state in (DONE, VOID) and "records" not in line:
                batch = str(line["batch"])
                ledger.open_intents.pop(batch, None)
                pending = ledger.intents.get(batch)
                if pending is not None and state == DONE:
                    for entry in pending.records:
                        ledger.records[entry.record_id] = entry
                continue
            report = int(line["report"])
            entries = tuple(
                LedgerRecord(int(r), str(p), None if pid is None else str(pid), report)
                for r, p, pid in line["records"]
            )
            if state == INTENT:
                batch = str(line["batch"])
                ledger.intents[batch] = ledger.open_intents[batch] = Intent(
                    batch, report, entries, _head(line.get("before")), _head(line.get("after"))
                )
                continue
            if state != DONE:
                raise ValueError(state)
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
    """Resolve the open intents this archive can decide (see the module docstring) and append
    its tombstones the ledger lacks. Returns how many records became `done`."""
    uuid = archive_uuid(conn)
    if not uuid:
        return 0
    if ledger is None:
        ledger = read(uuid)
    written = 0
    for batch, pending in list(ledger.open_intents.items()):
        if _has(conn, pending.after):
            state = DONE
        elif _has(conn, pending.before):
            state = VOID
        else:
            continue  # an older copy: it cannot tell
        if resolve(uuid, batch, state):
            del ledger.open_intents[batch]
            if state == DONE:
                for entry in pending.records:
                    ledger.records[entry.record_id] = entry
                written += len(pending.records)
    # a record any line names is the ledger's already: a tombstone a copy's re-application
    # left for an intent since voided must not come back as `done`
    named = set(ledger.records)
    for pending in ledger.intents.values():
        named.update(entry.record_id for entry in pending.records)
    missing: dict[int, list[tuple[int, object, object]]] = {}
    for rid, entry in tombstones(conn).items():
        if rid in named:
            continue
        missing.setdefault(entry.report, []).append((rid, entry.platform, entry.platform_id))
    for report, rows in sorted(missing.items()):
        if append(uuid, archive_path, report, rows):
            written += len(rows)
            for rid, platform, pid in rows:
                ledger.records[rid] = LedgerRecord(
                    rid, str(platform), None if pid is None else str(pid), report
                )
    return written

"""Re-applying recorded destructions to an older copy of the archive, when it is opened.

A backup made before a destruction, or that backup restored over the archive, still holds the
destroyed records. The destruction ledger (ledger.py) kept on this computer names them; when
an archive with that identity is opened, `on_open` (registered into `Archive.open`'s hooks
when this module is imported) finds the records the ledger names that the file still holds
(same internal id, platform and platform id, no tombstone) and destroys them again before the
archive is handed to anything that could read them: through the same batches as `destroy`
(registry, tombstones, originals, audit), then the same purge, under a `disposal.reapply`
audit row naming the report numbers and counts and a `disposal.reapply_finish` row.

What is trusted. The ledger is a plain file in the user's data folder: anyone who can write
it could name records that were never destroyed, and the app must not launder such a list
into an audited destruction that `verify` then accepts. So the ledger only says where to look;
a record is destroyed again only when the opened copy itself holds report N, approved (its
approval complete by the copy's own approval rows), with the record in N's snapshot, and the
record is still eligible, unheld and unchanged (the checks `destroy` makes in every batch).
That is exactly what `retention-desk disposal destroy N` could destroy in that copy, so a
forged ledger gains nothing a user of the copy could not do anyway. Records the ledger names
that the copy cannot confirm (a backup made before report N was run or approved) are not
destroyed; the note and `still_held` say how many and under which reports.

Why a hook in `Archive.open` rather than in the CLI and GUI open paths: every way into an
archive (CLI, GUI, the Disposal page's workers, scripts) goes through `Archive.open`, and a
hook there runs before `open` returns, so nothing can search or import before it. The archive
package sits below disposal and cannot import it, so disposal registers into it: `register()`
(the GUI, at start), or the CLI's lighter hook (cli/common.py), which imports this module only
on a computer where a destruction ledger exists. An open with `migrate_schema=False` (the one
`verify` uses to record its result) changes nothing, so the hook does not run there.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, create_engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from retention_desk.archive import store
from retention_desk.archive import verify as verify_mod
from retention_desk.archive.store import Archive
from retention_desk.disposal import destroy as destroy_mod
from retention_desk.disposal import ledger as ledger_mod
from retention_desk.disposal import purge
from retention_desk.disposal.approval import status_in

CHUNK = 500


@dataclass
class Pending:
    """Records the ledger says were destroyed that this file still holds."""

    confirmed: dict[int, list[int]] = field(default_factory=dict)  # report -> record ids
    unconfirmed: dict[int, list[int]] = field(default_factory=dict)  # report -> record ids

    @property
    def total(self) -> int:
        return sum(map(len, self.confirmed.values())) + sum(map(len, self.unconfirmed.values()))


@dataclass
class Reapplied:
    destroyed: int = 0
    reports: list[int] = field(default_factory=list)
    skipped: list[destroy_mod.SkippedRecord] = field(default_factory=list)
    unconfirmed: int = 0
    unconfirmed_reports: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # sentences for the user


def _marks(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _still_held(conn: Connection, ledger: ledger_mod.Ledger) -> dict[int, list[int]]:
    """report -> ids of records the ledger names that this file holds, untombstoned, with the
    same platform and platform id (an id SQLite gave a later record is not the destroyed one)."""
    named = ledger.destroyed_for(conn)
    if not named:
        return {}
    buried = {
        int(r[0]) for r in conn.exec_driver_sql("SELECT record_id FROM record_tombstones").all()
    }
    candidates = sorted(set(named) - buried)
    out: dict[int, list[int]] = {}
    for start in range(0, len(candidates), CHUNK):
        part = candidates[start : start + CHUNK]
        for rid, platform, pid in conn.exec_driver_sql(
            f"SELECT id, platform, platform_id FROM records WHERE id IN ({_marks(part)})"
        ).all():
            entry = named[int(rid)]
            if entry.platform == str(platform) and entry.platform_id == (
                None if pid is None else str(pid)
            ):
                out.setdefault(entry.report, []).append(int(rid))
    return out


def _confirmed(conn: Connection, report: int, ids: list[int], today: date | None) -> list[int]:
    """Those of `ids` this copy's own approved report `report` lists."""
    row = conn.exec_driver_sql(
        "SELECT status FROM disposal_reports WHERE id = ?", (int(report),)
    ).first()
    if row is None or str(row[0]) not in ("approved", "destroying"):
        return []
    if not status_in(conn, report, today).complete:
        return []
    listed: list[int] = []
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        listed += [
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT record_id FROM disposal_report_records WHERE report_id = ?"
                f" AND record_id IN ({_marks(part)})",
                (int(report),),
            ).all()
        ]
    return sorted(listed)


def pending_in(conn: Connection, today: date | None = None) -> Pending:
    """What this file (read through `conn`) still holds of the destructions the ledger
    records for its identity, split into what its own approved reports confirm and not."""
    pending = Pending()
    uuid = ledger_mod.archive_uuid(conn)
    if not uuid:
        return pending
    held = _still_held(conn, ledger_mod.read(uuid))
    for report, ids in sorted(held.items()):
        ok = _confirmed(conn, report, sorted(ids), today)
        if ok:
            pending.confirmed[report] = ok
        rest = sorted(set(ids) - set(ok))
        if rest:
            pending.unconfirmed[report] = rest
    return pending


def _reports(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def _unconfirmed_note(count: int, reports: Sequence[int]) -> str:
    return (
        f"This copy of the archive still holds {count:,} records destroyed under disposal"
        f" report(s) {_reports(reports)} in another copy of it, but it holds no approved report"
        " listing them, so they were not destroyed here: run, approve and destroy a disposal"
        " report for them."
    )


def reapply(archive: Archive, today: date | None = None) -> Reapplied:
    """Destroy again what the ledger and this copy's own approved reports say was destroyed;
    bring the ledger up to date with this archive's tombstones. Raises ArchiveError (busy,
    full) when the destruction cannot run now."""
    out = Reapplied()
    with archive.read() as conn:
        uuid = ledger_mod.archive_uuid(conn)
        if not uuid:
            return out
        has_ledger = ledger_mod.ledger_path(uuid).exists()
        tombstones = conn.exec_driver_sql("SELECT 1 FROM record_tombstones LIMIT 1").first()
        if not has_ledger and tombstones is None:
            return out  # the common case costs one query: nothing was ever destroyed
        ledger = ledger_mod.read(uuid)
        ledger_mod.sync(conn, archive.path, ledger)
        pending = pending_in(conn, today) if has_ledger else Pending()
    out.unconfirmed = sum(map(len, pending.unconfirmed.values()))
    out.unconfirmed_reports = sorted(pending.unconfirmed)
    if pending.confirmed:
        _destroy_again(archive, pending.confirmed, today, out)
    if out.destroyed:
        out.notes.append(
            f"This copy of the archive (an older backup or a restored copy) still held"
            f" {out.destroyed:,} records destroyed under disposal report(s)"
            f" {_reports(out.reports)}; they were destroyed again before it was opened."
        )
    if out.skipped:
        reasons = sorted({s.words for s in out.skipped})
        out.notes.append(
            f"{len(out.skipped):,} records destroyed under report(s) {_reports(out.reports)}"
            f" were not destroyed again in this copy: {'; '.join(reasons)}."
        )
    if out.unconfirmed:
        out.notes.append(_unconfirmed_note(out.unconfirmed, out.unconfirmed_reports))
    return out


def _destroy_again(
    archive: Archive, confirmed: dict[int, list[int]], today: date | None, out: Reapplied
) -> None:
    count = sum(map(len, confirmed.values()))
    with archive.write() as conn:
        archive.audit(
            conn,
            action="disposal.reapply",
            object_type="disposal_report",
            object_ids=sorted(confirmed),
            details={
                "reports": sorted(confirmed),
                "records": count,
                "unconfirmed": out.unconfirmed,
            },
        )
    destroy_mod.rederive(archive, [rid for ids in confirmed.values() for rid in ids])
    for report, ids in sorted(confirmed.items()):
        result = destroy_mod.DestructionResult(report=report, total=0, destroyed=0, destroyed_now=0)
        for start in range(0, len(ids), destroy_mod.BATCH_SIZE):
            part = ids[start : start + destroy_mod.BATCH_SIZE]
            # the same batch `destroy` runs: approval and eligibility re-checked inside it
            with ledger_mod.quiet():
                out.destroyed += destroy_mod._batch(archive, report, part, today, result)
        out.skipped += [s for s in _skipped(archive, report, ids)]
        out.reports.append(report)
    purge.purge_all(archive)
    with archive.write() as conn:
        archive.audit(
            conn,
            action="disposal.reapply_finish",
            object_type="disposal_report",
            object_ids=sorted(confirmed),
            details={
                "reports": sorted(confirmed),
                "destroyed": out.destroyed,
                "skipped": len(out.skipped),
            },
        )


def _skipped(archive: Archive, report: int, ids: Sequence[int]) -> list[destroy_mod.SkippedRecord]:
    with archive.read() as conn:
        return [
            destroy_mod.SkippedRecord(int(r[0]), str(r[1]))
            for r in conn.exec_driver_sql(
                "SELECT record_id, reason FROM disposal_skipped WHERE report_id = ?"
                f" AND record_id IN ({_marks(ids)})",
                (int(report),),
            ).all()
        ]


def on_open(archive: Archive) -> list[str]:
    """The `Archive.open` hook: re-apply, and return the notes for the user."""
    return reapply(archive).notes


def still_held(path: Path | str) -> Pending:
    """Read-only: what the file at `path` still holds of the recorded destructions (for
    `verify`, which must not write). An unreadable file holds nothing this check can name
    (verify reports the file itself)."""
    uri = "file:" + urllib.parse.quote(str(Path(path).expanduser().resolve())) + "?mode=ro"

    def connect() -> sqlite3.Connection:
        raw = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        raw.execute("PRAGMA query_only = 1")
        return raw

    engine = create_engine("sqlite://", creator=connect, poolclass=StaticPool)
    try:
        with engine.connect() as conn:
            return pending_in(conn)
    except (DBAPIError, sqlite3.Error, ValueError, TypeError):
        return Pending()
    finally:
        engine.dispose()


def verify_check(path: Path | str) -> tuple[list[str], list[str]]:
    """`verify`'s check (archive.verify.CHECK_HOOKS): (failures, notes).

    Records this file's own approved reports would have destroyed again as it opens are a
    failure: the file contradicts the destruction (and its certificate) until it is opened.
    Records no approved report in this copy covers are a note, not a failure: nothing in the
    copy allows them to go, and failing would refuse every backup of it until a new report is
    approved and destroyed."""
    pending = still_held(path)
    failures: list[str] = []
    notes: list[str] = []
    if pending.confirmed:
        count = sum(map(len, pending.confirmed.values()))
        failures.append(
            f"This copy still holds {count:,} records destroyed under disposal report(s)"
            f" {_reports(pending.confirmed)} (destruction ledger on this computer); opening it"
            " with the app destroys them again."
        )
    if pending.unconfirmed:
        count = sum(map(len, pending.unconfirmed.values()))
        notes.append(_unconfirmed_note(count, sorted(pending.unconfirmed)))
    return failures, notes


def verify_failure(path: Path | str) -> str | None:
    """The failure `verify` reports for this file, if any (see verify_check)."""
    failures, _notes = verify_check(path)
    return failures[0] if failures else None


def register() -> None:
    """Make every later `Archive.open` in this process re-apply (the GUI calls this at start;
    the CLI registers a lighter hook that imports this module only when a ledger exists)."""
    if on_open not in store.OPEN_HOOKS:
        store.OPEN_HOOKS.append(on_open)
    if verify_check not in verify_mod.CHECK_HOOKS:
        verify_mod.CHECK_HOOKS.append(verify_check)


def unregister() -> None:
    while on_open in store.OPEN_HOOKS:
        store.OPEN_HOOKS.remove(on_open)
    while verify_check in verify_mod.CHECK_HOOKS:
        verify_mod.CHECK_HOOKS.remove(verify_check)

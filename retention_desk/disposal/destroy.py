"""Destroy an approved disposal report's records, so that nothing of them can be read again.

`destroy(archive, number)` runs in batches, each one write transaction that:
1. re-checks the approval (`status_in`) and, record by record, that it is still eligible under
   the series the report named and that no hold in force covers it, and that its content still
   matches the salted leaf the report snapshotted (what was approved is what goes); anything
   else is skipped and listed (`disposal_skipped`);
2. writes each record's tombstone (ids, platform id, series, dates, report, its salted leaf);
3. removes its content from every registered place (registry.py), deletes its seal salt, moves
   kept replies off it (thread links are derived, not sealed), settles the originals it came
   from (rewrite.py) and deletes the blobs nothing names any more;
4. appends the audit rows (ids, counts, hashes of originals; never names or text).

Why the seals still balance: the leaf each audit row bound stays in `seal_log`; the record's
salt goes, so the leaf confirms no guess of its content; `verify` reads the tombstone (same
leaf, no salt) as a record destroyed by the app rather than removed behind its back.

A kill at any moment leaves committed batches whole and the rest untouched: running `destroy`
again picks up the records without a tombstone. Cancel is honoured between batches and puts the
report back to `approved`. After the last batch the indexes are purged and the file vacuumed
(purge.py), also after a cancel, for what was destroyed so far.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection

from retention_desk.archive import seal, threads, timeutil
from retention_desk.archive.errors import ArchiveBusy
from retention_desk.archive.store import Archive
from retention_desk.disposal import ledger, purge, registry, rewrite
from retention_desk.disposal.approval import status_in
from retention_desk.disposal.errors import DisposalError
from retention_desk.disposal.store import set_status
from retention_desk.retention.classifier import classify
from retention_desk.search import cachefile

BATCH_SIZE = 500
METHOD = (
    "Deleted from the archive database with secure deletion (deleted content overwritten"
    " with zeros), the full-text indexes rewritten without the records' terms, the"
    " write-ahead log truncated and the database file rebuilt (VACUUM); originals rewritten"
    " without the records' items or deleted; seal salts deleted."
)
SKIP_WORDS = {
    "held": "a hold placed after the report was run covers it",
    "not_eligible": "it is no longer eligible under the series the report named",
    "changed": "its content changed after the report was run (not what was approved)",
    "missing": "it is no longer in the archive",
}

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SkippedRecord:
    record_id: int
    reason: str  # held | not_eligible | changed | missing

    @property
    def words(self) -> str:
        return SKIP_WORDS.get(self.reason, self.reason)


@dataclass(frozen=True)
class RetainedRecord:
    """A destroyed record whose content stays inside an original that cannot be split."""

    record_id: int
    source_file_id: int
    reason: str


@dataclass
class DestructionResult:
    report: int
    total: int  # records on the report
    destroyed: int  # tombstones of this report, all runs
    destroyed_now: int
    skipped: list[SkippedRecord] = field(default_factory=list)
    retained: list[RetainedRecord] = field(default_factory=list)
    originals: list[rewrite.OriginalOutcome] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    finished: bool = False
    cancelled: bool = False
    purged: bool = False
    notes: list[str] = field(default_factory=list)  # sentences for the user
    started: bool = False  # a destruction of this report has ever run


def _marks(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def known_copies(conn: Connection) -> list[str]:
    """Paths of the backups the audit trail says were made (explicit ones and the copies
    taken before schema upgrades): they still hold what is destroyed now."""
    out: list[str] = []
    for action, details in conn.exec_driver_sql(
        "SELECT action, details FROM audit_log WHERE action IN ('archive.backup',"
        " 'archive.migrate') ORDER BY id"
    ).all():
        try:
            data = json.loads(details or "{}")
        except ValueError:
            continue
        path = data.get("dest") if action == "archive.backup" else data.get("backup")
        if isinstance(path, str) and path and path not in out:
            out.append(path)
    return out


def _report_row(conn: Connection, number: int) -> tuple[str, str]:
    row = conn.exec_driver_sql(
        "SELECT status, as_of FROM disposal_reports WHERE id = ?", (int(number),)
    ).first()
    if row is None:
        raise DisposalError(f"There is no disposal report {number}.", "report")
    return str(row[0]), str(row[1])


def _remaining_keyed(conn: Connection, number: int) -> list[tuple[int, int | None]]:
    """(record id, first original) of the report's records without a tombstone, those of one
    original together."""
    return [
        (int(r[0]), None if r[1] is None else int(r[1]))
        for r in conn.exec_driver_sql(
            "SELECT d.record_id, (SELECT min(s.source_file_id) FROM record_sources s"
            "  WHERE s.record_id = d.record_id) AS original"
            " FROM disposal_report_records d WHERE d.report_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM record_tombstones t WHERE t.record_id = d.record_id)"
            " ORDER BY original, d.record_id",
            (int(number),),
        ).all()
    ]


def _remaining_count(conn: Connection, number: int) -> int:
    # a count needs no original per record (that subquery is most of _remaining_keyed's cost)
    return int(
        conn.exec_driver_sql(
            "SELECT count(*) FROM disposal_report_records d WHERE d.report_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM record_tombstones t WHERE t.record_id = d.record_id)",
            (int(number),),
        ).scalar_one()
    )


# An original is rewritten (read, parsed, stored again) once per batch that destroys something
# in it: records of one original may fill a batch up to this many times `batch_size`, so a
# large export is rewritten a few times, not once per 500 records.
SAME_ORIGINAL_FACTOR = 40


def rederive(archive: Archive, record_ids: Sequence[int]) -> None:
    """Derive the records' series and dates again from the rules in force before a run's
    batches: the stored ones are derived rows, not sealed, so a date edited behind the app's
    back must not make a record eligible (the batches compare with these fresh rows)."""
    if record_ids:
        classify(archive, list(record_ids))


def plan_batches(keyed: Sequence[tuple[int, int | None]], batch_size: int) -> list[list[int]]:
    """Batches of `batch_size` records, except that records of the same original stay
    together up to SAME_ORIGINAL_FACTOR times that."""
    batches: list[list[int]] = []
    current: list[int] = []
    current_key: int | None = None
    for rid, key in keyed:
        full = len(current) >= batch_size
        if current and (
            (full and (key is None or key != current_key))
            or len(current) >= batch_size * SAME_ORIGINAL_FACTOR
        ):
            batches.append(current)
            current = []
        current.append(rid)
        current_key = key
    if current:
        batches.append(current)
    return batches


def _check_approval(conn: Connection, number: int, today: date | None) -> None:
    status = status_in(conn, number, today)
    if not status.complete:
        raise DisposalError(
            f"Disposal report {number} cannot be destroyed: {status.missing[0]}", "report"
        )


def _start(archive: Archive, number: int, today: date | None) -> tuple[int, bool]:
    """Move the report to `destroying` (or find it there). Returns (records on the report,
    whether only the purge is left)."""
    with purge.destroying_connection(archive) as conn:
        status, _as_of = _report_row(conn, number)
        total = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM disposal_report_records WHERE report_id = ?", (number,)
            ).scalar_one()
        )
        if status == "destroyed":
            purged = conn.exec_driver_sql(
                "SELECT purged_at FROM disposal_destructions WHERE report_id = ?", (number,)
            ).scalar()
            if purged:
                raise DisposalError(f"Disposal report {number} has already been destroyed.")
            return total, True
        if status not in ("approved", "destroying"):
            raise DisposalError(
                f"Disposal report {number} is {status}: only an approved report can be destroyed.",
                "report",
            )
        _check_approval(conn, number, today)
        set_status(conn, number, "destroying")
        first = (
            conn.exec_driver_sql(
                "SELECT 1 FROM disposal_destructions WHERE report_id = ?", (number,)
            ).first()
            is None
        )
        if first:
            conn.exec_driver_sql(
                "INSERT INTO disposal_destructions (report_id, started_at, started_by,"
                " copies_json) VALUES (?, ?, ?, ?)",
                (
                    number,
                    timeutil.now_db(),
                    archive.operator(conn),
                    json.dumps(known_copies(conn)),
                ),
            )
        else:
            # a backup made while a cancelled run was paused holds the records still to go
            conn.exec_driver_sql(
                "UPDATE disposal_destructions SET copies_json = ? WHERE report_id = ?",
                (json.dumps(known_copies(conn)), number),
            )
        remaining = _remaining_count(conn, number)
        archive.audit(
            conn,
            action="disposal.destroy_start",
            object_type="disposal_report",
            object_ids=[number],
            details={"report": number, "records": total, "remaining": remaining},
        )
        return total, False


def _decide(
    conn: Connection, number: int, as_of: str, ids: Sequence[int]
) -> tuple[dict[int, tuple[bytes, tuple[object, ...]]], list[SkippedRecord]]:
    """Which of `ids` may go now: id -> (leaf, tombstone fields); the rest skipped."""
    marks = _marks(ids)
    snap = {
        int(r[0]): (str(r[1]), bytes(r[2]) if r[2] is not None else None)
        for r in conn.exec_driver_sql(
            "SELECT record_id, series_code, leaf FROM disposal_report_records"
            f" WHERE report_id = ? AND record_id IN ({marks})",
            (number,),
        ).all()
    }
    rows = {
        int(r[0]): r
        for r in conn.exec_driver_sql(
            "SELECT r.id, r.platform, r.kind, r.platform_id, r.created_at, rr.status,"
            " rr.series_code, rr.eligible_on FROM records r"
            f" LEFT JOIN record_retention rr ON rr.record_id = r.id WHERE r.id IN ({marks})"
        ).all()
    }
    held = {
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT hr.record_id FROM hold_records hr JOIN holds h ON h.id = hr.hold_id"
            f" WHERE h.released_at IS NULL AND hr.record_id IN ({marks})"
        ).all()
    }
    present = sorted(rows)
    contents = seal.payloads(conn, seal.RECORD, present) if present else {}
    salts = seal.salts(conn, seal.RECORD, present) if present else {}
    ok: dict[int, tuple[bytes, tuple[object, ...]]] = {}
    skipped: list[SkippedRecord] = []
    for rid in ids:
        series, snap_leaf = snap.get(rid, ("", None))
        row = rows.get(rid)
        if row is None:
            skipped.append(SkippedRecord(rid, "missing"))
            continue
        if rid in held:
            skipped.append(SkippedRecord(rid, "held"))
            continue
        status, code, eligible_on = row[5], row[6], row[7]
        if status != "dated" or code != series or eligible_on is None or str(eligible_on) > as_of:
            skipped.append(SkippedRecord(rid, "not_eligible"))
            continue
        salt = salts.get(rid)
        if salt is None or snap_leaf is None:
            skipped.append(SkippedRecord(rid, "changed"))
            continue
        current = seal.leaf(salt, contents.get(rid, b""))
        if current != snap_leaf:
            skipped.append(SkippedRecord(rid, "changed"))
            continue
        ok[rid] = (current, (row[1], row[2], row[3], series, row[4], str(eligible_on)))
    return ok, skipped


def _unlink_threads(conn: Connection, ids: Sequence[int]) -> None:
    """Kept records replying to (or filed under) a destroyed one: the reply keeps its
    parent_key (sealed) and loses the link, as a reply whose parent was never imported."""
    marks = _marks(ids)
    affected = [
        int(r[0])
        for r in conn.exec_driver_sql(
            f"SELECT id FROM records WHERE (parent_id IN ({marks}) OR thread_id IN ({marks}))"
            f" AND id NOT IN ({marks})"
        ).all()
    ]
    if not affected:
        return
    kept = _marks(affected)
    conn.exec_driver_sql(
        f"UPDATE records SET parent_id = NULL WHERE parent_id IN ({marks}) AND id IN ({kept})"
    )
    conn.exec_driver_sql(
        f"UPDATE records SET thread_id = NULL WHERE thread_id IN ({marks}) AND id IN ({kept})"
    )
    threads._assign_roots(conn, set(affected))


def _media_members(conn: Connection, shas: Sequence[str]) -> list[str]:
    """Media blobs no kept media row names that are also stored as export members (a source
    file with no records of its own): those members go with the media."""
    out: list[str] = []
    for sha in shas:
        if conn.exec_driver_sql("SELECT 1 FROM media WHERE blob_sha256 = ?", (sha,)).first():
            continue
        members = [
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT s.id FROM source_files s WHERE s.blob_sha256 = ?"
                " AND NOT EXISTS (SELECT 1 FROM record_sources x WHERE x.source_file_id = s.id)"
                " AND NOT EXISTS (SELECT 1 FROM record_versions v WHERE v.source_file_id = s.id)",
                (sha,),
            ).all()
        ]
        if members:
            conn.exec_driver_sql(
                f"UPDATE source_files SET blob_sha256 = NULL WHERE id IN ({_marks(members)})"
            )
            seal.touch(conn, seal.SOURCE_FILE, members)
            out.append(sha)
    return out


def _batch(
    archive: Archive,
    number: int,
    ids: Sequence[int],
    today: date | None,
    result: DestructionResult,
) -> int:
    with purge.destroying_connection(archive) as conn:
        _check_approval(conn, number, today)
        _status, as_of = _report_row(conn, number)
        ok, skipped = _decide(conn, number, as_of, ids)
        identity, before = ledger.archive_uuid(conn), ledger.head(conn)
        now = timeutil.now_db()
        going = sorted(ok)
        outcomes: list[rewrite.OriginalOutcome] = []
        if going:
            held_in = rewrite.sources_of(conn, going)
            media_blobs = [
                str(r[0])
                for r in conn.exec_driver_sql(
                    f"SELECT DISTINCT blob_sha256 FROM media WHERE record_id IN ({_marks(going)})"
                    " AND blob_sha256 IS NOT NULL"
                ).all()
            ]
            conn.exec_driver_sql(
                "INSERT INTO record_tombstones (record_id, platform, kind, platform_id,"
                " series_code, created_at, eligible_on, report_id, destroyed_at,"
                " matched_snapshot, leaf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                [(rid, *ok[rid][1], number, now, ok[rid][0]) for rid in going],
            )
            _unlink_threads(conn, going)
            registry.purge_records(conn, going)
            outcomes, released = rewrite.settle(conn, held_in)
            released += _media_members(conn, media_blobs)
            registry.delete_blobs(
                conn, registry.unreferenced_blobs(conn, [*media_blobs, *released])
            )
            for out in outcomes:
                if out.action == rewrite.RETAINED:
                    conn.exec_driver_sql(
                        "INSERT OR IGNORE INTO disposal_retained_originals (report_id,"
                        " record_id, source_file_id, reason) VALUES (?, ?, ?, ?)",
                        [(number, rid, out.source_file_id, out.reason) for rid in out.record_ids],
                    )
                else:
                    conn.exec_driver_sql(
                        "INSERT INTO disposal_rewrites (report_id, source_file_id, old_sha256,"
                        " new_sha256, removed, at) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            number,
                            out.source_file_id,
                            out.old_blob,
                            out.new_blob,
                            out.removed_items,
                            now,
                        ),
                    )
            conn.exec_driver_sql(
                f"DELETE FROM disposal_skipped WHERE report_id = ? AND record_id IN"
                f" ({_marks(going)})",
                (number,),
            )
            conn.exec_driver_sql(
                "UPDATE disposal_destructions SET purged_at = NULL WHERE report_id = ?",
                (number,),
            )
        if skipped:
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO disposal_skipped (report_id, record_id, reason, at)"
                " VALUES (?, ?, ?, ?)",
                [(number, s.record_id, s.reason, now) for s in skipped],
            )
        reasons: dict[str, int] = {}
        for s in skipped:
            reasons[s.reason] = reasons.get(s.reason, 0) + 1
        archive.audit(
            conn,
            action="disposal.destroy_batch",
            object_type="record",
            object_ids=going,
            details={
                "report": number,
                "destroyed": len(going),
                "skipped": reasons,
                "originals": {
                    kind: sum(1 for o in outcomes if o.action == kind)
                    for kind in (rewrite.REWRITTEN, rewrite.REMOVED, rewrite.RETAINED)
                },
            },
        )
        for out in outcomes:
            if out.action == rewrite.RETAINED:
                continue
            archive.audit(
                conn,
                action="disposal.original_" + out.action,
                object_type="source_file",
                object_ids=[out.source_file_id],
                details={
                    "report": number,
                    "old_sha256": out.old_blob,
                    "new_sha256": out.new_blob,
                    "items": out.removed_items,
                },
            )
        # the ledger's intent goes last before the commit, its outcome right after (ledger.py)
        rows = [(r, ok[r][1][0], ok[r][1][2]) for r in going]
        batch = ledger.intent(identity, archive.path, number, rows, before, ledger.head(conn))
    result.originals.extend(outcomes)
    if batch and identity:
        ledger.resolve(identity, batch, ledger.DONE)
    return len(going)


def _purge(archive: Archive, number: int) -> None:
    purge.purge_all(archive)
    with archive.write() as conn:
        conn.exec_driver_sql(
            "UPDATE disposal_destructions SET purged_at = ? WHERE report_id = ?",
            (timeutil.now_db(), number),
        )
        archive.audit(
            conn,
            action="disposal.destroy_purge",
            object_type="disposal_report",
            object_ids=[number],
            details={"report": number},
        )


def destroy(
    archive: Archive,
    report_number: int,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    batch_size: int = BATCH_SIZE,
    today: date | None = None,
) -> DestructionResult:
    """Destroy approved report `report_number`'s records that are still eligible.

    DisposalError (one sentence) when the report is not approved, its wait has not passed, or
    it was already destroyed. `today` (agency local date by default) decides the county wait.
    """
    number = int(report_number)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total, purge_only = _start(archive, number, today)
    result = DestructionResult(report=number, total=total, destroyed=0, destroyed_now=0)
    if not purge_only:
        with archive.read() as conn:
            keyed = _remaining_keyed(conn, number)
        rederive(archive, [rid for rid, _original in keyed])
        done = total - len(keyed)
        for part in plan_batches(keyed, batch_size):
            if cancel is not None and cancel.is_set():
                result.cancelled = True
                break
            result.destroyed_now += _batch(archive, number, part, today, result)
            # the search cache file beside the archive names records by id and date
            cachefile.remove(archive.path)
            done += len(part)
            if progress is not None:
                progress(done, total, f"Checked {done:,} of {total:,} records")
        with purge.destroying_connection(archive) as conn:
            if result.cancelled:
                set_status(conn, number, "approved")
                action = "disposal.destroy_cancel"
            else:
                set_status(conn, number, "destroyed")
                conn.exec_driver_sql(
                    "UPDATE disposal_destructions SET finished_at = ? WHERE report_id = ?",
                    (timeutil.now_db(), number),
                )
                action = "disposal.destroy_finish"
            archive.audit(
                conn,
                action=action,
                object_type="disposal_report",
                object_ids=[number],
                details={"report": number, "destroyed_now": result.destroyed_now},
            )
    cachefile.remove(archive.path)
    if progress is not None:
        progress(total, total, "Purging the search indexes and free pages")
    try:
        _purge(archive, number)
    except ArchiveBusy as exc:
        # the records are gone from the tables; what is left (index segments, WAL, free
        # pages) is purged by the next run, and the certificate says so until then
        result.notes.append(str(exc))
    with archive.read() as conn:
        ledger.sync(conn, archive.path)  # a batch whose append was lost (killed, disk full)
    _fill(archive, number, result)
    return result


def _fill(archive: Archive, number: int, result: DestructionResult) -> None:
    with archive.read() as conn:
        result.destroyed = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM record_tombstones WHERE report_id = ?", (number,)
            ).scalar_one()
        )
        result.skipped = [
            SkippedRecord(int(r[0]), str(r[1]))
            for r in conn.exec_driver_sql(
                "SELECT record_id, reason FROM disposal_skipped WHERE report_id = ?"
                " ORDER BY record_id",
                (number,),
            ).all()
        ]
        result.retained = [
            RetainedRecord(int(r[0]), int(r[1]), str(r[2]))
            for r in conn.exec_driver_sql(
                "SELECT record_id, source_file_id, reason FROM disposal_retained_originals"
                " WHERE report_id = ? ORDER BY record_id, source_file_id",
                (number,),
            ).all()
        ]
        row = conn.exec_driver_sql(
            "SELECT finished_at, purged_at, copies_json FROM disposal_destructions"
            " WHERE report_id = ?",
            (number,),
        ).first()
    if row is not None:
        result.started = True
        result.finished = row[0] is not None
        result.purged = row[1] is not None
        result.copies = list(json.loads(row[2] or "[]"))


def destruction_result(archive: Archive, report_number: int) -> DestructionResult:
    """What has been destroyed of report `report_number` so far (read only)."""
    number = int(report_number)
    with archive.read() as conn:
        _report_row(conn, number)
        total = int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM disposal_report_records WHERE report_id = ?", (number,)
            ).scalar_one()
        )
    result = DestructionResult(report=number, total=total, destroyed=0, destroyed_now=0)
    _fill(archive, number, result)
    return result


def count_to_destroy(archive: Archive, report_number: int, today: date | None = None) -> int:
    """Records of the report without a tombstone yet (what a confirmation names), after the
    same checks `destroy` makes first, so nobody confirms a destruction that is refused."""
    number = int(report_number)
    with archive.read() as conn:
        status, _as_of = _report_row(conn, number)
        if status == "destroyed":
            purged = conn.exec_driver_sql(
                "SELECT purged_at FROM disposal_destructions WHERE report_id = ?", (number,)
            ).scalar()
            if purged:
                raise DisposalError(f"Disposal report {number} has already been destroyed.")
            return 0
        if status not in ("approved", "destroying"):
            raise DisposalError(
                f"Disposal report {number} is {status}: only an approved report can be destroyed.",
                "report",
            )
        _check_approval(conn, number, today)
        return _remaining_count(conn, number)

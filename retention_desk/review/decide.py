"""The custodian's decisions on candidates: accept (the candidate becomes redactions of the
request), reject, adjust the span then accept, and undo. Each call is one write transaction
and is audited with ids and counts; a decision records who and when.

Accepting makes one range redaction per range the candidate would black out, on the exact
version it was found in (a record's own field: the record), under the candidate's code, kept
with the request. Undo takes a decision back: an accepted candidate's redactions are removed
(audited as any removal) and it is undecided again.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.detection import KINDS
from retention_desk.ipra.requests import request_row
from retention_desk.redaction import catalogue as cat
from retention_desk.redaction.errors import RedactionError
from retention_desk.redaction.model import CURRENT
from retention_desk.redaction.store import insert_range
from retention_desk.review.errors import ReviewError
from retention_desk.review.model import ACCEPTED, REJECTED, UNDECIDED, CandidateInfo
from retention_desk.review.store import candidates_in, get_candidate, value_of

# how often a long accept polls for cancel and reports progress (each accept is ~0.4 ms)
_CANCEL_EVERY = 100


def _request(conn: Connection, number: str) -> int:
    return int(request_row(conn, number)[0])


def _accept_one(
    archive: Archive,
    conn: Connection,
    request_id: int,
    cand: CandidateInfo,
    ranges: Sequence[tuple[int, int]],
    catalogue: object,
    *,
    adjusted: bool = False,
) -> list[int]:
    made: list[int] = []
    for start, end in ranges:
        try:
            made.append(
                insert_range(
                    archive,
                    conn,
                    cand.record_id,
                    start,
                    end,
                    cand.code,
                    field=cand.field,
                    version=cand.version_id if cand.version_id is not None else CURRENT,
                    note=f"review candidate {cand.id} ({cand.kind.replace('_', ' ')})",
                    request_id=request_id,
                    catalogue=catalogue,  # type: ignore[arg-type]
                )
            )
        except RedactionError as exc:
            raise ReviewError(f"Candidate {cand.id} cannot be accepted: {exc}") from None
    conn.exec_driver_sql(
        "UPDATE review_candidates SET status = 'accepted', decided_at = ?, decided_by = ?,"
        " redaction_ids_json = ?, adjusted = ?, redact_json = ? WHERE id = ?",
        (
            timeutil.now_db(),
            archive.operator(conn),
            json.dumps(made),
            adjusted or cand.adjusted,
            json.dumps([list(r) for r in ranges]),
            cand.id,
        ),
    )
    return made


def _audit(
    archive: Archive, conn: Connection, action: str, request_id: int, ids: Sequence[int]
) -> None:
    archive.audit(
        conn,
        action=action,
        object_type="review_candidate",
        object_ids=list(ids),
        details={"request": request_id, "candidates": len(ids)},
    )


def accept(archive: Archive, number: str, candidate_ids: Iterable[int]) -> list[int]:
    """Accept candidates (undecided or rejected ones; accepted ones are left as they are).
    Returns the ids accepted now."""
    wanted = [int(i) for i in candidate_ids]
    with archive.write() as conn:
        rid = _request(conn, number)
        catalogue = cat.catalogue_in(conn)
        done = []
        for cid in wanted:
            cand = get_candidate(conn, rid, cid)
            if cand.status == ACCEPTED:
                continue
            _accept_one(archive, conn, rid, cand, cand.redact, catalogue)
            done.append(cid)
        if done:
            _audit(archive, conn, "review.accept", rid, done)
        return done


def accept_type(
    archive: Archive,
    number: str,
    kind: str,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[int]:
    """Accept every undecided candidate of one type (after sampling them); a candidate inside
    a redaction already made is left undecided (it is counted decided, and needs no second
    redaction). Returns the ids accepted. All of them are one transaction: `cancel` (polled
    between candidates) rolls every one back, so a type is never left half accepted."""
    if kind not in KINDS:
        raise ReviewError(f"The type {kind[:30]!r} must be one of {', '.join(KINDS)}.")
    report = progress or (lambda _d, _t, _m: None)
    with archive.write() as conn:
        rid = _request(conn, number)
        catalogue = cat.catalogue_in(conn)
        todo = [c for c in candidates_in(conn, rid, status=UNDECIDED, kind=kind) if not c.covered]
        done = []
        for n, cand in enumerate(todo):
            if n % _CANCEL_EVERY == 0:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("Accepting was cancelled: no candidate was accepted.")
                report(n, len(todo), f"Accepting {n:,} of {len(todo):,}")
            _accept_one(archive, conn, rid, cand, cand.redact, catalogue)
            done.append(cand.id)
        report(len(todo), len(todo), "Saving")
        if done:
            _audit(archive, conn, "review.accept", rid, done)
        return done


def reject(archive: Archive, number: str, candidate_ids: Iterable[int]) -> list[int]:
    """Reject candidates (not an identifier, or not to be redacted). An accepted one is
    refused: undo it first, so its redactions are removed knowingly."""
    wanted = [int(i) for i in candidate_ids]
    with archive.write() as conn:
        rid = _request(conn, number)
        done = []
        for cid in wanted:
            cand = get_candidate(conn, rid, cid)
            if cand.status == ACCEPTED:
                raise ReviewError(
                    f"Candidate {cid} was accepted (its redactions exist); undo it before"
                    " rejecting it."
                )
            if cand.status == REJECTED:
                continue
            conn.exec_driver_sql(
                "UPDATE review_candidates SET status = 'rejected', decided_at = ?,"
                " decided_by = ? WHERE id = ?",
                (timeutil.now_db(), archive.operator(conn), cid),
            )
            done.append(cid)
        if done:
            _audit(archive, conn, "review.reject", rid, done)
        return done


def adjust(archive: Archive, number: str, candidate_id: int, start: int, end: int) -> CandidateInfo:
    """Accept a candidate with its blacked-out span changed to start:end of the same value
    (Python string indices), e.g. to keep more or less visible."""
    with archive.write() as conn:
        rid = _request(conn, number)
        cand = get_candidate(conn, rid, candidate_id)
        if cand.status == ACCEPTED:
            raise ReviewError(f"Candidate {candidate_id} is accepted; undo it to adjust it.")
        value = value_of(conn, cand)
        if value is None:
            raise ReviewError(f"Candidate {candidate_id}'s record or version is gone.")
        if not 0 <= int(start) < int(end) <= len(value):
            raise ReviewError(
                f"The span {start}:{end} is outside the value, which has {len(value)} characters."
            )
        _accept_one(
            archive,
            conn,
            rid,
            cand,
            [(int(start), int(end))],
            cat.catalogue_in(conn),
            adjusted=True,
        )
        _audit(archive, conn, "review.adjust", rid, [cand.id])
        return get_candidate(conn, rid, candidate_id)


def undo(archive: Archive, number: str, candidate_id: int) -> CandidateInfo:
    """Take a decision back: an accepted candidate's redactions are removed; the candidate is
    undecided again."""
    with archive.write() as conn:
        rid = _request(conn, number)
        cand = _undo_one(archive, conn, rid, candidate_id)
        _audit(archive, conn, "review.undo", rid, [cand.id])
        return get_candidate(conn, rid, candidate_id)


def undo_many(archive: Archive, number: str, candidate_ids: Iterable[int]) -> list[int]:
    """`undo` of many candidates in one transaction (taking back a bulk accept)."""
    wanted = [int(i) for i in candidate_ids]
    with archive.write() as conn:
        rid = _request(conn, number)
        done = [_undo_one(archive, conn, rid, cid).id for cid in wanted]
        if done:
            _audit(archive, conn, "review.undo", rid, done)
        return done


def _undo_one(archive: Archive, conn: Connection, rid: int, candidate_id: int) -> CandidateInfo:
    cand = get_candidate(conn, rid, candidate_id)
    if cand.status == UNDECIDED:
        return cand
    for redaction_id in cand.redaction_ids:
        row = conn.exec_driver_sql(
            "SELECT record_id, kind, code, request_id FROM redactions WHERE id = ?",
            (redaction_id,),
        ).first()
        if row is None:
            continue  # removed by hand already
        conn.exec_driver_sql("DELETE FROM redactions WHERE id = ?", (redaction_id,))
        archive.audit(
            conn,
            action="redaction.remove",
            object_type="redaction",
            object_ids=[redaction_id],
            details={
                "redaction": redaction_id,
                "record": int(row[0]),
                "kind": str(row[1]),
                "code": str(row[2]),
                "request": row[3],
            },
        )
    conn.exec_driver_sql(
        "UPDATE review_candidates SET status = 'undecided', decided_at = NULL,"
        " decided_by = NULL, redaction_ids_json = '[]' WHERE id = ?",
        (cand.id,),
    )
    return cand

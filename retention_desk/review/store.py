"""The review queue of a request: persons named for it, candidates with their context, the
progress counts, and the production's question "is anything undecided?".

A candidate counts as decided when the custodian accepted or rejected it, or when it lies
wholly inside a redaction the custodian already made (same record, field and a version the
redaction applies to): nothing is left for the review to decide there.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.detection import KINDS, Person
from retention_desk.ipra.requests import request_row
from retention_desk.redaction import catalogue as cat
from retention_desk.review.errors import ReviewError
from retention_desk.review.model import (
    STATUSES,
    UNDECIDED,
    CandidateContext,
    CandidateInfo,
    KindProgress,
    PersonInfo,
    ReviewProgress,
)

MAX_NAME = 200
MAX_HANDLES = 20
CONTEXT_CHARS = 60
_CHUNK = 500

_COLUMNS = (
    "c.id, c.record_id, c.version_id, v.seq, c.field, c.kind, c.start_index, c.end_index,"
    " c.redact_json, c.code, c.suggestion, c.rule, c.person_id, c.status, c.adjusted,"
    " c.decided_by, c.decided_at, c.redaction_ids_json"
)
_FROM = " FROM review_candidates c LEFT JOIN record_versions v ON v.id = c.version_id"


# ------------------------------------------------------------------------------ persons
def add_person(
    archive: Archive, number: str, name: str, *, handles: Sequence[str] = (), code: str
) -> PersonInfo:
    """Name a person once for request `number`: every mention, author name and handle of
    them in the set becomes a candidate under `code` at the next detection run. Audited by
    ids and code only (a name in the append-only audit could never be destroyed)."""
    clean = " ".join(name.split())
    if not clean:
        raise ReviewError("A person needs a name.")
    if len(clean) > MAX_NAME:
        raise ReviewError(f"A person's name is at most {MAX_NAME} characters.")
    tags = [h.strip().lstrip("@") for h in handles if h.strip().lstrip("@")]
    if len(tags) > MAX_HANDLES:
        raise ReviewError(f"A person has at most {MAX_HANDLES} handles.")
    with archive.write() as conn:
        row = request_row(conn, number)
        exemption = cat.resolve(cat.catalogue_in(conn), code)
        now = timeutil.now_db()
        by = archive.operator(conn)
        result = conn.exec_driver_sql(
            "INSERT INTO review_persons (request_id, name, handles_json, code, created_at,"
            " created_by) VALUES (?, ?, ?, ?, ?, ?)",
            (int(row[0]), clean, json.dumps(tags, ensure_ascii=False), exemption.code, now, by),
        )
        pid = int(result.lastrowid or 0)
        archive.audit(
            conn,
            action="review.person_add",
            object_type="review_person",
            object_ids=[pid],
            details={"person": pid, "request": int(row[0]), "code": exemption.code},
        )
        return PersonInfo(pid, clean, tuple(tags), exemption.code, now, by)


def list_persons(archive: Archive, number: str) -> list[PersonInfo]:
    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])
        return [
            PersonInfo(int(r[0]), str(r[1]), tuple(json.loads(r[2])), str(r[3]), r[4], r[5])
            for r in conn.exec_driver_sql(
                "SELECT id, name, handles_json, code, created_at, created_by FROM review_persons"
                " WHERE request_id = ? AND removed_at IS NULL ORDER BY id",
                (rid,),
            )
        ]


def remove_person(archive: Archive, number: str, person_id: int) -> None:
    """Stop looking for a person: their undecided candidates go at the next detection run;
    decisions already made stay."""
    with archive.write() as conn:
        rid = int(request_row(conn, number)[0])
        done = conn.exec_driver_sql(
            "UPDATE review_persons SET removed_at = ? WHERE id = ? AND request_id = ?"
            " AND removed_at IS NULL",
            (timeutil.now_db(), int(person_id), rid),
        )
        if not done.rowcount:
            raise ReviewError(f"Request {number} has no person {person_id}.")
        archive.audit(
            conn,
            action="review.person_remove",
            object_type="review_person",
            object_ids=[int(person_id)],
            details={"person": int(person_id), "request": rid},
        )


def persons_of(conn: Connection, request_id: int) -> list[tuple[int, Person]]:
    return [
        (int(r[0]), Person(str(r[1]), tuple(json.loads(r[2])), str(r[3])))
        for r in conn.exec_driver_sql(
            "SELECT id, name, handles_json, code FROM review_persons"
            " WHERE request_id = ? AND removed_at IS NULL ORDER BY id",
            (request_id,),
        )
    ]


# --------------------------------------------------------------------------- candidates
def _info(row: Any, covered: bool = False) -> CandidateInfo:
    return CandidateInfo(
        id=int(row[0]),
        record_id=int(row[1]),
        version_id=int(row[2]) if row[2] is not None else None,
        version_seq=int(row[3]) if row[3] is not None else None,
        field=str(row[4]),
        kind=str(row[5]),
        start=int(row[6]),
        end=int(row[7]),
        redact=tuple((int(a), int(b)) for a, b in json.loads(row[8])),
        code=str(row[9]),
        suggestion=bool(row[10]),
        rule=str(row[11]),
        person_id=int(row[12]) if row[12] is not None else None,
        status=str(row[13]),
        adjusted=bool(row[14]),
        decided_by=row[15],
        decided_at=row[16],
        redaction_ids=tuple(int(i) for i in json.loads(row[17] or "[]")),
        covered=covered,
    )


def candidates_in(
    conn: Connection,
    request_id: int,
    *,
    status: str | None = None,
    kind: str | None = None,
    record_ids: Iterable[int] | None = None,
) -> list[CandidateInfo]:
    """The request's candidates in reading order (record, version, field, position), each
    marked `covered` when it lies inside a redaction already made."""
    if status is not None and status not in STATUSES:
        raise ReviewError(f"The status {status[:20]!r} must be one of {', '.join(STATUSES)}.")
    if kind is not None and kind not in KINDS:
        raise ReviewError(f"The type {kind[:30]!r} must be one of {', '.join(KINDS)}.")
    where = " WHERE c.request_id = ?"
    args: list[Any] = [request_id]
    if status is not None:
        where += " AND c.status = ?"
        args.append(status)
    if kind is not None:
        where += " AND c.kind = ?"
        args.append(kind)
    rows = conn.exec_driver_sql(
        f"SELECT {_COLUMNS}{_FROM}{where}"
        " ORDER BY c.record_id, coalesce(v.seq, 0), c.field, c.start_index, c.id",
        tuple(args),
    ).all()
    if record_ids is not None:
        wanted = {int(i) for i in record_ids}
        rows = [r for r in rows if int(r[1]) in wanted]
    infos = [_info(r) for r in rows]
    covered = _covered_ids(conn, request_id, [c for c in infos if c.status == UNDECIDED])
    return [_info(r, covered=int(r[0]) in covered) for r in rows] if covered else infos


def list_candidates(
    archive: Archive, number: str, *, status: str | None = None, kind: str | None = None
) -> list[CandidateInfo]:
    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])
        return candidates_in(conn, rid, status=status, kind=kind)


def get_candidate(conn: Connection, request_id: int, candidate_id: int) -> CandidateInfo:
    row = conn.exec_driver_sql(
        f"SELECT {_COLUMNS}{_FROM} WHERE c.id = ? AND c.request_id = ?",
        (int(candidate_id), request_id),
    ).first()
    if row is None:
        raise ReviewError(f"This request has no candidate {candidate_id}.")
    return _info(row)


def value_of(conn: Connection, cand: CandidateInfo) -> str | None:
    """The value the candidate's offsets index, as stored now (None when gone)."""
    if cand.version_id is not None:
        row = conn.exec_driver_sql(
            f"SELECT {'title' if cand.field == 'title' else 'text'} FROM record_versions"
            " WHERE id = ? AND record_id = ?",
            (cand.version_id, cand.record_id),
        ).first()
    else:
        column = {"author_name": "author_name", "author_handle": "author_handle", "url": "url"}
        row = conn.exec_driver_sql(
            f"SELECT {column[cand.field]} FROM records WHERE id = ?", (cand.record_id,)
        ).first()
    return None if row is None or row[0] is None else str(row[0])


def candidate_context(
    archive: Archive, number: str, candidate_id: int, chars: int = CONTEXT_CHARS
) -> CandidateContext:
    """The candidate with the text around it, the found span cut into hidden and visible
    runs (what accepting it would black out, what may stay visible)."""
    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])
        cand = get_candidate(conn, rid, candidate_id)
        covered = _covered_ids(conn, rid, [cand]) if cand.status == UNDECIDED else set()
        value = value_of(conn, cand)
    if covered:
        cand = CandidateInfo(**{**cand.__dict__, "covered": True})
    if value is None or cand.end > len(value):
        raise ReviewError(
            f"Candidate {candidate_id}'s record or version is gone or changed; run detection again."
        )
    return context_of(cand, value, chars)


def context_of(cand: CandidateInfo, value: str, chars: int = CONTEXT_CHARS) -> CandidateContext:
    """Runs over the union of the found span and every redact range (an adjusted span may
    start before or end after what was found): characters under a redact range hidden, the
    others visible, with `chars` of text either side."""
    first = min([cand.start, *(s for s, _ in cand.redact)])
    last = max([cand.end, *(e for _, e in cand.redact)])
    cuts = sorted({first, last, *(x for r in cand.redact for x in r if first <= x <= last)})
    runs: list[tuple[str, bool]] = []
    for a, b in pairwise(cuts):
        hidden = any(s <= a and b <= e for s, e in cand.redact)
        if runs and runs[-1][1] == hidden:
            runs[-1] = (runs[-1][0] + value[a:b], hidden)
        else:
            runs.append((value[a:b], hidden))
    return CandidateContext(
        candidate=cand,
        before=value[max(0, first - chars) : first],
        runs=tuple(r for r in runs if r[0]),
        after=value[last : last + chars],
        value_length=len(value),
    )


# ------------------------------------------------------------------------------ covered
def redaction_spans_in(
    conn: Connection, request_id: int, cands: Sequence[CandidateInfo]
) -> dict[int, list[tuple[int, int, str]]]:
    """The range redactions already made (the request's own, or made outside any request)
    on each candidate's record, field and version: candidate id -> (start, end, code). A
    report showing a candidate's context must hide them too."""
    records = sorted({c.record_id for c in cands})
    reds: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    current: dict[int, int] = {}
    for i in range(0, len(records), _CHUNK):
        part = records[i : i + _CHUNK]
        marks = ",".join("?" * len(part))
        for row in conn.exec_driver_sql(
            "SELECT record_id, version_id, all_versions, field, start_index, end_index, code"
            f" FROM redactions WHERE kind = 'range' AND record_id IN ({marks})"
            " AND (request_id IS NULL OR request_id = ?)",
            (*part, request_id),
        ):
            reds[int(row[0])].append(tuple(row))
        for rid, vid in conn.exec_driver_sql(
            "SELECT r.id, v.id FROM records r JOIN record_versions v ON v.record_id = r.id"
            f" AND v.seq = r.version_count WHERE r.id IN ({marks})",
            tuple(part),
        ):
            current[int(rid)] = int(vid)
    out: dict[int, list[tuple[int, int, str]]] = {}
    for cand in cands:
        spans = []
        for _rid, vid, all_versions, field, start, end, code in reds.get(cand.record_id, ()):
            if field != cand.field:
                continue
            if cand.version_id is not None and not (
                all_versions
                or (vid is not None and int(vid) == cand.version_id)
                or (vid is None and current.get(cand.record_id) == cand.version_id)
            ):
                continue
            spans.append((int(start), int(end), str(code)))
        if spans:
            out[cand.id] = spans
    return out


def _covered_ids(conn: Connection, request_id: int, cands: Sequence[CandidateInfo]) -> set[int]:
    """Ids of `cands` whose every redact range lies inside the union of range redactions
    (the request's own, or made outside any request) on the same record, field and a version
    they apply to."""
    if not cands:
        return set()
    out: set[int] = set()
    by_cand = redaction_spans_in(conn, request_id, cands)
    for cand in cands:
        spans = [(a, b) for a, b, _code in by_cand.get(cand.id, ())]
        if spans and all(_inside(r, _merge(spans)) for r in cand.redact):
            out.add(cand.id)
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _inside(span: tuple[int, int], merged: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in merged)


# ------------------------------------------------------------------------------ progress
def progress_in(conn: Connection, request_id: int, number: str) -> ReviewProgress:
    counts: dict[str, list[int]] = {}
    for kind, status, n in conn.exec_driver_sql(
        "SELECT kind, status, count(*) FROM review_candidates WHERE request_id = ?"
        " GROUP BY kind, status",
        (request_id,),
    ):
        row = counts.setdefault(str(kind), [0, 0, 0, 0])
        row[0] += int(n)
        if status == "accepted":
            row[1] += int(n)
        elif status == "rejected":
            row[2] += int(n)
    undecided = candidates_in(conn, request_id, status=UNDECIDED)
    for cand in undecided:
        if cand.covered:
            counts[cand.kind][3] += 1
    order = [k for k in KINDS if k in counts] + sorted(k for k in counts if k not in KINDS)
    return ReviewProgress(number, tuple(KindProgress(kind, *counts[kind]) for kind in order))


def review_progress(archive: Archive, number: str) -> ReviewProgress:
    with archive.read() as conn:
        row = request_row(conn, number)
        return progress_in(conn, int(row[0]), str(row[1]))


def undecided_in(conn: Connection, request_id: int, record_ids: Iterable[int]) -> dict[str, int]:
    """Undecided candidates (not covered) of the request on `record_ids`, by type: what a
    production refuses to run over unless the custodian overrides it."""
    out: dict[str, int] = {}
    for cand in candidates_in(conn, request_id, status=UNDECIDED, record_ids=record_ids):
        if not cand.covered:
            out[cand.kind] = out.get(cand.kind, 0) + 1
    return out

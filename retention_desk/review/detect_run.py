"""Run detection over a request's records and keep what it found beside earlier decisions.

What is searched: every version's text and title of every record in the request's set (an
identifier a resident edited out is still in the old version a production with `--versions
all` shows), and the record's author name and handle against the persons named for the
request. Private messages are searched too: the custodian may include them.

How a new run meets an earlier one: a candidate is the same when record, version, field, kind
and span are the same. Found again: kept with its decision (a decided candidate whose record
field changed under it, which only a record's own fields can, is undecided again: the
decision was about other characters). Not found again: an undecided one is deleted (it was
only a proposal, e.g. of a person since removed), a decided one stays (decisions are data).

Reads in one read transaction, detects without holding a write lock, then writes all of it
in one write transaction, re-reading the earlier candidates there so two runs at once cannot
insert the same candidate twice.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.detection import (
    Candidate,
    Person,
    detect_text,
    matches_author,
    person_mentions,
)
from retention_desk.ipra.requests import request_row
from retention_desk.redaction.store import digest
from retention_desk.review.model import UNDECIDED, DetectionRun
from retention_desk.review.store import persons_of, progress_in

_CHUNK = 500
Progress = Callable[[int, int, str], None]
Key = tuple[int, int | None, str, str, int, int]


@dataclass(frozen=True)
class _Found:
    record_id: int
    version_id: int | None
    field: str
    candidate: Candidate
    person_id: int | None
    digest: str

    @property
    def key(self) -> Key:
        c = self.candidate
        return (self.record_id, self.version_id, self.field, c.kind, c.start, c.end)


def detect_request(
    archive: Archive,
    number: str,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> DetectionRun:
    """Detect over request `number`'s set and store the candidates (audited by counts)."""
    report = progress or (lambda _d, _t, _m: None)
    with archive.read() as conn:
        row = request_row(conn, number)
        request_id, request_number = int(row[0]), str(row[1])
        persons = persons_of(conn, request_id)
        ids = _set_ids(conn, request_id)
        found: list[_Found] = []
        values = 0
        for n, chunk in enumerate(_chunks(ids)):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            report(n * _CHUNK, len(ids), "Searching the records")
            salts = seal.salts(conn, seal.RECORD, chunk)
            for record_id, version_id, field, value in _values(conn, chunk):
                values += 1
                salt = salts.get(record_id) or b""
                for cand, person_id in _detect(field, value, persons):
                    covered = value[cand.start : cand.end]
                    found.append(
                        _Found(
                            record_id,
                            version_id,
                            field,
                            cand,
                            person_id,
                            digest(salt, field, covered),
                        )
                    )
    report(len(ids), len(ids), "Keeping the candidates")
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    with archive.write() as conn:
        new, kept, reopened, dropped = _store(archive, conn, request_id, found)
        archive.audit(
            conn,
            action="review.detect",
            object_type="ipra_request",
            object_ids=[request_id],
            details={
                "request": request_id,
                "records": len(ids),
                "found": len(found),
                "new": new,
                "kept": kept,
                "reopened": reopened,
                "dropped": dropped,
            },
        )
        state = progress_in(conn, request_id, request_number)
    return DetectionRun(
        request=request_number,
        records=len(ids),
        values=values,
        found=len(found),
        new=new,
        kept=kept,
        reopened=reopened,
        dropped=dropped,
        progress=state,
    )


def _detect(
    field: str, value: str, persons: Sequence[tuple[int, Person]]
) -> Iterator[tuple[Candidate, int | None]]:
    if field in ("text", "title"):
        for cand in detect_text(value):
            yield cand, None
        # one person at a time, so each mention names the person it is of
        for person_id, person in persons:
            for cand in person_mentions(value, person):
                yield cand, person_id
        return
    # the author fields: the whole value, when it names a person the custodian named
    for person_id, person in persons:
        if field == "author_name" and matches_author(value, "", person):
            yield _whole(value, person.code, "person-author"), person_id
            return
        if field == "author_handle" and matches_author("", value, person):
            yield _whole(value, person.code, "person-handle"), person_id
            return


def _whole(value: str, code: str, rule: str) -> Candidate:
    return Candidate("person", 0, len(value), ((0, len(value)),), code, False, rule)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield list(ids[i : i + _CHUNK])


def _set_ids(conn: Connection, request_id: int) -> list[int]:
    return [
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT s.record_id FROM ipra_request_records s JOIN records r ON r.id = s.record_id"
            " WHERE s.request_id = ? AND s.removed_at IS NULL ORDER BY s.record_id",
            (request_id,),
        )
    ]


def _values(conn: Connection, chunk: Sequence[int]) -> Iterator[tuple[int, int | None, str, str]]:
    marks = ",".join("?" * len(chunk))
    for rid, vid, title, text in conn.exec_driver_sql(
        "SELECT record_id, id, title, text FROM record_versions"
        f" WHERE record_id IN ({marks}) ORDER BY record_id, seq",
        tuple(chunk),
    ):
        if text:
            yield int(rid), int(vid), "text", str(text)
        if title:
            yield int(rid), int(vid), "title", str(title)
    for rid, name, handle in conn.exec_driver_sql(
        f"SELECT id, author_name, author_handle FROM records WHERE id IN ({marks})",
        tuple(chunk),
    ):
        if name:
            yield int(rid), None, "author_name", str(name)
        if handle:
            yield int(rid), None, "author_handle", str(handle)


def _store(
    archive: Archive, conn: Connection, request_id: int, found: Sequence[_Found]
) -> tuple[int, int, int, int]:
    earlier: dict[Key, tuple[int, str, str]] = {}
    for row in conn.exec_driver_sql(
        "SELECT id, record_id, version_id, field, kind, start_index, end_index, status, digest"
        " FROM review_candidates WHERE request_id = ?",
        (request_id,),
    ):
        key = (
            int(row[1]),
            int(row[2]) if row[2] is not None else None,
            str(row[3]),
            str(row[4]),
            int(row[5]),
            int(row[6]),
        )
        earlier[key] = (int(row[0]), str(row[7]), str(row[8]))
    now = timeutil.now_db()
    seen: set[Key] = set()
    new = kept = reopened = 0
    inserts = []
    for item in found:
        key = item.key
        if key in seen:
            continue
        seen.add(key)
        before = earlier.get(key)
        if before is None:
            c = item.candidate
            inserts.append(
                (
                    request_id,
                    item.record_id,
                    item.version_id,
                    item.field,
                    c.kind,
                    c.start,
                    c.end,
                    json.dumps([list(r) for r in c.redact]),
                    c.code,
                    c.suggestion,
                    c.rule[:40],
                    item.person_id,
                    item.digest,
                    now,
                )
            )
            new += 1
            continue
        kept += 1
        cid, status, old_digest = before
        if old_digest != item.digest:
            if status != UNDECIDED:
                reopened += 1
            conn.exec_driver_sql(
                "UPDATE review_candidates SET digest = ?, status = 'undecided', decided_at = NULL,"
                " decided_by = NULL WHERE id = ?",
                (item.digest, cid),
            )
    if inserts:
        conn.exec_driver_sql(
            "INSERT INTO review_candidates (request_id, record_id, version_id, field, kind,"
            " start_index, end_index, redact_json, code, suggestion, rule, person_id, digest,"
            " status, adjusted, redaction_ids_json, found_at) VALUES"
            " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'undecided', 0, '[]', ?)",
            inserts,
        )
    gone = [
        cid for key, (cid, status, _d) in earlier.items() if key not in seen and status == UNDECIDED
    ]
    for i in range(0, len(gone), _CHUNK):
        part = gone[i : i + _CHUNK]
        conn.exec_driver_sql(
            f"DELETE FROM review_candidates WHERE id IN ({','.join('?' * len(part))})",
            tuple(part),
        )
    return new, kept, reopened, len(gone)

"""Worker-side calls of the review queue: each runs on the task runner, never touches a
widget, and returns plain data. The desk's refusals (ReviewError, RedactionError, IpraError)
reach the GUI as `ReviewFailed`, whose text is the user's sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from retention_desk.archive import Archive, ArchiveError, Cancelled
from retention_desk.review.model import CandidateContext, CandidateInfo, PersonInfo
from retention_desk.ui.record.redactions import exemption_text

T = TypeVar("T")
SAMPLES = 5
REREAD_MAX = 200  # candidates re-read one by one after a decision; more: the whole queue


class ReviewFailed(ArchiveError):
    """A refusal of the review or redaction desk carried through the task runner."""


def desk_errors(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    from retention_desk.ipra.errors import IpraError
    from retention_desk.redaction.errors import RedactionError
    from retention_desk.review.errors import ReviewError

    try:
        return fn(*args, **kwargs)
    except (ReviewError, RedactionError, IpraError) as exc:
        raise ReviewFailed(str(exc)) from exc


def load_queue(archive: Archive, number: str) -> tuple[CandidateInfo, ...]:
    """Every candidate of the request, in reading order, `covered` marked (the progress
    counts are made from them in the model: the same definitions as `review_progress`)."""
    from retention_desk.review.store import list_candidates

    return tuple(desk_errors(list_candidates, archive, number))


def load_context(
    archive: Archive, number: str, candidate_id: int, *, cancel: threading.Event
) -> CandidateContext:
    if cancel.is_set():
        raise Cancelled()  # the reviewer has moved on already
    return desk_errors(_context, archive, number, candidate_id)


def load_contexts(
    archive: Archive, number: str, candidate_ids: Sequence[int], *, cancel: threading.Event
) -> tuple[CandidateContext, ...]:
    """Contexts of the rows after the current one, read ahead so stepping shows them at once;
    one that cannot be read is left out (it is read, and its refusal shown, when reached)."""
    from retention_desk.review.errors import ReviewError

    out = []
    for cid in candidate_ids:
        if cancel.is_set():
            break
        try:
            out.append(_context(archive, number, cid))
        except (ReviewError, ArchiveError):
            continue
    return tuple(out)


def _context(archive: Archive, number: str, candidate_id: int) -> CandidateContext:
    from retention_desk.review.store import candidate_context

    return candidate_context(archive, number, candidate_id)


@dataclass(frozen=True)
class Decided:
    """What a decision changed: the ids it applied to, the candidates re-read (their status,
    and whether they now lie inside a redaction), and their contexts."""

    action: str  # accept | reject | adjust | undo | accept_type
    changed: tuple[int, ...]
    candidates: tuple[CandidateInfo, ...]
    contexts: tuple[CandidateContext, ...]
    reload: bool = False  # too many changed to re-read one by one: read the queue again


def _reread(
    archive: Archive, number: str, ids: Sequence[int]
) -> tuple[list[CandidateInfo], list[CandidateContext]]:
    from retention_desk.ipra.requests import request_row
    from retention_desk.review.errors import ReviewError
    from retention_desk.review.store import candidates_in

    cands: list[CandidateInfo] = []
    contexts: list[CandidateContext] = []
    missing: list[int] = []
    for cid in ids:
        try:
            ctx = _context(archive, number, cid)
        except ReviewError:
            missing.append(cid)  # its value is gone: re-read the row alone below
            continue
        contexts.append(ctx)
        cands.append(ctx.candidate)
    if missing:
        wanted = set(missing)
        with archive.read() as conn:
            rid = int(request_row(conn, number)[0])
            cands.extend(c for c in candidates_in(conn, rid) if c.id in wanted)
    return cands, contexts


def decide(
    archive: Archive,
    number: str,
    action: str,
    ids: Sequence[int],
    *,
    span: tuple[int, int] | None = None,
    neighbours: Sequence[int] = (),
) -> Decided:
    """Take one decision and re-read what it may have changed: the candidates decided and
    `neighbours` (the others on the same records, which an accepted span may now cover).
    A whole type is `accept_type`, with progress and cancel."""
    return desk_errors(_decide, archive, number, action, ids, span, neighbours)


def _decide(
    archive: Archive,
    number: str,
    action: str,
    ids: Sequence[int],
    span: tuple[int, int] | None,
    neighbours: Sequence[int],
) -> Decided:
    from retention_desk.review import decide as d

    if action == "accept":
        changed = d.accept(archive, number, ids)
    elif action == "reject":
        changed = d.reject(archive, number, ids)
    elif action == "adjust":
        assert span is not None and len(ids) == 1
        changed = [d.adjust(archive, number, ids[0], span[0], span[1]).id]
    elif action == "undo":
        changed = d.undo_many(archive, number, ids)
    else:  # pragma: no cover - the dialog only sends the actions above
        raise ValueError(action)
    wanted = list(dict.fromkeys([*ids, *neighbours]))
    if len(wanted) > REREAD_MAX:
        return Decided(action, tuple(changed), (), (), reload=True)
    cands, contexts = _reread(archive, number, wanted)
    return Decided(action, tuple(changed), tuple(cands), tuple(contexts))


def accept_type(archive: Archive, number: str, kind: str, **task: Any) -> Decided:
    """Accept a whole type, with progress and cancel (one transaction: a cancel keeps none)."""
    from retention_desk.review import decide as d

    changed = desk_errors(d.accept_type, archive, number, kind, **task)
    return Decided("accept_type", tuple(changed), (), (), reload=True)


@dataclass(frozen=True)
class Sample:
    candidate_id: int
    record_id: int
    text: str  # the context with every candidate's part on the value as [type]


@dataclass(frozen=True)
class Samples:
    kind: str
    undecided: int  # undecided, not inside a redaction: what accepting the type accepts
    samples: tuple[Sample, ...]


def _samples(archive: Archive, number: str, kind: str) -> Samples:
    from retention_desk.ipra.requests import request_row
    from retention_desk.review.report import masked
    from retention_desk.review.store import candidates_in, value_of

    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])
        everything = candidates_in(conn, rid)
        todo = [c for c in everything if c.kind == kind and not c.decided]
        # spread over the set (reading order groups a record's candidates): a sample, not
        # the first few of one thread
        picks = sorted({i * len(todo) // SAMPLES for i in range(SAMPLES)}) if todo else []
        out = []
        for i in picks:
            cand = todo[i]
            value = value_of(conn, cand)
            if value is None or cand.end > len(value):
                continue
            # every candidate on the same value is masked: the sample shows no identifier
            others = [
                o
                for o in everything
                if (o.record_id, o.version_id, o.field)
                == (cand.record_id, cand.version_id, cand.field)
            ]
            out.append(Sample(cand.id, cand.record_id, masked(cand, value, others)))
    return Samples(kind, len(todo), tuple(out))


def load_samples(archive: Archive, number: str, kind: str) -> Samples:
    return desk_errors(_samples, archive, number, kind)


def run_detection(archive: Archive, number: str, **task: Any) -> Any:
    from retention_desk.review.detect_run import detect_request

    return desk_errors(detect_request, archive, number, **task)


def write_report(archive: Archive, number: str, path: Path) -> Path:
    from retention_desk.review.report import write_report as write

    return desk_errors(write, archive, number, path)


# --------------------------------------------------------------------------- persons
@dataclass(frozen=True)
class PersonsData:
    persons: tuple[PersonInfo, ...]
    codes: tuple[tuple[str, str], ...]  # (code, what the combo shows)


def _persons(archive: Archive, number: str) -> PersonsData:
    from retention_desk.review.store import list_persons

    return PersonsData(tuple(list_persons(archive, number)), catalogue_codes(archive))


def load_persons(archive: Archive, number: str) -> PersonsData:
    return desk_errors(_persons, archive, number)


def add_person(
    archive: Archive, number: str, name: str, handles: Sequence[str], code: str
) -> PersonInfo:
    from retention_desk.review.store import add_person as add

    return desk_errors(add, archive, number, name, handles=handles, code=code)


def remove_person(archive: Archive, number: str, person_id: int) -> None:
    from retention_desk.review.store import remove_person as remove

    desk_errors(remove, archive, number, person_id)


def catalogue_codes(archive: Archive) -> tuple[tuple[str, str], ...]:
    from retention_desk.redaction import archive_catalogue

    catalogue = desk_errors(archive_catalogue, archive)
    return tuple((e.code, exemption_text(e)) for e in catalogue.exemptions)


# ------------------------------------------------------------- manual redactions
@dataclass(frozen=True)
class ManualData:
    redactions: tuple[Any, ...]  # RedactionInfo of the request, in the order made
    codes: tuple[tuple[str, str], ...]


def _manual(archive: Archive, number: str) -> ManualData:
    from retention_desk.redaction import list_redactions

    return ManualData(tuple(list_redactions(archive, request=number)), catalogue_codes(archive))


def load_manual(archive: Archive, number: str) -> ManualData:
    return desk_errors(_manual, archive, number)


def candidate_of_redaction(archive: Archive, number: str, redaction_id: int) -> int | None:
    """The accepted candidate whose decision made redaction `redaction_id`, if one did."""
    from retention_desk.review.store import list_candidates

    for cand in list_candidates(archive, number, status="accepted"):
        if redaction_id in cand.redaction_ids:
            return cand.id
    return None


def _remove(archive: Archive, number: str, redaction_id: int) -> Any:
    from retention_desk.redaction import remove_redaction as remove
    from retention_desk.review.decide import undo

    # Removing an accepted candidate's redaction alone would leave the candidate "accepted"
    # with nothing blacked out; taking the decision back removes its redactions and leaves
    # it undecided, which a production refuses to run over.
    made_by = candidate_of_redaction(archive, number, redaction_id)
    if made_by is not None:
        return undo(archive, number, made_by)
    return remove(archive, redaction_id)


def remove_redaction(archive: Archive, number: str, redaction_id: int) -> Any:
    return desk_errors(_remove, archive, number, redaction_id)


def withhold(archive: Archive, number: str, record_id: int, code: str) -> Any:
    from retention_desk.redaction import withhold as hold

    return desk_errors(hold, archive, record_id, code, request=number)


@dataclass(frozen=True)
class CandidateValue:
    candidate: CandidateInfo
    value: str


def _value(archive: Archive, number: str, candidate_id: int) -> CandidateValue:
    from retention_desk.ipra.requests import request_row
    from retention_desk.review.errors import ReviewError
    from retention_desk.review.store import get_candidate, value_of

    with archive.read() as conn:
        cand = get_candidate(conn, int(request_row(conn, number)[0]), candidate_id)
        value = value_of(conn, cand)
    if value is None:
        raise ReviewError(f"Candidate {candidate_id}'s record or version is gone.")
    return CandidateValue(cand, value)


def load_value(archive: Archive, number: str, candidate_id: int) -> CandidateValue:
    """The whole value a candidate indexes (the adjust dialog previews spans in it)."""
    return desk_errors(_value, archive, number, candidate_id)

"""Redactions and withholdings as data: add, withhold, list, remove, find stale ones, review.

A redaction never changes the archive's content; a production applies it. It names a record,
a field (`text`, `title`, `author_name`, `author_handle`, `url`), the version (`current`, which
follows re-imports; `all`; or one version id; record fields have no versions), a range as
Python string indices into the value as `retention-desk show ID --json` prints it, and a code
from the catalogue. A withholding leaves out a whole record, or one medium, under a code.

Why the digest is keyed: a plain hash of a short covered text (a 9-digit number) confirms a
guess in seconds. The digest is HMAC-SHA256 of the covered characters keyed with the record's
seal salt (`seal_salts`), which destruction deletes with the record, so the digest outlives
nothing it could betray. `stale_redactions` recomputes it: a production must refuse to run
while any redaction's characters changed (a re-import adding a version, a migration, an edit
outside the app) or its record, version or medium is gone; `review_redaction` re-anchors one.

Audit rows carry redaction, record, version, medium and request ids, fields, codes and
counts only: never the covered text, a note, or a name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive.store import Archive
from retention_desk.redaction import catalogue as cat  # the module, not the function
from retention_desk.redaction.errors import RedactionError
from retention_desk.redaction.model import (
    ALL,
    CURRENT,
    FIELDS,
    RECORD_FIELDS,
    Catalogue,
    RecordValues,
    RedactionInfo,
    StaleRedaction,
    VersionValues,
)

DIGEST_TAG = b"retention-desk redaction v1\x00"
MAX_NOTE = 2_000
# Characters that attach to the one before them: a range boundary before one of these would
# split what a reader sees as one character (an accent from its letter, an emoji sequence).
_JOINERS = {"\u200d", "\u034f"}  # zero-width joiner, combining grapheme joiner


def _extends(ch: str) -> bool:
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch in _JOINERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def splits_sequence(value: str, index: int) -> bool:
    """Whether a boundary at `index` falls inside a character sequence: before a combining
    mark, joiner, variation selector or skin tone, after a joiner, or between the two
    regional indicators of a flag. Python indices count code points, so a surrogate pair
    cannot be split; these sequences can."""
    if index <= 0 or index >= len(value):
        return False
    before, after = value[index - 1], value[index]
    if _extends(after) or before in _JOINERS:
        return True
    if _regional(before) and _regional(after):
        run = 0
        i = index - 1
        while i >= 0 and _regional(value[i]):
            run += 1
            i -= 1
        return run % 2 == 1  # flags pair up from the start of the run
    return False


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def check_range(value: str, start: int, end: int, what: str) -> None:
    """RedactionError unless start:end selects whole characters inside `value`."""
    if start < 0 or end < 0:
        raise RedactionError(f"The range {start}:{end} of {what} cannot be negative.")
    if end <= start:
        raise RedactionError(
            f"The range {start}:{end} of {what} is empty: the end must be after the start."
        )
    if end > len(value):
        raise RedactionError(
            f"The range {start}:{end} is outside {what}, which has {len(value)} characters"
            " (Python string indices, as 'retention-desk show ID --json' prints the text)."
        )
    for index in (start, end):
        if splits_sequence(value, index):
            raise RedactionError(
                f"The range {start}:{end} of {what} splits a character sequence at {index}"
                " (an accent, joiner or emoji modifier belongs to the character before it);"
                " widen the range to include the whole sequence."
            )


def digest(salt: bytes, field: str, covered: str) -> str:
    """HMAC-SHA256 of the covered characters, keyed with the record's seal salt."""
    message = DIGEST_TAG + field.encode("ascii") + b"\x00"
    message += covered.encode("utf-8", "surrogatepass")
    return hmac.new(bytes(salt), message, hashlib.sha256).hexdigest()


# ------------------------------------------------------------------------ reading
@dataclass(frozen=True)
class _Version:
    id: int
    seq: int
    title: str
    text: str


def _record_row(conn: Connection, record_id: int) -> Any:
    return conn.exec_driver_sql(
        "SELECT id, version_count, author_name, author_handle, url FROM records WHERE id = ?",
        (int(record_id),),
    ).first()


def _versions(conn: Connection, record_id: int) -> list[_Version]:
    return [
        _Version(int(r[0]), int(r[1]), r[2] or "", r[3] or "")
        for r in conn.exec_driver_sql(
            "SELECT id, seq, title, text FROM record_versions WHERE record_id = ? ORDER BY seq",
            (int(record_id),),
        )
    ]


def _salt(conn: Connection, record_id: int) -> bytes | None:
    return seal.salts(conn, seal.RECORD, [int(record_id)]).get(int(record_id)) or None


def _field_values(
    conn: Connection, record: Any, field: str, version: str | int
) -> list[tuple[int | None, str]]:
    """(version seq, value) of each value the redaction covers, as `show --json` prints it;
    a version id that is gone gives an empty list."""
    if field in RECORD_FIELDS:
        index = {"author_name": 2, "author_handle": 3, "url": 4}[field]
        return [(None, record[index] or "")]
    versions = _versions(conn, int(record[0]))
    if version == ALL:
        chosen = versions
    elif version == CURRENT:
        current = int(record[1])
        chosen = [v for v in versions if v.seq == current] or versions[-1:]
    else:
        chosen = [v for v in versions if v.id == int(version)]
    return [(v.seq, v.title if field == "title" else v.text) for v in chosen]


def _where(record_id: int, field: str, seq: int | None) -> str:
    if seq is None:
        return f"the {field.replace('_', ' ')} of record {record_id}"
    return f"the {field} of record {record_id} v{seq}"


_COLUMNS = (
    "r.id, r.kind, r.record_id, r.version_id, r.all_versions, r.field, r.start_index,"
    " r.end_index, r.media_id, r.code, r.note, r.request_id, q.number, r.created_at,"
    " r.created_by, r.reviewed_at, r.reviewed_by,"
    " (SELECT v.seq FROM record_versions v WHERE v.id = r.version_id), r.digest"
)
_FROM = " FROM redactions r LEFT JOIN ipra_requests q ON q.id = r.request_id"


def _info(row: Any) -> RedactionInfo:
    version: str | int = ALL if row[4] else CURRENT
    if row[3] is not None:
        version = int(row[3])
    return RedactionInfo(
        id=int(row[0]),
        kind=str(row[1]),
        record_id=int(row[2]),
        version=version,
        version_seq=int(row[17]) if row[17] is not None else None,
        field=row[5],
        start=row[6],
        end=row[7],
        media_id=row[8],
        code=str(row[9]),
        note=str(row[10] or ""),
        request_id=row[11],
        request_number=row[12],
        created_at=str(row[13]),
        created_by=str(row[14]),
        reviewed_at=row[15],
        reviewed_by=row[16],
    )


def _get(conn: Connection, redaction_id: int) -> tuple[RedactionInfo, str | None]:
    row = conn.exec_driver_sql(
        f"SELECT {_COLUMNS}{_FROM} WHERE r.id = ?", (int(redaction_id),)
    ).first()
    if row is None:
        raise RedactionError(f"There is no redaction {redaction_id}.")
    return _info(row), row[18]


def _request_id(conn: Connection, number: str | None) -> int | None:
    if number is None or not str(number).strip():
        return None
    from retention_desk.ipra.errors import IpraError
    from retention_desk.ipra.requests import request_row

    try:
        return int(request_row(conn, str(number))[0])
    except IpraError as exc:
        raise RedactionError(str(exc)) from None


def _note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise RedactionError(f"A redaction note must be at most {MAX_NOTE} characters.")
    return note


def _parse_version(version: str | int | None) -> str | int:
    """None -> current; `all`; `current`; a version id (int or digits); `vN` (the version
    numbered N, as `show` prints it) is kept as typed for `_version_by_seq`."""
    if version is None:
        return CURRENT
    if isinstance(version, int):
        return version
    typed = version.strip().lower()
    if typed in (ALL, CURRENT) or re.fullmatch(r"v\d{1,9}", typed):
        return typed
    if typed.isdigit():
        return int(typed)
    raise RedactionError(
        f"The version {version[:40]!r} must be a version id, vN (as 'show' numbers them),"
        " 'current' or 'all'."
    )


def _version_by_seq(conn: Connection, record_id: int, wanted: str | int) -> str | int:
    """`vN` as the id of the record's version N (a pinned version, like an id)."""
    if not isinstance(wanted, str) or not wanted.startswith("v"):
        return wanted
    row = conn.exec_driver_sql(
        "SELECT id FROM record_versions WHERE record_id = ? AND seq = ?",
        (int(record_id), int(wanted[1:])),
    ).first()
    if row is None:
        raise RedactionError(f"Record {record_id} has no version {wanted}.")
    return int(row[0])


def _covered(
    conn: Connection, record: Any, field: str, version: str | int, start: int, end: int
) -> str:
    """The characters start:end covers in every value the redaction applies to (checked to
    be whole characters and the same in each), or RedactionError."""
    record_id = int(record[0])
    values = _field_values(conn, record, field, version)
    if not values:
        raise RedactionError(f"Record {record_id} has no version {version}.")
    covered: str | None = None
    for seq, value in values:
        check_range(value, start, end, _where(record_id, field, seq))
        piece = value[start:end]
        if covered is None:
            covered = piece
        elif piece != covered:
            raise RedactionError(
                f"The range {start}:{end} covers different characters in v{seq} of record"
                f" {record_id} than in v{values[0][0]}; redact each version with its own range"
                " (--version ID) instead of all versions."
            )
    assert covered is not None
    return covered


# ------------------------------------------------------------------------ writing
def add_redaction(
    archive: Archive,
    record_id: int,
    start: int,
    end: int,
    code: str,
    *,
    field: str = "text",
    version: str | int | None = None,
    note: str | None = None,
    request: str | None = None,
) -> RedactionInfo:
    """Redact characters start:end of a record's `field` under `code` (audited). `version` is
    None/`current` (the current version, whichever it becomes), `all`, or a version id."""
    if field not in FIELDS:
        raise RedactionError(f"The field {field[:40]!r} must be one of {', '.join(FIELDS)}.")
    wanted = _parse_version(version)
    if field in RECORD_FIELDS and wanted not in (CURRENT, ALL):
        raise RedactionError(
            f"The {field.replace('_', ' ')} belongs to the record, not to a version: leave out"
            " the version."
        )
    if field in RECORD_FIELDS:
        wanted = CURRENT
    note_text = _note(note)
    with archive.write() as conn:
        redaction_id = insert_range(
            archive,
            conn,
            record_id,
            start,
            end,
            code,
            field=field,
            version=wanted,
            note=note_text,
            request_id=_request_id(conn, request),
        )
        return _get(conn, redaction_id)[0]


def insert_range(
    archive: Archive,
    conn: Connection,
    record_id: int,
    start: int,
    end: int,
    code: str,
    *,
    field: str,
    version: str | int,
    note: str,
    request_id: int | None,
    catalogue: Catalogue | None = None,
) -> int:
    """`add_redaction` inside the caller's write transaction (the review queue accepts many
    candidates in one): checks the range against the value, keys the digest, audits; returns
    the new redaction's id. `version` as `add_redaction` resolves it."""
    wanted = version
    exemption = cat.resolve(catalogue or cat.catalogue_in(conn), code)
    record = _record_row(conn, record_id)
    if record is None:
        raise RedactionError(f"There is no record {record_id}.")
    wanted = _version_by_seq(conn, record_id, wanted)
    covered = _covered(conn, record, field, wanted, int(start), int(end))
    salt = _salt(conn, record_id)
    if salt is None:
        raise RedactionError(
            f"Record {record_id} has no content seal yet, so its redaction cannot be"
            " keyed; run 'retention-desk verify' and try again."
        )
    result = conn.exec_driver_sql(
        "INSERT INTO redactions (kind, record_id, version_id, all_versions, field,"
        " start_index, end_index, media_id, code, note, request_id, digest, created_at,"
        " created_by) VALUES ('range', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
        (
            int(record_id),
            wanted if isinstance(wanted, int) else None,
            wanted == ALL,
            field,
            int(start),
            int(end),
            exemption.code,
            note,
            request_id,
            digest(salt, field, covered),
            timeutil.now_db(),
            archive.operator(conn),
        ),
    )
    redaction_id = int(result.lastrowid or 0)
    archive.audit(
        conn,
        action="redaction.add",
        object_type="redaction",
        object_ids=[redaction_id],
        details={
            "redaction": redaction_id,
            "record": int(record_id),
            "version": wanted,
            "field": field,
            "code": exemption.code,
            "request": request_id,
        },
    )
    return redaction_id


def withhold(
    archive: Archive,
    record_id: int,
    code: str,
    *,
    media_id: int | None = None,
    note: str | None = None,
    request: str | None = None,
) -> RedactionInfo:
    """Withhold a whole record, or its medium `media_id`, under `code` (audited)."""
    note_text = _note(note)
    with archive.write() as conn:
        exemption = cat.resolve(cat.catalogue_in(conn), code)
        if _record_row(conn, record_id) is None:
            raise RedactionError(f"There is no record {record_id}.")
        if media_id is not None:
            owner = conn.exec_driver_sql(
                "SELECT record_id FROM media WHERE id = ?", (int(media_id),)
            ).first()
            if owner is None or int(owner[0]) != int(record_id):
                raise RedactionError(f"Record {record_id} has no medium {media_id}.")
        request_id = _request_id(conn, request)
        same = conn.exec_driver_sql(
            "SELECT id FROM redactions WHERE kind = 'withhold' AND record_id = ?"
            " AND media_id IS ? AND request_id IS ?",
            (int(record_id), media_id, request_id),
        ).first()
        if same is not None:
            what = f"Medium {media_id} of record {record_id}" if media_id else f"Record {record_id}"
            raise RedactionError(
                f"{what} is already withheld (redaction {same[0]}); remove that one first to"
                " change its code."
            )
        result = conn.exec_driver_sql(
            "INSERT INTO redactions (kind, record_id, version_id, all_versions, field,"
            " start_index, end_index, media_id, code, note, request_id, digest, created_at,"
            " created_by) VALUES ('withhold', ?, NULL, 1, NULL, NULL, NULL, ?, ?, ?, ?, NULL,"
            " ?, ?)",
            (
                int(record_id),
                media_id,
                exemption.code,
                note_text,
                request_id,
                timeutil.now_db(),
                archive.operator(conn),
            ),
        )
        redaction_id = int(result.lastrowid or 0)
        archive.audit(
            conn,
            action="redaction.withhold",
            object_type="redaction",
            object_ids=[redaction_id],
            details={
                "redaction": redaction_id,
                "record": int(record_id),
                "media": media_id,
                "code": exemption.code,
                "request": request_id,
            },
        )
        return _get(conn, redaction_id)[0]


def list_redactions(
    archive: Archive, *, request: str | None = None, record_id: int | None = None
) -> list[RedactionInfo]:
    """Redactions and withholdings, of one request and/or one record, in the order made."""
    with archive.read() as conn:
        where: list[str] = []
        params: list[Any] = []
        if request is not None:
            where.append("r.request_id = ?")
            params.append(_request_id(conn, request))
        if record_id is not None:
            where.append("r.record_id = ?")
            params.append(int(record_id))
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = conn.exec_driver_sql(
            f"SELECT {_COLUMNS}{_FROM}{clause} ORDER BY r.record_id, r.id", tuple(params)
        ).all()
    return [_info(r) for r in rows]


def remove_redaction(archive: Archive, redaction_id: int) -> RedactionInfo:
    """Remove a redaction or withholding (audited with its ids and code)."""
    with archive.write() as conn:
        info, _digest = _get(conn, redaction_id)
        conn.exec_driver_sql("DELETE FROM redactions WHERE id = ?", (info.id,))
        # a review candidate accepted into this redaction is undecided again: left "accepted"
        # with nothing blacked out, it would let a production release what it covered
        conn.exec_driver_sql(
            "UPDATE review_candidates SET status = 'undecided', decided_at = NULL,"
            " decided_by = NULL, redaction_ids_json = '[]' WHERE status = 'accepted'"
            " AND EXISTS (SELECT 1 FROM json_each(redaction_ids_json) WHERE value = ?)",
            (info.id,),
        )
        archive.audit(
            conn,
            action="redaction.remove",
            object_type="redaction",
            object_ids=[info.id],
            details={
                "redaction": info.id,
                "record": info.record_id,
                "kind": info.kind,
                "code": info.code,
                "request": info.request_id,
            },
        )
        return info


def _stale_one(conn: Connection, info: RedactionInfo, stored: str | None) -> StaleRedaction | None:
    record = _record_row(conn, info.record_id)
    if record is None:
        return StaleRedaction(info, "record gone")
    if info.kind == "withhold":
        if info.media_id is not None:
            owner = conn.exec_driver_sql(
                "SELECT 1 FROM media WHERE id = ? AND record_id = ?",
                (info.media_id, info.record_id),
            ).first()
            if owner is None:
                return StaleRedaction(info, "medium gone")
        return None
    assert info.field is not None and info.start is not None and info.end is not None
    values = _field_values(conn, record, info.field, info.version)
    if not values:
        return StaleRedaction(info, "version gone")
    salt = _salt(conn, info.record_id)
    if salt is None or stored is None:
        return StaleRedaction(info, "no key")
    for seq, value in values:
        piece = value[info.start : info.end] if info.end <= len(value) else None
        if piece is None or not hmac.compare_digest(digest(salt, info.field, piece), stored):
            return StaleRedaction(info, "text changed", seq)
    return None


def stale_in(conn: Connection, record_ids: Iterable[int] | None = None) -> list[StaleRedaction]:
    """`stale_redactions` inside the caller's transaction (a production's read)."""
    if record_ids is None:
        rows = conn.exec_driver_sql(f"SELECT {_COLUMNS}{_FROM} ORDER BY r.id").all()
    else:
        ids = sorted({int(i) for i in record_ids})
        rows = []
        for part in range(0, len(ids), 500):
            marks = ",".join(str(i) for i in ids[part : part + 500])
            rows += conn.exec_driver_sql(
                f"SELECT {_COLUMNS}{_FROM} WHERE r.record_id IN ({marks}) ORDER BY r.id"
            ).all()
    out = []
    for row in rows:
        found = _stale_one(conn, _info(row), row[18])
        if found is not None:
            out.append(found)
    return out


def stale_redactions(
    archive: Archive, record_ids: Sequence[int] | None = None
) -> list[StaleRedaction]:
    """Redactions whose covered characters no longer match their digest (in any version they
    apply to: a re-import that adds a current version counts), or whose record, version or
    medium is gone. A production refuses to run while any of its records has one."""
    with archive.read() as conn:
        return stale_in(conn, record_ids)


def review_redaction(
    archive: Archive, redaction_id: int, new_start: int, new_end: int
) -> RedactionInfo:
    """Re-anchor a range redaction on the text as it is now (its new range checked as when
    adding, its digest recomputed; audited with ids only)."""
    with archive.write() as conn:
        info, _stored = _get(conn, redaction_id)
        if info.kind != "range" or info.field is None:
            raise RedactionError(
                f"Redaction {info.id} withholds a whole record or medium: remove it instead."
            )
        record = _record_row(conn, info.record_id)
        if record is None:
            raise RedactionError(
                f"Record {info.record_id} of redaction {info.id} is gone: remove the redaction."
            )
        covered = _covered(conn, record, info.field, info.version, int(new_start), int(new_end))
        salt = _salt(conn, info.record_id)
        if salt is None:
            raise RedactionError(
                f"Record {info.record_id} has no content seal, so redaction {info.id} cannot"
                " be keyed; run 'retention-desk verify'."
            )
        conn.exec_driver_sql(
            "UPDATE redactions SET start_index = ?, end_index = ?, digest = ?,"
            " reviewed_at = ?, reviewed_by = ? WHERE id = ?",
            (
                int(new_start),
                int(new_end),
                digest(salt, info.field, covered),
                timeutil.now_db(),
                archive.operator(conn),
                info.id,
            ),
        )
        archive.audit(
            conn,
            action="redaction.review",
            object_type="redaction",
            object_ids=[info.id],
            details={"redaction": info.id, "record": info.record_id, "code": info.code},
        )
        return _get(conn, info.id)[0]


def record_values(archive: Archive, record_id: int) -> RecordValues:
    """What the GUI offers for selection: each version's title and text and the record's
    fields, as `show --json` prints them."""
    with archive.read() as conn:
        record = _record_row(conn, record_id)
        if record is None:
            raise RedactionError(f"There is no record {record_id}.")
        return RecordValues(
            record_id=int(record_id),
            versions=tuple(
                VersionValues(v.id, v.seq, v.title, v.text) for v in _versions(conn, record_id)
            ),
            current_seq=int(record[1]),
            author_name=record[2] or "",
            author_handle=record[3] or "",
            url=record[4] or "",
        )

"""The production record: what each production of a request contained and released.

A production is kept with the request file (series PRR, 1.21.2.519 NMAC), in the tables of
migration 0013: the request, the options it ran with, the records and versions produced with
their Bates (or control) numbers, the redactions applied with their codes, the files written
(as blobs, so the request file holds exactly what went out), the random key of its keyed
hashes, who and when.

Bates numbers are per request and gap-free: the next production starts at the highest number
a release production of the request used, plus one. `produce` reads that number to lay the
file out, and checks it again in the write transaction that stores the production (`state`
below): when another production of the same request was stored in between, the file is laid
out again with the new numbers, so two runs at once never share a number and a run that fails
or is cancelled stores nothing and uses none. Review copies use no numbers.

When a record is destroyed, each production that holds it loses its key (disposal.registry):
the keyed hashes printed in its files then confirm no guess of what was redacted, and the
production can no longer be re-made byte for byte. Its files stay in the request file as what
was released; they go when the request file is destroyed (`forget_request_files`, for
`ipra.request_file.destroy_file`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import blobs, timeutil
from retention_desk.archive.store import Archive
from retention_desk.disposal import registry
from retention_desk.ipra.requests import request_row

FILE_ROLES = ("pdf", "xlsx", "manifest_csv", "manifest_json")


class ProduceError(ValueError):
    """A production that cannot be made, stored or re-made as asked (one sentence: which and
    why)."""


@dataclass(frozen=True)
class ProducedFile:
    role: str  # pdf | xlsx | manifest_csv | manifest_json
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class RecordNumbers:
    """A produced record in layout order with its version ids and Bates (or control) range;
    None in a review copy."""

    record_id: int
    version_ids: tuple[int, ...]
    first: int | None
    last: int | None


@dataclass(frozen=True)
class ProductionInfo:
    id: int
    request_id: int
    request_number: str
    kind: str  # release | review
    file_format: str  # pdf | xlsx
    options: dict[str, Any]
    bates_prefix: str | None
    bates_first: int | None
    bates_last: int | None
    record_count: int
    redaction_count: int
    withheld_count: int
    has_key: bool
    key_deleted_at: str | None
    produced_on: str
    created_at: str
    created_by: str
    status: str
    files: tuple[ProducedFile, ...]


@dataclass(frozen=True)
class RequestState:
    """What a production of one request is laid out against: the next Bates number and how
    many productions the request has (its ordinal names the files)."""

    request_id: int
    number: str
    next_bates: int
    count: int


@dataclass(frozen=True)
class NewProduction:
    """Everything `save` stores, decided before the write transaction."""

    kind: str
    file_format: str
    options: dict[str, Any]
    bates_prefix: str | None
    bates_first: int | None
    bates_last: int | None
    record_count: int
    redaction_count: int
    withheld_count: int
    key: bytes
    produced_on: str
    records: tuple[RecordNumbers, ...]
    files: tuple[tuple[ProducedFile, bytes], ...]


def state(conn: Connection, number: str) -> RequestState:
    row = request_row(conn, number)
    rid = int(row[0])
    last, count = conn.exec_driver_sql(
        "SELECT (SELECT max(bates_last) FROM productions WHERE request_id = ? AND kind = 'release'"
        " AND status = 'complete'), (SELECT count(*) FROM productions WHERE request_id = ?)",
        (rid, rid),
    ).one()
    return RequestState(rid, str(row[1]), int(last or 0) + 1, int(count))


def pdf_numbers(
    conn: Connection, request_id: int, record_ids: Sequence[int]
) -> tuple[tuple[int, ...], str, dict[int, tuple[int, int]]] | None:
    """The PDF release productions of the request that together hold every one of
    `record_ids` (each record's latest one: rolling productions each hold part of a set),
    with their Bates prefix and each record's Bates range, so an XLSX of the set reuses them
    as control numbers; None when some record is in none of them, or when they were numbered
    under different prefixes (one workbook, one numbering)."""
    wanted = set(record_ids)
    ranges: dict[int, tuple[int, int]] = {}
    used: set[int] = set()
    prefixes: set[str] = set()
    for pid, prefix in conn.exec_driver_sql(
        "SELECT id, bates_prefix FROM productions WHERE request_id = ? AND kind = 'release'"
        " AND file_format = 'pdf' AND status = 'complete' ORDER BY id DESC",
        (request_id,),
    ).all():
        found = False
        for r, f, t in conn.exec_driver_sql(
            "SELECT record_id, bates_first, bates_last FROM production_records"
            " WHERE production_id = ? AND bates_first IS NOT NULL",
            (int(pid),),
        ).all():
            if int(r) in wanted and int(r) not in ranges:
                ranges[int(r)] = (int(f), int(t))
                found = True
        if found:
            used.add(int(pid))
            prefixes.add(str(prefix or ""))
        if len(ranges) == len(wanted):
            break
    if len(ranges) != len(wanted) or len(prefixes) != 1:
        return None
    return tuple(sorted(used)), prefixes.pop(), {r: ranges[r] for r in record_ids}


def save(
    archive: Archive,
    conn: Connection,
    request_id: int,
    new: NewProduction,
    redactions: Iterable[tuple[int, str]],
) -> int:
    """Store a production inside the caller's write transaction (which has checked `state`);
    audited with ids and counts only. Returns the production id."""
    now, who = timeutil.now_db(), archive.operator(conn)
    result = conn.exec_driver_sql(
        "INSERT INTO productions (request_id, kind, file_format, options_json, bates_prefix,"
        " bates_first, bates_last, record_count, redaction_count, withheld_count,"
        " production_key, produced_on, created_at, created_by, status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'complete')",
        (
            request_id,
            new.kind,
            new.file_format,
            json.dumps(new.options, sort_keys=True),
            new.bates_prefix,
            new.bates_first,
            new.bates_last,
            new.record_count,
            new.redaction_count,
            new.withheld_count,
            new.key,
            new.produced_on,
            now,
            who,
        ),
    )
    pid = int(result.lastrowid or 0)
    if new.records:
        conn.exec_driver_sql(
            "INSERT INTO production_records (production_id, record_id, seq, version_ids_json,"
            " bates_first, bates_last) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (pid, r.record_id, seq, json.dumps(list(r.version_ids)), r.first, r.last)
                for seq, r in enumerate(new.records, 1)
            ],
        )
    applied = sorted(set(redactions))
    if applied:
        conn.exec_driver_sql(
            "INSERT INTO production_redactions (production_id, redaction_id, code)"
            " VALUES (?, ?, ?)",
            [(pid, rid, code) for rid, code in applied],
        )
    for info, data in new.files:
        sha, size = blobs.put_bytes(conn, data)
        conn.exec_driver_sql(
            "INSERT INTO production_files (production_id, role, name, sha256, size, blob_sha256)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (pid, info.role, info.name, info.sha256, size, sha),
        )
    archive.audit(
        conn,
        action="production.produce",
        object_type="production",
        object_ids=[pid],
        details={
            "production": pid,
            "request": request_id,
            "kind": new.kind,
            "format": new.file_format,
            "records": new.record_count,
            "redactions": new.redaction_count,
            "withheld": new.withheld_count,
            "bates_first": new.bates_first,
            "bates_last": new.bates_last,
        },
    )
    return pid


def applied_redactions(
    conn: Connection, request_id: int, record_ids: Sequence[int]
) -> list[tuple[int, str]]:
    """The redactions and withholdings a production of these records applies: the request's
    own and those made outside any request (ids and codes)."""
    out: list[tuple[int, str]] = []
    ids = sorted({int(r) for r in record_ids})
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out.extend(
            (int(r[0]), str(r[1]))
            for r in conn.exec_driver_sql(
                f"SELECT id, code FROM redactions WHERE record_id IN ({marks})"
                " AND (request_id IS NULL OR request_id = ?)",
                (*chunk, request_id),
            ).all()
        )
    return out


_ROLE_ORDER = (
    " ORDER BY CASE role WHEN 'pdf' THEN 0 WHEN 'xlsx' THEN 1 WHEN 'manifest_csv' THEN 2 ELSE 3 END"
)
_COLUMNS = (
    "p.id, p.request_id, q.number, p.kind, p.file_format, p.options_json, p.bates_prefix,"
    " p.bates_first, p.bates_last, p.record_count, p.redaction_count, p.withheld_count,"
    " p.production_key IS NOT NULL, p.key_deleted_at, p.produced_on, p.created_at,"
    " p.created_by, p.status"
)


def _info(conn: Connection, row: Any) -> ProductionInfo:
    files = tuple(
        ProducedFile(str(r[0]), str(r[1]), str(r[2]), int(r[3]))
        for r in conn.exec_driver_sql(
            f"SELECT role, name, sha256, size FROM production_files WHERE production_id = ?"
            f"{_ROLE_ORDER}",
            (int(row[0]),),
        ).all()
    )
    return ProductionInfo(
        id=int(row[0]),
        request_id=int(row[1]),
        request_number=str(row[2]),
        kind=str(row[3]),
        file_format=str(row[4]),
        options=json.loads(row[5]),
        bates_prefix=row[6],
        bates_first=None if row[7] is None else int(row[7]),
        bates_last=None if row[8] is None else int(row[8]),
        record_count=int(row[9]),
        redaction_count=int(row[10]),
        withheld_count=int(row[11]),
        has_key=bool(row[12]),
        key_deleted_at=row[13],
        produced_on=str(row[14]),
        created_at=str(row[15]),
        created_by=str(row[16]),
        status=str(row[17]),
        files=files,
    )


def get_production(conn: Connection, production_id: int) -> ProductionInfo:
    row = conn.exec_driver_sql(
        f"SELECT {_COLUMNS} FROM productions p JOIN ipra_requests q ON q.id = p.request_id"
        " WHERE p.id = ?",
        (int(production_id),),
    ).first()
    if row is None:
        raise ProduceError(f"There is no production {production_id}.")
    return _info(conn, row)


def list_productions(archive: Archive, number: str) -> list[ProductionInfo]:
    """A request's productions, oldest first."""
    with archive.read() as conn:
        rid = int(request_row(conn, number)[0])
        rows = conn.exec_driver_sql(
            f"SELECT {_COLUMNS} FROM productions p JOIN ipra_requests q ON q.id = p.request_id"
            " WHERE p.request_id = ? ORDER BY p.id",
            (rid,),
        ).all()
        return [_info(conn, r) for r in rows]


def production_key(conn: Connection, production_id: int) -> bytes | None:
    row = conn.exec_driver_sql(
        "SELECT production_key FROM productions WHERE id = ?", (int(production_id),)
    ).first()
    return None if row is None or row[0] is None else bytes(row[0])


def production_records(conn: Connection, production_id: int) -> list[RecordNumbers]:
    return [
        RecordNumbers(
            int(r[0]),
            tuple(int(v) for v in json.loads(r[1])),
            None if r[2] is None else int(r[2]),
            None if r[3] is None else int(r[3]),
        )
        for r in conn.exec_driver_sql(
            "SELECT record_id, version_ids_json, bates_first, bates_last FROM production_records"
            " WHERE production_id = ? ORDER BY seq",
            (int(production_id),),
        ).all()
    ]


def export_files(archive: Archive, production_id: int, out_dir: Path) -> list[Path]:
    """Write a production's stored files, as released, into `out_dir` (they stay available
    after a record of it is destroyed, when it can no longer be re-made)."""
    with archive.read() as conn:
        info = get_production(conn, production_id)
        rows = conn.exec_driver_sql(
            f"SELECT name, blob_sha256 FROM production_files WHERE production_id = ?{_ROLE_ORDER}",
            (info.id,),
        ).all()
        datas = []
        for name, sha in rows:
            if sha is None:
                raise ProduceError(
                    f"The files of production {info.id} were destroyed with the request file."
                )
            datas.append((str(name), blobs.read_bytes(conn, str(sha))))
    out_dir.mkdir(parents=True, exist_ok=True)
    return [write_file(out_dir, name, data) for name, data in datas]


def write_file(out_dir: Path, name: str, data: bytes) -> Path:
    """Write `data` as `out_dir/name` through a temporary file, so a half-written file never
    carries the final name."""
    target = out_dir / name
    temp = out_dir / f".{name}.part"
    temp.write_bytes(data)
    temp.replace(target)
    return target


def forget_request_files(conn: Connection, request_id: int) -> int:
    """Remove the stored files of a request's productions (their blobs, where nothing else
    names them) and their keys, inside the caller's write transaction: the request file's
    destruction under series PRR. Names, hashes and counts stay with the skeleton."""
    shas = [
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT DISTINCT f.blob_sha256 FROM production_files f JOIN productions p"
            " ON p.id = f.production_id WHERE p.request_id = ? AND f.blob_sha256 IS NOT NULL",
            (request_id,),
        ).all()
    ]
    conn.exec_driver_sql(
        "UPDATE production_files SET blob_sha256 = NULL WHERE production_id IN"
        " (SELECT id FROM productions WHERE request_id = ?)",
        (request_id,),
    )
    conn.exec_driver_sql(
        "UPDATE productions SET production_key = NULL, key_deleted_at = coalesce(key_deleted_at,"
        " ?) WHERE request_id = ?",
        (timeutil.now_db(), request_id),
    )
    registry.delete_blobs(conn, registry.unreferenced_blobs(conn, shas))
    return len(shas)

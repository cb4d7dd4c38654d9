"""Import batches and source-file rows: the provenance every record points back to."""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from retention_desk import __version__
from retention_desk.archive import seal, timeutil


def _this_process() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname()}


def start_batch(conn: Connection, *, operator: str, options: dict[str, Any]) -> int:
    result = conn.execute(
        text(
            "INSERT INTO import_batches (started_at, operator, app_version, status, options_json,"
            " counts_json, errors_json, process) VALUES (:t, :op, :v, 'running', :o, '{}',"
            " '[]', :proc) RETURNING id"
        ),
        {
            "t": timeutil.now_db(),
            "op": operator,
            "v": __version__,
            "o": json.dumps(options, ensure_ascii=False, default=str),
            "proc": json.dumps(_this_process()),
        },
    )
    batch_id = int(result.scalar_one())
    seal.touch(conn, seal.BATCH, [batch_id])
    return batch_id


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a reused id counts as alive:
    a batch is then left `running` rather than wrongly marked interrupted)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_batches(conn: Connection) -> list[int]:
    """Batches still `running` whose process is gone.

    A batch from another machine (an archive on a shared drive) is left alone: its process
    cannot be seen from here. A batch without process information was written by a version
    that never marked interruptions, so its `running` can only be a leftover.
    """
    host = socket.gethostname()
    dead: list[int] = []
    for batch_id, process in conn.execute(
        text("SELECT id, process FROM import_batches WHERE status = 'running' ORDER BY id")
    ):
        try:
            info = json.loads(process) if process else {}
            pid, where = int(info.get("pid", 0)), str(info.get("host", ""))
        except (ValueError, TypeError, AttributeError):
            pid, where = 0, ""
        if process and where != host:
            continue
        if not process or not process_alive(pid):
            dead.append(int(batch_id))
    return dead


def mark_interrupted(conn: Connection, batch_ids: list[int]) -> None:
    for batch_id in batch_ids:
        conn.execute(
            text(
                "UPDATE import_batches SET status = 'interrupted', finished_at = :t,"
                " errors_json = :e WHERE id = :id AND status = 'running'"
            ),
            {
                "t": timeutil.now_db(),
                "e": json.dumps(["the importing program stopped before the batch finished"]),
                "id": batch_id,
            },
        )
    seal.touch(conn, seal.BATCH, batch_ids)


def finish_batch(
    conn: Connection, batch_id: int, *, status: str, counts: dict[str, Any], errors: list[str]
) -> None:
    conn.execute(
        text(
            "UPDATE import_batches SET finished_at = :t, status = :s, counts_json = :c,"
            " errors_json = :e WHERE id = :id"
        ),
        {
            "t": timeutil.now_db(),
            "s": status,
            "c": json.dumps(counts, ensure_ascii=False),
            "e": json.dumps(errors, ensure_ascii=False),
            "id": batch_id,
        },
    )
    seal.touch(conn, seal.BATCH, [batch_id])


@dataclass(frozen=True)
class SourceFileRow:
    id: int
    batch_id: int
    name: str
    sha256: str
    status: str


def add_source_file(
    conn: Connection,
    *,
    batch_id: int,
    name: str,
    size: int,
    sha256: str,
    blob_sha256: str | None,
    status: str,
    detected_format: str | None = None,
    container_id: int | None = None,
    original_path: str | None = None,
    error: str | None = None,
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    result = conn.execute(
        text(
            "INSERT INTO source_files (batch_id, container_id, name, original_path, size, sha256,"
            " blob_sha256, detected_format, status, error, counts_json, details_json,"
            " imported_at) VALUES (:b, :c, :n, :op, :sz, :sha, :blob, :fmt, :st, :err, :cnt,"
            " :det, :t) RETURNING id"
        ),
        {
            "b": batch_id,
            "c": container_id,
            "n": name,
            "op": original_path,
            "sz": size,
            "sha": sha256,
            "blob": blob_sha256,
            "fmt": detected_format,
            "st": status,
            "err": error,
            "cnt": json.dumps(counts or {}, ensure_ascii=False),
            "det": json.dumps(details or {}, ensure_ascii=False, default=str),
            "t": timeutil.now_db(),
        },
    )
    source_id = int(result.scalar_one())
    seal.touch(conn, seal.SOURCE_FILE, [source_id])
    return source_id


def update_source_file(
    conn: Connection,
    source_id: int,
    *,
    counts: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    if counts is not None:
        conn.execute(
            text("UPDATE source_files SET counts_json = :c WHERE id = :id"),
            {"c": json.dumps(counts, ensure_ascii=False), "id": source_id},
        )
    if details is not None:
        conn.execute(
            text("UPDATE source_files SET details_json = :d WHERE id = :id"),
            {"d": json.dumps(details, ensure_ascii=False, default=str), "id": source_id},
        )
    seal.touch(conn, seal.SOURCE_FILE, [source_id])


def place(name: str) -> str:
    """A file's place in its export: parent folder and name. Record identity can depend on it
    (a Messenger thread is named by its folder), so byte-identical files in two places are two
    imports, while the same file imported again from anywhere in the same place is one."""
    return "/".join(name.replace("\\", "/").split("/")[-2:])


def find_imported(conn: Connection, sha256: str, name: str | None = None) -> SourceFileRow | None:
    """An earlier successful import of exactly these bytes in the same place, if any."""
    rows = conn.execute(
        text(
            "SELECT id, batch_id, name, sha256, status FROM source_files"
            " WHERE sha256 = :s AND status = 'imported' ORDER BY id"
        ),
        {"s": sha256},
    ).all()
    for row in rows:
        if name is None or place(row[2]) == place(name):
            return SourceFileRow(*row)
    return None


def find_stored(conn: Connection, sha256: str) -> SourceFileRow | None:
    row = conn.execute(
        text(
            "SELECT id, batch_id, name, sha256, status FROM source_files"
            " WHERE sha256 = :s AND status IN ('imported', 'stored') ORDER BY id LIMIT 1"
        ),
        {"s": sha256},
    ).first()
    return SourceFileRow(*row) if row else None

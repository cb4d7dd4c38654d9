"""Content-addressed blob store inside the archive database.

Why inside SQLite rather than a folder beside it: an archive is then one file that is copied,
backed up (SQLite backup API) and verified as a unit; an import's originals and its records
commit or roll back together, so a killed import leaves no orphan file and no record pointing
at a missing one; and secure_delete covers originals as well as rows when records are
destroyed. Content is split into CHUNK_SIZE rows so memory stays bounded and no value
approaches SQLite's 1 GB limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, text

from retention_desk.archive import timeutil

CHUNK_SIZE = 1024 * 1024


def sha256_file(path: Path, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(chunk_size):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def exists(conn: Connection, sha256: str) -> bool:
    row = conn.execute(text("SELECT 1 FROM blobs WHERE sha256 = :s"), {"s": sha256}).first()
    return row is not None


def put_bytes(conn: Connection, data: bytes) -> tuple[str, int]:
    """Store `data`; returns (sha256, size). Storing existing content is a no-op."""
    sha = hashlib.sha256(data).hexdigest()
    if not exists(conn, sha):
        _insert(
            conn,
            sha,
            len(data),
            (data[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE)),
        )
    return sha, len(data)


def put_stream(
    conn: Connection, opener: Callable[[], BinaryIO], expected_sha256: str | None = None
) -> tuple[str, int]:
    """Store what `opener()` yields, reading it twice: once to learn the key, once to store.

    Two passes keep memory bounded for multi-gigabyte originals; the second pass is hashed
    too, so a file that changes between the passes is refused instead of stored under a
    wrong key.
    """
    if expected_sha256 is None:
        digest = hashlib.sha256()
        with opener() as fh:
            while block := fh.read(CHUNK_SIZE):
                digest.update(block)
        expected_sha256 = digest.hexdigest()
    if exists(conn, expected_sha256):
        size = conn.execute(
            text("SELECT size FROM blobs WHERE sha256 = :s"), {"s": expected_sha256}
        ).scalar_one()
        return expected_sha256, int(size)

    check = hashlib.sha256()
    total = 0

    def chunks() -> Iterator[bytes]:
        nonlocal total
        with opener() as fh:
            while block := fh.read(CHUNK_SIZE):
                check.update(block)
                total += len(block)
                yield block

    # Insert the blob row last (after the chunks) is impossible with the FK, so insert it
    # first and fix the size; all inside the caller's transaction.
    _insert(conn, expected_sha256, 0, chunks())
    if check.hexdigest() != expected_sha256:
        raise OSError("the file changed while it was being stored; nothing was stored")
    conn.execute(
        text("UPDATE blobs SET size = :n WHERE sha256 = :s"), {"n": total, "s": expected_sha256}
    )
    return expected_sha256, total


def _insert(conn: Connection, sha: str, size: int, chunks: Iterator[bytes]) -> None:
    conn.execute(
        text("INSERT INTO blobs (sha256, size, created_at) VALUES (:s, :n, :t)"),
        {"s": sha, "n": size, "t": timeutil.now_db()},
    )
    stmt = text("INSERT INTO blob_chunks (sha256, seq, data) VALUES (:s, :q, :d)")
    for seq, block in enumerate(chunks):
        conn.execute(stmt, {"s": sha, "q": seq, "d": block})


def iter_chunks(conn: Connection, sha256: str) -> Iterator[tuple[int, bytes]]:
    # One chunk per query: a single cursor over every chunk of a multi-GB blob would hold
    # all of it in the driver's buffers.
    seq_rows = conn.execute(
        text("SELECT seq FROM blob_chunks WHERE sha256 = :s ORDER BY seq"), {"s": sha256}
    ).all()
    for (seq,) in seq_rows:
        data = conn.execute(
            text("SELECT CAST(data AS BLOB) FROM blob_chunks WHERE sha256 = :s AND seq = :q"),
            {"s": sha256, "q": seq},
        ).scalar_one()
        yield int(seq), as_bytes(data)


def as_bytes(value: object) -> bytes:
    """Chunk content as bytes even if someone rewrote it as TEXT or NULL: verify must report
    a tampered chunk as a mismatch, not crash on it."""
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return bytes(value)  # type: ignore[arg-type]


def read_bytes(conn: Connection, sha256: str) -> bytes:
    return b"".join(block for _, block in iter_chunks(conn, sha256))

"""The search caches kept in a file beside the archive (`<archive>.search-cache`), so opening a
large archive does not rebuild them: loading five million records' date keys and facet groups
from the tables takes tens of seconds, from this file well under one.

What it holds is what the in-memory caches hold (datecache.py, facetcache.py): per version id a
record id and a date key, per record id a facet group (platform, kind, account id, local year),
the groups and their running totals. No text, no names: nothing a record says. It is a cache,
never a record: rebuilt whenever it cannot be trusted, never backed up, never verified.

Trusted only when every check passes, else ignored (and replaced at the next save):
- the format, the byte size of each array and a SHA-256 over them (a torn or damaged file);
- the archive's identity (`archive.uuid`): a file left beside a path now holding another
  archive;
- the archive still reaching the highest version and record ids the file covers (an archive
  restored from an older backup has fewer);
- a spread of sampled entries (and the newest) read again from the tables: a file written for
  a different state of this archive disagrees somewhere.
- the schema revision it was written under (a migration may rewrite what it holds);
- the number of destroyed records (tombstones) it was written with: after any destruction the
  file is rebuilt, so no date or group of a destroyed record outlives it in a file (in memory
  such entries are harmless: SQL checks every candidate). Destruction also deletes the file
  (disposal/registry.py lists it).

While the warm-up loads the arrays, facets of the whole archive (the first screen) are answered
from the header's totals alone (`saved_totals`), caught up with the records archived since,
when no record was destroyed since (same archive, schema, zone and tombstones).

Writing is best effort: a full disk or a read-only folder leaves searches working, on caches
rebuilt in memory. The file is replaced atomically (a temporary file, then `os.replace`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from retention_desk.archive.errors import Cancelled
from retention_desk.archive.store import Archive
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.datecache import NO_RECORD, DateCache, version_rows_sql
from retention_desk.search.facetcache import FacetCache, Group, record_rows_sql

log = logging.getLogger(__name__)

SUFFIX = ".search-cache"
MAGIC = b"retention-desk search cache 1\n"
ITEMSIZE = 8  # every array is int64 (columns.py)
SAMPLES = 48  # entries of each array read again from the tables on load
SAVE_AFTER = 0.05  # rewrite the file when catching up added this share of its entries ...
# ... or this many: every later open catches them up again, on the warm-up thread and in the
# first screen's facets (100,000 records: ~3 s and ~1 s at 6.3 million)
SAVE_AFTER_ENTRIES = 50_000


def cache_path(archive_path: Path | str) -> Path:
    path = Path(archive_path)
    return path.with_name(path.name + SUFFIX)


def remove(archive_path: Path | str) -> None:
    """Delete the archive's cache file (destruction does, and tests); missing is fine."""
    try:
        cache_path(archive_path).unlink(missing_ok=True)
    except OSError as exc:  # pragma: no cover - a locked file on Windows; the checks remain
        log.warning("Could not remove the search cache %s: %s", cache_path(archive_path), exc)


def archive_uuid(conn: Connection) -> str | None:
    row = conn.exec_driver_sql("SELECT value FROM settings WHERE key = 'archive.uuid'").first()
    return str(json.loads(row[0])) if row and row[0] else None


def schema(conn: Connection) -> str:
    """The archive's schema revision: a migration may rewrite what the caches hold."""
    row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else ""


def tombstones(conn: Connection) -> int:
    """Records destroyed so far: a file written before a destruction is never trusted after."""
    return int(conn.exec_driver_sql("SELECT count(*) FROM record_tombstones").scalar_one())


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def save(
    archive_path: Path | str,
    uuid: str,
    destroyed: int,
    dates: DateCache,
    facets: FacetCache | None,
    revision: str = "",
) -> bool:
    """Write both caches, as read in a snapshot with `destroyed` tombstones; False (logged,
    nothing else) when the file cannot be written."""
    parts = [dates.records.tobytes(), dates.keys.tobytes()]
    header: dict[str, Any] = {
        "uuid": uuid,
        "tombstones": destroyed,
        "schema": revision,
        "byteorder": sys.byteorder,
        "max_vid": dates.max_vid,
        "date_entries": len(dates.records),
        "itemsizes": [dates.records.itemsize, dates.keys.itemsize],
    }
    if facets is not None:
        parts.append(facets.group.tobytes())  # int64: 8 bytes on every system
        header["facets"] = {
            "tz": facets.tz.key,
            "max_id": facets.max_id,
            "entries": len(facets.group),
            "groups": [list(g) for g in facets.groups],
            "totals": sorted(facets.totals.items()),
        }
    header["sha256"] = _digest(parts)
    header["sizes"] = [len(p) for p in parts]
    head = json.dumps(header, separators=(",", ":")).encode()
    target = cache_path(archive_path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + len(head).to_bytes(8, "little") + head)
            for part in parts:
                out.write(part)
        os.replace(tmp, target)
        return True
    except OSError as exc:
        log.info("Search cache not written (%s): searches rebuild it in memory", exc)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return False


def _header(f: BinaryIO) -> dict[str, Any] | None:
    """The header at the start of an open cache file (None when it is not one), the file
    positioned after it, and whole by the sizes it declares (nothing missing or added)."""
    if f.read(len(MAGIC)) != MAGIC:
        return None
    size = int.from_bytes(f.read(8), "little")
    if not 0 < size < 64 * 2**20:
        return None
    header: dict[str, Any] = json.loads(f.read(size))
    if os.fstat(f.fileno()).st_size != f.tell() + sum(int(n) for n in header["sizes"]):
        return None  # torn, or trailing bytes: not a file this module wrote
    return header


def _read(archive_path: Path | str) -> tuple[dict[str, Any], list[bytes]] | None:
    try:
        with cache_path(archive_path).open("rb") as f:
            header = _header(f)
            if header is None:
                return None
            parts = [f.read(n) for n in header["sizes"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if [len(p) for p in parts] != header["sizes"]:
        return None
    if _digest(parts) != header.get("sha256"):
        return None
    return header, parts


def _read_header(archive_path: Path | str) -> dict[str, Any] | None:
    """The file's header alone (its arrays are not read: that is the point)."""
    try:
        with cache_path(archive_path).open("rb") as f:
            return _header(f)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def saved_totals(archive_path: Path | str, conn: Connection, tz: ZoneInfo) -> FacetCache | None:
    """The records per facet group as the file saved them, when they still count the
    archive's records: the same archive, schema, zone and tombstones (no record destroyed
    since), and the archive still reaching the last record id they cover (`refresh` adds
    the records archived since). Facets of the whole archive are then answered from the
    header while the warm-up still loads the arrays (the SQL pass instead took 18 s on a cold
    6.3M archive). The cache returned holds totals only (FacetCache.from_totals)."""
    header = _read_header(archive_path)
    if header is None:
        return None
    try:
        meta = header.get("facets")
        if meta is None or meta["tz"] != tz.key or not _of_this_archive(header, conn):
            return None
        top_id = conn.exec_driver_sql("SELECT max(id) FROM records").scalar()
        max_id = int(meta["max_id"])
        if max_id > int(top_id or 0):
            return None  # an older copy of the archive: the file counts records it lacks
        groups, totals = _saved_groups(meta)
        return FacetCache.from_totals(tz, groups, max_id, totals)
    except (KeyError, TypeError, ValueError, IndexError, OverflowError):
        return None


def _of_this_archive(header: dict[str, Any], conn: Connection) -> bool:
    """Was the file written for this archive, in its schema, with no record destroyed since?"""
    return (
        header["uuid"] == archive_uuid(conn)
        and header["tombstones"] == tombstones(conn)
        and header.get("schema", "") == schema(conn)
    )


def _saved_groups(meta: dict[str, Any]) -> tuple[list[Group], Counter[int]]:
    """The facet groups and the records per group of a header's `facets` part."""
    groups = cast(list[Group], [tuple(g) for g in meta["groups"]])
    return groups, Counter({int(g): int(n) for g, n in meta["totals"]})


def _spread(size: int) -> list[int]:
    """Indexes 1..size-1 spread evenly, the last one included."""
    if size <= 1:
        return []
    step = max(1, (size - 1) // SAMPLES)
    return sorted({*range(1, size, step), size - 1})


def _dates_agree(backend: SqliteBackend, conn: Connection, dates: DateCache) -> bool:
    wanted = [v for v in _spread(len(dates.records)) if dates.records[v] != NO_RECORD]
    if not wanted:
        return True
    sql = version_rows_sql(backend, f"v.id IN ({','.join(map(str, wanted))})")
    # a sampled version destroyed since the save is not a disagreement; a changed one is
    return all(
        dates.records[vid] == rid and dates.keys[vid] == key
        for vid, rid, key in backend.fetch_all(conn, sql)
    )


def _facets_agree(backend: SqliteBackend, conn: Connection, facets: FacetCache) -> bool:
    wanted = [r for r in _spread(len(facets.group)) if facets.group[r] != 0]
    if not wanted:
        return True
    sql = record_rows_sql(backend, f"id IN ({','.join(map(str, wanted))})")
    return all(
        facets.find_group(platform, kind, account, key) == facets.group[rid]
        for rid, platform, kind, account, key in backend.fetch_all(conn, sql)
    )


def load(
    archive_path: Path | str,
    backend: SqliteBackend,
    conn: Connection,
    tz: ZoneInfo,
) -> tuple[DateCache | None, FacetCache | None]:
    """The caches of the file, when it can be trusted for this archive (see the module
    docstring); (None, None) otherwise. Facets only when written for the zone `tz`."""
    found = _read(archive_path)
    if found is None:
        return None, None
    header, parts = found
    try:
        if header["byteorder"] != sys.byteorder or not _of_this_archive(header, conn):
            return None, None
        if header["itemsizes"] != [ITEMSIZE, ITEMSIZE] or any(len(p) % ITEMSIZE for p in parts):
            return None, None
        dates = DateCache.from_bytes(parts[0], parts[1], int(header["max_vid"]))
        if len(dates.records) != header["date_entries"]:
            return None, None
        top_vid, top_id = conn.exec_driver_sql(
            "SELECT (SELECT max(id) FROM record_versions), (SELECT max(id) FROM records)"
        ).one()
        if dates.max_vid > int(top_vid or 0) or not _dates_agree(backend, conn, dates):
            return None, None
        facets = None
        meta = header.get("facets")
        if meta is not None and meta["tz"] == tz.key and len(parts) == 3:
            groups, totals = _saved_groups(meta)
            facets = FacetCache.restore(tz, groups, parts[2], int(meta["max_id"]), totals)
            if (
                len(facets.group) != meta["entries"]
                or facets.max_id > int(top_id or 0)
                or not _facets_agree(backend, conn, facets)
            ):
                facets = None
        return dates, facets
    except (KeyError, TypeError, ValueError, IndexError, OverflowError):
        return None, None


def load_caches(
    archive: Archive,
    backend: SqliteBackend,
    tz: ZoneInfo,
    cancel: threading.Event | None = None,
) -> tuple[DateCache, FacetCache]:
    """Both caches from one snapshot: from the file when it can be trusted, caught up from
    the tables, and the file written again when it was missing, untrusted or far behind
    (what is archived later is added on use). `cancel` stops it (Cancelled)."""
    with archive.read() as conn:
        raw = conn.connection.driver_connection
        if cancel is not None and isinstance(raw, sqlite3.Connection):
            # the pool clears handlers when the connection goes back (archive/db.py)
            raw.set_progress_handler(lambda: 1 if cancel.is_set() else 0, 10_000)
        try:
            kept_dates, kept_facets = load(archive.path, backend, conn, tz)
            dates = kept_dates or DateCache()
            facets = kept_facets or FacetCache(tz)
            added = dates.refresh(backend, conn) + facets.refresh(backend, conn)
            uuid, destroyed, revision = archive_uuid(conn), tombstones(conn), schema(conn)
        except (OperationalError, sqlite3.OperationalError) as exc:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Loading the search caches was cancelled.") from exc
            raise
    if cancel is not None and cancel.is_set():
        raise Cancelled("Loading the search caches was cancelled.")
    stale = kept_dates is None or kept_facets is None
    behind = added > min(SAVE_AFTER * max(1, len(dates) + len(facets.group)), SAVE_AFTER_ENTRIES)
    if uuid and (stale or behind):
        save(archive.path, uuid, destroyed, dates, facets, revision)
    return dates, facets


__all__ = [
    "SUFFIX",
    "archive_uuid",
    "cache_path",
    "load",
    "load_caches",
    "remove",
    "save",
    "saved_totals",
    "schema",
    "tombstones",
]

"""Everything about one record, for `show` and the GUI's record viewer.

`record_detail` returns the record with its thread (deleted and hidden items kept and
marked), every version with a diff from the one before, media, provenance and fixity. It
never returns `sensitive_json` (e-mail addresses, IPs, GPS, request headers) or media
metadata: `record_sensitive` is the separate, explicit way to read those.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from retention_desk.archive import Archive, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.search.errors import RecordNotFound

MAX_THREAD_NODES = 5_000


@dataclass(frozen=True)
class AccountInfo:
    id: int
    platform: str
    handle: str | None
    display_name: str | None
    account_key: str
    is_official: bool


@dataclass(frozen=True)
class AuthorInfo:
    name: str | None
    handle: str | None
    platform_id: str | None


@dataclass(frozen=True)
class RecordInfo:
    id: int
    platform: str
    kind: str
    record_key: str
    platform_id: str | None
    url: str | None
    created_at: datetime | None
    created_at_raw: str | None
    edited_at: datetime | None
    deleted_at: datetime | None
    deleted_at_raw: str | None
    hidden_at: datetime | None
    parent_id: int | None
    parent_key: str | None
    thread_id: int | None
    conversation_key: str | None
    lang: str | None
    is_repost: bool
    restricted: bool
    version_count: int
    has_media: bool
    archived_at: datetime | None
    title: str | None  # current version
    text: str  # current version


@dataclass(frozen=True)
class ThreadNode:
    """One record of the thread in reading order; depth 0 is a root."""

    id: int
    parent_id: int | None
    depth: int
    kind: str
    author: str | None
    created_at: datetime | None
    text: str
    deleted: bool
    hidden: bool
    edited: bool
    is_focus: bool  # the record the detail is about


@dataclass(frozen=True)
class VersionInfo:
    seq: int
    title: str | None
    text: str
    observed_at: datetime | None
    platform_edited_at: datetime | None
    source_file_id: int | None
    locator: str | None
    diff: str  # unified diff from the previous version ('' for the first)


@dataclass(frozen=True)
class MediaInfo:
    position: int
    filename: str | None
    original_uri: str
    mime_type: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    missing: bool


@dataclass(frozen=True)
class ProvenanceEntry:
    """A source file the record was seen in, and the import that brought it."""

    source_file_id: int
    name: str
    sha256: str
    size: int
    detected_format: str | None
    container: str | None
    locator: str | None
    batch_id: int
    batch_started_at: datetime | None
    batch_finished_at: datetime | None
    operator: str
    status: str


@dataclass(frozen=True)
class FixityInfo:
    # web captures: the importer's digest checks (e.g. {"block": "ok", "payload": "ok"})
    capture: dict[str, Any] | None
    capture_digests: dict[str, str]
    last_verify_ok: bool | None  # None: the archive was never verified
    last_verify_at: str | None
    last_verify_failures: int


@dataclass(frozen=True)
class RecordDetail:
    record: RecordInfo
    account: AccountInfo | None
    author: AuthorInfo
    thread: tuple[ThreadNode, ...]
    thread_truncated: bool
    versions: tuple[VersionInfo, ...]
    media: tuple[MediaInfo, ...]
    provenance: tuple[ProvenanceEntry, ...]
    fixity: FixityInfo
    extra: dict[str, Any]


_RECORD_SQL = (
    "SELECT id, platform, kind, record_key, platform_id, url, created_at, created_at_raw,"
    " edited_at, deleted_at, deleted_at_raw, hidden_at, parent_id, parent_key, thread_id,"
    " conversation_key, lang, is_repost, restricted, version_count, has_media, archived_at,"
    " account_id, author_name, author_handle, author_platform_id, extra_json"
    " FROM records WHERE id = :id"
)


def _loads(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {"_unreadable": value}
    return data if isinstance(data, dict) else {"value": data}


def version_diff(old_title: str | None, old: str, new_title: str | None, new: str) -> str:
    """A plain-text unified diff (title first when it changed); '' when nothing differs."""
    lines: list[str] = []
    if (old_title or "") != (new_title or ""):
        lines += [f"- title: {old_title or ''}", f"+ title: {new_title or ''}"]
    body = list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), "previous", "this version", n=1, lineterm=""
        )
    )
    return "\n".join(lines + body)


def _versions(conn: Connection, rid: int) -> tuple[VersionInfo, ...]:
    out: list[VersionInfo] = []
    prev: tuple[str | None, str] | None = None
    for seq, title, body, observed, edited, source_id, locator in conn.execute(
        text(
            "SELECT seq, title, text, observed_at, platform_edited_at, source_file_id, locator"
            " FROM record_versions WHERE record_id = :id ORDER BY seq"
        ),
        {"id": rid},
    ):
        body = body or ""
        diff = "" if prev is None else version_diff(prev[0], prev[1], title, body)
        out.append(
            VersionInfo(
                seq=int(seq),
                title=title,
                text=body,
                observed_at=timeutil.from_db(observed),
                platform_edited_at=timeutil.from_db(edited),
                source_file_id=source_id,
                locator=locator,
                diff=diff,
            )
        )
        prev = (title, body)
    return tuple(out)


def _node_rows(conn: Connection, where: str, params: dict[str, Any]) -> list[Any]:
    return conn.execute(
        text(
            "SELECT r.id, r.parent_id, r.kind, coalesce(r.author_name, r.author_handle),"
            " r.created_at, v.text, r.deleted_at, r.hidden_at, r.version_count, r.edited_at"
            " FROM records r LEFT JOIN record_versions v"
            " ON v.record_id = r.id AND v.seq = r.version_count"
            f" WHERE {where} LIMIT {MAX_THREAD_NODES + 1}"
        ),
        params,
    ).all()


def _sort_key(row: Any) -> tuple[bool, str, int]:
    return (row[4] is None, row[4] or "", int(row[0]))


def order_thread(rows: list[Any], focus: int) -> list[ThreadNode]:
    """Rows (id, parent_id, ...) in tree order, siblings by created_at then id.

    Every row appears exactly once: a row whose parent is not among the rows becomes a root,
    and rows caught in a parent cycle (hostile data) are appended as roots when first met, so
    no input can loop for ever or hide a record.
    """
    by_id = {int(r[0]): r for r in rows}
    children: dict[int | None, list[Any]] = {}
    for row in rows:
        parent = row[1] if row[1] in by_id and row[1] != row[0] else None
        children.setdefault(parent, []).append(row)
    for siblings in children.values():
        siblings.sort(key=_sort_key)
    out: list[ThreadNode] = []
    seen: set[int] = set()

    def emit(start: Any) -> None:
        stack: list[tuple[Any, int]] = [(start, 0)]
        while stack:
            row, depth = stack.pop()
            rid = int(row[0])
            if rid in seen:
                continue
            seen.add(rid)
            out.append(
                ThreadNode(
                    id=rid,
                    parent_id=row[1],
                    depth=depth,
                    kind=row[2],
                    author=row[3],
                    created_at=timeutil.from_db(row[4]),
                    text=row[5] or "",
                    deleted=row[6] is not None,
                    hidden=row[7] is not None,
                    edited=int(row[8] or 1) > 1 or row[9] is not None,
                    is_focus=rid == focus,
                )
            )
            stack.extend((child, depth + 1) for child in reversed(children.get(rid, [])))

    for root in children.get(None, []):
        emit(root)
    for row in sorted(rows, key=_sort_key):  # cycles: no row in them has an outside parent
        emit(row)
    return out


def _thread(conn: Connection, rec: Any) -> tuple[tuple[ThreadNode, ...], bool]:
    rid, kind, platform = int(rec[0]), rec[2], rec[1]
    conversation, thread_id = rec[15], rec[14]
    if kind == "message" and conversation:
        rows = _node_rows(
            conn, "r.platform = :p AND r.conversation_key = :c", {"p": platform, "c": conversation}
        )
        truncated = len(rows) > MAX_THREAD_NODES
        rows = sorted(rows[:MAX_THREAD_NODES], key=_sort_key)
        if all(int(r[0]) != rid for r in rows):
            rows.append(_node_rows(conn, "r.id = :id", {"id": rid})[0])
        flat = [(r[0], None, *r[2:]) for r in rows]  # a conversation is flat, in time order
        return tuple(order_thread(flat, rid)), truncated
    root = thread_id if thread_id is not None else rid
    rows = _node_rows(conn, "r.thread_id = :t OR r.id = :t OR r.id = :id", {"t": root, "id": rid})
    truncated = len(rows) > MAX_THREAD_NODES
    rows = rows[:MAX_THREAD_NODES]
    if all(int(r[0]) != rid for r in rows):
        rows.append(_node_rows(conn, "r.id = :id", {"id": rid})[0])
    return tuple(order_thread(rows, rid)), truncated


def _provenance(conn: Connection, rid: int) -> tuple[ProvenanceEntry, ...]:
    rows = conn.execute(
        text(
            "SELECT s.id, s.name, s.sha256, s.size, s.detected_format, c.name, rs.locator,"
            " b.id, b.started_at, b.finished_at, b.operator, b.status"
            " FROM record_sources rs JOIN source_files s ON s.id = rs.source_file_id"
            " JOIN import_batches b ON b.id = s.batch_id"
            " LEFT JOIN source_files c ON c.id = s.container_id"
            " WHERE rs.record_id = :id ORDER BY b.started_at, s.id"
        ),
        {"id": rid},
    ).all()
    return tuple(
        ProvenanceEntry(
            source_file_id=int(r[0]),
            name=r[1],
            sha256=r[2],
            size=int(r[3]),
            detected_format=r[4],
            container=r[5],
            locator=r[6],
            batch_id=int(r[7]),
            batch_started_at=timeutil.from_db(r[8]),
            batch_finished_at=timeutil.from_db(r[9]),
            operator=r[10],
            status=r[11],
        )
        for r in rows
    )


def _fixity(conn: Connection, extra: dict[str, Any]) -> FixityInfo:
    capture = extra.get("fixity") if isinstance(extra.get("fixity"), dict) else None
    digests = {
        k: str(v)
        for k, v in extra.items()
        if v and k in ("payload_digest", "block_digest", "payload_sha1", "sha256")
    }
    last = settings_mod.get_value(conn, "archive.last_verify")
    if not isinstance(last, dict):
        last = None
    return FixityInfo(
        capture=capture,
        capture_digests=digests,
        last_verify_ok=bool(last.get("ok")) if last else None,
        last_verify_at=last.get("finished_at") if last else None,
        last_verify_failures=len(last.get("failures") or []) if last else 0,
    )


def record_detail(archive: Archive, record_id: int) -> RecordDetail:
    """Everything about one record except its sensitive fields; RecordNotFound if absent."""
    with archive.read() as conn:
        rec = conn.execute(text(_RECORD_SQL), {"id": int(record_id)}).first()
        if rec is None:
            raise RecordNotFound(f"No record with id {record_id} in this archive.")
        rid = int(rec[0])
        versions = _versions(conn, rid)
        current = versions[-1] if versions else None
        account = None
        if rec[22] is not None:
            acc = conn.execute(
                text(
                    "SELECT id, platform, handle, display_name, account_key, is_official"
                    " FROM accounts WHERE id = :id"
                ),
                {"id": rec[22]},
            ).first()
            if acc is not None:
                account = AccountInfo(int(acc[0]), acc[1], acc[2], acc[3], acc[4], bool(acc[5]))
        media = tuple(
            MediaInfo(int(m[0]), m[1], m[2], m[3], m[4], m[5], m[6], bool(m[7]))
            for m in conn.execute(
                text(
                    "SELECT position, filename, original_uri, mime_type, media_type, size,"
                    " blob_sha256, missing FROM media WHERE record_id = :id ORDER BY position, id"
                ),
                {"id": rid},
            )
        )
        extra = _loads(rec[26])
        thread, truncated = _thread(conn, rec)
        return RecordDetail(
            record=RecordInfo(
                id=rid,
                platform=rec[1],
                kind=rec[2],
                record_key=rec[3],
                platform_id=rec[4],
                url=rec[5],
                created_at=timeutil.from_db(rec[6]),
                created_at_raw=rec[7],
                edited_at=timeutil.from_db(rec[8]),
                deleted_at=timeutil.from_db(rec[9]),
                deleted_at_raw=rec[10],
                hidden_at=timeutil.from_db(rec[11]),
                parent_id=rec[12],
                parent_key=rec[13],
                thread_id=rec[14],
                conversation_key=rec[15],
                lang=rec[16],
                is_repost=bool(rec[17]),
                restricted=bool(rec[18]),
                version_count=int(rec[19] or 1),
                has_media=bool(rec[20]),
                archived_at=timeutil.from_db(rec[21]),
                title=current.title if current else None,
                text=current.text if current else "",
            ),
            account=account,
            author=AuthorInfo(rec[23], rec[24], rec[25]),
            thread=thread,
            thread_truncated=truncated,
            versions=versions,
            media=media,
            provenance=_provenance(conn, rid),
            fixity=_fixity(conn, extra),
            extra=extra,
        )


@dataclass(frozen=True)
class SensitiveInfo:
    """Withheld-by-default data: the record's sensitive fields and its media metadata."""

    record_id: int
    sensitive: dict[str, Any]
    media_metadata: tuple[dict[str, Any], ...]


def record_sensitive(archive: Archive, record_id: int) -> SensitiveInfo:
    """The record's sensitive fields (e-mail, IPs, GPS, headers) and media metadata.

    Deliberately separate from `record_detail`: only redaction/review features call it.
    """
    with archive.read() as conn:
        row = conn.execute(
            text("SELECT sensitive_json FROM records WHERE id = :id"), {"id": int(record_id)}
        ).first()
        if row is None:
            raise RecordNotFound(f"No record with id {record_id} in this archive.")
        media = tuple(
            _loads(m[0])
            for m in conn.execute(
                text("SELECT metadata_json FROM media WHERE record_id = :id ORDER BY position, id"),
                {"id": int(record_id)},
            )
        )
        return SensitiveInfo(int(record_id), _loads(row[0]), media)

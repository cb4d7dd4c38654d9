"""Batch fetch of result rows (for painting) and of the versions that matched the words."""

from __future__ import annotations

from collections.abc import Container, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.search.backend import SqliteBackend
from retention_desk.search.compiler import CompiledQuery
from retention_desk.search.results import ResultRow

BATCH = 500

_ROW_SQL = (
    "SELECT r.id, r.platform, r.kind, r.account_id,"
    " coalesce(a.handle, a.display_name, a.account_key), r.author_name, r.author_handle,"
    " r.created_at, v.title, v.text, r.url, r.thread_id, r.parent_id, r.conversation_key,"
    " r.deleted_at, r.hidden_at, r.edited_at, r.restricted, r.has_media, r.version_count"
    " FROM records r LEFT JOIN accounts a ON a.id = r.account_id"
    " LEFT JOIN record_versions v ON v.record_id = r.id AND v.seq = r.version_count"
    " WHERE r.id IN ({ids})"
)

# One FTS probe per version of the given records (rowid equality: an index seek, never a
# scan of every match), so the cost follows the page size, not the number of matches.
_MATCHED_SQL = (
    "SELECT v.record_id, v.seq FROM record_versions v WHERE v.record_id IN ({ids}) AND ({probe})"
)


_VERSIONS_SQL = "SELECT record_id, seq, id FROM record_versions WHERE record_id IN ({ids})"
_PROBED_SQL = (
    "SELECT v.record_id, v.seq FROM record_versions v WHERE v.id IN ({vids}) AND ({probe})"
)


def parse_time(value: str | None) -> datetime | None:
    """The archive's fixed-width UTC text as a datetime (fromisoformat: ~50x strptime)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return timeutil.from_db(value)


def id_list(ids: Sequence[int]) -> str:
    """Integers for an `IN (...)` list; int() makes anything else fail loudly, never inject."""
    return ",".join(str(int(i)) for i in ids)


class KnownVersions:
    """`in` over the matching version ids a plan read from the index, without a set of them
    all up front (a page asks about a few dozen): a binary search when they are ascending,
    as FTS5 returns them, else a set built on the first question."""

    def __init__(self, vids: npt.ArrayLike, complete: bool = True) -> None:
        self._vids = np.asarray(vids, dtype=np.int64)
        # False: some of the matching versions only (the best-scoring ones); the others of a
        # page's records are probed
        self.complete = complete
        self._set: set[int] | None = None
        self._ascending: bool | None = None

    def __contains__(self, vid: object) -> bool:
        if self._ascending is None:
            self._ascending = bool(np.all(self._vids[1:] > self._vids[:-1]))
            if not self._ascending:
                self._set = set(self._vids.tolist())
        if self._set is not None:
            return vid in self._set
        if not isinstance(vid, int):
            return False
        i = int(np.searchsorted(self._vids, vid))
        return i < len(self._vids) and int(self._vids[i]) == vid


def matched_versions(
    backend: SqliteBackend,
    conn: Connection,
    ids: Sequence[int],
    query: CompiledQuery,
    known: Container[int] | None = None,
) -> dict[int, tuple[int, ...]]:
    """record id -> seq numbers of its versions that match the query's words. With `known`
    (every matching version id, when the caller has read them) no index probe is needed;
    with a KnownVersions that is not `complete`, only the versions outside it are probed."""
    if not query.has_text or not ids:
        return {}
    found: dict[int, list[int]] = {}
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        if known is not None:
            sql = _VERSIONS_SQL.format(ids=id_list(part))
            unknown: list[int] = []
            for record_id, seq, vid in backend.execute(conn, sql):
                if vid in known:
                    found.setdefault(int(record_id), []).append(int(seq))
                elif isinstance(known, KnownVersions) and not known.complete:
                    unknown.append(int(vid))
            if unknown:  # only versions outside what the caller read: probed by id
                sql = _PROBED_SQL.format(vids=id_list(unknown), probe=query.probe_sql)
                for record_id, seq in backend.execute(conn, sql, query.bind()):
                    found.setdefault(int(record_id), []).append(int(seq))
            continue
        sql = _MATCHED_SQL.format(ids=id_list(part), probe=query.probe_sql)
        for record_id, seq in backend.execute(conn, sql, query.bind()):
            found.setdefault(int(record_id), []).append(int(seq))
    return {rid: tuple(sorted(seqs)) for rid, seqs in found.items()}


def _row(raw: Any, matched: tuple[int, ...], score: float | None) -> ResultRow:
    (
        rid,
        platform,
        kind,
        account_id,
        account,
        author_name,
        author_handle,
        created_at,
        title,
        body,
        url,
        thread_id,
        parent_id,
        conversation_key,
        deleted_at,
        hidden_at,
        edited_at,
        restricted,
        has_media,
        version_count,
    ) = raw
    return ResultRow(
        id=int(rid),
        platform=platform,
        kind=kind,
        account_id=account_id,
        account=account,
        author=author_name or author_handle,
        author_handle=author_handle,
        created_at=parse_time(created_at),
        title=title,
        text=body or "",
        url=url,
        thread_id=thread_id,
        parent_id=parent_id,
        conversation_key=conversation_key,
        deleted=deleted_at is not None,
        hidden=hidden_at is not None,
        edited=int(version_count or 1) > 1 or edited_at is not None,
        restricted=bool(restricted),
        has_media=bool(has_media),
        version_count=int(version_count or 1),
        matched_versions=matched,
        score=score,
    )


def fetch_rows(
    backend: SqliteBackend,
    conn: Connection,
    ids: Sequence[int],
    query: CompiledQuery | None = None,
    scores: dict[int, float] | None = None,
    known_versions: Container[int] | None = None,
) -> list[ResultRow]:
    """Rows for `ids`, in the order given; ids no longer in the archive are left out."""
    ids = [int(i) for i in ids]
    raw_by_id: dict[int, Any] = {}
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        for raw in backend.execute(conn, _ROW_SQL.format(ids=id_list(part))):
            raw_by_id[int(raw[0])] = raw
    matched = (
        matched_versions(backend, conn, ids, query, known_versions) if query is not None else {}
    )
    scores = scores or {}
    return [_row(raw_by_id[i], matched.get(i, ()), scores.get(i)) for i in ids if i in raw_by_id]

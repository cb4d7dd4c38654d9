"""Writing records into the archive: the one path every importer, the demo and the benchmarks use.

A RecordWriter works inside one write transaction (one source file). It merges by identity:
the same (platform, record_key) is the same record; changed text or title becomes a new
version (both kept); a deleted/hidden flag is added with its time and never removed; metadata
such as like counts never creates a version. Rows are buffered and written with executemany
in batches, with ids assigned up front under the write lock, so a million-record import does
not pay a round trip per row.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, text

from retention_desk.archive import blobs, seal, timeutil
from retention_desk.archive.records_in import AccountIn, MediaIn, RecordIn, WriteCounts
from retention_desk.archive.threads import link_threads

__all__ = [
    "KINDS",
    "AccountIn",
    "MediaIn",
    "RecordIn",
    "RecordWriter",
    "WriteCounts",
    "content_hash",
    "link_threads",
    "upsert_account",
]

KINDS = ("post", "comment", "reply", "message", "page", "capture", "subscriber_list")
BATCH = 2000


_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _scrub(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _SURROGATES.sub("\ufffd", v) if isinstance(v, str) else v for k, v in row.items()}


def _execute_rows(conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
    """executemany straight on the sqlite3 cursor, surviving lone surrogates.

    The statements use `:name` parameters, which sqlite3 binds itself: skipping SQLAlchemy's
    per-row parameter processing is ~13% of a large import. Lone surrogates (valid in JSON,
    refused by SQLite's UTF-8) cost nothing in the common case: only a batch that fails is
    rolled back to its savepoint, scrubbed (U+FFFD) and written again. The original bytes stay
    in the stored source file.
    """
    sql = str(statement)
    raw = conn.connection.driver_connection
    if raw is None:  # pragma: no cover - a pooled connection always has its driver connection
        conn.execute(statement, rows)
        return
    with conn.begin_nested():
        try:
            cursor = raw.cursor()
            try:
                cursor.executemany(sql, rows)
            finally:
                cursor.close()
        except UnicodeEncodeError:
            raise _Scrub() from None


class _Scrub(Exception):
    """Internal: roll the savepoint back and retry the batch scrubbed."""


def execute_rows(conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    try:
        _execute_rows(conn, statement, rows)
    except _Scrub:
        _execute_rows(conn, statement, [_scrub(r) for r in rows])


def insert_versions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert version rows through a staging table, in one statement per batch.

    The FTS5 indexes are kept by triggers on record_versions. Inserted row by row
    (executemany), every row is its own statement, and FTS5 flushes its pending terms to a new
    index segment at each statement's savepoint: a segment per row and per index, merged again
    and again (measured: 100,000 tweets took 19 s CPU that way). One `INSERT … SELECT` per
    batch fires the same triggers for the same rows, so the indexes stay exactly in step, in
    the same transaction, but FTS5 writes one segment per batch (5 s for the same rows).
    """
    if not rows:
        return
    raw = conn.connection.driver_connection
    if raw is None:  # pragma: no cover - a pooled connection always has its driver connection
        conn.execute(_INSERT_VERSION, rows)
        return
    cursor = raw.cursor()
    try:
        # TEMP: private to this connection, never in the archive file, no triggers of its own
        cursor.execute(_CREATE_STAGE)
        cursor.execute(f"DELETE FROM temp.{_STAGE}")
    finally:
        cursor.close()
    execute_rows(conn, _STAGE_VERSION, rows)
    cursor = raw.cursor()
    try:
        cursor.execute(
            f"INSERT INTO main.record_versions ({_VERSION_FIELDS})"
            f" SELECT {_VERSION_FIELDS} FROM temp.{_STAGE} ORDER BY id"
        )
        cursor.execute(f"DELETE FROM temp.{_STAGE}")
    finally:
        cursor.close()


def content_hash(title: str | None, text_value: str) -> str:
    # byte for byte json.dumps([title or "", text], ensure_ascii=False), which stored hashes
    # were made with, without building an encoder per call (5x faster on a million texts)
    payload = "[" + _encode_str(title or "") + ", " + _encode_str(text_value) + "]"
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
# one encoder for every row: json.dumps with options builds a new one per call
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str)


def _dumps(value: dict[str, Any]) -> str:
    return _CANONICAL.encode(value) if value else "{}"


def _to_db(value: datetime | None) -> str | None:
    """timeutil.to_db, byte for byte, for the usual UTC time without strftime (a few
    microseconds each, four per record); other zones and years before 1000 (which strftime
    does not pad) take the general path."""
    if value is None:
        return None
    if value.tzinfo is UTC and value.year >= 1000:
        return value.isoformat(timespec="microseconds")[:26] + "Z"
    return timeutil.to_db(value)


def upsert_account(conn: Connection, account: AccountIn) -> int:
    """Find or create the account; fills in names the archive did not have yet."""
    row = conn.execute(
        text("SELECT id FROM accounts WHERE platform = :p AND account_key = :k"),
        {"p": account.platform, "k": account.account_key},
    ).first()
    if (
        row is None
        and account.handle
        and account.platform_account_id
        and account.account_key != account.handle
    ):
        # the custodian entered the account in the registry by its handle before its export
        # arrived: the export's numbered account is that row, not a second one
        row = conn.execute(
            text(
                "SELECT id FROM accounts WHERE platform = :p AND platform_account_id IS NULL"
                " AND lower(account_key) = lower(:h) AND lower(coalesce(handle, :h)) = lower(:h)"
            ),
            {"p": account.platform, "h": account.handle.lstrip("@")},
        ).first()
    if row is not None:
        # the key is the export's (unchanged for a row found by it, the number for a row
        # adopted by handle); names and the platform id fill in what the archive lacked
        conn.execute(
            text(
                "UPDATE accounts SET account_key = :k, handle = coalesce(handle, :h),"
                " display_name = coalesce(display_name, :d),"
                " platform_account_id = coalesce(platform_account_id, :pid) WHERE id = :id"
            ),
            {
                "k": account.account_key,
                "h": account.handle,
                "d": account.display_name,
                "pid": account.platform_account_id,
                "id": row[0],
            },
        )
        seal.touch(conn, seal.ACCOUNT, [int(row[0])])
        return int(row[0])
    result = conn.execute(
        text(
            "INSERT INTO accounts (platform, account_key, platform_account_id, handle,"
            " display_name, is_official, is_approved, created_at)"
            " VALUES (:p, :k, :pid, :h, :d, :o, 0, :t) RETURNING id"
        ),
        {
            "p": account.platform,
            "k": account.account_key,
            "pid": account.platform_account_id,
            "h": account.handle,
            "d": account.display_name,
            "o": account.is_official,
            "t": timeutil.now_db(),
        },
    )
    account_id = int(result.scalar_one())
    seal.touch(conn, seal.ACCOUNT, [account_id])
    return account_id


def _next_id(conn: Connection, table: str) -> int:
    # AUTOINCREMENT tables: ids above both the live maximum and every id ever used.
    seq = conn.execute(
        text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
    ).scalar()
    live = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar()
    return max(int(seq or 0), int(live or 0)) + 1


class RecordWriter:
    """Buffered writer for one source file's records, inside the caller's write transaction."""

    def __init__(
        self,
        conn: Connection,
        *,
        batch_id: int | None,
        source_file_id: int | None,
        account_id: int | None,
        on_flush: Callable[[int], None] | None = None,
    ) -> None:
        self.conn = conn
        self.batch_id = batch_id
        self.source_file_id = source_file_id
        self.account_id = account_id
        self.counts = WriteCounts()
        self._buffer: list[RecordIn] = []
        self._platforms: set[str] = set()
        self._new_parented: list[int] = []
        self._on_flush = on_flush
        self._written = 0
        self.record_ids: dict[tuple[str, str], int] = {}
        # (salt, leaf) of records created here and not written again since: sealed from the
        # values written instead of read back (seal.prime)
        self._primed: dict[int, tuple[bytes, bytes]] = {}
        self._rewritten: set[int] = set()

    # ------------------------------------------------------------------ public
    def add(self, rec: RecordIn) -> None:
        if rec.kind not in KINDS:
            raise ValueError(f"record {rec.record_key}: unknown kind {rec.kind!r}")
        if not rec.record_key:
            raise ValueError("record without a key")
        # Keys are looked up before they are inserted, so they are made storable up front.
        if not rec.record_key.isascii():
            rec.record_key = _SURROGATES.sub("\ufffd", rec.record_key)
        if rec.parent_key and not rec.parent_key.isascii():
            rec.parent_key = _SURROGATES.sub("\ufffd", rec.parent_key)
        self._buffer.append(rec)
        if len(self._buffer) >= BATCH:
            self.flush()

    def add_many(self, records: Iterable[RecordIn]) -> None:
        for rec in records:
            self.add(rec)

    def finish(self) -> WriteCounts:
        self.flush()
        for platform in sorted(self._platforms):
            link_threads(self.conn, platform, self._new_parented)
        seal.touch(self.conn, seal.RECORD, self.record_ids.values())
        seal.prime(self.conn, seal.RECORD, self._primed)
        self._primed = {}
        return self.counts

    # ----------------------------------------------------------------- flushing
    def flush(self) -> None:
        if not self._buffer:
            return
        buffer, self._buffer = self._buffer, []
        by_platform: dict[str, list[RecordIn]] = {}
        for rec in buffer:
            by_platform.setdefault(rec.platform, []).append(rec)
        for platform, recs in by_platform.items():
            self._platforms.add(platform)
            self._flush_platform(platform, recs)
        self._written += len(buffer)
        if self._on_flush:
            self._on_flush(self._written)

    def _existing(self, platform: str, keys: list[str]) -> dict[str, tuple[Any, ...]]:
        found: dict[str, tuple[Any, ...]] = {}
        raw = self.conn.connection.driver_connection
        assert raw is not None
        # qmark parameters on the sqlite3 cursor: SQLAlchemy compiling 500 named binds per
        # query cost more than the query on a fresh archive
        cursor = raw.cursor()
        try:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                cursor.execute(_EXISTING + ",".join("?" * len(part)) + ")", [platform, *part])
                for row in cursor.fetchall():
                    found[row[0]] = tuple(row[1:])
        finally:
            cursor.close()
        return found

    def _known_hashes(self, existing: dict[str, list[Any]]) -> dict[int, set[str]]:
        """Every version's content hash for records with more than one version."""
        multi = [hit[0] for hit in existing.values() if hit[1] > 1]
        hashes: dict[int, set[str]] = {}
        for start in range(0, len(multi), 500):
            marks = ",".join(str(int(rid)) for rid in multi[start : start + 500])
            for rid, chash in self.conn.execute(
                text(
                    f"SELECT record_id, content_hash FROM record_versions"
                    f" WHERE record_id IN ({marks})"
                )
            ):
                hashes.setdefault(int(rid), set()).add(chash)
        return hashes

    def _flush_platform(self, platform: str, recs: list[RecordIn]) -> None:
        conn = self.conn
        existing = {
            k: list(v)
            for k, v in self._existing(platform, list({r.record_key for r in recs})).items()
        }
        hashes = self._known_hashes(existing)
        now = timeutil.now_db()
        next_record = _next_id(conn, "records")
        next_version = _next_id(conn, "record_versions")
        record_rows: list[dict[str, Any]] = []
        version_rows: list[dict[str, Any]] = []
        source_rows: list[dict[str, Any]] = []
        flag_rows: list[dict[str, Any]] = []
        fill_rows: list[dict[str, Any]] = []
        media_work: list[tuple[int, RecordIn]] = []
        fresh: list[tuple[dict[str, Any], dict[str, Any], str | None]] = []

        # One pass in input order; `existing` is updated as we go, so a record repeated in the
        # same batch (an edit chain, a revision history) merges exactly as a later import would.
        for rec in recs:
            chash = content_hash(rec.title, rec.text_raw if rec.text_raw is not None else rec.text)
            hit = existing.get(rec.record_key)
            if hit is None:
                rid = next_record
                next_record += 1
                row = self._record_row(rid, rec, now)
                record_rows.append(row)
                if rec.parent_key:
                    self._new_parented.append(rid)
                version_rows.append(self._version_row(next_version, rid, 1, rec, chash, now))
                next_version += 1
                if not rec.media:
                    fresh.append((row, version_rows[-1], rec.locator))
                self.counts.added += 1
                # a record that arrives already deleted/hidden is as flagged as one that
                # becomes so later: the summary counts both
                self.counts.flagged_deleted += rec.deleted_at is not None
                self.counts.flagged_hidden += rec.hidden_at is not None
                existing[rec.record_key] = [
                    rid,
                    1,
                    row["deleted_at"],
                    row["hidden_at"],
                    chash,
                    row["extra_json"],
                    *_FILLED(row),
                ]
                hashes[rid] = {chash}
            else:
                rid, version_count, deleted_at, hidden_at, last_hash, old_extra, *known = hit
                # written again: its leaf is read back at binding time
                self._primed.pop(rid, None)
                self._rewritten.add(rid)
                seen = hashes.setdefault(rid, {last_hash})
                if chash not in seen:
                    # A text the record never had: a new version. A text it had before (an
                    # overlapping export repeating old history) is recognised, not re-added.
                    version_rows.append(
                        self._version_row(next_version, rid, version_count + 1, rec, chash, now)
                    )
                    next_version += 1
                    flag_rows.append(
                        {"id": rid, "kind": "version", "edited": timeutil.to_db(rec.edited_at)}
                    )
                    self.counts.new_versions += 1
                    seen.add(chash)
                    hit[1] = version_count + 1
                    hit[4] = chash
                else:
                    self.counts.unchanged += 1
                if rec.deleted_at is not None and deleted_at is None:
                    flag_rows.append(
                        {
                            "id": rid,
                            "kind": "deleted",
                            "at": timeutil.to_db(rec.deleted_at),
                            "raw": rec.deleted_at_raw,
                        }
                    )
                    self.counts.flagged_deleted += 1
                    hit[2] = timeutil.to_db(rec.deleted_at)
                if rec.hidden_at is not None and hidden_at is None:
                    flag_rows.append(
                        {"id": rid, "kind": "hidden", "at": timeutil.to_db(rec.hidden_at)}
                    )
                    self.counts.flagged_hidden += 1
                    hit[3] = timeutil.to_db(rec.hidden_at)
                fill = _fill_row(rid, rec, old_extra, known, self.account_id)
                if fill is not None:
                    fill_rows.append(fill)
                    if rec.parent_key and known[_FILLABLE.index("parent_key")] is None:
                        self._new_parented.append(rid)
                    hit[5] = fill["extra_json"]
                    hit[6:] = [
                        old if old is not None else fill[c]
                        for c, old in zip(_FILLABLE, known, strict=True)
                    ]
            self.record_ids[(platform, rec.record_key)] = rid
            source_rows.append({"r": rid, "s": self.source_file_id, "l": rec.locator})
            if rec.media:
                media_work.append((rid, rec))

        if record_rows:
            execute_rows(conn, _INSERT_RECORD, record_rows)
        if version_rows:
            insert_versions(conn, version_rows)
        if fill_rows:
            execute_rows(conn, _FILL_RECORD, fill_rows)
        for row in flag_rows:
            if row["kind"] == "version":
                conn.execute(
                    text(
                        "UPDATE records SET version_count = version_count + 1,"
                        " edited_at = coalesce(:edited, edited_at) WHERE id = :id"
                    ),
                    row,
                )
            elif row["kind"] == "deleted":
                conn.execute(
                    text(
                        "UPDATE records SET deleted_at = :at, deleted_at_raw = :raw"
                        " WHERE id = :id AND deleted_at IS NULL"
                    ),
                    row,
                )
            else:
                conn.execute(
                    text("UPDATE records SET hidden_at = :at WHERE id = :id AND hidden_at IS NULL"),
                    row,
                )
        if self.source_file_id is not None and source_rows:
            execute_rows(conn, _INSERT_SOURCE, source_rows)
        if fresh:
            self._prime(fresh)
        if media_work:
            self._write_media(media_work)

    def _prime(self, fresh: list[tuple[dict[str, Any], dict[str, Any], str | None]]) -> None:
        """Leaves of the records this batch created, from the values just written."""
        salts = os.urandom(seal.SALT_BYTES * len(fresh))
        source = self.source_file_id
        for n, (row, version, locator) in enumerate(fresh):
            if row["id"] in self._rewritten:
                continue
            payload = seal.record_payload(
                row, (version,), ((source, locator),) if source is not None else ()
            )
            if payload is not None:
                salt = salts[n * seal.SALT_BYTES : (n + 1) * seal.SALT_BYTES]
                self._primed[row["id"]] = (salt, seal.leaf(salt, payload))

    def _record_row(self, rid: int, rec: RecordIn, now: str) -> dict[str, Any]:
        return {
            "id": rid,
            "platform": rec.platform,
            "kind": rec.kind,
            "record_key": rec.record_key,
            "platform_id": rec.platform_id,
            "account_id": self.account_id,
            "parent_key": rec.parent_key,
            # a record without a parent starts its own thread; replies are linked afterwards
            "thread_id": None if rec.parent_key else rid,
            "conversation_key": rec.conversation_key,
            "author_name": rec.author_name,
            "author_handle": rec.author_handle,
            "author_platform_id": rec.author_platform_id,
            "created_at": _to_db(rec.created_at),
            "created_at_raw": rec.created_at_raw,
            "edited_at": _to_db(rec.edited_at),
            "deleted_at": _to_db(rec.deleted_at),
            "deleted_at_raw": rec.deleted_at_raw,
            "hidden_at": _to_db(rec.hidden_at),
            "url": rec.url,
            "lang": rec.lang,
            "is_repost": rec.is_repost,
            "restricted": rec.restricted,
            "has_media": bool(rec.media),
            "version_count": 1,  # the INSERT says 1; here for the seal payload
            "extra_json": _dumps(rec.extra),
            "sensitive_json": _dumps(rec.sensitive),
            "first_source_id": self.source_file_id,
            "batch_id": self.batch_id,
            "archived_at": now,
        }

    def _version_row(
        self, vid: int, rid: int, seq: int, rec: RecordIn, chash: str, now: str
    ) -> dict[str, Any]:
        return {
            "id": vid,
            "record_id": rid,
            "seq": seq,
            "title": rec.title,
            "text": rec.text,
            "text_raw": rec.text_raw,
            "content_hash": chash,
            "platform_edited_at": _to_db(rec.platform_edited_at),
            "observed_at": now,
            "source_file_id": self.source_file_id,
            "locator": rec.locator,
            "raw_json": rec.raw_json,
        }

    def _write_media(self, work: list[tuple[int, RecordIn]]) -> None:
        """Store media bytes and upsert the batch's media rows in one executemany."""
        rows: list[dict[str, Any]] = []
        for rid, rec in work:
            for position, media in enumerate(rec.media):
                sha = media.sha256
                size: int | None = None
                if sha is None and media.data is not None:
                    sha, size = blobs.put_bytes(self.conn, media.data)
                elif sha is None and media.opener is not None:
                    sha, size = blobs.put_stream(self.conn, media.opener)
                elif sha is not None:
                    size = self.conn.execute(
                        text("SELECT size FROM blobs WHERE sha256 = :s"), {"s": sha}
                    ).scalar()
                if sha is not None:
                    self.counts.media_stored += 1
                rows.append(
                    {
                        "r": rid,
                        "p": position,
                        "b": sha,
                        "u": media.original_uri,
                        "f": media.filename,
                        "m": media.mime_type,
                        "t": media.media_type,
                        "n": size,
                        "x": sha is None,
                        "j": _dumps(media.metadata),
                    }
                )
        execute_rows(self.conn, _UPSERT_MEDIA, rows)
        ids = sorted({rid for rid, _ in work})
        for start in range(0, len(ids), 500):
            marks = ",".join(str(int(i)) for i in ids[start : start + 500])
            self.conn.execute(text(f"UPDATE records SET has_media = 1 WHERE id IN ({marks})"))
            # Missing means missing from the archive, not from this export: an earlier import
            # may already hold the file.
            self.counts.media_missing += [
                r[0] for r in self.conn.execute(text(MISSING_MEDIA.format(marks=marks)))
            ]


# Columns a later export may supply for a record the archive already has. They are filled
# only where still empty: the first capture's values are kept (like counts, handles at the
# time), and nothing already archived is overwritten.
_FILLABLE = (
    # a record first imported without its account (a posts file alone) gets it from a later
    # export that knows it; one already assigned is never moved to another account
    "account_id",
    "url",
    "author_name",
    "author_handle",
    "author_platform_id",
    "lang",
    "parent_key",
    "conversation_key",
    "created_at",
    "created_at_raw",
)
_FILLED = operator.itemgetter(*_FILLABLE)  # a new row's fillable values, in _FILLABLE order
_FILL_RECORD = text(
    "UPDATE records SET "
    + ", ".join(f"{c} = coalesce({c}, :{c})" for c in _FILLABLE)
    + ", extra_json = :extra_json WHERE id = :id"
)


def _fill_row(
    rid: int, rec: RecordIn, old_extra: str, known: list[Any], account_id: int | None
) -> dict[str, Any] | None:
    """The fill-in update for an existing record, or None when the new capture adds nothing."""
    new_values = {c: getattr(rec, c) for c in _FILLABLE if c != "account_id"}
    new_values["account_id"] = account_id
    new_values["created_at"] = timeutil.to_db(rec.created_at)
    gains = any(
        old is None and new_values[c] is not None for c, old in zip(_FILLABLE, known, strict=True)
    )
    extra = json.loads(old_extra) if old_extra and old_extra != "{}" else {}
    added = {k: v for k, v in rec.extra.items() if k not in extra}
    if not gains and not added:
        return None
    extra.update(added)
    return {"id": rid, **new_values, "extra_json": _dumps(extra)}


_UPSERT_MEDIA = text(
    "INSERT INTO media (record_id, position, blob_sha256, original_uri, filename,"
    " mime_type, media_type, size, missing, metadata_json)"
    " VALUES (:r, :p, :b, :u, :f, :m, :t, :n, :x, :j)"
    " ON CONFLICT (record_id, original_uri) DO UPDATE SET"
    " blob_sha256 = coalesce(media.blob_sha256, excluded.blob_sha256),"
    " size = coalesce(media.size, excluded.size),"
    " missing = (coalesce(media.blob_sha256, excluded.blob_sha256) IS NULL)"
)
# `+`: the rows are found by record; without it SQLite takes the blob index for IS NULL and
# reads every missing file of the archive (0.2 s a batch at five million records)
MISSING_MEDIA = (
    "SELECT original_uri FROM media WHERE record_id IN ({marks})"
    " AND +blob_sha256 IS NULL ORDER BY record_id, position"
)
_INSERT_SOURCE = text(
    "INSERT OR IGNORE INTO record_sources (record_id, source_file_id, locator) VALUES (:r, :s, :l)"
)
_INSERT_RECORD = text(
    "INSERT INTO records (id, platform, kind, record_key, platform_id, account_id, parent_key,"
    " thread_id, conversation_key, author_name, author_handle, author_platform_id, created_at,"
    " created_at_raw, edited_at, deleted_at, deleted_at_raw, hidden_at, url, lang, is_repost,"
    " restricted, version_count, has_media, extra_json, sensitive_json, first_source_id,"
    " batch_id, archived_at) VALUES (:id, :platform, :kind, :record_key, :platform_id,"
    " :account_id, :parent_key, :thread_id, :conversation_key, :author_name, :author_handle,"
    " :author_platform_id, :created_at, :created_at_raw, :edited_at, :deleted_at,"
    " :deleted_at_raw, :hidden_at, :url, :lang, :is_repost, :restricted, 1, :has_media,"
    " :extra_json, :sensitive_json, :first_source_id, :batch_id, :archived_at)"
)
_EXISTING = (
    "SELECT r.record_key, r.id, r.version_count, r.deleted_at, r.hidden_at, v.content_hash,"
    " r.extra_json, "
    + ", ".join(f"r.{c}" for c in _FILLABLE)
    + " FROM records r JOIN record_versions v ON v.record_id = r.id AND v.seq = r.version_count"
    " WHERE r.platform = ? AND r.record_key IN ("
)
_STAGE = "rd_version_stage"
_VERSION_FIELDS = (
    "id, record_id, seq, title, text, text_raw, content_hash, platform_edited_at, observed_at,"
    " source_file_id, locator, raw_json"
)
_CREATE_STAGE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} AS"
    f" SELECT {_VERSION_FIELDS} FROM main.record_versions WHERE 0"
)
_STAGE_VERSION = text(
    f"INSERT INTO temp.{_STAGE} ({_VERSION_FIELDS}) VALUES (:id, :record_id, :seq, :title,"
    " :text, :text_raw, :content_hash, :platform_edited_at, :observed_at, :source_file_id,"
    " :locator, :raw_json)"
)
_INSERT_VERSION = text(
    "INSERT INTO record_versions (id, record_id, seq, title, text, text_raw, content_hash,"
    " platform_edited_at, observed_at, source_file_id, locator, raw_json) VALUES (:id,"
    " :record_id, :seq, :title, :text, :text_raw, :content_hash, :platform_edited_at,"
    " :observed_at, :source_file_id, :locator, :raw_json)"
)

"""Content seals: what every write stored, bound into the audit chain without revealing it.

The audit chain alone proves only that the audit rows are intact; a person with the file can
change a record's text, clear a deletion flag or delete a record and the chain still holds.
Seals close that gap:

- every sealed object (a record with its versions, media and provenance; a source file row; an
  account; an import batch; the archive's settings) has a random 16-byte salt;
- its *leaf* is SHA-256 over a tag, the salt and a canonical serialisation of its content;
- each write transaction's audit row binds the *root* (SHA-256 over its leaves in order) and
  their number in its hashed details; the leaves themselves go to `seal_log`, append-only;
- `verify` recomputes every object's leaf from what is stored now and compares it with the
  latest leaf the chain bound, so a changed, added or missing object shows, and recomputes
  every root, so a rewritten leaf shows.

Why salted: a plain hash of a short text confirms a guess of what it said ("was it 'yes'?").
Destruction deletes an object's salt with its content and keeps the leaf: `verify` can still
recompute every root, while the leaf reveals nothing. A key kept in the archive would protect
nothing from whoever holds the file; a salt that is destroyed does.

Writers register what they changed with `touch()` inside `Archive.write()`; the next audit row
of that transaction binds it (`bind()`), and `Archive.write()` seals leftovers under an
`archive.seal` row before it commits, so no code path can store content unsealed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

# Object kinds, stored as small integers (seal_log has a row per sealed write of each object).
RECORD = 1
SOURCE_FILE = 2
ACCOUNT = 3
BATCH = 4
SETTINGS = 5
KIND_NAMES = {
    RECORD: "record",
    SOURCE_FILE: "source file",
    ACCOUNT: "account",
    BATCH: "import batch",
    SETTINGS: "settings",
}

LEAF_TAG = b"retention-desk seal v1\x00"
SALT_BYTES = 16
CHUNK = 2000
# Settings that change on their own (results of checks) are not content and are not sealed.
VOLATILE_SETTINGS = ("archive.last_",)

_PENDING = "retention_desk.seal.pending"


@dataclass
class Pending:
    """Objects written in the current transaction and not yet bound to an audit row.

    `primed` holds (salt, leaf) of new objects whose writer computed the leaf from the values
    it wrote (see `prime`); any later `touch` of such an object drops it, so the leaf is then
    recomputed from the rows as they are at binding time.
    """

    objects: dict[int, set[int]] = field(default_factory=dict)
    primed: dict[int, dict[int, tuple[bytes, bytes]]] = field(default_factory=dict)

    def add(self, kind: int, ids: Iterable[int]) -> None:
        id_list = [int(i) for i in ids]
        self.objects.setdefault(kind, set()).update(id_list)
        primed = self.primed.get(kind)
        if primed:
            for object_id in id_list:
                primed.pop(object_id, None)

    def __bool__(self) -> bool:
        return any(self.objects.values())


# --------------------------------------------------------------------- transaction state
def start(conn: Connection) -> None:
    conn.info[_PENDING] = Pending()


def stop(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)


def pending(conn: Connection) -> Pending | None:
    value = conn.info.get(_PENDING)
    return value if isinstance(value, Pending) else None


def touch(conn: Connection, kind: int, ids: Iterable[int]) -> None:
    """Register objects this transaction wrote. Outside `Archive.write()` (migrations, raw
    test connections) nothing is registered, and `verify` reports the write as unsealed."""
    state = pending(conn)
    if state is not None:
        state.add(kind, ids)


def prime(conn: Connection, kind: int, leaves: dict[int, tuple[bytes, bytes]]) -> None:
    """Register new objects with the (salt, leaf) their writer computed from the values it
    has just written, so `bind` need not read them back. Call it after the object's last
    `touch` and last write of the transaction; a later `touch` drops the primed leaf."""
    state = pending(conn)
    if state is not None and leaves:
        state.objects.setdefault(kind, set()).update(leaves)
        state.primed.setdefault(kind, {}).update(leaves)


# ------------------------------------------------------------------------- content
def leaf(salt: bytes, payload: bytes) -> bytes:
    return hashlib.sha256(LEAF_TAG + bytes(salt) + payload).digest()


_json_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
# SQLite column affinity of each sealed column: TEXT (VARCHAR, TEXT) or NUMERIC/INTEGER
# (INTEGER, BOOLEAN). A value is rendered only where the column would store it unchanged.
_NUMERIC_RECORD_COLUMNS = frozenset(
    {
        "account_id",
        "is_repost",
        "restricted",
        "version_count",
        "has_media",
        "first_source_id",
        "batch_id",
    }
)
_NUMERIC_VERSION_COLUMNS = frozenset({"seq", "source_file_id"})


class _NotCanonical(Exception):
    """A value whose stored form SQLite might change (a float, a number in a TEXT column)."""


def _json_value(value: Any, numeric: bool) -> str:
    r"""What SQLite's json_array() writes for `value` once stored in a column of that
    affinity: Python's string escaping is SQLite's (\" \\ \b \f \n \r \t, other
    controls as lowercase \u00xx, everything else as is)."""
    if value is None:
        return "null"
    if numeric:
        if value is True:
            return "1"
        if value is False:
            return "0"
        if type(value) is int:
            return str(value)
    elif type(value) is str and "\x00" not in value:
        return _json_str(value)  # type: ignore[no-any-return]
    raise _NotCanonical


def _json_array(row: dict[str, Any], columns: Sequence[str], numeric: frozenset[str]) -> str:
    return "[" + ",".join(_json_value(row[c], c in numeric) for c in columns) + "]"


def _fast_array(row: dict[str, Any], columns: Sequence[tuple[str, bool]]) -> str:
    """`_json_array` inlined for `record_payload`'s million-row case (no call per value);
    `columns` is (name, numeric). NUL is checked once on the whole payload by the caller."""
    parts: list[str] = []
    add = parts.append
    for column, numeric in columns:
        value = row[column]
        if value is None:
            add("null")
        elif numeric:
            if value is True:
                add("1")
            elif value is False:
                add("0")
            elif type(value) is int:
                add(str(value))
            else:
                raise _NotCanonical
        elif type(value) is str:
            add(_json_str(value))
        else:
            raise _NotCanonical
    return "[" + ",".join(parts) + "]"


def record_payload(
    record_row: dict[str, Any],
    version_rows: Sequence[dict[str, Any]],
    source_rows: Sequence[tuple[Any, Any]],
) -> bytes | None:
    """The canonical payload of a record without media, from the values written for it
    (`records` row, its versions in seq order, its (source_file_id, locator) provenance):
    byte for byte what `payloads` reads back, or None where that cannot be promised
    (floats, text in number columns, NUL, lone surrogates)."""
    try:
        row = _fast_array(record_row, _RECORD_SHAPE)
        versions = ",".join(_fast_array(v, _VERSION_SHAPE) for v in version_rows)
        sources = ",".join(
            "[" + _json_value(sid, True) + "," + _json_value(loc, False) + "]"
            for sid, loc in sorted(source_rows, key=lambda s: s[0])
        )
        text = f"[{int(record_row['id'])},{row},[{versions}],[],[{sources}]]"
        if "\\u0000" in text:
            # NUL is refused (see _json_value); a literal backslash before "u0000" lands here
            # too and is only read back at binding, never mis-sealed
            return None
        return text.encode("utf-8")  # strict: a lone surrogate was stored scrubbed
    except (_NotCanonical, UnicodeEncodeError):
        return None


_RECORD_COLUMNS = (
    "platform",
    "kind",
    "record_key",
    "platform_id",
    "account_id",
    "parent_key",
    "conversation_key",
    "author_name",
    "author_handle",
    "author_platform_id",
    "created_at",
    "created_at_raw",
    "edited_at",
    "deleted_at",
    "deleted_at_raw",
    "hidden_at",
    "url",
    "lang",
    "is_repost",
    "restricted",
    "version_count",
    "has_media",
    "extra_json",
    "sensitive_json",
    "first_source_id",
    "batch_id",
    "archived_at",
)
_VERSION_COLUMNS = (
    "seq",
    "title",
    "text",
    "text_raw",
    "content_hash",
    "platform_edited_at",
    "observed_at",
    "source_file_id",
    "locator",
    "raw_json",
)
_RECORD_SHAPE = tuple((c, c in _NUMERIC_RECORD_COLUMNS) for c in _RECORD_COLUMNS)
_VERSION_SHAPE = tuple((c, c in _NUMERIC_VERSION_COLUMNS) for c in _VERSION_COLUMNS)
_MEDIA_COLUMNS = (
    "position",
    "blob_sha256",
    "original_uri",
    "filename",
    "mime_type",
    "media_type",
    "size",
    "missing",
    "metadata_json",
)
_SOURCE_FILE_COLUMNS = (
    "batch_id",
    "container_id",
    "name",
    "original_path",
    "size",
    "sha256",
    "blob_sha256",
    "detected_format",
    "status",
    "error",
    "counts_json",
    "details_json",
    "imported_at",
)
_ACCOUNT_COLUMNS = (
    "platform",
    "account_key",
    "platform_account_id",
    "handle",
    "display_name",
    "department",
    "is_official",
    "is_approved",
    "approved_at",
    "approved_by",
    "notes",
    "created_at",
)
_BATCH_COLUMNS = (
    "started_at",
    "finished_at",
    "operator",
    "app_version",
    "status",
    "options_json",
    "counts_json",
    "errors_json",
)
# Plain single-table kinds: (table, columns). Records and settings are assembled below.
_TABLES = {
    SOURCE_FILE: ("source_files", _SOURCE_FILE_COLUMNS),
    ACCOUNT: ("accounts", _ACCOUNT_COLUMNS),
    BATCH: ("import_batches", _BATCH_COLUMNS),
}
# Derived columns (thread links) are not sealed: verify checks them against parent_key.


def _marks(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _raw(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def _json_rows(conn: Connection, sql: str) -> list[tuple[int, str]]:
    """(id, JSON text) rows: SQLite builds the canonical JSON of each row itself (json_array),
    which is both faster than Python and identical at sealing and at verify time."""
    cursor = _raw(conn).cursor()
    try:
        return [(int(r[0]), str(r[1])) for r in cursor.execute(sql)]
    finally:
        cursor.close()


def _array(columns: Sequence[str], prefix: str = "") -> str:
    return "json_array(" + ", ".join(f"{prefix}{c}" for c in columns) + ")"


def _record_payloads(conn: Connection, ids: Sequence[int]) -> dict[int, bytes]:
    marks = _marks(ids)
    rows = dict(
        _json_rows(conn, f"SELECT id, {_array(_RECORD_COLUMNS)} FROM records WHERE id IN ({marks})")
    )
    parts: dict[int, tuple[list[str], list[str], list[str]]] = {rid: ([], [], []) for rid in rows}
    children = (
        (0, "record_versions", _VERSION_COLUMNS, "seq, id"),
        (1, "media", _MEDIA_COLUMNS, "original_uri, id"),
        (2, "record_sources", ("source_file_id", "locator"), "source_file_id"),
    )
    for slot, table, columns, order in children:
        for rid, item in _json_rows(
            conn,
            f"SELECT record_id, {_array(columns)} FROM {table}"
            f" WHERE record_id IN ({marks}) ORDER BY record_id, {order}",
        ):
            if rid in parts:
                parts[rid][slot].append(item)
    return {
        rid: (f"[{rid},{row},[{','.join(p[0])}],[{','.join(p[1])}],[{','.join(p[2])}]]").encode(
            "utf-8", "surrogatepass"
        )
        for rid, row in rows.items()
        for p in (parts[rid],)
    }


def _table_payloads(conn: Connection, kind: int, ids: Sequence[int]) -> dict[int, bytes]:
    table, columns = _TABLES[kind]
    return {
        oid: f"[{oid},{item}]".encode("utf-8", "surrogatepass")
        for oid, item in _json_rows(
            conn, f"SELECT id, {_array(columns)} FROM {table} WHERE id IN ({_marks(ids)})"
        )
    }


def _settings_payload(conn: Connection) -> bytes:
    cursor = _raw(conn).cursor()
    try:
        rows = [
            str(item)
            for key, item in cursor.execute(
                "SELECT key, json_array(key, value) FROM settings ORDER BY key"
            )
            if not str(key).startswith(VOLATILE_SETTINGS)
        ]
    finally:
        cursor.close()
    return f"[0,[{','.join(rows)}]]".encode("utf-8", "surrogatepass")


def payloads(conn: Connection, kind: int, ids: Sequence[int]) -> dict[int, bytes]:
    """The canonical content of each object that exists, by id (missing ids are absent)."""
    if kind == RECORD:
        return _record_payloads(conn, ids)
    if kind == SETTINGS:
        return {0: _settings_payload(conn)} if 0 in ids else {}
    return _table_payloads(conn, kind, ids)


def salts(conn: Connection, kind: int, ids: Sequence[int]) -> dict[int, bytes]:
    return {
        int(r[0]): bytes(r[1]) if isinstance(r[1], bytes | bytearray | memoryview) else b""
        for r in conn.exec_driver_sql(
            f"SELECT object_id, salt FROM seal_salts WHERE kind = {int(kind)}"
            f" AND object_id IN ({_marks(ids)})"
        )
    }


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start_at in range(0, len(ids), size):
        yield ids[start_at : start_at + size]


class Root:
    """SHA-256 over (kind, object id, leaf) in the order the leaves were logged."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256(b"retention-desk seal root v1\x00")
        self.count = 0

    def add(self, kind: int, object_id: int, leaf_value: bytes) -> None:
        self._hash.update(
            int(kind).to_bytes(1, "big")
            + int(object_id).to_bytes(8, "big", signed=True)
            + bytes(leaf_value)
        )
        self.count += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _alive(conn: Connection, kind: int, ids: Sequence[int]) -> set[int]:
    """Which of `ids` still exist: a primed object removed again in the same transaction
    (a rolled-back savepoint) is not sealed, as one read back would not be."""
    if not ids:
        return set()
    table = {RECORD: "records"}.get(kind) or _TABLES[kind][0]
    return {
        int(r[0])
        for r in conn.exec_driver_sql(f"SELECT id FROM {table} WHERE id IN ({_marks(ids)})")
    }


# -------------------------------------------------------------------------- binding
def bind(conn: Connection, audit_id: int) -> dict[str, Any] | None:
    """Seal everything pending under audit row `audit_id` (about to be appended).

    Returns the `seal` entry for that row's details ({"objects": n, "root": hex}), or None
    when nothing is pending. New objects get a salt; every object's new leaf is logged.
    """
    state = pending(conn)
    if not state:
        return None
    root = Root()
    log_rows: list[tuple[int, int, int, bytes]] = []
    for kind in sorted(state.objects):
        ids = sorted(state.objects[kind])
        primed = state.primed.get(kind, {})
        for part in _chunks(ids):
            known = salts(conn, kind, part)
            # a primed leaf stands only for an object that had no salt yet (a new one)
            read = [i for i in part if i not in primed or i in known]
            contents = payloads(conn, kind, read) if read else {}
            alive = _alive(conn, kind, [i for i in part if i not in contents and i in primed])
            new_salts = []
            fresh = os.urandom(SALT_BYTES * len(part))  # one call per chunk, not per object
            for n, object_id in enumerate(part):
                if object_id in contents:
                    salt = known.get(object_id)
                    if salt is None:
                        salt = fresh[n * SALT_BYTES : (n + 1) * SALT_BYTES]
                        new_salts.append((kind, object_id, salt))
                    value = leaf(salt, contents[object_id])
                elif object_id in alive and object_id not in known:
                    salt, value = primed[object_id]
                    new_salts.append((kind, object_id, salt))
                else:
                    continue  # written and removed again in this transaction
                root.add(kind, object_id, value)
                log_rows.append((audit_id, kind, object_id, value))
            raw = conn.connection.driver_connection
            cursor = raw.cursor()  # type: ignore[union-attr]
            try:
                if new_salts:
                    cursor.executemany(
                        "INSERT INTO seal_salts (kind, object_id, salt) VALUES (?, ?, ?)",
                        new_salts,
                    )
                if log_rows:
                    cursor.executemany(
                        "INSERT INTO seal_log (audit_id, kind, object_id, leaf)"
                        " VALUES (?, ?, ?, ?)",
                        log_rows,
                    )
            finally:
                cursor.close()
            log_rows = []
    state.objects.clear()
    state.primed.clear()
    if root.count == 0:
        return None
    return {"objects": root.count, "root": root.hexdigest()}


def unsealed(conn: Connection) -> dict[int, list[int]]:
    """Objects that exist but have never been sealed (archives from before seals)."""
    found: dict[int, list[int]] = {}
    queries = {
        RECORD: "records",
        SOURCE_FILE: "source_files",
        ACCOUNT: "accounts",
        BATCH: "import_batches",
    }
    for kind, table in queries.items():
        ids = [
            int(r[0])
            for r in conn.exec_driver_sql(
                f"SELECT id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM seal_salts s"
                f" WHERE s.kind = {kind} AND s.object_id = t.id) ORDER BY id"
            )
        ]
        if ids:
            found[kind] = ids
    has_settings = conn.exec_driver_sql(
        f"SELECT 1 FROM seal_salts WHERE kind = {SETTINGS} AND object_id = 0"
    ).first()
    if not has_settings:
        found[SETTINGS] = [0]
    return found

"""The destruction registry: every place that stores a record's content, and how it goes.

A feature that stores record content is not done until it is registered here. Destruction
removes a record through `purge_records`, which walks this registry, and nothing else; a table,
index, cache or file that holds record content and is not registered survives destruction, and
the agency then still holds (and must produce) what its certificate says is gone.

Every table of the archive is either registered (`ENTRIES`) or declared free of record content
(`CONTENT_FREE`, with the reason). `unaccounted_tables(conn)` lists tables with a text or blob
column that are neither; the test suite fails while that list is not empty, so a new table must
declare itself. Columns that name a blob (`BLOB_REFERENCES`) keep it alive: a blob no row names
any more is deleted when a destroyed record's media or original released it.

What is not in a table:
- search caches (`search.datecache`, `search.facetcache`) live in memory and drop ids of records
  that no longer exist when SQL checks candidates. Their copy in a file beside the archive
  (`search.cachefile`, `<archive>.search-cache`: record ids, dates and facet groups, no text)
  is deleted by destruction after every batch and at its end, and a file written before any
  destruction is never trusted again (it records the tombstone count it was written with);
- the full-text indexes are purged by `purge.purge_indexes` (their shadow tables are listed
  under the index entries);
- originals (blobs named by `source_files`) are rewritten or removed by `rewrite.py`;
- copies outside the archive (backups, exports) cannot be reached: the certificate lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection


@dataclass(frozen=True)
class Entry:
    """A content-bearing place: `tables` it covers, and how a record's content leaves it."""

    name: str
    tables: tuple[str, ...]
    how: str
    # purge(conn, record_ids) removes the content of those records; None where another entry's
    # purge (a cascade, a trigger) or a later step (index purge, originals) does it
    purge: Callable[[Connection, Sequence[int]], None] | None = None


def _marks(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _delete_by_record(*tables: str) -> Callable[[Connection, Sequence[int]], None]:
    def purge(conn: Connection, ids: Sequence[int]) -> None:
        for table in tables:
            conn.exec_driver_sql(f"DELETE FROM {table} WHERE record_id IN ({_marks(ids)})")

    return purge


def _delete_records(conn: Connection, ids: Sequence[int]) -> None:
    conn.exec_driver_sql(f"DELETE FROM records WHERE id IN ({_marks(ids)})")


def _delete_salts(conn: Connection, ids: Sequence[int]) -> None:
    from retention_desk.archive import seal

    conn.exec_driver_sql(
        f"DELETE FROM seal_salts WHERE kind = {seal.RECORD} AND object_id IN ({_marks(ids)})"
    )


def _forget_production_keys(conn: Connection, ids: Sequence[int]) -> None:
    # A production's keyed hashes stay printed in its released files; with the key gone they
    # confirm no guess of what a destroyed record said (production.store documents this).
    from retention_desk.archive import timeutil

    conn.exec_driver_sql(
        "UPDATE productions SET production_key = NULL, key_deleted_at = ?"
        " WHERE production_key IS NOT NULL AND id IN (SELECT production_id FROM"
        f" production_records WHERE record_id IN ({_marks(ids)}))",
        (timeutil.now_db(),),
    )


def _delete_stat4(conn: Connection, _ids: Sequence[int]) -> None:
    # sqlite_stat4 samples index keys (record text prefixes among them); it is rebuilt by
    # ANALYZE and the planner works without it
    present = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat4'"
    ).first()
    if present:
        conn.exec_driver_sql("DELETE FROM sqlite_stat4")


# Order matters: children before `records` (versions before records so the FTS triggers see
# every row deleted explicitly, not through a cascade).
ENTRIES: tuple[Entry, ...] = (
    Entry(
        "versions",
        ("record_versions",),
        "every version's title, text, raw text and raw JSON: rows deleted (the FTS triggers"
        " queue each version's terms for deletion from both indexes)",
        _delete_by_record("record_versions"),
    ),
    Entry(
        "media",
        ("media",),
        "media rows deleted; their blobs go when no other row names them (see BLOB_REFERENCES)",
        _delete_by_record("media"),
    ),
    Entry(
        "provenance",
        ("record_sources",),
        "where the record sat inside each original: rows deleted; the original itself is"
        " rewritten or removed by rewrite.py",
        _delete_by_record("record_sources"),
    ),
    Entry(
        "retention state",
        ("record_retention", "record_events", "hold_records"),
        "per-record series, event dates and hold membership: rows deleted",
        None,
    ),
    Entry(
        "redactions",
        ("redactions",),
        "a destroyed record's redactions and withholdings: rows deleted (their digests are"
        " keyed with the record's salt and their notes may describe the covered text; a"
        " production keeps its own redaction set)",
        _delete_by_record("redactions"),
    ),
    Entry(
        "redaction review",
        ("review_candidates",),
        "where detection found an identifier or a named person in a destroyed record, and the"
        " decision: rows deleted (offsets and a digest keyed with the record's salt, but they"
        " say where a record held an SSN)",
        _delete_by_record("review_candidates"),
    ),
    Entry(
        "oversight",
        ("moderation_actions", "record_staff_authors"),
        "the moderation log's entries about a destroyed comment (the reason may quote it) and"
        " the staff author entered for a destroyed post: rows deleted",
        _delete_by_record("moderation_actions", "record_staff_authors"),
    ),
    Entry(
        "subscriber lists",
        ("subscriber_lists", "subscriber_entries"),
        "a destroyed list snapshot's members (names, handles) and its header: rows deleted",
        _delete_by_record("subscriber_entries", "subscriber_lists"),
    ),
    Entry(
        "productions",
        ("productions", "production_files"),
        "a production holding a destroyed record loses its random key (so the keyed hashes"
        " printed in its files confirm no guess); its files stay in the request file (series"
        " PRR) as what was released, and go when the request file is destroyed",
        _forget_production_keys,
    ),
    Entry(
        "records",
        ("records",),
        "the record row with its names, sensitive fields, URL and extra JSON: deleted (what"
        " stays is its tombstone)",
        _delete_records,
    ),
    Entry(
        "seal salt",
        ("seal_salts",),
        "the record's salt: deleted, so its kept leaf confirms no guess of what it said",
        _delete_salts,
    ),
    Entry(
        "word index",
        (
            "record_fts",
            "record_fts_config",
            "record_fts_data",
            "record_fts_docsize",
            "record_fts_idx",
        ),
        "FTS5 delete through the version triggers, then 'optimize' rewrites the index into one"
        " segment without the deleted terms (purge.purge_indexes)",
        None,
    ),
    Entry(
        "substring index",
        (
            "record_fts_trigram",
            "record_fts_trigram_config",
            "record_fts_trigram_data",
            "record_fts_trigram_idx",
        ),
        "as the word index",
        None,
    ),
    Entry(
        "originals",
        ("blobs", "blob_chunks", "source_files"),
        "an original that also holds kept records is rewritten without the destroyed items;"
        " one that holds only destroyed records is deleted; one that cannot be split is kept"
        " and the records are exceptions on the certificate (rewrite.py)",
        None,
    ),
    Entry(
        "planner statistics",
        ("sqlite_stat4",),
        "sampled index keys: cleared",
        _delete_stat4,
    ),
)

# The retention-state tables lose the rows through ON DELETE CASCADE from records; listed so
# that a change of that foreign key shows up here, in review.
CASCADED = ("record_retention", "record_events", "hold_records")

# Columns naming a blob: a blob is deleted only when none of them names it.
BLOB_REFERENCES: tuple[tuple[str, str], ...] = (
    ("media", "blob_sha256"),
    ("source_files", "blob_sha256"),
    ("disposal_approvals", "attachment_sha256"),
    ("disposal_destructions", "certificate_sha256"),
    ("ipra_letters", "blob_sha256"),
    ("production_files", "blob_sha256"),
)

# Tables that hold no record content, with why. A table here must never copy record text.
CONTENT_FREE: dict[str, str] = {
    "alembic_version": "schema revision",
    "sqlite_sequence": "id counters",
    "sqlite_stat1": "row counts per index",
    "settings": "archive settings",
    "accounts": "the agency's accounts (handles, names of departments), not records",
    "import_batches": "import runs: times, counts, file-level errors",
    "audit_log": "ids and counts only (house rule)",
    "seal_log": "salted leaves; a destroyed record's salt is deleted, so its leaf reveals nothing",
    "mapping_presets": "CSV column mappings",
    "saved_searches": "queries the staff typed, not results",
    "retention_rules": "rules: queries and series codes",
    "retention_schedule_files": "retention schedules",
    "holds": "hold names, matters and queries",
    "disposal_reports": "report headers and counts",
    "disposal_report_records": "record ids, series and salted leaves",
    "disposal_report_held": "record ids, series and hold ids",
    "disposal_approvals": "approval steps: who, when, references",
    "record_tombstones": "ids, platform ids, series, dates and salted leaves without salts",
    "disposal_destructions": "who ran a destruction, when, known copies",
    "disposal_skipped": "record ids and reason codes",
    "disposal_retained_originals": "record and source file ids",
    "disposal_rewrites": "source file ids and SHA-256 of originals",
    # The request file (1.21.2.519) has its own retention and disposal path (ipra.request_file):
    # the requester's particulars, letters and logs are not record content, and a responsive
    # set names records by id and version id only.
    "ipra_requests": "request log: requesters' particulars and descriptions, not records",
    "ipra_events": "a request's timeline: dates, delivery methods, names of the responsible",
    "ipra_letters": "letters to requesters (blobs): no record text",
    "ipra_request_queries": "queries saved with a request, not results",
    "ipra_request_records": "record ids, version ids and removal reasons",
    "ipra_time_entries": "staff time on a request",
    "ipra_fees": "fee lines",
    "ipra_payments": "payments and receipt numbers",
    "ipra_calendar_days": "the agency's closures",
    "ipra_calendar_confirmations": "calendar confirmations",
    "redaction_exemptions": "exemption codes the agency added, with their citations",
    "production_records": "record ids, version ids and Bates numbers of a production",
    "production_redactions": "redaction ids and codes a production applied",
    # names the custodian typed for a request (a victim, a witness): the request file's, and
    # blanked with it (ipra.request_file.destroy_file)
    "review_persons": "persons named for a request's review: the request file, not records",
    # the agency's own staff registry (who runs and may post on its accounts): not records
    "account_people": "the agency's staff on its accounts: names, departments, bylines",
    "account_roles": "staff roles on the agency's accounts with approval dates",
}


def registered_tables() -> set[str]:
    return {t for entry in ENTRIES for t in entry.tables}


def unaccounted_tables(conn: Connection) -> list[str]:
    """Tables with a text or blob column (or untyped, as FTS shadow tables are) that are
    neither registered nor declared content-free."""
    known = registered_tables() | set(CONTENT_FREE)
    found: list[str] = []
    for (name,) in conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).all():
        if name in known:
            continue
        columns = conn.exec_driver_sql(f"PRAGMA table_xinfo('{name}')").all()
        types = [str(c[2] or "").upper() for c in columns]
        if not columns or any(
            t == "" or "CHAR" in t or "TEXT" in t or "CLOB" in t or "BLOB" in t for t in types
        ):
            found.append(str(name))
    return found


def purge_records(conn: Connection, ids: Sequence[int]) -> None:
    """Remove the content of `ids` from every registered table (inside the caller's write
    transaction). Originals and the full-text index segments are handled by their own steps."""
    if not ids:
        return
    for entry in ENTRIES:
        if entry.purge is not None:
            entry.purge(conn, ids)


def unreferenced_blobs(conn: Connection, candidates: Sequence[str]) -> list[str]:
    """Which of `candidates` no registered column names any more."""
    out: list[str] = []
    present = {
        str(r[0]) for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
    }
    for sha in sorted(set(candidates)):
        used = False
        for table, column in BLOB_REFERENCES:
            if table not in present:
                continue
            if conn.exec_driver_sql(
                f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (sha,)
            ).first():
                used = True
                break
        if not used:
            out.append(sha)
    return out


def delete_blobs(conn: Connection, shas: Sequence[str]) -> int:
    """Delete blobs (their chunks first; secure_delete zeroes the freed pages)."""
    for sha in shas:
        conn.exec_driver_sql("DELETE FROM blob_chunks WHERE sha256 = ?", (sha,))
        conn.exec_driver_sql("DELETE FROM blobs WHERE sha256 = ?", (sha,))
    return len(shas)

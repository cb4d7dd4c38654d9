"""`verify`: is the archive still what it says it is?

Verify never changes what it checks. It reads the file through a read-only connection, in one
snapshot (WAL readers never wait for a writer), and never migrates or creates anything: a
missing or foreign schema is a failure, not something to repair. Recording the result (the
`archive.verify` audit row and the summary) is a separate append afterwards, skipped with a
note when the archive is busy, the disk is full or the schema is not this app's.

Checks, in order:
1. the file is an SQLite database with our application id;
2. SQLite `integrity_check` and `foreign_key_check`;
3. the schema is the revision this app expects, with the append-only guards in place;
4. the audit chain links from the first row to the last and every row matches its hash, and it
   reaches the head anchored outside the archive (the app's kept anchor, `--anchor FILE`);
5. content seals: every sealed object's content now matches the salted leaf the chain bound,
   every bound root matches its seal rows, nothing was added or removed behind the app's back;
6. thread links agree with the sealed parent keys;
7. every stored blob (originals, media) re-hashes to its SHA-256 key and size;
8. the full-text index agrees with the record text (FTS5 integrity-check; this needs the write
   lock for a moment, so while another program writes it is reported "not run (busy)").

A check that could not run is reported as not run, never as a failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive import audit, blobs, db, migrate, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive import verify_content as content
from retention_desk.archive import verify_holds as holds_check
from retention_desk.archive import verify_ipra as ipra_check
from retention_desk.archive import verify_redactions as redactions_check
from retention_desk.archive.errors import ArchiveError, Cancelled
from retention_desk.archive.store import Archive
from retention_desk.safetext import printable

Progress = Callable[[int, int, str], None]
# The index check waits this long for a writer to finish before it reports "not run (busy)".
FTS_BUSY_TIMEOUT_S = 10.0
OK, FAIL, NOT_RUN = "ok", "fail", "not run"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    status: str = ""  # ok | fail | not run

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", OK if self.ok else FAIL)


@dataclass
class VerifyReport:
    started_at: str
    path: str = ""
    finished_at: str = ""
    checks: list[Check] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    blobs_checked: int = 0
    bytes_checked: int = 0
    objects_checked: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    audit_head: str = ""
    archive_uuid: str = ""
    anchors_checked: list[str] = field(default_factory=list)
    cancelled: bool = False
    recorded: bool = False

    @property
    def not_run(self) -> list[Check]:
        return [c for c in self.checks if c.status == NOT_RUN]

    @property
    def ok(self) -> bool:
        """Every check ran and held."""
        return (
            not self.cancelled
            and not self.failures
            and all(c.status == OK for c in self.checks)
            and bool(self.checks)
        )

    @property
    def outcome(self) -> str:
        if self.cancelled:
            return "cancelled"
        if self.failures or any(c.status == FAIL for c in self.checks):
            return "fail"
        return "incomplete" if self.not_run else "pass"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["outcome"] = self.outcome
        data["not_run"] = [c.name for c in self.not_run]
        return data


class _Stop(Exception):
    """Internal: the file cannot be checked any further (not an archive, unreadable)."""


# Checks from packages above this one, which archive cannot import: disposal registers one
# that names records the destruction ledger says were destroyed and this file still holds
# (disposal/reapply.py). Each takes the file's path, reads it read-only, and returns
# (failures, notes).
CHECK_HOOKS: list[Callable[[Path], tuple[list[str], list[str]]]] = []


class _Run:
    def __init__(
        self, path: Path, progress: Progress | None, cancel: threading.Event | None
    ) -> None:
        self.path = path
        self.report = VerifyReport(started_at=timeutil.now_db(), path=str(path))
        self.progress = progress or (lambda done, total, msg: None)
        self.cancel = cancel
        self.done = 0
        self.total = 8

    def step(self, message: str) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()
        self.progress(min(self.done, self.total), self.total, message)

    def advance(self, message: str) -> None:
        self.done += 1
        self.step(message)

    def add(self, name: str, status: str, detail: str, failures: list[str] | None = None) -> None:
        self.report.checks.append(Check(name, status == OK, detail, status))
        self.report.failures.extend(failures or [])

    def fail(self, name: str, message: str) -> None:
        self.add(name, FAIL, message, [message])


def _readonly_engine(path: Path) -> Any:
    uri = "file:" + urllib.parse.quote(str(path)) + "?mode=ro"

    def connect() -> sqlite3.Connection:
        raw = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        # A flipped byte can make stored text invalid UTF-8: it must read (and mismatch),
        # not abort the check.
        raw.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        raw.execute("PRAGMA query_only = 1")
        raw.execute(f"PRAGMA busy_timeout = {int(db.BUSY_TIMEOUT_S * 1000)}")
        return raw

    return create_engine("sqlite://", creator=connect, poolclass=StaticPool)


def _reason(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return printable(str(orig) or type(orig).__name__, limit=200)


def verify_path(
    path: Path | str,
    *,
    anchor: anchor_mod.Anchor | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> VerifyReport:
    """Check the archive file at `path` without changing it. Never raises for what it finds:
    every problem is a named failure line in the report."""
    run = _Run(Path(path).expanduser().resolve(), progress, cancel)
    try:
        _check_file(run)
        engine = _readonly_engine(run.path)
        try:
            with engine.connect() as conn:
                _check_snapshot(run, conn, anchor)
        finally:
            engine.dispose()
        _check_search_index(run)
        for hook in CHECK_HOOKS:
            failures, notes = hook(run.path)
            for failure in failures:
                run.fail("destroyed_records", failure)
            run.report.notes.extend(notes)
        run.progress(run.total, run.total, "Done")
    except Cancelled:
        run.report.cancelled = True
    except _Stop:
        pass
    except (DBAPIError, sqlite3.Error) as exc:
        # a damaged page met where no check expected one: still a named failure, not a crash
        run.fail("sqlite_integrity", f"The archive file cannot be read: {_reason(exc)}.")
    except (ValueError, TypeError) as exc:
        run.fail(
            "sqlite_integrity", f"The archive holds a value of the wrong type: {_reason(exc)}."
        )
    run.report.finished_at = timeutil.now_db()
    return run.report


def _check_file(run: _Run) -> None:
    path = run.path
    run.step("Checking the file")
    if not path.is_file():
        run.fail("file", f"{path} does not exist or is not a file.")
        raise _Stop()
    if not db.looks_like_sqlite(path):
        run.fail("file", f"{path} is not an SQLite database (its header is not SQLite's).")
        raise _Stop()
    if db.read_application_id(path) != db.APPLICATION_ID:
        run.fail("file", f"{path} is an SQLite database but not a retention_desk archive.")
        raise _Stop()
    run.add("file", OK, "SQLite database with the retention_desk application id")


def _check_snapshot(run: _Run, conn: Connection, anchor: anchor_mod.Anchor | None) -> None:
    # Anchors are read before the snapshot starts: an anchor only moves after a commit, so
    # the snapshot taken afterwards holds at least the rows it names.
    identity_before = _identity_hint(run.path)
    kept = anchor_mod.kept(identity_before, run.path) if identity_before else None
    try:
        conn.exec_driver_sql("BEGIN")
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
    except DBAPIError as exc:
        run.fail("sqlite_integrity", f"The archive file cannot be read: {_reason(exc)}.")
        raise _Stop() from None
    run.total = 9 + _count(conn, "SELECT count(*) FROM blobs") + _object_chunks(conn)
    _check_integrity(run, conn)
    schema_ok = _check_schema(run, conn)
    if not schema_ok:
        raise _Stop()
    chain = _check_chain(run, conn, kept, anchor)
    _check_content(run, conn, chain)
    _check_audit_witnessed(run, conn)
    _check_blobs(run, conn)


def _identity_hint(path: Path) -> str:
    """The archive's uuid, read once before the snapshot (to find its kept anchor)."""
    try:
        engine = _readonly_engine(path)
        try:
            with engine.connect() as conn:
                return str(settings_mod.get_value(conn, "archive.uuid", "") or "")
        finally:
            engine.dispose()
    except (DBAPIError, sqlite3.Error, ValueError, TypeError):
        return ""


def _count(conn: Connection, sql: str) -> int:
    try:
        return int(conn.exec_driver_sql(sql).scalar() or 0)
    except (DBAPIError, ValueError, TypeError):
        return 0


def _object_chunks(conn: Connection) -> int:
    rows = _count(conn, "SELECT count(*) FROM records") + _count(
        conn, "SELECT count(*) FROM source_files"
    )
    return rows // content.seal.CHUNK + 5


def _check_integrity(run: _Run, conn: Connection) -> None:
    run.step("Checking database integrity")
    try:
        rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
    except DBAPIError as exc:
        rows = [_reason(exc)]
    if rows == ["ok"]:
        run.add("sqlite_integrity", OK, "ok")
    else:
        shown = "; ".join(printable(r, limit=200) for r in rows[:5])
        run.add("sqlite_integrity", FAIL, shown, [f"SQLite integrity check failed: {shown}"])
    try:
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    except DBAPIError as exc:
        run.fail("foreign_keys", f"Foreign keys cannot be checked: {_reason(exc)}.")
    else:
        run.add(
            "foreign_keys",
            OK if not fk else FAIL,
            f"{len(fk)} dangling reference(s)",
            [f"Foreign key broken: table {r[0]} row {r[1]} -> {r[2]}" for r in fk[:20]],
        )
    run.advance("Checking the schema")


def _check_schema(run: _Run, conn: Connection) -> bool:
    try:
        tables = {
            str(r[0])
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        current = migrate.current_revision(conn) if "alembic_version" in tables else None
        missing_guards = audit.triggers_present(conn)
    except DBAPIError as exc:
        run.fail("schema", f"The schema cannot be read: {_reason(exc)}.")
        return False
    head = migrate.head_revision()
    if current is None:
        run.fail(
            "schema",
            "The archive has no schema (no archive tables): it is empty or was never"
            " created by retention_desk. Nothing it should hold can be found.",
        )
        return False
    known = {rev.revision for rev in migrate.script_directory().walk_revisions()}
    if current not in known:
        run.fail(
            "schema",
            f"Schema {printable(current, limit=40)} is not one this version knows (expects"
            f" {head}): a newer version wrote it, or it was altered.",
        )
        return False
    if current != head:
        run.fail(
            "schema",
            f"Schema {current} is older than this app's {head}: open the archive in the app"
            " (it upgrades it, keeping a backup), then verify again.",
        )
        return False
    if missing_guards:
        run.fail(
            "schema",
            "Audit trail guard triggers are missing (append-only no longer enforced): "
            + ", ".join(missing_guards)
            + ".",
        )
        return True
    run.add("schema", OK, f"schema {current}")
    return True


def _check_chain(
    run: _Run,
    conn: Connection,
    kept: anchor_mod.Anchor | None,
    given: anchor_mod.Anchor | None,
) -> audit.ChainResult:
    run.advance("Checking the audit chain")
    report = run.report
    identity = str(settings_mod.get_value(conn, "archive.uuid", "") or "")
    report.archive_uuid = identity
    anchors = [a for a in (kept, given) if a is not None]
    chain = audit.check_chain(conn, hashes_at=[a.rows for a in anchors])
    report.audit_rows = chain.rows
    report.audit_head = chain.head_hash
    failures = [f"Audit row {p.entry_id}: {p.reason}" for p in chain.problems]
    for found in anchors:
        source = "the anchor file given" if found is given else "the anchor this computer kept"
        report.anchors_checked.append(f"{source}: row {found.rows}, head {found.head[:16]}…")
        if found is given and found.archive_uuid != identity:
            failures.append(
                f"The anchor file given is for another archive ({found.archive_uuid}), not"
                f" this one ({identity or 'no identity'})."
            )
        elif chain.rows < found.rows:
            failures.append(
                f"The audit trail ends at row {chain.rows}, but {source} records row"
                f" {found.rows} (on {found.at or 'an earlier date'}): rows were cut off."
            )
        elif chain.hashes_at.get(found.rows) != found.head:
            failures.append(
                f"Audit row {found.rows} is not the one {source} records (on"
                f" {found.at or 'an earlier date'}): the trail was rewritten."
            )
    if not anchors:
        elsewhere = anchor_mod.other_paths(identity, run.path) if identity else []
        report.notes.append(
            "No anchor for this archive at this path was kept on this computer"
            + (f" (it was anchored at {len(elsewhere)} other path(s))" if elsewhere else "")
            + ": record the head below outside the archive, or give one with --anchor, to"
            " detect a cut-off or rewritten audit trail."
        )
    detail = f"{chain.rows} rows, head {chain.head_hash[:16]}"
    if anchors:
        detail += f", {len(anchors)} anchor(s) checked"
    run.add("audit_chain", FAIL if failures else OK, detail, failures)
    return chain


def _check_content(run: _Run, conn: Connection, chain: audit.ChainResult) -> None:
    run.advance("Checking content seals")
    result = content.ContentResult()
    try:
        content.check_roots(conn, chain.seals, result)
        content.check_objects(conn, result, step=run.advance, cancel=run.cancel)
        content.check_threads(conn, result)
    except (DBAPIError, sqlite3.Error) as exc:
        result.fail(f"Content cannot be read: {_reason(exc)}.")
    except (ValueError, TypeError) as exc:
        # a damaged byte can turn a stored number into text or NULL: a failure, not a crash
        result.fail(f"Content holds a value of the wrong type: {_reason(exc)}.")
    run.report.objects_checked = dict(result.checked)
    failures = list(result.failures)
    if result.hidden:
        failures.append(f"… and {result.hidden} more content failure(s) not listed.")
    counts = ", ".join(f"{n:,} {kind}" for kind, n in result.checked.items() if n)
    run.add(
        "content_seals",
        FAIL if failures else OK,
        f"{counts or 'nothing'} checked" + (f"; {result.total_failures} bad" if failures else ""),
        failures,
    )


# Tables that are not content seals but whose changes the chained audit rows witness:
# (check name, progress step, what cannot be read, what was checked, the check).
_AUDIT_WITNESSED: tuple[tuple[str, str, str, str, Callable[[Connection], Any]], ...] = (
    ("holds", "Checking legal holds", "Holds", "holds", holds_check.check_holds),
    (
        "ipra_requests",
        "Checking the IPRA request log",
        "The request log",
        "requests, their steps and letters",
        ipra_check.check_ipra,
    ),
    (
        "redactions",
        "Checking redactions",
        "Redactions",
        "redactions",
        redactions_check.check_redactions,
    ),
)


def _check_audit_witnessed(run: _Run, conn: Connection) -> None:
    for name, step, subject, checked, check in _AUDIT_WITNESSED:
        run.advance(step)
        try:
            result = check(conn)
        except (DBAPIError, sqlite3.Error) as exc:
            run.fail(name, f"{subject} cannot be read: {_reason(exc)}.")
            continue
        except (ValueError, TypeError) as exc:
            run.fail(name, f"{subject}: a value of the wrong type ({_reason(exc)}).")
            continue
        run.add(
            name,
            FAIL if result.failures else OK,
            f"{result.checked:,} {checked} checked against the audit trail",
            result.failures,
        )


def _names_for_blob(conn: Connection, sha: str) -> str:
    names = [
        f"source file '{printable(r[0], limit=120)}'"
        for r in conn.execute(
            text("SELECT name FROM source_files WHERE blob_sha256 = :s LIMIT 3"), {"s": sha}
        )
    ]
    names += [
        f"media '{printable(r[0], limit=120)}' of record {r[1]}"
        for r in conn.execute(
            text(
                "SELECT coalesce(filename, original_uri), record_id FROM media"
                " WHERE blob_sha256 = :s LIMIT 3"
            ),
            {"s": sha},
        )
    ]
    return ", ".join(names) or "unreferenced blob"


def _check_blobs(run: _Run, conn: Connection) -> None:
    report = run.report
    bad: list[str] = []
    try:
        rows = conn.execute(text("SELECT sha256, size FROM blobs ORDER BY sha256")).all()
        for sha, stored_size in rows:
            run.advance(f"Re-hashing stored files ({report.blobs_checked}/{len(rows)})")
            digest = hashlib.sha256()
            size = 0
            expected_seq = 0
            gap = False
            for seq, data in blobs.iter_chunks(conn, sha):
                gap = gap or seq != expected_seq
                expected_seq = seq + 1
                digest.update(data)
                size += len(data)
            report.blobs_checked += 1
            report.bytes_checked += size
            if gap or digest.hexdigest() != sha or size != stored_size:
                why = (
                    "chunks missing"
                    if gap
                    else ("SHA-256 mismatch" if digest.hexdigest() != sha else "size mismatch")
                )
                bad.append(
                    f"Stored file {printable(str(sha)[:16])}… ({_names_for_blob(conn, sha)}):"
                    f" {why}; its content is no longer the original."
                )
    except (DBAPIError, sqlite3.Error) as exc:
        bad.append(f"Stored files cannot be read: {_reason(exc)}.")
    run.add(
        "blob_fixity",
        FAIL if bad else OK,
        f"{report.blobs_checked} stored files, {report.bytes_checked} bytes, {len(bad)} bad",
        bad,
    )


def _check_search_index(run: _Run) -> None:
    """FTS5's integrity-check compares the index with the text; it is an INSERT command, so
    it needs the write lock for a moment (nothing is written: the transaction is rolled back).
    """
    run.advance("Checking the search index")
    try:
        raw = sqlite3.connect(str(run.path), timeout=FTS_BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        run.add("search_index", NOT_RUN, f"not run (cannot open for the check: {exc})")
        return
    try:
        raw.execute("BEGIN IMMEDIATE")
        # every full-text index over record text: words, and substrings (trigram, 0005)
        indexes = [
            str(r[0])
            for r in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN"
                " ('record_fts', 'record_fts_trigram') ORDER BY name"
            )
        ]
        for index in indexes:
            raw.execute(f"INSERT INTO {index}({index}, rank) VALUES ('integrity-check', 1)")
        run.add("search_index", OK, f"ok ({', '.join(indexes)})")
    except sqlite3.OperationalError as exc:
        if db.is_busy_error(exc):
            run.add("search_index", NOT_RUN, "not run (busy: another program is writing)")
        elif "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
            run.add("search_index", NOT_RUN, "not run (the file is read-only)")
        elif db.is_full_error(exc):
            run.add("search_index", NOT_RUN, "not run (the disk is full)")
        else:
            run.fail("search_index", f"Search index does not match record text: {_reason(exc)}")
    except sqlite3.DatabaseError as exc:
        run.fail("search_index", f"Search index does not match record text: {_reason(exc)}")
    finally:
        with contextlib.suppress(sqlite3.Error):
            raw.execute("ROLLBACK")
        with contextlib.suppress(sqlite3.Error):
            raw.close()


# ------------------------------------------------------------------------ recording
def record_result(archive: Archive, report: VerifyReport) -> None:
    """Store the summary and append the `archive.verify` audit row, separately from the
    checks. A busy or full archive, or one whose schema is not this app's, is not written to:
    the report says why in its notes."""
    if report.cancelled:
        return
    if any(c.name in ("file", "schema") and c.status == FAIL for c in report.checks):
        report.notes.append(
            "The result was not recorded: the file is not an archive of this app's schema."
        )
        return
    summary = {
        "ok": report.ok,
        "outcome": report.outcome,
        "finished_at": report.finished_at,
        "failures": report.failures[:50],
        "not_run": [c.name for c in report.not_run],
        "blobs_checked": report.blobs_checked,
        "bytes_checked": report.bytes_checked,
        "audit_rows": report.audit_rows,
        "audit_head": report.audit_head,
    }
    try:
        with archive.write() as conn:
            settings_mod.set_value(conn, "archive.last_verify", summary)
            archive.audit(
                conn,
                action="archive.verify",
                object_type="archive",
                details={
                    "outcome": report.outcome,
                    "failures": len(report.failures),
                    "not_run": [c.name for c in report.not_run],
                    "blobs_checked": report.blobs_checked,
                    "audit_rows": report.audit_rows,
                    "audit_head": report.audit_head,
                },
            )
        report.recorded = True
    except ArchiveError as exc:
        report.notes.append(f"The result was not recorded in the audit trail: {exc}")


def verify_and_record(
    path: Path | str,
    *,
    anchor: anchor_mod.Anchor | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    operator: str | None = None,
) -> VerifyReport:
    """Verify the file, then record the result through a normal (non-migrating) open."""
    report = verify_path(path, anchor=anchor, progress=progress, cancel=cancel)
    if report.cancelled:
        return report
    if any(c.name in ("file", "schema") and c.status == FAIL for c in report.checks):
        report.notes.append(
            "The result was not recorded: the file is not an archive of this app's schema."
        )
        return report
    try:
        archive = Archive.open(path, operator=operator, migrate_schema=False)
    except ArchiveError as exc:
        report.notes.append(f"The result was not recorded: {exc}")
        return report
    try:
        record_result(archive, report)
    finally:
        archive.close()
    return report


def verify_archive(
    archive: Archive,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    record: bool = True,
    anchor: anchor_mod.Anchor | None = None,
) -> VerifyReport:
    """Verify an open archive's file (read-only), then, with `record`, record the result."""
    report = verify_path(archive.path, anchor=anchor, progress=progress, cancel=cancel)
    if record:
        record_result(archive, report)
    return report

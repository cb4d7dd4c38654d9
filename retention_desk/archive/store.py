"""The Archive: one SQLite file holding records, originals, media and the audit trail.

All other packages reach the database through an Archive: `read()` for a connection in a
read transaction, `write()` for one in a BEGIN IMMEDIATE transaction. Audit rows are appended
with `audit(conn, ...)` inside the same write transaction as the change they describe.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from retention_desk import __version__
from retention_desk.archive import anchor as anchor_mod
from retention_desk.archive import audit as audit_mod
from retention_desk.archive import batches, db, migrate, seal, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.errors import (
    ArchiveBusy,
    ArchiveError,
    ArchiveExists,
    ArchiveFull,
    NotAnArchive,
)

ARCHIVE_SUFFIX = ".rdesk"

# Run by `open` (after any upgrade, before the archive is returned): packages above this one
# register here, since archive cannot import them; disposal re-applies recorded destructions
# to an older copy (disposal/reapply.py). Each returns sentences for the user (`open_notes`).
OPEN_HOOKS: list[Callable[[Archive], list[str]]] = []


class Archive:
    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine
        self._writer = db.writer(engine)
        self._operator_override: str | None = None
        self._uuid: str | None = None
        self._checked_interrupted = False
        self._wrote = False
        self.open_notes: list[str] = []

    # ----------------------------------------------------------------- lifecycle
    @classmethod
    def create(
        cls,
        path: Path | str,
        *,
        operator: str | None = None,
        busy_timeout_s: float = db.BUSY_TIMEOUT_S,
    ) -> Archive:
        """Create a new, empty archive at `path` (which must not exist)."""
        path = Path(path).expanduser().resolve()
        if path.exists():
            raise ArchiveExists(f"{path} already exists; choose another file name.")
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = db.make_engine(path, busy_timeout_s=busy_timeout_s)
        try:
            migrate.upgrade(engine)
        except Exception:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        archive = cls(path, engine)
        if operator:
            archive.set_operator(operator)
        with archive.write() as conn:
            settings_mod.set_value(conn, "archive.uuid", str(uuid.uuid4()))
            settings_mod.set_value(conn, "archive.created_at", timeutil.now_db())
            settings_mod.set_value(conn, "archive.created_by_version", __version__)
            archive.audit(
                conn,
                action="archive.create",
                object_type="archive",
                details={
                    "path": str(path),
                    "app_version": __version__,
                    "schema": migrate.head_revision(),
                },
            )
        # Put the application id into the main file header now (it sits in the WAL until a
        # checkpoint), so the next open can recognise the file before connecting.
        archive.checkpoint()
        return archive

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        operator: str | None = None,
        migrate_schema: bool = True,
        busy_timeout_s: float = db.BUSY_TIMEOUT_S,
    ) -> Archive:
        """Open an existing archive, refusing files that are not archives or are too new.

        An archive at an older schema is backed up beside itself, then upgraded.
        """
        path = Path(path).expanduser().resolve()
        if not path.exists():
            raise NotAnArchive(f"{path} does not exist. Create it with 'retention-desk init'.")
        if not path.is_file():
            raise NotAnArchive(f"{path} is not a file.")
        if not db.looks_like_sqlite(path):
            raise NotAnArchive(f"{path} is not a retention_desk archive (not an SQLite database).")
        if db.read_application_id(path) != db.APPLICATION_ID:
            raise NotAnArchive(f"{path} is an SQLite database but not a retention_desk archive.")
        engine = db.make_engine(path, busy_timeout_s=busy_timeout_s)
        try:
            plan = migrate.plan(engine, path)
            archive = cls(path, engine)
            if operator:
                archive.set_operator(operator)
            if plan.needed:
                if not migrate_schema:
                    raise ArchiveError(
                        f"{path} needs a schema upgrade ({plan.current} -> {plan.head})."
                    )
                archive._upgrade(plan)
            if migrate_schema:  # an open that must not change the schema changes nothing
                for hook in OPEN_HOOKS:
                    archive.open_notes += hook(archive)
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            engine.dispose()
            raise NotAnArchive(f"{path} cannot be read as an archive: {_orig(exc)}.") from exc
        except Exception:
            engine.dispose()
            raise
        return archive

    def _upgrade(self, plan: migrate.MigrationPlan) -> None:
        from retention_desk.archive.backup_copy import backup_file

        stamp = timeutil.utcnow().strftime("%Y%m%dT%H%M%SZ")
        dest = self.path.with_name(f"{self.path.name}.pre-{plan.current}-{stamp}.bak")
        backup_file(self, dest)
        migrate.upgrade(self._engine)
        with self.write() as conn:
            self.audit(
                conn,
                action="archive.migrate",
                object_type="archive",
                details={
                    "from": plan.current,
                    "to": plan.head,
                    "backup": str(dest),
                    "app_version": __version__,
                },
            )
        self.seal_baseline()

    def seal_baseline(self) -> int:
        """Seal what an archive from before content seals holds, under one audit row.

        Returns how many objects were sealed. What was changed before this moment cannot be
        told apart from what was imported; the audit row says so, so a reader of the trail
        knows which content the seals vouch for from its import on and which from this row on.
        """
        with self.write() as conn:
            missing = seal.unsealed(conn)
            if not missing:
                return 0
            for kind, ids in missing.items():
                seal.touch(conn, kind, ids)
            self.audit(
                conn,
                action="archive.seal_baseline",
                object_type="archive",
                details={
                    "objects": {seal.KIND_NAMES[k]: len(v) for k, v in missing.items()},
                    "note": "content stored before seals existed, sealed as found",
                },
            )
            return sum(len(v) for v in missing.values())

    def close(self) -> None:
        # Only a session that wrote folds its WAL in, and never waits for it: a blocking
        # (TRUNCATE) checkpoint waited the whole busy timeout whenever another process was
        # importing, which made every read-only command stall for 10 s. SQLite folds the WAL
        # in anyway when the last connection closes. A full disk leaves the WAL for next time.
        if self._wrote:
            with contextlib.suppress(ArchiveError, DBAPIError, sqlite3.Error):
                self.checkpoint(mode="PASSIVE")
        with contextlib.suppress(DBAPIError, sqlite3.Error):
            self._engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions
    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection in a read transaction: one consistent snapshot for its duration."""
        with self._translate(), self._engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A connection in a BEGIN IMMEDIATE transaction; commits on success, else rolls back.

        Everything the transaction stored is sealed into the audit chain before it commits
        (see seal.py), and the chain's new head is anchored outside the archive afterwards.
        Raises ArchiveBusy when another process holds the write lock past the busy timeout,
        ArchiveFull when the disk is full (nothing of the transaction is kept).
        """
        if not self._checked_interrupted:
            self._checked_interrupted = True
            self._mark_interrupted()
        head: tuple[int, str] | None = None
        with self._translate():
            with self._writer.begin() as conn:
                seal.start(conn)
                conn.info.pop(audit_mod.HEAD_KEY, None)
                try:
                    yield conn
                    if seal.pending(conn):
                        # a writer that stored content without an audit row of its own
                        self.audit(conn, action="archive.seal", object_type="archive")
                    head = conn.info.pop(audit_mod.HEAD_KEY, None)
                    identity = self._identity(conn) if head else None
                    self._wrote = True
                finally:
                    seal.stop(conn)
            if head is not None and identity:
                anchor_mod.advance(
                    anchor_mod.Anchor(
                        archive_uuid=identity,
                        rows=head[0],
                        head=head[1],
                        at=timeutil.now_db(),
                        path=str(self.path),
                    )
                )

    def _identity(self, conn: Connection) -> str | None:
        if self._uuid is None:
            value = settings_mod.get_value(conn, "archive.uuid")
            self._uuid = str(value) if value else None
        return self._uuid

    def _mark_interrupted(self) -> None:
        """Batches left `running` by a process that died are marked `interrupted`, audited.

        Done before this archive object's first write, never by read-only use, and never
        allowed to fail that write: a busy or full archive is tried again next time.
        """
        with contextlib.suppress(ArchiveError), self.write() as conn:
            dead = batches.dead_batches(conn)
            if dead:
                batches.mark_interrupted(conn, dead)
                self.audit(
                    conn,
                    action="import.interrupted",
                    object_type="import_batch",
                    object_ids=dead,
                    details={"batches": len(dead)},
                )

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, sqlite3.OperationalError) as exc:
            if db.is_busy_error(exc):
                raise ArchiveBusy(
                    f"The archive {self.path.name} is busy: another program or window is"
                    " writing to it. Try again when it has finished."
                ) from exc
            if db.is_full_error(exc):
                raise ArchiveFull(
                    f"The disk holding {self.path} is full: this step was not saved (what"
                    " was saved before it is intact). Free some space and try again."
                ) from exc
            raise

    def checkpoint(self, mode: str = "TRUNCATE") -> None:
        """Fold the WAL into the file. TRUNCATE waits for readers and writers (busy timeout);
        PASSIVE does what it can without waiting."""
        if mode not in ("PASSIVE", "FULL", "RESTART", "TRUNCATE"):
            raise ValueError(mode)
        with self._translate(), self._engine.connect() as conn:
            conn.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")

    @property
    def engine(self) -> Engine:
        return self._engine

    # -------------------------------------------------------------------- audit
    def set_operator(self, name: str) -> None:
        self._operator_override = name.strip() or None

    def operator(self, conn: Connection | None = None) -> str:
        """Who the audit trail names: explicit override, then the archive setting, else OS user."""
        if self._operator_override:
            return self._operator_override
        if conn is not None:
            name = settings_mod.get_value(conn, "setting.operator_name", "")
        else:
            with self.read() as rconn:
                name = settings_mod.get_value(rconn, "setting.operator_name", "")
        return str(name).strip() or audit_mod.os_user()

    def audit(
        self,
        conn: Connection,
        *,
        action: str,
        object_type: str | None = None,
        object_ids: Iterable[Any] = (),
        details: dict[str, Any] | None = None,
    ) -> int:
        """Append an audit row binding the seals of everything written so far in `conn`."""
        entry_id = audit_mod.next_id(conn)
        sealed = seal.bind(conn, entry_id)
        if sealed is not None:
            details = {**(details or {}), "seal": sealed}
        return audit_mod.append(
            conn,
            operator=self.operator(conn),
            action=action,
            object_type=object_type,
            object_ids=object_ids,
            details=details,
            expected_id=entry_id,
        )

    # ----------------------------------------------------------------- settings
    def settings(self) -> settings_mod.ArchiveSettings:
        with self.read() as conn:
            return settings_mod.load(conn)

    def update_settings(self, new: settings_mod.ArchiveSettings) -> settings_mod.ArchiveSettings:
        problems = new.validate()
        if problems:
            raise ArchiveError(" ".join(problems))
        with self.write() as conn:
            old = settings_mod.load(conn)
            changes = settings_mod.changed_fields(old, new)
            if changes:
                settings_mod.store(conn, new)
                self.audit(
                    conn,
                    action="settings.update",
                    object_type="settings",
                    object_ids=sorted(changes),
                    details={"changes": changes},
                )
        return new

    def schema_version(self) -> str | None:
        with self.read() as conn:
            return migrate.current_revision(conn)

    def count(self, sql: str, **params: Any) -> int:
        with self.read() as conn:
            return int(conn.execute(text(sql), params).scalar_one())


def _orig(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc)

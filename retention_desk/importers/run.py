"""Running an import: detection, one transaction per source file, originals kept, summary.

Guarantees (each tested):
- Each data file imports atomically: its original, its records, their media and its audit row
  land in one transaction, or none of it does.
- A file already imported (same SHA-256 in the same place: parent folder and name, for the
  same account) adds nothing and is reported `duplicate` with the source file and batch that
  hold it; the same bytes in another account's export are imported for that account (one blob,
  a source row of its own). A failing file is reported with the reason and the rest goes on;
  the failed original is still kept, marked failed.
- A claimed file without records (ctx.keep_only) is reported `kept`, not `imported`.
- Every other file of a recognised export (media, files we do not parse) is kept byte-exact.
- Killing the process at any moment leaves a consistent archive (SQLite WAL) and the next
  import picks up where this one stopped, because finished files are recognised by hash.
"""

from __future__ import annotations

import contextlib
import errno
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from retention_desk.archive import Archive, blobs
from retention_desk.archive.batches import (
    add_source_file,
    find_stored,
    finish_batch,
    place,
    start_batch,
    update_source_file,
)
from retention_desk.archive.errors import ArchiveBusy, ArchiveFull, Cancelled
from retention_desk.archive.fts import tidy_search_index
from retention_desk.archive.ingest import AccountIn, RecordWriter, WriteCounts, upsert_account
from retention_desk.importers.base import Claim, FileContext, Importer, ImportOptions
from retention_desk.importers.detection import Detection, describe_error, detect, preview
from retention_desk.importers.progress import FileProgress, counting_reads
from retention_desk.importers.summary import FileResult, ImportSummary
from retention_desk.retention.hook import after_import

# The runner's public face: callers import detection and summaries from here too.
__all__ = ["Detection", "FileResult", "ImportSummary", "detect", "preview", "run_import"]
from retention_desk.importers.tree import SourceTree, TreeError

# (done, total, message); done and total count bytes of the inputs, so the bar moves within
# a large file (importers/progress.py)
Progress = Callable[[int, int, str], None]
# Files we keep but do not parse are stored in transactions of about this many bytes.
PRESERVE_TX_BYTES = 64 * 1024 * 1024
# claim.state key: older key forms of the claim's account (base.py)
ACCOUNT_ALIASES = "account_aliases"
# source file detail: [platform, account key] the file was imported for, or null
ACCOUNT_DETAIL = "account"


# ------------------------------------------------------------------------------ import
def run_import(
    archive: Archive,
    paths: Sequence[Path | str],
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    detection: Detection | None = None,
) -> ImportSummary:
    options = options or ImportOptions()
    # A mistyped path is the caller's error, reported before anything (a batch, an audit row)
    # is written for an import that cannot happen as asked. (Detection, which writes nothing,
    # lists it among the inputs that cannot be imported, for the preview.)
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            raise FileNotFoundError(errno.ENOENT, "does not exist; nothing was imported", str(path))
    own_detection = detection is None
    if detection is None:
        detection = detect(paths, options)
    try:
        return _Run(archive, detection, options, progress, cancel).run()
    finally:
        if own_detection:
            detection.close()


class _Run:
    def __init__(
        self,
        archive: Archive,
        detection: Detection,
        options: ImportOptions,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> None:
        self.archive = archive
        self.detection = detection
        self.options = options
        self.progress = progress or (lambda done, total, message: None)
        self.cancel = cancel
        self.summary = ImportSummary(
            batch_id=None,
            status="running",
            errors=list(detection.errors),
            notes=list(detection.notes),
        )
        self.total = sum(f.size for t in detection.trees for f in t.files)
        self.done = 0
        self._message = ""
        self._file: FileProgress | None = None  # the data file being imported
        self.stored_paths: dict[int, set[str]] = {}

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()

    def run(self) -> ImportSummary:
        inputs = [t.label for t in self.detection.trees]
        with self.archive.write() as conn:
            batch_id = start_batch(
                conn,
                operator=self.archive.operator(conn),
                options={**asdict(self.options), "inputs": inputs},
            )
            # Input names stay in the batch row (an ordinary table): a name can be a person's
            # (a Messenger folder), and the append-only audit keeps only ids, counts, digests.
            self.archive.audit(
                conn,
                action="import.start",
                object_type="import_batch",
                object_ids=[batch_id],
                details={"inputs": len(inputs), "format": self.options.format},
            )
        self.summary.batch_id = batch_id
        for label, problem in self.detection.refused:
            self.summary.files.append(
                FileResult(
                    source=label,
                    path=problem.split(":")[0],
                    format=None,
                    status="refused",
                    error=problem,
                )
            )
        status = "completed"
        try:
            for tree in self.detection.trees:
                claims = [(imp, c) for t, imp, c in self.detection.claims if t is tree]
                if claims:
                    self._import_tree(tree, claims)
            # after the exports, whose media may live in these
            for tree in self.detection.companions:
                self._preserve_rest(
                    tree, self._container(tree), self.stored_paths.setdefault(id(tree), set())
                )
            self.done = self.total
        except Cancelled:
            status = "cancelled"
        except (ArchiveBusy, ArchiveFull) as exc:
            status = "failed"
            self.summary.errors.append(str(exc))
        if status == "completed" and (
            self.summary.errors
            or any(f.status in ("failed", "refused") for f in self.summary.files)
        ):
            status = "completed_with_errors"
        self.summary.status = status
        errors = self.summary.errors + [
            f"{f.source}: {f.path}: {f.error}" for f in self.summary.files if f.error
        ]
        totals = self.summary.totals()
        try:
            self._finish(batch_id, status, errors, totals)
        except (ArchiveBusy, ArchiveFull) as exc:
            # What was imported is committed; the batch row stays `running` and is marked
            # interrupted by the next write, once there is room (or the other writer is done).
            self.summary.status = "failed"
            self.summary.errors.append(f"the batch could not be closed: {exc}")
        if any(totals[k] for k in ("added", "new_versions", "flagged_deleted", "flagged_hidden")):
            # after the batch is closed: what was committed is classified (a cancelled import's
            # files too), and a retention problem is a note, never a lost import
            self.progress(self.done, self.total, "Classifying for retention")
            self.summary.notes.extend(after_import(self.archive, batch_id))
        # a cancelled import says how far it got, not 100%
        done = self.total if status != "cancelled" else min(self.done, self.total)
        self.progress(done, self.total, f"Import {status.replace('_', ' ')}")
        return self.summary

    def _finish(
        self, batch_id: int, status: str, errors: list[str], totals: dict[str, int]
    ) -> None:
        with self.archive.write() as conn:
            # the index tidy is an optimisation: a full disk must not cost the batch its close
            with contextlib.suppress(OperationalError), conn.begin_nested():
                tidy_search_index(conn, totals["added"] + totals["new_versions"])
            finish_batch(conn, batch_id, status=status, counts=totals, errors=errors[:500])
            self.archive.audit(
                conn,
                action="import.finish",
                object_type="import_batch",
                object_ids=[batch_id],
                details={"status": status, "totals": totals},
            )

    # ------------------------------------------------------------------------- trees
    def _import_tree(self, tree: SourceTree, claims: list[tuple[Importer, Claim]]) -> None:
        container_id = self._container(tree)
        other_trees = [t for t in self.detection.trees if t is not tree]
        stored = self.stored_paths.setdefault(id(tree), set())
        for importer, claim in claims:
            for path in claim.files:
                self._check_cancel()
                self._message = f"{Path(path).name}: reading"
                self.progress(self.done, self.total, self._message)
                size = tree.size(path) if tree.exists(path) else 0
                self._file = FileProgress(self.done, size, self._bytes_read)
                with counting_reads(tree, self._file):
                    result = self._import_file(
                        tree, other_trees, importer, claim, path, container_id
                    )
                self.summary.files.append(result)
                stored.add(path)
                if result.status == "cancelled":
                    raise Cancelled()
                self.done += size
        if tree.kind != "file":
            self._preserve_rest(tree, container_id, stored)

    def _container(self, tree: SourceTree) -> int | None:
        if tree.kind != "zip" or tree.container_sha256 is None:
            return None
        with self.archive.write() as conn:
            row = conn.execute(
                text(
                    "SELECT id FROM source_files WHERE sha256 = :s AND"
                    " status = 'container' ORDER BY id LIMIT 1"
                ),
                {"s": tree.container_sha256},
            ).first()
            if row is not None:
                return int(row[0])
            container_id = add_source_file(
                conn,
                batch_id=self.summary.batch_id or 0,
                name=Path(tree.label).name,
                size=tree.container_size or 0,
                sha256=tree.container_sha256,
                blob_sha256=None,
                status="container",
                detected_format="zip",
                original_path=tree.label,
                details={"members": len(tree.files), "refused": tree.problems[:100]},
            )
            self.archive.audit(
                conn,
                action="import.container",
                object_type="source_file",
                object_ids=[container_id],
                details={"batch": self.summary.batch_id, "members": len(tree.files)},
            )
            return container_id

    def _import_file(
        self,
        tree: SourceTree,
        other_trees: list[SourceTree],
        importer: Importer,
        claim: Claim,
        path: str,
        container_id: int | None,
    ) -> FileResult:
        result = FileResult(source=tree.label, path=path, format=importer.name, status="failed")
        try:
            sha = tree.sha256(path)
        except (TreeError, OSError) as exc:
            result.error = f"cannot be read: {exc}"
            result.warnings.append("its bytes could not be read, so no original of it was kept")
            return result
        result.sha256 = sha
        with self.archive.read() as conn:
            account = self._resolve_account(conn, importer, claim)
            earlier = earlier_import(conn, sha, path, _identity(account))
        if earlier is not None:
            result.status = "duplicate"
            result.source_file_id = earlier.id
            what = "stored as an original" if earlier.kept else "imported"
            result.note = f"already {what} (source file {earlier.id}, batch {earlier.batch_id})" + (
                f" for account {earlier.account[1]}" if earlier.account else ""
            )
            result.warnings.append(f"{result.note}; nothing added")
            return result
        batch_id = self.summary.batch_id or 0
        ctx: FileContext | None = None
        try:
            with self.archive.write() as conn:
                source_id = self._store_original(
                    conn, tree, path, sha, importer.name, "imported", container_id
                )
                account = self._resolve_account(conn, importer, claim)
                account_id, account_is_new = self._account(conn, account)
                writer = RecordWriter(
                    conn,
                    batch_id=batch_id,
                    source_file_id=source_id,
                    account_id=account_id,
                    on_flush=lambda n: self._on_records(path, n),
                )
                ctx = FileContext(
                    conn=conn,
                    tree=tree,
                    other_trees=other_trees,
                    writer=writer,
                    batch_id=batch_id,
                    source_file_id=source_id,
                    container_id=container_id,
                    options=self.options,
                    cancel=self.cancel,
                    stored_paths=self.stored_paths,
                )
                importer.import_file(ctx, tree, claim, path)
                counts = writer.finish()
                if account_id is not None and account_is_new:
                    # e.g. --account on a CSV whose rows name their own platform accounts
                    conn.execute(
                        text(
                            "DELETE FROM accounts WHERE id = :id AND NOT EXISTS"
                            " (SELECT 1 FROM records WHERE account_id = :id)"
                        ),
                        {"id": account_id},
                    )
                self._fill(result, counts, ctx.warnings)
                # which account the file was imported for: the same bytes in another
                # account's export are that account's import, not a duplicate
                ctx.details[ACCOUNT_DETAIL] = list(_identity(account) or ()) or None
                update_source_file(
                    conn,
                    source_id,
                    counts=_counts_dict(counts, ctx.warnings),
                    details=ctx.details,
                )
                self.archive.audit(
                    conn,
                    action="import.source_file",
                    object_type="source_file",
                    object_ids=[source_id],
                    details={
                        "format": importer.name,
                        "batch": batch_id,
                        **_counts_dict(counts, []),
                    },
                )
            result.status = "imported"
            if ctx.kept_reason is not None and not _wrote_anything(result):
                result.status = "kept"
                result.note = f"stored as an original, no records ({ctx.kept_reason})"
            result.source_file_id = source_id
        except Cancelled:
            result.status = "cancelled"
            result.error = "cancelled; this file was not imported"
        except (ArchiveBusy, ArchiveFull):
            raise
        except Exception as exc:
            result.error = describe_error(exc)
            # what the importer learnt before failing (e.g. WACZ fixity results) is kept with
            # the failed original
            details = ctx.details if ctx is not None else None
            self._record_failure(tree, path, sha, importer.name, container_id, result, details)
        return result

    def _record_failure(
        self,
        tree: SourceTree,
        path: str,
        sha: str,
        fmt: str,
        container_id: int | None,
        result: FileResult,
        details: dict[str, Any] | None = None,
    ) -> None:
        """Keep the original of a file that failed, marked failed with the reason."""
        try:
            with self.archive.write() as conn:
                earlier = conn.execute(
                    text(
                        "SELECT id FROM source_files WHERE sha256 = :s AND status = 'failed'"
                        " ORDER BY id LIMIT 1"
                    ),
                    {"s": sha},
                ).scalar()
                source_id = (
                    int(earlier)
                    if earlier is not None
                    else self._store_original(
                        conn,
                        tree,
                        path,
                        sha,
                        fmt,
                        "failed",
                        container_id,
                        error=result.error,
                        details=details,
                    )
                )
                self.archive.audit(
                    conn,
                    action="import.source_file_failed",
                    object_type="source_file",
                    object_ids=[source_id],
                    details={"format": fmt, "batch": self.summary.batch_id},
                )
            result.source_file_id = source_id
        except (TreeError, OSError) as exc:
            result.warnings.append(f"the original could not be kept either: {exc}")

    def _store_original(
        self,
        conn: Connection,
        tree: SourceTree,
        path: str,
        sha: str,
        fmt: str | None,
        status: str,
        container_id: int | None,
        error: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        blob_sha, size = blobs.put_stream(conn, lambda: tree.open(path), expected_sha256=sha)
        return add_source_file(
            conn,
            batch_id=self.summary.batch_id or 0,
            name=path,
            size=size,
            sha256=sha,
            blob_sha256=blob_sha,
            status=status,
            detected_format=fmt,
            container_id=container_id,
            original_path=tree.label if tree.kind != "zip" else None,
            error=error,
            details=details,
        )

    @staticmethod
    def _account(conn: Connection, account: AccountIn | None) -> tuple[int | None, bool]:
        """The id of the account the file's records belong to, and whether this call
        created it."""
        if account is None:
            return None, False
        before = conn.execute(text("SELECT max(id) FROM accounts")).scalar() or 0
        account_id = upsert_account(conn, account)
        return account_id, account_id > before

    def _resolve_account(
        self, conn: Connection, importer: Importer, claim: Claim
    ) -> AccountIn | None:
        """The account as the claim (or --account) names it, keyed as the archive already
        holds it: an account stored under an older key form of the importer is reused."""
        if self.options.account:
            handle = self.options.account.lstrip("@")
            platform = self.options.platform or importer.platform
            return AccountIn(platform=platform, account_key=handle, handle=handle)
        account = claim.account
        aliases = [str(k) for k in claim.state.get(ACCOUNT_ALIASES, ()) if k]
        if account is None or not aliases:
            return account
        key = existing_account_key(conn, account.platform, [account.account_key, *aliases])
        return replace(account, account_key=key) if key else account

    def _on_records(self, path: str, written: int) -> None:
        self._message = f"{Path(path).name}: {written} records"
        done = self._file.done if self._file is not None else self.done
        self.progress(min(done, self.total), self.total, self._message)
        self._check_cancel()

    def _bytes_read(self, done: int) -> None:
        self.progress(min(done, self.total), self.total, self._message)

    @staticmethod
    def _fill(result: FileResult, counts: WriteCounts, warnings: list[str]) -> None:
        result.added = counts.added
        result.new_versions = counts.new_versions
        result.unchanged = counts.unchanged
        result.flagged_deleted = counts.flagged_deleted
        result.flagged_hidden = counts.flagged_hidden
        result.media_stored = counts.media_stored
        result.media_missing = counts.media_missing
        result.warnings = warnings

    def _preserve_rest(self, tree: SourceTree, container_id: int | None, stored: set[str]) -> None:
        """Keep every other file of the export byte-exact (media, viewer files, data we do not
        parse yet such as follower lists), a few per transaction."""
        pending = [f for f in tree.files if f.path not in stored]
        while pending:
            self._check_cancel()
            group, size = [], 0
            while pending and (not group or size < PRESERVE_TX_BYTES):
                item = pending.pop(0)
                group.append(item)
                size += item.size
            self.progress(self.done, self.total, f"Keeping {len(pending)} more original files")
            with self.archive.write() as conn:
                kept_ids: list[int] = []
                for item in group:
                    try:
                        # a member that breaks half-way must not leave half a blob behind
                        with conn.begin_nested():
                            sha, real_size = blobs.put_stream(
                                conn, lambda p=item.path: tree.open(p)
                            )
                    except (TreeError, OSError) as exc:
                        self.summary.files.append(
                            FileResult(
                                source=tree.label,
                                path=item.path,
                                format=None,
                                status="failed",
                                error=f"cannot be read: {exc}",
                            )
                        )
                        continue
                    if find_stored(conn, sha) is None:
                        kept_ids.append(
                            add_source_file(
                                conn,
                                batch_id=self.summary.batch_id or 0,
                                name=item.path,
                                size=real_size,
                                sha256=sha,
                                blob_sha256=sha,
                                status="stored",
                                container_id=container_id,
                                original_path=tree.label if tree.kind != "zip" else None,
                            )
                        )
                    self.summary.kept_files += 1
                    stored.add(item.path)
                if kept_ids:
                    self.archive.audit(
                        conn,
                        action="import.files_kept",
                        object_type="source_file",
                        object_ids=kept_ids,
                        details={"batch": self.summary.batch_id, "files": len(kept_ids)},
                    )
            self.done += size


def _wrote_anything(result: FileResult) -> bool:
    return bool(result.added or result.new_versions or result.unchanged or result.media_stored)


def _identity(account: AccountIn | None) -> tuple[str, str] | None:
    return (account.platform, account.account_key) if account is not None else None


def existing_account_key(conn: Connection, platform: str, keys: list[str]) -> str | None:
    """The first of `keys` (newest form first) the archive holds an account under."""
    for key in keys:
        found = conn.execute(
            text("SELECT 1 FROM accounts WHERE platform = :p AND account_key = :k"),
            {"p": platform, "k": key},
        ).first()
        if found is not None:
            return key
    return None


@dataclass(frozen=True)
class EarlierImport:
    id: int
    batch_id: int
    kept: bool  # stored as an original only (no records in it)
    account: tuple[str, str] | None


_UNKNOWN = ("", "")  # an older import that named no account and left no records to ask


def earlier_import(
    conn: Connection, sha: str, path: str, account: tuple[str, str] | None
) -> EarlierImport | None:
    """An earlier successful import of exactly these bytes, in the same place, for the same
    account. A byte-identical file in another account's export (an empty messages.csv in two
    Reddit downloads) is that account's own import: its original row is linked to it (the
    blob is stored once) and its records, if any, merge by key as in any import."""
    rows = conn.execute(
        text(
            "SELECT id, batch_id, name, details_json FROM source_files"
            " WHERE sha256 = :s AND status = 'imported' ORDER BY id"
        ),
        {"s": sha},
    ).all()
    for source_id, batch_id, name, details_json in rows:
        if place(name) != place(path):
            continue
        details = _loads(details_json)
        if ACCOUNT_DETAIL in details:
            value = details[ACCOUNT_DETAIL]
            accounts = {tuple(value) if value else None}
        else:
            accounts = _record_accounts(conn, int(source_id))
        if account in accounts or (account is None and _UNKNOWN in accounts):
            return EarlierImport(int(source_id), int(batch_id), "kept_only" in details, account)
    return None


def _record_accounts(conn: Connection, source_id: int) -> set[tuple[str, str] | None]:
    """The accounts of a source file's records, for rows written before files named theirs."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT a.platform, a.account_key FROM record_sources rs"
            " JOIN records r ON r.id = rs.record_id LEFT JOIN accounts a ON a.id = r.account_id"
            " WHERE rs.source_file_id = :id LIMIT 50"
        ),
        {"id": source_id},
    ).all()
    if not rows:
        return {_UNKNOWN}
    return {(str(p), str(k)) if p is not None else None for p, k in rows}


def _loads(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _counts_dict(counts: WriteCounts, warnings: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "added": counts.added,
        "new_versions": counts.new_versions,
        "unchanged": counts.unchanged,
        "flagged_deleted": counts.flagged_deleted,
        "flagged_hidden": counts.flagged_hidden,
        "media_stored": counts.media_stored,
        "media_missing": len(counts.media_missing),
    }
    if warnings:
        data["warnings"] = warnings[:200]
    return data

"""The importer contract.

An importer is a module-level object with:
- `name` (format name for --format, e.g. 'x-archive'), `label` (for people), `platform`;
- `detect(tree, options) -> list[Claim]`: look at the tree (by content, not file names alone)
  and claim the data files it will parse. Cheap: read heads of files, not whole exports.
- `preview(tree, claim, options) -> Preview`: what an import would bring (account, date range,
  approximate counts) without writing anything. May parse, must not write.
- `import_file(ctx, tree, claim, path)`: parse ONE data file of the claim and write its
  records through `ctx.writer`. Runs inside that file's own write transaction; raising any
  exception rolls the whole file back and the runner reports it and goes on. A claimed file
  that holds no records (account data, checksums) calls `ctx.keep_only(reason)`: the runner
  reports it `kept` (stored as an original, no records) instead of `imported` with 0 records.

A claim's account may have been stored under an older key form by an earlier version of its
importer: `claim.state["account_aliases"]` lists those keys, and the runner reuses an account
found under one of them rather than creating a second account for the same owner.

The runner (run.py) does everything else: hashing and storing originals, idempotency,
transactions, audit rows, progress, cancel, and the summary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from retention_desk.archive import blobs
from retention_desk.archive.batches import add_source_file, find_stored
from retention_desk.archive.errors import Cancelled
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordWriter
from retention_desk.importers.tree import MemberError, SourceTree


@dataclass
class Claim:
    """Data files one importer will parse, in order, and what it learnt while detecting."""

    format: str
    files: list[str]
    label: str
    confidence: int = 50  # 0-100; the highest claim on a file wins
    account: AccountIn | None = None
    state: dict[str, Any] = field(default_factory=dict)  # importer's own notes for later steps


@dataclass(frozen=True)
class Preview:
    format: str
    label: str
    source: str
    account: str | None
    date_from: datetime | None
    date_to: datetime | None
    approx_records: int | None
    files: list[str]
    notes: list[str]


@dataclass
class ImportOptions:
    format: str | None = None  # force one importer
    account: str | None = None  # handle the user assigns the records to
    mapping: dict[str, str] | None = None  # CSV column mapping (field -> column)
    mapping_preset: str | None = None
    platform: str | None = None  # CSV: platform when no column gives it


class FileContext:
    """What an importer gets while importing one data file (inside its transaction)."""

    def __init__(
        self,
        *,
        conn: Connection,
        tree: SourceTree,
        other_trees: list[SourceTree],
        writer: RecordWriter,
        batch_id: int,
        source_file_id: int,
        container_id: int | None,
        options: ImportOptions,
        cancel: threading.Event | None,
        stored_paths: dict[int, set[str]] | None = None,
    ) -> None:
        self.conn = conn
        self.tree = tree
        self.other_trees = other_trees
        self.writer = writer
        self.batch_id = batch_id
        self.source_file_id = source_file_id
        self.container_id = container_id
        self.options = options
        self.warnings: list[str] = []
        self.details: dict[str, Any] = {}  # recorded on the source file (e.g. fixity results)
        self.kept_reason: str | None = None  # set by keep_only()
        self._cancel = cancel
        self._stored: dict[tuple[int, str], str] = {}
        # paths already kept, per tree (id), so the runner does not store them again
        self._stored_paths = stored_paths if stored_paths is not None else {}

    def check_cancel(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled()

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def keep_only(self, reason: str) -> None:
        """This file of the export holds no records: it is kept as its original only, and the
        summary says so with `reason` (e.g. "poll votes")."""
        self.kept_reason = reason
        self.details["kept_only"] = reason

    def locate(self, path: str) -> tuple[SourceTree, str] | None:
        """Find a file by export-relative path in this tree, then in the other inputs of the
        same import (split downloads: posts in one zip, media in another)."""
        for tree in (self.tree, *self.other_trees):
            if tree.exists(path):
                return tree, path
        for tree in (self.tree, *self.other_trees):
            hits = tree.find(path)
            if len(hits) == 1:
                return tree, hits[0]
        return None

    def store_member(self, path: str) -> str | None:
        """Store a file of the export (media) as an original and return its SHA-256, or None
        when it is not in any input. Idempotent within and across imports."""
        found = self.locate(path)
        if found is None:
            return None
        tree, real = found
        key = (id(tree), real)
        if key in self._stored:
            return self._stored[key]
        try:
            # a damaged media member must not take its data file down: the media is listed
            # missing, the runner reports the member as failed when it tries to keep it
            with self.conn.begin_nested():
                sha, size = blobs.put_stream(self.conn, lambda: tree.open(real))
        except MemberError as exc:
            self.warn(f"{exc}; listed as missing media")
            return None
        if find_stored(self.conn, sha) is None:
            add_source_file(
                self.conn,
                batch_id=self.batch_id,
                name=real,
                size=size,
                sha256=sha,
                blob_sha256=sha,
                status="stored",
                detected_format="media",
                container_id=self.container_id if tree is self.tree else None,
                original_path=tree.label,
            )
        self._stored[key] = sha
        self._stored_paths.setdefault(id(tree), set()).add(real)
        return sha

    def media(self, path: str, **fields: Any) -> MediaIn:
        """A MediaIn for an export-relative path: stored if present, listed missing if not."""
        sha = self.store_member(path) if path else None
        return MediaIn(original_uri=fields.pop("original_uri", path), sha256=sha, **fields)


class Importer(Protocol):
    name: str
    label: str
    platform: str

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]: ...

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview: ...

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None: ...

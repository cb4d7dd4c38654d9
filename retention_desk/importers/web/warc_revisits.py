"""Resolving WARC revisit records to the capture they repeat.

A revisit stores only headers; its content is an earlier response found, in this order, by
`WARC-Refers-To-Record-ID`, by (`WARC-Refers-To-Target-URI`, `WARC-Refers-To-Date`), then by
payload digest (import-formats.md §6.2). The original may be earlier in the same file, in
another file of the same import (`CaptureIndex`, kept in the claim's state across files), or
in the archive from an earlier import (looked up in the database).
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import text as sql

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import BATCH, RecordWriter
from retention_desk.importers.common import ParseError, loads, parse_time
from retention_desk.importers.web import warc_digest as wd
from retention_desk.importers.web.warc_payload import mask_url
from retention_desk.importers.web.warc_reader import RawRecord

# At least the writer's batch: a capture still in the writer's buffer (not in the database
# yet) is then always found here, so resolving a revisit never forces a small flush.
RECENT_TEXTS = max(2048, BATCH)


@dataclass(slots=True)
class Original:
    """What a revisit can point to: a capture, or a resource that was not made a record."""

    capture_key: str | None  # record_key of the capture, None for a non-text resource
    digests: frozenset[str]  # normalised payload digests: declared and computed sha1
    media_type: str


class CaptureIndex:
    """Every response/resource seen in this import, for resolving revisits across files."""

    def __init__(self) -> None:
        self.by_id: dict[str, Original] = {}
        self.by_uri_date: dict[tuple[str, str], Original] = {}
        self.by_digest: dict[str, Original] = {}
        self.recent: OrderedDict[str, tuple[str | None, str]] = OrderedDict()

    def add(self, rec_id: str | None, uri: str, date: str, original: Original) -> None:
        if rec_id:
            self.by_id[rec_id] = original
        self.by_uri_date[(uri, date)] = original
        for digest in original.digests:
            self.by_digest.setdefault(digest, original)

    def remember(self, key: str, title: str | None, text: str) -> None:
        self.recent[key] = (title, text)
        self.recent.move_to_end(key)
        while len(self.recent) > RECENT_TEXTS:
            self.recent.popitem(last=False)

    def find(
        self, ref_id: str | None, ref_uri: str | None, ref_date: str | None, digest: str | None
    ) -> tuple[Original, str] | None:
        """(original, how it was found) in the order the WARC standard gives, or None."""
        if ref_id and ref_id in self.by_id:
            return self.by_id[ref_id], "WARC-Refers-To-Record-ID"
        if ref_uri and ref_date and (ref_uri, ref_date) in self.by_uri_date:
            return self.by_uri_date[(ref_uri, ref_date)], "WARC-Refers-To-Target-URI and -Date"
        if digest and digest in self.by_digest:
            return self.by_digest[digest], "payload digest"
        return None


def index_of(state: dict[str, Any]) -> CaptureIndex:
    """The import-wide index, kept in the claim's state between files of one import."""
    index = state.get("warc_index")
    if not isinstance(index, CaptureIndex):
        index = state["warc_index"] = CaptureIndex()
    return index


@dataclass
class Pending:
    """A revisit record waiting to be resolved, with what it refers to."""

    rec: RawRecord
    ref_id: str | None
    ref_uri: str | None
    ref_date: str | None
    digest: str | None


def revisit_digest_status(item: Pending, original: Original) -> str:
    """Payload digest status of a revisit: its digest against the original's."""
    if not item.digest:
        return wd.ABSENT
    if item.digest in original.digests:
        return wd.OK
    algorithms = {d.split(":", 1)[0] for d in original.digests}
    return wd.MISMATCH if item.digest.split(":", 1)[0] in algorithms else wd.UNVERIFIABLE


def capture_content(
    conn: Connection, writer: RecordWriter, index: CaptureIndex, key: str
) -> tuple[str | None, str] | None:
    """(title, text) of a capture written in this import or earlier."""
    cached = index.recent.get(key)
    if cached is not None:
        return cached
    query = sql(
        "SELECT v.title, v.text FROM records r JOIN record_versions v"
        " ON v.record_id = r.id AND v.seq = r.version_count"
        " WHERE r.platform = 'web' AND r.record_key = :k"
    )
    row = conn.execute(query, {"k": key}).first()
    if row is None:
        writer.flush()  # should not be needed (see RECENT_TEXTS); be sure anyway
        row = conn.execute(query, {"k": key}).first()
    return (row[0], row[1]) if row is not None else None


def find_in_archive(
    conn: Connection, item: Pending, digest_cache: dict[str, str] | None
) -> tuple[tuple[str, str, frozenset[str]] | None, dict[str, str] | None]:
    """An original imported earlier (another import, or a file skipped as a duplicate).

    Returns (key, how found, digests) or None, and the payload-digest map of the archive's
    captures, built on first need and handed back so a file builds it at most once.
    """
    if item.ref_id:
        row = conn.execute(
            sql(
                "SELECT record_key, extra_json FROM records WHERE platform = 'web'"
                " AND kind = 'capture' AND record_key = :k"
            ),
            {"k": item.ref_id},
        ).first()
        if row is not None:
            return (row[0], "WARC-Refers-To-Record-ID", digests_of(row[1])), digest_cache
    if item.ref_uri and item.ref_date:
        when = None
        with suppress(ParseError):
            when = parse_time(item.ref_date)
        if when is not None:
            for key, extra_json, url in conn.execute(
                sql(
                    "SELECT record_key, extra_json, url FROM records WHERE platform = 'web'"
                    " AND kind = 'capture' AND created_at = :t"
                ),
                {"t": timeutil.to_db(when)},
            ):
                if url == mask_url(item.ref_uri):
                    how = "WARC-Refers-To-Target-URI and -Date"
                    return (key, how, digests_of(extra_json)), digest_cache
    if item.digest:
        if digest_cache is None:
            digest_cache = {}
            for key, extra_json in conn.execute(
                sql(
                    "SELECT record_key, extra_json FROM records WHERE platform = 'web'"
                    " AND kind = 'capture' AND json_extract(extra_json, '$.revisit') IS NULL"
                )
            ):
                for digest in digests_of(extra_json):
                    digest_cache.setdefault(digest, key)
        key = digest_cache.get(item.digest)
        if key is not None:
            return (key, "payload digest", frozenset({item.digest})), digest_cache
    return None, digest_cache


def digests_of(extra_json: str | None) -> frozenset[str]:
    """Normalised payload digests a stored capture's extra_json records."""
    try:
        extra = loads(extra_json or "{}", name="extra_json")
    except ParseError:
        return frozenset()
    found = set()
    if isinstance(extra, dict):
        if extra.get("payload_sha1"):
            found.add(f"sha1:{extra['payload_sha1']}")
        declared = wd.parse_digest(extra.get("payload_digest"))
        if declared is not None and declared.normalised:
            found.add(declared.normalised)
    return frozenset(found)

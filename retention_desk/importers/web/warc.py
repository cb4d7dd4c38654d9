"""Importer for WARC and ARC web archives (Webrecorder, Browsertrix, Heritrix, wget, warcprox,
Social Feed Manager...).

Files are recognised by content: the first bytes (looked into when gzip) start `WARC/1.x` or,
for legacy ARC files, `filedesc://`. Whether a file is gzipped per record, gzipped as a whole
or plain does not depend on its name. A Zstandard file named like a WARC is claimed so that
the import reports clearly that it is not supported, instead of skipping it silently.

All WARC files of one input form one claim: they are imported in order, and a revisit record
in a later file finds its original in an earlier one (the index lives in the claim's state).
What each record becomes is described in warc_capture.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, parse_time
from retention_desk.importers.tree import SourceTree, TreeError
from retention_desk.importers.web.warc_capture import WarcFileImport
from retention_desk.importers.web.warc_payload import classify, media_type
from retention_desk.importers.web.warc_reader import sniff_kind
from retention_desk.importers.web.warc_revisits import index_of

PREVIEW_RECORD_LIMIT = 20_000


class WarcImporter:
    name = "warc"
    label = "Web archive (WARC/ARC)"
    platform = "web"

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        files: list[str] = []
        kinds: dict[str, str] = {}
        for item in tree.files:
            try:
                head = tree.head(item.path, 4096)
            except (TreeError, OSError):
                continue
            kind = sniff_kind(head)
            if kind in ("warc", "arc") or (kind == "zstd" and ".warc" in item.path.lower()):
                files.append(item.path)
                kinds[item.path] = kind
        if not files:
            return []
        arcs = sum(1 for k in kinds.values() if k == "arc")
        label = f"{len(files)} web archive file(s)" + (
            f", {arcs} in legacy ARC format" if arcs else ""
        )
        return [
            Claim(
                format=self.name,
                files=files,
                label=label,
                confidence=90,
                state={"kinds": kinds},
            )
        ]

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        total = 0
        date_from: datetime | None = None
        date_to: datetime | None = None
        notes: list[str] = []
        for path in claim.files:
            if claim.state.get("kinds", {}).get(path) == "zstd":
                notes.append(f"{path}: Zstandard-compressed WARC, not supported")
                continue
            count, first, last, complete = scan(lambda p=path: tree.open(p))
            total += count
            date_from = min(filter(None, (date_from, first)), default=None)
            date_to = max(filter(None, (date_to, last)), default=None)
            if not complete:
                notes.append(f"{path}: counted the first {PREVIEW_RECORD_LIMIT} records only")
        return Preview(
            format=self.name,
            label=self.label,
            source=tree.label,
            account=None,
            date_from=date_from,
            date_to=date_to,
            approx_records=total,
            files=list(claim.files),
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        importer = WarcFileImport(
            ctx, index_of(claim.state), name=path, opener=lambda: tree.open(path)
        )
        ctx.details.update(importer.run())


def scan(
    opener: Callable[[], BinaryIO], limit: int = PREVIEW_RECORD_LIMIT
) -> tuple[int, datetime | None, datetime | None, bool]:
    """(capture-like records, first date, last date, whole file seen) from headers only."""
    count = 0
    first: datetime | None = None
    last: datetime | None = None
    try:
        with opener() as fh:
            for position, record in enumerate(ArchiveIterator(fh, arc2warc=True)):
                if position >= limit:
                    return count, first, last, False
                if record.rec_type not in ("response", "resource", "revisit"):
                    continue
                headers = record.http_headers
                ctype = headers.get_header("Content-Type") if headers else record.content_type
                if record.rec_type != "revisit" and classify(media_type(ctype), b"") is None:
                    continue
                count += 1
                try:
                    when = parse_time(record.rec_headers.get_header("WARC-Date"))
                except ParseError:
                    when = None
                if when is not None:
                    first = min(first, when) if first else when
                    last = max(last, when) if last else when
    except (ArchiveLoadFailed, ValueError, OSError, TreeError, EOFError):
        return count, first, last, False
    return count, first, last, True


IMPORTER = WarcImporter()

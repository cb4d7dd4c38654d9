"""WARC records -> archive records: captures, revisits, API tweets, and the fixity tally.

One `WarcFileImport` reads one WARC/ARC file (a plain file, or a WARC inside a WACZ) and
writes through `ctx.writer`:
- each `response`/`resource` record whose payload is HTML, text or JSON becomes a 'capture'
  record keyed by its WARC-Record-ID (title and visible text extracted; WARC and HTTP headers,
  Set-Cookie masked, as raw_json; where the record sits in the file, so the byte-exact record
  can be found in the stored original);
- `revisit` records become captures of the content they point at, found in this file, an
  earlier file of the same import (`CaptureIndex` lives in the claim's state) or the archive;
- Twitter/X API JSON becomes platform 'x' records as well (warc_twitter);
- everything else (images, CSS, JS, requests, metadata) stays in the stored original and is
  only counted in the source file's details.
Every record's digests are checked and every truncation is reported: on the capture, in the
details and as a warning. Nothing is dropped silently.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import ParseError, clean_record, dumps_raw, loads, parse_time
from retention_desk.importers.web import warc_digest as wd
from retention_desk.importers.web.warc_pages import PageList
from retention_desk.importers.web.warc_payload import (
    classify,
    content_type_charset,
    decode_payload,
    mask_headers,
    mask_url,
    media_type,
)
from retention_desk.importers.web.warc_reader import RawRecord, RecordReader
from retention_desk.importers.web.warc_revisits import (
    CaptureIndex,
    Original,
    Pending,
    capture_content,
    find_in_archive,
    revisit_digest_status,
)
from retention_desk.importers.web.warc_twitter import (
    CaptureRef,
    is_twitter_api,
    tweets_from_payload,
)
from retention_desk.importers.web.webtext import page_text

MAX_LISTED = 500  # entries kept per problem list in the details (the count is always exact)
MAX_WARNINGS = 40  # per file; past this one summary line says how many more


# ------------------------------------------------------------------------------------ tally
@dataclass
class Tally:
    """Per-file counts and problems, saved as the source file's details."""

    record_types: Counter[str] = field(default_factory=Counter)
    not_imported: Counter[str] = field(default_factory=Counter)
    captures: int = 0
    revisits_resolved: int = 0
    revisits_unresolved: int = 0
    platform_records: int = 0
    digests_ok: int = 0
    digests_absent: int = 0
    digest_mismatch: list[dict[str, Any]] = field(default_factory=list)
    digest_unverifiable: list[dict[str, Any]] = field(default_factory=list)
    truncated: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    warcinfo: list[dict[str, str]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)

    def listed(self, name: str, item: dict[str, Any]) -> None:
        self.counts[name] += 1
        target = getattr(self, name)
        if len(target) < MAX_LISTED:
            target.append(item)

    def as_details(self) -> dict[str, Any]:
        return {
            "records": sum(self.record_types.values()),
            "record_types": dict(self.record_types),
            "captures": self.captures,
            "revisits_resolved": self.revisits_resolved,
            "revisits_unresolved": self.revisits_unresolved,
            "platform_records": self.platform_records,
            "not_imported": dict(self.not_imported),
            "digests_ok": self.digests_ok,
            "digests_absent": self.digests_absent,
            "digest_mismatch_count": self.counts["digest_mismatch"],
            "digest_mismatch": self.digest_mismatch,
            "digest_unverifiable_count": self.counts["digest_unverifiable"],
            "digest_unverifiable": self.digest_unverifiable,
            "truncated_count": self.counts["truncated"],
            "truncated": self.truncated,
            "warcinfo": self.warcinfo[:20],
            "unsupported": self.unsupported[:MAX_LISTED],
        }


# ----------------------------------------------------------------------------------- import
class WarcFileImport:
    """Import one WARC/ARC file's records into the archive through ctx.writer."""

    def __init__(
        self,
        ctx: FileContext,
        index: CaptureIndex,
        *,
        name: str,
        opener: Callable[[], BinaryIO],
        pages: PageList | None = None,
        container: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.index = index
        self.name = name  # path of the WARC (inside the WACZ when there is one)
        self.opener = opener
        self.pages = pages
        self.container = container  # the WACZ this WARC is in
        self.tally = Tally()
        self.warnings = 0
        self.pending: list[Pending] = []
        self.warcinfo_by_id: dict[str, dict[str, str]] = {}
        self.current_warcinfo: dict[str, str] | None = None
        self.db_digests: dict[str, str] | None = None

    # ----------------------------------------------------------------------------- driver
    def run(self) -> dict[str, Any]:
        reader = RecordReader(self.opener, self.name)
        for rec in reader:
            if rec.index % 200 == 0:
                self.ctx.check_cancel()
            self._record(rec)
        if reader.report.records == 0:
            problem = "; ".join(reader.report.errors) or "no records found"
            raise ParseError(f"{self.name}: not a readable WARC/ARC file ({problem})")
        for item in self.pending:
            self._revisit(item, final=True)
        report = reader.report
        for error in report.errors:
            self._warn(f"{self.name}: {error}")
        details = {
            "format": report.format,
            "compression": report.compression,
            "offsets": "decompressed stream"
            if report.compression == "gzip-whole-file"
            else "file bytes",
            "partial": report.partial,
            "framing_errors": report.errors[:MAX_LISTED],
            "skipped_bytes": report.skipped_bytes,
            **self.tally.as_details(),
        }
        if report.partial:
            self._warn(
                f"{self.name}: read only in part ({report.cut_records} record(s) cut short,"
                f" {len(report.errors)} unreadable stretch(es)); every readable record was kept"
            )
        if self.warnings > MAX_WARNINGS:
            self.ctx.warn(f"{self.name}: {self.warnings - MAX_WARNINGS} more warnings not listed")
        return details

    def _warn(self, message: str) -> None:
        self.warnings += 1
        if self.warnings <= MAX_WARNINGS:
            self.ctx.warn(message)

    # --------------------------------------------------------------------------- records
    def _record(self, rec: RawRecord) -> None:
        self.tally.record_types[rec.rec_type] += 1
        rec_id = self._record_id(rec)
        self._fixity(rec, rec_id)
        if rec.get("WARC-Segment-Number") or rec.rec_type == "continuation":
            self.tally.unsupported.append(f"{rec_id}: segmented record (continuation)")
            self._warn(
                f"{self.name}: record {rec_id} is segmented (WARC continuation); segments are"
                " kept in the original but not joined into a capture"
            )
            return
        if rec.rec_type == "warcinfo":
            self._warcinfo(rec, rec_id)
        elif rec.rec_type in ("response", "resource"):
            self._response(rec, rec_id)
        elif rec.rec_type == "revisit":
            self._revisit_seen(rec)
        elif rec.rec_type == "request":
            self.tally.not_imported["request records"] += 1
        elif rec.rec_type == "arc_header" and len(self.tally.warcinfo) < MAX_LISTED:
            self.tally.warcinfo.append({"arc_file": rec.target_uri or ""})
        else:
            self.tally.not_imported[f"{rec.rec_type} records"] += 1

    def _record_id(self, rec: RawRecord) -> str:
        rec_id = rec.get("WARC-Record-ID") if rec.format == "warc" else None
        if rec_id:
            return rec_id.strip()
        sha = (rec.payload_sha1 or b"").hex()[:20]
        date = self._date_raw(rec) or ""
        prefix = "arc" if rec.format == "arc" else "warc-no-id"
        return f"{prefix}:{date}:{sha}:{mask_url(rec.target_uri) or ''}"

    @staticmethod
    def _date_raw(rec: RawRecord) -> str | None:
        return rec.get("WARC-Date") if rec.format == "warc" else rec.get("archive-date")

    def _date(self, rec: RawRecord, rec_id: str) -> datetime | None:
        raw = self._date_raw(rec)
        if not raw:
            return None
        try:
            if rec.format == "arc" or (raw.isdigit() and len(raw) == 14):
                # ARC dates are 14 digits (YYYYMMDDhhmmss), never an epoch number
                return datetime.strptime(raw[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            return parse_time(raw)
        except (ParseError, ValueError) as exc:
            self._warn(f"{self.name}: record {rec_id}: capture date {raw!r} unreadable ({exc})")
            return None

    def _fixity(self, rec: RawRecord, rec_id: str) -> None:
        where = {"record": rec_id, "type": rec.rec_type, "offset": rec.offset}
        checks = [("block", rec.block_status, rec.block_digest)]
        if rec.rec_type != "revisit":
            checks.append(("payload", rec.payload_status, rec.payload_digest))
        for which, status, digest in checks:
            if status == wd.OK:
                self.tally.digests_ok += 1
            elif status == wd.ABSENT:
                self.tally.digests_absent += 1
            elif status == wd.MISMATCH:
                self.tally.listed("digest_mismatch", {**where, "digest": which})
                self._warn(
                    f"{self.name}: record {rec_id} ({rec.rec_type}, offset {rec.offset}):"
                    f" {which} digest mismatch: declared {digest.declared if digest else ''}"
                )
            else:
                self.tally.listed(
                    "digest_unverifiable",
                    {**where, "digest": which, "declared": digest.declared if digest else None},
                )
        if rec.truncated:
            self.tally.listed("truncated", {**where, "reasons": rec.truncated})
            self._warn(
                f"{self.name}: record {rec_id} ({rec.rec_type}, offset {rec.offset}) is"
                f" truncated: {'; '.join(rec.truncated)}"
            )

    def _warcinfo(self, rec: RawRecord, rec_id: str) -> None:
        fields: dict[str, str] = {}
        if rec.payload:
            for line in rec.payload.decode("utf-8", "replace").splitlines():
                name, sep, value = line.partition(":")
                if sep and name.strip().lower() in ("software", "format", "ispartof", "title"):
                    fields[name.strip()] = value.strip()[:300]
        self.warcinfo_by_id[rec_id] = fields
        self.current_warcinfo = fields
        if len(self.tally.warcinfo) < MAX_LISTED:
            self.tally.warcinfo.append(fields)

    def _software(self, rec: RawRecord) -> str | None:
        info = self.warcinfo_by_id.get((rec.get("WARC-Warcinfo-ID") or "").strip())
        info = info or self.current_warcinfo or {}
        return info.get("software")

    # ------------------------------------------------------------------------- responses
    def _response(self, rec: RawRecord, rec_id: str) -> None:
        uri = rec.target_uri or ""
        mtype = media_type(rec.content_type)
        digests = {f"sha1:{rec.payload_sha1.hex()}"} if rec.payload_sha1 else set()
        if rec.payload_digest is not None and rec.payload_digest.normalised:
            digests.add(rec.payload_digest.normalised)
        capture_key = rec_id if rec.payload is not None else None
        self.index.add(
            rec_id if rec.format == "warc" else None,
            uri,
            self._date_raw(rec) or "",
            Original(capture_key, frozenset(digests), mtype),
        )
        if rec.payload is None:
            status = rec.http.status if rec.http else None
            if status is not None and 300 <= status < 400:
                self.tally.not_imported["redirects"] += 1
            else:
                self.tally.not_imported[mtype or "unknown type"] += 1
            return
        records, title, text = self._content(rec, rec_id)
        capture = self._capture_record(rec, rec_id, title, text)
        self.ctx.writer.add(clean_record(capture))
        self.index.remember(rec_id, title, text)
        self.tally.captures += 1
        for record in records:
            self.ctx.writer.add(clean_record(record))
        self.tally.platform_records += len(records)

    def _content(self, rec: RawRecord, rec_id: str) -> tuple[list[RecordIn], str | None, str]:
        """(platform records, title, text) of a capture's payload."""
        assert rec.payload is not None and rec.payload_kind is not None
        decoded = decode_payload(rec.payload, rec.http)
        rec.decoded = decoded
        page = page_text(decoded.data, content_type_charset(rec.content_type), rec.payload_kind)
        rec.page = page
        title, text = page.title, page.text
        if decoded.incomplete:
            if not rec.truncated:  # not reported yet by the fixity step
                self.tally.listed(
                    "truncated",
                    {
                        "record": rec_id,
                        "type": rec.rec_type,
                        "offset": rec.offset,
                        "reasons": rec.truncated,
                    },
                )
                self._warn(
                    f"{self.name}: record {rec_id} ({rec.rec_type}, offset {rec.offset}):"
                    " compressed body ends early; the partial page was kept"
                )
            rec.truncated.append("compressed body ends early")
        uri = rec.target_uri
        if rec.payload_kind == "json" and is_twitter_api(uri):
            found = self._tweets(rec, rec_id, decoded.data)
            if found is not None:
                return found
        return [], title, text

    def _tweets(
        self, rec: RawRecord, rec_id: str, data: bytes
    ) -> tuple[list[RecordIn], str | None, str] | None:
        try:
            payload = loads(data, name=f"{self.name}@{rec.offset}")
        except ParseError as exc:
            self._warn(f"{self.name}: record {rec_id}: API response is not readable JSON ({exc})")
            return None
        ref = CaptureRef(
            warc_record_id=rec_id,
            url=mask_url(rec.target_uri),
            captured_at=self._date_raw(rec),
            warc_file=self.name,
            offset=rec.offset,
        )
        warnings: list[str] = []
        parsed = tweets_from_payload(payload, ref, warnings)
        for warning in warnings:
            self._warn(warning)
        if parsed is None:
            return None
        records, api = parsed
        rec.api = (api, [r.record_key for r in records])
        authors = sorted({f"@{r.author_handle}" for r in records if r.author_handle})
        # The capture's text describes the response instead of repeating the tweets, so a
        # search hits each tweet once (as its 'x' record); the tweets link back here.
        title = f"X API capture: {len(records)} tweet(s)" + (
            f" ({', '.join(authors[:5])})" if authors else ""
        )
        text = (
            f"Captured {api} response with {len(records)} tweet(s)"
            + (f" by or mentioning {', '.join(authors[:20])}" if authors else "")
            + ". The tweets are separate X records: "
            + ", ".join(r.record_key for r in records[:100])
        )
        return records, title, text

    def _capture_record(
        self,
        rec: RawRecord,
        rec_id: str,
        title: str | None,
        text: str,
        extra: dict[str, Any] | None = None,
    ) -> RecordIn:
        uri = rec.target_uri
        date_raw = self._date_raw(rec)
        created = self._date(rec, rec_id)
        extra = extra if extra is not None else self._extra(rec, rec_id)
        if self.pages is not None:
            entry = self.pages.match(uri, created)
            if entry is not None:
                extra["page"] = {k: entry.get(k) for k in ("id", "title", "ts") if entry.get(k)}
                if not title and entry.get("title"):
                    title = str(entry["title"])
                if not text.strip() and entry.get("text"):
                    text = str(entry["text"])
                    extra["text_source"] = "pages.jsonl"
        return RecordIn(
            platform="web",
            kind="capture",
            record_key=rec_id,
            title=title,
            text=text,
            url=mask_url(uri),
            created_at=created,
            created_at_raw=date_raw,
            extra=extra,
            raw_json=self._raw_json(rec),
            locator=f"{self.name}@{rec.offset}",
        )

    def _extra(self, rec: RawRecord, rec_id: str) -> dict[str, Any]:
        extra: dict[str, Any] = {
            "warc_record_id": rec_id,
            "warc_type": rec.rec_type,
            "warc_format": rec.format,
            "warc_file": self.name,
            "offset": rec.offset,
            "length": rec.length,
            "http_status": rec.http.status if rec.http else None,
            "content_type": rec.content_type,
            "payload_digest": rec.payload_digest.declared if rec.payload_digest else None,
            "block_digest": rec.block_digest.declared if rec.block_digest else None,
            "payload_sha1": rec.payload_sha1.hex() if rec.payload_sha1 else None,
            "fixity": {"block": rec.block_status, "payload": rec.payload_status},
            "truncated": bool(rec.truncated),
        }
        if self.container:
            extra["wacz"] = self.container
        if rec.truncated:
            extra["truncated_reasons"] = rec.truncated
        if rec.payload_kept_partly:
            extra["text_from_first_bytes"] = len(rec.payload or b"")
        software = self._software(rec)
        if software:
            extra["warcinfo_software"] = software
        decoded = rec.decoded
        if decoded is not None:
            if decoded.steps:
                extra["decoded"] = decoded.steps
            if decoded.notes:
                extra["decoding_notes"] = decoded.notes
        page = rec.page
        if page is not None:
            extra["charset"] = page.charset
            extra["charset_source"] = page.charset_source
        api = rec.api
        if api is not None:
            extra["api"] = api[0]
            extra["platform_records"] = [f"x:{key}" for key in api[1][:500]]
        if rec.get("WARC-IP-Address"):
            extra["server_ip"] = rec.get("WARC-IP-Address")
        return extra

    def _raw_json(self, rec: RawRecord) -> str:
        raw: dict[str, Any] = {
            ("warc_headers" if rec.format == "warc" else "arc_headers"): mask_headers(rec.headers)
        }
        if rec.http is not None:
            raw["http_status_line"] = rec.http.status_line
            raw["http_headers"] = mask_headers(rec.http.headers)
        return dumps_raw(raw)

    # ---------------------------------------------------------------------------- revisits
    def _revisit_seen(self, rec: RawRecord) -> None:
        item = Pending(
            rec=rec,
            ref_id=(rec.get("WARC-Refers-To") or rec.get("WARC-Refers-To-Record-ID") or "").strip()
            or None,
            ref_uri=(rec.get("WARC-Refers-To-Target-URI") or "").strip() or None,
            ref_date=(rec.get("WARC-Refers-To-Date") or "").strip() or None,
            digest=rec.payload_digest.normalised if rec.payload_digest else None,
        )
        if item.ref_uri and item.ref_uri.startswith("<") and item.ref_uri.endswith(">"):
            item.ref_uri = item.ref_uri[1:-1]
        if not self._revisit(item, final=False):
            # the original may come later in this file: decide at the end
            item.rec.payload = None
            self.pending.append(item)

    def _revisit(self, item: Pending, *, final: bool) -> bool:
        rec = item.rec
        rec_id = self._record_id(rec)
        found = self.index.find(item.ref_id, item.ref_uri, item.ref_date, item.digest)
        if found is None and not final:
            return False
        original: Original | None = None
        how = None
        content: tuple[str | None, str] | None = None
        if found is not None:
            original, how = found
            if original.capture_key is not None:
                content = capture_content(
                    self.ctx.conn, self.ctx.writer, self.index, original.capture_key
                )
        else:
            hit, self.db_digests = find_in_archive(self.ctx.conn, item, self.db_digests)
            if hit is not None:
                key, how, digests = hit
                original = Original(key, digests, "")
                content = capture_content(self.ctx.conn, self.ctx.writer, self.index, key)
        status = revisit_digest_status(item, original) if original else None
        own_type = media_type(rec.content_type)
        if (original is not None and original.capture_key is None) or (
            original is None and own_type and _not_text(own_type)
        ):
            what = (original.media_type if original else own_type) or "unknown type"
            self.tally.not_imported[f"revisits of {what}"] += 1
            self._count_revisit_digest(status or wd.UNVERIFIABLE, rec_id, rec)
            return True
        extra = self._extra(rec, rec_id)
        extra["revisit"] = {
            "profile": rec.get("WARC-Profile"),
            "refers_to_record_id": item.ref_id,
            "refers_to_target_uri": mask_url(item.ref_uri),
            "refers_to_date": item.ref_date,
        }
        if content is not None and original is not None and status is not None:
            title, text = content
            extra["revisit_of"] = original.capture_key
            extra["revisit"]["resolved_by"] = how
            self.tally.revisits_resolved += 1
        else:
            note = (
                f"Revisit of {mask_url(item.ref_uri) or mask_url(rec.target_uri) or 'a page'}"
                f" captured {item.ref_date or 'earlier'}: the original capture it points to"
                " was not found in this import or the archive, so its content cannot be shown."
            )
            title, text = None, f"[{note}]"
            extra["revisit_of"] = None
            extra["revisit_unresolved"] = note
            status = wd.UNVERIFIABLE if item.digest else wd.ABSENT
            self.tally.revisits_unresolved += 1
            self._warn(f"{self.name}: revisit record {rec_id}: {note}")
        extra["fixity"]["payload"] = status
        self._count_revisit_digest(status, rec_id, rec)
        capture = self._capture_record(rec, rec_id, title, text, extra)
        self.ctx.writer.add(clean_record(capture))
        self.tally.captures += 1
        return True

    def _count_revisit_digest(self, status: str, rec_id: str, rec: RawRecord) -> None:
        where = {"record": rec_id, "type": "revisit", "offset": rec.offset, "digest": "payload"}
        if status == wd.OK:
            self.tally.digests_ok += 1
        elif status == wd.ABSENT:
            self.tally.digests_absent += 1
        elif status == wd.MISMATCH:
            self.tally.listed("digest_mismatch", where)
            self._warn(
                f"{self.name}: revisit {rec_id}: its payload digest differs from the original's"
            )
        else:
            self.tally.listed("digest_unverifiable", where)


def _not_text(mtype: str) -> bool:
    return classify(mtype, b"") is None and mtype not in ("", "application/octet-stream")

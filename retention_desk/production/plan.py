"""The production plan: a request's responsive records laid out as their platform showed them,
with every redaction applied before any renderer sees a character.

`build_plan` reads everything in one read transaction (the set, the records, their versions
and media, the redactions) so a plan never mixes two states of the archive. What it reads and
what it never reads:
- never `sensitive_json` (e-mail, IPs, GPS), `extra_json`, `raw_json`, `text_raw`, a medium's
  file name, URI or `metadata_json`: none of them is selected, so none can reach a file;
- the value a redaction range indexes is the one `show --json` prints (a version's `text` and
  `title`, the record's `author_name`, `author_handle`, `url`).

Which redactions apply: the request's own and those made outside any request (as
`store.applied_redactions` counts them). A range redaction on `current` covers the current
version only, `all` every shown version, a version id that version when it is shown. The plan
refuses (ProductionError) while any of them is stale: a digest that no longer matches means
the range may now cover other characters than the ones the custodian chose.

How ranges become boxes: every redacted character belongs to the innermost redaction covering
it (latest start, then earliest end), and each run of characters with one code becomes one
box. So adjacent or overlapping redactions under one code are one box (the number of boxes
does not count them), and a redaction under another code inside it still shows its own box.

Fixity (what a requester can check, and what a requester must not be able to test guesses
against): a record with no redaction, withholding or withheld medium shows the SHA-256 of each
shown version's text (UTF-8) and of its original (`source_files.sha256` of
`first_source_id`), unless that original holds content a redaction or withholding of this
production covers (it is the first or a version's source of such a record): then that line is
a keyed hash too. A redacted or withheld record shows one keyed line only:
HMAC-SHA256(key, "retention-desk production v1" NUL "record" NUL id, then for each shown
version NUL seq NUL title NUL text), over the unredacted values, so a court given the key
(kept with the production record, never in a released file) can check it and nobody without it
can test a guess.

The redaction log names the exemption's description from the catalogue (marked UNVERIFIED
where the catalogue is), never the covered characters and never the redaction's note: a note
is free text the custodian typed about the redaction ("SSN of the caller"), as sensitive as
what it covers.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from retention_desk import timefmt
from retention_desk.archive import blobs
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.errors import ArchiveError, Cancelled
from retention_desk.archive.store import Archive
from retention_desk.ipra.requests import request_row
from retention_desk.production.errors import ProductionError
from retention_desk.production.model import (
    LogEntry,
    Piece,
    ProducedMedia,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)
from retention_desk.redaction import catalogue as cat
from retention_desk.redaction.model import ALL, CURRENT, UNVERIFIED, Catalogue
from retention_desk.redaction.store import stale_in

VERSION_CHOICES = ("latest", "all")
# The long side of a produced image: enough to read a screenshot, small enough to keep a
# production of thousands of photos to a sensible size.
MAX_SIDE = 2000
# A blob larger than this is not decoded at all (a placeholder says the image is not shown).
MAX_IMAGE_BYTES = 64 * 1024 * 1024
KEYED_TAG = b"retention-desk production v1\x00"
KEYED_LABEL = "Keyed HMAC-SHA256 (production key)"
# Parent chains deeper than this are cut: the importers refuse nesting beyond 128, and a
# cycle written by hand into the database must not loop.
MAX_DEPTH = 256
_CHUNK = 500


@dataclass(frozen=True)
class _Rec:
    id: int
    platform: str
    kind: str
    account: str
    parent_id: int | None
    parent_key: str | None
    thread_id: int | None
    author_name: str
    author_handle: str
    url: str
    created_at: str | None
    edited_at: str | None
    deleted: bool
    hidden: bool
    restricted: bool
    version_count: int
    first_source_id: int | None


@dataclass(frozen=True)
class _Ver:
    id: int
    seq: int
    title: str
    text: str
    observed_at: str | None
    edited_at: str | None
    source_id: int | None


@dataclass(frozen=True)
class _Red:
    id: int
    kind: str  # range | withhold
    record_id: int
    version: str | int
    field: str | None
    start: int | None
    end: int | None
    media_id: int | None
    code: str


@dataclass(frozen=True)
class Cut:
    """A range to cut out of one value, with the code its box shows."""

    start: int
    end: int
    code: str


def build_plan(
    archive: Archive,
    number: str,
    *,
    versions: str = "latest",
    review: bool = False,
    include_restricted: Iterable[int] = (),
    key: bytes,
    only_new: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> ProductionPlan:
    """The plan of request `number`'s production: its responsive records (not removed) in
    platform order, redactions cut out (`review` keeps the hidden text beside each box, for
    the watermarked review copy only). ProductionError while a redaction is stale.

    `only_new` (a file format) leaves out the records an earlier complete release production
    of the request in that format already holds: a rolling production of what joined the set
    since. `progress(done, total)` is called as records are planned; `cancel` stops between
    records (Cancelled). Pictures are not read here: the plan's `images` reads each one when
    a renderer lays it out."""
    if versions not in VERSION_CHOICES:
        raise ProductionError(f"The versions option {versions[:20]!r} must be latest or all.")
    if not key:
        raise ProductionError("A production needs a key for its keyed hashes; none was given.")
    included = {int(i) for i in include_restricted}
    with archive.read() as conn:
        request = request_row(conn, number)
        request_id, request_number = int(request[0]), str(request[1])
        settings = settings_mod.load(conn)
        zone, _problem = settings_mod.agency_zone(conn)
        set_ids = _set_ids(conn, request_id)
        if only_new is not None:
            done = _released_ids(conn, request_id, only_new)
            set_ids = [i for i in set_ids if i not in done]
        recs = _records(conn, set_ids)
        restricted_out = sum(1 for r in recs.values() if r.restricted and r.id not in included)
        recs = {i: r for i, r in recs.items() if not r.restricted or i in included}
        reds = _redactions(conn, request_id, list(recs))
        _refuse_stale(conn, request_id, request_number, list(recs))
        catalogue = cat.catalogue_in(conn)
        order = _layout(conn, recs)
        tainted = _tainted_sources(conn, recs, reds)
        produced: list[ProducedRecord] = []
        range_ids: set[int] = set()
        withheld_ids: set[int] = set()
        total = len(order)
        for n, (rid, depth) in enumerate(order):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            if progress is not None and n % 64 == 0:
                progress(n, total)
            made, used_ranges, used_withheld = _produce_record(
                conn,
                recs[rid],
                depth,
                reds.get(rid, []),
                versions=versions,
                review=review,
                key=key,
                zone=zone,
                catalogue=catalogue,
                tainted=tainted,
                request_number=request_number,
            )
            produced.append(made)
            range_ids |= used_ranges
            withheld_ids |= used_withheld
    return ProductionPlan(
        request_number=request_number,
        review=review,
        versions=versions,
        agency_name=settings.agency_name,
        time_zone=str(zone.key),
        records=tuple(produced),
        restricted_left_out=restricted_out,
        redaction_count=len(range_ids),
        withheld_count=len(withheld_ids),
        images=ImageLoader(archive),
    )


class ImageLoader:
    """Reads a picture's blob when a renderer lays it out and re-encodes it (`clean_png`):
    the plan holds blob hashes, never pixels, so its size does not grow with the photos of a
    request. A blob is content-addressed, so what is read later is the bytes the plan named,
    or nothing when the record was destroyed in between (a placeholder, as for an unreadable
    picture)."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    def __call__(self, sha256: str) -> bytes | None:
        try:
            with self._archive.read() as conn:
                data = blobs.read_bytes(conn, sha256)
        except (ArchiveError, OSError):
            return None
        return clean_png(data)


def _released_ids(conn: Connection, request_id: int, file_format: str) -> set[int]:
    return {
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT DISTINCT pr.record_id FROM production_records pr"
            " JOIN productions p ON p.id = pr.production_id WHERE p.request_id = ?"
            " AND p.kind = 'release' AND p.status = 'complete' AND p.file_format = ?",
            (request_id, file_format),
        )
    }


# ----------------------------------------------------------------------------- reading
def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield [int(x) for x in ids[i : i + _CHUNK]]


def _marks(chunk: Sequence[int]) -> str:
    return ",".join("?" * len(chunk))


def _set_ids(conn: Connection, request_id: int) -> list[int]:
    return [
        int(r[0])
        for r in conn.exec_driver_sql(
            "SELECT record_id FROM ipra_request_records WHERE request_id = ?"
            " AND removed_at IS NULL ORDER BY record_id",
            (request_id,),
        )
    ]


def _records(conn: Connection, ids: Sequence[int]) -> dict[int, _Rec]:
    """The set's records that still exist (a destroyed record's row in the set names no
    record). Columns are listed one by one: the sensitive and raw ones are never read."""
    out: dict[int, _Rec] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in conn.exec_driver_sql(
            "SELECT r.id, r.platform, r.kind, coalesce(a.handle, a.account_key, ''),"
            " r.parent_id, r.parent_key, r.thread_id, r.author_name, r.author_handle, r.url,"
            " r.created_at, r.edited_at, r.deleted_at IS NOT NULL, r.hidden_at IS NOT NULL,"
            " r.restricted, r.version_count, r.first_source_id"
            " FROM records r LEFT JOIN accounts a ON a.id = r.account_id"
            f" WHERE r.id IN ({_marks(chunk)})",
            tuple(chunk),
        ):
            out[int(row[0])] = _Rec(
                id=int(row[0]),
                platform=str(row[1] or ""),
                kind=str(row[2] or ""),
                account=str(row[3] or ""),
                parent_id=int(row[4]) if row[4] is not None else None,
                parent_key=row[5],
                thread_id=int(row[6]) if row[6] is not None else None,
                author_name=str(row[7] or ""),
                author_handle=str(row[8] or ""),
                url=str(row[9] or ""),
                created_at=row[10],
                edited_at=row[11],
                deleted=bool(row[12]),
                hidden=bool(row[13]),
                restricted=bool(row[14]),
                version_count=int(row[15] or 1),
                first_source_id=int(row[16]) if row[16] is not None else None,
            )
    return out


def _versions(conn: Connection, record_id: int) -> list[_Ver]:
    return [
        _Ver(int(r[0]), int(r[1]), r[2] or "", r[3] or "", r[4], r[5], r[6])
        for r in conn.exec_driver_sql(
            "SELECT id, seq, title, text, observed_at, platform_edited_at, source_file_id"
            " FROM record_versions WHERE record_id = ? ORDER BY seq",
            (int(record_id),),
        )
    ]


def _redactions(
    conn: Connection, request_id: int, record_ids: Sequence[int]
) -> dict[int, list[_Red]]:
    """The redactions and withholdings this production applies, by record, in the order
    made: the request's own and those made outside any request."""
    out: dict[int, list[_Red]] = {}
    for chunk in _chunks(sorted(set(record_ids))):
        for row in conn.exec_driver_sql(
            "SELECT id, kind, record_id, version_id, all_versions, field, start_index,"
            " end_index, media_id, code FROM redactions"
            f" WHERE record_id IN ({_marks(chunk)}) AND (request_id IS NULL OR request_id = ?)"
            " ORDER BY record_id, id",
            (*chunk, request_id),
        ):
            version: str | int = ALL if row[4] else CURRENT
            if row[3] is not None:
                version = int(row[3])
            red = _Red(
                id=int(row[0]),
                kind=str(row[1]),
                record_id=int(row[2]),
                version=version,
                field=row[5],
                start=int(row[6]) if row[6] is not None else None,
                end=int(row[7]) if row[7] is not None else None,
                media_id=int(row[8]) if row[8] is not None else None,
                code=str(row[9]),
            )
            out.setdefault(red.record_id, []).append(red)
    return out


def _refuse_stale(
    conn: Connection, request_id: int, request_number: str, record_ids: Sequence[int]
) -> None:
    stale = [
        s
        for s in stale_in(conn, record_ids)
        if s.redaction.request_id is None or s.redaction.request_id == request_id
    ]
    if stale:
        n = len(stale)
        raise ProductionError(
            f"Request {request_number} cannot be produced: {n} of its"
            f" redaction{'s' if n != 1 else ''} {'are' if n != 1 else 'is'} stale (the text"
            " under it changed, or its record, version or medium is gone); review"
            f" {'them' if n != 1 else 'it'} with 'retention-desk redact stale' first."
        )


# ------------------------------------------------------------------------------ layout
def _sort_key(created: str | None, rid: int) -> tuple[bool, str, int]:
    return (created is None, created or "", rid)


def _layout(conn: Connection, recs: dict[int, _Rec]) -> list[tuple[int, int]]:
    """(record id, depth) in the order the platform showed them: each thread's root, then its
    comments and replies depth first, siblings by created time. A record whose thread root is
    not produced (or whose parent never reached the archive) keeps its depth and its thread's
    order, in the orphan threads after all the others."""
    nodes: dict[int, tuple[int | None, str | None, str | None]] = {
        r.id: (r.parent_id, r.parent_key, r.created_at) for r in recs.values()
    }
    wanted = {p for p, _k, _c in nodes.values() if p is not None and p not in nodes}
    for _round in range(MAX_DEPTH):
        if not wanted:
            break
        found: set[int] = set()
        for chunk in _chunks(sorted(wanted)):
            for row in conn.exec_driver_sql(
                "SELECT id, parent_id, parent_key, created_at FROM records"
                f" WHERE id IN ({_marks(chunk)})",
                tuple(chunk),
            ):
                nodes[int(row[0])] = (
                    int(row[1]) if row[1] is not None else None,
                    row[2],
                    row[3],
                )
                found.add(int(row[0]))
        parents = (nodes[i][0] for i in found)
        wanted = {p for p in parents if p is not None and p not in nodes}
    placed: list[tuple[bool, tuple[bool, str, int], list[tuple[bool, str, int]], int, int]] = []
    for rid in recs:
        chain = [rid]
        seen = {rid}
        while len(chain) < MAX_DEPTH:
            parent = nodes.get(chain[-1], (None, None, None))[0]
            if parent is None or parent in seen or parent not in nodes:
                break
            chain.append(parent)
            seen.add(parent)
        chain.reverse()
        top = chain[0]
        top_parent, top_parent_key, top_created = nodes[top]
        unlinked = top_parent is not None or bool(top_parent_key)
        depth = len(chain) - 1 + (1 if unlinked else 0)
        orphan = unlinked or top not in recs
        path = [_sort_key(nodes[n][2], n) for n in chain]
        placed.append((orphan, _sort_key(top_created, top), path, rid, depth))
    placed.sort(key=lambda p: (p[0], p[1], p[2]))
    return [(rid, depth) for _o, _t, _p, rid, depth in placed]


# ---------------------------------------------------------------------- applying ranges
def apply_ranges(value: str, ranges: Sequence[Cut], *, review: bool) -> Shown:
    """`value` with the characters of `ranges` cut out: one box per run of characters under
    one code (each character counts under the innermost range covering it). `review_text`
    holds the run's characters in a review plan only."""
    if not ranges:
        return Shown.of(value)
    owner: list[Cut | None] = [None] * len(value)
    for rng in ranges:
        for i in range(max(0, rng.start), min(len(value), rng.end)):
            now = owner[i]
            if now is None or (rng.start, -rng.end) > (now.start, -now.end):
                owner[i] = rng
    codes = [o.code if o is not None else None for o in owner]
    pieces: list[Piece] = []
    i = 0
    while i < len(value):
        code = codes[i]
        j = i
        while j < len(value) and codes[j] == code:
            j += 1
        run = value[i:j]
        if code is None:
            pieces.append(Piece(run))
        else:
            pieces.append(Piece(box=code, review_text=run if review else None))
        i = j
    return Shown(tuple(pieces))


# ----------------------------------------------------------------------------- a record
def _description(catalogue: Catalogue, code: str) -> str:
    found = cat.find(catalogue, code)
    if found is None:
        # a code the catalogue no longer has (an agency code removed): the log still names it
        return f"{code} (not in the exemption catalogue)"
    mark = "" if found.verified else f" ({UNVERIFIED})"
    return f"{found.description}{mark}"


def _shown_versions(all_versions: list[_Ver], rec: _Rec, versions: str) -> list[_Ver]:
    if versions == "all":
        return all_versions
    current = [v for v in all_versions if v.seq == rec.version_count]
    return current or all_versions[-1:]


def _current_seq(all_versions: list[_Ver], rec: _Rec) -> int | None:
    if any(v.seq == rec.version_count for v in all_versions):
        return rec.version_count
    return all_versions[-1].seq if all_versions else None


def _applies(red: _Red, ver: _Ver, current_seq: int | None) -> bool:
    if red.version == ALL:
        return True
    if red.version == CURRENT:
        return ver.seq == current_seq
    return ver.id == red.version


def _utc(value: str | None) -> str | None:
    return timefmt.show_time(value, ZoneInfo("UTC"), utc=True) if value else None


def _keyed(key: bytes, rid: int, shown: Sequence[_Ver]) -> str:
    mac = hmac.new(key, KEYED_TAG + b"record\x00" + str(rid).encode("ascii"), hashlib.sha256)
    for v in shown:
        mac.update(b"\x00" + str(v.seq).encode("ascii") + b"\x00")
        mac.update(v.title.encode("utf-8", "surrogatepass") + b"\x00")
        mac.update(v.text.encode("utf-8", "surrogatepass"))
    seqs = " ".join(f"v{v.seq}" for v in shown) or "none"
    return f"{KEYED_LABEL} of record {rid} and versions {seqs}: {mac.hexdigest()}"


def _keyed_original(key: bytes, source_id: int, sha: str) -> str:
    mac = hmac.new(key, KEYED_TAG + b"original\x00" + sha.encode("ascii"), hashlib.sha256)
    return f"{KEYED_LABEL} of the original (source file {source_id}): {mac.hexdigest()}"


def _tainted_sources(
    conn: Connection, recs: dict[int, _Rec], reds: dict[int, list[_Red]]
) -> set[int]:
    """Source files holding content a redaction or withholding of this production covers:
    the first source and every version's source of each record that has one."""
    out: set[int] = set()
    touched = [rid for rid, rs in reds.items() if rs and rid in recs]
    for rid in touched:
        if recs[rid].first_source_id is not None:
            out.add(int(recs[rid].first_source_id))  # type: ignore[arg-type]
    for chunk in _chunks(sorted(touched)):
        for (sid,) in conn.exec_driver_sql(
            "SELECT DISTINCT source_file_id FROM record_versions WHERE source_file_id IS NOT"
            f" NULL AND record_id IN ({_marks(chunk)})",
            tuple(chunk),
        ):
            out.add(int(sid))
    return out


def _source_sha(conn: Connection, source_id: int | None) -> str | None:
    if source_id is None:
        return None
    row = conn.exec_driver_sql(
        "SELECT sha256 FROM source_files WHERE id = ?", (int(source_id),)
    ).first()
    return str(row[0]) if row is not None and row[0] else None


def _produce_record(
    conn: Connection,
    rec: _Rec,
    depth: int,
    reds: list[_Red],
    *,
    versions: str,
    review: bool,
    key: bytes,
    zone: ZoneInfo,
    catalogue: Catalogue,
    tainted: set[int],
    request_number: str,
) -> tuple[ProducedRecord, set[int], set[int]]:
    all_versions = _versions(conn, rec.id)
    shown = _shown_versions(all_versions, rec, versions)
    current_seq = _current_seq(all_versions, rec)
    whole = next((r for r in reds if r.kind == "withhold" and r.media_id is None), None)
    base: dict[str, Any] = {
        "record_id": rec.id,
        "platform": rec.platform,
        "kind": rec.kind,
        "account": rec.account,
        "depth": depth,
        "parent_id": rec.parent_id,
        "thread_id": rec.thread_id,
        "restricted": rec.restricted,
    }
    if whole is not None:
        # a slip sheet: nothing of the record but its id, platform, kind and the code
        made = ProducedRecord(
            **base,
            author_name=Shown(()),
            author_handle=Shown(()),
            url=Shown(()),
            created_utc=None,
            created_local=None,
            deleted=False,
            hidden=False,
            edited=False,
            versions=(),
            media=(),
            withheld=whole.code,
            fixity=(_keyed(key, rec.id, shown),),
            log=(
                LogEntry(rec.id, "record", None, whole.code, _description(catalogue, whole.code)),
            ),
        )
        return made, set(), {whole.id}
    log: list[LogEntry] = []
    used_ranges: set[int] = set()

    def field_value(field: str, value: str, ver: _Ver | None) -> Shown:
        ranges: list[Cut] = []
        for red in reds:
            if red.kind != "range" or red.field != field:
                continue
            if ver is not None and not _applies(red, ver, current_seq):
                continue
            assert red.start is not None and red.end is not None
            if red.start < 0 or red.end > len(value) or red.end <= red.start:
                # the stale check passed, so this is a range the text cannot hold: never
                # produce a redaction applied in part
                raise ProductionError(
                    f"Request {request_number} cannot be produced: redaction {red.id} of"
                    f" record {rec.id} does not fit its text; review it with"
                    " 'retention-desk redact stale' first."
                )
            ranges.append(Cut(red.start, red.end, red.code))
            used_ranges.add(red.id)
            log.append(
                LogEntry(
                    rec.id,
                    field,
                    ver.seq if ver is not None else None,
                    red.code,
                    _description(catalogue, red.code),
                )
            )
        return apply_ranges(value, ranges, review=review)

    author_name = field_value("author_name", rec.author_name, None)
    author_handle = field_value("author_handle", rec.author_handle, None)
    url = field_value("url", rec.url, None)
    produced_versions = tuple(
        ProducedVersion(
            version_id=v.id,
            seq=v.seq,
            current=v.seq == current_seq,
            observed_at=_utc(v.observed_at),
            edited_at=_utc(v.edited_at),
            title=field_value("title", v.title, v),
            text=field_value("text", v.text, v),
        )
        for v in shown
    )
    media, withheld_media = _media(conn, rec.id, reds, catalogue, log)
    if log or any(r.kind == "range" for r in reds) or withheld_media:
        fixity: tuple[str, ...] = (_keyed(key, rec.id, shown),)
    else:
        lines = [
            f"SHA-256 of v{v.seq} text: {hashlib.sha256(v.text.encode('utf-8', 'surrogatepass')).hexdigest()}"  # noqa: E501
            for v in shown
        ]
        sha = _source_sha(conn, rec.first_source_id)
        if sha is not None and rec.first_source_id is not None:
            if rec.first_source_id in tainted:
                lines.append(_keyed_original(key, rec.first_source_id, sha))
            else:
                lines.append(f"SHA-256 of the original (source file {rec.first_source_id}): {sha}")
        fixity = tuple(lines)
    made = ProducedRecord(
        **base,
        author_name=author_name,
        author_handle=author_handle,
        url=url,
        created_utc=_utc(rec.created_at),
        created_local=timefmt.show_time(rec.created_at, zone) if rec.created_at else None,
        deleted=rec.deleted,
        hidden=rec.hidden,
        edited=rec.version_count > 1 or rec.edited_at is not None,
        versions=produced_versions,
        media=media,
        withheld=None,
        fixity=fixity,
        log=tuple(log),
    )
    return made, used_ranges, withheld_media


# ------------------------------------------------------------------------------- media
def _media_kind(mime: str | None, media_type: str | None) -> str:
    mime = (mime or "").lower()
    if mime.startswith("image/"):
        return "image"
    if mime.startswith("video/"):
        return "video"
    kind = (media_type or "").lower()
    if kind in ("photo", "image"):
        return "image"
    if kind in ("video", "animated_gif"):  # X's animated GIFs are MP4 videos
        return "video"
    return "other"


def _media(
    conn: Connection,
    record_id: int,
    reds: list[_Red],
    catalogue: Catalogue,
    log: list[LogEntry],
) -> tuple[tuple[ProducedMedia, ...], set[int]]:
    withheld = {r.media_id: r for r in reds if r.kind == "withhold" and r.media_id is not None}
    out: list[ProducedMedia] = []
    used: set[int] = set()
    rows = conn.exec_driver_sql(
        "SELECT m.id, m.blob_sha256, m.mime_type, m.media_type, m.missing, b.size"
        " FROM media m LEFT JOIN blobs b ON b.sha256 = m.blob_sha256"
        " WHERE m.record_id = ? ORDER BY m.position, m.id",
        (int(record_id),),
    ).all()
    for n, row in enumerate(rows, start=1):
        media_id = int(row[0])
        kind = _media_kind(row[2], row[3])
        name = f"{kind if kind != 'other' else 'file'} {n}"
        held = withheld.get(media_id)
        if held is not None:
            used.add(held.id)
            log.append(
                LogEntry(record_id, "media", None, held.code, _description(catalogue, held.code))
            )
            out.append(ProducedMedia(media_id, kind, name, None, held.code, False))
            continue
        missing = bool(row[4]) or row[1] is None or row[5] is None
        image = None
        if kind == "image" and not missing and int(row[5]) <= MAX_IMAGE_BYTES:
            image = str(row[1])
        out.append(ProducedMedia(media_id, kind, name, image, None, missing))
    return tuple(out), used


def clean_png(data: bytes, max_side: int = MAX_SIDE) -> bytes | None:
    """The picture in `data` as a fresh PNG (RGB or RGBA, at most `max_side` pixels on the
    long side) that carries no EXIF, XMP, ICC profile, GPS or text chunk; None when it cannot
    be read, including a decompression bomb (more pixels than Pillow's MAX_IMAGE_PIXELS)."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse those too
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                img.draft("RGB", (max_side, max_side))  # JPEG: decode at a reduced scale
                upright = ImageOps.exif_transpose(img) or img
                upright.thumbnail((max_side, max_side))
                alpha = upright.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                mode = "RGBA" if alpha else "RGB"
                pixels = upright.convert(mode)
                # a new image from the bare pixels: nothing of the file's info can follow
                clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
        out = io.BytesIO()
        clean.save(out, "PNG")
        return out.getvalue()
    # hostile bytes fail in many ways inside Pillow (OSError, SyntaxError, struct.error...):
    # every one of them means the same thing here, a placeholder instead of the picture
    except Exception:
        return None

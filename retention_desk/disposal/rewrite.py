"""Originals after destruction: rewritten without the destroyed items, removed, or retained.

An original (a source file's stored bytes) is the record as the platform exported it, so a
destroyed record survives in every original that holds it. After a batch's records are deleted,
each original they came from is settled:

- no kept record comes from it any more: its bytes are deleted (the source file row stays,
  without a blob, so the import history and its seal still hold);
- kept records come from it and its format can be split: it is rewritten without the destroyed
  items (CSV rows, JSON array items, WARC records with their request and metadata records;
  zip members are stored one by one, so a member is split as its own format), the new bytes
  stored and the row pointed at them; an item is cut out only when it is the one its record was
  imported from;
  `source_files.sha256` keeps the SHA-256 of the file as imported, so the same export imported
  again is still recognised as imported and cannot bring the destroyed records back;
- otherwise (WACZ, whose signature covers the package; ARC; a WARC gzipped as a whole or a
  capture a kept revisit refers to; an item that is the whole file; anything that does not read
  back byte for byte) it is kept, and the destroyed records are listed as retained in it,
  record by record, until its last record is destroyed.

Locators of kept records still name their place in the original as imported: renumbering them
would change their seals, and a kept record on a later batch of the same report would then no
longer match its approved snapshot.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import blobs, seal

REWRITTEN, REMOVED, RETAINED = "rewritten", "removed", "retained"


@dataclass(frozen=True)
class OriginalOutcome:
    source_file_id: int
    action: str  # rewritten | removed | retained
    old_blob: str
    new_blob: str | None
    removed_items: int
    reason: str = ""  # why it was retained, one sentence
    record_ids: tuple[int, ...] = ()  # destroyed records it held


class Unsplittable(Exception):
    """The original cannot be rewritten without the items safely; the message says why."""


def _marks(ids: Sequence[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


@dataclass
class Held:
    """What destroyed records had inside one original: locators by record, and the raw item
    each version was read from (to check the item about to be cut out is that one)."""

    locators: dict[int, set[str | None]]
    raw: dict[str, str]


def sources_of(conn: Connection, ids: Sequence[int]) -> dict[int, Held]:
    """source_file_id -> what `ids` hold inside it (read before deletion)."""
    out: dict[int, Held] = {}
    marks = _marks(ids)
    for rid, sid, loc, raw in conn.exec_driver_sql(
        f"SELECT record_id, source_file_id, locator, NULL FROM record_sources"
        f" WHERE record_id IN ({marks})"
        f" UNION SELECT record_id, source_file_id, locator, raw_json FROM record_versions"
        f" WHERE record_id IN ({marks}) AND source_file_id IS NOT NULL"
    ).all():
        held = out.setdefault(int(sid), Held({}, {}))
        held.locators.setdefault(int(rid), set()).add(loc)
        if loc is not None and raw is not None:
            held.raw[str(loc)] = str(raw)
    return out


def settle(conn: Connection, held: dict[int, Held]) -> tuple[list[OriginalOutcome], list[str]]:
    """Settle each original in `held` (after the records were deleted). Returns the outcomes
    and the blobs no longer named by their source file (candidates for deletion)."""
    outcomes: list[OriginalOutcome] = []
    released: list[str] = []
    for sid in sorted(held):
        row = conn.exec_driver_sql(
            "SELECT name, blob_sha256, detected_format, details_json FROM source_files"
            " WHERE id = ?",
            (sid,),
        ).first()
        if row is None or row[1] is None:
            continue  # nothing stored (a failed file, or removed by an earlier batch)
        name, blob, fmt, details = str(row[0]), str(row[1]), str(row[2] or ""), row[3]
        record_ids = tuple(sorted(held[sid].locators))
        locators = sorted({loc for locs in held[sid].locators.values() for loc in locs}, key=str)
        kept = conn.exec_driver_sql(
            "SELECT 1 FROM record_sources WHERE source_file_id = ? UNION ALL"
            " SELECT 1 FROM record_versions WHERE source_file_id = ? LIMIT 1",
            (sid, sid),
        ).first()
        if kept is None:
            conn.exec_driver_sql("UPDATE source_files SET blob_sha256 = NULL WHERE id = ?", (sid,))
            seal.touch(conn, seal.SOURCE_FILE, [sid])
            released.append(blob)
            outcomes.append(
                OriginalOutcome(sid, REMOVED, blob, None, len(record_ids), "", record_ids)
            )
            continue
        try:
            data = blobs.read_bytes(conn, blob)
            new = split(data, name, fmt, _loads(details), locators, held[sid].raw)
        except Unsplittable as exc:
            outcomes.append(OriginalOutcome(sid, RETAINED, blob, None, 0, str(exc), record_ids))
            continue
        new_sha, _size = blobs.put_bytes(conn, new)
        conn.exec_driver_sql("UPDATE source_files SET blob_sha256 = ? WHERE id = ?", (new_sha, sid))
        seal.touch(conn, seal.SOURCE_FILE, [sid])
        if new_sha != blob:
            released.append(blob)
        outcomes.append(
            OriginalOutcome(sid, REWRITTEN, blob, new_sha, len(set(locators)), "", record_ids)
        )
    return outcomes, released


def _loads(value: Any) -> dict[str, Any]:
    try:
        out = json.loads(value or "{}")
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def split(
    data: bytes,
    name: str,
    fmt: str,
    details: dict[str, Any],
    locators: Sequence[str | None],
    expected: dict[str, str] | None = None,
) -> bytes:
    """`data` without the items `locators` name, or Unsplittable. `expected` maps a locator
    to the raw JSON its record was read from: an item found there that is not that one (the
    file or the numbering is not what the importer saw) is not cut out, the file is kept."""
    expected = expected or {}
    fmt = fmt.lower()
    if fmt in ("wacz",) or name.lower().endswith(".wacz"):
        raise Unsplittable("a WACZ package is signed as a whole and cannot be split")
    if fmt == "arc" or name.lower().endswith((".arc", ".arc.gz")):
        raise Unsplittable("ARC files are not split (the file is kept whole)")
    if any(loc is None or loc == name for loc in locators):
        raise Unsplittable("a destroyed record is the whole file")
    if fmt == "warc" or name.lower().endswith((".warc", ".warc.gz")):
        return _split_warc(data, name, [str(loc) for loc in locators])
    if fmt == "csv" or all(_CSV_LOCATOR.search(str(loc)) for loc in locators):
        return _split_csv(data, details, [str(loc) for loc in locators], expected)
    return _split_json(data, name, [str(loc) for loc in locators], expected)


_CSV_LOCATOR = re.compile(r" row (\d+) \(line (\d+)\)$")


def _same(raw: str | None, item: Any) -> bool:
    if raw is None:
        return True
    try:
        want = json.loads(raw)
    except ValueError:
        return False
    if isinstance(want, dict) and isinstance(item, dict):
        return all(item.get(k) == v for k, v in want.items())
    return bool(want == item)


def _split_csv(
    data: bytes, details: dict[str, Any], locators: Sequence[str], expected: dict[str, str]
) -> bytes:
    options = details.get("csv") if isinstance(details.get("csv"), dict) else {}
    encoding = str((options or {}).get("encoding") or "utf-8")
    delimiter = str((options or {}).get("delimiter") or ",")
    try:
        text = data.decode(encoding)
        if text.encode(encoding) != data:
            raise Unsplittable(f"the CSV does not read back byte for byte as {encoding}")
    except (LookupError, UnicodeError) as exc:
        raise Unsplittable(f"the CSV cannot be read as {encoding}") from exc
    lines = list(io.StringIO(text, newline=""))
    # physical lines of each row, keyed by the line the row starts on (1-based)
    spans: dict[int, tuple[int, int]] = {}
    cells: dict[int, dict[str, str]] = {}
    reader = csv.reader(iter(lines), delimiter=delimiter)
    start = 1
    header: list[str] | None = None
    try:
        for row in reader:
            spans[start] = (start, reader.line_num)
            if header is None:
                header = [h.lstrip("\ufeff") for h in row]
            cells[start] = dict(zip(header, row, strict=False))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Unsplittable("the CSV cannot be read row by row") from exc
    drop: set[int] = set()
    for loc in locators:
        match = _CSV_LOCATOR.search(loc)
        if match is None:
            raise Unsplittable("a destroyed row is not named by its line")
        line = int(match.group(2))
        if line <= 1 or line not in spans:
            raise Unsplittable(f"line {line} does not start a row")
        if not _same(expected.get(loc), cells.get(line)):
            raise Unsplittable(f"line {line} is not the row the record was imported from")
        first, last = spans[line]
        drop.update(range(first, last + 1))
    kept = [text_line for n, text_line in enumerate(lines, start=1) if n not in drop]
    return "".join(kept).encode(encoding)


_JS_PREFIX = re.compile(r"^\s*[A-Za-z_$][\w.$\[\]\"']*\s*=\s*")
_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def _path(loc: str, name: str) -> list[str | int]:
    if not loc.startswith(name):
        raise Unsplittable("a destroyed item is not named inside this file")
    rest = loc[len(name) :]
    if rest.startswith("#"):
        rest = rest[1:]
    steps: list[str | int] = []
    pos = 0
    while pos < len(rest):
        match = _STEP.match(rest, pos)
        if match is None or match.end() == pos:
            raise Unsplittable("a destroyed item's place cannot be read")
        steps.append(int(match.group(1)) if match.group(1) is not None else match.group(2))
        pos = match.end()
    if not steps or not isinstance(steps[-1], int):
        raise Unsplittable("a destroyed item is not an item of a list")
    return steps


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _v in pairs]
    if len(set(keys)) != len(keys):
        # writing the object back would keep only the last value of a repeated key
        raise Unsplittable("the file repeats a key in one object, which a rewrite would lose")
    return dict(pairs)


def _split_json(data: bytes, name: str, locators: Sequence[str], expected: dict[str, str]) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unsplittable("the file is not UTF-8 JSON") from exc
    prefix = ""
    match = _JS_PREFIX.match(text)
    if match and not text.lstrip().startswith(("[", "{")):
        prefix, text = text[: match.end()], text[match.end() :]
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError as exc:
        raise Unsplittable("the file is not JSON that can be split into items") from exc
    targets: dict[tuple[str | int, ...], dict[int, str]] = {}
    for loc in locators:
        steps = _path(loc, name)
        targets.setdefault(tuple(steps[:-1]), {})[int(steps[-1])] = loc  # type: ignore[arg-type]
    for container_path, indexes in targets.items():
        node: Any = document
        for step in container_path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError) as exc:
                raise Unsplittable("a destroyed item is no longer where it was found") from exc
        if not isinstance(node, list) or max(indexes) >= len(node):
            raise Unsplittable("a destroyed item is no longer where it was found")
        for index in sorted(indexes, reverse=True):
            if not _same(expected.get(indexes[index]), node[index]):
                raise Unsplittable("an item is not the one its record was imported from")
            del node[index]
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return (prefix + body + ("\n" if data.endswith(b"\n") else "")).encode("utf-8")


def _split_warc(data: bytes, name: str, locators: Sequence[str]) -> bytes:
    """Cut whole WARC records (with the records written concurrently with them: the request,
    metadata) out of a plain WARC or one gzip member per record; a whole-file gzip, a capture
    a kept revisit refers to, or an item inside a record (API JSON statuses) keeps the file."""
    import gzip
    import zlib

    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    gone_offsets: set[int] = set()
    for loc in locators:
        match = re.fullmatch(re.escape(name) + r"@(\d+)", loc)
        if match is None:
            raise Unsplittable("a destroyed item is part of a web archive record")
        gone_offsets.add(int(match.group(1)))
    records: list[tuple[int, int, str, str, str]] = []  # offset, length, id, concurrent, refers
    try:
        iterator = ArchiveIterator(io.BytesIO(data), no_record_parse=True)
        for record in iterator:
            offset = iterator.get_record_offset()
            headers = record.rec_headers
            ids = (
                str(headers.get_header("WARC-Record-ID") or ""),
                str(headers.get_header("WARC-Concurrent-To") or ""),
                str(headers.get_header("WARC-Refers-To") or ""),
            )
            iterator.read_to_end(record)
            records.append((offset, iterator.get_record_length(), *ids))
    except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
        raise Unsplittable("the WARC cannot be read record by record") from exc
    # a record runs to the next one's start (plain WARC records end in a blank-line trailer
    # warcio leaves out of the length)
    spans: dict[int, tuple[int, int]] = {}
    for n, (offset, _length, *_ids) in enumerate(records):
        end = records[n + 1][0] if n + 1 < len(records) else len(data)
        piece = data[offset:end]
        try:
            head = gzip.decompress(piece)[:5] if piece[:2] == b"\x1f\x8b" else piece[:5]
        except (OSError, EOFError, zlib.error) as exc:
            raise Unsplittable("the WARC is compressed as a whole, not record by record") from exc
        if head != b"WARC/" or (n == 0 and offset != 0):
            raise Unsplittable("the WARC is compressed as a whole, not record by record")
        spans[offset] = (offset, end)
    by_offset = {r[0]: r for r in records}
    if not gone_offsets <= set(by_offset):
        raise Unsplittable("a destroyed record is no longer where it was found")
    gone_ids = {by_offset[o][2] for o in gone_offsets}
    # records written with a destroyed one (its request, metadata), either way round
    gone_ids |= {by_offset[o][3] for o in gone_offsets if by_offset[o][3]}
    drop = {r[0] for r in records if r[2] in gone_ids or (r[3] and r[3] in gone_ids)}
    drop |= gone_offsets
    kept = [r for r in records if r[0] not in drop]
    if any(r[4] and r[4] in gone_ids for r in kept):
        raise Unsplittable("a kept capture is a revisit of a destroyed one")
    return b"".join(data[spans[r[0]][0] : spans[r[0]][1]] for r in kept)

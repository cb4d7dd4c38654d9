"""Generic CSV: vendor exports (ArchiveSocial/CivicPlus, Pagefreezer) and hand-kept spreadsheets.

No vendor publishes a schema, so columns are mapped to record fields by a mapping
(`csv_mapping`): given (`--mapping`, a preset, the Import window's dialog) or guessed from the
header names. A file whose columns cannot be guessed is refused with its headers listed and
the way to give a mapping. Claims are weak (confidence 30) so format-specific CSV importers
(X's tweets.csv) win the same file.

Reading is RFC 4180 the way Excel writes it: UTF-8 with or without BOM, else Windows-1252;
`,` `;` or tab, sniffed; quoted fields may hold newlines and doubled quotes. Cells are text and
stay text: `=HYPERLINK(...)` is stored literally, ids are never turned into numbers.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, upsert_account
from retention_desk.archive.settings import DEFAULT_TIME_ZONE, get_value
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, clean_record, clean_text, dumps_raw
from retention_desk.importers.csv_mapping import (
    MappingError,
    auto_map,
    missing_essentials,
    normalise_kind,
    normalise_platform,
    parse_cell_time,
    parse_flag,
    validate_mapping,
)
from retention_desk.importers.tree import SourceTree

FIELD_LIMIT = 10 * 1024 * 1024  # one cell; no real post is near it, a runaway quote is
HEAD_BYTES = 64 * 1024
SAMPLE_ROWS = 20
CSV_SUFFIXES = (".csv", ".tsv", ".tab")
TEXT_SUFFIXES = (".txt",)  # claimed only when the columns map: prose .txt files are common
MAX_LISTED = 25  # warnings of one kind listed per file before a summary line
PREVIEW_ROWS = 200_000
DELIMITERS = ",;\t"
# Ids that went through a floating-point number: Excel's scientific form, or a long id with a
# '.0' tail (pandas); past 15 digits a float cannot hold them, so the real id is lost.
_EXCEL_DAMAGED = re.compile(r"^(?:[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+|\d{16,}[.,]0+)$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


# ------------------------------------------------------------------------------ reading
class _Raw(io.RawIOBase):
    """Lets io.TextIOWrapper read any tree stream (zip members are not real file objects)."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._fh.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
        super().close()


def guess_encoding(head: bytes) -> str:
    """Encoding from the first bytes only (detection); `full_encoding` checks the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (with byte-order mark)",
    "utf-16": "UTF-16 (Excel 'Unicode text')",
    "cp1252": "Windows-1252 (Excel on Windows); it is not UTF-8",
    "latin-1": "Latin-1; it is neither UTF-8 nor Windows-1252, check accented letters",
}


def _decodes(tree: SourceTree, path: str, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with tree.open(path) as fh:
            while block := fh.read(1024 * 1024):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def full_encoding(tree: SourceTree, path: str) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, then Windows-1252, then Latin-1 (never fails)."""
    guess = guess_encoding(tree.head(path, 4))
    if guess == "utf-16":
        if _decodes(tree, path, "utf-16"):
            return "utf-16"
        raise ParseError(f"{path}: starts like UTF-16 text but is not valid UTF-16")
    if guess == "utf-8-sig":
        if _decodes(tree, path, "utf-8-sig"):
            return "utf-8-sig"
        raise ParseError(
            f"{path}: starts with a UTF-8 byte-order mark but contains bytes that are not"
            " UTF-8; the file looks damaged"
        )
    for encoding in ("utf-8", "cp1252"):
        if _decodes(tree, path, encoding):
            return encoding
    return "latin-1"


def _open_text(tree: SourceTree, path: str, encoding: str) -> io.TextIOWrapper:
    # newline='' hands '\r\n' and lone '\r' inside quoted cells to the csv module untouched.
    raw = io.BufferedReader(_Raw(tree.open(path)), buffer_size=256 * 1024)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def sniff_delimiter(sample: str) -> str:
    """`,` `;` or tab: csv.Sniffer restricted to those, checked against how the rows split."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the head may end mid-row
    body = "".join(lines[:200])

    def score(delimiter: str) -> tuple[bool, float, int]:
        try:
            rows = [r for r in csv.reader(io.StringIO(body), delimiter=delimiter) if r][:50]
        except csv.Error:
            return (False, 0.0, 0)
        if not rows:
            return (False, 0.0, 0)
        # the most common width, not the first row's: a vendor's title line may come first
        widths = Counter(len(r) for r in rows)
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        return (width > 1, count / len(rows), width)

    try:
        sniffed = csv.Sniffer().sniff(body, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed is not None:
        ok, same, _ = score(sniffed)
        if ok and same >= 0.8:
            return sniffed
    return max(DELIMITERS, key=score)


def unique_headers(raw: list[str]) -> list[str]:
    """Header names as keys: blanks become 'Column N', repeats 'Name (2)'."""
    seen: dict[str, int] = {}
    result = []
    for index, name in enumerate(raw, 1):
        name = clean_text(name).strip() or f"Column {index}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        result.append(name)
    return result


def _ends_inside_quotes(raw: str, delimiter: str) -> bool:
    """Whether a row's raw text ends inside a quoted field (the csv module, not strict, would
    silently return the partial field at end of file)."""
    quoted = False
    at_start = True
    i = 0
    while i < len(raw):
        c = raw[i]
        if quoted:
            if c == '"':
                if raw[i + 1 : i + 2] == '"':
                    i += 1
                else:
                    quoted = False
        elif c == '"' and at_start:
            quoted = True
            at_start = False
        else:
            at_start = c in (delimiter, "\n", "\r")
        i += 1
    return quoted


def iter_rows(stream: io.TextIOBase, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) per row. Raises ParseError naming the file and the line
    for a runaway field or a quote left open at the end of the file."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    current: list[str] = []
    ended = [False]

    def lines() -> Iterator[str]:
        for line in stream:
            current.append(line)
            yield line
        ended[0] = True

    reader = csv.reader(lines(), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        current.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ParseError(
                    f"{name}: the row starting at line {start} has a cell over"
                    f' {FIELD_LIMIT // (1024 * 1024)} MB; most likely a quote (") is never'
                    " closed there"
                ) from None
            raise ParseError(f"{name}: line {start}: {exc}") from None
        # Only a row that ran into the end of the file can have an open quote: the reader
        # asks for another line only while it is inside one (or after the last row).
        if ended[0] and _ends_inside_quotes("".join(current), delimiter):
            raise ParseError(
                f"{name}: the quoted cell in the row starting on line {start} is never closed"
                ' (unterminated quote "); the file is cut short or damaged'
            )
        yield start, row


@dataclass
class CsvInfo:
    """What the head of a CSV file shows: enough to map its columns and preview it."""

    encoding: str
    delimiter: str
    headers: list[str]
    header_index: int  # rows before the header (a vendor's title line) are skipped
    sample: list[list[str]] = field(default_factory=list)


def _looks_like_header(row: list[str]) -> bool:
    filled = [c for c in row if c.strip()]
    return (
        len(row) >= 2
        and len(filled) * 2 >= len(row)
        and all(len(c) <= 200 for c in row)
        and any(any(ch.isalpha() for ch in c) for c in filled)
    )


def peek(tree: SourceTree, path: str, rows: int = SAMPLE_ROWS) -> CsvInfo | None:
    """Read the head of a file; None when it is not a delimited table."""
    head = tree.head(path, HEAD_BYTES)
    if not head.strip():
        return None
    encoding = guess_encoding(head)
    if encoding not in ("utf-16",) and b"\x00" in head:
        return None  # binary
    truncated = len(head) >= HEAD_BYTES
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    if text.lstrip()[:1] in ("{", "[", "<"):
        return None  # JSON, HTML, XML
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    delimiter = sniff_delimiter(text)
    try:
        parsed = [r for _, r in _quiet_rows(text, delimiter, rows + 12)]
    except csv.Error:
        return None
    if truncated and len(parsed) > 1:
        parsed = parsed[:-1]  # may stop inside a quoted cell
    # A vendor may put a title line or two above the header: the header is the first row that
    # reads like one and that the data rows under it line up with.
    for index, row in enumerate(parsed[:10]):
        if not _looks_like_header(row):
            continue
        data = [r for r in parsed[index + 1 :] if any(c.strip() for c in r)]
        if data and sum(1 for r in data if len(r) == len(row)) * 2 < len(data):
            continue
        return CsvInfo(encoding, delimiter, unique_headers(row), index, data[:rows])
    return None


def _quiet_rows(text: str, delimiter: str, limit: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for index, row in enumerate(reader):
        if index >= limit:
            return
        yield index, row


# ----------------------------------------------------------------------------- mapping
@dataclass
class FilePlan:
    """How one file will be read: its layout and the mapping chosen for it."""

    info: CsvInfo
    mapping: dict[str, str]
    source: str  # 'given' | 'auto'
    problem: str | None = None  # why it cannot be imported as it stands


def _example(headers: list[str]) -> str:
    text_col = headers[0] if headers else "Message"
    time_col = headers[1] if len(headers) > 1 else "Date"
    return json.dumps({"text": text_col, "created_at": time_col}, ensure_ascii=False)


def refusal(path: str, headers: list[str], missing: list[str], given: str | None = None) -> str:
    """The message for a file whose columns cannot be mapped: its headers and what to do."""
    what = (
        given
        or f"could not tell which columns hold the records (found no {' and no '.join(missing)})"
    )
    return (
        f"{path}: {what}. Its columns are: {', '.join(repr(h) for h in headers)}. Give a column"
        f" mapping: retention-desk import --format csv --mapping '{_example(headers)}' PATH, or"
        " the name of a saved preset (--mapping NAME, see 'retention-desk mapping list'), or"
        " 'Column mapping...' in the Import window."
    )


def plan_file(path: str, info: CsvInfo, options: ImportOptions, *, meant: bool) -> FilePlan:
    """Choose the mapping for one file: the given one when its columns are all there, else the
    guessed one; `problem` says why neither works.

    `meant`: the person pointed at this very file (alone, or with --format csv); a given
    mapping that does not fit it is then an error, not a reason to guess.
    """
    guessed = auto_map(info.headers)
    missing = missing_essentials(guessed)
    if options.mapping:
        try:
            return FilePlan(info, validate_mapping(options.mapping, info.headers), "given")
        except MappingError as exc:
            if meant or missing:
                given = f"the column mapping does not fit ({exc})"
                return FilePlan(info, guessed, "auto", refusal(path, info.headers, [], given))
    problem = refusal(path, info.headers, missing) if missing else None
    return FilePlan(info, guessed, "auto", problem)


# ---------------------------------------------------------------------------- records
def _split_media(cell: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"[\r\n|;]+", cell) if p.strip()]
    result: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        # Commas separate URLs (X's expanded_urls) but may also be inside a file name.
        if len(pieces) > 1 and all(_URL.match(p) for p in pieces):
            result += pieces
        else:
            result.append(part)
    return result


@dataclass
class _Counters:
    """Row problems of one kind: the first few listed, then a count."""

    label: str
    rows: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, detail: str) -> None:
        self.count += 1
        if len(self.rows) < MAX_LISTED:
            self.rows.append(detail)

    def messages(self) -> list[str]:
        if not self.count:
            return []
        more = self.count - len(self.rows)
        return [f"{self.label}: {r}" for r in self.rows] + (
            [f"{self.label}: ... and {more} more rows"] if more > 0 else []
        )


class RowReader:
    """Turns rows of one planned file into RecordIn objects (no database access)."""

    def __init__(self, path: str, plan: FilePlan, options: ImportOptions, tz: ZoneInfo) -> None:
        self.path = path
        self.plan = plan
        self.options = options
        self.tz = tz
        self.headers = plan.info.headers
        self.index = {h: i for i, h in enumerate(self.headers)}
        self.mapped = {f: self.index[c] for f, c in plan.mapping.items() if c in self.index}
        self.used = set(self.mapped.values())
        self.default_platform = normalise_platform(options.platform) or "csv"
        self.seen_keys: dict[tuple[str, str], int] = {}
        self.bad_dates = _Counters("date not understood, record kept without it")
        self.bad_flags = _Counters("deleted/hidden value not understood, not flagged")
        self.damaged = _Counters(
            "id in spreadsheet number form (Excel rounded it; the real id is unrecoverable)"
        )
        self.bad_kinds = _Counters("kind not recognised, taken from parent presence")
        self.width = _Counters(f"row length differs from the {len(self.headers)} headers")
        self.blank_rows = 0
        self.now = timeutil.utcnow()

    def cell(self, row: list[str], name: str) -> str:
        index = self.mapped.get(name)
        if index is None or index >= len(row):
            return ""
        return row[index]

    def time(self, value: str, where: str) -> datetime | None:
        try:
            return parse_cell_time(value, self.tz)
        except ParseError as exc:
            self.bad_dates.add(f"{where}: {exc}")
            return None

    def record(self, number: int, line: int, row: list[str]) -> RecordIn | None:
        """One spreadsheet row (number as Excel shows it: the header is row 1) -> a record."""
        if not any(c.strip() for c in row):
            self.blank_rows += 1
            return None
        where = f"row {number} (line {line})"
        if len(row) != len(self.headers):
            self.width.add(f"{where} has {len(row)} cells")
        # Cells come from a strict decode, so they hold no lone surrogates: no cleaning needed
        # per cell (clean_record below still guards every stored field).
        headers = self.headers
        raw = {
            (headers[i] if i < len(headers) else f"Column {i + 1}"): v for i, v in enumerate(row)
        }
        text_value = self.cell(row, "text")
        title = self.cell(row, "title") or None
        author = self.cell(row, "author").strip() or None
        handle = self.cell(row, "author_handle").strip().removeprefix("@") or None
        time_raw = self.cell(row, "created_at").strip()
        platform = normalise_platform(self.cell(row, "platform")) or self.default_platform
        parent = self.cell(row, "parent").strip() or None
        extra: dict[str, Any] = {
            "columns": {k: v for i, (k, v) in enumerate(raw.items()) if i not in self.used and v}
        }

        ident = self.cell(row, "id").strip()
        platform_id: str | None = ident or None
        if not ident or _EXCEL_DAMAGED.match(ident):
            content = hashlib.sha256(
                "\x1f".join(
                    (platform, handle or author or "", time_raw, title or "", text_value)
                ).encode("utf-8")
            ).hexdigest()
            if ident:
                self.damaged.add(f"{where}: {ident}")
                extra["excel_damaged_id"] = ident
                platform_id = None
                key = f"{ident}~{content[:16]}"
            else:
                key = f"h:{content[:40]}"
        else:
            key = ident
        # The same key twice in one file: a true id repeats (same record seen twice, merged
        # as versions); a content key repeating means two identical rows, kept apart.
        seen = self.seen_keys.get((platform, key), 0) + 1
        self.seen_keys[(platform, key)] = seen
        if seen > 1 and platform_id is None:
            key = f"{key}#{seen}"

        kind_cell = self.cell(row, "kind").strip()
        kind = normalise_kind(kind_cell)
        if kind is None:
            if kind_cell:
                self.bad_kinds.add(f"{where}: {kind_cell!r}")
                extra["kind"] = kind_cell
            kind = "reply" if parent else "post"
        account = self.cell(row, "account").strip()
        if account:
            extra["account"] = account

        rec = RecordIn(
            platform=platform,
            kind=kind,
            record_key=key,
            text=text_value,
            title=title,
            platform_id=platform_id,
            parent_key=parent,
            conversation_key=self.cell(row, "conversation").strip() or None,
            author_name=author,
            author_handle=handle,
            author_platform_id=self.cell(row, "author_id").strip() or None,
            created_at=self.time(time_raw, where) if time_raw else None,
            created_at_raw=time_raw or None,
            url=self.cell(row, "url").strip() or None,
            extra=extra,
            raw_json=dumps_raw(raw),
            locator=f"{self.path} row {number} (line {line})",
        )
        self._flags(rec, row, where, extra)
        return clean_record(rec)

    def _flags(self, rec: RecordIn, row: list[str], where: str, extra: dict[str, Any]) -> None:
        for name in ("deleted", "hidden"):
            value = self.cell(row, name)
            if not value.strip():
                continue
            try:
                flagged, when = parse_flag(value, self.tz)
            except ParseError as exc:
                self.bad_flags.add(f"{where}: {name} {exc}")
                extra[name] = value
                continue
            if not flagged:
                continue
            # 'Yes' says it was gone by the time of the export, not when: the import time
            # stands in, and the cell as written is kept beside it.
            if name == "deleted":
                rec.deleted_at = when or self.now
                rec.deleted_at_raw = value.strip()
            else:
                rec.hidden_at = when or self.now
                extra["hidden"] = value.strip()

    def media_items(self, row: list[str]) -> list[str]:
        cell = self.cell(row, "media")
        return _split_media(cell) if cell.strip() else []

    def warnings(self) -> list[str]:
        result: list[str] = []
        if self.damaged.count:
            result.append(
                f"{self.path}: {self.damaged.count} id(s) were saved by Excel in number form"
                " (e.g. 6.50041E+17): the real ids are lost. Those records are kept under the"
                " damaged id plus a content hash; ask the vendor for an export not opened in"
                " Excel to recover them."
            )
        for counter in (self.damaged, self.bad_dates, self.bad_flags, self.bad_kinds, self.width):
            result += [f"{self.path}: {m}" for m in counter.messages()]
        if self.blank_rows:
            result.append(f"{self.path}: {self.blank_rows} empty row(s) skipped")
        return result


def rows_of(
    tree: SourceTree, path: str, plan: FilePlan, encoding: str
) -> Iterator[tuple[int, int, list[str]]]:
    """(spreadsheet row number, first line, cells) for every data row after the header."""
    with _open_text(tree, path, encoding) as stream:
        number = 0
        for index, (line, row) in enumerate(iter_rows(stream, plan.info.delimiter, path)):
            number += 1
            if index <= plan.info.header_index:
                continue  # title lines and the header itself
            yield number, line, row


# ---------------------------------------------------------------------------- importer
def agency_zone(conn: Any) -> tuple[ZoneInfo, str | None]:
    name = str(get_value(conn, "setting.time_zone", DEFAULT_TIME_ZONE) or DEFAULT_TIME_ZONE)
    try:
        return ZoneInfo(name), None
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE), (
            f"the archive's time zone {name!r} is unknown; {DEFAULT_TIME_ZONE} used"
        )


class CsvImporter:
    name = "csv"
    label = "CSV spreadsheet (generic, column mapping)"
    platform = "csv"

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        if options.mapping is not None:
            try:
                validate_mapping(options.mapping)  # refused before any file is looked at
            except MappingError as exc:
                raise ParseError(f"column mapping: {exc}") from None
        forced = options.format == self.name
        claims = []
        for item in tree.files:
            lower = item.path.casefold()
            is_csv = lower.endswith(CSV_SUFFIXES)
            if not (forced or is_csv or lower.endswith(TEXT_SUFFIXES)):
                continue
            info = peek(tree, item.path)
            if info is None:
                continue
            # Refuse loudly only where the person meant this file: alone, or forced.
            # A CSV inside another platform's export is not ours to complain about.
            meant = forced or (tree.kind == "file" and is_csv)
            plan = plan_file(item.path, info, options, meant=meant)
            if plan.problem is not None:
                if not meant:
                    continue
                confidence = 10
            else:
                confidence = 30
            claims.append(
                Claim(
                    format=self.name,
                    files=[item.path],
                    label=self.label,
                    confidence=confidence,
                    state={"plan": plan},
                )
            )
        return claims

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        path = claim.files[0]
        plan: FilePlan = claim.state["plan"]
        notes = self._plan_notes(plan)
        if plan.problem:
            return Preview(
                self.name, self.label, tree.label, options.account, None, None, None,
                claim.files, [plan.problem, *notes],
            )  # fmt: skip
        reader = RowReader(path, plan, options, ZoneInfo(DEFAULT_TIME_ZONE))
        count, first, last = 0, None, None
        accounts: set[str] = set()
        partial = False
        try:
            encoding = full_encoding(tree, path)
            notes.insert(0, f"Encoding: {_ENCODING_LABELS[encoding]}")
            for number, line, row in rows_of(tree, path, plan, encoding):
                rec = reader.record(number, line, row)
                if rec is None:
                    continue
                count += 1
                if rec.created_at is not None:
                    first = min(first or rec.created_at, rec.created_at)
                    last = max(last or rec.created_at, rec.created_at)
                if "account" in rec.extra and len(accounts) < 10:
                    accounts.add(rec.extra["account"])
                if count >= PREVIEW_ROWS:
                    partial = True
                    break
        except ParseError as exc:
            notes.insert(0, f"Cannot be imported: {exc}")
        notes += reader.warnings()[:20]
        if partial:
            notes.append(f"Only the first {PREVIEW_ROWS:,} rows were read for this preview")
        account = options.account or (next(iter(accounts)) if len(accounts) == 1 else None)
        if len(accounts) > 1:
            notes.append("Accounts in the file: " + ", ".join(sorted(accounts)))
        return Preview(
            self.name, self.label, tree.label, account, first, last, count, claim.files, notes
        )

    @staticmethod
    def _plan_notes(plan: FilePlan) -> list[str]:
        info = plan.info
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}[info.delimiter]
        used = set(plan.mapping.values())
        unmapped = [h for h in info.headers if h not in used]
        notes = [
            f"{len(info.headers)} columns, {delimiter}-separated",
            ("Mapping given: " if plan.source == "given" else "Mapping guessed from headers: ")
            + ", ".join(f"{f} = {c!r}" for f, c in plan.mapping.items()),
        ]
        if unmapped:
            notes.append("Kept as extra columns: " + ", ".join(repr(h) for h in unmapped))
        if info.header_index:
            notes.append(f"{info.header_index} line(s) before the header row skipped")
        return notes

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        plan: FilePlan = claim.state["plan"]
        if plan.problem:
            raise ParseError(plan.problem)
        tz, zone_problem = agency_zone(ctx.conn)
        if zone_problem:
            ctx.warn(zone_problem)
        encoding = full_encoding(tree, path)
        if encoding not in ("utf-8", "utf-8-sig"):
            ctx.warn(f"{path}: read as {_ENCODING_LABELS[encoding]}")
        ctx.details["csv"] = {
            "encoding": encoding,
            "delimiter": plan.info.delimiter,
            "mapping": plan.mapping,
            "mapping_source": plan.source,
            "preset": ctx.options.mapping_preset,
            "header_row": plan.info.header_index + 1,
            "time_zone": str(tz),
        }
        reader = RowReader(path, plan, ctx.options, tz)
        # rows without an account keep the one the runner chose for the file (if any)
        accounts: dict[tuple[str, str], int | None] = {("", ""): ctx.writer.account_id}
        for number, line, row in rows_of(tree, path, plan, encoding):
            if number % 1000 == 0:
                ctx.check_cancel()
            rec = reader.record(number, line, row)
            if rec is None:
                continue
            self._assign_account(ctx, rec, accounts)
            for item in reader.media_items(row):
                rec.media.append(self._media(ctx, item))
            ctx.writer.add(rec)
        for message in reader.warnings():
            ctx.warn(message)

    @staticmethod
    def _assign_account(
        ctx: FileContext, rec: RecordIn, accounts: dict[tuple[str, str], int | None]
    ) -> None:
        """Records go to the account the person chose, else to the row's account column.

        The writer stamps its current account on records when it flushes, so a change of
        account flushes first (rows of one account are usually together)."""
        handle = (ctx.options.account or rec.extra.get("account") or "").strip().lstrip("@")
        key = (rec.platform, handle) if handle else ("", "")
        account_id = accounts.get(key)
        if key not in accounts:
            account_id = upsert_account(
                ctx.conn, AccountIn(platform=rec.platform, account_key=handle, handle=handle)
            )
            accounts[key] = account_id
        if ctx.writer.account_id != account_id:
            ctx.writer.flush()
            ctx.writer.account_id = account_id

    @staticmethod
    def _media(ctx: FileContext, item: str) -> MediaIn:
        name = item.replace("\\", "/").rsplit("/", 1)[-1]
        if _URL.match(item):
            return MediaIn(original_uri=item, filename=name or None)
        parts = [p for p in item.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        # An absolute or Windows path from the vendor's machine: try ever shorter tails of it
        # against the files given (the export's own media folder).
        for start in range(len(parts)):
            candidate = "/".join(parts[start:])
            if ctx.locate(candidate) is not None:
                return ctx.media(candidate, original_uri=item, filename=name)
        return MediaIn(original_uri=item, filename=name or None)


IMPORTER = CsvImporter()

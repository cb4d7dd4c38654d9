"""CSV rows to records: the plan for a file (which column holds which field) and `RowReader`,
which turns each row into a RecordIn without touching the database.

Cells are text and stay text: `=HYPERLINK(...)` is stored literally, ids are never turned into
numbers. An id Excel already turned into a number (6.50041E+17) cannot be recovered: the
record keeps it beside a content hash, and the file gets a warning saying so. Row problems
(dates, flags, kinds, row widths) are counted and the first few listed per file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.common import ParseError, clean_record, dumps_raw
from retention_desk.importers.csv.mapping import (
    MappingError,
    auto_map,
    missing_essentials,
    normalise_kind,
    normalise_platform,
    parse_cell_time,
    parse_flag,
    validate_mapping,
)
from retention_desk.importers.csv.read import CsvInfo, iter_rows, open_text
from retention_desk.importers.tree import SourceTree

MAX_LISTED = 25  # warnings of one kind listed per file before a summary line
# Ids that went through a floating-point number: Excel's scientific form, or a long id with a
# '.0' tail (pandas); past 15 digits a float cannot hold them, so the real id is lost.
_EXCEL_DAMAGED = re.compile(r"^(?:[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+|\d{16,}[.,]0+)$")
URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")  # a URL (scheme://), not a file path


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
        if len(pieces) > 1 and all(URL.match(p) for p in pieces):
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
        """The row's cell for a record field; empty when unmapped or the row is short."""
        index = self.mapped.get(name)
        if index is None or index >= len(row):
            return ""
        return row[index]

    def time(self, value: str, where: str) -> datetime | None:
        """A cell's time in UTC; a value not understood is counted and gives None."""
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
        """The URLs and file paths of the row's media cell."""
        cell = self.cell(row, "media")
        return _split_media(cell) if cell.strip() else []

    def warnings(self) -> list[str]:
        """The file's row problems so far, as warnings naming the file."""
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
    with open_text(tree, path, encoding) as stream:
        number = 0
        for index, (line, row) in enumerate(iter_rows(stream, plan.info.delimiter, path)):
            number += 1
            if index <= plan.info.header_index:
                continue  # title lines and the header itself
            yield number, line, row

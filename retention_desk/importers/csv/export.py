"""Reading the CSV files of platform exports (Reddit data request, Google Takeout).

Strict RFC 4180 with physical line numbers in every error: UTF-8 only (a BOM is fine), so damage
such as cp1252 bytes from a spreadsheet re-save is reported with its line rather than guessed;
an unterminated quote (a truncated file) is an error instead of a swallowed remainder; a row
with fewer fields than the header fails the file. Headers are matched case- and
space-insensitively because exports change their case between versions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from retention_desk.importers.common import NOT_TABULAR_OR_XML_SUFFIXES, ParseError
from retention_desk.importers.tree import SourceTree

# Media and other files that can never be an export CSV: skipped without reading them.
BINARY_SUFFIXES = NOT_TABULAR_OR_XML_SUFFIXES | {".xml"}
_BLOCK = 64 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024


def norm_header(name: str) -> str:
    """'Comment Create Timestamp ' -> 'comment create timestamp' (exports vary the case)."""
    return " ".join(name.replace("\ufeff", "").split()).lower()


def csv_header(tree: SourceTree, path: str) -> list[str] | None:
    """The normalised header row of a CSV file, read from its head; None if it is not one."""
    if PurePosixPath(path).suffix.lower() in BINARY_SUFFIXES:
        return None
    try:
        head = tree.head(path, 8192)
    except OSError:
        return None
    if not head or b"\x00" in head:
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first = head.split(b"\n", 1)[0]
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        row = next(csv.reader([line]), None)
    except csv.Error:
        return None
    if not row or len(row) < 2:
        return None
    return [norm_header(c) for c in row]


@dataclass
class CsvRow:
    line: int  # physical line where the row starts (1 = header)
    values: dict[str, str]  # normalised header -> value
    raw: dict[str, str]  # header as written -> value (the verbatim row)


def _lines(tree: SourceTree, path: str) -> Iterator[str]:
    """Physical lines decoded as strict UTF-8, so a bad byte is reported with its line."""
    with tree.open(path) as fh:
        pending = b""
        number = 0
        while True:
            block = fh.read(_BLOCK)
            if not block:
                break
            pending += block
            *complete, pending = pending.split(b"\n")
            for raw in complete:
                number += 1
                yield _decode(raw + b"\n", number, path)
            if len(pending) > MAX_LINE_BYTES:
                # no export writes such a line; a file without newlines must not fill memory
                raise ParseError(
                    f"{path}: line {number + 1} is longer than {MAX_LINE_BYTES} bytes;"
                    " not a platform export CSV"
                )
        if pending:
            yield _decode(pending, number + 1, path)


def _decode(raw: bytes, number: int, path: str) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex().upper()
        raise ParseError(
            f"{path}: line {number} is not UTF-8 text (byte 0x{bad} at column {exc.start + 1});"
            " the file may have been re-saved by a spreadsheet program in another encoding."
            " Use the file exactly as the platform exported it"
        ) from None


def read_export_csv(tree: SourceTree, path: str, *, required: tuple[str, ...]) -> Iterator[CsvRow]:
    """Rows of a platform export CSV, with every problem raised as ParseError naming the file.

    Strict quoting: an unterminated quote (a truncated file) is an error, not a silently
    swallowed remainder. A row with fewer fields than the header means damage and fails the
    file; blank lines (Takeout ends files with several) are skipped.
    """
    reader = csv.reader(_lines(tree, path), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ParseError(f"{path}: empty file, no header row")
        keys = [norm_header(h) for h in header]
        missing = [c for c in required if c not in keys]
        if missing:
            raise ParseError(f"{path}: expected columns missing: {', '.join(missing)}")
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                raise ParseError(
                    f"{path}: line {line} has {len(row)} of {len(header)} columns;"
                    " the file looks truncated or damaged"
                )
            values = dict(zip(keys, row, strict=False))
            raw = dict(zip(header, row, strict=False))
            if len(row) > len(header):
                raw["(extra columns)"] = row[len(header) :]  # type: ignore[assignment]
            yield CsvRow(line=line, values=values, raw=raw)
    except csv.Error as exc:
        raise ParseError(f"{path}: broken CSV near line {reader.line_num}: {exc}") from None

"""Reading delimited text the way Excel and vendors write it (RFC 4180 and its variants).

Encoding: UTF-8 with or without BOM, UTF-16 with BOM (Excel's 'Unicode text'), else
Windows-1252, else Latin-1 (`full_encoding` reads the whole file to be sure). Delimiter: `,`
`;` or tab, sniffed (`sniff_delimiter`). Quoted cells may hold newlines and doubled quotes; a
cell is capped at FIELD_LIMIT so a quote never closed fails with the line named instead of
reading the rest of the file into one cell. `peek` finds the header row under any title lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from retention_desk.importers.common import ParseError, clean_text
from retention_desk.importers.tree import SourceTree

FIELD_LIMIT = 10 * 1024 * 1024  # one cell; no real post is near it, a runaway quote is
HEAD_BYTES = 64 * 1024
SAMPLE_ROWS = 20
DELIMITERS = ",;\t"


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


ENCODING_LABELS = {
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


def open_text(tree: SourceTree, path: str, encoding: str) -> io.TextIOWrapper:
    """The file as text for `iter_rows`, decoded with `encoding`."""
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

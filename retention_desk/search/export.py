"""Result rows written out as CSV or as one JSON list, row by row as they are read.

The writers take any iterable of rows, normally `SearchEngine.iter_rows(...)`, and never hold
more than one row, so an export of every record costs the same memory as one of fifty.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from json.encoder import encode_basestring  # the C escaper json.dumps uses
from typing import Any, TextIO

from retention_desk.search.results import ResultRow

COLUMNS: tuple[str, ...] = (
    "id",
    "platform",
    "account",
    "kind",
    "author",
    "created_at",
    "title",
    "text",
    "url",
    "deleted",
    "hidden",
    "edited",
    "thread_id",
    "matched_version",
    "matched_current",
)
_encode = json.JSONEncoder(ensure_ascii=False).encode
_KEYS = tuple((encode_basestring(c), c) for c in COLUMNS)
# Spreadsheet programs run a cell starting with these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def row_values(row: ResultRow) -> dict[str, Any]:
    """The exported columns of one result (JSON types), as `row.to_dict()` has them.

    Read attribute by attribute: to_dict()'s dataclasses.asdict deep-copies every field and
    took two thirds of an export's time."""
    values = {column: getattr(row, column) for column in COLUMNS}
    values["created_at"] = row.created_at.isoformat() if row.created_at else None
    return values


def csv_cell(value: Any) -> str:
    """A CSV field as text, defused so a spreadsheet never runs it as a formula."""
    if value is None:
        cell = ""
    elif isinstance(value, bool):
        cell = "true" if value else "false"
    else:
        cell = str(value)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def write_csv(rows: Iterable[ResultRow], stream: TextIO) -> int:
    """A header row, then one CSV line per row; returns how many rows were written."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        values = row_values(row)
        writer.writerow([csv_cell(values[c]) for c in COLUMNS])
        count += 1
    return count


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return encode_basestring(value)
    return _encode(value)


def _json_object(values: dict[str, Any]) -> str:
    # The text json.dumps(values, indent=2) gives one level down in a list, value by value:
    # with `indent` json falls back to its pure-Python encoder, which took most of a large
    # JSON export's time.
    items = ",\n".join(f"    {key}: {_json_value(values[c])}" for key, c in _KEYS)
    return "{\n" + items + "\n  }"


def write_json(rows: Iterable[ResultRow], stream: TextIO) -> int:
    """One JSON list (the layout of `json.dump(..., indent=2, ensure_ascii=False)`), written
    element by element; returns how many rows were written."""
    count = 0
    for row in rows:
        stream.write(("[\n  " if count == 0 else ",\n  ") + _json_object(row_values(row)))
        count += 1
    stream.write("\n]\n" if count else "[]\n")
    return count

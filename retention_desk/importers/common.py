"""Parsing helpers every importer shares: timestamps, text repair, safe JSON.

Each function is total on hostile input: it returns a value or raises ParseError with a
reason a user can read; never RecursionError, OverflowError or a surrogate crash later in
SQLite.
"""

from __future__ import annotations

import html
import json
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from retention_desk.archive.ingest import RecordIn


class ParseError(Exception):
    """A file (or one record of it) cannot be understood; the message says why."""


# ------------------------------------------------------------------------------- files
# Files that are never a structured export data file (media, archives, documents, web pages,
# JSON/JS): format sniffers skip them without opening them, since an export can hold tens of
# thousands of media files. Each format adds its own exclusions to this set.
NOT_TABULAR_OR_XML_SUFFIXES = frozenset(
    {
        ".avi",
        ".bmp",
        ".gif",
        ".gz",
        ".heic",
        ".htm",
        ".html",
        ".jpeg",
        ".jpg",
        ".js",
        ".json",
        ".m4a",
        ".m4v",
        ".mkv",
        ".mov",
        ".mp3",
        ".mp4",
        ".ogg",
        ".pdf",
        ".png",
        ".tif",
        ".tiff",
        ".wav",
        ".webm",
        ".webp",
        ".zip",
    }
)


# ---------------------------------------------------------------------------------- JSON
def _keep_big_int(token: str) -> int | str:
    # Python refuses int() over 4300 digits (CVE-2020-10735) and a huge number is never a
    # count we need: keep it as the string it was, so one absurd value cannot sink a file.
    return int(token) if len(token) <= 40 else token


def _no_constants(token: str) -> None:
    return None  # NaN / Infinity are not JSON; treat them as absent values


# Every JSON reader of the importers parses with these rules (stateless, so shared).
JSON_DECODER = json.JSONDecoder(parse_int=_keep_big_int, parse_constant=_no_constants)


def json_error(name: str, exc: ValueError) -> ParseError:
    """The ParseError for a JSON text `json` refused, naming the file and the place."""
    if isinstance(exc, json.JSONDecodeError):
        return ParseError(f"{name}: broken JSON at line {exc.lineno} column {exc.colno}: {exc.msg}")
    return ParseError(f"{name}: unreadable JSON ({exc})")


def loads(data: str | bytes, *, name: str) -> Any:
    """json.loads that turns every failure into ParseError naming the file."""
    if isinstance(data, bytes):
        data = decode_text(data, name=name)
    try:
        return JSON_DECODER.decode(data)
    except RecursionError:
        raise ParseError(f"{name}: JSON is nested too deeply to be a real export") from None
    except ValueError as exc:
        raise json_error(name, exc) from None


def decode_text(data: bytes, *, name: str) -> str:
    """UTF-8 (BOM stripped); anything else is reported, not guessed, for JSON/JS exports."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"{name}: not UTF-8 text (byte {exc.start}); is this the right file?"
        ) from None


_JS_ASSIGN = re.compile(r"^\s*(?:var\s+)?[A-Za-z_$][\w$.]*(?:\[[^\]]*\])?\s*=\s*", re.S)


def strip_js_assignment(source: str, *, name: str) -> str:
    """`window.YTD.tweets.part0 = [...]` -> `[...]` without evaluating anything."""
    match = _JS_ASSIGN.match(source)
    if not match:
        raise ParseError(
            f"{name}: expected 'name = [...]' (an export data file), found {source[:40]!r}"
        )
    body = source[match.end() :].strip()
    if body.endswith(";"):
        body = body[:-1].rstrip()
    return body


def load_js(data: bytes, *, name: str) -> Any:
    return loads(strip_js_assignment(decode_text(data, name=name), name=name), name=name)


# ---------------------------------------------------------------------------------- text
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: Any) -> str:
    """A str safe for SQLite: lone surrogates (which JSON allows) become U+FFFD."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return _SURROGATE.sub("\ufffd", value)


def fix_mojibake(value: str) -> str:
    """Facebook/Instagram write UTF-8 bytes as \\u00XX escapes; undo that once.

    Text that is not such mojibake (real Latin-1 text that does not form valid UTF-8, or
    anything beyond U+00FF) comes back unchanged, so applying it twice is harmless.
    """
    if not value or value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def decode_entities(value: str) -> str:
    """X leaves &amp; &lt; &gt; in full_text: decode once for display and search."""
    return html.unescape(value) if "&" in value else value


def dumps_raw(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------- time
_TWITTER = "%a %b %d %H:%M:%S %z %Y"
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_TWITTER_RE = re.compile(
    r"^(?:[A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) (\d{4})$"
)
_SPACED_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ?([+-]\d{2}:?\d{2}|Z)?$"
)
EPOCH_MIN = datetime(1970, 1, 1, tzinfo=UTC)
# 14 digits starting 19/20 are a calendar stamp (epoch ms has 13 digits until the year 2286);
# 8 and 12 digits likewise when they start with a plausible year.
_DIGIT_STAMP = re.compile(r"(?:19|20)\d{6}(?:\d{4}(?:\d{2})?)?")


def _tz(offset: str | None) -> timedelta:
    if offset in (None, "Z"):
        return timedelta(0)
    sign = -1 if offset.startswith("-") else 1
    digits = offset[1:].replace(":", "")
    return timedelta(hours=int(digits[:2]), minutes=int(digits[2:])) * sign


def parse_time(value: Any) -> datetime | None:
    """Any timestamp shape the exports use -> aware UTC datetime, or None if absent.

    Raises ParseError for a value that is present but not a time.
    Shapes: 'Fri Mar 06 13:02:05 +0000 2026' (X, locale-independent), ISO 8601 with or without
    fraction and zone ('2026-03-06T13:02:05.000Z'), '2015-10-02 20:15:40 +0000' (Grailbird),
    Unix epoch in seconds, milliseconds or microseconds (number or digit string; negative ok),
    and the digit-only stamps of web archives ('20140216050221', also 8 or 12 digits).
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ParseError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        return from_epoch(value)
    text = str(value).strip()
    stamp = _DIGIT_STAMP.fullmatch(text)
    if stamp:
        # WARC/ARC/CDX 14-digit (or 8/12-digit) timestamps: read as a date, not as epoch ms
        digits = stamp.group(0)
        try:
            return datetime.strptime(
                digits, {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}[len(digits)]
            ).replace(tzinfo=UTC)
        except ValueError:
            pass  # not a calendar date after all: fall through to epoch
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return from_epoch(float(text) if "." in text else int(text))
    m = _TWITTER_RE.match(text)
    if m:
        month = _MONTHS.get(m.group(1))
        if month is None:
            raise ParseError(f"{text!r}: unknown month")
        try:
            naive = datetime(
                int(m.group(7)),
                month,
                int(m.group(2)),
                int(m.group(3)),
                int(m.group(4)),
                int(m.group(5)),
            )
        except ValueError as exc:
            raise ParseError(f"{text!r}: {exc}") from None
        return (naive - _tz(m.group(6))).replace(tzinfo=UTC)
    m = _SPACED_RE.match(text)
    if m:
        year, month, day, hh, mm, ss, frac, zone = m.groups()
        try:
            naive = datetime(
                int(year),
                int(month),
                int(day),
                int(hh),
                int(mm),
                int(ss),
                int((frac or "0")[:6].ljust(6, "0")),
            )
        except ValueError as exc:
            raise ParseError(f"{text!r}: {exc}") from None
        return (naive - _tz(zone)).replace(tzinfo=UTC) if zone else naive.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ParseError(f"{text!r} is not a recognised date/time") from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def from_epoch(value: int | float) -> datetime:
    """Seconds, milliseconds or microseconds since 1970, told apart by magnitude."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise ParseError(f"{value!r} is not a time")
    magnitude = abs(value)
    # 1e11 s is the year 5138; 1e14 ms is the year 5138: beyond either it is the next unit.
    if magnitude >= 1e14:
        seconds = value / 1_000_000
    elif magnitude >= 1e11:
        seconds = value / 1000
    else:
        seconds = value
    try:
        return EPOCH_MIN + timedelta(seconds=seconds)
    except OverflowError:
        raise ParseError(f"{value!r} is out of range for a date") from None


def time_or_warn(value: Any, warnings: list[str], where: str) -> datetime | None:
    """parse_time, but a bad value becomes a warning and None (the record is still kept)."""
    try:
        return parse_time(value)
    except ParseError as exc:
        warnings.append(f"{where}: date {exc}; kept without a date")
        return None


def clean_record(rec: RecordIn) -> RecordIn:
    """Make every string field of a record safe to store (lone surrogates)."""
    for name in (
        "text",
        "text_raw",
        "title",
        "author_name",
        "author_handle",
        "url",
        "raw_json",
        "created_at_raw",
        "deleted_at_raw",
    ):
        value = getattr(rec, name)
        if isinstance(value, str) and _SURROGATE.search(value):
            setattr(rec, name, clean_text(value))
    return rec

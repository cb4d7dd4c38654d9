"""Helpers shared by the X archive and Grailbird importers.

- `iter_js_array`: the items of `window.YTD.tweets.part0 = [...]` one at a time, parsed with the
  same safety rules as `common.loads` (big integers kept exact or as strings, NaN -> None),
  without building the whole list, so memory stays near the size of the file's text instead of
  text plus every parsed tweet. An item nested beyond `json_items.MAX_DEPTH` is skipped and
  reported by its position, so it costs that tweet, not the file.
- ids: `id_str` trusted, numeric `id` only when it is an exact integer; never through a float.
- text: t.co links expanded from entities for display and search, HTML entities decoded once.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from retention_desk.importers.common import (
    JSON_DECODER,
    ParseError,
    decode_text,
    time_or_warn,
)
from retention_desk.importers.json_items import SKIPPED, TOO_DEEP, too_deep, value_end

PLATFORM = "x"

# Ids of tweets, users and media are 64-bit snowflakes (at most 20 digits); anything longer is
# not an id, whatever it claims.
_ID = re.compile(r"[0-9]{1,20}")
_WS = re.compile(r"[ \t\r\n]*")
_ASSIGN = re.compile(r"[ \t\r\n]*(?:var[ \t]+)?[A-Za-z_$][\w$.]*(?:\[[^\]\n]*\])?[ \t\r\n]*=")
_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.I)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _decode_error(name: str, exc: json.JSONDecodeError, truncated: bool) -> ParseError:
    where = f"broken JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
    if truncated:
        return ParseError(f"{name}: the file is cut short (no closing bracket); {where}")
    return ParseError(f"{name}: {where}")


def _looks_truncated(text: str) -> bool:
    tail = text.rstrip()
    return not (tail.endswith(("]", "];", "}", "};")))


# Bytes of a file decoded at a time by `iter_js_array`: a 100 MB tweets file becomes a 200 MB
# str when one character needs two bytes ("…"), which was half of an import's peak memory.
WINDOW_BYTES = 4 << 20
_BOM = b"\xef\xbb\xbf"


class _Text:
    """The file's text, decoded a window at a time; `text` holds the part not yet consumed
    (the whole text for a str). Line numbers count from the start of the file."""

    def __init__(self, data: bytes | str, name: str) -> None:
        self.name = name
        self.lines = 0  # newlines before text[0]
        self.column = 0  # characters on text[0]'s line before it
        if isinstance(data, str):
            self.data, self.offset, self.skip, self.text = b"", 0, 0, data
            self.eof = True
            return
        self.data = data
        self.skip = len(_BOM) if data.startswith(_BOM) else 0
        self.offset = self.skip
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.eof = False
        self.text = ""
        self.more(WINDOW_BYTES)

    def more(self, size: int) -> None:
        """Append at least `size` more bytes' text (the rest, near the end)."""
        if self.eof:
            return
        end = self.offset + size
        if end + WINDOW_BYTES // 2 >= len(self.data):
            end = len(self.data)
        pending = len(self.decoder.getstate()[0])
        try:
            chunk = self.decoder.decode(self.data[self.offset : end], final=end >= len(self.data))
        except UnicodeDecodeError as exc:
            # the byte as decode_text names it: counted after the BOM
            at = self.offset - self.skip - pending + exc.start
            raise ParseError(
                f"{self.name}: not UTF-8 text (byte {at}); is this the right file?"
            ) from None
        self.text += chunk
        self.offset = end
        self.eof = end >= len(self.data)

    def drop(self, pos: int) -> int:
        """Forget text[:pos] (already read) before more is added; returns where pos is now."""
        if pos <= 0 or self.eof:
            return pos  # a str, or the last window, is kept whole: nothing left to save
        gone = self.text[:pos]
        newlines = gone.count("\n")
        if newlines:
            self.lines += newlines
            self.column = pos - gone.rfind("\n") - 1
        else:
            self.column += pos
        self.text = self.text[pos:]
        return 0

    def tail(self) -> str:
        """The file's last characters (whether it looks cut short)."""
        if not self.data:
            return self.text
        return self.data[max(self.skip, len(self.data) - 4096) :].decode("utf-8", "ignore")

    def line_at(self, pos: int) -> int:
        return self.lines + self.text.count("\n", 0, pos) + 1

    def moved(self, exc: json.JSONDecodeError) -> json.JSONDecodeError:
        """`exc` with line and column in the whole file."""
        if not self.lines and not self.column:
            return exc
        moved = json.JSONDecodeError(exc.msg, exc.doc, exc.pos)
        moved.lineno = self.lines + exc.lineno
        moved.colno = exc.colno + (self.column if exc.lineno == 1 else 0)
        return moved


def iter_js_array(
    data: bytes | str, *, name: str, skipped: list[str] | None = None
) -> Iterator[tuple[int, Any]]:
    """Yield (index, item) for each element of `name = [ ... ]` (or a bare JSON array).

    Raises ParseError naming the file when it is not such an assignment, is cut short or
    holds broken JSON; items already yielded stay yielded, so the caller's transaction must
    roll the file back (the runner does). An item nested too deeply is not yielded: it is
    reported in `skipped` ('name[index]: reason'; indexes of later items do not move), or
    raises ParseError when `skipped` is None. Bytes are decoded a window at a time (UTF-8,
    BOM skipped, as `decode_text`), so the whole file never exists as one str.
    """
    src = _Text(data, name)
    while True:
        pos = 0
        match = _ASSIGN.match(src.text)
        if match:
            pos = match.end()
        pos = _WS.match(src.text, pos).end()  # type: ignore[union-attr]
        if src.eof or (pos < len(src.text) and src.text[pos] == "[" and len(src.text) > 40):
            break
        src.more(WINDOW_BYTES)  # the window ends inside the file's first words
    if pos >= len(src.text) or src.text[pos] != "[":
        raise ParseError(
            f"{name}: expected an export data file ('name = [ ... ]'), found {src.text[:40]!r}"
        )
    pos += 1
    index = 0
    truncated = _looks_truncated(src.tail())
    while True:
        pos = _skip_ws(src, pos)
        if pos >= len(src.text):
            raise ParseError(f"{name}: the file ends before its closing ']' (truncated copy?)")
        if src.text[pos] == "]":  # empty array, or a trailing comma as JS allows
            pos += 1
            break
        item, pos, deep = _next_item(src, pos, name, truncated)
        if not deep:
            yield index, item
        elif skipped is None:
            raise ParseError(f"{name}[{index}]: {TOO_DEEP}")
        else:
            skipped.append(f"{name}[{index}]: {TOO_DEEP}; {SKIPPED}")
        index += 1
        pos = _skip_ws(src, pos)
        if pos >= len(src.text):
            raise ParseError(f"{name}: the file ends before its closing ']' (truncated copy?)")
        if src.text[pos] == ",":
            pos += 1
            continue
        if src.text[pos] == "]":
            pos += 1
            break
        raise ParseError(
            f"{name}: broken JSON at line {src.line_at(pos)}: expected ',' or ']' after item"
        )
    while not src.eof:
        src.more(WINDOW_BYTES)
    rest = src.text[pos:].strip()
    if rest not in ("", ";"):
        raise ParseError(f"{name}: unexpected text after the data: {rest[:40]!r}")


def _skip_ws(src: _Text, pos: int) -> int:
    """Past whitespace, reading on while the window ends in it."""
    pos = _WS.match(src.text, pos).end()  # type: ignore[union-attr]
    while pos >= len(src.text) and not src.eof:
        pos = src.drop(pos)
        src.more(WINDOW_BYTES)
        pos = _WS.match(src.text, pos).end()  # type: ignore[union-attr]
    return pos


def _next_item(src: _Text, start: int, name: str, truncated: bool) -> tuple[Any, int, bool]:
    """The item at `start`: (value, end, too deep). A value the window cuts off, or one
    that ends exactly at the window's end (a number may go on), is parsed again with more
    text; only an error in text that reaches the end of the file is the file's."""
    grow = WINDOW_BYTES
    while True:
        try:
            item, end = JSON_DECODER.raw_decode(src.text, start)
            deep = too_deep(src.text, start, end)
        except RecursionError:
            while not src.eof:  # only hostile files nest this deep: read them whole
                src.more(WINDOW_BYTES)
            return None, value_end(src.text, start, name), True
        except json.JSONDecodeError as exc:
            if src.eof:
                raise _decode_error(name, src.moved(exc), truncated) from None
        except ValueError as exc:
            if src.eof:
                raise ParseError(f"{name}: unreadable JSON ({exc})") from None
        else:
            if end < len(src.text) or src.eof:
                return item, end, deep
        start = src.drop(start)
        src.more(grow)
        grow *= 2  # an item larger than a window costs a few parses, not one per window


def load_js_object(data: bytes, *, name: str) -> Any:
    """The single value of `name = {...}` (manifest.js, user_details.js)."""
    text = decode_text(data, name=name)
    match = _ASSIGN.match(text)
    pos = match.end() if match else 0
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    try:
        value, end = JSON_DECODER.raw_decode(text, pos)
    except RecursionError:
        raise ParseError(f"{name}: JSON is nested too deeply to be a real export") from None
    except json.JSONDecodeError as exc:
        raise _decode_error(name, exc, _looks_truncated(text)) from None
    except ValueError as exc:
        raise ParseError(f"{name}: unreadable JSON ({exc})") from None
    if text[end:].strip() not in ("", ";"):
        raise ParseError(f"{name}: unexpected text after the data: {text[end:][:40]!r}")
    return value


# ------------------------------------------------------------------------------------ ids
def exact_id(value: Any) -> str | None:
    """An id as its exact decimal string, or None when `value` is not an exact id.

    Floats are refused: a float id has already lost its last digits (2087 of 6966 Grailbird
    ids do not survive float64), so the number it shows is someone else's tweet.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 <= value < 10**20 else None
    if isinstance(value, str):
        # str.isdigit alone accepts other scripts' digits ('²', '٣'): ASCII only
        if 0 < len(value) <= 20 and value.isascii() and value.isdigit():
            return value
        value = value.strip()
        return value if _ID.fullmatch(value) else None
    return None


def tweet_id(obj: dict[str, Any], warnings: list[str], where: str) -> str | None:
    """`id_str`, else an exact numeric `id`; a warning says why when neither is usable."""
    found = exact_id(obj.get("id_str"))
    if found is not None:
        return found
    raw = obj.get("id")
    found = exact_id(raw)
    if found is not None:
        return found
    if isinstance(raw, float):
        warnings.append(
            f"{where}: id is only given as a rounded number ({raw!r}); the real id cannot be"
            " recovered, so the record is kept under a key made from its content"
        )
    elif raw is not None or obj.get("id_str") is not None:
        shown = str(obj.get("id_str", raw))
        warnings.append(
            f"{where}: id {shown[:30]!r}{'...' if len(shown) > 30 else ''} is not a valid id;"
            " the record is kept under a key made from its content"
        )
    else:
        warnings.append(f"{where}: no id; the record is kept under a key made from its content")
    return None


def content_key(raw_json: str) -> str:
    """Stable key for a record whose id is unusable: the same object imports as the same
    record next time."""
    return "sha256:" + hashlib.sha256(raw_json.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# ----------------------------------------------------------------------------------- text
def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def expand_links(text: str, entities: Iterable[dict[str, Any]]) -> str:
    """Replace each t.co link by its expanded URL (display and search form)."""
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        short = entity.get("url") or entity.get("shortUrl")
        full = entity.get("expanded_url") or entity.get("expanded") or entity.get("expandedUrl")
        if isinstance(short, str) and isinstance(full, str) and short and short in text:
            text = text.replace(short, full)
    return text


def display_text(raw: str, entities: Iterable[dict[str, Any]]) -> str:
    """t.co links expanded, then `&amp;`/`&lt;`/`&gt;` decoded once. The result is plain text
    (a decoded `<script>` is shown literally, never interpreted)."""
    expanded = expand_links(raw, entities) if "t.co/" in raw else raw
    return html.unescape(expanded) if "&" in expanded else expanded


def source_app(source: Any) -> tuple[str | None, str | None]:
    """'<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>' ->
    ('Twitter Web App', 'https://mobile.twitter.com')."""
    if not isinstance(source, str) or not source:
        return None, None
    return _source_app(source)


@functools.lru_cache(maxsize=512)
def _source_app(source: str) -> tuple[str | None, str | None]:
    # an account posts from a handful of apps: the same few strings on every tweet
    href = _HREF.search(source)
    name = html.unescape(_TAG.sub("", source)).strip()
    return (name or None), (href.group(1) if href else None)


def count_value(value: Any) -> int | str | None:
    """X writes counts as strings ("0"); keep them as numbers when they are sane numbers."""
    if type(value) is str and len(value) <= 18 and value.isdigit():
        return int(value)  # what X writes; the same answer the checks below give
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    text = as_text(value)
    return text if len(text) <= 40 else text[:40] + "..."


def clean_deep(value: Any) -> Any:
    """Lone surrogates (valid JSON, refused by SQLite) become U+FFFD anywhere in a structure."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean_deep(v) for v in value]
    if isinstance(value, dict):
        return {clean_deep(k): clean_deep(v) for k, v in value.items()}
    return value


def has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def with_raw(item: Any) -> tuple[Any, str]:
    """`item` made storable and its raw JSON: one surrogate check on the dumped text, and only
    an item that has one is cleaned (every text of a record comes from its item)."""
    raw = _RAW.encode(item)
    if has_surrogate(raw):
        item = clean_deep(item)
        raw = _RAW.encode(item)
    return item, raw


# common.dumps_raw's output (compact, UTF-8 kept) from one encoder: json.dumps with options
# builds a new encoder per call, a few microseconds each of a million tweets
_RAW = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def twitter_time(value: Any, warnings: list[str], where: str) -> datetime | None:
    """`Fri Mar 06 13:02:05 +0000 2026` (every tweet X writes) without the general parser;
    anything else goes through common.time_or_warn (a warning and None when unreadable)."""
    if (
        isinstance(value, str)
        and len(value) == 30
        and value[19:26] == " +0000 "
        and value[3] == " "
        and value[7] == " "
    ):
        month = _MONTHS.get(value[4:7])
        digits = value[8:10] + value[11:13] + value[14:16] + value[17:19] + value[26:30]
        if month is not None and digits.isascii() and digits.isdigit():
            try:
                return datetime(
                    int(value[26:30]),
                    month,
                    int(value[8:10]),
                    int(value[11:13]),
                    int(value[14:16]),
                    int(value[17:19]),
                    tzinfo=UTC,
                )
            except ValueError:
                pass  # e.g. Feb 30: the general parser words the warning
    return time_or_warn(value, warnings, where)


def last_segment(url: str) -> str:
    """'https://video.twimg.com/.../vid/avc1/476x516/6y_pHES.mp4?tag=12' -> '6y_pHES.mp4'."""
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]

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


def iter_js_array(
    data: bytes | str, *, name: str, skipped: list[str] | None = None
) -> Iterator[tuple[int, Any]]:
    """Yield (index, item) for each element of `name = [ ... ]` (or a bare JSON array).

    Raises ParseError naming the file when it is not such an assignment, is cut short or
    holds broken JSON; items already yielded stay yielded, so the caller's transaction must
    roll the file back (the runner does). An item nested too deeply is not yielded: it is
    reported in `skipped` ('name[index]: reason'; indexes of later items do not move), or
    raises ParseError when `skipped` is None.
    """
    text = decode_text(data, name=name) if isinstance(data, bytes) else data
    pos = 0
    match = _ASSIGN.match(text)
    if match:
        pos = match.end()
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] != "[":
        raise ParseError(
            f"{name}: expected an export data file ('name = [ ... ]'), found {text[:40]!r}"
        )
    pos += 1
    index = 0
    truncated = _looks_truncated(text)
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise ParseError(f"{name}: the file ends before its closing ']' (truncated copy?)")
        if text[pos] == "]":  # empty array, or a trailing comma as JS allows
            pos += 1
            break
        start = pos
        try:
            item, pos = JSON_DECODER.raw_decode(text, start)
            deep = too_deep(text, start, pos)
        except RecursionError:
            item, pos, deep = None, value_end(text, start, name), True
        except json.JSONDecodeError as exc:
            raise _decode_error(name, exc, truncated) from None
        except ValueError as exc:
            raise ParseError(f"{name}: unreadable JSON ({exc})") from None
        if not deep:
            yield index, item
        elif skipped is None:
            raise ParseError(f"{name}[{index}]: {TOO_DEEP}")
        else:
            skipped.append(f"{name}[{index}]: {TOO_DEEP}; {SKIPPED}")
        index += 1
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise ParseError(f"{name}: the file ends before its closing ']' (truncated copy?)")
        if text[pos] == ",":
            pos += 1
            continue
        if text[pos] == "]":
            pos += 1
            break
        line = text.count("\n", 0, pos) + 1
        raise ParseError(f"{name}: broken JSON at line {line}: expected ',' or ']' after item")
    rest = text[pos:].strip()
    if rest not in ("", ";"):
        raise ParseError(f"{name}: unexpected text after the data: {rest[:40]!r}")


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
    href = _HREF.search(source)
    name = html.unescape(_TAG.sub("", source)).strip()
    return (name or None), (href.group(1) if href else None)


def count_value(value: Any) -> int | str | None:
    """X writes counts as strings ("0"); keep them as numbers when they are sane numbers."""
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

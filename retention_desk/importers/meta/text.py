"""Text repair, personal-data scrubbing and stable record keys for the Meta importers.

Facebook and Instagram exports write UTF-8 as `\\u00XX` escapes (mojibake) and give items no
ids: `fx` and `fix_deep` undo the mojibake, `scrub` moves personal data out of what is shown,
and `assign_keys` derives keys that survive an edit from what identifies an item.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from retention_desk.importers.common import clean_text, fix_mojibake

# Keys whose values are personal data (device IPs, GPS, contact details): they never go into
# `text` or `extra`; `scrub` moves them to the record's sensitive part.
SENSITIVE_KEYS = frozenset(
    {
        "upload_ip",
        "ip",
        "ip_address",
        "latitude",
        "longitude",
        "coordinate",
        "exif_data",
        "media_metadata",
        "email",
        "emails",
        "phone_number",
        "phone_numbers",
    }
)


def fx(value: Any) -> str:
    """Display form of one export string: SQLite-safe and with Meta's mojibake undone once.

    `fix_mojibake` leaves text alone that is not valid mojibake (anything beyond U+00FF, or
    Latin-1 that is not UTF-8), so genuine text that was already fixed is not fixed twice.
    """
    return fix_mojibake(clean_text(value)) if value is not None else ""


def text_pair(value: Any) -> tuple[str, str | None]:
    """(display text, text as the export wrote it) of a value that should be a string:
    ("", None) when it is not one."""
    if not isinstance(value, str):
        return "", None
    return fx(value), value


def fx_opt(value: Any) -> str | None:
    """`fx` for optional values: None or empty stays None."""
    if value is None:
        return None
    fixed = fx(value)
    return fixed or None


def map_strings(value: Any, fn: Callable[[Any], str]) -> Any:
    """`fn` applied to every string and every dict key at any depth, in a copy; other values
    unchanged."""
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [map_strings(v, fn) for v in value]
    if isinstance(value, dict):
        return {fn(k): map_strings(v, fn) for k, v in value.items()}
    return value


def fix_deep(value: Any) -> Any:
    """`fx` applied to every string (keys too) at any depth; other values unchanged."""
    return map_strings(value, fx)


def scrub(value: Any) -> tuple[Any, dict[str, Any]]:
    """Split `value` into (safe to show, sensitive parts keyed by their JSON path)."""
    found: dict[str, Any] = {}

    def walk(node: Any, where: str) -> Any:
        if isinstance(node, dict):
            kept = {}
            for key, child in node.items():
                here = f"{where}.{key}" if where else str(key)
                if key in SENSITIVE_KEYS:
                    found[here] = child
                else:
                    kept[key] = walk(child, here)
            return kept
        if isinstance(node, list):
            return [walk(child, f"{where}[{i}]") for i, child in enumerate(node)]
        return node

    return walk(value, ""), found


def canonical(value: Any) -> str:
    """One JSON text per value (sorted keys), to compare and hash parsed items."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def short_hash(value: Any) -> str:
    """24 hex digits of the SHA-256 of `canonical(value)`: the hashed part of record keys."""
    return hashlib.sha256(canonical(value).encode("utf-8", "surrogatepass")).hexdigest()[:24]


def normalise(value: Any) -> Any:
    """The content of an item for de-duplication: empty `{}` / `[]` entries in lists dropped
    (real exports repeat an item with an extra `{}` in `data`). Strings are compared as
    parsed: the escaped and the re-saved literal mojibake parse to the same strings."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value if v != {} and v != []]
    return value


def clean_deep(value: Any) -> Any:
    """Every string (keys too) made SQLite-safe at any depth; other values unchanged."""
    return map_strings(value, clean_text)


@dataclass
class KeyedItem:
    """One item of a file with the parts that identify it."""

    index: int
    base: Any  # what identifies the item and survives an edit (time, attachment ids)
    content: Any  # the normalised item, to tell apart items sharing a base
    key: str = ""
    duplicates: list[int] = field(default_factory=list)  # later identical items


def assign_keys(
    prefix: str, items: list[KeyedItem], label: Callable[[Any], str]
) -> list[KeyedItem]:
    """Give every distinct item a stable key and fold identical repeats into the first.

    The key is a hash of `base` only (so an edited text stays the same record, a new version);
    only when several *different* items share a base in one file is their content added to
    tell them apart. Items with the same base and the same normalised content are one record.
    Returns the first occurrence of each record, in file order.
    """
    groups: dict[str, dict[str, KeyedItem]] = {}
    for item in items:
        base = canonical(item.base)
        content = canonical(item.content)
        group = groups.setdefault(base, {})
        if content in group:
            group[content].duplicates.append(item.index)
        else:
            group[content] = item
    firsts: list[KeyedItem] = []
    for base, group in groups.items():
        for content, item in group.items():
            ident = short_hash(base if len(group) == 1 else [base, content])
            item.key = f"{prefix}:{label(item.base)}:{ident}"
            firsts.append(item)
    firsts.sort(key=lambda it: it.index)
    return firsts

"""Grailbird tweets as records: one builder for month-file tweets (Grailbird or API style)
and one for tweets.csv rows, agreeing on every field that decides identity and versions
(key, raw text, display text), so the same tweet from both paths is one unchanged record."""

from __future__ import annotations

import re
from typing import Any

from retention_desk.archive.ingest import MediaIn, RecordIn
from retention_desk.importers.common import ParseError, clean_record, time_or_warn
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    content_key,
    display_text,
    exact_id,
    source_app,
    tweet_id,
    with_raw,
)

CSV_HEADER = (
    "tweet_id",
    "in_reply_to_status_id",
    "in_reply_to_user_id",
    "timestamp",
    "source",
    "text",
    "retweeted_status_id",
    "retweeted_status_user_id",
    "retweeted_status_timestamp",
    "expanded_urls",
)
_EXCEL_NUMBER = re.compile(r"^\d(?:\.\d+)?E\+\d+$", re.I)


def _base_record(
    key: str,
    raw_text: str,
    *,
    parent: str | None,
    repost: bool,
    created_raw: Any,
    handle: str | None,
    locator: str,
    warnings: list[str],
) -> RecordIn:
    """The fields both paths (month file, CSV row) must agree on, built the same way."""
    usable = not key.startswith("sha256:")
    return RecordIn(
        platform=PLATFORM,
        kind="reply" if parent else "post",
        record_key=key,
        text=display_text(raw_text, ()),
        text_raw=raw_text,
        platform_id=key if usable else None,
        parent_key=parent,
        created_at=time_or_warn(created_raw, warnings, locator),
        created_at_raw=as_text(created_raw) if created_raw not in (None, "") else None,
        url=f"https://x.com/{handle or 'i'}/status/{key}" if usable else None,
        is_repost=repost or raw_text.startswith("RT @"),
        locator=locator,
    )


def json_record(item: Any, locator: str, handle: str | None, warnings: list[str]) -> RecordIn:
    """One tweet of a month file (Grailbird or API style) as a RecordIn."""
    item, raw = with_raw(item)
    if not isinstance(item, dict):
        raise ParseError(f"{locator}: not a tweet object")
    key = tweet_id(item, warnings, locator) or content_key(raw)
    raw_text = as_text(item.get("full_text") if "full_text" in item else item.get("text"))
    parent = exact_id(item.get("in_reply_to_status_id_str")) or exact_id(
        item.get("in_reply_to_status_id")
    )
    user = item.get("user") if isinstance(item.get("user"), dict) else {}
    author = as_text(user.get("screen_name")) or handle
    retweeted = item.get("retweeted_status")
    rec = _base_record(
        key,
        raw_text,
        parent=parent,
        repost=isinstance(retweeted, dict),
        created_raw=item.get("created_at"),
        handle=author,
        locator=locator,
        warnings=warnings,
    )
    entities = item.get("entities") if isinstance(item.get("entities"), dict) else {}
    links = [u for u in (entities.get("urls") or []) if isinstance(u, dict)]
    media = [m for m in (entities.get("media") or []) if isinstance(m, dict)]
    extended = item.get("extended_entities")
    if isinstance(extended, dict) and isinstance(extended.get("media"), list):
        media = [m for m in extended["media"] if isinstance(m, dict)]
    app, app_url = source_app(item.get("source"))
    extra: dict[str, Any] = {
        "source": app,
        "source_url": app_url,
        "hashtags": [
            as_text(h.get("text")) for h in entities.get("hashtags") or [] if isinstance(h, dict)
        ],
        "mentions": [
            as_text(m.get("screen_name"))
            for m in entities.get("user_mentions") or []
            if isinstance(m, dict)
        ],
        "urls": [as_text(u.get("expanded_url")) for u in links + media if u.get("expanded_url")],
        "in_reply_to_screen_name": item.get("in_reply_to_screen_name"),
        "in_reply_to_user_id": exact_id(item.get("in_reply_to_user_id_str"))
        or exact_id(item.get("in_reply_to_user_id")),
        "lang": item.get("lang"),
    }
    if isinstance(retweeted, dict):
        extra["retweeted_status"] = retweeted
        original = retweeted.get("user") if isinstance(retweeted.get("user"), dict) else {}
        if original.get("screen_name"):
            extra["repost_of"] = f"@{as_text(original['screen_name'])}"
    rec.extra = {k: v for k, v in extra.items() if v not in (None, [], "")}
    rec.lang = as_text(item.get("lang"))[:20] or None
    rec.author_handle = author
    rec.author_name = as_text(user.get("name")) or None
    rec.author_platform_id = exact_id(user.get("id_str")) or exact_id(user.get("id"))
    location = {k: item[k] for k in ("geo", "coordinates", "place") if item.get(k)}
    if location:
        rec.sensitive = {"location": location}  # GPS points: kept, not shown by default
    rec.raw_json = raw
    # The classic archive never held media files: list each one as missing, with its URL.
    rec.media = [
        MediaIn(
            original_uri=as_text(m.get("media_url_https") or m.get("media_url")),
            media_type=as_text(m.get("type")) or None,
            metadata={"expanded_url": m.get("expanded_url"), "media_id": m.get("id_str")},
        )
        for m in media
        if m.get("media_url_https") or m.get("media_url")
    ]
    return clean_record(rec)


def csv_record(row: list[str], locator: str, handle: str | None, warnings: list[str]) -> RecordIn:
    """One tweets.csv row as a RecordIn that matches the month-file record of the same tweet."""
    if len(row) != len(CSV_HEADER):
        warnings.append(
            f"{locator}: {len(row)} fields instead of {len(CSV_HEADER)}; read what is there"
        )
        row = (row + [""] * len(CSV_HEADER))[: len(CSV_HEADER)]
    values = dict(zip(CSV_HEADER, row, strict=True))
    values, raw = with_raw(values)
    key = exact_id(values["tweet_id"])
    if key is None:
        shown = values["tweet_id"][:30]
        reason = (
            "was turned into a rounded number by a spreadsheet and cannot be recovered"
            if _EXCEL_NUMBER.match(shown.strip())
            else "is not a valid id"
        )
        warnings.append(f"{locator}: tweet_id {shown!r} {reason}; kept under a content key")
        key = content_key(raw)
    parent = exact_id(values["in_reply_to_status_id"])
    rec = _base_record(
        key,
        values["text"],
        parent=parent,
        repost=bool(values["retweeted_status_id"]),
        created_raw=values["timestamp"],
        handle=handle,
        locator=locator,
        warnings=warnings,
    )
    app, app_url = source_app(values["source"])
    extra = {
        "source": app,
        "source_url": app_url,
        "urls": [u for u in values["expanded_urls"].split(",") if u] or None,
        "in_reply_to_user_id": exact_id(values["in_reply_to_user_id"]),
        "retweeted_status_id": exact_id(values["retweeted_status_id"]),
        "retweeted_status_user_id": exact_id(values["retweeted_status_user_id"]),
        "retweeted_status_timestamp": values["retweeted_status_timestamp"] or None,
    }
    rec.extra = {k: v for k, v in extra.items() if v not in (None, [], "")}
    rec.author_handle = handle
    rec.raw_json = raw
    return clean_record(rec)

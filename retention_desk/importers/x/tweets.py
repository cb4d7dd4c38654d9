"""Tweets of an X archive (tweets.js parts, deleted-tweets.js, community-tweet.js) as records,
and the version logic for edit chains and long posts.

Edits: X stores each edit as its own tweet, linked by `edit_info` (`initial.editTweetIds` on
the first tweet, `edit.initialTweetId` on each edit). All versions become ONE record keyed by
the initial tweet id; each version is written in edit order (oldest first) as a RecordIn with
that key, so the RecordWriter stores one version per distinct text. Re-importing an older or
newer archive adds only texts the record never had: the writer recognises every earlier
version's text, not just the latest, so a chain written again is counted unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import time_or_warn
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    content_key,
    count_value,
    display_text,
    exact_id,
    last_segment,
    source_app,
    tweet_id,
    twitter_time,
    with_raw,
)


class MediaFinder(Protocol):
    """Looks up export media files (see XArchiveImporter): cheap existence checks, and a
    MediaIn that is stored when the file is present and listed missing when not."""

    def first_present(self, paths: list[str]) -> str | None: ...

    def media(self, path: str, **fields: Any) -> MediaIn: ...


_EDIT_IDS = re.compile(r'"editTweetIds"\s*:\s*\[([^\]]*)\]')
# the same over bytes: whitespace between JSON tokens is ASCII, which bytes' \s matches
_EDIT_IDS_BYTES = re.compile(_EDIT_IDS.pattern.encode())
_DIGITS = re.compile(r"\d{1,20}")
_MIME = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


class ExportMedia:
    """MediaFinder over this import's inputs: O(1) existence checks (an archive can hold tens
    of thousands of media files; FileContext.locate falls back to a linear search)."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.trees = (ctx.tree, *ctx.other_trees)

    def first_present(self, paths: list[str]) -> str | None:
        for path in paths:
            if any(tree.exists(path) for tree in self.trees):
                return path
        return None

    def media(self, path: str, **fields: Any) -> MediaIn:
        if any(tree.exists(path) for tree in self.trees):
            return self.ctx.media(path, **fields)
        return MediaIn(original_uri=path, **fields)


@dataclass(frozen=True)
class TweetFile:
    """Where tweets come from: the file (for locators) and its media folder."""

    path: str
    media_dir: str  # export-relative folder, e.g. 'data/tweets_media'
    kind: str  # 'tweets' | 'deleted' | 'community'


def scan_edit_chains(source: str | bytes) -> dict[str, str]:
    """Every tweet id that belongs to a multi-tweet edit chain -> the chain's initial id.

    A regex pass over the text or the file's UTF-8 bytes (C speed) before parsing, so a reply
    that comes before the edit it answers (files are newest first) still finds its thread.
    """
    chains: dict[str, str] = {}
    if isinstance(source, bytes):
        lists = [m.group(1).decode("utf-8", "replace") for m in _EDIT_IDS_BYTES.finditer(source)]
    else:
        lists = [m.group(1) for m in _EDIT_IDS.finditer(source)]
    for found in lists:
        ids = _DIGITS.findall(found)
        if len(ids) > 1:
            initial = min(ids, key=int)  # snowflake ids grow with time: the first is smallest
            for tid in ids:
                chains[tid] = initial
    return chains


def chain_initial(tweet: dict[str, Any], own_id: str | None, chains: dict[str, str]) -> str | None:
    """The initial tweet id of the edit chain this tweet belongs to, or None if it stands alone."""
    info = tweet.get("edit_info")
    if isinstance(info, dict):
        edit = info.get("edit")
        if isinstance(edit, dict):
            initial = exact_id(edit.get("initialTweetId"))
            if initial is not None and initial != own_id:
                return initial
    if own_id is not None and own_id in chains and chains[own_id] != own_id:
        return chains[own_id]
    if own_id is not None and own_id in chains:
        return own_id  # the initial tweet of a chain that has edits
    return None


def _names(items: Any, field: str) -> list[str]:
    if not isinstance(items, list):
        return []
    return [as_text(i.get(field)) for i in items if isinstance(i, dict) and i.get(field)]


def _media_list(tweet: dict[str, Any]) -> list[dict[str, Any]]:
    for holder in (tweet.get("extended_entities"), tweet.get("entities")):
        if isinstance(holder, dict) and isinstance(holder.get("media"), list):
            return [m for m in holder["media"] if isinstance(m, dict)]
    return []


def tweet_media(
    tweet: dict[str, Any],
    own_id: str | None,
    where: TweetFile,
    resolve: MediaFinder,
    media_list: list[dict[str, Any]] | None = None,
) -> list[MediaIn]:
    """extended_entities.media -> files `<media_dir>/<tweet id>-<last URL segment>`.

    Video and GIFs are stored as one mp4 variant, named after that variant's URL; which
    variant X kept is not said, so every mp4 variant is tried, highest bitrate first.
    `media_list` is `_media_list(tweet)` when the caller already has it.
    """
    found: list[MediaIn] = []
    seen: set[str] = set()
    for position, media in enumerate(_media_list(tweet) if media_list is None else media_list):
        url = as_text(media.get("media_url_https") or media.get("media_url"))
        info = media.get("video_info") if isinstance(media.get("video_info"), dict) else {}
        variants = [
            v
            for v in (info.get("variants") or [])
            if isinstance(v, dict) and "mp4" in as_text(v.get("content_type")) and v.get("url")
        ]
        variants.sort(key=lambda v: count_value(v.get("bitrate")) or 0, reverse=True)  # type: ignore[arg-type,return-value]
        segments = [last_segment(as_text(v["url"])) for v in variants] or (
            [last_segment(url)] if url else []
        )
        if not segments or own_id is None:
            continue
        candidates = [f"{where.media_dir}/{own_id}-{s}" for s in segments]
        chosen = resolve.first_present(candidates) or candidates[0]
        if chosen in seen:
            continue
        seen.add(chosen)
        ext = chosen.rsplit(".", 1)[-1].lower() if "." in chosen else ""
        metadata = {
            "url": url or None,
            "media_id": exact_id(media.get("id_str")) or exact_id(media.get("id")),
            "expanded_url": media.get("expanded_url"),
            "alt_text": media.get("ext_alt_text"),
            "position": position,
        }
        if variants:
            metadata["video_url"] = as_text(variants[0]["url"])
        found.append(
            resolve.media(
                chosen,
                filename=chosen.rsplit("/", 1)[-1],
                mime_type=_MIME.get(ext),
                media_type=as_text(media.get("type")) or None,
                metadata={k: v for k, v in metadata.items() if v is not None},
            )
        )
    return found


@dataclass
class ParsedTweet:
    record: RecordIn
    own_id: str | None  # the tweet's own id (differs from record.record_key for edits)
    chained: bool  # part of a multi-tweet edit chain: written with its other versions


def tweet_record(
    item: Any,
    index: int,
    where: TweetFile,
    owner: AccountIn | None,
    chains: dict[str, str],
    resolve: MediaFinder,
    warnings: list[str],
) -> ParsedTweet:
    """One tweet (with or without the `{"tweet": ...}` wrapper) as a RecordIn.

    The record key is the initial tweet id for edit-chain members, else the tweet's own id;
    the version's locator names the tweet's own id when they differ.
    """
    locator = f"{where.path}[{index}]"
    item, raw = with_raw(item)
    tweet = item.get("tweet", item) if isinstance(item, dict) else item
    if not isinstance(tweet, dict):
        raise ValueError(f"{locator}: not a tweet object")
    own_id = tweet_id(tweet, warnings, locator)
    initial = chain_initial(tweet, own_id, chains)
    key = initial or own_id or content_key(raw)
    if own_id is not None and own_id != key:
        locator += f" (edit {own_id})"

    full_text = as_text(tweet.get("full_text") if "full_text" in tweet else tweet.get("text"))
    entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
    links = [u for u in entities.get("urls") or [] if isinstance(u, dict)]
    media_entities = _media_list(tweet)
    created_raw = tweet.get("created_at")
    created = twitter_time(created_raw, warnings, locator)
    parent = exact_id(tweet.get("in_reply_to_status_id_str")) or exact_id(
        tweet.get("in_reply_to_status_id")
    )
    if parent is not None:
        parent = chains.get(parent, parent)  # a reply to an edit belongs to the edited record
    handle = owner.handle if owner else None
    app, app_url = source_app(tweet.get("source"))
    is_repost = full_text.startswith("RT @")
    extra: dict[str, Any] = {
        "source": app,
        "source_url": app_url,
        "lang": tweet.get("lang"),
        "favorite_count": count_value(tweet.get("favorite_count")),
        "retweet_count": count_value(tweet.get("retweet_count")),
        "hashtags": _names(entities.get("hashtags"), "text"),
        "mentions": _names(entities.get("user_mentions"), "screen_name"),
        "urls": _names(links, "expanded_url"),
        "in_reply_to_screen_name": tweet.get("in_reply_to_screen_name"),
        "in_reply_to_user_id": exact_id(tweet.get("in_reply_to_user_id_str"))
        or exact_id(tweet.get("in_reply_to_user_id")),
        "possibly_sensitive": tweet.get("possibly_sensitive"),
        "withheld_in_countries": tweet.get("withheld_in_countries") or None,
        # edit_info matters for edit chains; a lone tweet's (editsRemaining "5"...) stays in
        # raw_json only, which keeps a million-tweet import's extra_json small
        "edit_info": tweet.get("edit_info") if initial is not None else None,
        "community_id": exact_id(tweet.get("community_id_str"))
        or exact_id(tweet.get("community_id")),
        "tweet_id": own_id if own_id != key else None,
    }
    if is_repost:
        match = re.match(r"RT @(\w+)", full_text)
        extra["repost_of"] = f"@{match.group(1)}" if match else None
        # The archive keeps only the start of a retweeted text (208 of 239 end with "…"),
        # and the original tweet is not in the archive.
        extra["repost_text_may_be_truncated"] = True
    if where.kind != "tweets":
        extra["archive_file"] = where.kind
    deleted_raw = tweet.get("deleted_at") if where.kind == "deleted" else None
    deleted = time_or_warn(deleted_raw, warnings, locator) if deleted_raw else None
    if deleted_raw and deleted is None:
        # still deleted, only the time is unknown: a flag must not disappear with its date
        deleted = created
        warnings.append(f"{locator}: deletion time unreadable; the tweet is still flagged deleted")
        extra["deleted_at_unreadable"] = as_text(deleted_raw)
    is_edit = own_id is not None and key != own_id
    rec = RecordIn(
        platform=PLATFORM,
        kind="reply" if parent else "post",
        record_key=key,
        text=display_text(full_text, [*links, *media_entities]),
        text_raw=full_text,
        platform_id=key if not key.startswith("sha256:") else None,
        parent_key=parent,
        author_name=owner.display_name if owner else None,
        author_handle=handle,
        author_platform_id=owner.platform_account_id if owner else None,
        created_at=created,
        created_at_raw=as_text(created_raw) if created_raw is not None else None,
        edited_at=created if is_edit else None,
        platform_edited_at=created if is_edit else None,
        deleted_at=deleted,
        deleted_at_raw=as_text(deleted_raw) if deleted_raw else None,
        url=(
            f"https://x.com/{handle or 'i'}/status/{key}" if not key.startswith("sha256:") else None
        ),
        lang=as_text(tweet.get("lang"))[:20] or None,
        is_repost=is_repost,
        extra={k: v for k, v in extra.items() if v not in (None, [], "")},
        raw_json=raw,
        locator=locator,
        media=tweet_media(tweet, own_id, where, resolve, media_entities) if media_entities else [],
    )
    return ParsedTweet(rec, own_id, initial is not None)

"""The 2023+ Takeout layout: channel.csv, videos.csv, comments.csv, live chats.csv.

Files are recognised by their header row (takeout.classify); this module turns their rows
into records. Comments and live chat lines are built by one function: they differ only in
their column names, and in the parents and links a comment can have (reply, community post).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import dumps_raw, time_or_warn
from retention_desk.importers.csv.export import read_export_csv
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube import video_files
from retention_desk.importers.youtube.takeout import Row, parse_comment_text

PLATFORM = "youtube"
WATCH = "https://www.youtube.com/watch?v="

REQUIRED = {
    "channel": ("channel id",),
    "videos": ("video id",),
    "comments": ("comment id",),
    "live_chats": ("live chat id",),
}


def author(claim: Claim, channel_id: str) -> str | None:
    return (claim.state.get("channels") or {}).get(channel_id) or None


def csv_records(
    tree: SourceTree,
    claim: Claim,
    path: str,
    kind: str,
    warnings: list[str],
    ctx: FileContext | None,
) -> Iterator[RecordIn]:
    extra_state: dict[str, Any] = {}
    if kind == "videos":
        extra_state["places"] = video_files.places(tree, claim, warnings)
        extra_state["files"] = video_files.video_index(claim, ctx)
        extra_state["title_counts"] = video_files.title_counts(tree, path)
    for row in read_export_csv(tree, path, required=REQUIRED[kind]):
        r = Row(row)
        if kind == "channel":
            rec = channel_record(r, path, warnings)
        elif kind == "videos":
            rec = video_record(r, path, claim, warnings)
        else:
            rec = message_record(r, path, claim, warnings, chat=kind == "live_chats")
        if rec is None:
            continue
        if kind == "videos":
            video_files.video_extras(rec, extra_state, warnings, ctx)
        yield rec


def channel_record(r: Row, path: str, warnings: list[str]) -> RecordIn | None:
    cid = r.get("channel id")
    if not cid:
        warnings.append(f"{path} line {r.row.line}: no Channel ID; row skipped")
        return None
    title = r.get("channel title (original)", "channel title")
    return RecordIn(
        platform=PLATFORM,
        kind="page",
        record_key=cid,
        platform_id=cid,
        title=title or None,
        text=r.get("channel description (original)", "channel description"),
        author_name=title or None,
        author_platform_id=cid,
        url=f"https://www.youtube.com/channel/{cid}",
        extra={
            "visibility": r.get("channel visibility"),
            "country": r.get("channel country"),
        },
        raw_json=dumps_raw(r.row.raw),
        locator=f"{path}:{r.row.line}",
    )


def video_record(r: Row, path: str, claim: Claim, warnings: list[str]) -> RecordIn | None:
    vid = r.get("video id")
    if not vid:
        warnings.append(f"{path} line {r.row.line}: no Video ID; row skipped")
        return None
    where = f"{path} line {r.row.line}"
    created_raw = r.get("video create timestamp")
    published_raw = r.get("video publish timestamp")
    when_raw = published_raw or created_raw
    channel = r.get("channel id")
    privacy = r.get("privacy")
    return RecordIn(
        platform=PLATFORM,
        kind="post",
        record_key=vid,
        platform_id=vid,
        title=r.get("video title (original)", "video title") or None,
        text=r.get("video description (original)", "video description"),
        author_name=author(claim, channel),
        author_platform_id=channel or None,
        created_at=time_or_warn(when_raw, warnings, where),
        created_at_raw=when_raw or None,
        url=WATCH + vid,
        restricted=privacy.lower() == "private",
        extra={
            "privacy": privacy,
            "state": r.get("video state"),
            "created": created_raw,
            "published": published_raw,
            "duration_ms": r.get("approx duration (ms)"),
            "category": r.get("video category"),
            "audio_language": r.get("video audio language"),
            "tags": r.prefixed("tag "),
        },
        raw_json=dumps_raw(r.row.raw),
        locator=f"{path}:{r.row.line}",
    )


def message_record(
    r: Row, path: str, claim: Claim, warnings: list[str], *, chat: bool
) -> RecordIn | None:
    """A comments.csv or live chats.csv row. A live chat line hangs under its video; a
    comment under its parent comment (a reply), else its video or community post."""
    noun = "live chat" if chat else "comment"
    key = r.get(f"{noun} id")
    if not key:
        label = "Live Chat ID" if chat else "Comment ID"
        warnings.append(f"{path} line {r.row.line}: no {label}; row skipped")
        return None
    where = f"{path} line {r.row.line}"
    raw_text = r.row.values.get(f"{noun} text", "")
    text, segments = parse_comment_text(raw_text)
    video = r.get("video id")
    post = "" if chat else r.get("post id")
    parent_comment = "" if chat else r.get("parent comment id")
    channel = r.get("channel id")
    when_raw = r.get(f"{noun} create timestamp")
    if chat:
        url = WATCH + video if video else None
        extra: dict[str, Any] = {"live_chat": True, "video_id": video, "price": r.get("price")}
    else:
        if video:
            url = f"{WATCH}{video}&lc={key}"
        elif post:
            url = f"https://www.youtube.com/post/{post}?lc={key}"
        else:
            url = None
        extra = {
            "video_id": video,
            "post_id": post,
            "top_level_comment_id": r.get("top-level comment id"),
            "price": r.get("price"),
        }
    return RecordIn(
        platform=PLATFORM,
        kind="reply" if parent_comment else "comment",
        record_key=key,
        platform_id=key,
        parent_key=parent_comment or video or post or None,
        text=text,
        text_raw=raw_text if segments is not None else None,
        author_name=author(claim, channel),
        author_platform_id=channel or None,
        created_at=time_or_warn(when_raw, warnings, where),
        created_at_raw=when_raw or None,
        url=url,
        extra=extra,
        raw_json=dumps_raw(r.row.raw),
        locator=f"{path}:{r.row.line}",
    )

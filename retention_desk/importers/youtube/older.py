"""Takeouts before the CSV files (to 2023), and the history files of every Takeout.

- `uploads.json`: the uploads playlist as YouTube Data API playlistItems
  (`snippet.title/description/publishedAt/channelId`, `contentDetails.videoId`).
- `my-comments.html`, `my-live-chat-messages.html`: one `<li>` per message (html.py).
- Watch and search history (`history/watch-history.json|html`, `search-history.*`, named
  in the account's language: `Verlauf/Wiedergabeverlauf.json`, `geschiedenis/
  kijkgeschiedenis.html`...): what the account watched and searched for. It is the
  account's activity, not content it published, and a real one holds tens of thousands of
  entries; it is kept byte-exact as an original (searchable by nobody, producible whole)
  and the summary says how many entries of which kind it holds and over which dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import ParseError, dumps_raw, loads, parse_time, time_or_warn
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube import video_files
from retention_desk.importers.youtube.csv_layout import PLATFORM, WATCH, author
from retention_desk.importers.youtube.html import parse_messages
from retention_desk.importers.youtube.takeout import norm_title

HISTORY_KINDS = ("watch_history", "search_history", "activity_history")
# a watch or search link, with `=` written as-is or as JSON's \u003d (Takeout writes both)
_WATCH_LINK = re.compile(rb"youtube\.com/watch\?v(?:=|\\u003d)", re.IGNORECASE)
_SEARCH_LINK = re.compile(rb"youtube\.com/results\?search_query(?:=|\\u003d)", re.IGNORECASE)
_ACTIVITY_ITEM = re.compile(rb'"(?:titleUrl|time|header)"\s*:')


def uploads_records(
    tree: SourceTree,
    claim: Claim,
    path: str,
    warnings: list[str],
    ctx: FileContext | None,
) -> Iterator[RecordIn]:
    data = loads(tree.read_bytes(path), name=path)
    if not isinstance(data, list):
        raise ParseError(f"{path}: expected a list of playlist items")
    titles: dict[str, int] = {}
    for item in data:
        snippet = item.get("snippet") if isinstance(item, dict) else None
        if isinstance(snippet, dict):
            title = norm_title(str(snippet.get("title") or ""))
            titles[title] = titles.get(title, 0) + 1
    state = {"places": {}, "files": video_files.video_index(claim, ctx), "title_counts": titles}
    for index, item in enumerate(data):
        where = f"{path}[{index}]"
        snippet = item.get("snippet") if isinstance(item, dict) else None
        details = item.get("contentDetails") if isinstance(item, dict) else None
        if not isinstance(snippet, dict):
            warnings.append(f"{where}: not a playlist item; skipped")
            continue
        resource = snippet.get("resourceId") if isinstance(snippet.get("resourceId"), dict) else {}
        vid = str((details or {}).get("videoId") or resource.get("videoId") or "")
        if not vid:
            warnings.append(f"{where}: playlist item without a video id; skipped")
            continue
        when_raw = (details or {}).get("videoPublishedAt") or snippet.get("publishedAt")
        status = item.get("status") if isinstance(item.get("status"), dict) else {}
        privacy = str(status.get("privacyStatus") or "")
        rec = RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=vid,
            platform_id=vid,
            title=str(snippet.get("title") or "") or None,
            text=str(snippet.get("description") or ""),
            author_name=author(claim, str(snippet.get("channelId") or "")),
            author_platform_id=str(snippet.get("channelId") or "") or None,
            created_at=time_or_warn(when_raw, warnings, where),
            created_at_raw=str(when_raw) if when_raw else None,
            url=WATCH + vid,
            restricted=privacy.lower() == "private",
            extra={"privacy": privacy, "source": "uploads playlist (older Takeout)"},
            raw_json=dumps_raw(item),
            locator=where,
        )
        video_files.video_extras(rec, state, warnings, ctx)
        yield rec


def html_message_records(
    tree: SourceTree, claim: Claim, path: str, kind: str, warnings: list[str]
) -> Iterator[RecordIn]:
    """Older Takeouts' HTML comment/chat lists. Keys are the same as the CSV's where the
    item links its comment (`lc=`), so a later CSV export lands on the same records."""
    chat = kind == "html_live_chats"
    channels = claim.state.get("channels") or {}
    channel_id, channel_title = next(iter(channels.items()), ("", ""))
    for msg in parse_messages(tree.read_bytes(path)):
        where = f"{path} item {msg.index + 1}"
        if not msg.video_id and not msg.comment_id:
            warnings.append(f"{where}: no video link; skipped")
            continue
        if msg.when is None:
            warnings.append(f"{where}: no readable time; kept undated")
        stamp = msg.when.strftime("%Y%m%dT%H%M%S") if msg.when else f"item{msg.index + 1}"
        prefix = "html-live-chat" if chat else "html-comment"
        key = msg.comment_id or f"{prefix}:{msg.video_id}:{stamp}"
        if msg.parent_id:
            rec_kind, parent = "reply", msg.parent_id
        else:
            rec_kind, parent = "comment", msg.video_id
        url = None
        if msg.video_id:
            url = WATCH + msg.video_id + (f"&lc={msg.comment_id}" if msg.comment_id else "")
        yield RecordIn(
            platform=PLATFORM,
            kind=rec_kind,
            record_key=key,
            platform_id=msg.comment_id or None,
            parent_key=parent or None,
            text=msg.text,
            text_raw=msg.html,
            author_name=channel_title or None,
            author_platform_id=channel_id or None,
            created_at=msg.when,
            created_at_raw=msg.when_raw or None,
            url=url,
            extra={
                k: v
                for k, v in {
                    "live_chat": chat,
                    "video_id": msg.video_id,
                    "video_link_text": msg.video_title,
                    "source": "Takeout HTML (before the CSV files)",
                }.items()
                if v
            },
            raw_json=dumps_raw({"html": msg.html, "links": msg.urls}),
            locator=where,
        )


# ------------------------------------------------------------------------------ history
def history_kind(head: bytes, html: bool) -> str | None:
    """Which history a file is, from its first bytes (names are localised), or None.

    JSON: a list of My Activity items (`header`, `title`, `titleUrl`, `time`) linking
    YouTube videos or searches. HTML: My Activity `content-cell` blocks with such links
    (comment lists are `<li>` items, recognised by html.py instead)."""
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if html:
        lowered = body.lower()
        if b"content-cell" not in lowered and b"outer-cell" not in lowered:
            return None
    elif not body.startswith(b"[") or _ACTIVITY_ITEM.search(body) is None:
        return None
    watched = _WATCH_LINK.search(body) is not None
    searched = _SEARCH_LINK.search(body) is not None
    if watched and searched:
        return "activity_history"
    if watched:
        return "watch_history"
    if searched:
        return "search_history"
    return None


@dataclass(frozen=True)
class HistorySummary:
    entries: int
    watched: int
    searched: int
    first: datetime | None
    last: datetime | None


def read_history(tree: SourceTree, path: str) -> HistorySummary:
    """Count a history file's entries (and their dates, in JSON: the HTML writes them in the
    account's language, so they are not read). Raises ParseError on a broken file."""
    data = tree.read_bytes(path)
    html = not path.lower().endswith(".json")
    if html:
        # one `outer-cell` per entry; the minimal layout has only `content-cell`
        text = data.decode("utf-8", "replace")
        cells = text.count("outer-cell") or text.count("content-cell")
        return HistorySummary(
            entries=cells,
            watched=len(_WATCH_LINK.findall(data)),
            searched=len(_SEARCH_LINK.findall(data)),
            first=None,
            last=None,
        )
    items = loads(data, name=path)
    if not isinstance(items, list):
        raise ParseError(f"{path}: expected a list of history entries")
    watched = searched = 0
    times: list[datetime] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = str(item.get("titleUrl") or "").replace("\\u003d", "=")
        watched += "/watch?v=" in url
        searched += "/results?search_query=" in url
        try:
            when = parse_time(item.get("time"))
        except ParseError:
            when = None
        if when is not None:
            times.append(when)
    return HistorySummary(
        entries=len(items),
        watched=watched,
        searched=searched,
        first=min(times) if times else None,
        last=max(times) if times else None,
    )


def history_note(path: str, summary: HistorySummary) -> str:
    parts = []
    if summary.watched:
        parts.append(f"{summary.watched} videos watched")
    if summary.searched:
        parts.append(f"{summary.searched} searches")
    what = ", ".join(parts) or "no watched videos or searches"
    when = ""
    if summary.first and summary.last:
        when = f", {summary.first:%Y-%m-%d} to {summary.last:%Y-%m-%d}"
    return (
        f"{path}: YouTube history, {summary.entries} entries ({what}{when}); kept as the"
        " original file, not as records (the account's viewing and search activity,"
        " not content it published)"
    )

"""Older Google Takeouts: `my-comments.html` and `my-live-chat-messages.html`.

Before the CSV files (2023), Takeout gave the account's comments and live chat messages only
as HTML: one `<li>` per message, a line naming the video with a link, the time, then (after a
`<br>`) the text. Shapes seen in public parsers' fixtures (purarue/seanbreckenridge
google_takeout_parser `parse_html/comment.py` and its test; juanakira/takeout-comments-parser,
Spanish `mis-comentarios.html` with "Añadiste"/"Respondiste" lines):

    <li>Sent at 2020-04-27 23:18:23 UTC while watching <a href="http://www.youtube.com/watch?v=…">
        a video</a>.<br/>content here</li>
    <li>Sent on 2016-06-15T08:50:49Z while watching …                     (before 2019)
    <li>You added a <a href="https://www.youtube.com/watch?v=ID&amp;lc=COMMENT">comment</a> on
        <a href="https://www.youtube.com/watch?v=ID">Title</a>.<br/>2021-03-12 10:11:12 UTC<br/>text

The wording is localised, so nothing here reads words: the time is the first
`YYYY-MM-DD[ T]hh:mm:ss` in the item, the video is the first watch/youtu.be link, the comment
id is the link's `lc` parameter (`PARENT.REPLY` for a reply, as in the CSV), and the text is
what follows the `<br>` after the time. Items without an `lc` id get a key made of the video
and the time, which stays the same between exports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:\s+|T)(\d{2}):(\d{2}):(\d{2})(?:\s*UTC|Z)?")
_BR = re.compile(r"(?i)<br\s*/?>")
_TAG = re.compile(r"<[^>]*>")
_WATCH = re.compile(rb"(?:youtube\.com/watch\?v=|youtu\.be/)")
_DATE_BYTES = re.compile(rb"\d{4}-\d{2}-\d{2}(?:\s+|T)\d{2}:\d{2}:\d{2}")


@dataclass
class HtmlMessage:
    """One `<li>` of a Takeout comment or live chat HTML file."""

    index: int
    html: str
    text: str
    when: datetime | None = None
    when_raw: str = ""
    video_id: str = ""
    video_title: str = ""
    comment_id: str = ""
    parent_id: str = ""
    urls: list[str] = field(default_factory=list)


def looks_like_message_list(head: bytes) -> bool:
    """A Takeout comment/chat list: HTML with `<li>` items holding a YouTube video link and a
    timestamp. My Activity pages (watch history) are `outer-cell` divs, not list items."""
    lowered = head.lower()
    if b"<html" not in lowered and b"<ul" not in lowered:
        return False
    return (
        b"<li" in lowered
        and b"outer-cell" not in lowered
        and _WATCH.search(head) is not None
        and _DATE_BYTES.search(head) is not None
    )


def video_id_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.netloc.endswith("youtu.be"):
        return parts.path.strip("/").split("/")[0]
    return (parse_qs(parts.query).get("v") or [""])[0]


def parse_messages(data: bytes) -> list[HtmlMessage]:
    """Every `<li>` of the file, in order. Never raises on odd items: a message with no
    time or no video is returned with those fields empty for the caller to report."""
    tree = LexborHTMLParser(data.decode("utf-8", "replace"))
    out: list[HtmlMessage] = []
    for index, li in enumerate(tree.css("li")):
        inner = li.html or ""
        inner = re.sub(r"(?is)\A<li[^>]*>|</li>\s*\Z", "", inner)
        msg = HtmlMessage(index=index, html=inner, text="")
        for link in li.css("a"):
            href = link.attributes.get("href") or ""
            if not href:
                continue
            msg.urls.append(href)
            vid = video_id_of(href)
            if vid and not msg.video_id:
                msg.video_id = vid
            if vid and link.text(strip=True) and not msg.video_title:
                msg.video_title = link.text(strip=True)
            lc = (parse_qs(urlsplit(href).query).get("lc") or [""])[0]
            if lc and not msg.comment_id:
                msg.comment_id = lc
        if "." in msg.comment_id:
            msg.parent_id = msg.comment_id.split(".", 1)[0]
        parts = _BR.split(inner)
        date_at = next((i for i, p in enumerate(parts) if _DATE.search(_TAG.sub("", p))), None)
        if date_at is not None:
            found = _DATE.search(_TAG.sub("", parts[date_at]))
            assert found is not None
            msg.when_raw = found.group(0)
            y, mo, d, h, mi, s = (int(g) for g in found.groups())
            try:
                msg.when = datetime(y, mo, d, h, mi, s, tzinfo=UTC)
            except ValueError:
                msg.when = None
        body = parts[(date_at if date_at is not None else 0) + 1 :]
        msg.text = "\n".join(_text(p) for p in body).strip()
        out.append(msg)
    return out


def _text(fragment: str) -> str:
    node = LexborHTMLParser(f"<div>{fragment}</div>").css_first("div")
    return node.text(separator="") if node is not None else ""

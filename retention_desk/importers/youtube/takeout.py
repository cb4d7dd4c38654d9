"""What a Google Takeout "YouTube and YouTube Music" export looks like, file by file.

Header rows identify the files (the folder names are localised), columns are looked up by
name whatever the export's case and spacing, and `Comment Text` / `Live Chat Text` JSON
fragments are turned into text. youtube.py builds the records.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from retention_desk.importers.csv.export import CsvRow
from retention_desk.importers.subscribers.parse import is_youtube_subscriptions
from retention_desk.importers.tree import SourceTree


def compact_header(name: str) -> str:
    # 'Approx Duration (ms)' and 'Approx Duration(ms)' both occur: compare without spaces
    return re.sub(r"\s+", "", name.lower())


def has_columns(cols: set[str], *names: str) -> bool:
    return all(compact_header(n) in cols for n in names)


def classify(header: list[str] | None) -> str | None:
    """Which Takeout YouTube file a header row belongs to, or None."""
    if not header:
        return None
    cols = {compact_header(h) for h in header}
    if has_columns(cols, "comment id", "comment text") and (
        has_columns(cols, "video id") or has_columns(cols, "post id")
    ):
        return "comments"
    if has_columns(cols, "live chat id", "live chat text"):
        return "live_chats"
    if has_columns(cols, "video id") and (
        has_columns(cols, "video title (original)") or has_columns(cols, "video title")
    ):
        return "videos"
    # subscriptions.csv (Channel Id, Channel Url, Channel Title) lists other people's channels:
    # the account's subscriptions, a dated snapshot record (importers/subscribers)
    if is_youtube_subscriptions(header):
        return "subscriptions"
    if (
        has_columns(cols, "channel id")
        and not has_columns(cols, "channel url")
        and (
            has_columns(cols, "channel title (original)")
            or has_columns(cols, "channel title", "channel visibility")
        )
    ):
        return "channel"
    if has_columns(cols, "video id") and any(
        w in c for c in cols for w in ("latitude", "longitude", "location", "place")
    ):
        return "recordings"
    return None


class Row:
    """A CSV row looked up by column name, whatever the export's case and spacing."""

    def __init__(self, row: CsvRow) -> None:
        self.row = row
        self._values = {compact_header(k): v for k, v in row.values.items()}

    def get(self, *names: str) -> str:
        for name in names:
            value = self._values.get(compact_header(name))
            if value is not None:
                return value.strip()
        return ""

    def prefixed(self, prefix: str) -> list[str]:
        """Values of numbered columns such as 'Tag 1'...'Tag 10', in order, non-empty only."""
        key = compact_header(prefix)
        found = sorted(
            (int(k[len(key) :]), v)
            for k, v in self._values.items()
            if k.startswith(key) and k[len(key) :].isdigit()
        )
        return [v.strip() for _, v in found if v.strip()]


# -------------------------------------------------------------------- comment text
def parse_comment_text(raw: str) -> tuple[str, list[dict[str, Any]] | None]:
    """Takeout's `Comment Text` -> (display text, segments), or (raw, None) for plain text.

    Shapes seen: `{"takeoutSegments":[{"text":"a"},...]}` (before 2024), `{"text":"a"}` and
    several fragments separated by commas `{"text":"a"},{"text":"@x","mention":{...}}` (since
    2024), and plain text in some older files. Literal newlines inside the JSON strings occur
    (the CSV carries them unescaped), so control characters are accepted inside strings.
    A segment without text but with a link shows the link. Never raises.
    """
    body = raw.strip()
    if not body.startswith("{"):
        return raw, None
    for candidate in (body, "[" + body + "]"):
        try:
            value = json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
        segments: Any = None
        if isinstance(value, dict):
            segments = value.get("takeoutSegments") if "takeoutSegments" in value else [value]
        elif isinstance(value, list):
            segments = value
        if isinstance(segments, list) and all(isinstance(s, dict) for s in segments):
            return "".join(segment_text(s) for s in segments), segments
    return raw, None


def segment_text(segment: dict[str, Any]) -> str:
    value = segment.get("text")
    if isinstance(value, str):
        return value
    link = segment.get("link")
    if isinstance(link, dict) and isinstance(link.get("linkUrl"), str):
        return link["linkUrl"]
    return ""


# ------------------------------------------------------------------------ detection
def is_uploads_json(tree: SourceTree, path: str) -> bool:
    """An older Takeout's uploads playlist: a JSON list of API playlistItems."""
    pure = PurePosixPath(path)
    if pure.suffix.lower() != ".json" or pure.stem.lower() != "uploads":
        return False
    try:
        head = tree.head(path, 8192).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"[") and b'"snippet"' in head and b'"videoId"' in head


def norm_title(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())

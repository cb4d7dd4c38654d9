"""Which file of a Takeout is which, from content: folder and file names are localised
("YouTube und YouTube Music/Verlauf/Wiedergabeverlauf.json"), and older Takeouts used a
plain "YouTube" folder, so names decide nothing.

- CSV files by their header row (takeout.classify);
- `uploads.json` (older uploads playlist) by name and shape: likes and favourites have the
  same shape and are someone else's videos;
- HTML comment/chat lists (`<li>` items with a video link and a time) by html.py;
- watch/search history, JSON or HTML, by older.history_kind;
- video files by suffix (linked to their videos, never parsed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from retention_desk.importers.csv.export import csv_header
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube.html import looks_like_message_list
from retention_desk.importers.youtube.older import history_kind
from retention_desk.importers.youtube.takeout import classify, is_uploads_json
from retention_desk.importers.youtube.video_files import VIDEO_SUFFIXES

ORDER = (
    "channel",
    "videos",
    "uploads_json",
    "comments",
    "html_comments",
    "live_chats",
    "html_live_chats",
    "watch_history",
    "search_history",
    "activity_history",
    "subscriptions",
)
# My Activity pages open with a large inline style sheet before the first entry
_HTML_HEAD = 16384
_HTML_STYLED_HEAD = 1 << 20


@dataclass
class Layout:
    kinds: dict[str, str] = field(default_factory=dict)  # path -> kind, for claimed files
    recordings: list[str] = field(default_factory=list)  # video recordings.csv (GPS)
    video_files: list[str] = field(default_factory=list)

    def files(self) -> list[str]:
        return sorted(self.kinds, key=lambda p: (ORDER.index(self.kinds[p]), p))


def read_layout(tree: SourceTree) -> Layout:
    layout = Layout()
    for item in tree.files:
        suffix = PurePosixPath(item.path).suffix.lower()
        if suffix in VIDEO_SUFFIXES:
            layout.video_files.append(item.path)
            continue
        if suffix == ".json":
            kind = _json_kind(tree, item.path)
            if kind:
                layout.kinds[item.path] = kind
            continue
        if suffix in (".html", ".htm"):
            kind = _html_kind(tree, item.path)
            if kind:
                layout.kinds[item.path] = kind
            continue
        kind = classify(csv_header(tree, item.path))
        if kind == "recordings":
            layout.recordings.append(item.path)
        elif kind:
            layout.kinds[item.path] = kind
    return layout


def _json_kind(tree: SourceTree, path: str) -> str | None:
    if is_uploads_json(tree, path):
        return "uploads_json"
    try:
        head = tree.head(path, 8192)
    except OSError:
        return None
    return history_kind(head, html=False)


def _html_kind(tree: SourceTree, path: str) -> str | None:
    try:
        head = tree.head(path, _HTML_HEAD)
        if len(head) >= _HTML_HEAD and b"youtube.com/" not in head:
            head = tree.head(path, _HTML_STYLED_HEAD)
    except OSError:
        return None
    if looks_like_message_list(head):
        # comments and chats share one layout; only the file name tells them apart
        chat = "chat" in PurePosixPath(path).name.lower()
        return "html_live_chats" if chat else "html_comments"
    return history_kind(head, html=True)

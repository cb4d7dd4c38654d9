"""Whose Takeout it is: the channel (account) the records belong to.

`channels/channel.csv` names the channel (id and title). Without it, the channel id is
taken from what only the account's own channel can have written: its uploads (`videos.csv`
`Channel ID`, `uploads.json` `snippet.channelId` and, when present, `channelTitle`), then its
comments and live chat messages (`Channel ID` of each row: a Takeout holds the account's own).
The older HTML files and the history name no channel of the account's: then the account
cannot be known, and the preview and the summary say so.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice

from retention_desk.archive.ingest import AccountIn
from retention_desk.importers.common import ParseError, loads
from retention_desk.importers.csv.export import read_export_csv
from retention_desk.importers.tree import MemberError, SourceTree
from retention_desk.importers.youtube.csv_layout import PLATFORM
from retention_desk.importers.youtube.takeout import Row

# enough rows to find the channel id without reading a large export during detection
_SAMPLE_ROWS = 200
UNKNOWN = (
    "the YouTube channel (account) could not be known: no channel.csv, and no videos,"
    " comments or live chats naming its channel id; choose an account (--account HANDLE)"
    " or add the Takeout's channels/channel.csv"
)


def channels_from_csv(tree: SourceTree, paths: list[str]) -> dict[str, str]:
    """Channel id -> title from channel.csv, read during detection (a few lines)."""
    channels: dict[str, str] = {}
    for path in paths:
        try:
            for row in read_export_csv(tree, path, required=("channel id",)):
                r = Row(row)
                if r.get("channel id"):
                    channels[r.get("channel id")] = r.get(
                        "channel title (original)", "channel title"
                    )
        except (ParseError, OSError):
            continue
    return channels


def infer_channel(tree: SourceTree, kinds: dict[str, str]) -> dict[str, str]:
    """{channel id: title or ""} from uploads, else from comments and chats; {} if none."""
    for wanted in (("videos", "uploads_json"), ("comments", "live_chats")):
        ids: Counter[str] = Counter()
        titles: dict[str, str] = {}
        for path, kind in kinds.items():
            if kind not in wanted:
                continue
            try:
                if kind == "uploads_json":
                    _from_uploads(tree, path, ids, titles)
                else:
                    rows = read_export_csv(tree, path, required=("channel id",))
                    for row in islice(rows, _SAMPLE_ROWS):
                        cid = Row(row).get("channel id")
                        if cid:
                            ids[cid] += 1
            except (ParseError, OSError, MemberError):
                continue  # the import reports the file; detection only guesses less
        if ids:
            cid = ids.most_common(1)[0][0]
            return {cid: titles.get(cid, "")}
    return {}


def _from_uploads(tree: SourceTree, path: str, ids: Counter[str], titles: dict[str, str]) -> None:
    data = loads(tree.read_bytes(path), name=path)
    for item in data if isinstance(data, list) else []:
        snippet = item.get("snippet") if isinstance(item, dict) else None
        if not isinstance(snippet, dict) or not isinstance(snippet.get("channelId"), str):
            continue
        cid = snippet["channelId"]
        ids[cid] += 1
        if isinstance(snippet.get("channelTitle"), str) and snippet["channelTitle"]:
            titles[cid] = snippet["channelTitle"]


def account_of(channels: dict[str, str]) -> AccountIn | None:
    if not channels:
        return None
    cid, title = next(iter(channels.items()))
    return AccountIn(PLATFORM, account_key=cid, platform_account_id=cid, display_name=title or None)

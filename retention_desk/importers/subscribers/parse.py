"""Reading each platform's follower / following / subscription list into members.

Shapes, from real public exports (tests/fixtures/subscribers/README.md names each source):
- X `data/follower.js`, `data/following.js`: `window.YTD.follower.part0 = [{"follower":
  {"accountId", "userLink"}}]`; no names, no handles, no dates: the account id is all X gives.
- Instagram `followers_and_following/followers_1.json`: a bare array of `{"title": "",
  "media_list_data": [], "string_list_data": [{"href", "value", "timestamp"}]}`;
  `following.json` wraps the same items in `{"relationships_following": [...]}`. Newer
  downloads put the username in `title` and leave `value` out; the href's last segment is
  the fallback.
- Facebook `connections/followers/who_you've_followed.json` (`{"following_v3": [{"name",
  "timestamp"}]}`), `people_who_followed_you.json` (`{"followers_v3": [{"name"}]}`, no
  dates), older `followers_and_following/` files with `_v2` or bare keys. Names only (no ids,
  no links), in Meta's mojibake; two different people can share a name, so a repeated name is
  a second member (`#2`), not a duplicate.
- YouTube Takeout `subscriptions/subscriptions.csv`: `Channel Id,Channel Url,Channel Title`
  (English headers; Takeout ends files with blank lines).
- Reddit `subscribed_subreddits.csv`: one `subreddit` column (the same header as
  `moderated_subreddits.csv`, so the file name decides); `u_name` is a user's profile.

`member_key` is what stays the same for one member between two exports: X account id,
Instagram username (case-folded), Facebook name, YouTube channel id, subreddit name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.models_oversight import LIST_KINDS
from retention_desk.importers.common import ParseError, clean_text, from_epoch
from retention_desk.importers.csv.export import read_export_csv
from retention_desk.importers.meta.files import Head, name_of
from retention_desk.importers.meta.text import fx
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.x.common import as_text, exact_id, iter_js_array

__all__ = ["LIST_KINDS", "Member", "ParsedList"]


@dataclass(frozen=True)
class Member:
    member_key: str
    handle: str = ""
    name: str = ""
    url: str = ""
    since: datetime | None = None


@dataclass(frozen=True)
class ParsedList:
    list_kind: str  # one of LIST_KINDS
    members: tuple[Member, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _finish(list_kind: str, members: list[Member], warnings: list[str]) -> ParsedList:
    """Members in the export's order; a key seen again becomes `key#2`, `key#3`... so that two
    people of the same name stay two members and comparing snapshots still pairs them."""
    seen: Counter[str] = Counter()
    unique: list[Member] = []
    for m in members:
        seen[m.member_key] += 1
        n = seen[m.member_key]
        unique.append(m if n == 1 else replace(m, member_key=f"{m.member_key}#{n}"))
    return ParsedList(list_kind, tuple(unique), tuple(warnings))


def _since(value: Any, warnings: list[str], where: str) -> datetime | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        warnings.append(f"{where}: timestamp {str(value)[:40]!r} is not a number; kept undated")
        return None
    try:
        return from_epoch(value)
    except (ParseError, ValueError, OverflowError, OSError):
        warnings.append(f"{where}: timestamp {value!r} is out of range; kept undated")
        return None


# ---------------------------------------------------------------------------------- X
_X_GLOBALS = {"follower": "followers", "following": "following"}


def x_list_kind(global_name: str) -> str | None:
    """'follower' -> 'followers', 'following' -> 'following' (the file's YTD global)."""
    return _X_GLOBALS.get(global_name)


def parse_x(data: bytes, path: str, list_kind: str) -> ParsedList:
    wrapper = "follower" if list_kind == "followers" else "following"
    members: list[Member] = []
    warnings: list[str] = []
    for index, item in iter_js_array(data, name=path, skipped=warnings):
        entry = item.get(wrapper) if isinstance(item, dict) else None
        if not isinstance(entry, dict):
            warnings.append(f"{path}[{index}]: not a {wrapper} entry; skipped")
            continue
        account_id = exact_id(entry.get("accountId"))
        link = clean_text(as_text(entry.get("userLink")))
        if not account_id and not link:
            warnings.append(f"{path}[{index}]: neither accountId nor userLink; skipped")
            continue
        members.append(Member(member_key=account_id or link, url=link))
    return _finish(list_kind, members, warnings)


# -------------------------------------------------------------------------- Instagram
_IG_WRAPPERS = {"relationships_followers": "followers", "relationships_following": "following"}
_IG_FOLLOWERS_NAME = re.compile(r"^followers(_\d+)?\.json$")


def instagram_list_kind(path: str, head: Head) -> str | None:
    """'followers' / 'following' for an Instagram list file, from its head."""
    first = head.first_key or ""
    if head.encoding_problem:
        return None
    if head.shape == "object" and first in _IG_WRAPPERS:
        return _IG_WRAPPERS[first]
    if _IG_FOLLOWERS_NAME.match(name_of(path).lower()) and (
        head.shape == "empty_array" or (head.shape == "array" and "string_list_data" in head.keys)
    ):
        return "followers"
    return None


def _last_segment(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1] if "/" in url else ""


def parse_instagram(data: Any, path: str, list_kind: str) -> ParsedList:
    if isinstance(data, dict):
        items = next((v for k, v in data.items() if k in _IG_WRAPPERS), None)
    else:
        items = data
    if not isinstance(items, list):
        raise ParseError(f"{path}: expected a list of {list_kind} entries")
    members: list[Member] = []
    warnings: list[str] = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        rows = item.get("string_list_data") if isinstance(item, dict) else None
        row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
        title = fx(item.get("title")) if isinstance(item, dict) else ""
        href = fx(row.get("href"))
        handle = fx(row.get("value")) or title or _last_segment(href)
        if not handle and not href:
            warnings.append(f"{where}: no username or link; skipped")
            continue
        since = _since(row.get("timestamp"), warnings, where)
        members.append(
            Member(member_key=(handle or href).casefold(), handle=handle, url=href, since=since)
        )
    return _finish(list_kind, members, warnings)


# --------------------------------------------------------------------------- Facebook
_FB_KEYS = {
    "following_v3": "following",
    "following_v2": "following",
    "following": "following",
    "followers_v3": "followers",
    "followers_v2": "followers",
    "followers": "followers",
}


def facebook_list_kind(path: str, head: Head) -> str | None:
    """'followers' / 'following' for a Facebook list file, from its head. The bare keys of
    the oldest layout count only with `name` items (another export's `followers` object is
    not a list of people)."""
    first = head.first_key or ""
    if head.shape != "object" or head.encoding_problem or first not in _FB_KEYS:
        return None
    if not first.endswith(("_v2", "_v3")) and "name" not in head.keys:
        return None
    return _FB_KEYS[first]


def parse_facebook(data: Any, path: str, list_kind: str) -> ParsedList:
    items = (
        next((v for k, v in data.items() if k in _FB_KEYS), None)
        if isinstance(data, dict)
        else None
    )
    if not isinstance(items, list):
        raise ParseError(f"{path}: expected a list of {list_kind} entries")
    members: list[Member] = []
    warnings: list[str] = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        name = fx(item.get("name")) if isinstance(item, dict) else ""
        if not name:
            warnings.append(f"{where}: no name; skipped")
            continue
        since = _since(item.get("timestamp"), warnings, where)
        members.append(Member(member_key="name:" + name.casefold(), name=name, since=since))
    return _finish(list_kind, members, warnings)


# ---------------------------------------------------------------------------- YouTube
def _compact(name: str) -> str:
    return re.sub(r"\s+", "", name.replace("\ufeff", "").lower())


def is_youtube_subscriptions(header: list[str] | None) -> bool:
    """The header row of Takeout's `subscriptions.csv` (Channel Id, Channel Url, Channel
    Title). Localised Takeouts name these columns in their language: not recognised yet."""
    cols = {_compact(h) for h in header or ()}
    return {"channelid", "channelurl", "channeltitle"} <= cols


def parse_youtube(tree: SourceTree, path: str) -> ParsedList:
    members: list[Member] = []
    warnings: list[str] = []
    for row in read_export_csv(tree, path, required=()):
        values = {_compact(k): v.strip() for k, v in row.values.items()}
        cid = values.get("channelid", "")
        url = values.get("channelurl", "")
        title = values.get("channeltitle", "")
        if not cid and not url:
            warnings.append(f"{path}: line {row.line}: no channel id or URL; skipped")
            continue
        members.append(Member(member_key=cid or url, name=title, url=url))
    return _finish("subscriptions", members, warnings)


# ----------------------------------------------------------------------------- Reddit
REDDIT_LIST_NAME = "subscribed_subreddits.csv"


def is_reddit_subscriptions(path: str) -> bool:
    """Reddit writes the same `subreddit` header for subscribed, moderated and approved-
    submitter lists: only the file name tells the subscriptions apart."""
    return PurePosixPath(path).name.lower() == REDDIT_LIST_NAME


def parse_reddit(tree: SourceTree, path: str) -> ParsedList:
    members: list[Member] = []
    warnings: list[str] = []
    for row in read_export_csv(tree, path, required=("subreddit",)):
        sub = clean_text(row.values.get("subreddit", "")).strip()
        if not sub:
            continue
        if sub.lower().startswith("u_"):
            # a user's profile page is a subreddit named u_<name>
            url = f"https://www.reddit.com/user/{sub[2:]}/"
        else:
            url = f"https://www.reddit.com/r/{sub}/"
        members.append(Member(member_key=sub.casefold(), name=f"r/{sub}", url=url))
    return _finish("subreddits", members, warnings)

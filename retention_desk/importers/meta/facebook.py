"""Facebook "Download Your Information" (JSON), for profiles and Pages.

Files are matched by name and confirmed by content (the layout moved between folders over the
years: `posts/`, `your_activity_across_facebook/`, `your_facebook_activity/`,
`this_profile's_activity_across_facebook/`, so paths are never fixed):

- posts: `your_posts_N.json`, `your_posts__check_ins__photos_and_videos_N.json`, Page
  `profile_posts_N.json`, group posts (`group_posts_v2`); posts others wrote on the timeline
  (`other_people's_posts_to_your_timeline*.json`, `wall_posts_sent_to_you`);
- comments (`comments_v2`, `group_comments_v2`, under any file name);
- Messenger threads `messages/<folder>/<thread>/message_N.json` (restricted messages);
- photos and videos (album files `album/N.json`, `other_photos_v2`, `videos_v2`): a record per
  file, keyed by the file name; comments others left on them, where the export has them,
  become comment records by their authors linked to the photo;
- the profile (`profile_v2`): the export's account and a 'page' record;
- likes and reactions (`reactions_v2`, `likes_and_reactions_N.json`): counted and reported;
  the original file is kept, no records (a reaction has no text to retain or produce).

Record keys. The export has no ids or permalinks. A post's key is a hash of its time and what
identifies its attachments (media file names, which embed Facebook's ids, link URLs, events),
NOT of its text: a post edited between two exports stays one record with a new version. Nor
of the account: a posts file imported alone and later the whole download with its profile
are the same records (`meta_owner`, which also suggests the owner when no profile is given).
Only when one file holds several different items with the same base is their content hashed
in too. Identical repeats in one file (Facebook repeats an item with an extra `{}` in `data`)
are one record with an `occurrences` count.

Display text is the post text. A post without text (a shared link, a photo) gets the link
name/URL and media descriptions as its text so it can be found; links, places, events and
albums are also kept in `extra`. Media metadata (upload IP, EXIF GPS, camera) stays with the
media and place coordinates go to the sensitive part; neither is shown by default.

Modules: this one detects, previews and dispatches files; `facebook_layout` walks the files'
containers, `facebook_posts`, `facebook_comments`, `facebook_photos` and `facebook_account`
write each kind, `facebook_attachments` reads what is attached to a post or comment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from retention_desk.archive.ingest import AccountIn
from retention_desk.importers import subscribers
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError
from retention_desk.importers.meta.common import claim_owner
from retention_desk.importers.meta.detect import meta_claims, meta_preview, sniff_kinds
from retention_desk.importers.meta.facebook_account import (
    account_from_profile,
    import_profile,
    import_reactions,
    profile_of,
)
from retention_desk.importers.meta.facebook_comments import import_comments
from retention_desk.importers.meta.facebook_layout import (
    COMMENT_KEYS,
    GROUP_POST_KEYS,
    PHOTO_KEYS,
    PLATFORM,
    PROFILE_KEYS,
    REACTION_KEYS,
    STATUS_KEYS,
    items_of,
)
from retention_desk.importers.meta.facebook_photos import import_photos, photo_entries
from retention_desk.importers.meta.facebook_posts import import_posts
from retention_desk.importers.meta.files import (
    FamilyIndex,
    Head,
    html_error,
    json_paths,
    load_json,
    name_of,
)
from retention_desk.importers.meta.messages import count_thread, import_thread
from retention_desk.importers.meta.owner import dominant_name, name_from_title, suggest
from retention_desk.importers.meta.text import fx_opt
from retention_desk.importers.tree import SourceTree

_POSTS_NAME = re.compile(
    r"^(your_posts(__check_ins__photos_and_videos)?|profile_posts|your_posts_in_groups)"
    r"(_\d+)?\.json$"
)
_WALL_NAME = re.compile(r"^other_people['\u2019]s_posts_to_your_[a-z_]+?(_\d+)?\.json$")
_MESSAGE_NAME = re.compile(r"^message_\d+\.json$")
_PROFILE_NAME = re.compile(r"^profile_information\.json$")
_HTML_NAMES = re.compile(
    r"^(index|start_here|your_posts\w*|profile_posts\w*|other_people['\u2019]s_posts\w*"
    r"|comments\w*|message_\d+|profile_information|likes_and_reactions\w*)\.html?$"
)
_POST_ITEM_KEYS = frozenset({"timestamp", "attachments", "data", "title", "tags"})
_PHOTO_NAMES = ("your_uncategorized_photos.json", "your_videos.json")
_ORDER = ("profile", "posts", "group_posts", "wall", "photos", "comments", "messages", "reactions")


class FacebookImporter:
    """Facebook 'Download Your Information' (JSON) importer; see the module docstring."""

    name = "facebook"
    label = "Facebook download (JSON)"
    platform = PLATFORM

    # ------------------------------------------------------------------ detection
    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        found = sniff_kinds(tree, self._classify)
        account = self._account_in(tree, [p for p, k in found[0].items() if k == "profile"])
        return meta_claims(
            tree, self.name, self.label, found, account, _ORDER, _HTML_NAMES, "Facebook"
        )

    def _classify(self, path: str, head: Head, families: FamilyIndex) -> str | None:
        name = name_of(path).lower().replace("\u2019", "'")
        in_messages = "messages/" in path.lower()
        first = head.first_key or ""
        list_kind = subscribers.facebook_list_kind(path, head)
        if list_kind:
            return list_kind
        if head.shape in ("object", "array") and not head.encoding_problem:
            if first in COMMENT_KEYS:
                return "comments"
            if first in REACTION_KEYS:
                return "reactions"
            if first in PROFILE_KEYS:
                return "profile"
            if first.startswith("wall_posts_sent_to_you"):
                return "wall"
            if first in GROUP_POST_KEYS:
                return "group_posts"
            if first in STATUS_KEYS:
                return "posts"
            if first in PHOTO_KEYS or (name in _PHOTO_NAMES and first in ("videos", "photos")):
                return "photos"
            if head.shape == "object" and "/album/" in "/" + path and "photos" in head.keys:
                return "photos"
            if (
                head.shape == "object"
                and _MESSAGE_NAME.match(name)
                and in_messages
                and {"participants", "messages"} & set(head.keys)
                and families.family(path) == "facebook"
            ):
                return "messages"
            if head.shape == "array" and first in _POST_ITEM_KEYS:
                if _WALL_NAME.match(name):
                    return "wall"
                if _POSTS_NAME.match(name):
                    return "group_posts" if "in_groups" in name else "posts"
                if name.startswith("likes_and_reactions") and "reaction" in head.keys:
                    return "reactions"
        if head.shape == "empty_array":
            if _WALL_NAME.match(name):
                return "wall"
            if _POSTS_NAME.match(name):
                return "posts"
        # A file named like Facebook data whose content is unreadable or unexpected is claimed
        # anyway, so the summary says what is wrong with it instead of skipping it silently.
        if head.shape == "html":
            return None
        if _POSTS_NAME.match(name) or _WALL_NAME.match(name) or _PROFILE_NAME.match(name):
            return "name:" + (
                "wall"
                if _WALL_NAME.match(name)
                else "profile"
                if _PROFILE_NAME.match(name)
                else "posts"
            )
        if _MESSAGE_NAME.match(name) and in_messages and families.family(path) == "facebook":
            return "name:messages"
        return None

    def _account_in(self, tree: SourceTree, profiles: list[str]) -> AccountIn | None:
        for path in profiles:
            try:
                account = account_from_profile(profile_of(load_json(tree, path), path))
            except (ParseError, OSError):
                continue
            if account is not None:
                return account
        return None

    # -------------------------------------------------------------------- preview
    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        account = claim.account.display_name or claim.account.account_key if claim.account else None
        # likes and reactions are kept as files and counted, but make no records
        kept_only = {"reactions": "likes/reactions"}
        names: Counter[str] = Counter()

        def scan(kind: str, data: Any, path: str) -> tuple[int, list[Any]]:
            found = _scan(kind, data, path)
            if claim.account is None:
                names.update(_owner_names(kind, data, path))
            return found

        pv = meta_preview(tree, self.name, claim, "Facebook", scan, account, kept_only)
        kinds = claim.state.get("kinds", {})
        if claim.account is not None or options.account or "html" in kinds.values():
            return pv
        owner = dominant_name(names.elements())
        note = suggest(claim, owner, "Facebook", "profile_information.json")
        return replace(pv, notes=[*pv.notes, note])

    # --------------------------------------------------------------------- import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state.get("kinds", {}).get(path, "posts")
        if kind == "html":
            raise html_error(path, "Facebook")
        data = load_json(tree, path, ctx.warnings)
        if kind == "profile":
            import_profile(ctx, path, data)
            return
        owner = self._owner(ctx, claim)
        if kind in subscribers.LIST_KINDS:
            # who follows the account and whom it follows: one dated snapshot record
            parsed = subscribers.parse_facebook(data, path, kind)
            taken = subscribers.export_date(tree, path, None, "")
            subscribers.import_list(ctx, tree, path, PLATFORM, parsed, taken)
        elif kind == "messages":
            import_thread(ctx, path, data, PLATFORM)
        elif kind == "reactions":
            import_reactions(ctx, path, data)
        elif kind == "comments":
            import_comments(ctx, path, data, owner)
        elif kind == "photos":
            import_photos(ctx, path, data, owner)
        else:
            import_posts(ctx, path, data, kind, owner)

    def _owner(self, ctx: FileContext, claim: Claim) -> AccountIn | None:
        def find(tree: SourceTree) -> AccountIn | None:
            profiles = [p for p in json_paths(tree) if _PROFILE_NAME.match(name_of(p))]
            return self._account_in(tree, profiles)

        return claim_owner(ctx, claim, find)


def _scan(kind: str, data: Any, path: str) -> tuple[int, list[Any]]:
    """(items, their timestamps) of one parsed file, for previews."""
    if kind == "messages":
        return count_thread(data)
    if kind == "profile":
        profile_of(data, path)
        return 1, []
    if kind in subscribers.LIST_KINDS:
        return 1, []  # one snapshot record, whatever the list's length
    if kind == "photos":
        photos = [p for _, p in photo_entries(data, path)[1] if isinstance(p, dict)]
        comments = [c for p in photos for c in p.get("comments") or []]
        return len(photos) + len(comments), [p.get("creation_timestamp") for p in photos]
    items = [it for _, it in items_of(data, path) if isinstance(it, dict)]
    return len(items), [it.get("timestamp") for it in items]


def _owner_names(kind: str, data: Any, path: str) -> list[str | None]:
    """Names that point at the owner in one parsed file: the actor of each title of their own
    posts and comments, and the author of each of their comments."""
    if kind not in ("posts", "group_posts", "comments"):
        return []
    names: list[str | None] = []
    for _, raw in items_of(data, path):
        if not isinstance(raw, dict):
            continue
        names.append(name_from_title(raw.get("title")))
        if kind == "comments":
            for d in raw.get("data") or []:
                comment = d.get("comment") if isinstance(d, dict) else None
                if isinstance(comment, dict):
                    names.append(fx_opt(comment.get("author")))
    return names


IMPORTER = FacebookImporter()

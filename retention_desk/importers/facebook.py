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

Record keys. The export has no ids or permalinks. A post's key is a hash of the account (when
the export names it), its time and what identifies its attachments (media file names, which
embed Facebook's ids, link URLs, events), NOT of its text: a post edited between two exports
stays one record with a new version. Only when one file holds several different items with the
same base is their content hashed in too. Identical repeats in one file (Facebook repeats an
item with an extra `{}` in `data`) are one record with an `occurrences` count.

Display text is the post text. A post without text (a shared link, a photo) gets the link
name/URL and media descriptions as its text so it can be found; links, places, events and
albums are also kept in `extra`. Media metadata (upload IP, EXIF GPS, camera) stays with the
media and place coordinates go to the sensitive part; neither is shown by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, upsert_account
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.meta_common import claim_owner, emit, timestamps_range, when
from retention_desk.importers.meta_files import (
    FamilyIndex,
    Head,
    html_error,
    html_variant,
    json_paths,
    load_json,
    name_of,
    sniff,
)
from retention_desk.importers.meta_media import add_media, make_media, media_meta, media_type_for
from retention_desk.importers.meta_messages import count_thread, import_thread
from retention_desk.importers.meta_text import (
    KeyedItem,
    assign_keys,
    fix_deep,
    fx,
    fx_opt,
    normalise,
    scrub,
    short_hash,
)
from retention_desk.importers.tree import SourceTree

PLATFORM = "facebook"

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
_COMMENT_KEYS = frozenset({"comments_v2", "group_comments_v2", "comments"})
_REACTION_KEYS = frozenset({"reactions_v2", "reactions"})
_PROFILE_KEYS = frozenset({"profile_v2", "profile", "v2_profile"})
_GROUP_POST_KEYS = frozenset({"group_posts_v2", "group_posts"})
_STATUS_KEYS = frozenset({"status_updates_v2", "status_updates"})
_PHOTO_KEYS = frozenset({"other_photos_v2", "videos_v2"})
_PHOTO_NAMES = ("your_uncategorized_photos.json", "your_videos.json")
# dict keys whose value is the list of items (or another container)
_CONTAINERS = (
    _COMMENT_KEYS
    | _REACTION_KEYS
    | _GROUP_POST_KEYS
    | _PHOTO_KEYS
    | _STATUS_KEYS
    | {
        "activity_log_data",
        "likes_and_reactions",
    }
)
# posts others wrote on the timeline; only English titles are read, and only for the author
_WALL_TITLE = re.compile(
    r"^(?P<name>.+?) (?:wrote|posted|shared \S+(?: \S+)?) (?:on|to) your (?:timeline|wall)\.?$"
)
# namespaces of record keys: own posts in every layout share one so exports of different
# eras merge; posts others wrote on the timeline and group posts are apart
_NAMESPACE = {"posts": "post", "wall": "wall", "group_posts": "group_post"}
_ORDER = ("profile", "posts", "group_posts", "wall", "photos", "comments", "messages", "reactions")


@dataclass
class _Attachments:
    media: list[MediaIn] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # searchable text for items without text
    identity: list[Any] = field(default_factory=list)  # what identifies the item across edits


class FacebookImporter:
    name = "facebook"
    label = "Facebook download (JSON)"
    platform = PLATFORM

    # ------------------------------------------------------------------ detection
    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        families = FamilyIndex(tree)
        confirmed: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for path in json_paths(tree):
            try:
                head = sniff(tree, path)
            except OSError:
                continue
            kind = self._classify(path, head, families)
            if kind is None:
                continue
            if kind.startswith("name:"):
                by_name[path] = kind[5:]
            else:
                confirmed[path] = kind
        account = self._account_in(tree, [p for p, k in confirmed.items() if k == "profile"])
        claims = []
        if confirmed:
            claims.append(self._claim(confirmed, account, 90))
        if by_name:
            claims.append(self._claim(by_name, account, 40))
        if not confirmed and not by_name:
            page = html_variant(tree, _HTML_NAMES, "facebook")
            if page is not None:
                claims.append(self._claim({page: "html"}, None, 60, "Facebook download (HTML)"))
        return claims

    def _claim(
        self, kinds: dict[str, str], account: AccountIn | None, confidence: int, label: str = ""
    ) -> Claim:
        files = sorted(
            kinds, key=lambda p: (_ORDER.index(kinds[p]) if kinds[p] in _ORDER else 9, p)
        )
        return Claim(
            format=self.name,
            files=files,
            label=label or self.label,
            confidence=confidence,
            account=account,
            state={"kinds": kinds},
        )

    def _classify(self, path: str, head: Head, families: FamilyIndex) -> str | None:
        name = name_of(path).lower().replace("\u2019", "'")
        in_messages = "messages/" in path.lower()
        first = head.first_key or ""
        if head.shape in ("object", "array") and not head.encoding_problem:
            if first in _COMMENT_KEYS:
                return "comments"
            if first in _REACTION_KEYS:
                return "reactions"
            if first in _PROFILE_KEYS:
                return "profile"
            if first.startswith("wall_posts_sent_to_you"):
                return "wall"
            if first in _GROUP_POST_KEYS:
                return "group_posts"
            if first in _STATUS_KEYS:
                return "posts"
            if first in _PHOTO_KEYS or (name in _PHOTO_NAMES and first in ("videos", "photos")):
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
                account = account_from_profile(_profile_of(load_json(tree, path), path))
            except (ParseError, OSError):
                continue
            if account is not None:
                return account
        return None

    # -------------------------------------------------------------------- preview
    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        kinds: dict[str, str] = claim.state.get("kinds", {})
        notes: list[str] = []
        total = 0
        stamps: list[Any] = []
        for path in claim.files:
            kind = kinds.get(path, "posts")
            if kind == "html":
                notes.append(str(html_error(path, "Facebook")))
                continue
            try:
                count, times = _scan(kind, load_json(tree, path), path)
            except (ParseError, OSError) as exc:
                notes.append(str(exc))
                continue
            if kind == "reactions":
                notes.append(f"{path}: {count} likes/reactions (kept, not as records)")
                count = 0
            total += count
            stamps += times
        first, last = timestamps_range(stamps)
        account = claim.account.display_name or claim.account.account_key if claim.account else None
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=account,
            date_from=first,
            date_to=last,
            approx_records=total,
            files=list(claim.files),
            notes=notes,
        )

    # --------------------------------------------------------------------- import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state.get("kinds", {}).get(path, "posts")
        if kind == "html":
            raise html_error(path, "Facebook")
        data = load_json(tree, path)
        if kind == "profile":
            self._import_profile(ctx, path, data)
            return
        owner = self._owner(ctx, claim)
        if kind == "messages":
            import_thread(ctx, path, data, PLATFORM)
        elif kind == "reactions":
            self._import_reactions(ctx, path, data)
        elif kind == "comments":
            self._import_comments(ctx, path, data, owner)
        elif kind == "photos":
            self._import_photos(ctx, path, data, owner)
        else:
            self._import_posts(ctx, path, data, kind, owner)

    def _owner(self, ctx: FileContext, claim: Claim) -> AccountIn | None:
        def find(tree: SourceTree) -> AccountIn | None:
            profiles = [p for p in json_paths(tree) if _PROFILE_NAME.match(name_of(p))]
            return self._account_in(tree, profiles)

        return claim_owner(ctx, claim, find)

    # ---------------------------------------------------------------------- posts
    def _import_posts(
        self, ctx: FileContext, path: str, data: Any, kind: str, owner: AccountIn | None
    ) -> None:
        if not isinstance(data, list | dict):
            raise ParseError(f"{path}: expected a list of posts, found {type(data).__name__}")
        namespace = _NAMESPACE.get(kind, "post")
        entries = _items(data, path)
        keyed, parsed = self._keyed(ctx, entries, namespace, owner)
        repeats = 0
        for item in keyed:
            ctx.check_cancel()
            locator, raw = entries[item.index]
            attachments = parsed[item.index]
            rec = self._post_record(ctx, raw, attachments, item.key, locator, kind, owner)
            if item.duplicates:
                rec.extra["occurrences"] = 1 + len(item.duplicates)
                repeats += len(item.duplicates)
            emit(ctx, rec)
        if repeats:
            ctx.warn(
                f"{path}: {repeats} repeated item(s) with the same time and content were kept"
                " once each (see 'occurrences' in the record details)"
            )

    def _keyed(
        self,
        ctx: FileContext,
        entries: list[tuple[str, Any]],
        namespace: str,
        owner: AccountIn | None,
        author_of: Any = None,
    ) -> tuple[list[KeyedItem], dict[int, _Attachments]]:
        items: list[KeyedItem] = []
        parsed: dict[int, _Attachments] = {}
        owner_key = owner.account_key if owner else None
        for index, (locator, raw) in enumerate(entries):
            if not isinstance(raw, dict):
                ctx.warn(f"{locator}: not an object ({type(raw).__name__}); skipped")
                continue
            attachments = _attachments(ctx, raw, locator)
            parsed[index] = attachments
            base: list[Any] = [namespace, owner_key, raw.get("timestamp"), attachments.identity]
            if author_of is not None:
                base.append(author_of(raw))
            items.append(KeyedItem(index=index, base=base, content=normalise(raw)))
        return assign_keys(namespace, items, lambda base: str(base[2])), parsed

    def _post_record(
        self,
        ctx: FileContext,
        raw: dict[str, Any],
        att: _Attachments,
        key: str,
        locator: str,
        kind: str,
        owner: AccountIn | None,
    ) -> RecordIn:
        created, created_raw = when(raw.get("timestamp"), ctx, locator, required=True)
        data = [d for d in raw.get("data") or [] if isinstance(d, dict)]
        texts = [d["post"] for d in data if isinstance(d.get("post"), str) and d["post"]]
        text_raw: str | None = "\n\n".join(texts) if texts else None
        text = fx(text_raw) if text_raw is not None else ""
        if not text.strip():
            text, text_raw = "\n".join(att.words), None
        extra = dict(att.extra)
        sensitive = dict(att.sensitive)
        update = next((d["update_timestamp"] for d in data if "update_timestamp" in d), None)
        edited = None
        if update is not None and update != raw.get("timestamp"):
            edited, _ = when(update, ctx, locator)
            extra["update_timestamp"] = update
        other_data = [
            {k: v for k, v in d.items() if k not in ("post", "update_timestamp")} for d in data
        ]
        other_data = [d for d in other_data if d]
        if other_data:
            shown, hidden = scrub(fix_deep(other_data))
            extra["data"] = shown
            sensitive.update({f"data{k}": v for k, v in hidden.items()})
        tags = [fx(t.get("name")) for t in raw.get("tags") or [] if isinstance(t, dict)]
        if tags:
            extra["tags"] = tags
        title = fx_opt(raw.get("title"))
        author = owner.display_name if owner else None
        if kind == "wall":
            extra["posted_by_others"] = True
            author = fx_opt(raw.get("author"))
            match = _WALL_TITLE.match(title or "") if author is None else None
            if match:
                author = match.group("name")
                extra["author_from_title"] = True
        return RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=key,
            text=text,
            text_raw=text_raw,
            title=title,
            author_name=author,
            created_at=created,
            created_at_raw=created_raw,
            platform_edited_at=edited,
            extra=extra,
            sensitive=sensitive,
            raw_json=dumps_raw(raw),
            locator=locator,
            media=att.media,
        )

    # ------------------------------------------------------------------- comments
    def _import_comments(
        self, ctx: FileContext, path: str, data: Any, owner: AccountIn | None
    ) -> None:
        entries = _items(data, path)
        keyed, parsed = self._keyed(
            ctx,
            entries,
            "comment",
            owner,
            author_of=lambda raw: fx_opt(_comment(raw).get("author")),
        )
        for item in keyed:
            ctx.check_cancel()
            locator, raw = entries[item.index]
            att = parsed[item.index]
            comment = _comment(raw)
            stamp = raw.get("timestamp", comment.get("timestamp"))
            created, created_raw = when(stamp, ctx, locator, required=True)
            extra = dict(att.extra)
            text_raw = comment.get("comment") if isinstance(comment.get("comment"), str) else None
            text = fx(text_raw) if text_raw is not None else ""
            if text_raw is None:
                # Facebook leaves the text out of some entries: the entry (its time and title)
                # is still a record of the account's activity, so it is kept, flagged.
                extra["text_missing"] = True
                text = "\n".join(att.words)
            if comment.get("group"):
                extra["group"] = fx(comment["group"])
            if item.duplicates:
                extra["occurrences"] = 1 + len(item.duplicates)
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="comment",
                    record_key=item.key,
                    text=text,
                    text_raw=text_raw,
                    title=fx_opt(raw.get("title")),
                    author_name=fx_opt(comment.get("author")),
                    created_at=created,
                    created_at_raw=created_raw,
                    extra=extra,
                    sensitive=att.sensitive,
                    raw_json=dumps_raw(raw),
                    locator=locator,
                    media=att.media,
                ),
            )

    # --------------------------------------------------------------------- photos
    def _import_photos(
        self, ctx: FileContext, path: str, data: Any, owner: AccountIn | None
    ) -> None:
        """Album files (`album/N.json`: name, photos[]) and the uncategorised photo and video
        lists. Each photo or video is a record keyed by its file name (which embeds Facebook's
        id); comments people left on it, where the export includes them, become comment
        records by their authors, linked to it."""
        album, entries = _photo_entries(data, path)
        for locator, photo in entries:
            ctx.check_cancel()
            if not isinstance(photo, dict):
                ctx.warn(f"{locator}: not an object ({type(photo).__name__}); skipped")
                continue
            media: list[MediaIn] = []
            add_media(media, make_media(ctx, photo.get("uri"), locator, metadata=media_meta(photo)))
            uri = photo.get("uri") if isinstance(photo.get("uri"), str) else ""
            key = f"photo:{name_of(uri)}" if uri else f"photo:{short_hash(normalise(photo))}"
            created, created_raw = when(photo.get("creation_timestamp"), ctx, locator)
            description = photo.get("description")
            text_raw = description if isinstance(description, str) and description else None
            extra: dict[str, Any] = {"type": media_type_for(uri, "photo")}
            if album:
                extra["album"] = album
            comments = [c for c in photo.get("comments") or [] if isinstance(c, dict)]
            if comments:
                extra["comment_count"] = len(comments)
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="post",
                    record_key=key,
                    text=fx(text_raw) if text_raw else "",
                    text_raw=text_raw,
                    title=album or fx_opt(photo.get("title")),
                    author_name=owner.display_name if owner else None,
                    created_at=created,
                    created_at_raw=created_raw,
                    extra=extra,
                    raw_json=dumps_raw(photo),
                    locator=locator,
                    media=media,
                ),
            )
            seen: dict[tuple[Any, Any], int] = {}
            for j, comment in enumerate(comments):
                author = fx_opt(comment.get("author"))
                stamp = comment.get("timestamp")
                ordinal = seen.get((author, stamp), 0)
                seen[(author, stamp)] = ordinal + 1
                c_created, c_raw = when(stamp, ctx, f"{locator}.comments[{j}]")
                body = comment.get("comment") if isinstance(comment.get("comment"), str) else None
                emit(
                    ctx,
                    RecordIn(
                        platform=PLATFORM,
                        kind="comment",
                        record_key=f"comment:{stamp}:{short_hash([key, author, ordinal])}",
                        text=fx(body),
                        text_raw=body,
                        parent_key=key,
                        author_name=author,
                        created_at=c_created,
                        created_at_raw=c_raw,
                        extra={"on": extra["type"], **({"album": album} if album else {})},
                        raw_json=dumps_raw(comment),
                        locator=f"{locator}.comments[{j}]",
                    ),
                )

    # ------------------------------------------------------------------ reactions
    def _import_reactions(self, ctx: FileContext, path: str, data: Any) -> None:
        entries = _items(data, path)
        by_type: dict[str, int] = {}
        for _locator, raw in entries:
            data_list = raw.get("data") if isinstance(raw, dict) else None
            for d in data_list if isinstance(data_list, list) else []:
                reaction = d.get("reaction") if isinstance(d, dict) else None
                if isinstance(reaction, dict):
                    label = fx(reaction.get("reaction")) or "?"
                    by_type[label] = by_type.get(label, 0) + 1
        first, last = timestamps_range(
            raw.get("timestamp") for _, raw in entries if isinstance(raw, dict)
        )
        ctx.details["reactions"] = {
            "count": len(entries),
            "by_type": by_type,
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
        }
        if entries:
            ctx.warn(
                f"{path}: {len(entries)} likes/reactions by the account are kept in the original"
                " file, not as separate records"
            )

    # -------------------------------------------------------------------- profile
    def _import_profile(self, ctx: FileContext, path: str, data: Any) -> None:
        profile = _profile_of(data, path)
        account = account_from_profile(profile)
        if account is None:
            raise ParseError(f"{path}: the profile has neither a name, a username nor a URL")
        if ctx.writer.account_id is None and not ctx.options.account:
            ctx.writer.account_id = upsert_account(ctx.conn, account)
        created, created_raw = when(profile.get("registration_timestamp"), ctx, path)
        fixed = fix_deep(profile)
        websites = [w.get("address") for w in fixed.get("websites") or [] if isinstance(w, dict)]
        lines = [
            account.display_name,
            fixed.get("username"),
            fixed.get("profile_uri"),
            *websites,
            fixed.get("intro_bio"),
        ]
        public = {
            "username",
            "profile_uri",
            "websites",
            "registration_timestamp",
            "name",
            "intro_bio",
            "page_name",
            "category",
        }
        extra = {k: fixed[k] for k in sorted(public) if fixed.get(k) not in (None, "", [], {})}
        extra["fields"] = sorted(fixed)
        # everything else (emails, phones, birthday, family, relationships...) is personal
        sensitive = {k: v for k, v in fixed.items() if k not in public}
        emit(
            ctx,
            RecordIn(
                platform=PLATFORM,
                kind="page",
                record_key=f"profile:{account.account_key}",
                text="\n".join(str(x) for x in lines if x),
                title="Profile information",
                author_name=account.display_name,
                author_handle=account.handle,
                created_at=created,
                created_at_raw=created_raw,
                url=fixed.get("profile_uri") or None,
                extra=extra,
                sensitive=sensitive,
                raw_json=dumps_raw(data),
                locator=path,
            ),
        )


# -------------------------------------------------------------------------- helpers
def _profile_of(data: Any, path: str) -> dict[str, Any]:
    if isinstance(data, dict):
        for key in _PROFILE_KEYS:
            if isinstance(data.get(key), dict):
                return data[key]
    raise ParseError(f"{path}: expected a profile object ('profile_v2')")


def account_from_profile(profile: dict[str, Any]) -> AccountIn | None:
    """The export's account. Facebook gives no id: the key is the username (the handle in
    the profile URL), else the profile URL, else the full name."""
    name = profile.get("name")
    full = fx(name.get("full_name")) if isinstance(name, dict) else fx(name)
    username = fx_opt(profile.get("username"))
    uri = fx_opt(profile.get("profile_uri"))
    key = username or uri or full
    if not key:
        return None
    return AccountIn(platform=PLATFORM, account_key=key, handle=username, display_name=full or None)


def _is_container(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and bool(node)
        and all(k in _CONTAINERS or k.startswith("wall_posts_sent_to_you") for k in node)
    )


def _items(data: Any, path: str) -> list[tuple[str, Any]]:
    """Every item of a file with its locator, through container objects such as
    `{"comments_v2": [...]}`, `[{"group_comments_v2": [...]}, {"comments_v2": [...]}]` or
    `{"wall_posts_sent_to_you": {"activity_log_data": [...]}}`."""
    found: list[tuple[str, Any]] = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, child in enumerate(node):
                if _is_container(child):
                    visit(child, f"{where}[{i}]")
                else:
                    found.append((f"{where}[{i}]", child))
        elif _is_container(node):
            for key, child in node.items():
                visit(child, f"{where}.{key}" if "#" in where else f"{where}#{key}")
        else:
            keys = ", ".join(sorted(node)[:8]) if isinstance(node, dict) else type(node).__name__
            raise ParseError(f"{path}: unexpected layout at {where or 'the top'} ({keys})")

    visit(data, path)
    return found


def _scan(kind: str, data: Any, path: str) -> tuple[int, list[Any]]:
    """(items, their timestamps) of one parsed file, for previews."""
    if kind == "messages":
        return count_thread(data)
    if kind == "profile":
        _profile_of(data, path)
        return 1, []
    if kind == "photos":
        photos = [p for _, p in _photo_entries(data, path)[1] if isinstance(p, dict)]
        comments = [c for p in photos for c in p.get("comments") or []]
        return len(photos) + len(comments), [p.get("creation_timestamp") for p in photos]
    items = [it for _, it in _items(data, path) if isinstance(it, dict)]
    return len(items), [it.get("timestamp") for it in items]


def _photo_entries(data: Any, path: str) -> tuple[str | None, list[tuple[str, Any]]]:
    """(album name, photos with locators) of an album file or a photo/video list."""
    if isinstance(data, dict) and isinstance(data.get("photos"), list):
        photos = data["photos"]
        return fx_opt(data.get("name")), [(f"{path}#photos[{i}]", p) for i, p in enumerate(photos)]
    return None, _items(data, path)


def _comment(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        for d in raw.get("data") or []:
            if isinstance(d, dict) and isinstance(d.get("comment"), dict):
                return d["comment"]
    return {}


def _attachments(ctx: FileContext, raw: dict[str, Any], where: str) -> _Attachments:
    """Media, links, places and events of one item, split into shown / sensitive parts."""
    out = _Attachments()
    links: list[Any] = []
    places: list[Any] = []
    events: list[Any] = []
    media_shown: list[dict[str, Any]] = []
    other: list[Any] = []
    descriptions: list[str] = []
    for a_i, attachment in enumerate(raw.get("attachments") or []):
        if not isinstance(attachment, dict):
            continue
        for d_i, entry in enumerate(attachment.get("data") or []):
            if not isinstance(entry, dict):
                continue
            here = f"attachments[{a_i}].data[{d_i}]"
            for key, value in entry.items():
                if key == "media" and isinstance(value, dict):
                    _media_entry(ctx, value, where, out, media_shown, descriptions)
                elif key == "external_context" and isinstance(value, dict):
                    shown, hidden = scrub(fix_deep(value))
                    links.append(shown)
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
                    out.words += [str(shown.get(n)) for n in ("name", "url") if shown.get(n)]
                    if value.get("url"):
                        out.identity.append(["link", fx(value["url"])])
                elif key in ("place", "event") and isinstance(value, dict):
                    shown, hidden = scrub(fix_deep(value))
                    (places if key == "place" else events).append(shown)
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
                    if key == "event":
                        out.words += [str(shown["name"])] if shown.get("name") else []
                        out.identity.append(
                            ["event", shown.get("name"), value.get("start_timestamp")]
                        )
                elif key == "note" and isinstance(value, dict):
                    for m in value.get("media") or []:
                        if isinstance(m, dict):
                            _media_entry(ctx, m, where, out, media_shown, descriptions)
                    shown, hidden = scrub(
                        fix_deep({k: v for k, v in value.items() if k != "media"})
                    )
                    other.append({"note": shown})
                    out.sensitive.update({f"{here}.note.{k}": v for k, v in hidden.items()})
                    out.words += [str(shown[n]) for n in ("title", "text") if shown.get(n)]
                    out.identity.append(["note", value.get("created_timestamp")])
                elif key in ("name", "text") and isinstance(value, str):
                    other.append({key: fx(value)})
                    out.words.append(fx(value))
                else:
                    for m in _uri_dicts(value):
                        _media_entry(ctx, m, where, out, media_shown, descriptions)
                    shown, hidden = scrub(fix_deep(value))
                    other.append({key: shown})
                    out.sensitive.update({f"{here}.{key}.{k}": v for k, v in hidden.items()})
    out.words = _unique(descriptions + out.words)
    for name, values in (
        ("media", media_shown),
        ("links", links),
        ("places", places),
        ("events", events),
        ("attachments", other),
    ):
        if values:
            out.extra[name] = values
    return out


def _media_entry(
    ctx: FileContext,
    value: dict[str, Any],
    where: str,
    out: _Attachments,
    shown: list[dict[str, Any]],
    descriptions: list[str],
) -> None:
    uri = value.get("uri")
    item = make_media(ctx, uri, where, metadata=media_meta(value))
    if item is None:
        return
    thumb = value.get("thumbnail")
    if isinstance(thumb, dict) and isinstance(thumb.get("uri"), str):
        item.metadata["thumbnail"] = thumb["uri"]
    add_media(out.media, item)
    entry = {"uri": item.original_uri}
    for key, label in (("title", "album"), ("description", "description")):
        if value.get(key):
            entry[label] = fx(value[key])
    if value.get("creation_timestamp") is not None:
        entry["creation_timestamp"] = value["creation_timestamp"]
    shown.append(entry)
    if entry.get("description"):
        descriptions.append(entry["description"])
    out.identity.append(["media", name_of(item.original_uri)])


def _uri_dicts(value: Any) -> list[dict[str, Any]]:
    """Media-like objects (with a 'uri') inside attachments of kinds not known here."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get("uri"), str):
            found.append(value)
        for child in value.values():
            if isinstance(child, dict | list):
                found += _uri_dicts(child)
    elif isinstance(value, list):
        for child in value:
            found += _uri_dicts(child)
    return found


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


IMPORTER = FacebookImporter()

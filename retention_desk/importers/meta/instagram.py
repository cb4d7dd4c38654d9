"""Instagram data download (JSON).

Files are recognised by content (the sampled parser fixtures carry other names than the
export, and the folders moved: `content/`, `your_instagram_activity/content/`,
`your_instagram_activity/media/`):

- posts: arrays of `{"media": [...]}` items (`posts_N.json`); single-media posts keep the
  caption and time in `media[0]`, carousels at the top level with `""` per-item titles. Also
  the `ig_*` media lists (stories, reels, IGTV, profile pictures, archived posts; recently
  deleted media are flagged deleted), and the oldest single `media.json` (`photos` / `videos`
  with `path`, `caption`, `taken_at`);
- comments the account made: `comments_*_comments` objects (`string_list_data`), and the newer
  `post_comments_N.json` arrays (`string_map_data`), and the oldest `comments.json`
  (`media_comments` triples);
- Direct threads `messages/inbox/<thread>/message_N.json` (Messenger shape; restricted);
- the account: `personal_information.json` (`profile_user`) or the old `profile.json`.

Record keys: posts have no ids or shortcodes, but each media file name embeds Instagram's
media id, so a post's key is the file name of its first media item (stable across exports,
and a changed caption becomes a new version). Comments cannot be edited, so their key hashes
time, text and the commented account. Media are looked up by their export-relative uri and
listed as missing when the download does not contain them; EXIF (GPS, device) stays with the
media, never shown by default.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn, upsert_account
from retention_desk.importers import subscribers
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.meta.common import claim_owner, emit, emit_profile_page, when
from retention_desk.importers.meta.detect import meta_claims, meta_preview, sniff_kinds
from retention_desk.importers.meta.files import (
    FamilyIndex,
    Head,
    html_error,
    json_paths,
    load_json,
    name_of,
)
from retention_desk.importers.meta.media import add_media, make_media, media_meta
from retention_desk.importers.meta.messages import count_thread, import_thread
from retention_desk.importers.meta.owner import suggest
from retention_desk.importers.meta.text import fix_deep, fx, fx_opt, short_hash
from retention_desk.importers.tree import SourceTree

PLATFORM = "instagram"

_POSTS_NAME = re.compile(r"^(posts|archived_posts|stories|reels|igtv_videos)(_\d+)?\.json$")
_COMMENTS_NAME = re.compile(r"^(post_comments|reels_comments|comments)(_\d+)?\.json$")
_MESSAGE_NAME = re.compile(r"^message_\d+\.json$")
_PROFILE_NAMES = ("personal_information.json", "profile.json", "account_information.json")
_HTML_NAMES = re.compile(
    r"^(index|start_here|posts_\d+|post_comments_\d+|message_\d+|personal_information)\.html?$"
)
# lists of media under `ig_*` keys: ig_stories, ig_reels_media, ig_igtv_media,
# ig_profile_picture, ig_archived_post_media, ig_recently_deleted_media...
_MEDIA_LIST = re.compile(r"^ig_[a-z_]+$")
_OLD_MEDIA_LISTS = ("photos", "videos", "stories", "profile", "direct")
_ORDER = ("profile", "posts", "old_media", "comments", "messages")


class InstagramImporter:
    name = "instagram"
    label = "Instagram download (JSON)"
    platform = PLATFORM

    # ------------------------------------------------------------------ detection
    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        found = sniff_kinds(tree, self._classify)
        profiles = [p for p, k in found[0].items() if k == "profile"]
        # account_information.json names the account in some versions; it is not a record
        profiles += [p for p in json_paths(tree) if name_of(p) == "account_information.json"]
        account = self._account_in(tree, profiles)
        return meta_claims(
            tree, self.name, self.label, found, account, _ORDER, _HTML_NAMES, "Instagram"
        )

    def _classify(self, path: str, head: Head, families: FamilyIndex) -> str | None:
        name = name_of(path).lower()
        keys = set(head.keys)
        first = head.first_key or ""
        in_messages = "messages/" in path.lower()
        list_kind = subscribers.instagram_list_kind(path, head)
        if list_kind:
            return list_kind
        if head.shape in ("object", "array") and not head.encoding_problem:
            if (
                head.shape == "array"
                and (first == "media" or first.startswith("ig_"))
                and ("uri" in keys or "creation_timestamp" in keys)
            ):
                return "posts"
            if head.shape == "object" and _MEDIA_LIST.match(first) and "uri" in keys:
                return "posts"
            if (
                head.shape == "object"
                and first.startswith("comments_")
                and ("string_list_data" in keys or "string_map_data" in keys)
            ):
                return "comments"
            if head.shape == "array" and "string_map_data" in keys and _COMMENTS_NAME.match(name):
                return "comments"
            if name == "comments.json" and first in ("media_comments", "live_comments"):
                return "comments"
            if (
                name == "media.json"
                and first in _OLD_MEDIA_LISTS
                and ("path" in keys or "taken_at" in keys)
            ):
                return "old_media"
            if name in _PROFILE_NAMES and (
                first == "profile_user" or (name == "profile.json" and "username" in keys)
            ):
                return "profile"
            if (
                head.shape == "object"
                and _MESSAGE_NAME.match(name)
                and in_messages
                and {"participants", "messages"} & keys
                and families.family(path) == "instagram"
            ):
                return "messages"
        if head.shape == "empty_array" and _POSTS_NAME.match(name):
            return "posts" if families.family(path) == "instagram" else None
        # named like Instagram data in an Instagram export, but unreadable or unexpected:
        # claimed so the summary says what is wrong instead of skipping it
        if head.shape != "html" and families.family(path) == "instagram":
            if re.match(r"^posts_\d+\.json$", name) or name == "personal_information.json":
                return "name:" + ("profile" if name.startswith("personal") else "posts")
            if _MESSAGE_NAME.match(name) and in_messages:
                return "name:messages"
        return None

    def _account_in(self, tree: SourceTree, profiles: list[str]) -> AccountIn | None:
        for path in profiles:
            try:
                profile = _profile_fields(load_json(tree, path), path)
            except (ParseError, OSError):
                continue
            account = _account(profile)
            if account is not None:
                return account
        return None

    # -------------------------------------------------------------------- preview
    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        account = claim.account.account_key if claim.account else None
        threads: list[set[str]] = []

        def scan(kind: str, data: Any, path: str) -> tuple[int, list[Any]]:
            found = _scan(kind, data, path)
            if kind == "messages" and isinstance(data, dict):
                people = data.get("participants") or []
                threads.append({fx(p.get("name")) for p in people if isinstance(p, dict)})
            return found

        pv = meta_preview(tree, self.name, claim, "Instagram", scan, account)
        kinds = claim.state.get("kinds", {})
        if claim.account is not None or options.account or "html" in kinds.values():
            return pv
        # the owner takes part in every Direct thread of their download; one thread alone
        # does not tell them from the other party
        common = set.intersection(*threads) - {""} if len(threads) > 1 else set()
        owner = next(iter(common)) if len(common) == 1 else None
        note = suggest(claim, owner, "Instagram", "personal_information.json")
        return replace(pv, notes=[*pv.notes, note])

    # --------------------------------------------------------------------- import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        kind = claim.state.get("kinds", {}).get(path, "posts")
        if kind == "html":
            raise html_error(path, "Instagram")
        data = load_json(tree, path, ctx.warnings)
        if kind == "profile":
            self._import_profile(ctx, path, data)
            return
        owner = claim_owner(ctx, claim, self._find_account)
        if kind in subscribers.LIST_KINDS:
            # followers / following: one dated snapshot record
            parsed = subscribers.parse_instagram(data, path, kind)
            taken = subscribers.export_date(tree, path, None, "")
            subscribers.import_list(ctx, tree, path, PLATFORM, parsed, taken)
        elif kind == "messages":
            import_thread(ctx, path, data, PLATFORM)
        elif kind == "comments":
            self._import_comments(ctx, path, data, owner)
        elif kind == "old_media":
            self._import_old_media(ctx, path, data, owner)
        else:
            self._import_posts(ctx, path, data, owner)

    def _find_account(self, tree: SourceTree) -> AccountIn | None:
        names = ("personal_information.json", "profile.json", "account_information.json")
        return self._account_in(tree, [p for p in json_paths(tree) if name_of(p) in names])

    def _import_posts(
        self, ctx: FileContext, path: str, data: Any, account: AccountIn | None
    ) -> None:
        for locator, item, container in _posts(data, path):
            ctx.check_cancel()
            if not isinstance(item, dict):
                ctx.warn(f"{locator}: not an object ({type(item).__name__}); skipped")
                continue
            media_items = [m for m in item.get("media") or [] if isinstance(m, dict)]
            if not media_items and isinstance(item.get("uri"), str):
                media_items = [item]  # ig_profile_picture entries are media items themselves
            stamp, caption_raw = _post_time(item)
            created, created_raw = when(stamp, ctx, locator, required=True)
            media: list[MediaIn] = []
            item_titles = []
            for m in media_items:
                add_media(media, make_media(ctx, m.get("uri"), locator, metadata=media_meta(m)))
                if m is not media_items[0] and m.get("title"):
                    item_titles.append(fx(m["title"]))
            first_uri = media_items[0].get("uri") if media_items else None
            if isinstance(first_uri, str) and first_uri:
                key = f"post:{name_of(first_uri)}"
            else:
                key = f"post:{stamp}:{short_hash([stamp, caption_raw])}"
            extra: dict[str, Any] = {"media_count": len(media_items)}
            if container:
                extra["type"] = container
            if item_titles:
                extra["item_titles"] = item_titles
            if len(media_items) > 1:
                extra["carousel"] = True
            deleted = None
            if container and "deleted" in container:
                # listed among recently deleted content; the export does not say when
                deleted = timeutil.utcnow()
                extra["deleted"] = True
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="post",
                    record_key=key,
                    text=fx(caption_raw),
                    text_raw=caption_raw if isinstance(caption_raw, str) else None,
                    author_name=account.display_name if account else None,
                    author_handle=account.handle if account else None,
                    created_at=created,
                    created_at_raw=created_raw,
                    deleted_at=deleted,
                    deleted_at_raw=f"listed in {container} (the export does not say when)"
                    if deleted
                    else None,
                    extra=extra,
                    raw_json=dumps_raw(item),
                    locator=locator,
                    media=media,
                ),
            )

    def _import_old_media(
        self, ctx: FileContext, path: str, data: Any, account: AccountIn | None
    ) -> None:
        """The oldest layout: `media.json` with `photos`/`videos` lists of
        `{caption, taken_at, path, location}`."""
        for locator, entry, group in _old_media(data, path):
            ctx.check_cancel()
            created, created_raw = when(entry.get("taken_at"), ctx, locator, required=True)
            media: list[MediaIn] = []
            add_media(
                media, make_media(ctx, entry.get("path"), locator, metadata=media_meta(entry))
            )
            caption = entry.get("caption") if isinstance(entry.get("caption"), str) else None
            where = entry.get("path") or f"{entry.get('taken_at')}:{short_hash(entry)}"
            extra: dict[str, Any] = {"type": group}
            if entry.get("location"):
                extra["location"] = fx(entry["location"])
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="post",
                    record_key=f"post:{name_of(str(where))}",
                    text=fx(caption),
                    text_raw=caption,
                    author_name=account.display_name if account else None,
                    author_handle=account.handle if account else None,
                    created_at=created,
                    created_at_raw=created_raw,
                    extra=extra,
                    raw_json=dumps_raw(entry),
                    locator=locator,
                    media=media,
                ),
            )

    def _import_comments(
        self, ctx: FileContext, path: str, data: Any, account: AccountIn | None
    ) -> None:
        for stamp, value, owner, href, locator, raw in _comment_rows(data, path):
            ctx.check_cancel()
            created, created_raw = when(stamp, ctx, locator, required=True)
            extra: dict[str, Any] = {}
            if owner:
                extra["media_owner"] = fx(owner)
            if href:
                extra["href"] = fx(href)
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="comment",
                    record_key=f"comment:{stamp}:{short_hash([stamp, value, owner])}",
                    text=fx(value),
                    text_raw=value if isinstance(value, str) else None,
                    author_name=account.display_name if account else None,
                    author_handle=account.handle if account else None,
                    url=fx(href) if href and str(href).startswith("http") else None,
                    created_at=created,
                    created_at_raw=created_raw,
                    extra=extra,
                    raw_json=dumps_raw(raw),
                    locator=locator,
                ),
            )

    def _import_profile(self, ctx: FileContext, path: str, data: Any) -> None:
        fields = _profile_fields(data, path)
        account = _account(fields)
        if account is None:
            raise ParseError(f"{path}: the profile has no username")
        if ctx.writer.account_id is None and not ctx.options.account:
            ctx.writer.account_id = upsert_account(ctx.conn, account)
        public = (
            "Username",
            "Name",
            "Bio",
            "Website",
            "Private Account",
            "username",
            "name",
            "biography",
            "website",
            "is_private",
        )
        extra = {k: fields[k] for k in public if fields.get(k) not in (None, "")}
        sensitive = {k: v for k, v in fields.items() if k not in public}
        lines = [
            account.display_name,
            account.handle,
            fields.get("Bio") or fields.get("biography"),
            fields.get("Website") or fields.get("website"),
        ]
        created, created_raw = when(fields.get("date_joined"), ctx, path)
        emit_profile_page(
            ctx,
            PLATFORM,
            account,
            lines,
            (created, created_raw),
            extra=extra,
            sensitive=sensitive,
            raw=dumps_raw(data),
            path=path,
        )


# -------------------------------------------------------------------------- helpers
def _scan(kind: str, data: Any, path: str) -> tuple[int, list[Any]]:
    """(records, their times) of one parsed file, for previews."""
    if kind == "messages":
        return count_thread(data)
    if kind == "profile":
        _profile_fields(data, path)
        return 1, []
    if kind in subscribers.LIST_KINDS:
        return 1, []  # one snapshot record, whatever the list's length
    if kind == "comments":
        rows = _comment_rows(data, path)
        return len(rows), [r[0] for r in rows]
    if kind == "old_media":
        old = _old_media(data, path)
        return len(old), [r[1].get("taken_at") for r in old]
    posts = _posts(data, path)
    return len(posts), [_post_time(p)[0] for _, p, _ in posts]


def _posts(data: Any, path: str = "") -> list[tuple[str, Any, str | None]]:
    """(locator, post item, container key) for every post of a posts-like file."""
    found: list[tuple[str, Any, str | None]] = []

    def media_list(items: Any, where: str, container: str | None) -> None:
        if not isinstance(items, list):
            raise ParseError(f"{path}: expected a list at {where}")
        for i, item in enumerate(items):
            if isinstance(item, dict) and len(item) == 1 and _MEDIA_LIST.match(next(iter(item))):
                key = next(iter(item))
                media_list(item[key], f"{where}[{i}].{key}", key)
            else:
                found.append((f"{where}[{i}]", item, container))

    if isinstance(data, list):
        media_list(data, path, None)
    elif isinstance(data, dict) and data and all(_MEDIA_LIST.match(k) for k in data):
        for key, value in data.items():
            media_list(value, f"{path}#{key}", key)
    else:
        kind = ", ".join(sorted(data)[:8]) if isinstance(data, dict) else type(data).__name__
        raise ParseError(f"{path}: expected a list of posts, found {kind}")
    return found


def _post_time(item: Any) -> tuple[Any, Any]:
    """(time, caption): carousels carry both at the top level, single posts in media[0]."""
    if not isinstance(item, dict):
        return None, None
    media = [m for m in item.get("media") or [] if isinstance(m, dict)] or [item]
    caption = item.get("title") if item.get("title") else media[0].get("title")
    stamp = item.get("creation_timestamp", media[0].get("creation_timestamp"))
    return stamp, caption


def _old_media(data: Any, path: str = "") -> list[tuple[str, dict[str, Any], str]]:
    if not isinstance(data, dict):
        raise ParseError(f"{path}: expected an object with photos/videos lists")
    rows = []
    for group in _OLD_MEDIA_LISTS:
        for i, entry in enumerate(data.get(group) or []):
            if isinstance(entry, dict):
                rows.append((f"{path}#{group}[{i}]", entry, group))
    return rows


def _comment_rows(data: Any, path: str = "") -> list[tuple[Any, Any, Any, Any, str, Any]]:
    """(time, text, commented account, href, locator, raw) for each comment, in the three
    layouts (string_list_data, string_map_data, the oldest media_comments triples)."""
    rows: list[tuple[Any, Any, Any, Any, str, Any]] = []

    def entries(items: Any, where: str) -> None:
        for i, entry in enumerate(items if isinstance(items, list) else []):
            loc = f"{where}[{i}]"
            if isinstance(entry, list) and len(entry) >= 2:  # oldest: [time, text, owner]
                owner = entry[2] if len(entry) > 2 else None
                rows.append((entry[0], entry[1], owner, None, loc, entry))
            elif isinstance(entry, dict) and isinstance(entry.get("string_map_data"), dict):
                smd = entry["string_map_data"]
                value = (smd.get("Comment") or {}).get("value")
                owner = (smd.get("Media Owner") or {}).get("value")
                stamp = (smd.get("Time") or {}).get("timestamp")
                rows.append((stamp, value, owner, None, loc, entry))
            elif isinstance(entry, dict):
                for j, s in enumerate(entry.get("string_list_data") or []):
                    if isinstance(s, dict):
                        rows.append(
                            (
                                s.get("timestamp"),
                                s.get("value"),
                                entry.get("title"),
                                s.get("href"),
                                f"{loc}.string_list_data[{j}]",
                                entry,
                            )
                        )

    if isinstance(data, list):
        entries(data, path)
    elif isinstance(data, dict):
        for key, value in data.items():
            entries(value, f"{path}#{key}")
    else:
        raise ParseError(f"{path}: expected comments, found {type(data).__name__}")
    return rows


def _profile_fields(data: Any, path: str) -> dict[str, Any]:
    """Flat, mojibake-fixed profile fields from `profile_user[0].string_map_data` (values) or
    the old flat `profile.json`."""
    if isinstance(data, dict) and isinstance(data.get("profile_user"), list):
        fields: dict[str, Any] = {}
        for entry in data["profile_user"]:
            smd = entry.get("string_map_data") if isinstance(entry, dict) else None
            for key, value in (smd or {}).items():
                fields[fx(key)] = fix_deep(value.get("value") if isinstance(value, dict) else value)
        return fields
    if isinstance(data, dict) and "username" in data:
        return fix_deep(data)
    if isinstance(data, dict) and isinstance(data.get("profile_account_insights"), list):
        return _profile_fields({"profile_user": data["profile_account_insights"]}, path)
    raise ParseError(f"{path}: expected Instagram profile information ('profile_user')")


# Labels of the username and name fields. `profile_user` labels are in the account's language:
# English in most real exports, Turkish ("Kullanıcı adı", "Ad") in one
# (Veterinalyus/iVerify_V1_Project personal_information/personal_information/
# personal_information.json); the oldest `profile.json` has plain keys.
_USERNAME_LABELS = ("Username", "username", "Kullanıcı adı")
_NAME_LABELS = ("Name", "name", "Ad")


def _first(fields: dict[str, Any], labels: tuple[str, ...]) -> str | None:
    for label in labels:
        value = fx_opt(fields.get(label)) if isinstance(fields.get(label), str) else None
        if value:
            return value
    return None


def _account(fields: dict[str, Any]) -> AccountIn | None:
    username = _first(fields, _USERNAME_LABELS)
    if not username:
        return None
    name = _first(fields, _NAME_LABELS)
    return AccountIn(platform=PLATFORM, account_key=username, handle=username, display_name=name)


IMPORTER = InstagramImporter()

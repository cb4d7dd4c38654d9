"""Facebook posts: the account's own (`your_posts_N.json`, check-ins, status updates, a Page's
`profile_posts_N.json`), group posts, and posts others wrote on the timeline.

The export has no ids or permalinks. A post's key is a hash of its time and what identifies
its attachments, NOT of its text (a post edited between two exports stays one record with a
new version) and not of the account, which only a profile file names (see `meta_owner`).
Only when one file holds several different items with the same base is their content hashed
in too. Identical repeats in one file (Facebook repeats an item with an extra `{}` in `data`)
are one record with an `occurrences` count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.meta.common import emit, when
from retention_desk.importers.meta.facebook_attachments import Attachments, attachments_of
from retention_desk.importers.meta.facebook_layout import PLATFORM, items_of
from retention_desk.importers.meta.owner import dominant_name, name_from_title, resolve_keys
from retention_desk.importers.meta.text import (
    KeyedItem,
    assign_keys,
    fix_deep,
    fx,
    fx_opt,
    normalise,
    scrub,
    text_pair,
)

# posts others wrote on the timeline; only English titles are read, and only for the author
_WALL_TITLE = re.compile(
    r"^(?P<name>.+?) (?:wrote|posted|shared \S+(?: \S+)?) (?:on|to) your (?:timeline|wall)\.?$"
)
# namespaces of record keys: own posts in every layout share one so exports of different
# eras merge; posts others wrote on the timeline and group posts are apart
_NAMESPACE = {"posts": "post", "wall": "wall", "group_posts": "group_post"}


def import_posts(
    ctx: FileContext, path: str, data: Any, kind: str, owner: AccountIn | None
) -> None:
    """Write the posts of one file; `kind` (posts, group_posts, wall) picks the key namespace
    and, for the timeline posts of others, how the author is found."""
    if not isinstance(data, list | dict):
        raise ParseError(f"{path}: expected a list of posts, found {type(data).__name__}")
    namespace = _NAMESPACE.get(kind, "post")
    repeats = 0
    entries = items_of(data, path)
    # Without the profile the owner's name is still what most titles of their own posts
    # start with: their author. The account stays unknown (see `meta_owner`).
    titled = owner_from_titles(entries) if owner is None and kind != "wall" else None
    for item, locator, raw, attachments in key_items(ctx, entries, namespace, owner):
        ctx.check_cancel()
        rec = _post_record(ctx, raw, attachments, item.key, locator, kind, owner)
        if titled and rec.author_name is None:
            rec.author_name = titled
            rec.extra["author_from_titles"] = True
        if item.duplicates:
            rec.extra["occurrences"] = 1 + len(item.duplicates)
            repeats += len(item.duplicates)
        emit(ctx, rec)
    if repeats:
        ctx.warn(
            f"{path}: {repeats} repeated item(s) with the same time and content were kept"
            " once each (see 'occurrences' in the record details)"
        )


def key_items(
    ctx: FileContext,
    entries: list[tuple[str, Any]],
    namespace: str,
    owner: AccountIn | None,
    author_of: Callable[[dict[str, Any]], Any] | None = None,
) -> list[tuple[KeyedItem, str, dict[str, Any], Attachments]]:
    """Stable keys for the items of a file (see `assign_keys`): the base is the namespace,
    the owner, the time, what identifies the attachments and, with `author_of`, the author.
    Returns (item, locator, raw item, its parsed attachments) for the first occurrence of each
    record, in file order; non-objects are warned and skipped."""
    items: list[KeyedItem] = []
    parsed: dict[int, Attachments] = {}
    for index, (locator, raw) in enumerate(entries):
        if not isinstance(raw, dict):
            ctx.warn(f"{locator}: not an object ({type(raw).__name__}); skipped")
            continue
        attachments = attachments_of(ctx, raw, locator)
        parsed[index] = attachments
        # the owner's slot stays None: it keeps the keys of files imported without their
        # profile (before and after this rule) unchanged
        base: list[Any] = [namespace, None, raw.get("timestamp"), attachments.identity]
        if author_of is not None:
            base.append(author_of(raw))
        items.append(KeyedItem(index=index, base=base, content=normalise(raw)))
    keyed = assign_keys(namespace, items, lambda base: str(base[2]))
    owner_key = owner.account_key if owner else (ctx.options.account or "").lstrip("@") or None
    if owner_key is not None:
        # the key an earlier version gave these records when it knew the owner
        legacy = [
            KeyedItem(it.index, [it.base[0], owner_key, *it.base[2:]], it.content) for it in items
        ]
        old_keys = {it.index: it.key for it in assign_keys(namespace, legacy, lambda b: str(b[2]))}
        chosen = resolve_keys(ctx, PLATFORM, [(it.key, old_keys.get(it.index)) for it in keyed])
        for item, key in zip(keyed, chosen, strict=True):
            item.key = key
    return [(item, *entries[item.index], parsed[item.index]) for item in keyed]


def owner_from_titles(entries: list[tuple[str, Any]]) -> str | None:
    """The name most of a file's activity titles start with: its owner, for a file of their
    own posts or comments."""
    return dominant_name(
        name_from_title(raw.get("title")) for _, raw in entries if isinstance(raw, dict)
    )


def _post_record(
    ctx: FileContext,
    raw: dict[str, Any],
    att: Attachments,
    key: str,
    locator: str,
    kind: str,
    owner: AccountIn | None,
) -> RecordIn:
    created, created_raw = when(raw.get("timestamp"), ctx, locator, required=True)
    data = [d for d in raw.get("data") or [] if isinstance(d, dict)]
    texts = [d["post"] for d in data if isinstance(d.get("post"), str) and d["post"]]
    text, text_raw = text_pair("\n\n".join(texts) if texts else None)
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

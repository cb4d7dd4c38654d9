"""Facebook posts: the account's own (`your_posts_N.json`, check-ins, status updates, a Page's
`profile_posts_N.json`), group posts, and posts others wrote on the timeline.

The export has no ids or permalinks. A post's key is a hash of the account (when the export
names it), its time and what identifies its attachments, NOT of its text: a post edited
between two exports stays one record with a new version. Only when one file holds several
different items with the same base is their content hashed in too. Identical repeats in one
file (Facebook repeats an item with an extra `{}` in `data`) are one record with an
`occurrences` count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.facebook_attachments import Attachments, attachments_of
from retention_desk.importers.facebook_layout import PLATFORM, items_of
from retention_desk.importers.meta_common import emit, when
from retention_desk.importers.meta_text import (
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
    for item, locator, raw, attachments in key_items(ctx, items_of(data, path), namespace, owner):
        ctx.check_cancel()
        rec = _post_record(ctx, raw, attachments, item.key, locator, kind, owner)
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
    owner_key = owner.account_key if owner else None
    for index, (locator, raw) in enumerate(entries):
        if not isinstance(raw, dict):
            ctx.warn(f"{locator}: not an object ({type(raw).__name__}); skipped")
            continue
        attachments = attachments_of(ctx, raw, locator)
        parsed[index] = attachments
        base: list[Any] = [namespace, owner_key, raw.get("timestamp"), attachments.identity]
        if author_of is not None:
            base.append(author_of(raw))
        items.append(KeyedItem(index=index, base=base, content=normalise(raw)))
    keyed = assign_keys(namespace, items, lambda base: str(base[2]))
    return [(item, *entries[item.index], parsed[item.index]) for item in keyed]


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

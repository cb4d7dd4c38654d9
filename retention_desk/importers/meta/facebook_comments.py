"""Comments the account wrote (`comments_v2`, `group_comments_v2`, under any file name).

Keyed like posts (time and attachments, not text) plus the comment's author; an entry whose
text Facebook left out is still kept, flagged `text_missing`.
"""

from __future__ import annotations

from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import dumps_raw
from retention_desk.importers.meta.common import emit, when
from retention_desk.importers.meta.facebook_layout import PLATFORM, items_of
from retention_desk.importers.meta.facebook_posts import key_items
from retention_desk.importers.meta.owner import name_from_title
from retention_desk.importers.meta.text import fx, fx_opt, text_pair


def import_comments(ctx: FileContext, path: str, data: Any, owner: AccountIn | None) -> None:
    """Write the comments of one file, identical repeats once with an `occurrences` count.
    They are the account's own: an entry that names no author (its text left out) is by the
    owner, or by whom its title names when the profile is not among the inputs."""

    def fallback_author(raw: dict[str, Any]) -> str | None:
        return owner.display_name if owner else name_from_title(raw.get("title"))

    keyed = key_items(
        ctx,
        items_of(data, path),
        "comment",
        owner,
        author_of=lambda raw: fx_opt(_comment(raw).get("author")),
    )
    for item, locator, raw, att in keyed:
        ctx.check_cancel()
        comment = _comment(raw)
        stamp = raw.get("timestamp", comment.get("timestamp"))
        created, created_raw = when(stamp, ctx, locator, required=True)
        extra = dict(att.extra)
        text, text_raw = text_pair(comment.get("comment"))
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
                author_name=fx_opt(comment.get("author")) or fallback_author(raw),
                created_at=created,
                created_at_raw=created_raw,
                extra=extra,
                sensitive=att.sensitive,
                raw_json=dumps_raw(raw),
                locator=locator,
                media=att.media,
            ),
        )


def _comment(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        for d in raw.get("data") or []:
            if isinstance(d, dict) and isinstance(d.get("comment"), dict):
                return d["comment"]
    return {}

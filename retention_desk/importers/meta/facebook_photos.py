"""Facebook photos and videos: album files (`album/N.json`) and the uncategorised photo and
video lists (`other_photos_v2`, `videos_v2`), with the comments others left on them."""

from __future__ import annotations

from typing import Any

from retention_desk.archive.ingest import AccountIn, MediaIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import dumps_raw
from retention_desk.importers.meta.common import emit, when
from retention_desk.importers.meta.facebook_layout import PLATFORM, items_of
from retention_desk.importers.meta.files import name_of
from retention_desk.importers.meta.media import add_media, make_media, media_meta, media_type_for
from retention_desk.importers.meta.text import fx, fx_opt, normalise, short_hash, text_pair


def import_photos(ctx: FileContext, path: str, data: Any, owner: AccountIn | None) -> None:
    """Album files (`album/N.json`: name, photos[]) and the uncategorised photo and video
    lists. Each photo or video is a record keyed by its file name (which embeds Facebook's
    id); comments people left on it, where the export includes them, become comment
    records by their authors, linked to it."""
    album, entries = photo_entries(data, path)
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
            text, body = text_pair(comment.get("comment"))
            emit(
                ctx,
                RecordIn(
                    platform=PLATFORM,
                    kind="comment",
                    record_key=f"comment:{stamp}:{short_hash([key, author, ordinal])}",
                    text=text,
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


def photo_entries(data: Any, path: str) -> tuple[str | None, list[tuple[str, Any]]]:
    """(album name, photos with locators) of an album file or a photo/video list."""
    if isinstance(data, dict) and isinstance(data.get("photos"), list):
        photos = data["photos"]
        return fx_opt(data.get("name")), [(f"{path}#photos[{i}]", p) for i, p in enumerate(photos)]
    return None, items_of(data, path)

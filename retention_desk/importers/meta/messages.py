"""Messenger-style message threads (`messages/<folder>/<thread>/message_N.json`), written the
same way for Facebook Messenger and Instagram Direct."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import MediaIn, RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.meta.common import emit, when
from retention_desk.importers.meta.media import add_media, make_media, media_meta
from retention_desk.importers.meta.text import (
    fix_deep,
    fx,
    fx_opt,
    scrub,
    short_hash,
    text_pair,
)

MAX_PARTICIPANTS_PER_MESSAGE = 50
_MESSAGE_MEDIA = {
    "photos": "photo",
    "videos": "video",
    "gifs": "gif",
    "audio_files": "audio",
    "files": "file",
}
_MESSAGE_KNOWN = {
    "sender_name",
    "timestamp_ms",
    "content",
    "reactions",
    "is_unsent",
    "share",
    "sticker",
    "type",
    "call_duration",
    *_MESSAGE_MEDIA,
}


def thread_name(path: str) -> str:
    """The thread's folder (`messages/inbox/<thread>/message_1.json`): stable when a thread
    moves between inbox, archived_threads and e2ee_cutover."""
    parent = PurePosixPath(path).parent
    return parent.name or path


def import_thread(ctx: FileContext, path: str, data: Any, platform: str) -> None:
    """Write one Messenger-style `message_N.json` (Facebook Messenger or Instagram Direct).

    Every message becomes a restricted 'message' record in the conversation named after the
    thread folder. An unsent message (`is_unsent`) is recorded as deleted: the export does not
    say when it was unsent, so the time is when this archive first saw it, and the raw value
    says so.
    """
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ParseError(f"{path}: expected a message thread with a 'messages' list")
    thread = thread_name(path)
    participants = [
        fx(p.get("name")) for p in data.get("participants") or [] if isinstance(p, dict)
    ]
    thread_extra: dict[str, Any] = {
        "thread": thread,
        "thread_title": fx_opt(data.get("title")),
        "thread_path": fx_opt(data.get("thread_path")),
    }
    # Each message names the people in its thread; a very large group keeps the list once,
    # on the source file, instead of in every one of its messages.
    if len(participants) <= MAX_PARTICIPANTS_PER_MESSAGE:
        thread_extra["participants"] = participants
    else:
        thread_extra["participant_count"] = len(participants)
        ctx.details["participants"] = participants
    seen: dict[tuple[Any, str], int] = {}
    for index, msg in enumerate(data["messages"]):
        ctx.check_cancel()
        where = f"{path} message {index}"
        if not isinstance(msg, dict):
            ctx.warn(f"{where}: not an object ({type(msg).__name__}); skipped")
            continue
        sender = fx_opt(msg.get("sender_name"))
        stamp = msg.get("timestamp_ms", msg.get("timestamp"))
        created, created_raw = when(stamp, ctx, where, required=True)
        # Same sender, same millisecond: told apart by their order in the file.
        ordinal = seen.get((stamp, sender or ""), 0)
        seen[(stamp, sender or "")] = ordinal + 1
        key = f"message:{thread}:{stamp}:{short_hash([sender, ordinal])}"
        text, raw_text = text_pair(msg.get("content"))
        extra: dict[str, Any] = {k: v for k, v in thread_extra.items() if v}
        media: list[MediaIn] = []
        for field_name, mtype in _MESSAGE_MEDIA.items():
            for entry in msg.get(field_name) or []:
                if isinstance(entry, dict):
                    item = make_media(
                        ctx, entry.get("uri"), where, media_type=mtype, metadata=media_meta(entry)
                    )
                    add_media(media, item)
        sticker = msg.get("sticker")
        if isinstance(sticker, dict):
            add_media(media, make_media(ctx, sticker.get("uri"), where, media_type="sticker"))
        share = msg.get("share")
        if isinstance(share, dict):
            shown, _hidden = scrub(fix_deep(share))
            extra["share"] = shown
            if not text and shown.get("link"):
                text = str(shown["link"])
        if msg.get("reactions"):
            extra["reactions"] = fix_deep(msg["reactions"])
        for name in ("type", "call_duration"):
            if msg.get(name) not in (None, "", "Generic"):
                extra[name] = fix_deep(msg[name])
        others = {k: v for k, v in msg.items() if k not in _MESSAGE_KNOWN}
        shown_others, sensitive = scrub(fix_deep(others))
        if shown_others:
            extra["other"] = shown_others
        rec = RecordIn(
            platform=platform,
            kind="message",
            record_key=key,
            text=text,
            text_raw=raw_text,
            conversation_key=thread,
            author_name=sender,
            created_at=created,
            created_at_raw=created_raw,
            restricted=True,
            extra=extra,
            sensitive=sensitive,
            raw_json=dumps_raw(msg),
            locator=f"{path}#messages[{index}]",
            media=media,
        )
        if msg.get("is_unsent") is True:
            rec.deleted_at = timeutil.utcnow()
            rec.deleted_at_raw = "is_unsent: true (the export does not say when)"
            extra["unsent"] = True
        emit(ctx, rec)


def count_thread(data: Any) -> tuple[int, list[Any]]:
    """(messages, timestamps) for previews."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        return 0, []
    msgs = [m for m in data["messages"] if isinstance(m, dict)]
    return len(msgs), [m.get("timestamp_ms") for m in msgs]

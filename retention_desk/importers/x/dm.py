"""Direct messages of an X archive (direct-messages.js, direct-messages-group.js) as records.

Each message is a restricted 'message' record (third parties' private words): conversation_key
is X's conversationId, the author is the sender's account id (the archive gives no names for
other people; the owning account's handle is filled in for its own messages). Files list
messages newest first; they are written oldest first so a conversation reads in order, with
locators that point at the original positions. Group events (joins, leaves, renames) are kept
as messages whose text says in brackets what happened, so nothing in the file is dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers.common import clean_record, time_or_warn
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    exact_id,
    expand_links,
    last_segment,
    with_raw,
)
from retention_desk.importers.x.tweets import MediaFinder


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [i for i in (exact_id(v) for v in value) if i is not None]


def _event_text(event: str, body: dict[str, Any]) -> str:
    """A plain description of a group-conversation event (no message text of its own)."""
    who = exact_id(body.get("initiatingUserId"))
    users = ", ".join(_ids(body.get("userIds"))) or None
    if event == "joinConversation":
        snapshot = ", ".join(_ids(body.get("participantsSnapshot")))
        by = f" (added by {who})" if who else ""
        return f"[this account joined the conversation{by}; participants: {snapshot or '?'}]"
    if event == "participantsJoin":
        return (
            f"[{users or 'someone'} joined the conversation{f' (added by {who})' if who else ''}]"
        )
    if event == "participantsLeave":
        return f"[{users or 'someone'} left the conversation]"
    if event == "conversationNameUpdate":
        return f"[{who or 'someone'} renamed the conversation to {as_text(body.get('name'))!r}]"
    return f"[conversation event: {event}]"


def conversation_records(
    item: Any,
    index: int,
    path: str,
    media_dir: str,
    group: bool,
    owner: AccountIn | None,
    finder: MediaFinder,
    warnings: list[str],
) -> Iterator[RecordIn]:
    """The records of one `{"dmConversation": {...}}` item, oldest first."""
    where = f"{path}[{index}]"
    conv = item.get("dmConversation") if isinstance(item, dict) else None
    if not isinstance(conv, dict):
        warnings.append(f"{where}: not a dmConversation; kept only in the original file")
        return
    conv_id = as_text(conv.get("conversationId")) or None
    messages = conv.get("messages")
    if not isinstance(messages, list):
        warnings.append(f"{where}: conversation without a message list")
        return
    for position in range(len(messages) - 1, -1, -1):
        message = messages[position]
        locator = f"{where}.messages[{position}]"
        if not isinstance(message, dict) or len(message) != 1:
            warnings.append(f"{locator}: unexpected message shape; kept as raw text")
            message = {"unknown": message}
        rec = _message_record(message, locator, conv_id, group, media_dir, owner, finder, warnings)
        yield clean_record(rec)


def _message_record(
    message: dict[str, Any],
    locator: str,
    conv_id: str | None,
    group: bool,
    media_dir: str,
    owner: AccountIn | None,
    finder: MediaFinder,
    warnings: list[str],
) -> RecordIn:
    message, raw = with_raw(message)
    ((event, body),) = message.items()
    body = body if isinstance(body, dict) else {"value": body}
    created_raw = body.get("createdAt")
    created = time_or_warn(created_raw, warnings, locator)
    own_id = owner.platform_account_id if owner else None
    extra: dict[str, Any] = {"group": group or None}
    media = []
    if event in ("messageCreate", "welcomeMessageCreate"):
        msg_id = exact_id(body.get("id"))
        sender = exact_id(body.get("senderId"))
        raw_text = as_text(body.get("text"))
        urls = [u for u in body.get("urls") or [] if isinstance(u, dict)]
        shown = expand_links(raw_text, urls) if "t.co/" in raw_text else raw_text
        extra.update(
            {
                "recipient_id": exact_id(body.get("recipientId")),
                "reactions": body.get("reactions") or None,
                "urls": [as_text(u.get("expanded")) for u in urls if u.get("expanded")] or None,
                "media_urls": body.get("mediaUrls") or None,
                "edit_history": body.get("editHistory") or None,
            }
        )
        for url in body.get("mediaUrls") or []:
            if msg_id and isinstance(url, str) and url:
                path = f"{media_dir}/{msg_id}-{last_segment(url)}"
                media.append(
                    finder.media(path, filename=path.rsplit("/", 1)[-1], metadata={"url": url})
                )
        if event != "messageCreate":
            extra["event"] = event
    else:
        msg_id = None
        sender = exact_id(body.get("initiatingUserId"))
        raw_text = shown = _event_text(event, body)
        extra["event"] = event
    if msg_id is None:
        digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        key = f"dm:{conv_id or '?'}:{event}:{as_text(created_raw)}:{digest}"
        if event in ("messageCreate", "welcomeMessageCreate"):
            warnings.append(f"{locator}: message without a usable id; kept under a content key")
    else:
        key = f"dm:{msg_id}"
    mine = sender is not None and sender == own_id
    return RecordIn(
        platform=PLATFORM,
        kind="message",
        record_key=key,
        text=shown,
        text_raw=raw_text if event in ("messageCreate", "welcomeMessageCreate") else None,
        platform_id=msg_id,
        conversation_key=conv_id,
        author_name=(owner.display_name if mine and owner else None),
        author_handle=(owner.handle if mine and owner else None),
        author_platform_id=sender,
        created_at=created,
        created_at_raw=as_text(created_raw) if created_raw is not None else None,
        url=f"https://x.com/messages/{conv_id}" if conv_id else None,
        restricted=True,
        extra={k: v for k, v in extra.items() if v is not None},
        raw_json=raw,
        locator=locator,
        media=media,
    )

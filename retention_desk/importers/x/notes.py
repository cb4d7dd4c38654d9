"""note-tweet.js of an X archive: long posts ("note tweets") merged into their tweet.

tweets.js holds only the start of a long post; note-tweet.js holds its whole text but does
not say which tweet it belongs to. The tweet is found by creation time (to the second) and
text, and the whole text becomes a version of that tweet's record. A note whose tweet is not
in the archive is kept as its own record, with a warning.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import text

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import clean_record, time_or_warn
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    display_text,
    exact_id,
    iter_js_array,
    with_raw,
)


def import_notes(ctx: FileContext, claim: Claim, path: str, source: str) -> int:
    """Long posts: the full text becomes a version of the tweet that carries its start.

    The archive does not name that tweet; it is found by creation time (to the second)
    and text: the tweet's text, less its trailing link and ellipsis, begins the note.
    """
    owner = claim.account
    count = 0
    skipped: list[str] = []
    for index, item in iter_js_array(source, name=path, skipped=skipped):
        count += 1
        locator = f"{path}[{index}]"
        item, raw = with_raw(item)
        note = item.get("noteTweet") if isinstance(item, dict) else None
        if not isinstance(note, dict):
            ctx.warn(f"{locator}: not a noteTweet object; kept only in the original file")
            continue
        core = note.get("core") if isinstance(note.get("core"), dict) else {}
        note_text = as_text(core.get("text"))
        urls = [u for u in core.get("urls") or [] if isinstance(u, dict)]
        shown = display_text(note_text, urls)
        note_id = exact_id(note.get("noteTweetId"))
        created_raw = note.get("createdAt")
        created = time_or_warn(created_raw, ctx.warnings, locator)
        target = _note_target(ctx, created, note_id, shown)
        base = RecordIn(
            platform=PLATFORM,
            kind="post",
            record_key=target or f"note:{note_id or index}",
            text=shown,
            text_raw=note_text,
            platform_id=note_id,
            author_name=owner.display_name if owner else None,
            author_handle=owner.handle if owner else None,
            author_platform_id=owner.platform_account_id if owner else None,
            created_at=created,
            created_at_raw=as_text(created_raw) if created_raw is not None else None,
            extra={"note_tweet_id": note_id, "long_post": True},
            raw_json=raw,
            locator=f"{locator} (long text of note {note_id})",
        )
        if target is None:
            ctx.warn(
                f"{locator}: long post {note_id} matches no tweet in the archive;"
                " kept as its own record"
            )
        ctx.writer.add(clean_record(base))
    ctx.warnings += skipped
    return count + len(skipped)


def _note_target(
    ctx: FileContext, created: datetime | None, note_id: str | None, shown: str
) -> str | None:
    if created is None:
        return None
    rows = ctx.conn.execute(
        text(
            "SELECT r.record_key, v.text FROM records r JOIN record_versions v"
            " ON v.record_id = r.id AND v.seq = 1"
            " WHERE r.platform = :p AND r.kind IN ('post', 'reply')"
            " AND r.created_at BETWEEN :a AND :b"
        ),
        {
            "p": PLATFORM,
            "a": timeutil.to_db(created - timedelta(seconds=2)),
            "b": timeutil.to_db(created + timedelta(seconds=2)),
        },
    ).all()
    best: tuple[int, int, str] | None = None
    for key, first_text in rows:
        start = re.sub(r"\s*(?:https?://\S+)?\s*…?\s*$", "", first_text or "")
        start = start.rstrip("…").strip()
        prefix = 0 if start and shown.startswith(start[: max(20, len(start) - 5)]) else 1
        distance = abs(int(key) - int(note_id)) if note_id and key.isdigit() else 1 << 62
        candidate = (prefix, distance, key)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best is not None else None

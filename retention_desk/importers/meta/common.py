"""Writing records for the Facebook and Instagram "Download Your Information" importers.

Both Meta exports have the same habits: UTF-8 written as `\\u00XX` escapes (mojibake), no ids
or permalinks, media referenced by paths relative to the export root, Messenger-style
`message_N.json` threads, and an HTML variant users pick by mistake. What both importers share
is split by subject: `meta_text` (text repair, scrubbing, stable keys), `meta_files` (reading
and sniffing files, Facebook or Instagram, the HTML check), `meta_media`, `meta_messages`
(threads) and, here, writing a record, the export's account and times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn, upsert_account
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import (
    ParseError,
    clean_record,
    clean_text,
    parse_time,
    time_or_warn,
)
from retention_desk.importers.meta.text import clean_deep
from retention_desk.importers.tree import SourceTree


# ---------------------------------------------------------------------------- writing
def emit(ctx: FileContext, rec: RecordIn) -> None:
    """Write one record, every string made safe for SQLite first: JSON allows lone
    surrogates (`"\ud83d"`), which would otherwise fail the whole file at insert."""
    clean_record(rec)
    rec.record_key = clean_text(rec.record_key)
    if rec.conversation_key is not None:
        rec.conversation_key = clean_text(rec.conversation_key)
    if rec.parent_key is not None:
        rec.parent_key = clean_text(rec.parent_key)
    rec.extra = clean_deep(rec.extra)
    rec.sensitive = clean_deep(rec.sensitive)
    for media in rec.media:
        media.original_uri = clean_text(media.original_uri)
        media.metadata = clean_deep(media.metadata)
    ctx.writer.add(rec)


# ---------------------------------------------------------------------------- account
def claim_owner(
    ctx: FileContext, claim: Claim, find: Callable[[SourceTree], AccountIn | None]
) -> AccountIn | None:
    """The export's account: from this input (found while detecting) or, for a download
    split over several zips, from another input of the same import (`find` looks in one).
    Records of the file get it as their account unless the user named one."""
    if "owner_account" not in claim.state:
        account = claim.account
        for other in ctx.other_trees if account is None else ():
            account = find(other)
            if account is not None:
                break
        claim.state["owner_account"] = account
    account = claim.state["owner_account"]
    if account is not None and ctx.writer.account_id is None and not ctx.options.account:
        ctx.writer.account_id = upsert_account(ctx.conn, account)
    return account


# ------------------------------------------------------------------------------- time
def when(
    value: Any, ctx: FileContext, where: str, *, required: bool = False
) -> tuple[datetime | None, str | None]:
    """(UTC time, original value as text); a bad value, or a missing `required` one, is a
    warning and no time (the record is still kept)."""
    if value is None or value == "":
        if required:
            ctx.warn(f"{where}: no time (or not a number); kept without a date")
        return None, None
    return time_or_warn(value, ctx.warnings, where), str(value)


# --------------------------------------------------------------------------- previews
def timestamps_range(values: Iterable[Any]) -> tuple[datetime | None, datetime | None]:
    """(earliest, latest) of the parseable values, for previews."""
    found: list[datetime] = []
    for value in values:
        try:
            parsed = parse_time(value)
        except ParseError:
            continue
        if parsed is not None:
            found.append(parsed)
    return (min(found), max(found)) if found else (None, None)


def emit_profile_page(
    ctx: FileContext,
    platform: str,
    account: AccountIn,
    lines: list[Any],
    created: tuple[datetime | None, str | None],
    *,
    extra: dict[str, Any],
    sensitive: dict[str, Any],
    raw: str,
    path: str,
    url: str | None = None,
) -> None:
    """The account's profile as one 'page' record, keyed by the account so a later export's
    profile is the same record (changed text: a new version)."""
    emit(
        ctx,
        RecordIn(
            platform=platform,
            kind="page",
            record_key=f"profile:{account.account_key}",
            text="\n".join(str(x) for x in lines if x),
            title="Profile information",
            author_name=account.display_name,
            author_handle=account.handle,
            created_at=created[0],
            created_at_raw=created[1],
            url=url,
            extra=extra,
            sensitive=sensitive,
            raw_json=raw,
            locator=path,
        ),
    )

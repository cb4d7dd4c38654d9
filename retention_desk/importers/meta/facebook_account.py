"""The account of a Facebook download: its profile (`profile_v2`), which names the export's
account and becomes a 'page' record, and its likes and reactions (`reactions_v2`,
`likes_and_reactions_N.json`), which are counted and reported, not made records (a reaction
has no text to retain or produce; the original file is kept)."""

from __future__ import annotations

from typing import Any

from retention_desk.archive.ingest import AccountIn, upsert_account
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import ParseError, dumps_raw
from retention_desk.importers.meta.common import emit_profile_page, timestamps_range, when
from retention_desk.importers.meta.facebook_layout import PLATFORM, PROFILE_KEYS, items_of
from retention_desk.importers.meta.text import fix_deep, fx, fx_opt


def profile_of(data: Any, path: str) -> dict[str, Any]:
    """The profile object of a `profile_information.json`; ParseError naming the file if none."""
    if isinstance(data, dict):
        for key in PROFILE_KEYS:
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


def import_profile(ctx: FileContext, path: str, data: Any) -> None:
    """The profile: the export's account (unless one was chosen) and a 'page' record; personal
    fields (emails, phones, birthday, family...) go to the sensitive part."""
    profile = profile_of(data, path)
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
        url=fixed.get("profile_uri") or None,
    )


def import_reactions(ctx: FileContext, path: str, data: Any) -> None:
    """Count the likes/reactions of a file (by type, first and last time) into the file's
    details and say so in a warning; no records."""
    entries = items_of(data, path)
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

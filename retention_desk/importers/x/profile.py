"""profile.js of an X archive: the account's profile as a 'page' record.

The text is the bio with the location and website under it (what a person sees on the
profile); avatar and header images are linked from `profile_media/<account id>-<name>` when
the export has them and listed missing when not.
"""

from __future__ import annotations

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import clean_record, time_or_warn
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    iter_js_array,
    last_segment,
    with_raw,
)
from retention_desk.importers.x.tweets import ExportMedia


def import_profile(ctx: FileContext, claim: Claim, path: str, source: str) -> int:
    """profile.js: one 'page' record for the account (bio, location, website, images)."""
    owner = claim.account
    finder = ExportMedia(ctx)
    count = 0
    for index, item in iter_js_array(source, name=path):
        count += 1
        locator = f"{path}[{index}]"
        item, raw = with_raw(item)
        profile = item.get("profile") if isinstance(item, dict) else None
        if not isinstance(profile, dict):
            ctx.warn(f"{locator}: not a profile object; kept only in the original file")
            continue
        desc = profile.get("description") if isinstance(profile.get("description"), dict) else {}
        bio = as_text(desc.get("bio"))
        lines = [bio] if bio else []
        details = [
            f"{label}: {as_text(desc.get(field))}"
            for label, field in (("Location", "location"), ("Website", "website"))
            if desc.get(field)
        ]
        shown = "\n\n".join([*lines, "\n".join(details)] if details else lines)
        account_id = owner.platform_account_id if owner else None
        handle = owner.handle if owner else None
        media = []
        for field in ("avatarMediaUrl", "headerMediaUrl"):
            url = profile.get(field)
            if isinstance(url, str) and url and account_id:
                media_path = (
                    f"{claim.state['media_dirs']['profile']}/{account_id}-{last_segment(url)}"
                )
                media.append(
                    finder.media(
                        media_path,
                        filename=media_path.rsplit("/", 1)[-1],
                        media_type="avatar" if field == "avatarMediaUrl" else "header",
                        metadata={"url": url},
                    )
                )
        title = None
        if owner is not None:
            title = f"{owner.display_name or handle} (@{handle})" if handle else owner.display_name
        created_raw = claim.state.get("account_created")
        rec = RecordIn(
            platform=PLATFORM,
            kind="page",
            record_key=f"profile:{account_id or handle or index}",
            text=shown,
            title=title,
            platform_id=account_id,
            author_name=owner.display_name if owner else None,
            author_handle=handle,
            author_platform_id=account_id,
            created_at=time_or_warn(created_raw, ctx.warnings, locator),
            created_at_raw=created_raw,
            url=f"https://x.com/{handle}" if handle else None,
            extra={
                k: v
                for k, v in {
                    "bio": bio or None,
                    "website": desc.get("website"),
                    "location": desc.get("location"),
                    "avatar_url": profile.get("avatarMediaUrl"),
                    "header_url": profile.get("headerMediaUrl"),
                }.items()
                if v
            },
            raw_json=raw,
            locator=locator,
            media=media,
        )
        ctx.writer.add(clean_record(rec))
    return count

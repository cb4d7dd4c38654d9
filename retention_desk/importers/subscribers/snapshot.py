"""A parsed list becomes one dated snapshot record and its rows.

Dating: the export's own date where it has one (X `manifest.js` generationDate; the date in a
Reddit `export_<user>_<YYYYMMDD>` folder or a `takeout-<YYYYMMDDTHHMMSSZ>` / `facebook-<user>-
<YYYY-MM-DD>` download name), else the file's date inside the export (a zip member's time, a
file's modification time) and the import says so; else undated. The source of the date is
kept on the record (`extra.taken_at_source`) and printed in its text.

Identity: `record_key` holds the list kind, the account, the export's date (when the export
gives one) and the file's SHA-256, so the same file imported again is the same record (one
snapshot) and a later export's list is a new record, never a new version of the old one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import text

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import FileContext
from retention_desk.importers.common import clean_text
from retention_desk.importers.subscribers.parse import Member, ParsedList
from retention_desk.importers.tree import SourceTree
from retention_desk.platforms import platform_label

RECORD_KIND = "subscriber_list"
KIND_WORDS = {
    "followers": "Followers",
    "following": "Accounts followed",
    "subscriptions": "Channel subscriptions",
    "subreddits": "Subscribed subreddits",
}
FROM_FILE = "the file's date in the export (the export does not say when it was made)"
UNDATED = "undated (neither the export nor the file gives a date)"


@dataclass(frozen=True)
class TakenAt:
    """When a list was taken and how we know."""

    when: datetime | None
    source: str
    from_export: bool  # the export itself says (not the file's date)


_STAMP = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")
_DASHED = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_EXPORT_FOLDER = re.compile(r"(?:^|[_-])(\d{4})(\d{2})(\d{2})$")


def _date(y: str, m: str, d: str, *hms: str) -> datetime | None:
    try:
        return datetime(int(y), int(m), int(d), *(int(v) for v in hms), tzinfo=UTC)
    except ValueError:
        return None


def taken_from_name(*names: str) -> TakenAt | None:
    """The date an export's folder or download name carries: `takeout-20240601T101500Z-001`,
    `twitter-2026-03-06-<hash>`, `facebook-name-2024-06-01-<id>`, `export_user_20240601`.
    Checked nearest first (the file's folders, then the input's name)."""
    for name in names:
        stem = PurePosixPath(name).name
        for pattern in (_STAMP, _DASHED, _EXPORT_FOLDER):
            match = pattern.search(stem)
            if match:
                when = _date(*match.groups())
                if when is not None:
                    return TakenAt(when, f"the date in the export's name ({stem})", True)
    return None


def taken_from_file(tree: SourceTree, path: str) -> TakenAt:
    """The file's own date in the export, or undated."""
    when: datetime | None = None
    # SourceTree keeps no member times; the zip's directory and the folder's files have them
    members = getattr(tree, "_members", None)
    root = getattr(tree, "root", None)
    single = getattr(tree, "path", None) if tree.kind == "file" else None
    try:
        if isinstance(members, dict) and path in members:
            when = _date(*(str(v) for v in members[path].date_time))
        elif root is not None:
            when = datetime.fromtimestamp((root / path).stat().st_mtime, tz=UTC)
        elif single is not None:
            when = datetime.fromtimestamp(single.stat().st_mtime, tz=UTC)
    except (OSError, ValueError, TypeError):
        when = None
    if when is None or when.year < 1990:
        return TakenAt(None, UNDATED, False)
    return TakenAt(when.replace(microsecond=0), FROM_FILE, False)


def export_date(tree: SourceTree, path: str, stated: datetime | None, why: str) -> TakenAt:
    """`stated` (the export's own date, `why` it is), else a date in the export's folder or
    download name, else the file's date."""
    if stated is not None:
        return TakenAt(stated, why, True)
    folders = [str(p) for p in PurePosixPath(path).parents if str(p) != "."]
    return taken_from_name(*folders, tree.label) or taken_from_file(tree, path)


# ---------------------------------------------------------------------------- writing
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")


def _one_line(value: str) -> str:
    # one member per line: a name with a line break must not start a line of its own
    return _LINE_BREAKS.sub(" ", clean_text(value)).strip()


def member_line(m: Member) -> str:
    """'Name (@handle) since 2024-06-01 — URL', with the parts the export has."""
    parts = []
    if m.name:
        parts.append(_one_line(m.name))
    if m.handle:
        parts.append(f"(@{_one_line(m.handle)})")
    if not parts:
        parts.append(f"account {_one_line(m.member_key)}")
    if m.since is not None:
        parts.append(f"since {m.since.date().isoformat()}")
    line = " ".join(parts)
    return f"{line} \u2014 {_one_line(m.url)}" if m.url else line


def _account(ctx: FileContext) -> tuple[str, str]:
    """(account key, label) of the account the file is imported for."""
    if ctx.writer.account_id is None:
        return "-", "an unknown account"
    row = ctx.conn.execute(
        text("SELECT account_key, handle, display_name FROM accounts WHERE id = :id"),
        {"id": ctx.writer.account_id},
    ).first()
    if row is None:
        return "-", "an unknown account"
    key, handle, display = (str(v) if v is not None else "" for v in row)
    label = f"@{handle}" if handle else display or key
    return key, label


def _source_sha(ctx: FileContext) -> str:
    sha = ctx.conn.execute(
        text("SELECT sha256 FROM source_files WHERE id = :id"), {"id": ctx.source_file_id}
    ).scalar()
    return str(sha or "")


def import_list(
    ctx: FileContext,
    tree: SourceTree,
    path: str,
    platform: str,
    parsed: ParsedList,
    taken: TakenAt,
) -> int:
    """Write the list as one `subscriber_list` record with its rows; the record's id."""
    ctx.check_cancel()
    account_key, label = _account(ctx)
    sha = _source_sha(ctx)
    kind = parsed.list_kind
    date = taken.when.date().isoformat() if taken.when else "an unknown date"
    count = len(parsed.members)
    head = (
        f"{KIND_WORDS[kind]} of {label} on {platform_label(platform)}, as of {date}"
        f" ({taken.source}): {count} {'entry' if count == 1 else 'entries'}"
    )
    body = "\n".join(member_line(m) for m in parsed.members)
    stated = timeutil.to_db(taken.when) if taken.from_export else ""
    key = f"{RECORD_KIND}:{kind}:{account_key}:{stated}:{sha}"
    extra: dict[str, Any] = {
        "list_kind": kind,
        "entries": count,
        "taken_at_source": taken.source,
        "source_sha256": sha,
    }
    ctx.writer.add(
        RecordIn(
            platform=platform,
            kind=RECORD_KIND,
            record_key=key,
            title=f"{KIND_WORDS[kind]}: {label}, {date}",
            text=f"{head}\n\n{body}" if body else head,
            created_at=taken.when,
            extra=extra,
            locator=path,
        )
    )
    ctx.writer.flush()
    record_id = ctx.writer.record_ids[(platform, key)]
    _write_rows(ctx, record_id, parsed, taken)
    ctx.warnings += list(parsed.warnings)
    if not taken.from_export:
        ctx.warn(f"{path}: the {kind} list is dated by {taken.source}")
    ctx.details["subscriber_list"] = {"kind": kind, "entries": count, "record": record_id}
    return record_id


def _write_rows(ctx: FileContext, record_id: int, parsed: ParsedList, taken: TakenAt) -> None:
    """The list's rows, once: the same file imported again is the same record already."""
    exists = ctx.conn.execute(
        text("SELECT 1 FROM subscriber_lists WHERE record_id = :r"), {"r": record_id}
    ).first()
    if exists is not None:
        return
    ctx.conn.execute(
        text(
            "INSERT INTO subscriber_lists (record_id, account_id, list_kind, taken_at,"
            " entry_count) VALUES (:r, :a, :k, :t, :n)"
        ),
        {
            "r": record_id,
            "a": ctx.writer.account_id,
            "k": parsed.list_kind,
            "t": timeutil.to_db(taken.when),
            "n": len(parsed.members),
        },
    )
    rows = [
        {
            "r": record_id,
            "p": position,
            "k": clean_text(m.member_key),
            "h": clean_text(m.handle),
            "n": clean_text(m.name),
            "u": clean_text(m.url),
            "s": timeutil.to_db(m.since),
        }
        for position, m in enumerate(parsed.members, start=1)
    ]
    for start in range(0, len(rows), 2000):
        ctx.conn.execute(
            text(
                "INSERT INTO subscriber_entries (record_id, position, member_key, handle, name,"
                " url, since) VALUES (:r, :p, :k, :h, :n, :u, :s)"
            ),
            rows[start : start + 2000],
        )

"""The moderation log (Las Cruces CMP 1.12 II.1.i, Desert Hot Springs 389.5): comments and
replies hidden or deleted on the agency's pages, each with its latest recorded action (who
acted, when, under which category of the applying policies, and why).

What is in the log:
- every comment and reply the archive holds as hidden or deleted (the platform's flags, kept
  with their time and never cleared) is a *removal*;
- every record the custodian recorded an action on (also a post, or a comment that was only
  reported or kept: CMP 1.12 says "Don't delete post", report it instead).
Private messages are left out: a deleted message is its sender unsending it, not an agency
removing public content, and a message is never on the page for the public to see.

The latest action of a record is the one entered last (a later entry corrects an earlier
one). A removal is *unreasoned* while no action is recorded for it at all. A comment deleted
by its own author is recorded with `acted_by="author"` and needs no category: it is no
incident of inappropriate content (see annual.py).

The reason is free text kept in `moderation_actions`, which leaves with the record when it is
destroyed; the audit trail (which can never be destroyed) gets ids, the action word and the
category code only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.models_oversight import MODERATION_ACTIONS
from retention_desk.archive.settings import agency_zone
from retention_desk.archive.store import Archive

ACTIONS = MODERATION_ACTIONS
# actions that take content down (the others leave it up or put it back)
REMOVING = ("hidden", "deleted")
# the kinds whose hidden/deleted flag is a removal of public content
REMOVABLE_KINDS = ("comment", "reply")
# the kinds an action may be recorded on
ACTION_KINDS = ("post", "comment", "reply")
# `acted_by` for a comment its own author deleted
AUTHOR = "author"
MAX_NOTE = 4000
MAX_BY = 200
EXCERPT = 200

_REMOVED_SQL = (
    "r.kind IN ('comment','reply') AND (r.hidden_at IS NOT NULL OR r.deleted_at IS NOT NULL)"
)
_LATEST_SQL = "SELECT max(id) FROM moderation_actions GROUP BY record_id"


class ModerationError(ArchiveError):
    """A moderation entry that cannot be recorded (a sentence for the user)."""


class Category(Protocol):
    """A removal category of the applying policies (retention_desk.oversight.policies)."""

    @property
    def code(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def citation(self) -> str: ...
    @property
    def policy(self) -> str: ...


@dataclass(frozen=True)
class ModerationEntry:
    """One line of the log: a record and its latest recorded action (if any)."""

    record_id: int
    platform: str
    kind: str
    account_id: int | None
    account: str
    author_name: str
    author_handle: str
    created_at: str | None
    hidden_at: str | None
    deleted_at: str | None
    url: str
    excerpt: str
    # the latest action (None: nothing recorded)
    action_id: int | None
    action: str | None
    category: str
    acted_by: str
    acted_at: str | None
    reason: str
    entered_at: str | None
    entered_by: str
    action_count: int
    # the day the entry counts on in the agency's zone: the removal, else the latest action
    on: date | None

    @property
    def removed(self) -> bool:
        return self.kind in REMOVABLE_KINDS and (
            self.hidden_at is not None or self.deleted_at is not None
        )

    @property
    def unreasoned(self) -> bool:
        return self.removed and self.action_id is None

    @property
    def by_author(self) -> bool:
        return self.acted_by == AUTHOR


@dataclass(frozen=True)
class RecordedAction:
    """What `record_reason` stored."""

    id: int
    record_id: int
    action: str
    category: str
    acted_by: str
    acted_at: str | None
    reason: str
    entered_at: str
    entered_by: str


# --------------------------------------------------------------------------- categories
def categories(archive: Archive) -> list[Category]:
    """The removal categories of the policies that apply to the agency (Settings: policies)."""
    from retention_desk.oversight.policies import moderation_categories

    return list(moderation_categories(archive))


def resolve_category(cats: Sequence[Category], value: str) -> str:
    """The category code `value` names (ignoring case), or a ModerationError listing them."""
    wanted = value.strip().lower()
    for cat in cats:
        if cat.code.lower() == wanted:
            return cat.code
    choices = ", ".join(c.code for c in cats) or "none: no policy applies (Settings: policies)"
    raise ModerationError(f"The category {value[:60]!r} is not one of {choices}.")


# ------------------------------------------------------------------------------ accounts
def find_account(conn: Connection, name: str) -> tuple[int, str]:
    """The account `name` means: its id, a handle, display name or platform account key
    (ignoring case), or `platform/handle`. Returns (id, label)."""
    text = name.strip().removeprefix("@")
    if not text:
        raise ModerationError("An account needs a handle, name or id.")
    rows = conn.exec_driver_sql(
        "SELECT id, platform, handle, display_name, account_key FROM accounts ORDER BY id"
    ).all()
    platform, slash, rest = text.partition("/")

    def names(row: Any) -> set[str]:
        return {str(v).lower() for v in (row[2], row[3], row[4]) if v}

    found = [r for r in rows if text.isdigit() and int(r[0]) == int(text)]
    found = found or [r for r in rows if text.lower() in names(r)]
    if not found and slash:
        found = [
            r
            for r in rows
            if str(r[1]).lower() == platform.lower() and rest.lower().lstrip("@") in names(r)
        ]
    if not found:
        raise ModerationError(f"No account is named {name[:80]!r}.")
    if len(found) > 1:
        labels = ", ".join(account_label(r[1], r[2], r[3], r[4]) for r in found)
        raise ModerationError(
            f"{name[:80]!r} names {len(found)} accounts ({labels}); write platform/handle."
        )
    r = found[0]
    return int(r[0]), account_label(r[1], r[2], r[3], r[4])


def list_accounts(archive: Archive) -> list[tuple[int, str]]:
    """Every account as (id, label), for choosers; `find_account(str(id))` finds it again."""
    with archive.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, platform, handle, display_name, account_key FROM accounts"
        ).all()
    out = [(int(r[0]), account_label(r[1], r[2], r[3], r[4])) for r in rows]
    return sorted(out, key=lambda a: a[1].lower())


def account_label(platform: Any, handle: Any, display: Any, key: Any) -> str:
    shown = f"@{handle}" if handle else str(display or key or "")
    return f"{platform}/{shown}"


# ----------------------------------------------------------------------------- recording
def parse_when(value: str | datetime | date | None, zone: ZoneInfo) -> datetime | None:
    """A time the custodian typed: ISO date or date-time; without a zone it is the agency's."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time(12))
    else:
        raw = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                when = datetime.combine(date.fromisoformat(raw), time(12))
            else:
                when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise ModerationError(
                f"The time {raw[:40]!r} is not a date (YYYY-MM-DD) or date and time"
                " (YYYY-MM-DD HH:MM)."
            ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.astimezone(UTC)


def record_reason(
    archive: Archive,
    record_id: int,
    category: str,
    note: str,
    *,
    acted_by: str = "",
    acted_at: str | datetime | date | None = None,
    action: str | None = None,
) -> RecordedAction:
    """Record who acted on a record, when, under which category and why.

    `action` defaults to what the archive shows: deleted, else hidden, else reported. A
    category is required unless the action is `restored` or the author removed their own
    comment (`acted_by="author"`). Audited with ids, the action and the category code only.
    """
    reason = note.strip()
    by = " ".join(acted_by.split())
    if not reason:
        raise ModerationError("A moderation entry needs the reason (a note).")
    if len(reason) > MAX_NOTE:
        raise ModerationError(f"The reason is at most {MAX_NOTE} characters.")
    if len(by) > MAX_BY:
        raise ModerationError(f"Who acted is at most {MAX_BY} characters.")
    if by.lower() == AUTHOR:
        by = AUTHOR
    cats = categories(archive) if category.strip() else []
    with archive.write() as conn:
        row = conn.exec_driver_sql(
            "SELECT kind, hidden_at, deleted_at, created_at FROM records WHERE id = ?",
            (int(record_id),),
        ).first()
        if row is None:
            raise ModerationError(f"There is no record {record_id}.")
        kind = str(row[0])
        if kind not in ACTION_KINDS:
            raise ModerationError(
                f"Record {record_id} is a {kind}; moderation is recorded on"
                f" {', '.join(ACTION_KINDS)}."
            )
        if action is None:
            action = "deleted" if row[2] else "hidden" if row[1] else "reported"
        if action not in ACTIONS:
            raise ModerationError(
                f"The action {action[:20]!r} must be one of {', '.join(ACTIONS)}."
            )
        if by == AUTHOR and action != "deleted":
            raise ModerationError("Only a deletion can be the author's own.")
        code = resolve_category(cats, category) if category.strip() else ""
        if not code and action != "restored" and by != AUTHOR:
            raise ModerationError(
                f"A {action} entry needs a category of the applying policies"
                " (only a restoration or the author's own deletion goes without)."
            )
        zone, _ = agency_zone(conn)
        when = parse_when(acted_at, zone)
        when_db = timeutil.to_db(when)
        if when is not None and when > timeutil.utcnow():
            raise ModerationError(f"The time {when.astimezone(zone):%Y-%m-%d %H:%M} is ahead.")
        if when_db is not None and row[3] is not None and when_db[:10] < str(row[3])[:10]:
            raise ModerationError(
                f"Record {record_id} was created on {str(row[3])[:10]}; nobody acted on it"
                f" on {when_db[:10]}."
            )
        now = timeutil.now_db()
        entered_by = archive.operator(conn)
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO moderation_actions (record_id, action, category, acted_by,"
                " acted_at, reason, entered_at, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (int(record_id), action, code, by, when_db, reason, now, entered_by),
            ).lastrowid
            or 0
        )
        archive.audit(
            conn,
            action="moderation.reason",
            object_type="record",
            object_ids=[int(record_id)],
            details={
                "record": int(record_id),
                "entry": new_id,
                "action": action,
                "category": code,
                "by_author": by == AUTHOR,
            },
        )
    return RecordedAction(
        new_id, int(record_id), action, code, by, when_db, reason, now, entered_by
    )


# ------------------------------------------------------------------------------- listing
_COLUMNS = (
    "r.id, r.platform, r.kind, r.account_id, a.platform, a.handle, a.display_name,"
    " a.account_key, r.author_name, r.author_handle, r.created_at, r.hidden_at, r.deleted_at,"
    " r.url, (SELECT v.text FROM record_versions v WHERE v.record_id = r.id"
    " ORDER BY v.seq DESC LIMIT 1), m.id, m.action, m.category, m.acted_by, m.acted_at,"
    " m.reason, m.entered_at, m.entered_by,"
    " (SELECT count(*) FROM moderation_actions c WHERE c.record_id = r.id)"
)


def year_bounds(year: int, zone: ZoneInfo) -> tuple[str, str]:
    """Stored-UTC text bounds [start, end) of a calendar year in the agency's zone."""
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    return str(timeutil.to_db(start)), str(timeutil.to_db(end))


def _local_day(value: str | None, zone: ZoneInfo) -> date | None:
    when = timeutil.from_db(value)
    return when.astimezone(zone).date() if when else None


def _excerpt(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def entries_in(
    conn: Connection,
    *,
    unreasoned_only: bool = False,
    category: str | None = None,
    account_id: int | None = None,
    year: int | None = None,
    record_id: int | None = None,
) -> list[ModerationEntry]:
    """The log, newest first, narrowed by the filters (`category`: the latest action's).
    `record_id`: that one record as an entry, also when nothing was removed or recorded
    (to report a comment that is still up)."""
    zone, _ = agency_zone(conn)
    where = [f"r.kind IN ({','.join(repr(k) for k in ACTION_KINDS)})"]
    args: list[Any] = []
    if record_id is None:
        where.append(f"(({_REMOVED_SQL}) OR r.id IN (SELECT record_id FROM moderation_actions))")
    else:
        where.append("r.id = ?")
        args.append(int(record_id))
    if unreasoned_only:
        where.append(f"({_REMOVED_SQL}) AND m.id IS NULL")
    if category is not None:
        where.append("m.category = ?")
        args.append(category)
    if account_id is not None:
        where.append("r.account_id = ?")
        args.append(int(account_id))
    sql = (
        f"SELECT {_COLUMNS} FROM records r LEFT JOIN accounts a ON a.id = r.account_id"
        f" LEFT JOIN moderation_actions m ON m.id IN ({_LATEST_SQL}) AND m.record_id = r.id"
        f" WHERE {' AND '.join(where)}"
    )
    out: list[ModerationEntry] = []
    for r in conn.exec_driver_sql(sql, tuple(args)):
        hidden, deleted = r[11], r[12]
        flags = [t for t in (hidden, deleted) if t is not None]
        removed = str(r[2]) in REMOVABLE_KINDS and bool(flags)
        # a removal counts on its day; anything else on the day of its latest action
        on = _local_day(min(flags) if removed else (r[19] or r[21]), zone)
        entry = ModerationEntry(
            record_id=int(r[0]),
            platform=str(r[1]),
            kind=str(r[2]),
            account_id=int(r[3]) if r[3] is not None else None,
            account=account_label(r[4], r[5], r[6], r[7]) if r[3] is not None else "",
            author_name=str(r[8] or ""),
            author_handle=str(r[9] or ""),
            created_at=r[10],
            hidden_at=hidden,
            deleted_at=deleted,
            url=str(r[13] or ""),
            excerpt=_excerpt(r[14]),
            action_id=int(r[15]) if r[15] is not None else None,
            action=r[16],
            category=str(r[17] or ""),
            acted_by=str(r[18] or ""),
            acted_at=r[19],
            reason=str(r[20] or ""),
            entered_at=r[21],
            entered_by=str(r[22] or ""),
            action_count=int(r[23]),
            on=on,
        )
        if year is not None and (entry.on is None or entry.on.year != year):
            continue
        out.append(entry)
    out.sort(key=lambda e: (e.on or date.min, e.record_id), reverse=True)
    return out


def list_moderation(
    archive: Archive,
    *,
    unreasoned_only: bool = False,
    category: str | None = None,
    account: str | None = None,
    year: int | None = None,
) -> list[ModerationEntry]:
    """The moderation log (see the module's doc), newest first. `category` is checked
    against the applying policies' categories; `account` is found by `find_account`."""
    code = resolve_category(categories(archive), category) if category else None
    with archive.read() as conn:
        account_id = find_account(conn, account)[0] if account else None
        return entries_in(
            conn,
            unreasoned_only=unreasoned_only,
            category=code,
            account_id=account_id,
            year=year,
        )


def entry_for(archive: Archive, record_id: int) -> ModerationEntry:
    """One record as a log entry (a post, comment or reply), removed or not."""
    with archive.read() as conn:
        found = entries_in(conn, record_id=int(record_id))
    if not found:
        raise ModerationError(
            f"There is no post, comment or reply {record_id} (moderation is recorded on"
            f" {', '.join(ACTION_KINDS)})."
        )
    return found[0]


def actions_of(archive: Archive, record_id: int) -> list[RecordedAction]:
    """Every action recorded on a record, oldest first."""
    with archive.read() as conn:
        return [
            RecordedAction(
                int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], str(r[6]), r[7], r[8]
            )
            for r in conn.exec_driver_sql(
                "SELECT id, record_id, action, category, acted_by, acted_at, reason,"
                " entered_at, entered_by FROM moderation_actions WHERE record_id = ?"
                " ORDER BY id",
                (int(record_id),),
            )
        ]


def flag_word(entry: ModerationEntry) -> str:
    if entry.unreasoned:
        return "removed without a recorded reason"
    if entry.by_author:
        return "removed by its author"
    return ""

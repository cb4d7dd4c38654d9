"""Staff authors of official posts and the unapproved-author flag (Las Cruces CMP 1.12 II.1.b:
only approved users post on the agency's sites).

Which posts: records of an account in the registry of kind `post` or `page` (not reposts,
which credit someone else's words), plus any record, a reply say, for which the custodian
entered a staff author. Comments by the public are never judged.

Who wrote a post:
1. the staff author the custodian entered (`record_staff_authors`), else
2. the export's author name or handle, when it is not the account itself (its handle,
   display name, key or platform id); it is matched to people by their platform names.

A post credited to the page itself with no staff author entered is "not enough evidence",
never flagged. The author is approved when one of their roles on that account allowed
posting (approved user or administrator) on the post's day in the agency's time zone:
approved on or before it, not ended before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.settings import agency_zone
from retention_desk.archive.store import Archive
from retention_desk.oversight.registry import (
    POSTING_ROLES,
    RegistryError,
    RoleInfo,
    accounts_in,
    bare_name,
    clean_text,
    people_in,
    resolve_person,
    roles_in,
)

POST_KINDS = ("post", "page")

# why a post is flagged (codes; the sentence is `AuthorFlag.detail`)
NO_ROLE = "no_role"
APPROVED_LATER = "approved_later"
ENDED_BEFORE = "ended_before"
UNDATED = "approval_undated"
UNKNOWN_AUTHOR = "unknown_author"


@dataclass(frozen=True)
class StaffAuthor:
    record_id: int
    person_id: int
    person_name: str
    note: str
    entered_at: str
    entered_by: str


@dataclass(frozen=True)
class AuthorFlag:
    """An official post whose author was not an approved user of the account that day."""

    record_id: int
    account_id: int
    account: str  # platform:handle
    posted_on: str  # YYYY-MM-DD, agency time zone
    author: str  # the person's name, or the export's byline
    person_id: int | None
    evidence: str  # "staff_author" (entered by the custodian) or "export"
    reason: str  # one of the codes above
    detail: str  # one sentence for the custodian


# ------------------------------------------------------------------------- staff authors
def _record_account(conn: Connection, record_id: int) -> int | None:
    row = conn.exec_driver_sql(
        "SELECT account_id FROM records WHERE id = ?", (int(record_id),)
    ).first()
    if row is None:
        raise RegistryError(f"There is no record {record_id}.")
    return None if row[0] is None else int(row[0])


def set_staff_author(
    archive: Archive, record_id: int, person: str | int, note: str = ""
) -> StaffAuthor:
    """Enter the member of staff who wrote an official post (replacing an earlier entry)."""
    text = clean_text(note, "note", limit=1000)
    with archive.write() as conn:
        account_id = _record_account(conn, record_id)
        pid = resolve_person(conn, person)
        conn.exec_driver_sql(
            "INSERT INTO record_staff_authors (record_id, person_id, note, entered_at,"
            " entered_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET"
            " person_id = excluded.person_id, note = excluded.note,"
            " entered_at = excluded.entered_at, entered_by = excluded.entered_by",
            (int(record_id), pid, text, timeutil.now_db(), archive.operator(conn)),
        )
        archive.audit(
            conn,
            action="registry.author_set",
            object_type="record",
            object_ids=[int(record_id)],
            details={"record": int(record_id), "person": pid, "account": account_id},
        )
        return _staff_author(conn, int(record_id))  # type: ignore[return-value]


def clear_staff_author(archive: Archive, record_id: int) -> None:
    with archive.write() as conn:
        done = conn.exec_driver_sql(
            "DELETE FROM record_staff_authors WHERE record_id = ?", (int(record_id),)
        )
        if not done.rowcount:
            raise RegistryError(f"Record {record_id} has no staff author entered.")
        archive.audit(
            conn,
            action="registry.author_clear",
            object_type="record",
            object_ids=[int(record_id)],
            details={"record": int(record_id)},
        )


def _staff_author(conn: Connection, record_id: int) -> StaffAuthor | None:
    row = conn.exec_driver_sql(
        "SELECT s.record_id, s.person_id, p.name, s.note, s.entered_at, s.entered_by"
        " FROM record_staff_authors s JOIN account_people p ON p.id = s.person_id"
        " WHERE s.record_id = ?",
        (int(record_id),),
    ).first()
    if row is None:
        return None
    return StaffAuthor(int(row[0]), int(row[1]), str(row[2]), str(row[3]), row[4], row[5])


def staff_author(archive: Archive, record_id: int) -> StaffAuthor | None:
    with archive.read() as conn:
        return _staff_author(conn, record_id)


# --------------------------------------------------------------------------------- flags
def _day(value: str | None, zone: ZoneInfo) -> str | None:
    moment = timeutil.from_db(value)
    if moment is None:
        return None
    return datetime.astimezone(moment, zone).date().isoformat()


def _judge(roles: list[RoleInfo], day: str) -> tuple[str, str] | None:
    """None when a posting role covers `day`; else (reason code, sentence)."""
    posting = [r for r in roles if r.role in POSTING_ROLES]
    if any(r.covers(day) for r in posting):
        return None
    later = sorted(r.approved_on for r in posting if r.approved_on and r.approved_on > day)
    if later:
        return APPROVED_LATER, f"approved for this account only on {later[0]}, after the post"
    ended = sorted(r.ended_on for r in posting if r.ended_on and r.ended_on < day)
    if ended:
        return ENDED_BEFORE, f"role on this account ended on {ended[-1]}, before the post"
    if posting:
        return UNDATED, "role on this account has no approval date recorded"
    return NO_ROLE, "not an approved user or administrator of this account"


def author_flags(archive: Archive, account_id: int | None = None) -> list[AuthorFlag]:
    """Official posts whose author was not approved for the account on the post's day."""
    with archive.read() as conn:
        return flags_in(conn, account_id)


def flags_in(conn: Connection, account_id: int | None = None) -> list[AuthorFlag]:
    zone, _ = agency_zone(conn)
    accounts = {a.id: a for a in accounts_in(conn)}
    if account_id is not None:
        accounts = {k: v for k, v in accounts.items() if k == int(account_id)}
    if not accounts:
        return []
    selves: dict[int, set[str]] = {}
    for aid, key, pid, handle, display in conn.exec_driver_sql(
        "SELECT id, account_key, platform_account_id, handle, display_name FROM accounts"
        f" WHERE id IN ({','.join(str(i) for i in accounts)})"
    ):
        selves[int(aid)] = {bare_name(v) for v in (key, pid, handle, display) if v}
    roles: dict[tuple[int, int], list[RoleInfo]] = defaultdict(list)
    for role in roles_in(conn):
        roles[(role.account_id, role.person_id)].append(role)
    by_name: dict[str, list[int]] = defaultdict(list)
    for person in people_in(conn):
        for name in {bare_name(n) for n in person.platform_names}:
            by_name[name].append(person.id)
    staff = {
        int(r): (int(p), str(n))
        for r, p, n in conn.exec_driver_sql(
            "SELECT s.record_id, s.person_id, p.name FROM record_staff_authors s"
            " JOIN account_people p ON p.id = s.person_id"
        )
    }
    marks = ",".join(str(i) for i in accounts)
    kinds = ",".join(f"'{k}'" for k in POST_KINDS)
    rows = conn.exec_driver_sql(
        "SELECT r.id, r.account_id, r.created_at, r.author_name, r.author_handle,"
        " r.author_platform_id, r.kind, r.is_repost FROM records r"
        f" WHERE r.account_id IN ({marks}) AND (r.kind IN ({kinds})"
        " OR r.id IN (SELECT record_id FROM record_staff_authors)) ORDER BY r.created_at, r.id"
    ).all()
    out: list[AuthorFlag] = []
    for rid, aid, created, name, handle, author_pid, kind, repost in rows:
        aid, rid = int(aid), int(rid)
        day = _day(created, zone)
        if day is None:
            continue  # no date: nothing to compare an approval with
        account = accounts[aid]
        if rid in staff:
            pid, pname = staff[rid]
            verdict = _judge(roles.get((aid, pid), []), day)
            if verdict:
                out.append(
                    AuthorFlag(
                        rid,
                        aid,
                        account.label,
                        day,
                        pname,
                        pid,
                        "staff_author",
                        *verdict,
                    )
                )
            continue
        if kind not in POST_KINDS or repost:
            continue
        bylines = [v for v in (handle, name) if v and str(v).strip()]
        keys = {bare_name(v) for v in (*bylines, author_pid) if v}
        if not bylines or keys & selves[aid]:
            continue  # credited to the page itself (or to no one): not enough evidence
        people = sorted({p for k in keys for p in by_name.get(k, [])})
        shown = " ".join(str(name or "").split()) or "@" + str(handle).lstrip("@")
        if not people:
            out.append(
                AuthorFlag(
                    rid,
                    aid,
                    account.label,
                    day,
                    shown,
                    None,
                    "export",
                    UNKNOWN_AUTHOR,
                    "the export's author matches no person in the registry",
                )
            )
            continue
        verdicts = [(p, _judge(roles.get((aid, p), []), day)) for p in people]
        if any(v is None for _, v in verdicts):
            continue
        pid, verdict = verdicts[0]
        assert verdict is not None
        out.append(AuthorFlag(rid, aid, account.label, day, shown, pid, "export", *verdict))
    return out


def describe(flag: AuthorFlag) -> str:
    """One line for lists and the CLI."""
    who = "staff author entered" if flag.evidence == "staff_author" else "export's author"
    return f"{flag.account} record {flag.record_id} ({flag.posted_on}), {who}: {flag.detail}"

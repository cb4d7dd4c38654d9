"""The account registry: the agency's accounts, the staff who run or may post on them and
their roles (DPS OPR:37 E.5.i: records "of all department social media pages,
administrators, and passwords" (passwords are never kept here); Las Cruces CMP 1.12 II.1.b:
"a record of all approved social media users including their name, department, social media
sites and approval date").

The registry is the `accounts` rows marked official (what imports create for the exported
account, and what the custodian adds); an account added before its export is imported gets
`account_key` = its handle (an import that keys the account by the same handle finds it;
one keyed by the platform's numeric id makes a second row, see the report of issue 15). People are
`account_people`; `account_roles` says who holds which role on which account, from
`approved_on` to `ended_on` (both days count). Every change is audited by ids, codes and
counts only: names, e-mails and bylines are kept in the registry tables, which can be
corrected, never in the append-only audit trail.

Staff authors and the unapproved-author check are in `registry_authors.py`; CSV/XLSX
import and export in `registry_io.py`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.models_oversight import ACCOUNT_STATUSES, ROLES
from retention_desk.archive.store import Archive

MAX_TEXT = 500
MAX_PURPOSE = 2000
MAX_PLATFORM_NAMES = 20
# roles that make a person an author allowed on an account (CMP 1.12 II.1.b approved users,
# and administrators). A liaison alone is not counted, as issue 15's brief asks; note that
# DPS OPR:37's definition K says its Social Media Liaisons "have approval to post", so a DPS
# custodian records an SML who posts as an approved user too (or this tuple gains "liaison")
POSTING_ROLES = ("approved_user", "administrator")


class RegistryError(ArchiveError):
    """A registry action that cannot be taken: one sentence naming the account, person or
    role concerned."""


@dataclass(frozen=True)
class AccountInfo:
    id: int
    platform: str
    handle: str | None
    display_name: str | None
    account_key: str
    url: str | None
    department: str | None
    purpose: str | None
    status: str
    opened_on: str | None
    retired_on: str | None
    records: int
    posts: int

    @property
    def label(self) -> str:
        """`platform:handle` (the account key when the handle is not known)."""
        return f"{self.platform}:{self.handle or self.account_key}"


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str
    department: str
    email: str
    platform_names: tuple[str, ...]
    created_at: str
    created_by: str


@dataclass(frozen=True)
class RoleInfo:
    id: int
    account_id: int
    person_id: int
    person_name: str
    role: str
    approved_on: str | None
    approved_by: str
    ended_on: str | None

    def covers(self, day: str) -> bool:
        """Whether the role held on `day` (YYYY-MM-DD): approved on or before it, not ended
        before it. A role without an approval date covers no day."""
        if self.approved_on is None or self.approved_on > day:
            return False
        return self.ended_on is None or self.ended_on >= day


@dataclass(frozen=True)
class Registry:
    accounts: tuple[AccountInfo, ...]
    people: tuple[PersonInfo, ...]
    roles: tuple[RoleInfo, ...]


# ------------------------------------------------------------------------------ values
def clean_text(value: str | None, what: str, *, limit: int = MAX_TEXT) -> str:
    """Typed or imported text on one line; control characters are refused, not stored."""
    text = " ".join(str(value or "").split())
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise RegistryError(f"The {what} contains a control character.")
    if len(text) > limit:
        raise RegistryError(f"The {what} is longer than {limit} characters.")
    return text


def clean_date(value: str | date | None, what: str) -> str | None:
    """A calendar day as YYYY-MM-DD, or None for an empty value."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10] if len(text) == 10 else text).isoformat()
    except ValueError:
        raise RegistryError(f"The {what} {text[:30]!r} is not a date (YYYY-MM-DD).") from None


def clean_role(value: str) -> str:
    role = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if role not in ROLES:
        raise RegistryError(f"The role {value[:30]!r} must be one of {', '.join(ROLES)}.")
    return role


def bare_name(value: str | None) -> str:
    """A handle or byline compared without case, a leading '@' or extra spaces."""
    return " ".join(str(value or "").split()).lstrip("@").casefold()


def _opt(value: str | None) -> str | None:
    return value if value else None


# ------------------------------------------------------------------------------ accounts
_ACCOUNT_COLUMNS = (
    "a.id, a.platform, a.handle, a.display_name, a.account_key, a.url, a.department,"
    " a.purpose, a.status, a.opened_on, a.retired_on"
)


def _account(row: Any, counts: dict[int, tuple[int, int]]) -> AccountInfo:
    records, posts = counts.get(int(row[0]), (0, 0))
    return AccountInfo(
        id=int(row[0]),
        platform=str(row[1]),
        handle=row[2],
        display_name=row[3],
        account_key=str(row[4]),
        url=row[5],
        department=row[6],
        purpose=row[7],
        status=str(row[8] or "active"),
        opened_on=row[9],
        retired_on=row[10],
        records=records,
        posts=posts,
    )


def _counts(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    marks = ",".join(str(int(i)) for i in ids)
    return {
        int(a): (int(n), int(p or 0))
        for a, n, p in conn.exec_driver_sql(
            "SELECT account_id, count(*), sum(kind IN ('post', 'page')) FROM records"
            f" WHERE account_id IN ({marks}) GROUP BY account_id"
        )
    }


def accounts_in(conn: Connection) -> list[AccountInfo]:
    rows = conn.exec_driver_sql(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts a WHERE a.is_official = 1"
        " ORDER BY a.platform, lower(coalesce(a.handle, a.account_key)), a.id"
    ).all()
    counts = _counts(conn, [int(r[0]) for r in rows])
    return [_account(r, counts) for r in rows]


def list_accounts(archive: Archive) -> list[AccountInfo]:
    """The registry's accounts with their record and post counts."""
    with archive.read() as conn:
        return accounts_in(conn)


def account_in(conn: Connection, account_id: int) -> AccountInfo:
    row = conn.exec_driver_sql(
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ?", (int(account_id),)
    ).first()
    if row is None:
        raise RegistryError(f"There is no account {account_id}.")
    return _account(row, _counts(conn, [int(account_id)]))


def find_account(conn: Connection, platform: str, handle: str) -> int | None:
    """The account of `platform` whose key or handle is `handle` (no case, no '@')."""
    wanted = bare_name(handle)
    for aid, key, hd in conn.exec_driver_sql(
        "SELECT id, account_key, handle FROM accounts WHERE platform = ? ORDER BY id",
        (platform.strip().lower(),),
    ):
        if wanted in (bare_name(key), bare_name(hd)):
            return int(aid)
    return None


def resolve_account(conn: Connection, ref: str | int) -> int:
    """An account id, or `platform:handle`."""
    text = str(ref).strip()
    if text.isdigit():
        if conn.exec_driver_sql("SELECT 1 FROM accounts WHERE id = ?", (int(text),)).first():
            return int(text)
        raise RegistryError(f"There is no account {text}.")
    platform, sep, handle = text.partition(":")
    if not sep or not platform.strip() or not handle.strip():
        raise RegistryError(
            f"The account {text[:60]!r} must be an id or platform:handle (e.g. x:townofsandia)."
        )
    found = find_account(conn, platform, handle)
    if found is None:
        raise RegistryError(f"There is no account {text[:60]!r} in the archive.")
    return found


@dataclass(frozen=True)
class AccountFields:
    """What the custodian sets on an account; None leaves a value as it is, "" clears it."""

    url: str | None = None
    department: str | None = None
    purpose: str | None = None
    display_name: str | None = None
    opened_on: str | date | None = None
    status: str | None = None
    retired_on: str | date | None = None


def _checked(fields: AccountFields) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name, limit in (("url", 2000), ("department", MAX_TEXT), ("display_name", MAX_TEXT)):
        value = getattr(fields, name)
        if value is not None:
            out[name] = _opt(clean_text(value, name.replace("_", " "), limit=limit))
    if fields.purpose is not None:
        out["purpose"] = _opt(clean_text(fields.purpose, "purpose", limit=MAX_PURPOSE))
    for name in ("opened_on", "retired_on"):
        value = getattr(fields, name)
        if value is not None:
            out[name] = clean_date(value, name.replace("_", " ").replace(" on", " date"))
    if fields.status is not None and fields.status != "":
        status = fields.status.strip().lower()
        if status not in ACCOUNT_STATUSES:
            raise RegistryError(
                f"The status {fields.status[:20]!r} must be one of {', '.join(ACCOUNT_STATUSES)}."
            )
        out["status"] = status
        if status == "active" and fields.retired_on in (None, ""):
            out["retired_on"] = None
    return out


def add_account_in(
    archive: Archive, conn: Connection, platform: str, handle: str, fields: AccountFields
) -> tuple[int, bool]:
    """Put an account in the registry: an imported one is updated in place and marked
    official; otherwise a new row keyed by the handle. Returns (id, created)."""
    plat = clean_text(platform, "platform", limit=30).lower()
    hd = clean_text(handle, "handle").lstrip("@")
    if not plat or not hd:
        raise RegistryError("An account needs a platform and a handle.")
    values = _checked(fields)
    found = find_account(conn, plat, hd)
    if found is None:
        result = conn.exec_driver_sql(
            "INSERT INTO accounts (platform, account_key, handle, display_name, is_official,"
            " is_approved, created_at, status) VALUES (?, ?, ?, ?, 1, 0, ?, 'active')"
            " RETURNING id",
            (plat, hd, hd, values.get("display_name"), timeutil.now_db()),
        )
        aid, created = int(result.scalar_one()), True
    else:
        aid, created = found, False
        conn.exec_driver_sql(
            "UPDATE accounts SET is_official = 1, handle = coalesce(handle, ?) WHERE id = ?",
            (hd, aid),
        )
    _apply(conn, aid, values)
    archive.audit(
        conn,
        action="registry.account_add",
        object_type="account",
        object_ids=[aid],
        details={"account": aid, "created": created, "fields": sorted(values)},
    )
    return aid, created


def _apply(conn: Connection, account_id: int, values: dict[str, str | None]) -> None:
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.exec_driver_sql(
            f"UPDATE accounts SET {sets} WHERE id = ?", (*values.values(), account_id)
        )
    seal.touch(conn, seal.ACCOUNT, [account_id])


def add_account(
    archive: Archive, platform: str, handle: str, fields: AccountFields | None = None
) -> AccountInfo:
    with archive.write() as conn:
        aid, _ = add_account_in(archive, conn, platform, handle, fields or AccountFields())
        return account_in(conn, aid)


def update_account_in(
    archive: Archive,
    conn: Connection,
    account_id: int,
    fields: AccountFields,
    *,
    retire: bool = False,
) -> list[str]:
    """Change an account's registry columns; returns the names of the columns given."""
    account_in(conn, account_id)
    values = _checked(fields)
    if not values:
        return []
    conn.exec_driver_sql("UPDATE accounts SET is_official = 1 WHERE id = ?", (account_id,))
    _apply(conn, account_id, values)
    details = {"account": account_id, "fields": sorted(values)}
    if retire:
        archive.audit(
            conn,
            action="registry.account_retire",
            object_type="account",
            object_ids=[account_id],
            details=details,
        )
    else:
        archive.audit(
            conn,
            action="registry.account_update",
            object_type="account",
            object_ids=[account_id],
            details=details,
        )
    return sorted(values)


def update_account(archive: Archive, account_ref: str | int, fields: AccountFields) -> AccountInfo:
    with archive.write() as conn:
        aid = resolve_account(conn, account_ref)
        if not update_account_in(archive, conn, aid, fields):
            raise RegistryError("Nothing to change: give at least one value.")
        return account_in(conn, aid)


def retire_account(archive: Archive, account_ref: str | int, on: str | date) -> AccountInfo:
    """Mark an account retired as of `on`; its records and roles stay."""
    day = clean_date(on, "retirement date")
    if day is None:
        raise RegistryError("Retiring an account needs the date it was retired.")
    with archive.write() as conn:
        aid = resolve_account(conn, account_ref)
        opened = account_in(conn, aid).opened_on
        if opened and opened > day:
            raise RegistryError(f"Account {aid} was opened on {opened}, after {day}.")
        update_account_in(
            archive, conn, aid, AccountFields(status="retired", retired_on=day), retire=True
        )
        return account_in(conn, aid)


# -------------------------------------------------------------------------------- people
def person_from_row(row: Any) -> PersonInfo:
    return PersonInfo(
        id=int(row[0]),
        name=str(row[1]),
        department=str(row[2]),
        email=str(row[3]),
        platform_names=tuple(json.loads(row[4] or "[]")),
        created_at=str(row[5]),
        created_by=str(row[6]),
    )


_PERSON_SQL = (
    "SELECT id, name, department, email, platform_names_json, created_at, created_by"
    " FROM account_people"
)


def people_in(conn: Connection) -> list[PersonInfo]:
    return [
        person_from_row(r)
        for r in conn.exec_driver_sql(
            f"{_PERSON_SQL} WHERE removed_at IS NULL ORDER BY lower(name), id"
        )
    ]


def list_people(archive: Archive) -> list[PersonInfo]:
    with archive.read() as conn:
        return people_in(conn)


def person_in(conn: Connection, person_id: int) -> PersonInfo:
    row = conn.exec_driver_sql(
        f"{_PERSON_SQL} WHERE id = ? AND removed_at IS NULL", (int(person_id),)
    ).first()
    if row is None:
        raise RegistryError(f"There is no person {person_id} in the registry.")
    return person_from_row(row)


def resolve_person(conn: Connection, ref: str | int) -> int:
    """A person's id, or their name when exactly one person in the registry has it."""
    text = " ".join(str(ref).split())
    if text.isdigit():
        return person_in(conn, int(text)).id
    matches = [p.id for p in people_in(conn) if p.name.casefold() == text.casefold()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise RegistryError("No person in the registry has that name; add them first.")
    raise RegistryError(
        f"{len(matches)} people in the registry have that name; give the id"
        f" ({', '.join(str(m) for m in matches)})."
    )


def _names(platform_names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in platform_names:
        name = clean_text(raw, "platform name", limit=200)
        if name and bare_name(name) not in {bare_name(n) for n in out}:
            out.append(name)
    if len(out) > MAX_PLATFORM_NAMES:
        raise RegistryError(f"A person has at most {MAX_PLATFORM_NAMES} platform names.")
    return out


def add_person_in(
    archive: Archive,
    conn: Connection,
    name: str,
    *,
    department: str = "",
    email: str = "",
    platform_names: Sequence[str] = (),
) -> int:
    clean = clean_text(name, "name", limit=200)
    if not clean:
        raise RegistryError("A person needs a name.")
    names = _names(platform_names)
    result = conn.exec_driver_sql(
        "INSERT INTO account_people (name, department, email, platform_names_json, created_at,"
        " created_by) VALUES (?, ?, ?, ?, ?, ?)",
        (
            clean,
            clean_text(department, "department"),
            clean_text(email, "e-mail", limit=320),
            json.dumps(names, ensure_ascii=False),
            timeutil.now_db(),
            archive.operator(conn),
        ),
    )
    pid = int(result.lastrowid or 0)
    archive.audit(
        conn,
        action="registry.person_add",
        object_type="account_person",
        object_ids=[pid],
        details={"person": pid, "platform_names": len(names)},
    )
    return pid


def add_person(
    archive: Archive,
    name: str,
    *,
    department: str = "",
    email: str = "",
    platform_names: Sequence[str] = (),
) -> PersonInfo:
    """Add a member of staff; `platform_names` are the bylines and handles an export may
    credit them by."""
    with archive.write() as conn:
        pid = add_person_in(
            archive,
            conn,
            name,
            department=department,
            email=email,
            platform_names=platform_names,
        )
        return person_in(conn, pid)


def update_person_in(
    archive: Archive,
    conn: Connection,
    person_id: int,
    *,
    name: str | None = None,
    department: str | None = None,
    email: str | None = None,
    platform_names: Sequence[str] | None = None,
) -> list[str]:
    """Change a person's columns given (None leaves one as it is); returns what changed."""
    now = person_in(conn, person_id)
    values: dict[str, str] = {}
    if name is not None:
        clean = clean_text(name, "name", limit=200)
        if not clean:
            raise RegistryError("A person needs a name.")
        if clean != now.name:
            values["name"] = clean
    if department is not None and clean_text(department, "department") != now.department:
        values["department"] = clean_text(department, "department")
    if email is not None and clean_text(email, "e-mail", limit=320) != now.email:
        values["email"] = clean_text(email, "e-mail", limit=320)
    if platform_names is not None:
        names = _names(platform_names)
        if tuple(names) != now.platform_names:
            values["platform_names_json"] = json.dumps(names, ensure_ascii=False)
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.exec_driver_sql(
            f"UPDATE account_people SET {sets} WHERE id = ?", (*values.values(), person_id)
        )
        archive.audit(
            conn,
            action="registry.person_update",
            object_type="account_person",
            object_ids=[person_id],
            details={"person": person_id, "fields": sorted(values)},
        )
    return sorted(values)


def update_person(archive: Archive, person_ref: str | int, **changes: Any) -> PersonInfo:
    with archive.write() as conn:
        pid = resolve_person(conn, person_ref)
        update_person_in(archive, conn, pid, **changes)
        return person_in(conn, pid)


def remove_person(archive: Archive, person_ref: str | int) -> None:
    """Take a person out of the registry's lists; their roles stay as history and a staff
    author entered for a post still names them."""
    with archive.write() as conn:
        pid = resolve_person(conn, person_ref)
        conn.exec_driver_sql(
            "UPDATE account_people SET removed_at = ? WHERE id = ?", (timeutil.now_db(), pid)
        )
        archive.audit(
            conn,
            action="registry.person_remove",
            object_type="account_person",
            object_ids=[pid],
            details={"person": pid},
        )


# --------------------------------------------------------------------------------- roles
_ROLE_SQL = (
    "SELECT r.id, r.account_id, r.person_id, p.name, r.role, r.approved_on, r.approved_by,"
    " r.ended_on FROM account_roles r JOIN account_people p ON p.id = r.person_id"
)


def _role(row: Any) -> RoleInfo:
    return RoleInfo(
        id=int(row[0]),
        account_id=int(row[1]),
        person_id=int(row[2]),
        person_name=str(row[3]),
        role=str(row[4]),
        approved_on=row[5],
        approved_by=str(row[6]),
        ended_on=row[7],
    )


def roles_in(
    conn: Connection, account_id: int | None = None, *, person_id: int | None = None
) -> list[RoleInfo]:
    where, args = [], []
    if account_id is not None:
        where.append("r.account_id = ?")
        args.append(int(account_id))
    if person_id is not None:
        where.append("r.person_id = ?")
        args.append(int(person_id))
    sql = _ROLE_SQL + (" WHERE " + " AND ".join(where) if where else "")
    return [
        _role(r)
        for r in conn.exec_driver_sql(
            sql + " ORDER BY r.account_id, r.ended_on IS NOT NULL, lower(p.name), r.id",
            tuple(args),
        )
    ]


def list_roles(
    archive: Archive, account_id: int | None = None, *, person_id: int | None = None
) -> list[RoleInfo]:
    with archive.read() as conn:
        return roles_in(conn, account_id, person_id=person_id)


def role_in(conn: Connection, role_id: int) -> RoleInfo:
    row = conn.exec_driver_sql(_ROLE_SQL + " WHERE r.id = ?", (int(role_id),)).first()
    if row is None:
        raise RegistryError(f"There is no role {role_id}.")
    return _role(row)


def add_role_in(
    archive: Archive,
    conn: Connection,
    account_id: int,
    person_id: int,
    *,
    role: str,
    on: str | date | None,
    by: str,
    ended_on: str | date | None = None,
) -> int:
    account_in(conn, account_id)
    person_in(conn, person_id)
    kind = clean_role(role)
    start = clean_date(on, "approval date")
    end = clean_date(ended_on, "end date")
    if start and end and end < start:
        raise RegistryError(f"A role cannot end ({end}) before it was approved ({start}).")
    result = conn.exec_driver_sql(
        "INSERT INTO account_roles (account_id, person_id, role, approved_on, approved_by,"
        " ended_on, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account_id,
            person_id,
            kind,
            start,
            clean_text(by, "approver's name", limit=200),
            end,
            timeutil.now_db(),
            archive.operator(conn),
        ),
    )
    rid = int(result.lastrowid or 0)
    conn.exec_driver_sql("UPDATE accounts SET is_official = 1 WHERE id = ?", (account_id,))
    seal.touch(conn, seal.ACCOUNT, [account_id])
    archive.audit(
        conn,
        action="registry.role_add",
        object_type="account_role",
        object_ids=[rid],
        details={"role": kind, "account": account_id, "person": person_id},
    )
    return rid


def approve_user(
    archive: Archive,
    accounts: Sequence[str | int],
    person: str | int,
    *,
    role: str = "approved_user",
    on: str | date,
    by: str,
) -> list[RoleInfo]:
    """Give a person a role on one or more accounts ("sites", CMP 1.12 II.1.b) as of `on`,
    approved by `by`. All or none: one unknown account refuses every one."""
    if not accounts:
        raise RegistryError("Name at least one account.")
    if clean_date(on, "approval date") is None:
        raise RegistryError("An approval needs its date.")
    if not clean_text(by, "approver's name", limit=200):
        raise RegistryError("An approval needs who approved it.")
    with archive.write() as conn:
        pid = resolve_person(conn, person)
        ids = list(dict.fromkeys(resolve_account(conn, a) for a in accounts))
        made = [add_role_in(archive, conn, aid, pid, role=role, on=on, by=by) for aid in ids]
        return [role_in(conn, r) for r in made]


def end_role_in(archive: Archive, conn: Connection, role_id: int, on: str | date) -> RoleInfo:
    now = role_in(conn, role_id)
    day = clean_date(on, "end date")
    if day is None:
        raise RegistryError("Ending a role needs the date it ended.")
    if now.approved_on and day < now.approved_on:
        raise RegistryError(
            f"Role {role_id} was approved on {now.approved_on}; it cannot end before that."
        )
    conn.exec_driver_sql("UPDATE account_roles SET ended_on = ? WHERE id = ?", (day, role_id))
    archive.audit(
        conn,
        action="registry.role_end",
        object_type="account_role",
        object_ids=[role_id],
        details={"role": now.role, "account": now.account_id, "person": now.person_id},
    )
    return role_in(conn, role_id)


def end_role(archive: Archive, role_id: int, on: str | date) -> RoleInfo:
    with archive.write() as conn:
        return end_role_in(archive, conn, int(role_id), on)


def registry(archive: Archive) -> Registry:
    """Everything in the registry, in one snapshot (for the list, the tab and the export)."""
    with archive.read() as conn:
        accounts = accounts_in(conn)
        ids = {a.id for a in accounts}
        return Registry(
            accounts=tuple(accounts),
            people=tuple(people_in(conn)),
            roles=tuple(r for r in roles_in(conn) if r.account_id in ids),
        )

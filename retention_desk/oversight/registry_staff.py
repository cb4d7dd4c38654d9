"""The registry's people and their roles on the accounts: added, changed, approved for one
or more accounts, ended (see `registry.py`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive.store import Archive
from retention_desk.oversight.registry_accounts import account_in, resolve_account
from retention_desk.oversight.registry_model import (
    MAX_PLATFORM_NAMES,
    PersonInfo,
    RegistryError,
    RoleInfo,
    bare_name,
    clean_date,
    clean_role,
    clean_text,
)


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

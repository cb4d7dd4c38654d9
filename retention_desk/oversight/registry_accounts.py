"""The registry's accounts: listed with their record counts, added (an imported account is
updated in place), changed and retired (see `registry.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import seal, timeutil
from retention_desk.archive.models_oversight import ACCOUNT_STATUSES
from retention_desk.archive.store import Archive
from retention_desk.oversight.registry_model import (
    MAX_PURPOSE,
    MAX_TEXT,
    AccountInfo,
    RegistryError,
    bare_name,
    clean_date,
    clean_text,
    opt,
)

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
    """An account id, or `platform:handle` (also `platform/handle`, as other commands of the
    Oversight page accept it)."""
    text = str(ref).strip()
    if text.isdigit():
        if conn.exec_driver_sql("SELECT 1 FROM accounts WHERE id = ?", (int(text),)).first():
            return int(text)
        raise RegistryError(f"There is no account {text}.")
    platform, sep, handle = text.partition(":" if ":" in text else "/")
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
            out[name] = opt(clean_text(value, name.replace("_", " "), limit=limit))
    if fields.purpose is not None:
        out["purpose"] = opt(clean_text(fields.purpose, "purpose", limit=MAX_PURPOSE))
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

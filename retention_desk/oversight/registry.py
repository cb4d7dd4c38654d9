"""The account registry: the agency's accounts, the staff who run or may post on them and
their roles (DPS OPR:37 E.5.i: records "of all department social media pages,
administrators, and passwords" (passwords are never kept here); Las Cruces CMP 1.12 II.1.b:
"a record of all approved social media users including their name, department, social media
sites and approval date").

The registry is the `accounts` rows marked official (what imports create for the exported
account, and what the custodian adds); an account added before its export is imported gets
`account_key` = its handle (an import that keys the account by the same handle finds it; one
that keys it by the platform's numeric id adopts the row, `archive.ingest.upsert_account`).
People are `account_people`; `account_roles` says who holds which role on which account, from
`approved_on` to `ended_on` (both days count). Every change is audited by ids, codes and
counts only: names, e-mails and bylines are kept in the registry tables, which can be
corrected, never in the append-only audit trail.

This module is the registry's public surface: the values and dataclasses are defined in
`registry_model.py`, accounts in `registry_accounts.py`, people and roles in
`registry_staff.py`. Staff authors and the unapproved-author check are in
`registry_authors.py`; CSV/XLSX import and export in `registry_io.py`.
"""

from __future__ import annotations

from retention_desk.archive.store import Archive
from retention_desk.oversight.registry_accounts import (
    AccountFields,
    account_in,
    accounts_in,
    add_account,
    add_account_in,
    find_account,
    list_accounts,
    resolve_account,
    retire_account,
    update_account,
    update_account_in,
)
from retention_desk.oversight.registry_model import (
    MAX_PLATFORM_NAMES,
    MAX_PURPOSE,
    MAX_TEXT,
    POSTING_ROLES,
    AccountInfo,
    PersonInfo,
    Registry,
    RegistryError,
    RoleInfo,
    bare_name,
    clean_date,
    clean_role,
    clean_text,
    opt,
)
from retention_desk.oversight.registry_staff import (
    add_person,
    add_person_in,
    add_role_in,
    approve_user,
    end_role,
    end_role_in,
    list_people,
    list_roles,
    people_in,
    person_from_row,
    person_in,
    remove_person,
    resolve_person,
    role_in,
    roles_in,
    update_person,
    update_person_in,
)

# the registry's one public surface: callers use `registry.X` whichever module defines X
__all__ = [
    "MAX_PLATFORM_NAMES",
    "MAX_PURPOSE",
    "MAX_TEXT",
    "POSTING_ROLES",
    "AccountFields",
    "AccountInfo",
    "PersonInfo",
    "Registry",
    "RegistryError",
    "RoleInfo",
    "account_in",
    "accounts_in",
    "add_account",
    "add_account_in",
    "add_person",
    "add_person_in",
    "add_role_in",
    "approve_user",
    "bare_name",
    "clean_date",
    "clean_role",
    "clean_text",
    "end_role",
    "end_role_in",
    "find_account",
    "list_accounts",
    "list_people",
    "list_roles",
    "opt",
    "people_in",
    "person_from_row",
    "person_in",
    "registry",
    "remove_person",
    "resolve_account",
    "resolve_person",
    "retire_account",
    "role_in",
    "roles_in",
    "update_account",
    "update_account_in",
    "update_person",
    "update_person_in",
]


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

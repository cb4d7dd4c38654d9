"""The account registry's data: what its functions return, their refusals and how typed or
imported values are checked (see `registry.py`)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from retention_desk.archive.errors import ArchiveError
from retention_desk.archive.models_oversight import ROLES

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


def opt(value: str | None) -> str | None:
    return value if value else None

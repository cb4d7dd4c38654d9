"""ORM models of migration 0015 (the policies' oversight duties): staff and their roles on
the agency's accounts, staff authors of official posts, the moderation log and subscriber-list
snapshots. The account registry's own columns are on `models.Account`."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retention_desk.archive.models import Base

ROLES = ("administrator", "liaison", "approved_user")
MODERATION_ACTIONS = ("hidden", "deleted", "restored", "reported", "kept")
LIST_KINDS = ("followers", "following", "subscriptions", "subreddits")
ACCOUNT_STATUSES = ("active", "retired")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class AccountPerson(Base):
    """A member of staff who runs, liaises for or may post on the agency's accounts."""

    __tablename__ = "account_people"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    platform_names_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[str | None] = mapped_column(String(27))


class AccountRole(Base):
    """A person's role on one account (administrator, liaison, approved user), approved when
    and by whom; ended when `ended_on` is set."""

    __tablename__ = "account_roles"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="ck_account_roles_role"),
        Index("ix_account_roles_account", "account_id"),
        Index("ix_account_roles_person", "person_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("account_people.id"))
    role: Mapped[str] = mapped_column(String(20))
    approved_on: Mapped[str | None] = mapped_column(String(10))
    approved_by: Mapped[str] = mapped_column(Text)
    ended_on: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))


class RecordStaffAuthor(Base):
    """The staff member who wrote an official post, entered by the custodian where the export
    credits the page itself."""

    __tablename__ = "record_staff_authors"

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("account_people.id"))
    note: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[str] = mapped_column(String(27))
    entered_by: Mapped[str] = mapped_column(String(200))


class ModerationAction(Base):
    """Who hid, deleted, restored or reported a comment, when, under which policy category
    and why (entered by the custodian where the export does not say)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        CheckConstraint(_in("action", MODERATION_ACTIONS), name="ck_moderation_actions_action"),
        Index("ix_moderation_actions_record", "record_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(60))
    acted_by: Mapped[str] = mapped_column(Text)
    acted_at: Mapped[str | None] = mapped_column(String(27))
    reason: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[str] = mapped_column(String(27))
    entered_by: Mapped[str] = mapped_column(String(200))


class SubscriberList(Base):
    """A follower / following / subscription list of an account as of an export's date; the
    list is the record `record_id` (kind `subscriber_list`)."""

    __tablename__ = "subscriber_lists"
    __table_args__ = (
        CheckConstraint(_in("list_kind", LIST_KINDS), name="ck_subscriber_lists_kind"),
        Index("ix_subscriber_lists_account", "account_id", "list_kind"),
    )

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    list_kind: Mapped[str] = mapped_column(String(20))
    taken_at: Mapped[str | None] = mapped_column(String(27))
    entry_count: Mapped[int] = mapped_column(Integer)


class SubscriberEntry(Base):
    """One member of a subscriber list, in the export's order."""

    __tablename__ = "subscriber_entries"
    __table_args__ = ({"sqlite_with_rowid": False},)

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    member_key: Mapped[str] = mapped_column(Text)
    handle: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    since: Mapped[str | None] = mapped_column(String(27))

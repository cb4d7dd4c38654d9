"""oversight: the account registry, staff and their roles, staff authors of posts, the
moderation log and subscriber-list snapshots (the agencies' social-media policies)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

The registry builds on `accounts` (which imports create): url, purpose, status and dates are
added to it. `account_people` are the agency's staff (administrators, liaisons, approved
users, DPS OPR:37 E.5.i, Las Cruces CMP 1.12 II.1.b) and `account_roles` who holds which role
on which account, approved when and by whom. `record_staff_authors` is the custodian's entry
of the staff member who wrote an official post where the export credits the page.
`moderation_actions` records who hid or deleted a comment, when, under which category of the
policy files and why. `subscriber_lists` and `subscriber_entries` hold a follower/following/
subscription list as of an export's date: the list itself is a record (kind
`subscriber_list`), so search, retention, holds and productions see it; the entries are its
rows for comparing snapshots. Everything tied to a record leaves with it (disposal.registry).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN: a batch (copy and drop) of `accounts` would break the records'
    # foreign keys on an archive that has any
    op.add_column("accounts", sa.Column("url", sa.Text(), nullable=True))
    op.add_column("accounts", sa.Column("purpose", sa.Text(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("status", sa.String(length=10), nullable=False, server_default="active"),
    )
    op.add_column("accounts", sa.Column("opened_on", sa.String(length=10), nullable=True))
    op.add_column("accounts", sa.Column("retired_on", sa.String(length=10), nullable=True))
    op.create_table(
        "account_people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        # how the person appears as an author on the platforms (a handle or a byline), so a
        # post an export credits to them can be matched
        sa.Column("platform_names_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("removed_at", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "account_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("approved_on", sa.String(length=10), nullable=True),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("ended_on", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.String(length=27), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "role IN ('administrator','liaison','approved_user')", name="ck_account_roles_role"
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["account_people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_account_roles_account", "account_roles", ["account_id"], unique=False)
    op.create_index("ix_account_roles_person", "account_roles", ["person_id"], unique=False)
    op.create_table(
        "record_staff_authors",
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.String(length=27), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["account_people.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("acted_by", sa.Text(), nullable=False),
        sa.Column("acted_at", sa.String(length=27), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.String(length=27), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "action IN ('hidden','deleted','restored','reported','kept')",
            name="ck_moderation_actions_action",
        ),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_moderation_actions_record", "moderation_actions", ["record_id"], unique=False
    )
    op.create_table(
        "subscriber_lists",
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("list_kind", sa.String(length=20), nullable=False),
        sa.Column("taken_at", sa.String(length=27), nullable=True),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "list_kind IN ('followers','following','subscriptions','subreddits')",
            name="ck_subscriber_lists_kind",
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_index(
        "ix_subscriber_lists_account", "subscriber_lists", ["account_id", "list_kind"], unique=False
    )
    op.create_table(
        "subscriber_entries",
        sa.Column("record_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_key", sa.Text(), nullable=False),
        sa.Column("handle", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("since", sa.String(length=27), nullable=True),
        sa.PrimaryKeyConstraint("record_id", "position"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("subscriber_entries")
    op.drop_index("ix_subscriber_lists_account", table_name="subscriber_lists")
    op.drop_table("subscriber_lists")
    op.drop_index("ix_moderation_actions_record", table_name="moderation_actions")
    op.drop_table("moderation_actions")
    op.drop_table("record_staff_authors")
    op.drop_index("ix_account_roles_person", table_name="account_roles")
    op.drop_index("ix_account_roles_account", table_name="account_roles")
    op.drop_table("account_roles")
    op.drop_table("account_people")
    # DROP COLUMN in place (SQLite >= 3.35): a batch copy of `accounts` cannot drop the
    # old table while records refer to it
    for column in ("retired_on", "opened_on", "status", "purpose", "url"):
        op.execute(f"ALTER TABLE accounts DROP COLUMN {column}")

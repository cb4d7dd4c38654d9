"""Subscriber-list snapshots (Las Cruces CMP 1.12 II.1.e): list them per account and kind,
show one with its members, compare two (who was added, who is gone).

A snapshot is a `subscriber_list` record written by the importers (importers/subscribers); its
`subscriber_lists` row dates it and counts its members, its `subscriber_entries` rows are the
members in the export's order. Everything here reads; nothing is written or audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from retention_desk.archive.models_oversight import LIST_KINDS


class SubscriberError(Exception):
    """A request that cannot be answered (unknown account or snapshot), said for a person."""


@dataclass(frozen=True)
class AccountRef:
    id: int
    platform: str
    account_key: str
    handle: str | None
    display_name: str | None

    @property
    def label(self) -> str:
        shown = f"@{self.handle}" if self.handle else self.display_name or self.account_key
        return f"{self.platform}:{shown}"


@dataclass(frozen=True)
class Snapshot:
    record_id: int
    account_id: int | None
    platform: str
    list_kind: str
    taken_at: str | None  # UTC, archive format; None when neither export nor file said
    taken_at_source: str
    entry_count: int


@dataclass(frozen=True)
class Entry:
    position: int
    member_key: str
    handle: str
    name: str
    url: str
    since: str | None


@dataclass(frozen=True)
class SnapshotDetail:
    snapshot: Snapshot
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Comparison:
    older: Snapshot
    newer: Snapshot
    added: tuple[Entry, ...]  # in the newer list, not the older (newer's entries)
    gone: tuple[Entry, ...]  # in the older list, not the newer (older's entries)
    kept: int


@dataclass(frozen=True)
class AccountLists:
    """An account's snapshots (oldest first) and, per list kind with two or more, the latest
    compared with the one before it."""

    account: AccountRef
    snapshots: tuple[Snapshot, ...]
    latest_changes: tuple[Comparison, ...]


_SNAPSHOT_SQL = (
    "SELECT l.record_id, l.account_id, r.platform, l.list_kind, l.taken_at, r.extra_json,"
    " l.entry_count FROM subscriber_lists l JOIN records r ON r.id = l.record_id"
)
# undated snapshots first, then by date, then in the order they were imported
_ORDER = " ORDER BY l.taken_at IS NOT NULL, l.taken_at, l.record_id"


def _snapshot(row: tuple[object, ...]) -> Snapshot:
    try:
        extra = json.loads(str(row[5] or "{}"))
    except ValueError:
        extra = {}
    source = extra.get("taken_at_source") if isinstance(extra, dict) else None
    return Snapshot(
        record_id=int(str(row[0])),
        account_id=int(str(row[1])) if row[1] is not None else None,
        platform=str(row[2]),
        list_kind=str(row[3]),
        taken_at=str(row[4]) if row[4] is not None else None,
        taken_at_source=str(source or ""),
        entry_count=int(str(row[6])),
    )


def _account(row: tuple[object, ...]) -> AccountRef:
    return AccountRef(
        id=int(str(row[0])),
        platform=str(row[1]),
        account_key=str(row[2]),
        handle=str(row[3]) if row[3] is not None else None,
        display_name=str(row[4]) if row[4] is not None else None,
    )


_ACCOUNT_SQL = "SELECT id, platform, account_key, handle, display_name FROM accounts"


def resolve_account(conn: Connection, value: str) -> AccountRef:
    """An account by its id (`12`) or as `platform:handle` (`x:milahu104`, `@` optional,
    the handle or the account key, case-insensitive)."""
    value = value.strip()
    if value.isdigit():
        row = conn.execute(text(_ACCOUNT_SQL + " WHERE id = :id"), {"id": int(value)}).first()
        if row is None:
            raise SubscriberError(f"There is no account {value}.")
        return _account(tuple(row))
    platform, sep, handle = value.partition(":")
    handle = handle.strip().lstrip("@")
    if not sep or not platform.strip() or not handle:
        raise SubscriberError(
            f"The account {value[:80]!r} must be an account id or platform:handle"
            " (for example x:cityofexample)."
        )
    rows = conn.execute(
        text(
            _ACCOUNT_SQL + " WHERE lower(platform) = lower(:p) AND (lower(handle) = lower(:h)"
            " OR lower(account_key) = lower(:h)) ORDER BY id"
        ),
        {"p": platform.strip(), "h": handle},
    ).all()
    if not rows:
        raise SubscriberError(f"There is no account {value[:80]!r} in this archive.")
    if len(rows) > 1:
        ids = ", ".join(str(r[0]) for r in rows)
        raise SubscriberError(f"{value[:80]!r} names several accounts ({ids}); give its id.")
    return _account(tuple(rows[0]))


def accounts_with_lists(conn: Connection) -> list[tuple[AccountRef, int]]:
    """Accounts that have snapshots, with how many."""
    rows = conn.execute(
        text(
            "SELECT a.id, a.platform, a.account_key, a.handle, a.display_name, count(*)"
            " FROM subscriber_lists l JOIN accounts a ON a.id = l.account_id"
            " GROUP BY a.id ORDER BY a.platform, lower(coalesce(a.handle, a.account_key))"
        )
    ).all()
    return [(_account(tuple(r[:5])), int(r[5])) for r in rows]


def list_snapshots(
    conn: Connection, account_id: int, list_kind: str | None = None
) -> list[Snapshot]:
    """The account's snapshots, oldest first (undated ones before every dated one)."""
    if list_kind is not None and list_kind not in LIST_KINDS:
        raise SubscriberError(
            f"The list kind {list_kind[:30]!r} must be one of {', '.join(LIST_KINDS)}."
        )
    where = " WHERE l.account_id = :a" + (" AND l.list_kind = :k" if list_kind else "")
    rows = conn.execute(text(_SNAPSHOT_SQL + where + _ORDER), {"a": account_id, "k": list_kind})
    return [_snapshot(tuple(r)) for r in rows]


def get_snapshot(conn: Connection, record_id: int) -> Snapshot:
    row = conn.execute(text(_SNAPSHOT_SQL + " WHERE l.record_id = :r"), {"r": record_id}).first()
    if row is None:
        raise SubscriberError(f"Record {record_id} is not a subscriber-list snapshot.")
    return _snapshot(tuple(row))


def _entries(conn: Connection, record_id: int) -> tuple[Entry, ...]:
    rows = conn.execute(
        text(
            "SELECT position, member_key, handle, name, url, since FROM subscriber_entries"
            " WHERE record_id = :r ORDER BY position"
        ),
        {"r": record_id},
    )
    return tuple(
        Entry(int(p), str(k), str(h), str(n), str(u), str(s) if s is not None else None)
        for p, k, h, n, u, s in rows
    )


def show_snapshot(conn: Connection, record_id: int) -> SnapshotDetail:
    """One snapshot with its members in the export's order."""
    return SnapshotDetail(get_snapshot(conn, record_id), _entries(conn, record_id))


def compare_snapshots(conn: Connection, older_id: int, newer_id: int) -> Comparison:
    """Members added and gone between two snapshots of the same account's same list, by
    member key. The two are put in date order whichever way they are given."""
    first, second = get_snapshot(conn, older_id), get_snapshot(conn, newer_id)
    if (first.account_id, first.platform, first.list_kind) != (
        second.account_id,
        second.platform,
        second.list_kind,
    ):
        raise SubscriberError(
            f"Records {older_id} and {newer_id} are not snapshots of the same list"
            f" ({first.platform} {first.list_kind}, {second.platform} {second.list_kind})."
        )
    if _sort_key(second) < _sort_key(first):
        first, second = second, first
    before, after = _entries(conn, first.record_id), _entries(conn, second.record_id)
    before_keys = {e.member_key for e in before}
    after_keys = {e.member_key for e in after}
    return Comparison(
        older=first,
        newer=second,
        added=tuple(e for e in after if e.member_key not in before_keys),
        gone=tuple(e for e in before if e.member_key not in after_keys),
        kept=len(before_keys & after_keys),
    )


def _sort_key(s: Snapshot) -> tuple[bool, str, int]:
    return (s.taken_at is not None, s.taken_at or "", s.record_id)


def account_overview(conn: Connection, account: AccountRef) -> AccountLists:
    """The account's snapshots and the latest change of each of its lists."""
    snapshots = list_snapshots(conn, account.id)
    changes = []
    for kind in LIST_KINDS:
        of_kind = [s for s in snapshots if s.list_kind == kind]
        # snapshots of one kind may come from several platforms only under --account
        by_platform: dict[str, list[Snapshot]] = {}
        for s in of_kind:
            by_platform.setdefault(s.platform, []).append(s)
        for group in by_platform.values():
            if len(group) >= 2:
                changes.append(compare_snapshots(conn, group[-2].record_id, group[-1].record_id))
    return AccountLists(account, tuple(snapshots), tuple(changes))

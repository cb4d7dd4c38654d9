"""The annual review of the agency's social-media use (Desert Hot Springs 389.6: "the use of
department social media ... any unauthorized or inappropriate content and the resolution of
any issues"), for one calendar year in the agency's time zone, for every account or one.

What each figure counts (the report prints these definitions too):
- activity: records by the day they were created (agency zone), per account and kind; a
  record without a creation date counts nowhere (their number is in `undated`);
- removed content: comments and replies hidden or deleted whose removal (the earlier of the
  two flags) falls in the year, by the category of their latest recorded action; those with
  no action at all are *unreasoned*, those deleted by their author are counted apart, those
  whose latest action has no category (a restoration) are *uncategorised*;
- incidents of inappropriate content: a record with at least one recorded action carrying a
  policy category is one incident, dated by the latest such action (when acted, else when
  entered) and filed under its category; its *resolution* is the record's latest action of
  any kind (hidden, deleted, reported, kept or restored);
- requests: IPRA requests received in the year (their received day) with the status each
  is in now, and the requests fulfilled in the year (a fulfilling step dated in it, whenever
  the request came in); for one account, the requests whose responsive set holds a record
  of it;
- disposal: disposal reports approved in the year (the day of their last approval step,
  still approved or since destroyed) and records destroyed in the year (tombstones). The
  tombstone of a destroyed record keeps no account, so these are agency-wide always.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import timeutil
from retention_desk.archive.ingest import KINDS
from retention_desk.archive.settings import agency_zone, load
from retention_desk.archive.store import Archive
from retention_desk.oversight import moderation as mod

REQUEST_FULFILLED = ("fulfilled", "partially_fulfilled")
# the request steps (ipra_events.kind) that fulfil a request in whole or in part
FULFILLING_STEPS = ("fulfilled", "partially_fulfilled", "partially_denied")
REQUEST_OTHER_ENDS = ("denied", "withdrawn", "forwarded", "closed")
# removal buckets besides the categories
UNREASONED = "unreasoned"
BY_AUTHOR = "by_author"
UNCATEGORISED = "uncategorised"
MIN_YEAR, MAX_YEAR = 1990, 2200

DEFINITIONS = (
    ("Activity", "records by the day they were created in the agency's time zone"),
    (
        "Removed content",
        "comments and replies hidden or deleted in the year, by the category of their latest"
        " recorded action; without any recorded action they are unreasoned",
    ),
    (
        "Incident",
        "a record with a recorded action under a policy category, dated by the latest such"
        " action; its resolution is the record's latest action",
    ),
    (
        "Requests",
        "IPRA requests received in the year, with the status each is in now; fulfilled in"
        " the year: requests with a fulfilling step (in whole or in part) dated in the year",
    ),
    (
        "Disposal",
        "disposal reports whose last approval step is in the year, and records destroyed in"
        " the year (agency-wide: a destroyed record's tombstone keeps no account)",
    ),
)


@dataclass(frozen=True)
class ActivityRow:
    account_id: int | None
    account: str
    by_kind: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@dataclass(frozen=True)
class RemovedRow:
    """Removed comments and replies of one account under one bucket: a category code, or
    `unreasoned`, `by_author`, `uncategorised` (then `category` is empty)."""

    account_id: int | None
    account: str
    bucket: str
    category: str
    label: str
    citation: str
    count: int


@dataclass(frozen=True)
class IncidentRow:
    account_id: int | None
    account: str
    category: str
    label: str
    citation: str
    resolution: str
    count: int


@dataclass(frozen=True)
class IncidentRecord:
    """One incident: the record, the day it counts on, its category and resolution."""

    record_id: int
    account: str
    on: date
    category: str
    citation: str
    resolution: str


@dataclass(frozen=True)
class RequestSummary:
    received: int
    by_status: dict[str, int]
    # requests with a fulfilling step dated in the year, whenever they were received
    fulfilled_in_year: int
    # requests whose responsive set holds the account's records (False: agency-wide)
    for_account: bool

    @property
    def fulfilled(self) -> int:
        return sum(self.by_status.get(s, 0) for s in REQUEST_FULFILLED)

    @property
    def open(self) -> int:
        ended = (*REQUEST_FULFILLED, *REQUEST_OTHER_ENDS)
        return sum(n for s, n in self.by_status.items() if s not in ended)


@dataclass(frozen=True)
class DisposalSummary:
    reports_approved: tuple[int, ...]
    records_destroyed: int
    destroyed_by_kind: dict[str, int]
    destruction_reports: tuple[int, ...]


@dataclass(frozen=True)
class AnnualReview:
    year: int
    account_id: int | None
    account: str  # empty: every account
    agency_name: str
    time_zone: str
    generated_at: str
    activity: list[ActivityRow]
    totals: dict[str, int]
    undated: int
    removed: list[RemovedRow]
    incidents: list[IncidentRow]
    requests: RequestSummary
    disposal: DisposalSummary
    notes: list[str] = field(default_factory=list)
    incident_records: list[IncidentRecord] = field(default_factory=list)

    @property
    def removed_total(self) -> int:
        return sum(r.count for r in self.removed)

    def removed_in(self, bucket: str) -> int:
        return sum(r.count for r in self.removed if r.bucket == bucket)

    def removed_by_category(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for r in self.removed:
            out[r.category or r.bucket] += r.count
        return dict(out)

    @property
    def incidents_total(self) -> int:
        return sum(r.count for r in self.incidents)

    def incidents_by_resolution(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for r in self.incidents:
            out[r.resolution] += r.count
        return dict(out)


class AnnualReviewError(mod.ModerationError):
    """An annual review that cannot be made (a sentence for the user)."""


def annual_review(archive: Archive, year: int, account: str | None = None) -> AnnualReview:
    """The 389.6 review for `year` (calendar year in the agency's zone), of every account or
    of the one `account` names (see moderation.find_account)."""
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise AnnualReviewError(f"The year {year} is not between {MIN_YEAR} and {MAX_YEAR}.")
    year = int(year)
    cats = {c.code: c for c in mod.categories(archive)}
    with archive.read() as conn:
        account_id, label = mod.find_account(conn, account) if account else (None, "")
        zone, zone_problem = agency_zone(conn)
        settings = load(conn)
        activity, undated = _activity(conn, year, account_id)
        entries = mod.entries_in(conn, account_id=account_id)
        removed = _removed(entries, year, cats)
        incidents, incident_records = _incidents(conn, year, account_id, zone, cats)
        requests = _requests(conn, year, account_id)
        disposal = _disposal(conn, year, zone)
    totals = {k: sum(r.by_kind.get(k, 0) for r in activity) for k in KINDS}
    notes = [f"{term}: {text}." for term, text in DEFINITIONS]
    if zone_problem:
        notes.append(zone_problem[0].upper() + zone_problem[1:] + ".")
    unknown = sorted({r.category for r in removed if r.category and r.category not in cats})
    if unknown:
        notes.append(
            "Categories recorded that no applying policy lists now: " + ", ".join(unknown) + "."
        )
    return AnnualReview(
        year=year,
        account_id=account_id,
        account=label,
        agency_name=settings.agency_name,
        time_zone=str(zone.key),
        generated_at=timeutil.now_db(),
        activity=activity,
        totals=totals,
        undated=undated,
        removed=removed,
        incidents=incidents,
        requests=requests,
        disposal=disposal,
        notes=notes,
        incident_records=incident_records,
    )


def _accounts(conn: Connection) -> dict[int, str]:
    return {
        int(r[0]): mod.account_label(r[1], r[2], r[3], r[4])
        for r in conn.exec_driver_sql(
            "SELECT id, platform, handle, display_name, account_key FROM accounts"
        )
    }


def _activity(conn: Connection, year: int, account_id: int | None) -> tuple[list[ActivityRow], int]:
    zone, _ = agency_zone(conn)
    start, end = mod.year_bounds(year, zone)
    where, args = "created_at >= ? AND created_at < ?", [start, end]
    undated_where, undated_args = "created_at IS NULL", []
    if account_id is not None:
        where += " AND account_id = ?"
        args.append(account_id)
        undated_where += " AND account_id = ?"
        undated_args.append(account_id)
    counts: dict[int | None, dict[str, int]] = {}
    for acc, kind, n in conn.exec_driver_sql(
        f"SELECT account_id, kind, count(*) FROM records WHERE {where} GROUP BY account_id, kind",
        tuple(args),
    ):
        row = counts.setdefault(acc, dict.fromkeys(KINDS, 0))
        row[str(kind)] = row.get(str(kind), 0) + int(n)
    names = _accounts(conn)
    rows = [
        ActivityRow(acc, names.get(acc, "") if acc is not None else "(no account)", by_kind)
        for acc, by_kind in counts.items()
    ]
    rows.sort(key=lambda r: (r.account_id is None, r.account.lower()))
    undated = int(
        conn.exec_driver_sql(
            f"SELECT count(*) FROM records WHERE {undated_where}", tuple(undated_args)
        ).scalar_one()
    )
    return rows, undated


def _describe(cats: dict[str, Any], code: str) -> tuple[str, str]:
    cat = cats.get(code)
    return (str(cat.label), str(cat.citation)) if cat is not None else ("", "")


def _removed(
    entries: list[mod.ModerationEntry], year: int, cats: dict[str, Any]
) -> list[RemovedRow]:
    counts: Counter[tuple[int | None, str, str, str]] = Counter()
    for e in entries:
        if not e.removed or e.on is None or e.on.year != year:
            continue
        if e.category:
            bucket = e.category
        elif e.unreasoned:
            bucket = UNREASONED
        elif e.by_author:
            bucket = BY_AUTHOR
        else:
            bucket = UNCATEGORISED
        counts[(e.account_id, e.account, bucket, e.category)] += 1
    rows = []
    for (acc, name, bucket, code), n in counts.items():
        label, citation = _describe(cats, code) if code else ("", "")
        rows.append(RemovedRow(acc, name, bucket, code, label, citation, n))
    rows.sort(key=lambda r: (r.account.lower(), r.category == "", r.bucket))
    return rows


def _incidents(
    conn: Connection, year: int, account_id: int | None, zone: Any, cats: dict[str, Any]
) -> tuple[list[IncidentRow], list[IncidentRecord]]:
    names = _accounts(conn)
    # per record: the latest categorised action and the latest action of any kind
    sql = (
        "SELECT r.id, r.account_id, c.category, coalesce(c.acted_at, c.entered_at), l.action"
        " FROM records r"
        " JOIN moderation_actions c ON c.id = (SELECT max(id) FROM moderation_actions"
        "  WHERE record_id = r.id AND category != '')"
        " JOIN moderation_actions l ON l.id = (SELECT max(id) FROM moderation_actions"
        "  WHERE record_id = r.id)"
    )
    args: tuple[Any, ...] = ()
    if account_id is not None:
        sql += " WHERE r.account_id = ?"
        args = (account_id,)
    counts: Counter[tuple[int | None, str, str]] = Counter()
    records: list[IncidentRecord] = []
    for rid, acc, code, when, resolution in conn.exec_driver_sql(sql, args):
        day = _local(when, zone)
        if day is not None and day.year == year:
            counts[(acc, str(code), str(resolution))] += 1
            name = names.get(acc, "") if acc is not None else "(no account)"
            citation = _describe(cats, str(code))[1]
            records.append(
                IncidentRecord(int(rid), name, day, str(code), citation, str(resolution))
            )
    records.sort(key=lambda r: (r.on, r.record_id))
    rows = []
    for (acc, code, resolution), n in counts.items():
        label, citation = _describe(cats, code)
        name = names.get(acc, "") if acc is not None else "(no account)"
        rows.append(IncidentRow(acc, name, code, label, citation, resolution, n))
    rows.sort(key=lambda r: (r.account.lower(), r.category, r.resolution))
    return rows, records


def _local(value: str | None, zone: Any) -> date | None:
    when = timeutil.from_db(value)
    return when.astimezone(zone).date() if when else None


def _requests(conn: Connection, year: int, account_id: int | None) -> RequestSummary:
    scope, scope_args = "", []
    if account_id is not None:
        scope = (
            " AND q.id IN (SELECT rr.request_id FROM ipra_request_records rr"
            " JOIN records r ON r.id = rr.record_id"
            " WHERE rr.removed_at IS NULL AND r.account_id = ?)"
        )
        scope_args.append(account_id)
    by_status = {
        str(s): int(n)
        for s, n in conn.exec_driver_sql(
            "SELECT q.status, count(*) FROM ipra_requests q WHERE q.received_on LIKE ?"
            + scope
            + " GROUP BY q.status",
            (f"{year:04d}-%", *scope_args),
        )
    }
    marks = ",".join("?" for _ in FULFILLING_STEPS)
    fulfilled = int(
        conn.exec_driver_sql(
            "SELECT count(DISTINCT q.id) FROM ipra_requests q JOIN ipra_events e"
            f" ON e.request_id = q.id WHERE e.kind IN ({marks}) AND e.on_date LIKE ?" + scope,
            (*FULFILLING_STEPS, f"{year:04d}-%", *scope_args),
        ).scalar_one()
    )
    return RequestSummary(sum(by_status.values()), by_status, fulfilled, account_id is not None)


def _disposal(conn: Connection, year: int, zone: Any) -> DisposalSummary:
    approved: list[int] = []
    for rid, status_at in conn.exec_driver_sql(
        "SELECT id, status_at FROM disposal_reports"
        " WHERE status IN ('approved', 'destroying', 'destroyed') ORDER BY id"
    ):
        days = [
            date.fromisoformat(d) if d else _local(at, zone)
            for d, at in conn.exec_driver_sql(
                "SELECT decided_on, recorded_at FROM disposal_approvals WHERE report_id = ?",
                (int(rid),),
            )
        ]
        known = [d for d in days if d is not None]
        day = max(known) if known else _local(status_at, zone)
        if day is not None and day.year == year:
            approved.append(int(rid))
    start, end = mod.year_bounds(year, zone)
    by_kind: dict[str, int] = {}
    reports: set[int] = set()
    for kind, report_id, n in conn.exec_driver_sql(
        "SELECT kind, report_id, count(*) FROM record_tombstones"
        " WHERE destroyed_at >= ? AND destroyed_at < ? GROUP BY kind, report_id",
        (start, end),
    ):
        by_kind[str(kind)] = by_kind.get(str(kind), 0) + int(n)
        reports.add(int(report_id))
    return DisposalSummary(tuple(approved), sum(by_kind.values()), by_kind, tuple(sorted(reports)))

"""The request log: logging a request, its timeline of letters and decisions, and reading it
back with its clocks.

Every step that answers a requester (`acknowledge`, `mark_burdensome`, `deny`, `fulfil`,
`forward`, `withdraw`, `close`) is an event with the day it happened and how it was delivered;
the clocks (clocks.py) read the events, so recording the letter stops the right clock. Names,
addresses and descriptions stay in the request tables; the audit rows carry the request id,
the step and counts only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from retention_desk.archive import settings as settings_mod
from retention_desk.archive import timeutil
from retention_desk.archive.store import Archive
from retention_desk.ipra import calendar as cal_mod
from retention_desk.ipra.clocks import ClockEvent, ClockFacts, ClockReport, compute_clocks
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.model import (
    FINISHED,
    METHODS,
    STATUS_WORDS,
    VIA,
    VIA_MEDIUM,
    VIA_METHOD,
    EventInfo,
    LetterInfo,
    QueryInfo,
    RequestDetail,
    Requester,
    RequestSummary,
    TimeEntry,
)
from retention_desk.ipra.rules import IpraRules, load_rules

_REQUEST_COLUMNS = (
    "id, number, received_at, received_on, via, status, requester_name, description,"
    " custodian, requester_organisation, requester_address, requester_phone, requester_email,"
    " medium, electronic_copies, advance_payment, notes, hold_id, closed_on, hold_release_on,"
    " file_destroyed_at, created_at, created_by"
)
# The event a step records, and the status it leaves the request in.
_STEP_STATUS: dict[str, str] = {
    "acknowledged": "acknowledged",
    "burdensome": "burdensome",
    "in_progress": "in_progress",
    "partially_fulfilled": "partially_fulfilled",
    "fulfilled": "fulfilled",
    "denied": "denied",
    "partially_denied": "partially_fulfilled",
    "forwarded": "forwarded",
    "withdrawn": "withdrawn",
    "closed": "closed",
}
MAX_TEXT = 20_000


def today_local(conn: Connection) -> date:
    zone, _ = settings_mod.agency_zone(conn)
    return datetime.now(zone).date()


def _parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _clean(value: str | None, what: str, limit: int = 2_000) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise IpraError(f"The {what} is over {limit:,} characters.")
    return text


def _method(method: str | None, default: str) -> str:
    chosen = (method or default).strip().lower()
    if chosen not in METHODS:
        raise IpraError(f"Delivery method {chosen!r} must be one of {', '.join(METHODS)}.")
    return chosen


# ------------------------------------------------------------------------------ reading
def _rules(rules: IpraRules | None) -> IpraRules:
    return rules if rules is not None else load_rules()


def _clock_events(events: Iterable[EventInfo]) -> tuple[ClockEvent, ...]:
    out = []
    for e in events:
        until = e.details.get("until")
        out.append(ClockEvent(e.kind, e.on_date, date.fromisoformat(until) if until else None))
    return tuple(out)


def clocks_for(
    conn: Connection,
    received_on: date,
    via: str,
    events: Sequence[EventInfo],
    today: date,
    rules: IpraRules,
    calendar: cal_mod.BusinessCalendar | None = None,
) -> ClockReport:
    if calendar is None:
        years = range(received_on.year, max(today.year, received_on.year) + 2)
        calendar = cal_mod.load_calendar(conn, years, rules)
    facts = ClockFacts(received_on, via != "oral", _clock_events(events))
    return compute_clocks(facts, calendar, today, rules)


def _flags(
    row: Any,
    events: Sequence[EventInfo],
    letters: Sequence[tuple[str, str, str]],
    report: ClockReport,
) -> tuple[str, ...]:
    flags: list[str] = []
    via = row[4]
    if via != "oral":
        missing = [
            what
            for what, value in (("name", row[6]), ("address", row[10]), ("telephone", row[11]))
            if not str(value or "").strip()
        ]
        if missing:
            flags.append(
                "The written request lacks the requester's " + ", ".join(missing) + " (14-2-8(C))."
            )
    medium = row[13]
    for e in events:
        if e.method in METHODS and METHODS[e.method] != medium and via != "oral":
            flags.append(
                f"The {e.kind.replace('_', ' ')} of {e.on_date.isoformat()} went by {e.method},"
                f" not in the request's medium ({medium}); 14-2-7(B) asks for the same medium."
            )
    for kind, sent_on, method in letters:
        if method in METHODS and METHODS[method] != medium and via != "oral":
            flags.append(
                f"The {kind} letter of {sent_on} went by {method}, not in the request's medium"
                f" ({medium}); 14-2-7(B) asks for the same medium."
            )
    flags.extend(report.warnings)
    return tuple(flags)


@dataclass
class _Related:
    """A request's events, letters and live set size, loaded for many requests at once."""

    events: dict[int, list[EventInfo]] = field(default_factory=dict)
    letters: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)
    responsive: dict[int, int] = field(default_factory=dict)


def _related(conn: Connection, ids: list[int] | None) -> _Related:
    """Events, letters and set sizes of the requests `ids` (None: all) in three queries, so
    the log costs the same few statements for 10 requests or 10,000."""
    out = _Related()
    where = "" if ids is None else f" WHERE request_id IN ({','.join(str(int(i)) for i in ids)})"
    for r in conn.exec_driver_sql(
        "SELECT request_id, id, kind, on_date, method, details_json, at, by_name"
        f" FROM ipra_events{where} ORDER BY on_date, id"
    ):
        out.events.setdefault(int(r[0]), []).append(
            EventInfo(int(r[1]), r[2], date.fromisoformat(r[3]), r[4], json.loads(r[5]), r[6], r[7])
        )
    for r in conn.exec_driver_sql(
        f"SELECT request_id, kind, sent_on, method FROM ipra_letters{where} ORDER BY id"
    ):
        out.letters.setdefault(int(r[0]), []).append((str(r[1]), str(r[2]), str(r[3])))
    live = " AND removed_at IS NULL" if where else " WHERE removed_at IS NULL"
    for rid, count in conn.exec_driver_sql(
        f"SELECT request_id, count(*) FROM ipra_request_records{where}{live} GROUP BY request_id"
    ):
        out.responsive[int(rid)] = int(count)
    return out


def _summary(
    conn: Connection,
    row: Any,
    today: date,
    rules: IpraRules,
    calendar: cal_mod.BusinessCalendar | None = None,
    related: _Related | None = None,
) -> tuple[RequestSummary, list[EventInfo]]:
    rid = int(row[0])
    if related is None:
        related = _related(conn, [rid])
    events = related.events.get(rid, [])
    received_on = date.fromisoformat(row[3])
    report = clocks_for(conn, received_on, row[4], events, today, rules, calendar)
    summary = RequestSummary(
        id=rid,
        number=row[1],
        received_at=row[2],
        received_on=received_on,
        via=row[4],
        status=row[5],
        requester_name=row[6],
        description=row[7],
        custodian=row[8],
        clocks=report,
        responsive=related.responsive.get(rid, 0),
        flags=_flags(row, events, related.letters.get(rid, []), report),
    )
    return summary, events


def request_row(conn: Connection, number: str) -> Any:
    key = number.strip()
    row = conn.exec_driver_sql(
        f"SELECT {_REQUEST_COLUMNS} FROM ipra_requests WHERE number = ?", (key,)
    ).first()
    if row is None:
        row = conn.exec_driver_sql(
            f"SELECT {_REQUEST_COLUMNS} FROM ipra_requests WHERE upper(number) = upper(?)", (key,)
        ).first()
    if row is None:
        raise IpraError(f"There is no request {number!r}.")
    return row


def _detail(conn: Connection, row: Any, today: date, rules: IpraRules) -> RequestDetail:
    summary, events = _summary(conn, row, today, rules)
    rid = summary.id
    letters = tuple(
        LetterInfo(int(r[0]), r[1], date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7])
        for r in conn.exec_driver_sql(
            "SELECT id, kind, sent_on, method, file_format, blob_sha256, at, by_name"
            " FROM ipra_letters WHERE request_id = ? ORDER BY id",
            (rid,),
        )
    )
    queries = tuple(
        QueryInfo(int(r[0]), r[1], r[2], r[3], r[4], int(r[5]))
        for r in conn.exec_driver_sql(
            "SELECT id, query, added_at, added_by, last_run_at, last_count"
            " FROM ipra_request_queries WHERE request_id = ? ORDER BY id",
            (rid,),
        )
    )
    times = tuple(
        TimeEntry(int(r[0]), date.fromisoformat(r[1]), int(r[2]), r[3], r[4])
        for r in conn.exec_driver_sql(
            "SELECT id, on_date, minutes, activity, by_name FROM ipra_time_entries"
            " WHERE request_id = ? ORDER BY on_date, id",
            (rid,),
        )
    )
    return RequestDetail(
        summary=summary,
        requester=Requester(row[6], row[9], row[10], row[11], row[12]),
        medium=row[13],
        electronic_copies=bool(row[14]),
        advance_payment=bool(row[15]),
        notes=row[16],
        hold_id=row[17],
        closed_on=_parse_day(row[18]),
        hold_release_on=_parse_day(row[19]),
        file_destroyed_at=row[20],
        created_at=row[21],
        created_by=row[22],
        events=tuple(events),
        letters=letters,
        queries=queries,
        time_entries=times,
    )


def get_request(
    archive: Archive, number: str, *, today: date | None = None, rules: IpraRules | None = None
) -> RequestDetail:
    with archive.read() as conn:
        return _detail(conn, request_row(conn, number), today or today_local(conn), _rules(rules))


def list_requests(
    archive: Archive,
    *,
    open_only: bool = False,
    today: date | None = None,
    rules: IpraRules | None = None,
) -> list[RequestSummary]:
    """Every request (or those not finished), newest first, each with its clocks."""
    where = (
        " WHERE status NOT IN (" + ",".join(f"'{s}'" for s in FINISHED) + ")" if open_only else ""
    )
    with archive.read() as conn:
        day = today or today_local(conn)
        chosen = _rules(rules)
        rows = conn.exec_driver_sql(
            f"SELECT {_REQUEST_COLUMNS} FROM ipra_requests{where} ORDER BY received_at DESC, id"
            " DESC"
        ).all()
        if not rows:
            return []
        # one calendar for the whole log: building a year's holidays is the costly part
        first = min(date.fromisoformat(r[3]).year for r in rows)
        calendar = cal_mod.load_calendar(conn, range(first, max(day.year, first) + 2), chosen)
        related = _related(conn, None if not open_only else [int(r[0]) for r in rows])
        return [_summary(conn, row, day, chosen, calendar, related)[0] for row in rows]


# ------------------------------------------------------------------------------ writing
def _next_number(conn: Connection, fmt: str, year: int) -> tuple[str, int]:
    seq = int(
        conn.exec_driver_sql(
            "SELECT coalesce(max(seq), 0) FROM ipra_requests WHERE year = ?", (year,)
        ).scalar_one()
    )
    while True:
        seq += 1
        number = settings_mod.request_number(fmt, year, seq)
        if number is None:
            raise IpraError(f"The request number format {fmt!r} cannot make a number.")
        taken = conn.exec_driver_sql(
            "SELECT 1 FROM ipra_requests WHERE number = ?", (number,)
        ).first()
        if taken is None:
            return number, seq


def number_format(conn: Connection, rules: IpraRules) -> str:
    return settings_mod.load(conn).request_number_format or rules.number_format


def hold_release_days(conn: Connection, rules: IpraRules) -> int:
    value = settings_mod.load(conn).request_hold_release_days
    return int(value) if value.isdigit() else rules.hold_release_days


def new_request(
    archive: Archive,
    *,
    received_at: datetime,
    via: str,
    name: str,
    description: str,
    organisation: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    electronic_copies: bool = False,
    medium: str | None = None,
    custodian: str = "",
    notes: str = "",
    rules: IpraRules | None = None,
) -> RequestDetail:
    """Log a request received by the custodian's office at `received_at` (a naive time is in
    the agency's time zone). Missing particulars of a written request are flagged, not
    refused: the clock runs from receipt whatever the request lacks."""
    chosen = _rules(rules)
    via = via.strip().lower()
    if via == "in_person":
        via = "in-person"
    if via not in VIA:
        raise IpraError(f"How the request came ({via!r}) must be one of {', '.join(VIA)}.")
    description = _clean(description, "description", MAX_TEXT)
    if not description:
        raise IpraError("A request needs the description of the records as the requester wrote it.")
    medium = (medium or VIA_MEDIUM[via]).strip().lower()
    if medium not in ("paper", "electronic"):
        raise IpraError(f"Medium {medium!r} must be paper or electronic.")
    with archive.write() as conn:
        zone, _ = settings_mod.agency_zone(conn)
        when = received_at if received_at.tzinfo else received_at.replace(tzinfo=zone)
        if when > timeutil.utcnow() + timedelta(minutes=5):
            raise IpraError(
                f"The received time {when.astimezone(zone):%Y-%m-%d %H:%M} is in the future."
            )
        received_on = when.astimezone(zone).date()
        number, seq = _next_number(conn, number_format(conn, chosen), received_on.year)
        settings = settings_mod.load(conn)
        result = conn.exec_driver_sql(
            "INSERT INTO ipra_requests (number, year, seq, received_at, received_on, via, medium,"
            " requester_name, requester_organisation, requester_address, requester_phone,"
            " requester_email, description, electronic_copies, custodian, status, notes,"
            " advance_payment, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, 0, ?, ?)",
            (
                number,
                received_on.year,
                seq,
                timeutil.to_db(when),
                received_on.isoformat(),
                via,
                medium,
                _clean(name, "requester's name", 500),
                _clean(organisation, "organisation", 500),
                _clean(address, "address"),
                _clean(phone, "telephone number", 100),
                _clean(email, "e-mail address", 500),
                description,
                1 if electronic_copies else 0,
                _clean(custodian, "custodian's name", 500) or settings.custodian_name,
                _clean(notes, "notes", MAX_TEXT),
                timeutil.now_db(),
                archive.operator(conn),
            ),
        )
        rid = int(result.lastrowid or 0)
        archive.audit(
            conn,
            action="ipra.request_new",
            object_type="ipra_request",
            object_ids=[rid],
            # number, day 0 and how it came are not names; verify checks the row against them
            details={
                "request": rid,
                "number": number,
                "via": via,
                "written": via != "oral",
                "received_on": received_on.isoformat(),
            },
        )
        return _detail(conn, request_row(conn, number), today_local(conn), chosen)


def check_open(row: Any) -> None:
    if row[5] in FINISHED:
        raise IpraError(f"Request {row[1]} is {STATUS_WORDS[row[5]].lower()}; it cannot change.")


def record_step(
    archive: Archive,
    number: str,
    kind: str,
    *,
    on: date | None = None,
    method: str | None = None,
    details: dict[str, Any] | None = None,
    rules: IpraRules | None = None,
) -> RequestDetail:
    """Record one step of the request (a letter sent, a decision) and the status it leaves.
    `on` is the day it happened (default today); it cannot precede the receipt or be later
    than today."""
    if kind not in _STEP_STATUS:
        raise IpraError(f"Unknown step {kind!r}.")
    chosen = _rules(rules)
    with archive.write() as conn:
        row = request_row(conn, number)
        check_open(row)
        today = today_local(conn)
        day = on or today
        received_on = date.fromisoformat(row[3])
        if day < received_on:
            raise IpraError(
                f"{row[1]} was received on {received_on.isoformat()}; a step cannot be dated"
                f" {day.isoformat()}."
            )
        if day > today:
            raise IpraError(f"The date {day.isoformat()} is in the future.")
        chosen_method = _method(method, VIA_METHOD[row[4]])
        rid = int(row[0])
        event = conn.exec_driver_sql(
            "INSERT INTO ipra_events (request_id, kind, on_date, method, details_json, at,"
            " by_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                rid,
                kind,
                day.isoformat(),
                chosen_method,
                json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
                timeutil.now_db(),
                archive.operator(conn),
            ),
        )
        status = _STEP_STATUS[kind]
        closing = kind in ("closed", "withdrawn", "forwarded")
        release_on = None
        if closing:
            release_on = (day + timedelta(days=hold_release_days(conn, chosen))).isoformat()
        conn.exec_driver_sql(
            "UPDATE ipra_requests SET status = ?, closed_on = CASE WHEN ? THEN ? ELSE closed_on"
            " END, hold_release_on = CASE WHEN ? THEN ? ELSE hold_release_on END WHERE id = ?",
            (status, closing, day.isoformat(), closing, release_on, rid),
        )
        archive.audit(
            conn,
            action="ipra.request_step",
            object_type="ipra_request",
            object_ids=[rid],
            # the day is in the chained row so verify can tell a step re-dated afterwards
            details={
                "request": rid,
                "step": kind,
                "method": chosen_method,
                "event": int(event.lastrowid or 0),
                "on": day.isoformat(),
            },
        )
        if closing:
            _release_due(conn, archive, today, [rid])
        return _detail(conn, request_row(conn, row[1]), today, chosen)


def acknowledge(
    archive: Archive,
    number: str,
    *,
    available_on: date | None = None,
    on: date | None = None,
    method: str | None = None,
) -> RequestDetail:
    """The three-day letter (14-2-8(D)): when the records will be available, or when the body
    will respond. It stops the three-day clock, not the fifteen-day one."""
    details = {"available_on": available_on.isoformat()} if available_on else {}
    return record_step(archive, number, "acknowledged", on=on, method=method, details=details)


def mark_burdensome(
    archive: Archive,
    number: str,
    *,
    until: date,
    on: date | None = None,
    method: str | None = None,
    reason: str = "",
) -> RequestDetail:
    """The written notice that the request is excessively burdensome or broad (14-2-10), with
    the date by which the records will be ready (the additional time needed)."""
    day = on
    if day is not None and until <= day:
        raise IpraError("The additional time must end after the notice is sent.")
    details = {"until": until.isoformat(), "reason": _clean(reason, "reason")}
    return record_step(archive, number, "burdensome", on=on, method=method, details=details)


def deny(
    archive: Archive,
    number: str,
    *,
    responsible: Sequence[tuple[str, str]],
    exceptions: Sequence[str] = (),
    records_description: str = "",
    partial: bool = False,
    on: date | None = None,
    method: str | None = None,
) -> RequestDetail:
    """The written denial (14-2-11(B)): it must give the name and title or position of each
    person responsible; refused without them."""
    people = [(n.strip(), t.strip()) for n, t in responsible]
    if not people or any(not n or not t for n, t in people):
        raise IpraError(
            "A denial must give the name and title or position of each person responsible for"
            f" it (NMSA 1978 14-2-11(B)); {number} has "
            + ("none." if not people else "one without a name or title.")
        )
    details = {
        "responsible": [{"name": n, "title": t} for n, t in people],
        "exceptions": [e.strip() for e in exceptions if e.strip()],
        "records_description": _clean(records_description, "description of the records"),
    }
    kind = "partially_denied" if partial else "denied"
    return record_step(archive, number, kind, on=on, method=method, details=details)


def fulfil(
    archive: Archive,
    number: str,
    *,
    partial: bool = False,
    on: date | None = None,
    method: str | None = None,
    note: str = "",
) -> RequestDetail:
    """The records were made available (inspection permitted or copies provided)."""
    kind = "partially_fulfilled" if partial else "fulfilled"
    details = {"note": _clean(note, "note")} if note.strip() else {}
    return record_step(archive, number, kind, on=on, method=method, details=details)


def forward(
    archive: Archive,
    number: str,
    *,
    to_name: str,
    to_address: str,
    reason: str,
    location: str = "",
    on: date | None = None,
    method: str | None = None,
) -> RequestDetail:
    """A request that reached the wrong office, forwarded to the custodian who holds the
    records; the requester is told why, where the records are and the custodian's name and
    address (14-2-8(E))."""
    if not to_name.strip() or not to_address.strip():
        raise IpraError(
            f"Forwarding {number} needs the receiving custodian's name and address (14-2-8(E))."
        )
    if not reason.strip():
        raise IpraError(f"Forwarding {number} needs the reason it was sent on (14-2-8(E)).")
    details = {
        "to_name": _clean(to_name, "custodian's name", 500),
        "to_address": _clean(to_address, "address"),
        "reason": _clean(reason, "reason"),
        "location": _clean(location, "records' location"),
    }
    return record_step(archive, number, "forwarded", on=on, method=method, details=details)


def withdraw(
    archive: Archive, number: str, *, on: date | None = None, note: str = ""
) -> RequestDetail:
    details = {"note": _clean(note, "note")} if note.strip() else {}
    return record_step(archive, number, "withdrawn", on=on, method="hand", details=details)


def close(
    archive: Archive, number: str, *, on: date | None = None, note: str = ""
) -> RequestDetail:
    """Close the request; its hold is released `request_hold_release_days` later."""
    details = {"note": _clean(note, "note")} if note.strip() else {}
    return record_step(archive, number, "closed", on=on, method="hand", details=details)


def start_work(archive: Archive, number: str, *, on: date | None = None) -> RequestDetail:
    return record_step(archive, number, "in_progress", on=on, method="hand")


_EDITABLE = {
    "requester_name": 500,
    "requester_organisation": 500,
    "requester_address": 2_000,
    "requester_phone": 100,
    "requester_email": 500,
    "description": MAX_TEXT,
    "custodian": 500,
    "notes": MAX_TEXT,
}


def update_request(archive: Archive, number: str, **changes: Any) -> RequestDetail:
    """Change the requester's particulars, description, custodian, notes, medium or the
    electronic-copies and advance-payment flags (audited by field name, never value)."""
    sets: dict[str, Any] = {}
    for key, value in changes.items():
        if key in _EDITABLE:
            sets[key] = _clean(str(value), key.replace("_", " "), _EDITABLE[key])
        elif key in ("electronic_copies", "advance_payment"):
            sets[key] = 1 if value else 0
        elif key == "medium":
            if value not in ("paper", "electronic"):
                raise IpraError(f"Medium {value!r} must be paper or electronic.")
            sets[key] = value
        else:
            raise IpraError(f"{key!r} cannot be changed on a request.")
    if "description" in sets and not sets["description"]:
        raise IpraError("A request needs the description of the records.")
    with archive.write() as conn:
        row = request_row(conn, number)
        if sets:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.exec_driver_sql(
                f"UPDATE ipra_requests SET {assignments} WHERE id = ?",
                (*sets.values(), int(row[0])),
            )
            archive.audit(
                conn,
                action="ipra.request_update",
                object_type="ipra_request",
                object_ids=[int(row[0])],
                details={"request": int(row[0]), "fields": sorted(sets)},
            )
        return _detail(conn, request_row(conn, row[1]), today_local(conn), load_rules())


def log_time(
    archive: Archive, number: str, *, minutes: int, activity: str, on: date | None = None
) -> RequestDetail:
    if not 0 < minutes <= 24 * 60:
        raise IpraError("Time spent must be between 1 minute and 24 hours.")
    with archive.write() as conn:
        row = request_row(conn, number)
        day = on or today_local(conn)
        conn.exec_driver_sql(
            "INSERT INTO ipra_time_entries (request_id, on_date, minutes, activity, at, by_name)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                int(row[0]),
                day.isoformat(),
                int(minutes),
                _clean(activity, "activity"),
                timeutil.now_db(),
                archive.operator(conn),
            ),
        )
        archive.audit(
            conn,
            action="ipra.time_log",
            object_type="ipra_request",
            object_ids=[int(row[0])],
            details={"request": int(row[0]), "minutes": int(minutes)},
        )
        return _detail(conn, request_row(conn, row[1]), today_local(conn), load_rules())


# ------------------------------------------------------------------------------ holds
def _release_due(conn: Connection, archive: Archive, today: date, ids: Iterable[int] = ()) -> int:
    from retention_desk.retention.holds import release_in

    only = list(ids)
    where = f" AND id IN ({','.join(str(int(i)) for i in only)})" if only else ""
    rows = conn.exec_driver_sql(
        "SELECT id, hold_id FROM ipra_requests WHERE hold_id IS NOT NULL"
        " AND hold_release_on IS NOT NULL AND hold_release_on <= ?" + where,
        (today.isoformat(),),
    ).all()
    released = 0
    for rid, hold_id in rows:
        if release_in(conn, archive, int(hold_id), f"IPRA request {int(rid)} closed"):
            released += 1
    return released


def release_due_holds(archive: Archive, today: date | None = None) -> int:
    """Release the holds of requests closed at least the agency's period ago; returns how
    many were released. Run by the request commands and the Requests page."""
    with archive.read() as conn:
        day = today or today_local(conn)
        pending = conn.exec_driver_sql(
            "SELECT 1 FROM ipra_requests r JOIN holds h ON h.id = r.hold_id"
            " WHERE h.released_at IS NULL AND r.hold_release_on <= ? LIMIT 1",
            (day.isoformat(),),
        ).first()
    if pending is None:
        return 0  # no write transaction (and no audit row) when there is nothing to do
    with archive.write() as conn:
        return _release_due(conn, archive, day)


def open_request_count(archive: Archive) -> int:
    """Requests not finished: destruction warns while any is open (records responsive to it
    may not be in its set yet)."""
    with archive.read() as conn:
        present = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ipra_requests'"
        ).first()
        if present is None:
            return 0
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM ipra_requests WHERE status NOT IN ("
                + ",".join(f"'{s}'" for s in FINISHED)
                + ")"
            ).scalar_one()
        )

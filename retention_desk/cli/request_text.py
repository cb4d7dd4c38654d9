"""How the `request` command prints requests, clocks and sets (text and JSON).

Requesters' names, descriptions and notes are whatever someone typed: printed through
`retention_text.text` (one visible line, control characters shown, never obeyed).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from retention_desk.archive.errors import ArchiveError
from retention_desk.cli import CliError
from retention_desk.cli.retention_text import quoted, text
from retention_desk.ipra.clocks import Clock, ClockReport
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.fees import dollars
from retention_desk.ipra.model import STATE_WORDS, STATUS_WORDS, RequestDetail, RequestSummary
from retention_desk.retention.errors import RetentionError
from retention_desk.safetext import printable

UNVERIFIED = "UNVERIFIED"


@contextmanager
def desk_errors() -> Iterator[None]:
    try:
        yield
    except (IpraError, RetentionError) as exc:
        raise CliError(printable(exc)) from None


def parse_when(value: str) -> datetime:
    """'2026-03-02 09:15', '2026-03-02T09:15-07:00' or a date alone (midnight); a time
    without an offset is in the agency's time zone."""
    raw = value.strip()
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise CliError(
            f"received time {quoted(value)} is not a date and time; write it as"
            " YYYY-MM-DD HH:MM (the agency's time zone) or with an offset."
        ) from None


def day_or_none(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"{what} {quoted(value)} is not a date; write it as YYYY-MM-DD.") from None


def clock_json(clock: Clock) -> dict[str, Any]:
    return {
        "key": clock.key,
        "label": clock.label,
        "due": clock.due.isoformat() if clock.due else None,
        "state": clock.state,
        "done_on": clock.done_on.isoformat() if clock.done_on else None,
        "citation": clock.citation,
        "verified": clock.verified,
        "warning": clock.warning,
    }


def summary_json(s: RequestSummary) -> dict[str, Any]:
    report: ClockReport = s.clocks
    return {
        "number": s.number,
        "received_at": s.received_at,
        "received_on": s.received_on.isoformat(),
        "via": s.via,
        "status": s.status,
        "requester": s.requester_name,
        "description": s.description,
        "custodian": s.custodian,
        "due": report.next_due.isoformat() if report.next_due else None,
        "state": report.state,
        "exposure": report.exposure_cents / 100,
        "exposure_days": report.exposure_days,
        "responsive": s.responsive,
        "clocks": [clock_json(c) for c in report.clocks],
        "flags": list(s.flags),
    }


def detail_json(d: RequestDetail) -> dict[str, Any]:
    out = summary_json(d.summary)
    out.update(
        {
            "requester": {
                "name": d.requester.name,
                "organisation": d.requester.organisation,
                "address": d.requester.address,
                "phone": d.requester.phone,
                "email": d.requester.email,
            },
            "medium": d.medium,
            "electronic_copies": d.electronic_copies,
            "advance_payment": d.advance_payment,
            "notes": d.notes,
            "hold_id": d.hold_id,
            "closed_on": d.closed_on.isoformat() if d.closed_on else None,
            "hold_release_on": d.hold_release_on.isoformat() if d.hold_release_on else None,
            "events": [
                {
                    "kind": e.kind,
                    "on": e.on_date.isoformat(),
                    "method": e.method,
                    "details": e.details,
                    "by": e.by,
                }
                for e in d.events
            ],
            "letters": [
                {
                    "id": lt.id,
                    "kind": lt.kind,
                    "sent_on": lt.sent_on.isoformat(),
                    "method": lt.method,
                    "format": lt.file_format,
                    "sha256": lt.sha256,
                }
                for lt in d.letters
            ],
            "queries": [{"id": q.id, "query": q.query, "count": q.last_count} for q in d.queries],
            "minutes": d.minutes,
        }
    )
    return out


def state_words(report: ClockReport) -> str:
    words = STATE_WORDS.get(report.state, report.state)
    if report.exposure_cents:
        words += f", exposure up to {dollars(report.exposure_cents)}"
    return words


def list_line(s: RequestSummary) -> str:
    due = s.clocks.next_due.isoformat() if s.clocks.next_due else "-"
    return (
        f"{s.number:<16} {s.received_on.isoformat()}  {s.via:<9} {STATUS_WORDS[s.status]:<20}"
        f" due {due:<10}  {state_words(s.clocks)}  {text(s.requester_name or '(no name)')}"
    )


def clock_line(c: Clock) -> str:
    due = c.due.isoformat() if c.due else "-"
    verified = "" if c.verified else f" ({UNVERIFIED})"
    line = f"  {c.label:<40} due {due:<10} {c.state:<14} {c.citation}{verified}"
    if c.done_on:
        line += f"  [done {c.done_on.isoformat()}]"
    if c.warning:
        line += f"\n    ! {text(c.warning)}"
    return line


def detail_lines(d: RequestDetail) -> list[str]:
    s = d.summary
    r = d.requester
    lines = [
        f"{s.number}  {STATUS_WORDS[s.status]}  ({state_words(s.clocks)})",
        f"Received   {s.received_on.isoformat()} (day 0; {s.received_at} UTC) via {s.via},"
        f" answer medium {d.medium}",
        f"Requester  {text(r.name or '(no name)')}"
        + (f", {text(r.organisation)}" if r.organisation else ""),
        f"Address    {text(r.address) or '-'}",
        f"Telephone  {text(r.phone) or '-'}   E-mail {text(r.email) or '-'}",
        f"Request    {text(s.description)}",
        f"Electronic copies asked for: {'yes' if d.electronic_copies else 'no'}"
        f"   Custodian: {text(s.custodian) or '-'}",
        f"Responsive records: {s.responsive:,}"
        + (f" (hold {d.hold_id})" if d.hold_id else "")
        + (f"; hold released on {d.hold_release_on}" if d.hold_release_on else ""),
        "Clocks:",
        *(clock_line(c) for c in s.clocks.clocks),
    ]
    if d.events:
        lines.append("Timeline:")
        for e in d.events:
            extra = ", ".join(
                f"{k}: {text(v)}" for k, v in sorted(e.details.items()) if v not in ("", [], None)
            )
            lines.append(
                f"  {e.on_date.isoformat()}  {e.kind:<20} by {e.method:<6}"
                + (f"  {extra}" if extra else "")
            )
    if d.letters:
        lines.append("Letters:")
        lines.extend(
            f"  #{lt.id} {lt.kind:<15} sent {lt.sent_on.isoformat()} by {lt.method}"
            f" ({lt.file_format})"
            for lt in d.letters
        )
    if d.queries:
        lines.append("Saved searches:")
        lines.extend(f"  #{q.id} {quoted(q.query)} ({q.last_count:,} found)" for q in d.queries)
    if d.time_entries:
        lines.append(f"Time logged: {d.minutes} minutes")
    if s.flags:
        lines.append("Flags:")
        lines.extend(f"  ! {text(f)}" for f in s.flags)
    if d.notes:
        lines.append(f"Notes: {text(d.notes)}")
    return lines


def archive_errors() -> tuple[type[Exception], ...]:
    return (ArchiveError,)


def add_step_options(p: argparse.ArgumentParser, method: bool = True) -> None:
    p.add_argument("number", metavar="NUMBER", help="the request number, e.g. IPRA-2026-0001")
    p.add_argument("--on", metavar="DATE", help="the day it happened (default today)")
    if method:
        p.add_argument(
            "--method",
            metavar="M",
            help="how it was delivered: email, web, mail, hand, fax (default: the request's)",
        )
    p.add_argument("--json", action="store_true", help="machine-readable output")

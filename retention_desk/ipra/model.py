"""Plain data the request desk returns to the CLI and the GUI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from retention_desk.archive.models_ipra import REQUEST_STATUSES, REQUEST_VIA
from retention_desk.ipra.clocks import ClockReport

STATUSES = REQUEST_STATUSES
VIA = REQUEST_VIA
# A request ends in one of these; nothing but a note or a letter changes it afterwards.
FINISHED = ("withdrawn", "forwarded", "closed")
# How a letter or answer was delivered, and the medium (14-2-7(B)) each method is.
METHODS: dict[str, str] = {
    "email": "electronic",
    "web": "electronic",
    "mail": "paper",
    "hand": "paper",
    "fax": "paper",
}
METHOD_WORDS: dict[str, str] = {
    "email": "e-mail",
    "web": "the agency's web portal",
    "mail": "U.S. mail",
    "hand": "hand delivery",
    "fax": "fax",
}
# The medium a request arrived in decides the medium of the answer (14-2-7(B)); a fax arrives
# on paper. Oral requests have no statutory answer (14-2-8(A)).
VIA_MEDIUM: dict[str, str] = {
    "written": "paper",
    "email": "electronic",
    "fax": "paper",
    "web": "electronic",
    "in-person": "paper",
    "oral": "paper",
}
VIA_METHOD: dict[str, str] = {
    "written": "mail",
    "email": "email",
    "fax": "fax",
    "web": "email",
    "in-person": "hand",
    "oral": "hand",
}
STATUS_WORDS: dict[str, str] = {
    "received": "Received",
    "acknowledged": "Acknowledged",
    "burdensome": "Burdensome",
    "in_progress": "In progress",
    "partially_fulfilled": "Partially fulfilled",
    "fulfilled": "Fulfilled",
    "denied": "Denied",
    "withdrawn": "Withdrawn",
    "forwarded": "Forwarded",
    "closed": "Closed",
}
STATE_WORDS: dict[str, str] = {
    "deemed_denied": "Deemed denied",
    "overdue": "Overdue",
    "due_today": "Due today",
    "due_soon": "Due soon",
    "on_time": "On time",
    "done": "Done",
    "no_clock": "No clock (oral)",
}
# Sort order of the overall clock state: most urgent first.
STATE_ORDER = ("deemed_denied", "overdue", "due_today", "due_soon", "on_time", "no_clock", "done")


@dataclass(frozen=True)
class Requester:
    name: str
    organisation: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class RequestSummary:
    """One line of the request log."""

    id: int
    number: str
    received_at: str  # UTC, as stored
    received_on: date  # day 0, the agency's date
    via: str
    status: str
    requester_name: str
    description: str
    custodian: str
    clocks: ClockReport
    responsive: int
    flags: tuple[str, ...]

    @property
    def state(self) -> str:
        return self.clocks.state

    @property
    def due(self) -> date | None:
        return self.clocks.next_due


@dataclass(frozen=True)
class EventInfo:
    id: int
    kind: str
    on_date: date
    method: str
    details: dict[str, Any]
    at: str
    by: str


@dataclass(frozen=True)
class LetterInfo:
    id: int
    kind: str
    sent_on: date
    method: str
    file_format: str
    sha256: str | None
    at: str
    by: str


@dataclass(frozen=True)
class QueryInfo:
    id: int
    query: str
    added_at: str
    added_by: str
    last_run_at: str
    last_count: int


@dataclass(frozen=True)
class TimeEntry:
    id: int
    on_date: date
    minutes: int
    activity: str
    by: str


@dataclass(frozen=True)
class RequestDetail:
    """Everything the desk knows of one request."""

    summary: RequestSummary
    requester: Requester
    medium: str
    electronic_copies: bool
    advance_payment: bool
    notes: str
    hold_id: int | None
    closed_on: date | None
    hold_release_on: date | None
    file_destroyed_at: str | None
    created_at: str
    created_by: str
    events: tuple[EventInfo, ...]
    letters: tuple[LetterInfo, ...]
    queries: tuple[QueryInfo, ...]
    time_entries: tuple[TimeEntry, ...] = field(default_factory=tuple)

    @property
    def number(self) -> str:
        return self.summary.number

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.time_entries)

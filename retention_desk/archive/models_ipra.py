"""ORM models of migration 0011 (the IPRA request desk), on the archive's one `Base`.

The request file (series 1.21.2.519) lives in these tables, apart from the records: requesters'
names and addresses are never archive records, never indexed for search and never produced.
Names live here and never in the audit rows, which carry request ids and counts only.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from retention_desk.archive.models import Base

REQUEST_STATUSES = (
    "received",
    "acknowledged",
    "burdensome",
    "in_progress",
    "partially_fulfilled",
    "fulfilled",
    "denied",
    "withdrawn",
    "forwarded",
    "closed",
)
REQUEST_VIA = ("written", "email", "fax", "web", "in-person", "oral")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class IpraRequest(Base):
    """A request for inspection: who asked, how and when it reached the custodian's office
    (`received_on` is day 0 in the agency's time zone, fixed at entry so a later time-zone
    change cannot move a deadline), what was asked and where it stands."""

    __tablename__ = "ipra_requests"
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), name="ck_ipra_requests_status"),
        CheckConstraint(_in("via", REQUEST_VIA), name="ck_ipra_requests_via"),
        CheckConstraint("medium IN ('paper','electronic')", name="ck_ipra_requests_medium"),
        UniqueConstraint("number", name="uq_ipra_requests_number"),
        UniqueConstraint("year", "seq", name="uq_ipra_requests_year_seq"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[str] = mapped_column(String(27))
    received_on: Mapped[str] = mapped_column(String(10))
    via: Mapped[str] = mapped_column(String(12))
    medium: Mapped[str] = mapped_column(String(12))
    requester_name: Mapped[str] = mapped_column(Text)
    requester_organisation: Mapped[str] = mapped_column(Text)
    requester_address: Mapped[str] = mapped_column(Text)
    requester_phone: Mapped[str] = mapped_column(Text)
    requester_email: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    electronic_copies: Mapped[bool] = mapped_column(Boolean)
    custodian: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    notes: Mapped[str] = mapped_column(Text)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"))
    advance_payment: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    closed_on: Mapped[str | None] = mapped_column(String(10))
    # the day the request's hold is released (closing date + the agency's period)
    hold_release_on: Mapped[str | None] = mapped_column(String(10))
    # set when the request file was destroyed under its own schedule (1.21.2.519)
    file_destroyed_at: Mapped[str | None] = mapped_column(String(27))


class IpraEvent(Base):
    """One step of a request's timeline: a letter or decision (acknowledged, burdensome,
    denied, fulfilled, forwarded...), with the day it happened, how it was delivered and its
    particulars as JSON (responsible people, exceptions, the date records will be ready)."""

    __tablename__ = "ipra_events"
    __table_args__ = (
        Index("ix_ipra_events_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    kind: Mapped[str] = mapped_column(String(30))
    on_date: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    details_json: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(27))
    by_name: Mapped[str] = mapped_column(String(200))


class IpraLetter(Base):
    """A letter written for a request: its kind, the day it was sent and how, and the PDF and
    DOCX files as blobs, so the request file holds exactly what went out."""

    __tablename__ = "ipra_letters"
    __table_args__ = (
        Index("ix_ipra_letters_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    kind: Mapped[str] = mapped_column(String(20))
    sent_on: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    file_format: Mapped[str] = mapped_column(String(8))
    blob_sha256: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(27))
    by_name: Mapped[str] = mapped_column(String(200))


class IpraRequestQuery(Base):
    """A search saved with a request so it can be re-run to pick up later imports."""

    __tablename__ = "ipra_request_queries"
    __table_args__ = (
        Index("ix_ipra_request_queries_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    query: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String(27))
    added_by: Mapped[str] = mapped_column(String(200))
    last_run_at: Mapped[str] = mapped_column(String(27))
    last_count: Mapped[int] = mapped_column(Integer)


class IpraRequestRecord(Base):
    """A record in a request's responsive set, with the version current when it was added.
    No foreign key to records: the set's history outlives a record destroyed after the
    request closed. A removed record keeps its row with who, when and why."""

    __tablename__ = "ipra_request_records"
    __table_args__ = (
        Index("ix_ipra_request_records_record", "record_id"),
        {"sqlite_with_rowid": False},
    )

    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int | None] = mapped_column(Integer)
    added_via: Mapped[str] = mapped_column(String(12))
    query_id: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[str] = mapped_column(String(27))
    added_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[str | None] = mapped_column(String(27))
    removed_by: Mapped[str | None] = mapped_column(String(200))
    removed_reason: Mapped[str | None] = mapped_column(Text)


class IpraTimeEntry(Base):
    """Staff time spent on a request (for the log and annual reports, never for fees: 14-2-9(C)
    forbids charging for deciding what is disclosable)."""

    __tablename__ = "ipra_time_entries"
    __table_args__ = (
        Index("ix_ipra_time_entries_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    on_date: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(27))
    by_name: Mapped[str] = mapped_column(String(200))


class IpraFee(Base):
    """A fee line of a request's estimate or charge (amounts in cents)."""

    __tablename__ = "ipra_fees"
    __table_args__ = (
        CheckConstraint("kind IN ('pages','media','mailing','other')", name="ck_ipra_fees_kind"),
        Index("ix_ipra_fees_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    kind: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cents: Mapped[int] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(27))
    by_name: Mapped[str] = mapped_column(String(200))


class IpraPayment(Base):
    """A payment received for a request, with its receipt number (14-2-9(C): a receipt on
    request)."""

    __tablename__ = "ipra_payments"
    __table_args__ = (
        Index("ix_ipra_payments_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    receipt_number: Mapped[str] = mapped_column(String(60))
    at: Mapped[str] = mapped_column(String(27))
    by_name: Mapped[str] = mapped_column(String(200))


class IpraCalendarDay(Base):
    """An agency change to the business-day calendar: a closure it adds (`closed`) or a
    statutory holiday it does not observe (`open`), with who added it and when."""

    __tablename__ = "ipra_calendar_days"
    __table_args__ = (
        CheckConstraint("kind IN ('closed','open')", name="ck_ipra_calendar_days_kind"),
    )

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String(27))
    added_by: Mapped[str] = mapped_column(String(200))


class IpraCalendarConfirmation(Base):
    """The custodian's confirmation of a year's calendar, with the days confirmed: a later
    change makes the year unconfirmed again."""

    __tablename__ = "ipra_calendar_confirmations"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    days_json: Mapped[str] = mapped_column(Text)
    confirmed_at: Mapped[str] = mapped_column(String(27))
    confirmed_by: Mapped[str] = mapped_column(String(200))

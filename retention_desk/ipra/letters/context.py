"""What a letter is made from (`LetterContext`), the checks a letter must pass before it can be
produced, and the values its template's placeholders take.

The request desk builds a `LetterContext` from the request, the archive's Settings (agency
letterhead, custodian) and what the custodian typed for this letter. Everything in it except
`kind` and the dates may come from a requester or a user, so every value is cleaned here once
(`clean`) before any renderer sees it: line breaks and tabs become spaces (a value can never add
a paragraph), controls that XML or reportlab cannot carry become U+FFFD, and the bidirectional
embedding, override and isolate controls are removed, because in Word a U+202E in a requester's
name would reverse the letter's own words after it; the letters of the name stay, in the order
they were typed.

A request without a requester name (an oral or anonymous request: IPRA asks no one for a
reason, and 14-2-8(C)'s name applies to written requests only) is addressed to "Requester";
the missing name is flagged by the request log, not by refusing to answer.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from retention_desk.ipra.errors import IpraError

LETTER_KINDS = (
    "acknowledgment",
    "burdensome",
    "denial",
    "forward",
    "cover",
    "closing",
    "receipt",
)

ANONYMOUS = "Requester"

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

# embeddings, overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI): they reorder
# text beyond themselves; the plain marks (LRM, RLM, ALM) only affect their neighbours
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Person:
    """Someone responsible for a denial: 14-2-11(B) asks for the name and title or position."""

    name: str
    title: str


@dataclass(frozen=True)
class LetterContext:
    kind: str
    letter_date: date
    request_number: str
    received_on: date
    requester_name: str
    requester_organisation: str
    requester_address: str  # may hold line breaks: one line each in the address block
    requester_email: str
    description: str  # the request as written
    agency_name: str
    agency_address: str  # may hold line breaks
    agency_phone: str
    agency_email: str
    custodian_name: str
    custodian_title: str
    delivery_method: str  # "e-mail", "U.S. mail", "hand delivery"...
    available_on: date | None = None
    additional_until: date | None = None
    responsible: tuple[Person, ...] = ()
    exceptions: tuple[str, ...] = ()
    records_description: str = ""  # the records denied, when not the whole request
    forward_to_name: str = ""
    forward_to_address: str = ""
    forward_reason: str = ""
    records_location: str = ""
    files: tuple[str, ...] = ()
    bates_range: str = ""
    fee_lines: tuple[tuple[str, int], ...] = ()  # (what, cents)
    fees_total_cents: int = 0
    paid_cents: int = 0
    receipt_number: str = ""
    outcome: str = ""
    note: str = ""


def clean(value: object) -> str:
    """`value` as one line of text safe for PDF markup escaping and for XML."""
    out: list[str] = []
    for ch in str(value):
        if ch in _BIDI_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if ch in "\t\n\r\v\f\x85\u2028\u2029":
            out.append(" ")
        elif category in ("Cc", "Cs") or ch in "\ufffe\uffff":
            out.append("\ufffd")
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def clean_lines(value: str) -> list[str]:
    """A multi-line value (an address) as its non-empty cleaned lines."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line for line in (clean(part) for part in lines) if line]


def long_date(day: date) -> str:
    """ "March 4, 2026", whatever the process locale (strftime's %B follows it)."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}${whole:,}.{part:02d}"


def requester(ctx: LetterContext) -> str:
    return clean(ctx.requester_name) or ANONYMOUS


def _number(ctx: LetterContext) -> str:
    return clean(ctx.request_number) or "this request"


def check(ctx: LetterContext) -> None:
    """Raise `IpraError` with one sentence when the letter cannot lawfully or sensibly be
    produced from `ctx`; return None when it can."""
    number = _number(ctx)
    if ctx.kind not in LETTER_KINDS:
        raise IpraError(
            f"There is no letter kind {clean(ctx.kind)!r} for {number}; the kinds are"
            f" {', '.join(LETTER_KINDS)}."
        )
    if not clean(ctx.delivery_method):
        raise IpraError(
            f"The {ctx.kind} letter for {number} must say how it is sent (e-mail, mail, hand"
            " delivery); none was given."
        )
    for label, value in (
        ("agency's name", ctx.agency_name),
        ("custodian's name", ctx.custodian_name),
    ):
        if not clean(value):
            raise IpraError(
                f"The {ctx.kind} letter for {number} needs the {label}, which is set in Settings."
            )
    for label, day in (("available", ctx.available_on), ("additional time", ctx.additional_until)):
        if day is not None and day < ctx.letter_date:
            raise IpraError(
                f"The {label} date {long_date(day)} for {number} is before the letter's date"
                f" {long_date(ctx.letter_date)}."
            )
    if ctx.kind == "acknowledgment" and ctx.available_on is None:
        raise IpraError(
            "An acknowledgment letter must say when the records will be available or when the"
            f" public body will respond (NMSA 1978 14-2-8(D)); no date was given for {number}."
        )
    if ctx.kind == "burdensome" and ctx.additional_until is None:
        raise IpraError(
            "A burdensome notice must say how much additional time is needed (NMSA 1978"
            f" 14-2-10); no date was given for {number}."
        )
    if ctx.kind == "denial":
        _check_denial(ctx, number)
    if ctx.kind == "forward" and not (
        clean(ctx.forward_to_name) and clean_lines(ctx.forward_to_address)
    ):
        raise IpraError(
            "A forward notice must give the name and address of the custodian the request was"
            f" forwarded to (NMSA 1978 14-2-8(E)); they were not given for {number}."
        )
    if (
        any(cents < 0 for _what, cents in ctx.fee_lines)
        or min(ctx.fees_total_cents, ctx.paid_cents) < 0
    ):
        raise IpraError(f"A fee or payment for {number} is a negative amount.")
    if ctx.kind == "receipt" and ctx.paid_cents <= 0:
        raise IpraError(
            f"A fee receipt for {number} needs the amount paid (NMSA 1978 14-2-9(C)); no payment"
            " was given."
        )


def _check_denial(ctx: LetterContext, number: str) -> None:
    people = [p for p in ctx.responsible if clean(p.name) or clean(p.title)]
    if not people:
        raise IpraError(
            "A denial letter must give the name and title or position of each person"
            f" responsible for the denial (NMSA 1978 14-2-11(B)); none was given for {number}."
        )
    for person in people:
        if not clean(person.name):
            raise IpraError(
                "A denial letter must give the name of each person responsible for the denial"
                f" (NMSA 1978 14-2-11(B)); the {clean(person.title)} for {number} has no name."
            )
        if not clean(person.title):
            raise IpraError(
                "A denial letter must give the title or position of each person responsible"
                f" for the denial (NMSA 1978 14-2-11(B)); {clean(person.name)} has none for"
                f" {number}."
            )
    if not (clean(ctx.records_description) or clean(ctx.description)):
        raise IpraError(
            "A denial letter must describe the records sought (NMSA 1978 14-2-11(B)); no"
            f" description was given for {number}."
        )


# the placeholders a template may use; lists expand to one line per item
SCALARS = (
    "request_number", "letter_date", "received_on", "requester_name", "requester_organisation",
    "requester_address", "requester_email", "description", "agency_name", "agency_address",
    "agency_phone", "agency_email", "custodian_name", "custodian_title", "delivery_method",
    "available_on", "additional_until", "records_description", "forward_to_name",
    "forward_to_address", "forward_reason", "records_location", "bates_range", "file_count",
    "fees_total", "paid", "balance", "receipt_number", "outcome", "note",
)  # fmt: skip
LISTS = ("responsible_list", "exceptions_list", "files_list", "fees_list")


def values(ctx: LetterContext) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The cleaned text of every placeholder: (scalars, lists). Empty when not given, so a
    template's `[if name]` paragraphs can leave them out."""

    def day(d: date | None) -> str:
        return long_date(d) if d is not None else ""

    scalars = {
        "request_number": clean(ctx.request_number),
        "letter_date": day(ctx.letter_date),
        "received_on": day(ctx.received_on),
        "requester_name": requester(ctx),
        "requester_organisation": clean(ctx.requester_organisation),
        "requester_address": ", ".join(clean_lines(ctx.requester_address)),
        "requester_email": clean(ctx.requester_email),
        "description": clean(ctx.description),
        "agency_name": clean(ctx.agency_name),
        "agency_address": ", ".join(clean_lines(ctx.agency_address)),
        "agency_phone": clean(ctx.agency_phone),
        "agency_email": clean(ctx.agency_email),
        "custodian_name": clean(ctx.custodian_name),
        "custodian_title": clean(ctx.custodian_title),
        "delivery_method": clean(ctx.delivery_method),
        "available_on": day(ctx.available_on),
        "additional_until": day(ctx.additional_until),
        "records_description": clean(ctx.records_description) or clean(ctx.description),
        "forward_to_name": clean(ctx.forward_to_name),
        "forward_to_address": ", ".join(clean_lines(ctx.forward_to_address)),
        "forward_reason": clean(ctx.forward_reason),
        "records_location": clean(ctx.records_location),
        "bates_range": clean(ctx.bates_range),
        "file_count": str(len(ctx.files)) if ctx.files else "",
        "fees_total": money(ctx.fees_total_cents) if ctx.fees_total_cents else "",
        "paid": money(ctx.paid_cents) if ctx.paid_cents else "",
        "balance": (
            money(ctx.fees_total_cents - ctx.paid_cents)
            if ctx.fees_total_cents > ctx.paid_cents
            else ""
        ),
        "receipt_number": clean(ctx.receipt_number),
        "outcome": clean(ctx.outcome),
        "note": clean(ctx.note),
    }
    lists = {
        "responsible_list": [
            f"{clean(p.name)}, {clean(p.title)}" for p in ctx.responsible if clean(p.name)
        ],
        "exceptions_list": [line for line in map(clean, ctx.exceptions) if line],
        "files_list": [line for line in map(clean, ctx.files) if line],
        "fees_list": [f"{clean(what)}: {money(cents)}" for what, cents in ctx.fee_lines],
    }
    return scalars, lists

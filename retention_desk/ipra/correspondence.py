"""Letters for a request: built from what the desk knows (the request, its steps, fees and
the Settings letterhead), rendered by `ipra.letters`, and kept with the request.

Every letter written is stored in the request file as a blob with the day it was sent and how
(14-2-7(B): an answer in another medium than the request's is flagged), and audited by id.
The letter's particulars (the date records will be available, the additional time, the people
responsible for a denial, the receiving custodian of a forward) come from the step recorded
for it; a denial letter without names and titles is refused (14-2-11(B)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from retention_desk.archive import blobs, timeutil
from retention_desk.archive import settings as settings_mod
from retention_desk.archive.store import Archive
from retention_desk.ipra import fees as fees_mod
from retention_desk.ipra import letters
from retention_desk.ipra.errors import IpraError
from retention_desk.ipra.letters.context import LETTER_KINDS, LetterContext, Person
from retention_desk.ipra.model import (
    METHOD_WORDS,
    METHODS,
    VIA_METHOD,
    EventInfo,
    LetterInfo,
    RequestDetail,
)
from retention_desk.ipra.requests import get_request, request_row, today_local

# The step a letter reports; the latest such step supplies its particulars.
_STEP_FOR: dict[str, tuple[str, ...]] = {
    "acknowledgment": ("acknowledged",),
    "burdensome": ("burdensome",),
    "denial": ("denied", "partially_denied"),
    "forward": ("forwarded",),
    "cover": ("fulfilled", "partially_fulfilled"),
    "closing": ("closed", "withdrawn", "fulfilled", "denied"),
    "receipt": (),
}
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class WrittenLetter:
    info: LetterInfo
    data: bytes


def _latest(detail: RequestDetail, kinds: tuple[str, ...]) -> EventInfo | None:
    found = [e for e in detail.events if e.kind in kinds]
    return found[-1] if found else None


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def build_context(
    archive: Archive,
    number: str,
    kind: str,
    *,
    letter_date: date | None = None,
    method: str | None = None,
    files: tuple[str, ...] = (),
    bates_range: str = "",
    note: str = "",
) -> LetterContext:
    """The letter's content from the request; IpraError when a letter cannot be written yet
    (a denial before the denial and its responsible people were recorded, say)."""
    if kind not in LETTER_KINDS:
        raise IpraError(f"Letter kind {kind!r} must be one of {', '.join(LETTER_KINDS)}.")
    detail = get_request(archive, number)
    step = _latest(detail, _STEP_FOR[kind])
    with archive.read() as conn:
        settings = settings_mod.load(conn)
        # a letter reporting a step is dated the day the step was taken, unless told otherwise
        day = letter_date or (step.on_date if step else today_local(conn))
    details = step.details if step else {}
    method_code = method or (step.method if step else VIA_METHOD[detail.summary.via])
    # the letter reports a recorded step and takes its particulars from it
    needs = {
        "acknowledgment": ("the acknowledgment with the date the records will be available",
                           "Acknowledge…", "ack {n} --available DATE", "14-2-8(D)"),
        "burdensome": ("the burdensome notice with the end of the additional time",
                       "Burdensome…", "burdensome {n} --until DATE", "14-2-10"),
        "denial": ("the denial with the name and title of each person responsible",
                   "Deny…", 'deny {n} --responsible "NAME, TITLE" --exception CITATION',
                   "14-2-11(B)"),
        "forward": ("the forward with the receiving custodian's name and address", "Forward…",
                    "forward {n} --to-name NAME --to-address ADDRESS --reason TEXT",
                    "14-2-8(E)"),
    }  # fmt: skip
    missing = kind in needs and (
        step is None or (kind == "acknowledgment" and not details.get("available_on"))
    )
    if missing:
        what, button, command, section = needs[kind]
        raise IpraError(
            f"Record {what} for {detail.number} before writing its letter ({section}):"
            f" {button} on the Requests page, or `retention-desk request"
            f" {command.format(n=detail.number)}`."
        )
    responsible = tuple(
        Person(str(p.get("name", "")), str(p.get("title", "")))
        for p in details.get("responsible", [])
    )
    status = fees_mod.fee_status(archive, number)
    fee_lines = tuple(
        (f"{fees_mod.FEE_KINDS[line.kind]} x {line.quantity}", line.amount_cents)
        for line in status.lines
    )
    last_payment = status.payments[-1] if status.payments else None
    outcome = {
        "fulfilled": "The records responsive to your request were made available.",
        "partially_fulfilled": "Part of the records responsive to your request were made"
        " available.",
        "denied": "Your request was denied in writing.",
        "withdrawn": "Your request was withdrawn.",
        "closed": "Your request is closed.",
    }.get(detail.status, "")
    ctx = LetterContext(
        kind=kind,
        letter_date=day,
        request_number=detail.number,
        received_on=detail.summary.received_on,
        requester_name=detail.requester.name,
        requester_organisation=detail.requester.organisation,
        requester_address=detail.requester.address,
        requester_email=detail.requester.email,
        description=detail.summary.description,
        agency_name=settings.agency_name,
        agency_address=settings.agency_address,
        agency_phone=settings.agency_phone,
        agency_email=settings.agency_email,
        custodian_name=settings.custodian_name,
        custodian_title=settings.custodian_title,
        delivery_method=METHOD_WORDS.get(method_code, method_code),
        available_on=_day(details.get("available_on")),
        additional_until=_day(details.get("until")),
        responsible=responsible,
        exceptions=tuple(str(e) for e in details.get("exceptions", [])),
        records_description=str(details.get("records_description", "")),
        forward_to_name=str(details.get("to_name", "")),
        forward_to_address=str(details.get("to_address", "")),
        forward_reason=str(details.get("reason", "")),
        records_location=str(details.get("location", "")),
        files=files,
        bates_range=bates_range,
        fee_lines=fee_lines,
        fees_total_cents=status.total_cents,
        # a receipt is for one payment (the latest); other letters report the total paid
        paid_cents=(
            last_payment.amount_cents if kind == "receipt" and last_payment else status.paid_cents
        ),
        receipt_number=last_payment.receipt_number if last_payment else "",
        outcome=outcome,
        note=note,
    )
    letters.check(ctx)
    return ctx


def write_letter(
    archive: Archive,
    number: str,
    kind: str,
    *,
    file_format: str = "pdf",
    sent_on: date | None = None,
    method: str | None = None,
    files: tuple[str, ...] = (),
    bates_range: str = "",
    note: str = "",
) -> WrittenLetter:
    """Render the letter and keep it with the request (sent on `sent_on`, by `method`)."""
    if file_format not in FORMATS:
        raise IpraError(f"Letter format {file_format!r} must be pdf or docx.")
    if method is not None and method not in METHODS:
        raise IpraError(f"Delivery method {method!r} must be one of {', '.join(METHODS)}.")
    ctx = build_context(
        archive,
        number,
        kind,
        letter_date=sent_on,
        method=method,
        files=files,
        bates_range=bates_range,
        note=note,
    )
    data = letters.render_pdf(ctx) if file_format == "pdf" else letters.render_docx(ctx)
    code = method or _method_code(archive, number, kind)
    with archive.write() as conn:
        row = request_row(conn, number)
        sha, _size = blobs.put_bytes(conn, data)
        now, who = timeutil.now_db(), archive.operator(conn)
        result = conn.exec_driver_sql(
            "INSERT INTO ipra_letters (request_id, kind, sent_on, method, file_format,"
            " blob_sha256, at, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(row[0]),
                kind,
                ctx.letter_date.isoformat(),
                code,
                file_format,
                sha,
                now,
                who,
            ),
        )
        lid = int(result.lastrowid or 0)
        archive.audit(
            conn,
            action="ipra.letter",
            object_type="ipra_request",
            object_ids=[int(row[0])],
            details={
                "request": int(row[0]),
                "letter": lid,
                "kind": kind,
                "format": file_format,
                "sent_on": ctx.letter_date.isoformat(),
            },
        )
    info = LetterInfo(lid, kind, ctx.letter_date, code, file_format, sha, now, who)
    return WrittenLetter(info, data)


def _method_code(archive: Archive, number: str, kind: str) -> str:
    detail = get_request(archive, number)
    step = _latest(detail, _STEP_FOR[kind])
    return step.method if step else VIA_METHOD[detail.summary.via]


def letter_bytes(archive: Archive, letter_id: int) -> bytes:
    """A stored letter's file, as it was written."""
    with archive.read() as conn:
        sha = conn.exec_driver_sql(
            "SELECT blob_sha256 FROM ipra_letters WHERE id = ?", (int(letter_id),)
        ).scalar()
        if not sha:
            raise IpraError(f"There is no stored letter {letter_id}.")
        return blobs.read_bytes(conn, str(sha))

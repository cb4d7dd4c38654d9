"""A letter laid out as plain text pieces, the same for the PDF, the DOCX and the preview.

The frame is fixed here (letterhead, date, delivery line, requester block, "Re:" line,
signature); the words between come from the kind's template. Every piece is cleaned text, never
markup: each renderer escapes or places it as plain text itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from retention_desk.ipra.letters.context import (
    LetterContext,
    check,
    clean,
    clean_lines,
    long_date,
    requester,
    values,
)
from retention_desk.ipra.letters.templates import Line, fill, load

STATUTE = "Inspection of Public Records Act"


@dataclass(frozen=True)
class Letter:
    kind: str
    number: str
    letterhead: tuple[str, ...]  # agency name first, then address lines, phone, e-mail
    letter_date: date
    date_line: str
    delivery_line: str
    recipient: tuple[str, ...]
    re_line: str
    subject: str
    body: tuple[Line, ...]
    signature: tuple[str, ...]  # custodian name, title, agency
    title: str  # document metadata: kind and number, no person's name
    author: str  # document metadata: the agency


def compose(ctx: LetterContext, templates_dir: Path | None = None) -> Letter:
    """Check `ctx` and lay out its letter (`IpraError` when it cannot be produced)."""
    check(ctx)
    template = load(ctx.kind, templates_dir)
    scalars, lists = values(ctx)
    subject, body = fill(template, scalars, lists)
    agency = clean(ctx.agency_name)
    phone, email = clean(ctx.agency_phone), clean(ctx.agency_email)
    contact = "   ".join(part for part in (f"Telephone {phone}" if phone else "", email) if part)
    letterhead = [agency, *clean_lines(ctx.agency_address), contact]
    recipient = [requester(ctx), clean(ctx.requester_organisation)]
    recipient += clean_lines(ctx.requester_address)
    recipient.append(clean(ctx.requester_email))
    number = scalars["request_number"]
    return Letter(
        kind=ctx.kind,
        number=number,
        letterhead=tuple(line for line in letterhead if line),
        letter_date=ctx.letter_date,
        date_line=long_date(ctx.letter_date),
        delivery_line=f"Sent by {clean(ctx.delivery_method)}",
        recipient=tuple(line for line in recipient if line),
        re_line=f"Re: {STATUTE} request {number}",
        subject=subject,
        body=tuple(body),
        signature=tuple(
            line for line in (clean(ctx.custodian_name), clean(ctx.custodian_title), agency) if line
        ),
        title=f"{STATUTE} request {number}: {ctx.kind} letter",
        author=agency,
    )


def as_text(letter: Letter) -> str:
    out = [*letter.letterhead, "", letter.date_line, "", letter.delivery_line, ""]
    out += [*letter.recipient, "", letter.re_line, letter.subject, ""]
    for line in letter.body:
        if line.item:
            out.append(f"    {line.text}")
            continue
        if out[-1] != "":
            out.append("")
        out.append(line.text)
    out.append("")
    out += ["", "", *letter.signature]
    return "\n".join(out) + "\n"


def render_text(ctx: LetterContext, templates_dir: Path | None = None) -> str:
    """The letter as plain text, for a preview (the same words as the PDF and the DOCX)."""
    return as_text(compose(ctx, templates_dir))

"""Dates of birth: every common way of writing a date, English and Spanish, but only where a
birth cue ("DOB", "born", "fecha de nacimiento", "nací"…) is the nearest cue in the same
clause, before the date or right after it ("3/14/87 is my birthday"). An incident date is
not a candidate. The year stays visible (14-2-6(F)(2)); a date written without a year goes
whole.
"""

from __future__ import annotations

import re

from retention_desk.detection.cues import BIRTH, CHAIN_RE, Cue, cue_after, cue_before
from retention_desk.detection.model import IDENTIFIER_CODE, Candidate

_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    r"|noviembre|diciembre|ene|abr|ago|dic)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORD = r"(?:st|nd|rd|th|ro|º|°)?"
_YEAR = r"(?P<y>(?:19|20)\d{2}|['’]?\d{2}(?!\d))"
_NUMYEAR = r"(?P<yn>(?:19|20)\d{2}|\d{2})"

_PATTERNS = (
    # 1987-03-14
    r"(?P<iso>(?P<yi>(?:19|20)\d{2})(?P<s0>[-/.])(?:0?[1-9]|1[0-2])(?P=s0)" + _DAY + r")",
    # 3/14/1987, 14-03-87, 3.14.87 (month and day in either order)
    r"(?:\d{1,2}(?P<s1>[/.\-])\d{1,2}(?P=s1)" + _NUMYEAR + r")",
    # March 14th, 1987 / marzo 14 de 1987 / Mar. 14 '87 / Mar-14-1987 / March 14
    r"(?:"
    + _MONTHS
    + r"\.?(?:\s+|-)"
    + _DAY
    + _ORD
    + r"(?:(?:,?\s*|-)(?:of\s+|de\s+|del\s+)?"
    + _YEAR
    + r")?)",
    # 14 de marzo de 1987 / 14th of March, 1987 / 14 March 1987 / 14-Mar-1987 / 14MAR1987
    r"(?:"
    + _DAY
    + _ORD
    + r"(?:\s+(?:of\s+|de\s+)?|-|(?=[a-z]))"
    + _MONTHS
    + r"\.?(?:(?:,?\s*|-)(?:of\s+|de\s+|del\s+)?"
    + _YEAR.replace("?P<y>", "?P<y2>")
    + r")?)",
    # 3/14 with no year (only ever a candidate beside a birth cue)
    r"(?:(?:0?[1-9]|1[0-2])/" + _DAY + r")",
)
DATE_RE = re.compile(
    r"(?<![\w/.\-])(?:" + "|".join(_PATTERNS) + r")(?![\w/]|[.\-]\d)",
    re.I,
)
_BIRTHDAY_RE = re.compile(r"birthday|b-?day|cumple", re.I)
_PARTY_RE = re.compile(r"party|fiesta|celebra|parade|desfile", re.I)


def _valid_numeric(a: int, b: int) -> bool:
    return 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12)


def _year_span(m: re.Match[str]) -> tuple[int, int] | None:
    for name in ("yi", "yn", "y", "y2"):
        if m.group(name):
            return m.span(name)
    return None


def find_birth_dates(text: str, cues: list[Cue]) -> list[Candidate]:
    found: list[Candidate] = []
    for m in DATE_RE.finditer(text):
        start, end = m.span()
        token = m.group()
        if m.group("s1"):
            a, b = (int(x) for x in re.split(r"[/.\-]", token)[:2])
            if not _valid_numeric(a, b):
                continue
        cue = cue_before(text, cues, start)
        chained = False
        if cue is None or cue.kind != BIRTH:
            cue = cue_after(text, cues, end)
            if cue is None or cue.kind != BIRTH:
                # "DOB 1/1/1900, it's actually 7/19/1990": a correction of a birth date
                if not (found and CHAIN_RE.fullmatch(text, found[-1].end, start)):
                    continue
                chained = True
        elif _BIRTHDAY_RE.match(text, cue.start, cue.end) and (
            _PARTY_RE.search(text, cue.end, start) or _PARTY_RE.match(text, end + 1, end + 8)
        ):
            continue  # "birthday party on 6/14", "birthday 6/14 party": an event
        year = _year_span(m)
        if year is None:
            redact: tuple[tuple[int, int], ...] = ((start, end),)
        elif year[0] == start:
            redact = ((year[1], end),)
        else:
            redact = ((start, year[0]),)
        # "'87": the apostrophe is part of how the year is written; keep it with the year
        rule = "dob-chain" if chained or cue is None else _rule(m, cue)
        found.append(Candidate("birth_date", start, end, redact, IDENTIFIER_CODE, False, rule))
    return found


def _rule(m: re.Match[str], cue: Cue) -> str:
    if m.group("iso"):
        form = "iso"
    elif m.group("s1") or (m.group()[0].isdigit() and "/" in m.group()):
        form = "numeric"
    else:
        form = "written"
    return f"dob-{form}"

"""Numeric identifiers: SSN, card, financial account, taxpayer id, driver's licence.

A number is a run of digit groups joined by one space, dash or dot. What it is comes from
its shape and checksum (SSN 123-45-6789 in valid SSA ranges, Luhn-valid card numbers with an
issuer prefix, ITIN and EIN shapes) or from the nearest cue word before it in the same clause
("acct", "licencia", "seguro social"). A lookalike cue right before the number (phone, case,
order, tracking, post id, "ending") wins over the shape; a bare number with no cue is left
alone. Checksums are python-stdnum's.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from stdnum import luhn
from stdnum.us import ein, itin, rtn, ssn

from retention_desk.detection.cues import (
    CHAIN_RE,
    NEGATIVE,
    Cue,
    cue_after,
    cue_before,
    direct,
)
from retention_desk.detection.model import IDENTIFIER_CODE, Candidate, merge_ranges

# Digit groups joined by single separators. Not glued to letters, not part of a price ($),
# URL path (/), handle (@), decimal or thousands group, time or phone prefix (+).
NUMBER_RE = re.compile(
    r"(?<![\w$@/+\\])(?<!\d[,.:])\d+(?:(?:[ .\-]|\s-\s)\d+)*(?![\w/@]|[.,:\-]\d)"
)
# Driver's licences of other states start with letters (A1234567, S530-460-81-234-0).
LETTER_LICENCE_RE = re.compile(r"(?<![\w])[A-Za-z]{1,3}-?\d[\d\- ]{3,18}\d(?![\w])")
LICENCE_RE = re.compile(LETTER_LICENCE_RE.pattern + "|" + NUMBER_RE.pattern)
URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|net|gov|us|ly|co|io|me)/\S*", re.I
)

_SEP_RE = re.compile(r"[^0-9A-Za-z]+")
# Issuer prefixes (Visa, Mastercard incl. 2-series, Amex, Discover, Diners, JCB, UnionPay,
# Maestro, Mir): numbers starting 1, 7, 8, 9 or 0 (tweet and post ids) are not cards.
_IIN_RE = re.compile(r"(?:4|5[0-9]|2(?:2[2-9]|[3-6]\d|7[01]|720|20[0-4])|3[04-9]|6)")


def _groups(token: str) -> tuple[int, ...]:
    return tuple(len(g) for g in _SEP_RE.split(token) if g)


def keep_last4(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Redact everything up to the fourth alphanumeric from the end (separators included)."""
    seen = 0
    for i in range(end - 1, start - 1, -1):
        if text[i].isalnum():
            seen += 1
            if seen == 4:
                return ((start, i),) if i > start else ()
    return ()


# the cue kind whose rules read a number of each identifier kind
_CUE_OF = {
    "ssn": "ssn",
    "card": "card",
    "financial_account": "financial_account",
    "taxpayer_id": "taxpayer_id",
    "drivers_licence": "drivers_licence",
}


def _candidate(kind: str, text: str, start: int, end: int, rule: str) -> Candidate | None:
    if kind == "ssn":
        redact: tuple[tuple[int, int], ...] = ((start, end),)
    else:
        redact = keep_last4(text, start, end)
    if not redact:
        return None  # only the visible part was written ("card ending 4242")
    return Candidate(kind, start, end, redact, IDENTIFIER_CODE, False, rule)


def _valid_ssn(digits: str) -> bool:
    return len(digits) == 9 and ssn.is_valid(digits)


def _valid_itin(digits: str) -> bool:
    return len(digits) == 9 and itin.is_valid(digits)


def _card_grouping(groups: tuple[int, ...]) -> bool:
    if len(groups) == 1:
        return True
    if groups in ((4, 6, 5), (4, 6, 4), (4, 4, 5), (4, 4, 4, 3), (4, 4, 4, 2)):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


def _valid_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _IIN_RE.match(digits) is not None and luhn.is_valid(digits)


def _by_cue(kind: str, text: str, start: int, end: int, digits: str) -> Candidate | None:
    """A number with a positive cue before it."""
    n = len(digits)
    shape = _groups(text[start:end])
    if kind == "ssn":
        if _valid_ssn(digits):
            return _candidate("ssn", text, start, end, "ssn-cue")
        if _valid_itin(digits):
            return _candidate("taxpayer_id", text, start, end, "itin-cue")
        return None
    if kind == "taxpayer_id":
        if n != 9:
            return None
        if shape == (3, 2, 4) and _valid_ssn(digits):
            # an SSN used as a TIN is still an SSN: all of it goes
            return _candidate("ssn", text, start, end, "ssn-as-tin")
        return _candidate("taxpayer_id", text, start, end, "tin-cue")
    if kind == "card":
        if 12 <= n <= 19 and luhn.is_valid(digits):
            return _candidate("card", text, start, end, "card-cue")
        return None
    if kind == "financial_account":
        if 6 <= n <= 17:
            return _candidate("financial_account", text, start, end, "account-cue")
        return None
    if kind == "drivers_licence":
        if 6 <= n <= 16:
            return _candidate("drivers_licence", text, start, end, "dl-cue")
        return None
    return None


def _by_shape(
    text: str, start: int, end: int, digits: str, weak: bool, ssn_only: bool = False
) -> Candidate | None:
    """A number that says what it is by itself. `weak` shapes need no lookalike cue near;
    `ssn_only`: only the SSN/ITIN shape, which no lookalike shares."""
    token = text[start:end]
    shape = _groups(token)
    seps = set(_SEP_RE.findall(token))
    if shape == (3, 2, 4) and len(seps) == 1:
        if _valid_ssn(digits):
            return _candidate("ssn", text, start, end, "ssn-shape")
        if _valid_itin(digits):
            return _candidate("taxpayer_id", text, start, end, "itin-shape")
    if ssn_only:
        return None
    if _valid_card(digits) and _card_grouping(shape):
        return _candidate("card", text, start, end, "card-luhn")
    if weak and shape == (2, 7) and seps == {"-"} and ein.is_valid(digits):
        return _candidate("taxpayer_id", text, start, end, "ein-shape")
    return None


def url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in URL_RE.finditer(text)] if "/" in text or "www" in text else []


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    """`spans` sorted and not overlapping (finditer order)."""
    i = bisect_right(spans, start, key=lambda s: s[0]) - 1
    return i >= 0 and start < spans[i][1]


def find_numbers(text: str, cues: list[Cue]) -> list[Candidate]:
    urls = url_spans(text)
    found: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    # licences first: their tokens may start with letters, and only a cue finds them
    for cue in cues:
        if cue.kind != "drivers_licence":
            continue
        m = LICENCE_RE.search(text, cue.end, min(len(text), cue.end + 60))
        if m is not None and not direct(text, cue.end, m.start()):
            # farther in the same clause only a letter-prefixed licence ("licencia es de
            # Chihuahua, número CHH12345678"): bare numbers there are read below
            m = LETTER_LICENCE_RE.search(text, cue.end, min(len(text), cue.end + 60))
            if m is not None and cue_before(text, cues, m.start()) != cue:
                m = None
        if m is None or _inside(urls, m.start()):
            continue
        if m.span() in taken:
            continue  # "DL license 123…": two cues, one number
        token = m.group()
        alnum = re.sub(r"[^0-9A-Za-z]", "", token)
        digits = re.sub(r"\D", "", token)
        rule = "dl-cue"
        # a licence and then its correction ("A812-455-902 hmm wait no it's A812455903")
        while m is not None and 6 <= len(alnum) <= 16 and len(digits) >= 5:
            cand = _candidate("drivers_licence", text, m.start(), m.end(), rule)
            if cand:
                found.append(cand)
                taken.append(m.span())
            chain = CHAIN_RE.match(text, m.end())
            m = LICENCE_RE.match(text, chain.end()) if chain and chain.end() > m.end() else None
            if m is not None:
                alnum = re.sub(r"[^0-9A-Za-z]", "", m.group())
                digits = re.sub(r"\D", "", m.group())
                rule = "dl-chain"
    taken = merge_ranges(taken)
    for m in NUMBER_RE.finditer(text):
        start, end = m.span()
        if _inside(urls, start) or _inside(taken, start):
            continue
        digits = re.sub(r"\D", "", m.group())
        if len(digits) < 6 or _MONEY_RE.fullmatch(m.group()):
            continue
        if _QUANTITY_AFTER_RE.match(text, end):
            continue
        cue = cue_before(text, cues, start)
        is_direct = cue is not None and direct(text, cue.end, start)
        if (
            cue is None
            and found
            and CHAIN_RE.fullmatch(text, found[-1].end, start)
            and len(digits) == sum(ch.isdigit() for ch in text[found[-1].start : found[-1].end])
        ):
            # the second of a pair with one cue, as long ("acct 1234567 or 7654321")
            chained = _by_cue(_CUE_OF[found[-1].kind], text, start, end, digits)
            if chained is not None:
                found.append(chained)
                continue
        if cue is None:
            after = cue_after(text, cues, end)
            # a lookalike word after a number does not say what the number is
            if after is not None and after.kind != NEGATIVE:
                cue, is_direct = after, True
        cand: Candidate | None = None
        if (
            cue is not None
            and cue.kind not in (NEGATIVE, "birth")
            and (is_direct or not _looks_like_date(m.group()))
        ):
            cand = _by_cue(cue.kind, text, start, end, digits)
        if cand is None:
            if cue is not None and cue.kind == NEGATIVE and is_direct:
                # "tracking 4111…", "post id 1234…": only an SSN's shape still counts
                # ("ID number 123-45-6789": SSNs have long served as ids)
                cand = _by_shape(text, start, end, digits, weak=False, ssn_only=True)
                if cand is not None:
                    found.append(cand)
                continue
            if cue is not None and cue.kind == NEGATIVE and _routing(text, cue, digits):
                continue
            cand = _by_shape(text, start, end, digits, weak=cue is None)
        if cand is not None:
            found.append(cand)
    return found


# A count or an amount, not an identifier: "1500000 followers", "123456.78", "1000000 percent".
_QUANTITY_AFTER_RE = re.compile(
    r"\s*(?:%|followers|seguidores|times|veces|views|vistas|likes|people|personas|percent"
    r"|por\s*ciento|points|puntos|dollars|d[oó]lares|pesos|bucks|minutes|minutos|hours|horas"
    r"|days|d[ií]as|years|a[ñn]os|miles|millas|votes|votos|shares|comments|comentarios"
    r"|members|miembros|subscribers|suscriptores|signatures|firmas)(?![\w])",
    re.I,
)
_MONEY_RE = re.compile(r"\d+\.\d{2}")
_DATE_SHAPE_RE = re.compile(
    r"(?:19|20)\d\d([-.])(?:0?[1-9]|1[0-2])\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2(?:19|20)?\d\d"
)


def _looks_like_date(token: str) -> bool:
    return _DATE_SHAPE_RE.fullmatch(token) is not None


def _routing(text: str, cue: Cue, digits: str) -> bool:
    word = text[cue.start : cue.end].lower()
    return ("rout" in word or "aba" in word or "ruta" in word) and rtn.is_valid(digits)

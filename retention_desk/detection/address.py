"""A nonelected employee's home street address (14-2-6(F)(4)), only where the text says it
is where someone lives ("officer X lives at 123 Main St", "su casa está en…") and the text
names an employee. Always a suggestion: whether the person is a nonelected employee and the
address is their home is the custodian's call. The street part (number and street) is
redacted; city, state and zip stay visible.
"""

from __future__ import annotations

import re

from retention_desk.detection.model import IDENTIFIER_CODE, Candidate

_RESIDENCE = (
    r"(?:lives|live|living|resides|reside|staying|stays)"
    # "lives just down the road from me at …", but not "lives in X and works at …"
    r"(?:\s+(?:(?:(?!work|trabaj|office|oficina|job|shift|turno)[^.!?\n\d]){1,40}?\s+)?"
    r"(?:at|on|in)"
    r"|\s*[,:\-–])"
    r"|(?:home|house|place|casa)\s+(?:address\s+)?(?:is\s+)?(?:at|on)"
    r"|home\s+address(?:\s+is)?"
    r"|address\s+is"
    r"|(?:vive|viven|vivía)\s+(?:en|por)"
    r"|(?:su|la)\s+casa\s+(?:est[aá]|queda)\s+(?:en|por)"
    r"|(?:su|la)\s+casa\s+es"
    r"|domicilio(?:\s+(?:es|est[aá]\s+en))?"
    r"|(?:su|la)\s+direcci[oó]n(?:\s+de\s+casa)?\s+es"
)
_SUFFIX = (
    r"(?:street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl"
    r"|loop|trail|trl|circle|cir|parkway|pkwy|highway|hwy|terrace|ter|path|run|row|sq|square)"
)
_QUADRANT = r"(?:\s+(?:NE|NW|SE|SW)\b)?"
_UNIT = r"(?:,?\s+(?:apt|unit|suite|ste|space|spc|#)\.?\s*#?\s*\w+)?"
_STREET = (
    r"(?P<street>\d{1,6}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Za-z0-9][\w'.-]*\s+){0,4}?"
    + _SUFFIX
    + r"\.?"
    + _QUADRANT
    + _UNIT
    + r"|\d{1,6}\s+(?:calle|camino|avenida|av\.|paseo|v[ií]a|placita)\s+"
    r"(?:(?:de|del|la|las|los|el)\s+)*"
    r"(?-i:[A-Z][\w'.-]*)(?:\s+(?-i:[A-Z][\w'.-]*))?"
    + _QUADRANT
    + r"|(?:calle|camino|avenida|av\.|callej[oó]n|privada|paseo)\s+(?:[\w'.-]+\s+){0,3}?"
    r"(?:#\s*|n[uú]m\.?\s*|no\.?\s*)?\d{1,6}[A-Za-z]?" + _QUADRANT + ")"
)
_TAIL = (
    r"(?P<tail>(?-i:,\s*[A-Z][a-zñé]+(?:\s+[A-Z][a-zñé]+){0,2}(?:,?\s+(?:NM|N\.M\.|New\s+Mexico))?"
    r"(?:,?\s+\d{5}(?:-\d{4})?)?))?"
)
RESIDENCE_RE = re.compile(_RESIDENCE, re.I)
ADDRESS_RE = re.compile(
    r"(?<![\w])(?:" + _RESIDENCE + r")\s*:?\s*(?:the\s+|la\s+|el\s+)?" + _STREET + _TAIL,
    re.I,
)
# Words that say the person is on a public body's staff. Elected officials (mayor, sheriff,
# councilor) are not listed: their addresses are not protected by (F)(4).
EMPLOYEE_RE = re.compile(
    r"(?<![\w])(?:officers?|ofc|deputy|deputies|sgt|sergeant|detective|det|lt|lieutenant"
    r"|captain|capt|cops?|dispatcher|clerk|employee|staff|firefighter|paramedic|inspector"
    r"|code\s+enforcement|animal\s+control|city\s+worker|trooper|oficial|agente|polic[ií]a"
    r"|emplead[oa]|trabajador[a]?|secretaria|bombero|alguacil|chota|jura)(?![\w])",
    re.I,
)


_NOT_RE = re.compile(r"(?:not|isn'?t|no\s+es|ni)\s+(?:(?:a|an|un|una)\s+)?$", re.I)


def find_home_addresses(text: str) -> list[Candidate]:
    employees = EMPLOYEE_RE.finditer(text)
    if all(_NOT_RE.search(text, max(0, m.start() - 12), m.start()) for m in employees):
        return []  # no employee named, or only "he's not a cop"
    found: list[Candidate] = []
    for m in ADDRESS_RE.finditer(text):
        s, e = m.span("street")
        end = m.end("tail") if m.group("tail") else e
        found.append(
            Candidate("home_address", s, end, ((s, e),), IDENTIFIER_CODE, True, "home-address")
        )
    return found

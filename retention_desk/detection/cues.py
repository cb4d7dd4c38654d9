"""Cue words: the words around a number that say what it is.

One compiled alternation finds every cue in a text once; each cue has a kind. Positive kinds
are identifier kinds; the rest name the lookalikes that fill police and city pages (phones,
case and report numbers, orders, tracking, post ids, "card ending 4242") so a number next to
them is left alone. Longer phrases come first so "license plate" wins over "license" and
"permiso de conducir" over "permiso" at the same position.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

NEGATIVE = "negative"
BIRTH = "birth"

# (kind, patterns). Order matters only between alternatives that start at the same place.
_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        NEGATIVE,
        (
            r"license\s+plates?",
            r"plates?",
            r"business\s+licen[cs]e",
            r"liquor\s+licen[cs]e",
            r"contractor'?s?\s+licen[cs]e",
            r"licen[cs]e\s+plates?",
            r"placas?\s+(?:del?\s+)?(?:carro|auto|coche|troca|veh[ií]culo)",
            r"(?:card|tarjeta)\s+(?:ending|that\s+ends|termina)",
            r"ending(?:\s+(?:in|with))?",
            r"ends?\s+(?:in|with)",
            r"last\s+(?:4|four)(?:\s+digits)?",
            r"(?:[uú]ltimos|ultimos)\s+(?:4|cuatro)(?:\s+d[ií]gitos)?",
            r"terminaci[oó]n",
            r"(?:que\s+)?termina(?:da)?\s+en",
            r"routing(?:\s+(?:number|no|#))?",
            r"aba",
            r"rtn",
            r"(?:n[uú]mero\s+de\s+)?ruta",
        ),
    ),
    (
        "ssn",
        (
            r"n[uú]mero\s+de\s+(?:seguro|seguridad)\s+social",
            r"(?:seguro|seguridad)\s+social",
            r"social\s+security\s+card",
            r"tarjeta\s+del?\s+seguro\s+social",
            r"social\s+security(?:\s+(?:number|no|num|#))?",
            r"soc\.?\s*sec\.?",
            r"social",
            r"s\.\s?s\.\s?n\.?",
            r"ssn#?",
            r"ss\s?#",
            r"ss\s+(?:no|num|number)",
            r"ss",
            r"segurosocial",
        ),
    ),
    (
        "taxpayer_id",
        (
            r"n[uú]mero\s+de\s+identificaci[oó]n\s+(?:fiscal|tributaria|del\s+contribuyente)",
            r"identificaci[oó]n\s+(?:fiscal|tributaria)",
            r"id\s+fiscal",
            r"tax\s*payer\s+id(?:entification)?(?:\s+(?:number|no|#))?",
            r"tax\s+identification(?:\s+(?:number|no|#))?",
            r"(?:federal\s+)?tax\s*id(?:\s+(?:number|no|#))?",
            r"employer\s+id(?:entification)?(?:\s+(?:number|no|#))?",
            r"f?ein",
            r"itin",
            r"tin",
        ),
    ),
    (
        "drivers_licence",
        (
            r"driver'?s?'?\s+licen[cs]e(?:\s+(?:number|no|num|#))?",
            r"driving\s+licen[cs]e",
            r"driver'?s?'?\s+lic\.?",
            r"licencia(?:\s+de\s+(?:manejo|manejar|conducir))?",
            r"permiso\s+de\s+conducir",
            r"licen[cs]e(?:\s+(?:number|no|num|#))?",
            r"lic\s?#",
            r"lic\.",
            r"d\.l\.",
            r"d/l",
            r"dl#?",
            r"dln",
        ),
    ),
    (
        "card",
        (
            r"(?:credit|debit)\s+card",
            r"tarjeta(?:\s+de\s+(?:cr[eé]dito|d[eé]bito))?",
            r"card",
            r"visa",
            r"master\s?card",
            r"amex",
            r"american\s+express",
            r"discover",
            r"cc\s?#",
            r"cc",
        ),
    ),
    (
        "financial_account",
        (
            r"n[uú]mero\s+de\s+cuenta",
            r"cuenta(?:\s+(?:bancaria|de\s+(?:banco|cheques|ahorros?)))?",
            r"(?:bank\s+|checking\s+|savings\s+)?account(?:\s+(?:number|no|num|#))?",
            r"acct\.?\s?#?",
            r"acc\s?#",
            r"a/c",
            r"checking",
            r"savings",
        ),
    ),
    (
        BIRTH,
        (
            r"fecha\s+de\s+nacimiento",
            r"fecha\s+(?:de\s+)?nac\.?",
            r"f\.\s?n\.",
            r"f\.\s?(?:de\s+)?nac\.?",
            r"nacimiento",
            r"nac[ií]",
            r"naci(?:d[oa]s?|[oó])",
            r"cumplea[ñn]os",
            r"cumple",
            r"date\s+of\s+birth",
            r"birth\s?date",
            r"birthday",
            r"b-?day",
            r"d\.\s?o\.\s?b\.?",
            r"dob",
            r"born",
            r"b\.",
        ),
    ),
    (
        NEGATIVE,
        (
            r"phone",
            r"tel[eé]fono",
            r"tel\.?",
            r"cel(?:ular|l)?",
            r"call(?:ed)?",
            r"ll[aá]m[ae](?:me|nos)?",
            r"text(?:\s+me)?",
            r"fax",
            r"mobile",
            r"m[oó]vil",
            r"whatsapp",
            r"cases?",
            r"caso",
            r"reports?",
            r"reporte",
            r"informe",
            r"incident(?:e)?",
            r"cad",
            r"event",
            r"evento",
            r"ticket",
            r"citation",
            r"citaci[oó]n",
            r"multa",
            r"ref(?:erence)?",
            r"referencia",
            r"confirmation",
            r"confirmaci[oó]n",
            r"claim",
            r"reclamo",
            r"permit",
            r"permiso",
            r"badge",
            r"placa",
            r"unit",
            r"unidad",
            r"vin",
            r"orders?",
            r"pedido",
            r"orden",
            r"tracking",
            r"track",
            r"rastreo",
            r"ups",
            r"usps",
            r"fedex",
            r"dhl",
            r"shipment",
            r"package",
            r"paquete",
            r"invoice",
            r"factura",
            r"receipt",
            r"recibo",
            r"transaction",
            r"transacci[oó]n",
            r"post",
            r"status",
            r"tweet",
            r"comment",
            r"id",
            r"zip(?:\s+code)?",
            r"c[oó]digo\s+postal",
            r"item",
            r"model",
            r"serial",
            r"registration",
            r"registro",
            r"membership",
            r"member",
            r"gift\s+card",
            r"folio",
            r"balance",
            r"saldo",
            r"total",
            r"amount",
            r"monto",
            r"cantidad",
            r"followers",
            r"seguidores",
            r"facebook",
            r"instagram",
            r"twitter",
            r"tiktok",
            r"youtube",
            r"snapchat",
            r"gmail",
            r"e-?mail",
            r"correo",
            r"expediente",
        ),
    ),
)


def _compile() -> tuple[re.Pattern[str], dict[str, str]]:
    parts: list[str] = []
    kinds: dict[str, str] = {}
    for index, (kind, patterns) in enumerate(_CUES):
        name = f"k{index}"
        kinds[name] = kind
        parts.append(f"(?P<{name}>{'|'.join(patterns)})")
    # a cue is a whole word: not inside another word, not glued to letters after it
    return re.compile(rf"(?<![\w])(?:{'|'.join(parts)})(?![a-zñáéíóú])", re.I), kinds


CUE_RE, _GROUP_KIND = _compile()
# the birth cues alone: a cheap test of whether a text can hold a birth date at all
BIRTH_CUE_RE = re.compile(
    "|".join(p for kind, patterns in _CUES if kind == BIRTH for p in patterns), re.I
)


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int


def find_cues(text: str) -> list[Cue]:
    """Every cue in the text, in order."""
    return [Cue(_GROUP_KIND[m.lastgroup or ""], m.start(), m.end()) for m in CUE_RE.finditer(text)]


# Words that may stand between a cue and its number ("SSN is: 123…", "número de cuenta es el…").
FILLER_RE = re.compile(
    r"(?:[\s:#=.,()\[\]'\"*\-–—]|(?<![\w])(?:number|numbers|num|nbr|nr|no|is|was|are|it's|its"
    r"|es|era|my|mi|mis|his|her|their|our|su|sus|the|el|la|los|of|de|del|for|para|on|en|here"
    r"|below|aqui|aquí|new|old|full|y|and|id|#)(?![\w]))*",
    re.I,
)


def direct(text: str, cue_end: int, start: int) -> bool:
    """True when only filler words stand between the cue's end and `start`."""
    if start - cue_end > 40:
        return False
    m = FILLER_RE.match(text, cue_end, start)
    return m is not None and m.end() == start


# A sentence end breaks a cue's reach, but not the period of "no.", "nac.", "lic.", "acct."
_BREAK_RE = re.compile(
    r"(?<![Nn]o)(?<![Nn]um)(?<![Nn]r)(?<!nac)(?<!lic)(?<!cct)(?<!ec)(?<!\b[a-zA-Z])[.!?;]\s"
    r"|\n|\d"
)


def cue_before(text: str, cues: list[Cue], start: int, window: int = 60) -> Cue | None:
    """The nearest cue before `start` in the same clause with no other number between them."""
    # cues come from one finditer: sorted by start and by end, never overlapping
    i = bisect_right(cues, start, key=lambda c: c.end) - 1
    if i < 0 or cues[i].end < start - window:
        return None
    chosen = cues[i]
    gap = text[chosen.end : start]
    # "D.O.B." and "b." end with a period that is not a sentence end
    if _BREAK_RE.search(gap.lstrip(". ") if gap.startswith(".") else gap):
        return None
    return chosen


_AFTER_RE = re.compile(
    r"\s*[(\-–:]?\s*(?:(?:is|was|es|era|=|are)\s+)?(?:(?:my|mi|his|her|su|the|el|la|their)\s+)?",
    re.I,
)


def cue_after(text: str, cues: list[Cue], end: int) -> Cue | None:
    """A cue right after a number ("123456789 is my SSN", "3/14/87 (DOB)")."""
    m = _AFTER_RE.match(text, end)
    pos = m.end() if m else end
    i = bisect_left(cues, pos, key=lambda c: c.start)
    if i < len(cues) and cues[i].start == pos:
        return cues[i]
    return None


# What may stand between an identifier and a second one of the same kind that corrects or
# adds to it ("1/1/1900 lol, it's actually 7/19/1990", "A812-455-902 hmm wait no it's A812…",
# "3/3/2005 instead of 3/3/2006"): the second has no cue of its own.
CHAIN_RE = re.compile(
    r"[\s,;:(]*(?:(?:lol|jk|haha|sorry|perd[oó]n|hmm+|wait|oops|no|nope|I\s+mean|o\s+sea)"
    r"[\s,.!]*){0,3}(?:(?:it'?s|it\s+is|es|era)\s+)?"
    r"(?:actually|really|realmente|en\s+realidad|or|o|not|no|and|y|/|instead\s+of"
    r"|en\s+vez\s+de|en\s+lugar\s+de|rather\s+than)?[\s,:;)]*",
    re.I,
)

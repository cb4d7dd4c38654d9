"""Generate the synthetic evaluation corpus for identifier detection (corpus.jsonl).

Seeded and deterministic: `python tests/detection/corpus/make_corpus.py` rewrites the same
file. Every person, number and address is made up; numbers are random but valid under their
checksums (Luhn for cards, SSA ranges for SSNs, the ABA checksum for routing numbers), so a
detector cannot pass by rejecting them. See README.md in this folder for the labelling rules.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

from stdnum import luhn
from stdnum.us import ein, itin, ssn

OUT = Path(__file__).with_name("corpus.jsonl")
R = random.Random(14)

# A filled slot: its text, and (kind, visible ranges relative to the text) or None.
Slot = tuple[str, tuple[str, list[tuple[int, int]]] | None]

FIRST = [
    "Maria",
    "Jose",
    "Ana",
    "Luis",
    "Karen",
    "Mike",
    "Rosa",
    "Dave",
    "Lupe",
    "Tony",
    "Brenda",
    "Chuy",
    "Samantha",
    "Ray",
    "Yolanda",
    "Kevin",
    "Marisol",
    "Tom",
]
LAST = [
    "Garcia",
    "Martinez",
    "Chavez",
    "Smith",
    "Baca",
    "Sandoval",
    "Lucero",
    "Johnson",
    "Romero",
    "Montoya",
    "Trujillo",
    "Begay",
    "Archuleta",
    "Lee",
]
CITY = [
    "Albuquerque",
    "Las Cruces",
    "Santa Fe",
    "Rio Rancho",
    "Roswell",
    "Farmington",
    "Gallup",
    "Espanola",
    "Taos",
    "Los Lunas",
    "Clovis",
    "Hobbs",
]
STREET = [
    "Juniper",
    "Central",
    "Montgomery",
    "Coors",
    "Lomas",
    "Alameda",
    "Mesa Verde",
    "Rio Grande",
    "Piñon",
    "Sandia Vista",
    "Paseo del Norte",
    "Tramway",
]
SUFFIX = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Loop", "Pl", "Street", "Drive"]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def digits(n: int) -> str:
    return "".join(R.choice("0123456789") for _ in range(n))


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + digits(length - len(prefix) - 1)
    return body + luhn.calc_check_digit(body)


def last4(text: str) -> list[tuple[int, int]]:
    idx = [i for i, c in enumerate(text) if c.isalnum()]
    return [(idx[-4], len(text))]


# ------------------------------------------------------------------ identifiers


def ssn_number() -> str:
    while True:
        area = R.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}{R.randint(1, 99):02d}{R.randint(1, 9999):04d}"
        if ssn.is_valid(s):
            return s


def s_ssn(style: str = "") -> Slot:
    s = ssn_number()
    style = style or R.choice(["dash", "dash", "space", "dot", "bare"])
    text = {
        "dash": f"{s[:3]}-{s[3:5]}-{s[5:]}",
        "space": f"{s[:3]} {s[3:5]} {s[5:]}",
        "dot": f"{s[:3]}.{s[3:5]}.{s[5:]}",
        "bare": s,
    }[style]
    return text, ("ssn", [])


def s_ssn_shape() -> Slot:
    return s_ssn(R.choice(["dash", "dash", "space", "dot"]))


CARD_BRANDS = [
    ("4", 16, (4, 4, 4, 4)),
    ("4", 13, (4, 4, 5)),
    ("51", 16, (4, 4, 4, 4)),
    ("55", 16, (4, 4, 4, 4)),
    ("2221", 16, (4, 4, 4, 4)),
    ("2720", 16, (4, 4, 4, 4)),
    ("34", 15, (4, 6, 5)),
    ("37", 15, (4, 6, 5)),
    ("6011", 16, (4, 4, 4, 4)),
    ("65", 16, (4, 4, 4, 4)),
    ("36", 14, (4, 6, 4)),
    ("3530", 16, (4, 4, 4, 4)),
    ("62", 19, (4, 4, 4, 4, 3)),
    ("4", 19, (4, 4, 4, 4, 3)),
]


def card_number() -> tuple[str, tuple[int, ...]]:
    prefix, length, groups = R.choice(CARD_BRANDS)
    return luhn_complete(prefix, length), groups


def s_card() -> Slot:
    number, groups = card_number()
    sep = R.choice([" ", " ", "-", ""])
    parts, i = [], 0
    for g in groups:
        parts.append(number[i : i + g])
        i += g
    text = sep.join(parts)
    return text, ("card", last4(text))


def s_account() -> Slot:
    n = R.randint(8, 14)
    text = digits(n)
    if R.random() < 0.2:
        text = f"{text[:4]}-{text[4:]}"
    return text, ("financial_account", last4(text))


def routing_number() -> str:
    while True:
        body = R.choice(["10", "11", "12", "30", "31", "32"]) + digits(6)
        w = [3, 7, 1, 3, 7, 1, 3, 7]
        check = (10 - sum(int(d) * x for d, x in zip(body, w, strict=True)) % 10) % 10
        number = body + str(check)
        return number


def s_routing() -> Slot:
    return routing_number(), None


def s_ein() -> Slot:
    while True:
        n = digits(9)
        if ein.is_valid(n):
            text = f"{n[:2]}-{n[2:]}"
            return text, ("taxpayer_id", last4(text))


def s_itin() -> Slot:
    while True:
        n = f"9{digits(2)}{R.choice(['7', '8', '9'])}{digits(1)}{digits(4)}"
        if itin.is_valid(n):
            text = f"{n[:3]}-{n[3:5]}-{n[5:]}"
            return text, ("taxpayer_id", last4(text))


def s_dl() -> Slot:
    style = R.choice(["nm", "nm", "letter", "dashed"])
    if style == "nm":
        text = digits(9)
    elif style == "letter":
        text = R.choice("ABDFGHKMNPSTWY") + digits(R.choice([7, 8]))
    else:
        text = f"{R.choice('SMT')}{digits(3)}-{digits(3)}-{digits(2)}-{digits(3)}"
    return text, ("drivers_licence", last4(text))


def birth_year() -> int:
    return R.randint(1940, 2012)


def s_dob() -> Slot:
    y, m, d = birth_year(), R.randint(1, 12), R.randint(1, 28)
    style = R.choice(
        [
            "mdy",
            "mdy0",
            "mdy2",
            "dash",
            "iso",
            "written",
            "writtenth",
            "abbr",
            "dmy_en",
            "es",
            "es_del",
            "dmy_num",
            "noyear",
        ]
    )
    mon, mes = MONTHS_EN[m - 1], MONTHS_ES[m - 1]
    yy = f"{y % 100:02d}"
    table = {
        "mdy": (f"{m}/{d}/", f"{y}"),
        "mdy0": (f"{m:02d}/{d:02d}/", f"{y}"),
        "mdy2": (f"{m}/{d}/", yy),
        "dash": (f"{m:02d}-{d:02d}-", f"{y}"),
        "written": (f"{mon} {d}, ", f"{y}"),
        "writtenth": (f"{mon} {d}{_th(d)}, ", f"{y}"),
        "abbr": (f"{mon[:3]}. {d}, ", f"{y}"),
        "dmy_en": (f"{d} {mon} ", f"{y}"),
        "es": (f"{d} de {mes} de ", f"{y}"),
        "es_del": (f"{d} de {mes} del ", f"{y}"),
        "dmy_num": (f"{max(d, 13)}/{m:02d}/", f"{y}"),
        "noyear": (f"{mon} {d}", ""),
    }
    if style == "iso":
        text = f"{y}-{m:02d}-{d:02d}"
        return text, ("birth_date", [(0, 4)])
    head, year = table[style]
    text = head + year
    return text, ("birth_date", [(len(head), len(text))] if year else [])


def _th(d: int) -> str:
    return "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


def s_address() -> Slot:
    street = f"{R.randint(100, 13999)} {R.choice(STREET)} {R.choice(SUFFIX)}"
    if R.random() < 0.5:
        street += " " + R.choice(["NE", "NW", "SE", "SW"])
    if R.random() < 0.5:
        tail = f"{R.choice(CITY)}, NM 87{R.randint(100, 599)}"
        text = f"{street}, {tail}"
        return text, ("home_address", [(len(street) + 2, len(text))])
    return street, ("home_address", [])


def s_address_es() -> Slot:
    text = f"Calle {R.choice(['del Sol', 'Ocho', 'Luna', 'Real', 'de la Paz'])} {R.randint(1, 999)}"
    return text, ("home_address", [])


# ------------------------------------------------------------------ lookalikes


def phone() -> str:
    a, b, c = "505", f"{R.randint(200, 999)}", f"{R.randint(0, 9999):04d}"
    return R.choice(
        [
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"+1 {a} {b} {c}",
            f"{a}{b}{c}",
            f"{a}.{b}.{c}",
            f"575-{b}-{c}",
        ]
    )


def lookalike() -> str:
    kind = R.choice(
        [
            "phone",
            "case",
            "report",
            "cad",
            "zip",
            "zip4",
            "date",
            "time",
            "price",
            "badge",
            "vin",
            "ups",
            "usps",
            "fedex",
            "tweet",
            "post",
            "url",
            "ending",
            "order",
            "routing",
            "born_year",
            "dateonly",
            "fbid",
        ]
    )
    y = R.randint(2019, 2026)
    return {
        "phone": phone(),
        "case": f"case #{y}-{R.randint(1, 99999):05d}",
        "report": f"report {y % 100}-{R.randint(100000, 999999)}",
        "cad": f"CAD {y % 100}{R.randint(1, 12):02d}{R.randint(1, 28):02d}-{digits(4)}",
        "zip": f"87{R.randint(100, 599)}",
        "zip4": f"87{R.randint(100, 599)}-{digits(4)}",
        "date": f"{R.randint(1, 12)}/{R.randint(1, 28)}/{y}",
        "time": f"{R.randint(1, 12)}:{R.randint(0, 59):02d} {R.choice(['am', 'pm', 'PM'])}",
        "price": f"${R.randint(1, 9)},{digits(3)}.{digits(2)}",
        "badge": f"badge #{R.randint(100, 9999)}",
        "vin": "1HGCM8" + digits(2) + R.choice("ABCDEFGH") + digits(1) + "A" + digits(6),
        "ups": "1Z" + "".join(R.choice("0123456789ABCDEFX") for _ in range(16)),
        "usps": f"9400 {digits(4)} {digits(4)} {digits(4)} {digits(4)} {digits(2)}",
        "fedex": R.choice([digits(12), f"{digits(4)} {digits(4)} {digits(4)}"]),
        "tweet": luhn_complete(R.choice(["18", "19", "17"]), 19),
        "post": f"https://www.facebook.com/ABQPolice/posts/{luhn_complete('10', 17)}",
        "url": f"https://x.com/abqpolice/status/{luhn_complete('18', 19)}",
        "ending": f"card ending {digits(4)}",
        "order": f"order #{digits(3)}-{digits(7)}-{digits(7)}",
        "routing": f"routing number {routing_number()}",
        "born_year": f"born in {birth_year()}",
        "dateonly": f"{R.choice(MONTHS_EN)} {R.randint(1, 28)}, {y}",
        "fbid": f"post id {luhn_complete('4', 16)}",
    }[kind]


def s_look() -> Slot:
    return lookalike(), None


def s_phone() -> Slot:
    return phone(), None


def s_name() -> Slot:
    return f"{R.choice(FIRST)} {R.choice(LAST)}", None


def s_officer() -> Slot:
    return (
        f"{R.choice(['Officer', 'Ofc.', 'Deputy', 'Sgt.', 'Detective', 'oficial'])} "
        f"{R.choice(LAST)}",
        None,
    )


def s_city() -> Slot:
    return R.choice(CITY), None


def s_incident_date() -> Slot:
    y = R.randint(2022, 2026)
    return R.choice(
        [
            f"{R.randint(1, 12)}/{R.randint(1, 28)}/{y}",
            f"{R.choice(MONTHS_EN)} {R.randint(1, 28)}, {y}",
            f"{R.randint(1, 28)} de {R.choice(MONTHS_ES)} de {y}",
            f"{y}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}",
        ]
    ), None


SLOTS: dict[str, Callable[[], Slot]] = {
    "ssn": s_ssn,
    "ssnshape": s_ssn_shape,
    "card": s_card,
    "acct": s_account,
    "routing": s_routing,
    "ein": s_ein,
    "itin": s_itin,
    "dl": s_dl,
    "dob": s_dob,
    "addr": s_address,
    "addr_es": s_address_es,
    "look": s_look,
    "phone": s_phone,
    "name": s_name,
    "officer": s_officer,
    "city": s_city,
    "when": s_incident_date,
}

POSITIVE = [
    # SSN
    "My SSN is {ssn}, please fix my account",
    "they asked for my social security number {ssn} over the phone is that legit?",
    "mi numero de seguro social es {ssn} y nadie me contesta",
    "Número de Seguro Social: {ssn}. Llámenme al {phone}",
    "{name} ssn {ssn} dob {dob}",
    "ss# {ssn} — still waiting on the refund",
    "I gave the clerk my social {ssn} and they lost the form",
    "pls delete, posted my SS {ssnshape} by accident",
    "Scammer called claiming to be SSA and read me my own number {ssnshape}!!",
    "my SSN: {ssn} my phone {phone}",
    "Le di mi seguro social {ssn} al oficial, ¿es normal?",
    "soc sec {ssn} for the background check form",
    "need help, my ssn {ssn} got stolen and someone filed taxes",
    "{ssnshape} is my ssn, what do I do now",
    "SSN {ssn} DOB {dob} — for the records request",
    # card
    "Someone charged my card {card} at the gas station on Coors, can you help?",
    "my debit card number is {card} and my bank won't call back",
    "Mi tarjeta {card} fue robada el {when}",
    "visa {card} exp 09/27 cvv in DM",
    "found a credit card on Central, number {card}, brought it to the substation",
    "They cloned {card} at the ATM near {city}",
    "tarjeta de débito {card} — ¿a quién le hablo?",
    "charged twice on {card}, order {look}",
    "Is it safe to post my card {card}? asking for my mom lol",
    "the pay site took {card} and never gave a receipt",
    # account
    "my checking account {acct} was emptied overnight",
    "deposit it to account # {acct} routing {routing}",
    "acct {acct} at Nusenda, they froze it",
    "mi cuenta de banco {acct} tiene cargos que no hice",
    "número de cuenta: {acct}, ruta {routing}",
    "Bank account number {acct} was used for the fraud, reported it {when}",
    "a/c {acct} please refund there",
    "my savings {acct} got hacked",
    # taxpayer
    "Our EIN is {ein} for the vendor permit",
    "business tax id {ein}, call {phone}",
    "ITIN {itin} — do I need it for the form?",
    "mi número de identificación fiscal es {itin}",
    "TIN: {ein}",
    "Federal Tax ID {ein} for the donation receipt",
    "Mi ITIN es {itin}, ¿lo necesitan?",
    # licence
    "my DL# {dl} was in the wallet that got stolen",
    "Driver's license {dl} expired, can I still get the report?",
    "licencia de manejo {dl} y mi carro fue remolcado",
    "He wrote my license number {dl} wrong on the citation",
    "D/L {dl} plate {look}",
    "mi licencia {dl} se perdió en el {city} Walmart",
    "drivers lic {dl}",
    "NM DL {dl} for the records request",
    # DOB
    "DOB {dob} if you need it to find the report",
    "I was born {dob} and the MVD says I'm someone else",
    "nací el {dob} en {city}",
    "fecha de nacimiento: {dob}",
    "my son, born on {dob}, has been missing since {when}",
    "D.O.B. {dob} name {name}",
    "{dob} is my birthday and I still can't get the records",
    "Mi hijo nació el {dob}, ¿pueden ayudarme?",
    "birthday: {dob}",
    "Birthdate {dob}, address on file",
    "cumpleaños {dob}",
    "looking for my brother {name}, b. {dob}, last seen near {city}",
    # home address
    "{officer} lives at {addr}, everyone should know",
    "that cop {officer} lives on {addr} and speeds every day",
    "el {officer} vive en {addr_es}, yo lo he visto",
    "{officer}'s home address is {addr}",
    "la oficial {name} vive en {addr} en {city}",
    "Isn't that the deputy who lives at {addr}?",
    "su casa está en {addr}, el oficial siempre estaciona la patrulla ahí",
]

NEGATIVE = [
    "Thanks APD for the quick response on {when}!",
    "Call us at {phone} if you see anything",
    "Please reference {look} when you call",
    "Incident {look} happened at {look} near {city}",
    "Lost dog near {city}, call {phone} !!",
    "What happened on Coors on {when}? Heard sirens at {look}",
    "Was told to use {look} for the follow-up",
    "the city charged me {look} for a permit, ridiculous",
    "Llámenme al {phone}, el caso es {look}",
    "¿Alguien sabe qué pasó el {when} en {city}?",
    "Tracking says {look} but the package never came",
    "Shared this: {look}",
    "my card ending {look} got declined at the MVD, is the system down?",
    "Great job {officer}! See {look}",
    "Report filed {when}, {look}",
    "vin {look} stolen truck, white Silverado",
    "Here is the post: {look}",
    "The zip is {look} not 87123",
    "Hey {name}, call {phone} about {look}",
    "Born and raised in {city}, never seen it this bad. Happened on {when}",
    "happy birthday {officer}! 🎉",
    "order {look} never arrived, is this a scam text?",
    "birthday party on {when} at the park, all welcome",
    "The account was suspended on {when}, ref {look}",
    "Mi cumpleaños fue ayer y me robaron el carro, reporte {look}",
    "He lives in {city} and works downtown, call {phone}",
    "{officer} badge {look} was very professional",
    "Gracias a la policía de {city} por su ayuda {when}",
    "My license plate is {look}, they towed it",
    "Community meeting {when} at 6:30 pm, 400 Marquette NW",
    "Officer lives in {city} too, good guy. {look}",
    "Amber alert update: child born in {look}, last seen {when}",
    "Fee is {look} plus tax, pay at the window",
    "DM me, my number {phone}",
    "see https://www.cabq.gov/police/{look}",
    "Routing {routing} is the credit union, right?",
]


def render(template: str) -> dict[str, object]:
    text = ""
    spans: list[dict[str, object]] = []
    pos = 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos : m.start()]
        value, label = SLOTS[m.group(1)]()
        if label is not None:
            kind, visible = label
            start = len(text)
            spans.append(
                {
                    "kind": kind,
                    "start": start,
                    "end": start + len(value),
                    "visible": [[start + a, start + b] for a, b in visible],
                }
            )
        text += value
        pos = m.end()
    text += template[pos:]
    return {"text": text, "spans": spans}


def main() -> None:
    rows: list[dict[str, object]] = []
    for i in range(1200):
        template = R.choice(NEGATIVE) if i % 20 < 9 else R.choice(POSITIVE)
        row = render(template)
        rows.append({"id": f"gen-{i:04d}", **row})
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    negatives = sum(1 for r in rows if not r["spans"])
    print(f"{len(rows)} texts, {negatives} without identifiers -> {OUT}")


if __name__ == "__main__":
    main()

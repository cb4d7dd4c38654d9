"""One targeted test per identifier form and per lookalike the issue lists."""

from __future__ import annotations

import pytest

from retention_desk.detection import IDENTIFIER_CODE, detect_text, redact_ranges


def _found(text: str) -> list[tuple[str, str, list[str]]]:
    return [
        (c.kind, text[c.start : c.end], [text[a:b] for a, b in c.redact]) for c in detect_text(text)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "call me at (505) 555-0142",
        "505-555-0142 is my cell",
        "+1 505 555 0142",
        "my number 5055550142",
        "case #2025-00123 still open",
        "report 25-123456 was filed",
        "CAD 250314-0098 from dispatch",
        "zip 87121-1234",
        "Santa Fe NM 87505",
        "incident on 3/14/2025 at 14:30",
        "On March 14, 1987 the old jail closed",  # a date with no birth cue
        "towing was $1,234.56",
        "badge 4471, unit 2214",
        "VIN 1HGCM82633A004352 stolen",
        "UPS 1Z999AA10123456784",
        "USPS 9400 1000 0000 0000 0000 00",
        "FedEx 7946 1234 5678",
        "https://x.com/abqpolice/status/1798234567890123456",
        "tweet 1789123456789012345",
        "https://www.facebook.com/ABQPolice/posts/4111111111111111",
        "post id 4111111111111111",
        "tracking 4111 1111 1111 1111",
        "card ending 4242",
        "my card ending in 4242 was declined",
        "routing number 102000021",
        "born in 1987, raised in Gallup",
        "birthday party on 6/14 at the park",
        "123456789",  # bare nine digits: no cue, not SSN-shaped
        "license plate ABC1234 was towed",
        "The mayor lives at 500 Palace Ave",  # no employee: not (F)(4)
        "I live at 2214 Alvarado Dr SE",  # the writer's own address
        "Our account has 1500000 followers now",  # a page's account, a count
        "The license fee went up 1000000 percent",
        "account balance 123456.78",
        "Mi cuenta de Facebook 1234567890 fue hackeada",
        "Bike registration #4012888888881881",
        "birthday 2025-06-14 party for the chief",
        "Officer Baca lives in Rio Rancho and works at 400 Roma Ave NW",  # a work address
        "the guy lives at 1400 Oak St, he's not a cop, just a neighbor",
    ],
)
def test_lookalike_is_not_a_candidate(text: str) -> None:
    assert detect_text(text) == []
    assert redact_ranges(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "found", "redacted"),
    [
        ("SSN 123-45-6789", "ssn", "123-45-6789", "123-45-6789"),
        ("ssn 123456789", "ssn", "123456789", "123456789"),
        ("social 123 45 6789", "ssn", "123 45 6789", "123 45 6789"),
        ("123.45.6789 leaked", "ssn", "123.45.6789", "123.45.6789"),
        ("student ID number 123-45-6789", "ssn", "123-45-6789", "123-45-6789"),
        ("mi número de seguro social es 123456789", "ssn", "123456789", "123456789"),
        ("123456789 is my SSN", "ssn", "123456789", "123456789"),
        ("card 4111 1111 1111 1111", "card", "4111 1111 1111 1111", "4111 1111 1111 "),
        ("paid 4111-1111-1111-1111 today", "card", "4111-1111-1111-1111", "4111-1111-1111-"),
        ("amex 3782 822463 10005", "card", "3782 822463 10005", "3782 822463 1"),
        ("4111111111111111", "card", "4111111111111111", "411111111111"),
        ("acct 000123456789", "financial_account", "000123456789", "00012345"),
        ("cuenta 12345678", "financial_account", "12345678", "1234"),
        ("EIN 12-3456789", "taxpayer_id", "12-3456789", "12-345"),
        ("ITIN 912-70-1234", "taxpayer_id", "912-70-1234", "912-70-"),
        ("912-70-1234", "taxpayer_id", "912-70-1234", "912-70-"),
        ("DL 123456789", "drivers_licence", "123456789", "12345"),
        ("licencia A1234567", "drivers_licence", "A1234567", "A123"),
        (
            "mi licencia es de Chihuahua, número CHH12345678",
            "drivers_licence",
            "CHH12345678",
            "CHH1234",
        ),
        ("DOB 3/14/1987", "birth_date", "3/14/1987", "3/14/"),
        ("born March 14th, 1987", "birth_date", "March 14th, 1987", "March 14th, "),
        ("nací el 14 de marzo de 1987", "birth_date", "14 de marzo de 1987", "14 de marzo de "),
        ("fecha de nacimiento 1987-03-14", "birth_date", "1987-03-14", "-03-14"),
        ("d.o.b. 3-14-87", "birth_date", "3-14-87", "3-14-"),
        ("Born: 14-Mar-1987", "birth_date", "14-Mar-1987", "14-Mar-"),
        ("DOB 14MAR1987", "birth_date", "14MAR1987", "14MAR"),
        ("my birthday is March 14", "birth_date", "March 14", "March 14"),
        ("social security card 123456789", "ssn", "123456789", "123456789"),
    ],
)
def test_identifier_found_with_visible_part_kept(
    text: str, kind: str, found: str, redacted: str
) -> None:
    cands = [c for c in detect_text(text) if c.kind == kind]
    assert len(cands) == 1
    cand = cands[0]
    assert text[cand.start : cand.end] == found
    assert "".join(text[a:b] for a, b in cand.redact) == redacted
    assert cand.code == IDENTIFIER_CODE and not cand.suggestion and cand.rule


@pytest.mark.parametrize(
    "number", ["000-12-3456", "666-12-3456", "923-12-3456", "123-00-4567", "123-45-0000"]
)
def test_ssa_invalid_ranges_are_not_ssns(number: str) -> None:
    assert [c for c in detect_text(f"SSN {number}") if c.kind == "ssn"] == []


def test_luhn_invalid_card_is_not_a_card() -> None:
    assert detect_text("card 4111 1111 1111 1112") == []


def test_home_address_is_a_suggestion_with_city_kept() -> None:
    text = "Officer Baca lives at 4412 Sierra Vista Dr NE, Albuquerque, NM 87111"
    (cand,) = detect_text(text)
    assert cand.kind == "home_address" and cand.suggestion
    assert text[cand.start : cand.end] == "4412 Sierra Vista Dr NE, Albuquerque, NM 87111"
    assert [text[a:b] for a, b in cand.redact] == ["4412 Sierra Vista Dr NE"]


def test_routing_stays_visible_account_does_not() -> None:
    text = "routing 102000021 account 0001234567890"
    assert _found(text) == [("financial_account", "0001234567890", ["000123456"])]


def test_a_corrected_birth_date_is_one_too_an_arrest_date_is_not() -> None:
    text = "my DOB shows as 1/1/1900 lol, it's actually 7/19/1990"
    assert [text[c.start : c.end] for c in detect_text(text)] == ["1/1/1900", "7/19/1990"]
    text = "DOB 3/14/1987, arrested 5/2/2025"
    assert [text[c.start : c.end] for c in detect_text(text)] == ["3/14/1987"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("my license is A812-455-902 hmm wait no it's A812455903", ["A812-455-902", "A812455903"]),
        ("acct 12345678 or 87654321", ["12345678", "87654321"]),
        ("acct 12345678 and 5055550142", ["12345678"]),  # not as long: a phone
        ("the DOB they have is 3/3/2005 instead of 3/3/2006", ["3/3/2005", "3/3/2006"]),
    ],
)
def test_a_second_identifier_correcting_the_first(text: str, found: list[str]) -> None:
    assert [text[c.start : c.end] for c in detect_text(text)] == found


def test_home_address_after_a_longer_phrase() -> None:
    text = "Officer Sena lives just down the road from me at 3401 Rio Bravo Blvd SW and"
    assert [text[c.start : c.end] for c in detect_text(text)] == ["3401 Rio Bravo Blvd SW"]


def test_several_kinds_in_one_text_sorted() -> None:
    text = "SSN 123-45-6789, DOB 3/14/1987, DL 123456789, call 505-555-0142"
    assert [c.kind for c in detect_text(text)] == ["ssn", "birth_date", "drivers_licence"]
    assert redact_ranges(text) == [(4, 15), (21, 26), (35, 40)]

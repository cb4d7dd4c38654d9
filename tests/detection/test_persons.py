"""Named persons: every mention of the name (variants, folded case and accents) and handle,
and their authorship."""

from __future__ import annotations

from retention_desk.detection import Person, detect_text, matches_author, person_mentions

CODE = "14-2-1.2(A)(1)"
JOSE = Person("José Luis Pérez García", ("@jlperez_87",), CODE)


def _mentions(text: str, person: Person = JOSE) -> list[str]:
    return [text[c.start : c.end] for c in person_mentions(text, person)]


def test_full_name_any_case_and_accents() -> None:
    text = "JOSE LUIS PEREZ GARCIA and josé luis pérez garcía"
    assert _mentions(text) == ["JOSE LUIS PEREZ GARCIA", "josé luis pérez garcía"]


def test_variants() -> None:
    text = "Pérez, José said; jose perez too; José García was there"
    assert _mentions(text) == ["Pérez, José", "jose perez", "José García"]


def test_surname_alone_only_after_a_title() -> None:
    assert _mentions("Mr. Pérez called, Sra. García too") == ["Pérez", "García"]
    assert _mentions("Pérez called") == []
    assert _mentions("José called") == []  # a first name alone is never matched


def test_handle_and_not_inside_words() -> None:
    assert _mentions("cc @jlperez_87 and @JLPEREZ_87.") == ["@jlperez_87", "@JLPEREZ_87"]
    assert _mentions("@jlperez_877 is someone else") == []
    assert _mentions("Joseph Perezoso") == []


def test_candidates_carry_the_persons_code() -> None:
    (cand,) = detect_text("Mr. Pérez was the victim", persons=[JOSE])
    assert cand.kind == "person" and cand.code == CODE and not cand.suggestion
    assert cand.redact == ((cand.start, cand.end),)


def test_matches_author() -> None:
    assert matches_author("Jose Perez", "", JOSE)
    assert matches_author("JOSÉ LUIS PÉREZ GARCÍA", "", JOSE)
    assert matches_author("Someone", "@JLPerez_87", JOSE)
    assert matches_author("Someone", "jlperez_87", JOSE)
    assert not matches_author("José", "", JOSE)
    assert not matches_author("Maria Perez", "maria_p", JOSE)

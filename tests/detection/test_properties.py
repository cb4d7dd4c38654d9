"""detect_text on arbitrary text: never raises, candidates are in range, sorted, carry a
redaction inside the candidate, and never overlap for the same kind."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from retention_desk.detection import KINDS, Person, detect_text, redact_ranges

PIECES = st.sampled_from(
    [
        "SSN ",
        "DOB ",
        "card ",
        "acct ",
        "DL ",
        "EIN ",
        "born ",
        "nací el ",
        "lives at ",
        "Officer ",
        "123-45-6789",
        "4111 1111 1111 1111",
        "3/14/1987",
        "14 de marzo de 1987",
        "4412 Main St NE",
        ", ",
        ". ",
        "\n",
        "#",
        "/",
        "-",
        " ",
        "José",
        "@jose_1",
        "Sr. Pérez",
    ]
)
TEXTS = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5))).map("".join))
PERSON = Person("José Pérez", ("@jose_1",), "14-2-1.2(A)(1)")


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_candidates_are_valid(text: str) -> None:
    cands = detect_text(text, persons=[PERSON])
    assert [c.start for c in cands] == sorted(c.start for c in cands)
    last_end: dict[str, int] = {}
    for c in cands:
        assert c.kind in KINDS
        assert 0 <= c.start < c.end <= len(text)
        assert c.redact
        for a, b in c.redact:
            assert c.start <= a < b <= c.end
        assert c.start >= last_end.get(c.kind, 0)
        last_end[c.kind] = c.end
    ranges = redact_ranges(text, persons=[PERSON])
    for (_, b), (a2, _) in pairwise(ranges):
        assert b < a2

"""Detection of protected personal identifiers (NMSA 1978, 14-2-6(F)) and named persons in
record text: candidates for redaction, each with what would be blacked out and what may stay
visible. Pure functions over strings: no archive access, no I/O.

`detect_text` finds every candidate; `redact_ranges` is the union of what would be blacked
out if every candidate (suggestions included) were accepted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retention_desk.detection.address import RESIDENCE_RE, find_home_addresses
from retention_desk.detection.cues import BIRTH_CUE_RE, find_cues
from retention_desk.detection.dates import find_birth_dates
from retention_desk.detection.model import (
    IDENTIFIER_CODE,
    KINDS,
    Candidate,
    Person,
    merge_ranges,
)
from retention_desk.detection.numbers import find_numbers
from retention_desk.detection.persons import fold, matches_author, person_mentions

__all__ = [
    "IDENTIFIER_CODE",
    "KINDS",
    "Candidate",
    "Person",
    "detect_text",
    "matches_author",
    "person_mentions",
    "redact_ranges",
]

# Cheap prefilters: most comments have no long number, no date and no address.
_SIX_DIGITS_RE = re.compile(r"(?:\D*\d){6}")
_DIGIT_RE = re.compile(r"\d")


def detect_text(text: str, *, persons: Sequence[Person] = ()) -> list[Candidate]:
    """Every candidate in `text`, sorted by start; never two overlapping candidates of the
    same kind (the longer, earlier one is kept)."""
    found: list[Candidate] = []
    if _DIGIT_RE.search(text) is not None:
        many_digits = _SIX_DIGITS_RE.match(text) is not None
        birth = BIRTH_CUE_RE.search(text) is not None
        if many_digits or birth:
            cues = find_cues(text)
            if many_digits:
                found.extend(find_numbers(text, cues))
            if birth:
                found.extend(find_birth_dates(text, cues))
        if RESIDENCE_RE.search(text) is not None:
            found.extend(find_home_addresses(text))
    if persons:
        folded = fold(text)
        for person in persons:
            found.extend(person_mentions(text, person, folded=folded))
    return _without_overlaps(found)


def _without_overlaps(found: list[Candidate]) -> list[Candidate]:
    found.sort(key=lambda c: (c.start, -(c.end - c.start), c.kind))
    kept: list[Candidate] = []
    last_end: dict[str, int] = {}
    for cand in found:
        if cand.start < last_end.get(cand.kind, -1):
            continue
        kept.append(cand)
        last_end[cand.kind] = cand.end
    return kept


def redact_ranges(text: str, *, persons: Sequence[Person] = ()) -> list[tuple[int, int]]:
    """Union of every candidate's redaction (suggestions included), merged and sorted."""
    ranges = [r for cand in detect_text(text, persons=persons) for r in cand.redact]
    return merge_ranges(ranges)

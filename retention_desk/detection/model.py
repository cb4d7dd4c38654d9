"""What detection returns: candidates to redact, and the people a custodian names.

Pure data: nothing here reads an archive. Indices are Python `str` indices into the text
that was given, so a caller can slice the same string it passed in.
"""

from __future__ import annotations

from dataclasses import dataclass

IDENTIFIER_CODE = "14-2-1.1"

# The kinds of resources/exemptions.toml's [[identifier]] table, plus named persons.
KINDS = (
    "ssn",
    "card",
    "financial_account",
    "taxpayer_id",
    "drivers_licence",
    "birth_date",
    "home_address",
    "person",
)


@dataclass(frozen=True)
class Candidate:
    kind: str
    start: int  # the identifier as found
    end: int
    # what would be blacked out: the identifier minus what 14-2-6(F) lets stay visible
    redact: tuple[tuple[int, int], ...]
    code: str  # exemption code proposed
    suggestion: bool  # True: shown for review, never pre-accepted (home addresses)
    rule: str  # short name of what found it, shown to the reviewer


@dataclass(frozen=True)
class Person:
    name: str
    handles: tuple[str, ...]
    code: str  # e.g. "14-2-1.2(A)(1)"


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union; touching ranges join (one box, not two)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out

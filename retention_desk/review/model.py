"""Plain dataclasses the review API returns (no ORM objects, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

UNDECIDED = "undecided"
ACCEPTED = "accepted"
REJECTED = "rejected"
STATUSES = (UNDECIDED, ACCEPTED, REJECTED)


@dataclass(frozen=True)
class CandidateInfo:
    id: int
    record_id: int
    version_id: int | None  # None for the record's own fields (author name, handle, URL)
    version_seq: int | None
    field: str
    kind: str
    start: int  # the identifier as found (Python str indices into the value)
    end: int
    redact: tuple[tuple[int, int], ...]  # what accepting it blacks out
    code: str
    suggestion: bool  # never automatic: shown, not pre-accepted (home addresses)
    rule: str
    person_id: int | None
    status: str  # undecided | accepted | rejected
    adjusted: bool  # the custodian changed the span before accepting
    decided_by: str | None
    decided_at: str | None
    redaction_ids: tuple[int, ...]
    # wholly inside a redaction the custodian already made: counts as decided
    covered: bool = False

    @property
    def decided(self) -> bool:
        return self.status != UNDECIDED or self.covered


@dataclass(frozen=True)
class CandidateContext:
    """A candidate in its value, for the reviewer: the text around it, and the found span cut
    into runs that would be blacked out (True) or stay visible (False)."""

    candidate: CandidateInfo
    before: str
    runs: tuple[tuple[str, bool], ...]
    after: str
    value_length: int

    @property
    def found(self) -> str:
        return "".join(text for text, _ in self.runs)

    @property
    def visible(self) -> str:
        """What stays visible of the identifier (last four digits, the birth year), '' when
        nothing does."""
        return "".join(text for text, hidden in self.runs if not hidden).strip(" -./,")


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str
    handles: tuple[str, ...]
    code: str
    created_at: str
    created_by: str


@dataclass(frozen=True)
class KindProgress:
    kind: str
    total: int
    accepted: int
    rejected: int
    covered: int  # undecided but inside a redaction already made

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected + self.covered

    @property
    def undecided(self) -> int:
        return self.total - self.decided


@dataclass(frozen=True)
class ReviewProgress:
    request: str
    kinds: tuple[KindProgress, ...]

    @property
    def total(self) -> int:
        return sum(k.total for k in self.kinds)

    @property
    def decided(self) -> int:
        return sum(k.decided for k in self.kinds)

    @property
    def undecided(self) -> int:
        return self.total - self.decided


@dataclass(frozen=True)
class DetectionRun:
    request: str
    records: int  # records of the set read
    values: int  # texts, titles and author fields searched
    found: int  # candidates found in this run
    new: int  # of them, not found by an earlier run
    kept: int  # earlier candidates found again (their decisions kept)
    reopened: int  # decided earlier, but the characters under them changed: undecided again
    dropped: int  # undecided earlier candidates not found any more (deleted)
    progress: ReviewProgress

"""Redaction review: run detection over a request's records, keep the candidates with the
custodian's decisions, name persons, and turn accepted candidates into redactions.

Headless: the Review dialog and the `detect`, `review` and `person` commands call these
functions. Detection itself is `retention_desk.detection` (pure functions over strings).
"""

from __future__ import annotations

from retention_desk.review.errors import ReviewError
from retention_desk.review.model import (
    CandidateContext,
    CandidateInfo,
    DetectionRun,
    KindProgress,
    PersonInfo,
    ReviewProgress,
)

__all__ = [
    "CandidateContext",
    "CandidateInfo",
    "DetectionRun",
    "KindProgress",
    "PersonInfo",
    "ReviewError",
    "ReviewProgress",
]

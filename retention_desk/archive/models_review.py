"""ORM models of migration 0014 (redaction review): candidates found by detection with the
custodian's decisions, and the persons named for a request.

A candidate stores offsets and a keyed digest, never the characters it covers; it is deleted
with its record (`disposal.registry`). No foreign key to records or versions: a candidate
whose record is gone is deleted by destruction, and one whose characters changed is found
again by the next detection run.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from retention_desk.archive.models import Base

CANDIDATE_STATUSES = ("undecided", "accepted", "rejected")
CANDIDATE_FIELDS = ("text", "title", "author_name", "author_handle", "url")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class ReviewPerson(Base):
    """A person the custodian named once for a request (name, handles, the code every
    mention is redacted under, e.g. 14-2-1.2(A)(1) for a victim before charges)."""

    __tablename__ = "review_persons"
    __table_args__ = (
        Index("ix_review_persons_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    name: Mapped[str] = mapped_column(Text)
    handles_json: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[str | None] = mapped_column(String(27))


class ReviewCandidate(Base):
    """Where detection found something to redact in a request's record, and the decision."""

    __tablename__ = "review_candidates"
    __table_args__ = (
        CheckConstraint(_in("status", CANDIDATE_STATUSES), name="ck_review_candidates_status"),
        CheckConstraint(_in("field", CANDIDATE_FIELDS), name="ck_review_candidates_field"),
        CheckConstraint(
            "start_index >= 0 AND end_index > start_index", name="ck_review_candidates_range"
        ),
        Index("ix_review_candidates_request", "request_id", "status", "kind"),
        Index("ix_review_candidates_record", "record_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    record_id: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    start_index: Mapped[int] = mapped_column(Integer)
    end_index: Mapped[int] = mapped_column(Integer)
    redact_json: Mapped[str] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(60))
    suggestion: Mapped[bool] = mapped_column(Boolean)
    rule: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int | None] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    adjusted: Mapped[bool] = mapped_column(Boolean)
    redaction_ids_json: Mapped[str] = mapped_column(Text)
    found_at: Mapped[str] = mapped_column(String(27))
    decided_at: Mapped[str | None] = mapped_column(String(27))
    decided_by: Mapped[str | None] = mapped_column(String(200))

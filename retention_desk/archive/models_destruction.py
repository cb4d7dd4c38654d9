"""ORM models of migration 0010 (destruction), on the archive's one `Base`.

Kept apart from models.py so the destruction feature owns its schema (and models.py stays a
readable size); whatever needs all of `Base.metadata` (the migration environment, the
schema-versus-models test) imports this module too.
"""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from retention_desk.archive.models import Base


class RecordTombstone(Base):
    """What stays of a destroyed record: ids, platform id, series, dates, the report that
    approved it and its salted leaf, whose salt is deleted. Append-only (triggers)."""

    __tablename__ = "record_tombstones"
    __table_args__ = (Index("ix_record_tombstones_report", "report_id"),)

    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    platform: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))
    platform_id: Mapped[str | None] = mapped_column(Text)
    series_code: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[str | None] = mapped_column(String(27))
    eligible_on: Mapped[str] = mapped_column(String(10))
    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"))
    destroyed_at: Mapped[str] = mapped_column(String(27))
    matched_snapshot: Mapped[bool] = mapped_column()
    leaf: Mapped[bytes] = mapped_column(LargeBinary)


class DisposalDestruction(Base):
    """One report's destruction run: who started it, when it finished and was purged, the
    copies the archive knew of, and the certificate's blob. Names live here, never in audit."""

    __tablename__ = "disposal_destructions"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("disposal_reports.id"), primary_key=True, autoincrement=False
    )
    started_at: Mapped[str] = mapped_column(String(27))
    started_by: Mapped[str] = mapped_column(String(200))
    finished_at: Mapped[str | None] = mapped_column(String(27))
    purged_at: Mapped[str | None] = mapped_column(String(27))
    copies_json: Mapped[str] = mapped_column(Text)
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))


class DisposalSkipped(Base):
    """A record of a report that destruction left alone, with the reason code."""

    __tablename__ = "disposal_skipped"
    __table_args__ = (
        CheckConstraint(
            "reason IN ('held','not_eligible','changed','missing')",
            name="ck_disposal_skipped_reason",
        ),
        {"sqlite_with_rowid": False},
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    at: Mapped[str] = mapped_column(String(27))


class DisposalRetainedOriginal(Base):
    """A destroyed record whose content stays inside an original that cannot be split."""

    __tablename__ = "disposal_retained_originals"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_with_rowid": False}

    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)


class DisposalRewrite(Base):
    """An original rewritten (or removed: new_sha256 NULL) by a destruction."""

    __tablename__ = "disposal_rewrites"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"))
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id"))
    old_sha256: Mapped[str] = mapped_column(String(64))
    new_sha256: Mapped[str | None] = mapped_column(String(64))
    removed: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(27))

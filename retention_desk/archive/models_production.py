"""ORM models of migration 0013 (productions), on the archive's one `Base`.

A production is what was handed over for a request: a Bates-numbered PDF or an XLSX, with its
manifest, as produced. It belongs to the request file (series PRR, kept with the request), so
the released files stay here as released even after one of their records is destroyed; what
goes with a destroyed record is the production's key (`productions.production_key`), so the
keyed hashes printed in the released files can no longer confirm a guess of what was redacted
(`disposal.registry`). No foreign key to records or redactions: a production's history
outlives both.
"""

from __future__ import annotations

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

PRODUCTION_KINDS = ("release", "review")
PRODUCTION_FORMATS = ("pdf", "xlsx")
PRODUCTION_STATUSES = ("complete", "cancelled")
FILE_ROLES = ("pdf", "xlsx", "manifest_csv", "manifest_json")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Production(Base):
    """One production run of a request: its kind and format, the options it ran with (JSON:
    versions, restricted records included explicitly, Bates digits, where control numbers came
    from), the Bates range it consumed (NULL for review copies, cancelled runs and an XLSX that
    reuses a PDF's numbers), counts, the random key its keyed hashes used (NULL once a record
    of it is destroyed), the local day printed on it, and who ran it when."""

    __tablename__ = "productions"
    __table_args__ = (
        CheckConstraint(_in("kind", PRODUCTION_KINDS), name="ck_productions_kind"),
        CheckConstraint(_in("file_format", PRODUCTION_FORMATS), name="ck_productions_format"),
        CheckConstraint(_in("status", PRODUCTION_STATUSES), name="ck_productions_status"),
        CheckConstraint(
            "(bates_first IS NULL AND bates_last IS NULL) OR (kind = 'release'"
            " AND status = 'complete' AND bates_first >= 1 AND bates_last >= bates_first)",
            name="ck_productions_bates",
        ),
        Index("ix_productions_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("ipra_requests.id"))
    kind: Mapped[str] = mapped_column(String(10))
    file_format: Mapped[str] = mapped_column(String(8))
    options_json: Mapped[str] = mapped_column(Text)
    bates_prefix: Mapped[str | None] = mapped_column(String(20))
    bates_first: Mapped[int | None] = mapped_column(Integer)
    bates_last: Mapped[int | None] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer)
    redaction_count: Mapped[int] = mapped_column(Integer)
    withheld_count: Mapped[int] = mapped_column(Integer)
    production_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_deleted_at: Mapped[str | None] = mapped_column(String(27))
    produced_on: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10))


class ProductionRecord(Base):
    """A record of a production, in layout order (`seq`), with the version ids produced and
    its Bates (or control-number) range; NULL for a review copy."""

    __tablename__ = "production_records"
    __table_args__ = (
        Index("ix_production_records_record", "record_id"),
        {"sqlite_with_rowid": False},
    )

    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    version_ids_json: Mapped[str] = mapped_column(Text)
    bates_first: Mapped[int | None] = mapped_column(Integer)
    bates_last: Mapped[int | None] = mapped_column(Integer)


class ProductionRedaction(Base):
    """A redaction or withholding a production applied, with its code as applied (the
    redaction itself may later be removed or destroyed with its record)."""

    __tablename__ = "production_redactions"
    __table_args__ = ({"sqlite_with_rowid": False},)

    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), primary_key=True)
    redaction_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(60))


class ProductionFile(Base):
    """A file a production wrote (the PDF or XLSX and the manifests), its name, SHA-256 and
    size, and the blob holding its bytes: the request file keeps what was released."""

    __tablename__ = "production_files"
    __table_args__ = (
        CheckConstraint(_in("role", FILE_ROLES), name="ck_production_files_role"),
        {"sqlite_with_rowid": False},
    )

    production_id: Mapped[int] = mapped_column(ForeignKey("productions.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    blob_sha256: Mapped[str | None] = mapped_column(String(64))

"""The archive's tables as SQLAlchemy 2.0 typed models.

Conventions that later features rely on:
- Internal ids are INTEGER primary keys and never reused (AUTOINCREMENT where rows can be
  destroyed), so a destruction tombstone, a hold or a Bates-numbered production can name a record
  by id for ever.
- Platform ids are TEXT: X ids exceed 2**53 and must never pass through a float.
- Times are UTC in one fixed-width text form (see timeutil); the string the platform wrote is
  kept beside each one (`*_raw`).
- Content never changes in place: an edit is a new RecordVersion; deletion/hiding on the
  platform is a flag with its time.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from retention_desk.archive import timeutil


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetime stored as fixed-width ISO text."""

    impl = String(27)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return timeutil.to_db(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return timeutil.from_db(value)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Archive-wide settings (agency, custodian, time zone...) as JSON text values."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only, hash-chained log of every state change (triggers refuse UPDATE/DELETE)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(27), index=True)
    operator: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str | None] = mapped_column(String(50))
    object_ids: Mapped[str] = mapped_column(Text)  # JSON list
    details: Mapped[str] = mapped_column(Text)  # canonical JSON object
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    operator: Mapped[str] = mapped_column(String(200))
    app_version: Mapped[str] = mapped_column(String(50))
    # running | completed | completed_with_errors | failed | cancelled
    status: Mapped[str] = mapped_column(String(30), default="running")
    options_json: Mapped[str] = mapped_column(Text, default="{}")
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    errors_json: Mapped[str] = mapped_column(Text, default="[]")
    # {"pid", "host"} of the process running it; a dead process's batch becomes interrupted
    process: Mapped[str | None] = mapped_column(Text)


class Blob(Base):
    """Content-addressed bytes (originals and media). The key *is* the SHA-256 of the content."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BlobChunk(Base):
    """Blob content in fixed-size chunks: bounded memory and no 1 GB SQLite value limit."""

    __tablename__ = "blob_chunks"

    sha256: Mapped[str] = mapped_column(
        String(64), ForeignKey("blobs.sha256", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SourceFile(Base):
    """One original the user imported: a file, or a container (zip/folder) and its members.

    Every file is kept byte-exact as a blob. A zip export is kept member by member (each
    member a blob, its SHA-256 checked by `verify`); the container row records the zip's own
    name, size and SHA-256 and has no blob. Media inside an export are thereby stored once,
    and the same media in a later overlapping export costs nothing.
    """

    __tablename__ = "source_files"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"), index=True)
    name: Mapped[str] = mapped_column(Text)  # file name as given, or path inside the container
    original_path: Mapped[str | None] = mapped_column(Text)  # where it was on disk at import
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    detected_format: Mapped[str | None] = mapped_column(String(50))
    # imported (parsed into records) | stored (kept, not parsed: media, assets)
    # | container (zip/folder descriptor, no blob) | failed (kept; parsing failed, see error)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    details_json: Mapped[str] = mapped_column(Text, default="{}")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Account(Base):
    """An account/page the agency runs (or a third party's, for comments and messages)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "account_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(30))
    # stable identity: the platform's account id where known, else the handle
    account_key: Mapped[str] = mapped_column(Text)
    platform_account_id: Mapped[str | None] = mapped_column(Text)
    handle: Mapped[str | None] = mapped_column(Text)
    display_name: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    is_official: Mapped[bool] = mapped_column(Boolean, default=False)
    is_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the account registry (migration 0015): DPS OPR:37 E.5.i, Las Cruces CMP 1.12 II.1.b
    url: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), server_default="active")
    opened_on: Mapped[str | None] = mapped_column(String(10))
    retired_on: Mapped[str | None] = mapped_column(String(10))


class Record(Base):
    """One post, comment, reply, message, profile/page or web capture."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("platform", "record_key"),
        Index("ix_records_created", "created_at"),
        Index("ix_records_account_created", "account_id", "created_at"),
        # migration 0002 (search): date-sorted pages filtered by platform or kind
        Index("ix_records_platform_created", "platform", "created_at"),
        Index("ix_records_kind_created", "kind", "created_at"),
        # replies whose parent is not (yet) in the archive: linked when it arrives
        Index(
            "ix_records_unlinked",
            "platform",
            sqlite_where=text("parent_id IS NULL AND parent_key IS NOT NULL"),
        ),
        # the is:/has: filters' records, keyed by kind with the flag's columns (covering):
        # their counts read only the flagged records (migration 0016; each WHERE is the
        # filter's own SQL term)
        *(
            Index(name, *columns, sqlite_where=text(where))
            for name, columns, where in (
                ("ix_records_deleted_kind", ("kind", "deleted_at"), "deleted_at IS NOT NULL"),
                ("ix_records_hidden_kind", ("kind", "hidden_at"), "hidden_at IS NOT NULL"),
                (
                    "ix_records_edited_kind",
                    ("kind", "version_count", "edited_at"),
                    "version_count > 1 OR edited_at IS NOT NULL",
                ),
                ("ix_records_restricted_kind", ("kind", "restricted"), "restricted = 1"),
                ("ix_records_repost_kind", ("kind", "is_repost"), "is_repost = 1"),
                ("ix_records_media_kind", ("kind", "has_media"), "has_media = 1"),
            )
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(30))
    # post | comment | reply | message | page | capture
    kind: Mapped[str] = mapped_column(String(20))
    # identity inside the platform: the platform id, or a derived key where the export has none
    record_key: Mapped[str] = mapped_column(Text)
    platform_id: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    parent_key: Mapped[str | None] = mapped_column(Text)  # parent's record_key, linked late
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"), index=True)
    conversation_key: Mapped[str | None] = mapped_column(Text, index=True)
    author_name: Mapped[str | None] = mapped_column(Text)
    author_handle: Mapped[str | None] = mapped_column(Text)
    author_platform_id: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at_raw: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at_raw: Mapped[str | None] = mapped_column(Text)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    url: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(20))
    is_repost: Mapped[bool] = mapped_column(Boolean, default=False)
    # third parties' private words (DMs): later features keep them out of default productions
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    version_count: Mapped[int] = mapped_column(Integer, default=1)
    has_media: Mapped[bool] = mapped_column(Boolean, default=False)
    extra_json: Mapped[str] = mapped_column(Text, default="{}")  # shown platform metadata
    sensitive_json: Mapped[str] = mapped_column(Text, default="{}")  # e-mail, IPs, GPS: not shown
    first_source_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordVersion(Base):
    """Every text a record has had, oldest first. Never overwritten."""

    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("record_id", "seq"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(
        Text
    )  # display/search form (entities decoded, mojibake fixed)
    text_raw: Mapped[str | None] = mapped_column(Text)  # as the platform wrote it
    content_hash: Mapped[str] = mapped_column(String(64))
    platform_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    locator: Mapped[str | None] = mapped_column(Text)  # where in the source file
    raw_json: Mapped[str | None] = mapped_column(Text)  # verbatim source object


class RecordSource(Base):
    """Every source file a record was seen in (provenance across overlapping exports)."""

    __tablename__ = "record_sources"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_files.id"), primary_key=True, index=True
    )
    locator: Mapped[str | None] = mapped_column(Text)


class Media(Base):
    """A media attachment of a record. Bytes are content-addressed; missing files are listed."""

    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("record_id", "original_uri"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    original_uri: Mapped[str] = mapped_column(Text)
    filename: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    media_type: Mapped[str | None] = mapped_column(String(30))  # photo | video | animated_gif...
    size: Mapped[int | None] = mapped_column(Integer)
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    metadata_json: Mapped[str] = mapped_column(Text, default="{}")  # may hold GPS/upload IP


class SavedSearch(Base):
    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    query: Mapped[str] = mapped_column(Text)
    sort: Mapped[str] = mapped_column(String(20), default="date")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class MappingPreset(Base):
    """A named CSV column mapping (vendor exports, hand-kept spreadsheets)."""

    __tablename__ = "mapping_presets"

    name: Mapped[str] = mapped_column(Text, primary_key=True)
    mapping_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class SealSalt(Base):
    """One random salt per sealed object (see archive/seal.py); destroyed with its content."""

    __tablename__ = "seal_salts"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_with_rowid": False}

    kind: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)


class SealLog(Base):
    """Append-only: every salted leaf an audited write bound into the audit chain.

    Rows of one audit row are contiguous (one transaction), so verify recomputes each root
    from a single scan in id order without an index.
    """

    __tablename__ = "seal_log"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[int] = mapped_column(Integer)
    object_id: Mapped[int] = mapped_column(Integer)
    leaf: Mapped[bytes] = mapped_column(LargeBinary)


# ----------------------------------------------------------------- retention (migration 0006)
class RetentionScheduleFile(Base):
    """Every schedule TOML the archive uses, byte for byte: the archive keeps meaning the same
    thing when the app ships a newer schedule (that one is offered, never applied silently)."""

    __tablename__ = "retention_schedule_files"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    label: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(200))


class RetentionRule(Base):
    """A search-language query that assigns a series. Removed rules keep their row (ids are
    named by audit rows and stored classifications)."""

    __tablename__ = "retention_rules"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)
    query: Mapped[str] = mapped_column(Text)
    series_code: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecordRetention(Base):
    """A record's winning series and dates. No row means unclassified. Dates are local
    calendar dates (YYYY-MM-DD) in the agency's time zone."""

    __tablename__ = "record_retention"
    __table_args__ = (
        Index("ix_record_retention_series", "series_code"),
        Index("ix_record_retention_eligible", "eligible_on"),
    )

    # INTEGER PRIMARY KEY is the rowid itself: one b-tree already, so no WITHOUT ROWID
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    series_code: Mapped[str | None] = mapped_column(String(32))
    rule_id: Mapped[int | None] = mapped_column(Integer)
    trigger_date: Mapped[str | None] = mapped_column(String(10))
    eligible_on: Mapped[str | None] = mapped_column(String(10))
    # dated | pending_event | permanent | no_date | unclassified
    status: Mapped[str] = mapped_column(String(20))
    disposition: Mapped[str | None] = mapped_column(String(20))
    classified_at: Mapped[str] = mapped_column(String(27))


class RecordEvent(Base):
    """A date the user set for a named event ("file closed") of one record."""

    __tablename__ = "record_events"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_with_rowid": False}

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    event: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_date: Mapped[str] = mapped_column(String(10))
    set_at: Mapped[str] = mapped_column(String(27))
    set_by: Mapped[str] = mapped_column(String(200))


class Hold(Base):
    """A legal (or IPRA) hold: its members may not be disposed of until it is released."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint(
            "reason IN ('litigation','audit','investigation','ipra_request','other')",
            name="ck_holds_reason",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    reason: Mapped[str] = mapped_column(String(20))
    matter: Mapped[str] = mapped_column(Text, default="")
    placed_by: Mapped[str] = mapped_column(String(200))
    placed_at: Mapped[str] = mapped_column(String(27))
    query: Mapped[str | None] = mapped_column(Text)
    released_at: Mapped[str | None] = mapped_column(String(27))
    released_by: Mapped[str | None] = mapped_column(String(200))
    release_reason: Mapped[str | None] = mapped_column(Text)


class HoldRecord(Base):
    """A record a hold covers: named explicitly (1) or matched by its query (0)."""

    __tablename__ = "hold_records"
    __table_args__ = (
        Index("ix_hold_records_record", "record_id"),
        {"sqlite_with_rowid": False},
    )

    hold_id: Mapped[int] = mapped_column(ForeignKey("holds.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    explicit: Mapped[int] = mapped_column(Integer, default=0)


# ------------------------------------------------------------ disposal reports (migration 0009)
class DisposalReport(Base):
    """A saved disposal report; its id is the report number approvals and destruction name."""

    __tablename__ = "disposal_reports"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft','approved','destroying','destroyed','cancelled')",
            name="ck_disposal_reports_status",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    status_at: Mapped[str] = mapped_column(String(27))
    # the kind at run time decides which approval path applies to this report
    agency_kind: Mapped[str] = mapped_column(String(20))
    records: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer)
    unclassified: Mapped[int] = mapped_column(Integer)
    pending_event: Mapped[int] = mapped_column(Integer)
    permanent: Mapped[int] = mapped_column(Integer)
    summary_json: Mapped[str] = mapped_column(Text)


class DisposalReportRecord(Base):
    """A record a report found eligible, with its salted seal leaf at that moment. No foreign
    key to records: the snapshot must outlive the record's destruction."""

    __tablename__ = "disposal_report_records"
    __table_args__ = (
        Index("ix_disposal_report_records_record", "record_id"),
        {"sqlite_with_rowid": False},
    )

    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_code: Mapped[str] = mapped_column(String(32))
    eligible_on: Mapped[str] = mapped_column(String(10))
    leaf: Mapped[bytes | None] = mapped_column(LargeBinary)


class DisposalReportHeld(Base):
    """A record that would have been eligible but a hold in force kept it out of the report."""

    __tablename__ = "disposal_report_held"
    __table_args__: ClassVar[dict[str, bool]] = {"sqlite_with_rowid": False}

    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_code: Mapped[str] = mapped_column(String(32))
    eligible_on: Mapped[str] = mapped_column(String(10))
    hold_ids: Mapped[str] = mapped_column(Text)  # comma-separated, ascending


class DisposalApproval(Base):
    """One approval step of a report (approval, consent, notice or local), with the signed
    form as a blob. Names live here, never in the audit rows."""

    __tablename__ = "disposal_approvals"
    __table_args__ = (
        CheckConstraint(
            "step IN ('approval','consent','notice','local')", name="ck_disposal_approvals_step"
        ),
        Index("ix_disposal_approvals_report", "report_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("disposal_reports.id"))
    step: Mapped[str] = mapped_column(String(20))
    by_name: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[str | None] = mapped_column(String(10))
    notice_sent: Mapped[str | None] = mapped_column(String(10))
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attachment_name: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[str] = mapped_column(String(27))
    recorded_by: Mapped[str] = mapped_column(String(200))

"""ORM models of migration 0012 (redactions as data), on the archive's one `Base`.

A redaction never changes a record: it names what a production must cut (a character range of
one field of one version, or of every version) or leave out whole (a withheld record or
medium), under an exemption code, and keeps a keyed digest of the covered characters so a
later change of the text underneath is noticed. No foreign key to records or versions: a
redaction whose record or version is gone is reported stale (`redaction.store`), and
destruction deletes a destroyed record's redactions through the registry.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from retention_desk.archive.models import Base

REDACTION_KINDS = ("range", "withhold")
REDACTION_FIELDS = ("text", "title", "author_name", "author_handle", "url")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class Redaction(Base):
    """A range redaction (`kind = 'range'`: field, start and end as Python string indices,
    `version_id` or `all_versions`, `digest` = HMAC-SHA256 of the covered characters keyed
    with the record's seal salt) or a withholding (`kind = 'withhold'`: the whole record, or
    the medium `media_id`)."""

    __tablename__ = "redactions"
    __table_args__ = (
        CheckConstraint(_in("kind", REDACTION_KINDS), name="ck_redactions_kind"),
        CheckConstraint(
            "field IS NULL OR " + _in("field", REDACTION_FIELDS), name="ck_redactions_field"
        ),
        CheckConstraint(
            "kind = 'withhold' OR (field IS NOT NULL AND start_index >= 0"
            " AND end_index > start_index)",
            name="ck_redactions_range",
        ),
        Index("ix_redactions_record", "record_id"),
        Index("ix_redactions_request", "request_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int | None] = mapped_column(Integer)
    all_versions: Mapped[bool] = mapped_column(Boolean)
    field: Mapped[str | None] = mapped_column(String(16))
    start_index: Mapped[int | None] = mapped_column(Integer)
    end_index: Mapped[int | None] = mapped_column(Integer)
    media_id: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    note: Mapped[str] = mapped_column(Text)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("ipra_requests.id"))
    digest: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(27))
    created_by: Mapped[str] = mapped_column(String(200))
    reviewed_at: Mapped[str | None] = mapped_column(String(27))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))


class RedactionExemption(Base):
    """An "as otherwise provided by law" exemption the agency added, with its citation (the
    shipped catalogue is `resources/exemptions.toml`; withholding needs a statutory basis)."""

    __tablename__ = "redaction_exemptions"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    citation: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    added_at: Mapped[str] = mapped_column(String(27))
    added_by: Mapped[str] = mapped_column(String(200))

"""Plain dataclasses the redaction API returns (no ORM objects, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

UNVERIFIED = "UNVERIFIED"
# Which value of a record a range redaction covers, as `retention-desk show ID --json` prints
# it: `text` and `title` belong to a version, the others to the record.
VERSION_FIELDS = ("text", "title")
RECORD_FIELDS = ("author_name", "author_handle", "url")
FIELDS = VERSION_FIELDS + RECORD_FIELDS
# What `version` of a redaction says: the current version (follows re-imports), every version,
# or one version id.
CURRENT = "current"
ALL = "all"


@dataclass(frozen=True)
class Exemption:
    """A code a redaction may rest on: shipped (`resources/exemptions.toml`) or added by the
    agency ("as otherwise provided by law", always with a citation)."""

    code: str
    citation: str
    label: str
    description: str
    verified: bool
    note: str
    text_date: str
    source: str  # "catalogue" or "agency"
    added_at: str | None = None
    added_by: str | None = None

    def box_label(self) -> str:
        """What a box or a list shows: `14-2-1(G) Attorney-client privilege`, UNVERIFIED
        marked, so an unchecked citation never reads as a checked one."""
        mark = "" if self.verified else f" ({UNVERIFIED})"
        return f"{self.code} {self.label}{mark}"


@dataclass(frozen=True)
class IdentifierRule:
    """A kind of protected personal identifier (14-2-6(F)) and what of it may stay visible."""

    kind: str
    label: str
    citation: str
    visible: str  # last4 | year | none | city_state_zip
    verified: bool
    note: str


@dataclass(frozen=True)
class Catalogue:
    exemptions: tuple[Exemption, ...]
    identifiers: tuple[IdentifierRule, ...]
    path: str

    def codes(self) -> list[str]:
        return [e.code for e in self.exemptions]


@dataclass(frozen=True)
class RedactionInfo:
    """A range redaction (`kind = "range"`) or a withholding (`kind = "withhold"`, of the
    record or of medium `media_id`). `version` is "current", "all" or a version id, with
    `version_seq` for a version id that still exists. `start`/`end` are Python string indices
    into the field's value."""

    id: int
    kind: str
    record_id: int
    version: str | int
    version_seq: int | None
    field: str | None
    start: int | None
    end: int | None
    media_id: int | None
    code: str
    note: str
    request_id: int | None
    request_number: str | None
    created_at: str
    created_by: str
    reviewed_at: str | None
    reviewed_by: str | None


@dataclass(frozen=True)
class StaleRedaction:
    """A redaction a production cannot apply as recorded: `reason` is one of `record gone`,
    `version gone`, `medium gone`, `text changed`, `no key` (the record has no seal salt)."""

    redaction: RedactionInfo
    reason: str
    version_seq: int | None = None  # the version whose text changed, when one did


@dataclass(frozen=True)
class VersionValues:
    id: int
    seq: int
    title: str
    text: str


@dataclass(frozen=True)
class RecordValues:
    """What a redaction can select in a record, as `show --json` prints it: each version's
    title and text (None printed as ''), and the record's fields."""

    record_id: int
    versions: tuple[VersionValues, ...]
    current_seq: int
    author_name: str
    author_handle: str
    url: str

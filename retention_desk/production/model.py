"""The contract between the production plan (which applies redactions) and the renderers
(PDF, XLSX), which must never see what was redacted.

`plan.build_plan` reads the request's records and cuts every redacted range out *before*
anything is laid out: a release plan's `Piece` for a redaction carries the exemption code and
nothing of the hidden characters (`review_text` is None). Only a review plan (for the
custodian and counsel, watermarked, never released) fills `review_text`. The renderers print
`Piece.text` and draw a fixed-width box for `Piece.box`; they never read the archive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

REDACTED_WORD = "REDACTED"


@dataclass(frozen=True)
class Piece:
    """A run of a shown value: `text` to print, or (when `box` is set) a redaction box
    labelled with the exemption code. `review_text` is filled only in a review plan."""

    text: str = ""
    box: str | None = None
    review_text: str | None = None

    @property
    def is_box(self) -> bool:
        return self.box is not None


@dataclass(frozen=True)
class Shown:
    """A value as produced: the pieces left after redaction."""

    pieces: tuple[Piece, ...] = ()

    @property
    def redacted(self) -> bool:
        return any(p.is_box for p in self.pieces)

    def plain(self) -> str:
        """Text with each box as `[REDACTED code]` (what the XLSX cell holds)."""
        return "".join(f"[{REDACTED_WORD} {p.box}]" if p.is_box else p.text for p in self.pieces)

    @classmethod
    def of(cls, text: str | None) -> Shown:
        return cls((Piece(text or ""),)) if text else cls(())


@dataclass(frozen=True)
class ProducedVersion:
    version_id: int
    seq: int
    current: bool
    observed_at: str | None  # UTC, as stored
    edited_at: str | None
    title: Shown
    text: Shown


@dataclass(frozen=True)
class ProducedMedia:
    media_id: int
    kind: str  # image | video | other
    name: str  # a neutral label ("image 1"), never the file name an export gave
    # the blob (SHA-256) of a picture to show; None when not an image, not in the archive,
    # too large to decode, or withheld. The renderer asks the plan's `images` for its pixels
    # when it lays the picture out, so a production of a thousand photos never holds them all.
    image: str | None
    withheld: str | None  # exemption code when withheld
    missing: bool


@dataclass(frozen=True)
class LogEntry:
    """A line of the redaction log (the production fills in the Bates page)."""

    record_id: int
    field: str  # text | title | author_name | author_handle | url | media | record
    version_seq: int | None
    code: str
    description: str  # the exemption's description for the log; never the hidden text


@dataclass(frozen=True)
class ProducedRecord:
    record_id: int
    platform: str
    kind: str  # post | comment | reply | message | ...
    account: str  # the agency account's handle
    author_name: Shown
    author_handle: Shown
    url: Shown
    created_utc: str | None  # "2026-03-02 16:15 UTC"
    created_local: str | None  # "2026-03-02 09:15 MST"
    depth: int  # 0 for a post, 1 for its comments, 2 for replies to them...
    parent_id: int | None
    thread_id: int | None
    deleted: bool
    hidden: bool
    edited: bool
    restricted: bool
    versions: tuple[ProducedVersion, ...]  # oldest first; only the current one for "latest"
    media: tuple[ProducedMedia, ...]
    withheld: str | None  # exemption code: the record is a slip sheet, nothing else shown
    # the fixity line: SHA-256 of version text and original for a record without redactions;
    # for a redacted record only a keyed hash (key random per production, kept in the
    # production record, never printed)
    fixity: tuple[str, ...]
    log: tuple[LogEntry, ...]

    @property
    def redacted(self) -> bool:
        return bool(self.log) and self.withheld is None


@dataclass(frozen=True)
class ProductionPlan:
    request_number: str
    review: bool  # a review copy: boxes outlined with the hidden text visible
    versions: str  # all | latest
    agency_name: str
    time_zone: str
    records: tuple[ProducedRecord, ...]  # in layout order: each thread, parent before children
    restricted_left_out: int  # private messages not included explicitly
    redaction_count: int
    withheld_count: int
    # blob SHA-256 -> the picture re-encoded as PNG with no EXIF, XMP, GPS or comments (None
    # when it cannot be read); `plan.ImageLoader` reads the archive for it
    images: Callable[[str], bytes | None] | None = field(default=None, compare=False)

    def image_png(self, medium: ProducedMedia) -> bytes | None:
        """The medium's picture as a clean PNG, read when asked (None when none is shown)."""
        if medium.image is None or medium.withheld is not None or self.images is None:
            return None
        return self.images(medium.image)

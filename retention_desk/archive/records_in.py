"""What importers hand the record writer: plain dataclasses, no database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO


@dataclass
class MediaIn:
    """A media attachment. Give `data` or `opener` (bytes found) or neither (missing)."""

    original_uri: str
    filename: str | None = None
    mime_type: str | None = None
    media_type: str | None = None
    data: bytes | None = None
    opener: Callable[[], BinaryIO] | None = None
    sha256: str | None = None  # already stored (e.g. a member of the export)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordIn:
    platform: str
    kind: str
    record_key: str
    text: str = ""
    text_raw: str | None = None
    title: str | None = None
    platform_id: str | None = None
    parent_key: str | None = None
    conversation_key: str | None = None
    author_name: str | None = None
    author_handle: str | None = None
    author_platform_id: str | None = None
    created_at: datetime | None = None
    created_at_raw: str | None = None
    edited_at: datetime | None = None
    platform_edited_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_at_raw: str | None = None
    hidden_at: datetime | None = None
    url: str | None = None
    lang: str | None = None
    is_repost: bool = False
    restricted: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    raw_json: str | None = None
    locator: str | None = None
    media: list[MediaIn] = field(default_factory=list)


@dataclass
class AccountIn:
    platform: str
    account_key: str
    platform_account_id: str | None = None
    handle: str | None = None
    display_name: str | None = None
    is_official: bool = True


@dataclass
class WriteCounts:
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    flagged_deleted: int = 0
    flagged_hidden: int = 0
    media_stored: int = 0
    media_missing: list[str] = field(default_factory=list)

    def merge(self, other: WriteCounts) -> None:
        self.added += other.added
        self.new_versions += other.new_versions
        self.unchanged += other.unchanged
        self.flagged_deleted += other.flagged_deleted
        self.flagged_hidden += other.flagged_hidden
        self.media_stored += other.media_stored
        self.media_missing += other.media_missing

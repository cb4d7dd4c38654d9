"""The archive layer: storage with fixity and audit. Everything else builds on `Archive`."""

from __future__ import annotations

from retention_desk.archive.errors import (
    ArchiveBusy,
    ArchiveError,
    ArchiveExists,
    ArchiveFull,
    ArchiveTooNew,
    Cancelled,
    NotAnArchive,
)
from retention_desk.archive.settings import ArchiveSettings
from retention_desk.archive.store import ARCHIVE_SUFFIX, Archive

__all__ = [
    "ARCHIVE_SUFFIX",
    "Archive",
    "ArchiveBusy",
    "ArchiveError",
    "ArchiveExists",
    "ArchiveFull",
    "ArchiveSettings",
    "ArchiveTooNew",
    "Cancelled",
    "NotAnArchive",
]

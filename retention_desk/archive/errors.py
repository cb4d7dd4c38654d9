"""Errors the archive layer raises. Each carries a message fit to show a user as is."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class: the message is a complete sentence naming the file or record concerned."""


class NotAnArchive(ArchiveError):
    pass


class ArchiveTooNew(ArchiveError):
    pass


class ArchiveBusy(ArchiveError):
    pass


class ArchiveExists(ArchiveError):
    pass


class ArchiveFull(ArchiveError):
    """The disk is full (or the file hit its size limit): the step was rolled back."""


class Cancelled(ArchiveError):
    """Raised by long operations when the caller's cancel event is set."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)

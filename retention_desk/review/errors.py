"""The review desk's refusals: one sentence for the user, naming the request or candidate."""

from __future__ import annotations

from retention_desk.archive.errors import ArchiveError


class ReviewError(ArchiveError):
    """A review action that cannot be taken (unknown candidate, bad span, unknown code...)."""

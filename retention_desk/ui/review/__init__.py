"""The redaction review queue of a request (issue 14, Qt part): `ReviewQueueDialog`."""

from __future__ import annotations

from retention_desk.ui.review.queue_dialog import ReviewQueueDialog

__all__ = ["ReviewQueueDialog"]

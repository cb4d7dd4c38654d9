"""The names audit sentences show for ids (audit rows carry ids only): read from ordinary
tables when the rows are shown, so a destroyed or renamed object reads as it is now."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AuditNames:
    """Names for the ids some audit rows point to (only what the rows on screen need)."""

    source_files: dict[int, str] = field(default_factory=dict)
    file_errors: dict[int, str] = field(default_factory=dict)
    saved_searches: dict[int, str] = field(default_factory=dict)
    holds: dict[int, str] = field(default_factory=dict)
    schedule_files: dict[int, str] = field(default_factory=dict)

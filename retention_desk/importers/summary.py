"""What an import reports: per source file, and for the whole batch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class FileResult:
    source: str
    path: str
    format: str | None
    # imported | kept (claimed by an importer, stored as an original, holds no records)
    # | duplicate | failed | stored | refused | cancelled
    status: str
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    flagged_deleted: int = 0
    flagged_hidden: int = 0
    media_stored: int = 0
    media_missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    sha256: str | None = None
    source_file_id: int | None = None
    # why a `kept` file holds no records; for a `duplicate`, what was found already stored
    note: str | None = None


@dataclass
class ImportSummary:
    batch_id: int | None
    status: str
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept_files: int = 0  # files of the exports kept byte-exact but not parsed (media, assets)

    def totals(self) -> dict[str, int]:
        keys = (
            "added",
            "new_versions",
            "unchanged",
            "flagged_deleted",
            "flagged_hidden",
            "media_stored",
        )
        totals = {k: sum(getattr(f, k) for f in self.files) for k in keys}
        totals["media_missing"] = sum(len(f.media_missing) for f in self.files)
        for status in ("imported", "kept", "duplicate", "failed", "stored", "refused"):
            totals[f"files_{status}"] = sum(1 for f in self.files if f.status == status)
        totals["files_stored"] += self.kept_files
        return totals

    def to_dict(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "status": self.status,
            "totals": self.totals(),
            "errors": self.errors,
            "notes": self.notes,
            "kept_files": self.kept_files,
            "files": [asdict(f) for f in self.files],
        }

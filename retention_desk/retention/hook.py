"""The import hook: classify a batch's new records and add them to matching query holds.

The lead wires `after_import` into the import run; it never raises, so a retention problem
cannot lose an import: what went wrong comes back as a note for the import summary.
"""

from __future__ import annotations

import threading

from retention_desk.archive.settings import ArchiveSettings
from retention_desk.archive.store import Archive
from retention_desk.retention import classifier as cl


def after_import(archive: Archive, batch_id: int) -> list[str]:
    """Classify the records batch `batch_id` brought in or saw again, and add them to the
    query holds they match; notes for the import summary (never raises)."""
    try:
        with archive.read() as conn:
            in_use = conn.exec_driver_sql(
                "SELECT EXISTS (SELECT 1 FROM retention_rules WHERE removed_at IS NULL)"
                " OR EXISTS (SELECT 1 FROM holds WHERE released_at IS NULL AND query IS NOT NULL)"
            ).scalar_one()
        if not in_use:
            return []
        with archive.write() as conn:
            # new records, and records seen again in the batch (an edit adds a version whose
            # text a rule or hold may now match)
            batch = int(batch_id)
            cl.set_scope(
                conn,
                f"SELECT id FROM records WHERE batch_id = {batch} UNION"
                " SELECT rs.record_id FROM record_sources rs JOIN source_files sf"
                f" ON sf.id = rs.source_file_id WHERE sf.batch_id = {batch}",
            )
            considered, moved, notes = cl.run(conn, archive, True)
            summary = cl.summary_in(conn)
            archive.audit(
                conn,
                action="retention.classify",
                object_type="import_batch",
                object_ids=[int(batch_id)],
                details={
                    "records": considered,
                    "moved": moved,
                    "unclassified": summary.unclassified,
                },
            )
        return [
            *notes,
            f"Retention: {considered} new record(s) classified;"
            f" {summary.unclassified} record(s) in the archive are unclassified.",
        ]
    except Exception as exc:  # the import must survive whatever happens here
        return [f"Retention classification of this import failed ({exc}); run classify again."]


# settings the stored dates are computed from: local dates (time zone), fiscal-year ends, and
# which series may be used (agency kind)
DATE_SETTINGS = ("time_zone", "fiscal_year_end", "agency_kind")


def settings_affect_retention(before: ArchiveSettings, after: ArchiveSettings) -> bool:
    return any(getattr(before, key) != getattr(after, key) for key in DATE_SETTINGS)


def settings_changed(
    archive: Archive,
    before: ArchiveSettings,
    after: ArchiveSettings,
    *,
    progress: cl.Progress | None = None,
    cancel: threading.Event | None = None,
) -> cl.ClassifySummary | None:
    """Reclassify every record after a change to a setting the stored dates depend on, when
    retention is in use (narrow reclassifications trust the stored dates); None otherwise."""
    if not settings_affect_retention(before, after):
        return None
    with archive.read() as conn:
        in_use = conn.exec_driver_sql(
            "SELECT EXISTS (SELECT 1 FROM retention_rules WHERE removed_at IS NULL)"
            " OR EXISTS (SELECT 1 FROM record_retention)"
        ).scalar_one()
    if not in_use:
        return None
    return cl.classify(archive, progress=progress, cancel=cancel)

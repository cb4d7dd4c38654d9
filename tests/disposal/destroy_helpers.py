"""Archives with an approved disposal report, for the destruction tests (part B)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from retention_desk import retention as rt
from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import MediaIn, RecordIn
from retention_desk.archive.store import Archive
from retention_desk.archive.verify import VerifyReport, verify_path
from retention_desk.disposal import record_approval, run_report
from tests.retention.helpers import schedule_text, write_schedule
from tests.today import agency_today

OLD = datetime(2020, 3, 1, 18, 0, tzinfo=UTC)
NEW = datetime.now(UTC)


def prepare(archive: Archive, tmp_path: Path) -> None:
    """The test schedule, and every csv/x record older than 30 days in T-SHORT."""
    rt.import_schedule(archive, write_schedule(tmp_path, schedule_text()))


def add(
    archive: Archive,
    records: list[tuple[str, str, datetime]],
    *,
    platform: str = "x",
    media: dict[str, bytes] | None = None,
    parents: dict[str, str] | None = None,
) -> dict[str, int]:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for key, text_value, created in records:
            items = []
            if media and key in media:
                items.append(MediaIn(original_uri=f"media/{key}.bin", data=media[key]))
            writer.add(
                RecordIn(
                    platform=platform,
                    kind="post",
                    record_key=key,
                    platform_id=key,
                    text=text_value,
                    created_at=created,
                    parent_key=(parents or {}).get(key),
                    media=items,
                )
            )
        writer.finish()
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_key, id FROM records").all()
    return {str(k): int(i) for k, i in rows}


def approved_report(archive: Archive, query: str = "platform:x") -> int:
    rt.add_rule(archive, query, "T-SHORT")
    rt.classify(archive)
    report = run_report(archive, agency_today())
    record_approval(archive, report.number, by="Pat Official", on=agency_today())
    return report.number


def tombstoned(archive: Archive) -> set[int]:
    with archive.read() as conn:
        return {int(r[0]) for r in conn.exec_driver_sql("SELECT record_id FROM record_tombstones")}


def check_verify(path: Path) -> VerifyReport:
    """Verify the archive; every check must hold (destroyed records are accepted through
    their tombstones and the chained destroy-batch audit rows)."""
    report = verify_path(path)
    assert report.ok, report.failures
    return report

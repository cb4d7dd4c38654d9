"""Small archives with hand-chosen records and an agency schedule for the retention tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import RecordIn
from retention_desk.archive.store import Archive

SERIES = """
[[series]]
code = "{code}"
title = "Test series {code}"
citation = "test citation"
retention = "{retention}"
trigger = "{trigger}"
disposition = "{disposition}"
applies_to = ["state", "county", "municipality", "other"]
verified = false
"""

TEST_SERIES = (
    ("T-CREATED", "P1Y", "created", "destroy"),
    ("T-CAL", "P1Y", "calendar_year_end", "destroy"),
    ("T-FY", "P1Y", "fiscal_year_end", "destroy"),
    ("T-EVENT", "P1Y", "event:file_closed", "destroy"),
    ("T-PERM", "permanent", "created", "transfer"),
    ("T-CAL-XFER", "P1Y", "calendar_year_end", "transfer"),
    ("T-SHORT", "P30D", "created", "destroy"),
)


def schedule_text(
    series: tuple[tuple[str, str, str, str], ...] = TEST_SERIES, rules: str = ""
) -> str:
    body = "".join(
        SERIES.format(code=c, retention=r, trigger=t, disposition=d) for c, r, t, d in series
    )
    return body + rules


def write_schedule(tmp_path: Path, text: str, name: str = "agency.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def add_records(
    archive: Archive, records: list[tuple[str, str, datetime | None]]
) -> dict[str, int]:
    """(key, text, created_at) -> ids by key (platform x, kind post)."""
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for key, text_value, created in records:
            writer.add(
                RecordIn(
                    platform="x", kind="post", record_key=key, text=text_value, created_at=created
                )
            )
        writer.finish()
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_key, id FROM records").all()
    return {str(k): int(i) for k, i in rows}


# 2024-06-30 23:30 in Albuquerque (MDT, UTC-6) is already July 1 in UTC
JUNE_30_LATE = datetime(2024, 7, 1, 5, 30, tzinfo=UTC)
LEAP_DAY = datetime(2024, 2, 29, 19, 0, tzinfo=UTC)
NEW_YEARS_EVE_LATE = datetime(2025, 1, 1, 6, 30, tzinfo=UTC)  # 2024-12-31 23:30 MST

STANDARD = [
    ("june30", "alpha budget", JUNE_30_LATE),
    ("leap", "leap budget", LEAP_DAY),
    ("nye", "gamma", NEW_YEARS_EVE_LATE),
    ("nodate", "delta budget", None),
]

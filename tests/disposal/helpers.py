"""A small archive for the disposal tests: two accounts, records in three series chosen by
words in their text, created on hand-picked dates (agency time zone America/Denver)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from retention_desk import retention as rt
from retention_desk.archive.ingest import RecordWriter, upsert_account
from retention_desk.archive.records_in import AccountIn, RecordIn
from retention_desk.archive.store import Archive
from tests.retention.helpers import schedule_text, write_schedule

# (key, account handle or None, text, created UTC)
RECORDS = [
    ("a1", "city_pd", "alpha one", datetime(2023, 3, 1, 18, tzinfo=UTC)),
    ("a2", "city_pd", "alpha two", datetime(2023, 9, 9, 18, tzinfo=UTC)),
    # 2023-12-31 23:30 in Albuquerque (MST, UTC-7) is 2024 in UTC: a 2023 record locally
    ("a3", "city_pd", "alpha three", datetime(2024, 1, 1, 6, 30, tzinfo=UTC)),
    ("a4", "city_parks", "alpha four", datetime(2024, 2, 10, 18, tzinfo=UTC)),
    ("s1", "city_parks", "short one", datetime(2024, 5, 1, 18, tzinfo=UTC)),
    ("p1", "city_pd", "perm one", datetime(2020, 1, 1, 18, tzinfo=UTC)),
    ("e1", "city_pd", "event one", datetime(2020, 1, 1, 18, tzinfo=UTC)),
    ("u1", "city_pd", "nothing matches me", datetime(2020, 1, 1, 18, tzinfo=UTC)),
    ("u2", None, "nor me", datetime(2020, 1, 1, 18, tzinfo=UTC)),
]

RULES = """
[[rule]]
query = "alpha"
series = "T-CREATED"

[[rule]]
query = "short"
series = "T-SHORT"

[[rule]]
query = "perm"
series = "T-PERM"

[[rule]]
query = "event"
series = "T-EVENT"
"""


def build(archive: Archive, tmp_path: Path, agency_kind: str = "municipality") -> dict[str, int]:
    """Records, schedule and rules; returns record ids by key. Classified."""
    archive.update_settings(
        replace(archive.settings(), agency_kind=agency_kind, agency_name="City of Example")
    )
    with archive.write() as conn:
        accounts = {
            handle: upsert_account(conn, AccountIn("x", handle, handle=handle))
            for handle in {h for _k, h, _t, _c in RECORDS if h}
        }
        for handle in [*accounts, None]:
            writer = RecordWriter(
                conn,
                batch_id=None,
                source_file_id=None,
                account_id=accounts.get(handle) if handle else None,
            )
            for key, h, text, created in RECORDS:
                if h == handle:
                    writer.add(
                        RecordIn(
                            platform="x",
                            kind="post",
                            record_key=key,
                            text=text,
                            created_at=created,
                        )
                    )
            writer.finish()
    rt.import_schedule(archive, write_schedule(tmp_path, schedule_text(rules=RULES)))
    rt.classify(archive)
    with archive.read() as conn:
        rows = conn.exec_driver_sql("SELECT record_key, id FROM records").all()
    return {str(k): int(i) for k, i in rows}

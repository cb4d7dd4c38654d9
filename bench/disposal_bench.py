"""Disposal report speed on the synthetic archive, beside the bare SQL in the same run.

    python -m bench.disposal_bench --records 1000000 [--cache DIR] [--as-of DATE]
    python -m bench.disposal_bench --records 20000          # quick smoke run

A fresh copy of the cached archive (`bench.archive_gen`, shared with the retention bench) is
classified with the retention bench's agency schedule and twenty rules, a hold by query is
placed, and then:

- **ours**: `retention_desk.disposal.run_report` (snapshot with salted leaves, held list,
  groups by series/account/local year, counts, audit row), and `load_report` of it;
- **bare**: the same eligible set into a table of its own with one `INSERT … SELECT` (no leaf,
  no held list, no groups, no audit): the lower bound.

Issue 11's target: the report in at most 5 s on 1M records.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.retention_bench import DEFAULT_CACHE, archive_for, schedule_files

TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--as-of", default="2025-06-30")
    args = parser.parse_args(argv)
    from retention_desk import retention as rt
    from retention_desk.archive import Archive
    from retention_desk.disposal import load_report, run_report

    source = archive_for(args.cache, args.records, args.seed)
    with tempfile.TemporaryDirectory(prefix="disposal-bench-") as tmp:
        work = Path(tmp)
        db = work / "bench.rdesk"
        shutil.copyfile(source, db)
        agency, _change = schedule_files(work)
        archive = Archive.open(db, operator="bench")
        try:
            t = time.perf_counter()
            rt.import_schedule(archive, agency)
            rt.place_hold(archive, "bench hold", "litigation", query='"road closure"')
            print(f"setup (classify): {time.perf_counter() - t:.1f} s", file=sys.stderr)
            as_of = date.fromisoformat(args.as_of)
            t, c = time.perf_counter(), time.process_time()
            report = run_report(archive, as_of)
            ours = (time.perf_counter() - t, time.process_time() - c)
            t = time.perf_counter()
            load_report(archive, report.number)
            load_s = time.perf_counter() - t
            with archive.write() as conn:
                conn.exec_driver_sql(
                    "CREATE TEMP TABLE bare (record_id INTEGER PRIMARY KEY, series TEXT, day TEXT)"
                )
                t, c = time.perf_counter(), time.process_time()
                bare_n = conn.exec_driver_sql(
                    "INSERT INTO temp.bare SELECT rr.record_id, rr.series_code, rr.eligible_on"
                    " FROM record_retention rr WHERE rr.status = 'dated' AND rr.eligible_on <= ?"
                    " AND rr.record_id NOT IN (SELECT hr.record_id FROM hold_records hr"
                    "  JOIN holds h ON h.id = hr.hold_id WHERE h.released_at IS NULL)",
                    (as_of.isoformat(),),
                ).rowcount
                bare = (time.perf_counter() - t, time.process_time() - c)
                conn.exec_driver_sql("DROP TABLE temp.bare")
        finally:
            archive.close()
    print(
        f"records {args.records}: report {report.number} eligible {report.records}"
        f" (bare {bare_n}), held {report.held}, groups {len(report.groups)}"
    )
    print(f"ours  run_report  {ours[0]:6.2f} s wall  {ours[1]:6.2f} s cpu   (target {TARGET_S} s)")
    print(f"ours  load_report {load_s:6.2f} s wall")
    print(f"bare  insert      {bare[0]:6.2f} s wall  {bare[1]:6.2f} s cpu")
    return 0 if report.records == bare_n and ours[0] <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

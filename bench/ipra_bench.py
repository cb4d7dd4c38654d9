"""IPRA desk speed: the request log with its clocks, and a responsive set found by search,
each beside the bare library doing the same reads or writes in the same run.

    python -m bench.ipra_bench --requests 5000 --records 1000000 [--cache DIR]
    python -m bench.ipra_bench --requests 500 --records 20000      # quick smoke run

- **log**: `requests.list_requests` (every request with events, letters, set counts and its
  clocks on one business-day calendar) against bare sqlite3 reading the same request and
  event rows into Python dicts (no clocks, no dataclasses): the lower bound.
- **due**: `list_requests(open_only=True)` the same way.
- **set**: `responsive.add_by_query` of a word matching ~1% of the archive (search compile,
  the set rows with each record's current version, the hold's rows, three audit rows) against
  bare sqlite3 running the same FTS match into a table of ids with their latest version.

Issue 12 names no speed target; the figures go in the closing note and IPRA.md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.retention_bench import DEFAULT_CACHE, archive_for

KINDS = ("acknowledged", "burdensome", "denied", "fulfilled", "closed")


def _seed_requests(db: Path, count: int, seed: int) -> None:
    """`count` requests spread over two years with 0-3 steps each, written straight into the
    tables (setup, not measured): numbers, days and steps as the desk would store them."""
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    today = date.today()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    seqs: dict[int, int] = {}
    with con:
        for i in range(count):
            day = today - timedelta(days=rng.randrange(0, 730))
            seqs[day.year] = seqs.get(day.year, 0) + 1
            via = rng.choice(("email", "written", "web", "oral", "fax"))
            cur = con.execute(
                "INSERT INTO ipra_requests (number, year, seq, received_at, received_on, via,"
                " medium, requester_name, requester_organisation, requester_address,"
                " requester_phone, requester_email, description, electronic_copies, custodian,"
                " status, notes, advance_payment, created_at, created_by) VALUES"
                " (?, ?, ?, ?, ?, ?, 'paper', ?, '', 'addr', 'phone', '', ?, 0, '', ?, '', 0,"
                " ?, 'bench')",
                (
                    f"IPRA-{day.year}-{seqs[day.year]:05d}",
                    day.year,
                    seqs[day.year],
                    f"{day.isoformat()}T16:00:00.000000Z",
                    day.isoformat(),
                    via,
                    f"Requester {i}",
                    f"records about topic {i}",
                    "received",
                    now,
                ),
            )
            rid = cur.lastrowid
            status = "received"
            on = day
            for kind in KINDS[: rng.randrange(0, 4)]:
                on = min(today, on + timedelta(days=rng.randrange(1, 12)))
                details = (
                    {"until": (on + timedelta(days=30)).isoformat()} if kind == "burdensome" else {}
                )
                con.execute(
                    "INSERT INTO ipra_events (request_id, kind, on_date, method, details_json,"
                    " at, by_name) VALUES (?, ?, ?, 'email', ?, ?, 'bench')",
                    (rid, kind, on.isoformat(), json.dumps(details), now),
                )
                status = kind
            con.execute("UPDATE ipra_requests SET status = ? WHERE id = ?", (status, rid))
    con.close()


def _bare_log(db: Path, open_only: bool) -> int:
    con = sqlite3.connect(db)
    where = " WHERE status NOT IN ('withdrawn','forwarded','closed')" if open_only else ""
    rows = con.execute(f"SELECT * FROM ipra_requests{where} ORDER BY received_at DESC").fetchall()
    events: dict[int, list[tuple[Any, ...]]] = {}
    for row in con.execute("SELECT * FROM ipra_events ORDER BY on_date, id"):
        events.setdefault(row[1], []).append(row)
    out = [(r, events.get(r[0], [])) for r in rows]
    con.close()
    return len(out)


def _bare_set(db: Path, word: str) -> int:
    """The same FTS match written into tables shaped like the set and the hold (same keys,
    foreign key and index), in one transaction: what the desk's add does, minus its checks,
    saved query and audit rows."""
    con = sqlite3.connect(db)
    con.execute("PRAGMA foreign_keys = ON")
    with con:
        for table in ("bare_rr", "bare_hr"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(
            "CREATE TABLE bare_rr (request_id INTEGER, record_id INTEGER, version_id INTEGER,"
            " added_via TEXT, added_at TEXT, PRIMARY KEY (request_id, record_id))"
            " WITHOUT ROWID"
        )
        con.execute("CREATE INDEX ix_bare_rr_record ON bare_rr (record_id)")
        con.execute(
            "CREATE TABLE bare_hr (hold_id INTEGER, record_id INTEGER REFERENCES records(id)"
            " ON DELETE CASCADE, explicit INTEGER, PRIMARY KEY (hold_id, record_id))"
        )
        con.execute(
            "INSERT OR IGNORE INTO bare_rr SELECT 1, v.record_id, (SELECT v2.id FROM"
            " record_versions v2 WHERE v2.record_id = v.record_id ORDER BY v2.seq DESC LIMIT 1),"
            " 'query', 'now' FROM record_fts f JOIN record_versions v ON v.id = f.rowid"
            " WHERE record_fts MATCH ?",
            (word,),
        )
        con.execute("INSERT OR IGNORE INTO bare_hr SELECT 1, record_id, 1 FROM bare_rr")
        n = con.execute("SELECT count(*) FROM bare_rr").fetchone()[0]
    with con:
        con.execute("DROP TABLE bare_rr")
        con.execute("DROP TABLE bare_hr")
    con.close()
    return int(n)


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--word", default="parade")
    args = parser.parse_args(argv)
    from retention_desk.archive.store import Archive
    from retention_desk.ipra import requests, responsive

    source = archive_for(args.cache, args.records, args.seed)
    work = Path(tempfile.mkdtemp(prefix="ipra-bench-"))
    db = work / "bench.rdesk"
    try:
        shutil.copyfile(source, db)
        with Archive.open(db, operator="bench"):
            pass  # brings the copy to the current schema
        _seed_requests(db, args.requests, args.seed)
        results: dict[str, Any] = {"requests": args.requests, "records": args.records}
        with Archive.open(db, operator="bench") as archive:
            requests.list_requests(archive)  # warm: imports, page cache, holiday tables
            _bare_log(db, False)
            for name, open_only in (("log", False), ("due", True)):
                ours, rows = _timed(
                    lambda o=open_only: requests.list_requests(archive, open_only=o)
                )
                bare, count = _timed(lambda o=open_only: _bare_log(db, o))
                assert len(rows) == count, (len(rows), count)
                results[name] = {
                    "rows": count,
                    "ours_s": ours,
                    "bare_s": bare,
                    "ratio": bare / ours,
                }
            number = requests.list_requests(archive, open_only=True)[0].number
            _bare_set(db, args.word)  # warm: both sides then read the same pages from cache
            ours, change = _timed(lambda: responsive.add_by_query(archive, number, args.word))
        bare, count = _timed(lambda: _bare_set(db, args.word))
        results["set"] = {
            "records": change.added,
            "bare_records": count,
            "ours_s": ours,
            "bare_s": bare,
            "ratio": bare / ours,
        }
        json.dump(results, sys.stdout, indent=2)
        sys.stdout.write("\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Destruction speed on the synthetic archive, beside the bare SQL doing the same deletes.

    python -m bench.destroy_bench --records 1000000 [--destroy 100000] [--cache DIR]
    python -m bench.destroy_bench --records 3000 --destroy 300     # quick run (smoke test)

Setup, once per (records, seed, destroy) and cached beside the generated archive: a copy of
`bench.archive_gen`'s archive is classified with the retention bench's agency schedule and
twenty rules, a hold by query is placed, the as-of date is chosen so that about `--destroy`
records are eligible, the disposal report is run and its approval recorded (municipality: the
approving official and date). Then, each in its own process on its own fresh copy of that:

- **ours**: `retention_desk.disposal.destroy.destroy` as the CLI and GUI call it: per batch the
  re-check (approval, eligibility, holds, content against the snapshot's leaf), tombstones,
  every registered place, originals, blobs, audit; then the purge (both FTS5 indexes
  optimized, WAL checkpoint TRUNCATE, VACUUM, checkpoint again). The purge's phases are timed
  by wrapping `purge.purge_indexes`, `purge._truncate_wal` and `purge.no_trace`.
- **bare**: the same record ids deleted with plain statements in one transaction, with
  secure_delete on as ours: `record_versions` (the FTS triggers fire), `media`,
  `record_sources`, kept replies unlinked, `records` (retention rows cascade), seal salts;
  then the same FTS5 optimize of both indexes, checkpoint TRUNCATE, VACUUM. No re-check, no
  tombstone, no audit, no originals: the lower bound.

Issue 11's target: destruction of 100k records including the purge in at most 60 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench.measure import AnonPeak, peak_rss_mb
from bench.retention_bench import DEFAULT_CACHE, REPO, _cpu, archive_for, schedule_files

TARGET_S = 60.0


# ------------------------------------------------------------------------ setup (cached)
def _as_of_for(conn: Any, wanted: int) -> date:
    """The earliest date on which about `wanted` classified records are eligible (holds
    ignored; the report then excludes the few held ones)."""
    row = conn.exec_driver_sql(
        "SELECT eligible_on FROM record_retention WHERE status = 'dated'"
        " AND eligible_on IS NOT NULL ORDER BY eligible_on LIMIT 1 OFFSET ?",
        (max(wanted - 1, 0),),
    ).first()
    if row is None:
        raise SystemExit(f"fewer than {wanted} records are ever eligible in this archive")
    day = date.fromisoformat(str(row[0])[:10])

    def eligible_by(last: date) -> int:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM record_retention WHERE status = 'dated' AND eligible_on <= ?",
                (last.isoformat(),),
            ).scalar_one()
        )

    # calendar-year series make whole years eligible on 1 January (about 59,000 records on
    # 2023-01-01 at 1M): the day before may be nearer to `wanted`
    before = day - timedelta(days=1)
    if abs(eligible_by(before) - wanted) < abs(eligible_by(day) - wanted):
        return before
    return day


def prepared(cache: Path, records: int, seed: int, wanted: int) -> tuple[Path, dict[str, Any]]:
    """The classified archive with an approved report of about `wanted` records (built once)."""
    path = cache / f"destroy-{records}-s{seed}-d{wanted}.rdesk"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return path, json.loads(meta_path.read_text(encoding="utf-8"))
    from retention_desk import retention as rt
    from retention_desk.archive import Archive
    from retention_desk.disposal import record_approval, run_report

    source = archive_for(cache, records, seed)
    partial = path.with_name(path.name + ".partial")
    for stale in cache.glob(partial.name + "*"):
        stale.unlink()
    shutil.copyfile(source, partial)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="destroy-bench-setup-") as tmp:
        agency, _change = schedule_files(Path(tmp))
        archive = Archive.open(partial, operator="bench")
        try:
            rt.import_schedule(archive, agency)
            rt.place_hold(archive, "bench hold", "litigation", query='"road closure"')
            with archive.read() as conn:
                as_of = _as_of_for(conn, wanted)
            report = run_report(archive, as_of)
            record_approval(archive, report.number, by="Bench Official", on=as_of)
        finally:
            archive.close()
    # the WAL is checkpointed at close; the backup Archive.open made before upgrading the
    # generated archive's schema is not needed (the audit still names it: destruction lists it
    # as a copy that holds the records, as it would for an agency's)
    for stale in [*cache.glob(partial.name + "-*"), *cache.glob(partial.name + ".pre-*.bak")]:
        stale.unlink()
    meta = {
        "report": report.number,
        "as_of": as_of.isoformat(),
        "records": report.records,
        "held": report.held,
        "setup_s": time.perf_counter() - started,
    }
    partial.rename(path)
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    print(f"prepared {path} in {meta['setup_s']:.0f} s", file=sys.stderr)
    return path, meta


# ------------------------------------------------------------------------ measurements
class Phases:
    """Wall and CPU seconds per named phase, from wrapped functions."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        t, c = time.perf_counter(), _cpu()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - t, _cpu() - c)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.timing(name):
                return fn(*args, **kwargs)

        return run


def _file_mb(db: Path) -> float:
    return db.stat().st_size / 1_048_576


def child_ours(db: Path, number: int) -> dict[str, Any]:
    from retention_desk.archive import Archive
    from retention_desk.disposal import purge
    from retention_desk.disposal.destroy import destroy

    phases = Phases()
    purge.purge_indexes = phases.wrap("fts_optimize", purge.purge_indexes)
    purge._truncate_wal = phases.wrap("checkpoint", purge._truncate_wal)
    purge.no_trace = phases.wrap("no_trace", purge.no_trace)
    before = _file_mb(db)
    batches = {"n": 0, "end": 0.0}
    archive = Archive.open(db, operator="bench")
    try:
        started = time.perf_counter()
        cpu = _cpu()

        def progress(done: int, total: int, message: str) -> None:
            batches["n"] += 1
            batches["end"] = time.perf_counter()

        with AnonPeak() as anon:
            result = destroy(archive, number, progress=progress)
        seconds = time.perf_counter() - started
        cpu = _cpu() - cpu
    finally:
        archive.close()
    purge_wall = phases.wall.get("fts_optimize", 0.0) + phases.wall.get("no_trace", 0.0)
    return {
        "destroyed": result.destroyed_now,
        "skipped": len(result.skipped),
        "retained": len(result.retained),
        "purged": result.purged,
        "batches": batches["n"] - 1,  # the last call announces the purge
        "seconds": seconds,
        "cpu": cpu,
        "phases": {
            "batches": seconds - purge_wall,
            "fts_optimize": phases.wall.get("fts_optimize", 0.0),
            "checkpoint": phases.wall.get("checkpoint", 0.0),
            "vacuum": phases.wall.get("no_trace", 0.0) - phases.wall.get("checkpoint", 0.0),
        },
        "hwm_mb": peak_rss_mb(),
        "anon_mb": anon.mb,
        "file_mb_before": before,
        "file_mb_after": _file_mb(db),
    }


def child_bare(db: Path, number: int) -> dict[str, Any]:
    import sqlite3

    from retention_desk.archive import seal

    before = _file_mb(db)
    phases = Phases()
    conn = sqlite3.connect(db, isolation_level=None)
    started = time.perf_counter()
    cpu = _cpu()
    with AnonPeak() as anon:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON"):
            conn.execute(f"PRAGMA {pragma}")
        with phases.timing("batches"):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("CREATE TEMP TABLE gone (id INTEGER PRIMARY KEY)")
            n = conn.execute(
                "INSERT INTO temp.gone SELECT record_id FROM disposal_report_records"
                " WHERE report_id = ?",
                (number,),
            ).rowcount
            for table in ("record_versions", "media", "record_sources"):
                conn.execute(f"DELETE FROM {table} WHERE record_id IN (SELECT id FROM temp.gone)")
            # kept replies to a destroyed record lose the link, as ours (no root reassignment)
            for column in ("parent_id", "thread_id"):
                conn.execute(
                    f"UPDATE records SET {column} = NULL WHERE {column} IN"
                    " (SELECT id FROM temp.gone) AND id NOT IN (SELECT id FROM temp.gone)"
                )
            conn.execute("DELETE FROM records WHERE id IN (SELECT id FROM temp.gone)")
            conn.execute(
                "DELETE FROM seal_salts WHERE kind = ? AND object_id IN (SELECT id FROM temp.gone)",
                (seal.RECORD,),
            )
            conn.execute("COMMIT")
        with phases.timing("fts_optimize"):
            conn.execute("BEGIN IMMEDIATE")
            for table in ("record_fts", "record_fts_trigram"):
                conn.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
            conn.execute("COMMIT")
        with phases.timing("checkpoint"):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with phases.timing("vacuum"):
            conn.execute("VACUUM")
        with phases.timing("checkpoint"):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu
    conn.close()
    return {
        "destroyed": n,
        "seconds": seconds,
        "cpu": cpu,
        "phases": phases.wall,
        "hwm_mb": peak_rss_mb(),
        "anon_mb": anon.mb,
        "file_mb_before": before,
        "file_mb_after": _file_mb(db),
    }


def measure(side: str, source: Path, number: int, work: Path) -> dict[str, Any]:
    db = work / f"{side}.rdesk"
    shutil.copyfile(source, db)
    cmd = [sys.executable, "-m", "bench.destroy_bench", "--child", side, "--db", str(db)]
    cmd += ["--report", str(number)]
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    finally:
        for path in work.glob(f"{side}.rdesk*"):
            path.unlink()
    if done.returncode != 0:
        raise SystemExit(f"{side} measurement failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------------ report
def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}" if b > 0 else "n/a"


PHASES = (
    ("batches", "batches (check, tombstones, deletes, audit)"),
    ("fts_optimize", "FTS5 optimize, both indexes"),
    ("checkpoint", "WAL checkpoint TRUNCATE (x2)"),
    ("vacuum", "VACUUM"),
)


def table(meta: dict[str, Any], ours: dict[str, Any], bare: dict[str, Any] | None) -> str:
    lines = [
        f"report {meta['report']} as of {meta['as_of']}: {meta['records']} records"
        f" ({meta['held']} held, not on it)",
        f"ours destroyed {ours['destroyed']} in {ours['batches']} batches"
        f" (skipped {ours['skipped']}, kept inside unsplittable originals {ours['retained']},"
        f" purged {ours['purged']})" + (f"; bare deleted {bare['destroyed']}" if bare else ""),
        "",
        "| phase | ours s | bare s | ratio |",
        "|---|---|---|---|",
    ]
    for key, label in PHASES:
        o = ours["phases"].get(key, 0.0)
        b = bare["phases"].get(key, 0.0) if bare else 0.0
        lines.append(
            f"| {label} | {o:.2f} | {b:.2f} | {_ratio(o, b)} |"
            if bare
            else f"| {label} | {o:.2f} | - | - |"
        )
    if bare:
        lines.append(
            f"| **total** (target {TARGET_S:.0f} s) | **{ours['seconds']:.2f}** |"
            f" **{bare['seconds']:.2f}** | **{_ratio(ours['seconds'], bare['seconds'])}** |"
        )
        lines.append(f"| CPU | {ours['cpu']:.2f} | {bare['cpu']:.2f} | - |")
        lines.append(f"| peak MB (VmHWM) | {ours['hwm_mb']:.0f} | {bare['hwm_mb']:.0f} | - |")
        lines.append(f"| anon MB (sampled) | {ours['anon_mb']:.0f} | {bare['anon_mb']:.0f} | - |")
        lines.append(
            f"| file MB before -> after | {ours['file_mb_before']:.0f} ->"
            f" {ours['file_mb_after']:.0f} | {bare['file_mb_before']:.0f} ->"
            f" {bare['file_mb_after']:.0f} | - |"
        )
    else:
        lines.append(f"| **total** (target {TARGET_S:.0f} s) | **{ours['seconds']:.2f}** | - | - |")
        lines.append(f"| CPU | {ours['cpu']:.2f} | - | - |")
        lines.append(
            f"| peak MB (VmHWM) / anon MB | {ours['hwm_mb']:.0f} / {ours['anon_mb']:.0f} | - | - |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--destroy", type=int, default=None, help="default: records / 10")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--child", choices=("ours", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child = child_ours if args.child == "ours" else child_bare
        print(json.dumps(child(args.db, args.report)))
        return 0
    wanted = args.destroy if args.destroy is not None else max(args.records // 10, 1)
    source, meta = prepared(args.cache, args.records, args.seed, wanted)
    with tempfile.TemporaryDirectory(prefix="destroy-bench-", dir=args.cache) as tmp:
        work = Path(tmp)
        ours = measure("ours", source, meta["report"], work)
        bare = None if args.skip_bare else measure("bare", source, meta["report"], work)
    print(table(meta, ours, bare))
    if args.json:
        args.json.write_text(
            json.dumps({"meta": meta, "ours": ours, "bare": bare}, indent=2), encoding="utf-8"
        )
    ok = ours["destroyed"] == meta["records"] and ours["purged"]
    if bare is not None:
        ok = ok and bare["destroyed"] == ours["destroyed"]
    return 0 if ok and ours["seconds"] <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())

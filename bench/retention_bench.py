"""Retention classification speed on the synthetic archive, beside bare SQL in the same run.

    python -m bench.retention_bench --records 1000000 [--cache DIR] [--json FILE] [--keep]
    python -m bench.retention_bench --records 20000      # quick smoke run

The archive comes from `bench.archive_gen` (generated once into `--cache`, reused after), and
each run works on a fresh copy of it. An agency schedule file with eleven series and twenty
rules (platform, kind, account, text, phrase and date predicates; several overlap, so the
longest retention has to win) is loaded, then each operation is timed:

- load the schedule with its twenty rules (classifies every record), and a full reclassify;
- add a broad rule, add a narrow text rule, remove a rule that decides many records (they
  fall back to the next-longest rule or to unclassified);
- import a file that changes one series' retention;
- set an event date for the records a query matches;
- a last full reclassify, which must move nothing: the incremental paths above have to leave
  exactly what a full classification computes (the bench exits 1 otherwise).

Each side runs in its own child process on the same copy, one after the other, so peak memory
is per side (VmHWM is reset before each operation through /proc/self/clear_refs where the
kernel allows it; anon is sampled RssAnon, see `bench.measure.AnonPeak`):

- **ours**: the public `retention_desk.retention` functions the CLI and GUI call (audit rows,
  moved counts, query holds and all);
- **bare**: the same predicates, compiled by the same search engine, in plain SQL statements
  into a table of its own: per rule one `INSERT OR REPLACE … SELECT` with the eligible date
  computed by SQLite's date functions (UTC, no time zone), rules applied shortest retention
  first so the longest writes last; an added rule is one upsert that keeps the longer date; a
  removed rule deletes its rows and re-applies the other rules to them; a schedule change is
  one `UPDATE … WHERE series_code = ?`; an event date is one insert and one update. It is a
  lower bound: it never compares dates per record across triggers, keeps no audit and no
  moved counts.

Ratio = ours seconds / bare seconds (wall, and CPU: the 2 cores are shared, so CPU seconds are
the steadier comparison).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from bench.measure import AnonPeak, peak_rss_mb

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "retention_desk_bench"
TARGET_CLASSIFY_S = 30.0
TARGET_RULE_CHANGE_S = 5.0

# (code, title, retention, trigger, disposition)
SERIES = (
    ("AGY-LE", "Law-enforcement public information", "P7Y", "created", "destroy"),
    ("AGY-ALERT", "Emergency alerts and warnings", "P3Y", "fiscal_year_end", "destroy"),
    ("AGY-PRESS", "Press releases", "P10Y", "calendar_year_end", "transfer"),
    ("AGY-MEETING", "Council meeting notices", "permanent", "created", "transfer"),
    ("AGY-CASE", "Case-related posts", "P5Y", "event:case_closed", "destroy"),
    ("AGY-VIDEO", "Video uploads", "P6Y", "fiscal_year_end", "destroy"),
    ("AGY-WEB", "Website captures", "P2Y", "created", "destroy"),
    ("AGY-MSG", "Direct messages", "P3Y", "calendar_year_end", "destroy"),
    ("AGY-MOD", "Hidden and deleted comments", "P4Y", "calendar_year_end", "destroy"),
    ("AGY-PUBWORKS", "Public works notices", "P2Y", "fiscal_year_end", "destroy"),
    ("AGY-LEGACY", "Content from before the 2018 policy", "P10Y", "created", "transfer"),
    ("AGY-POST", "Agency posts", "P5Y", "calendar_year_end", "destroy"),
    ("AGY-PUBLIC", "Public comments and replies", "P3Y", "calendar_year_end", "destroy"),
)

RULES = (
    ("kind:post", "AGY-POST"),
    ("kind:page", "AGY-POST"),
    ("kind:comment", "AGY-PUBLIC"),
    ("kind:reply", "AGY-PUBLIC"),
    ("kind:message", "AGY-MSG"),
    ("platform:web", "AGY-WEB"),
    ("platform:youtube kind:post", "AGY-VIDEO"),
    ("account:facebook/MetroPD kind:post", "AGY-LE"),
    ("account:x/MetroPD", "AGY-LE"),
    ("account:x/NMDPSAlerts", "AGY-ALERT"),
    ('"amber alert"', "AGY-ALERT"),
    ('"press release"', "AGY-PRESS"),
    ('"city council meeting"', "AGY-MEETING"),
    ('"missing person"', "AGY-CASE"),
    ("arrest suspect", "AGY-CASE"),
    ('"boil water notice"', "AGY-PUBWORKS"),
    ("is:hidden", "AGY-MOD"),
    ("kind:comment is:deleted", "AGY-MOD"),
    ("before:2018-01-01 platform:facebook", "AGY-LEGACY"),
    ("scam phone", "AGY-ALERT"),
)
BROAD_RULE = ("platform:facebook kind:comment", "AGY-MOD")
NARROW_RULE = ('"road closure"', "AGY-PUBWORKS")
REMOVED_RULE = 1  # kind:post: its records fall back to narrower rules or to unclassified
CHANGED_SERIES = ("AGY-LE", "P10Y")
EVENT = ("case_closed", date(2022, 6, 30), '"missing person" before:2022-01-01')
BATCH = 2_000  # the newest records by id, classified as the import hook does


def _series_toml(code: str, title: str, retention: str, trigger: str, disposition: str) -> str:
    return (
        f'[[series]]\ncode = "{code}"\ntitle = "{title}"\ncitation = "agency schedule (bench)"\n'
        f'retention = "{retention}"\ntrigger = "{trigger}"\ndisposition = "{disposition}"\n'
        'applies_to = ["state", "county", "municipality", "other"]\nverified = false\n\n'
    )


def schedule_files(folder: Path) -> tuple[Path, Path]:
    """(the agency file with series and the twenty rules, the file changing one series)."""
    body = "".join(_series_toml(*s) for s in SERIES)
    for query, code in RULES:
        body += f'[[rule]]\nquery = {json.dumps(query)}\nseries = "{code}"\n\n'
    agency = folder / "agency.toml"
    agency.write_text(body, encoding="utf-8")
    code, retention = CHANGED_SERIES
    changed = next(s for s in SERIES if s[0] == code)
    change = folder / "agency-change.toml"
    change.write_text(_series_toml(code, changed[1], retention, *changed[3:]), encoding="utf-8")
    return agency, change


# ------------------------------------------------------------------------ measurements
def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reset_hwm() -> bool:
    """Reset VmHWM to the current RSS (Linux: '5' to clear_refs) so each operation's peak is
    its own; False where that is not allowed (the figure is then the process's peak so far)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def timed(name: str, fn: Callable[[], tuple[int, int]]) -> dict[str, Any]:
    """Run `fn` (returning records touched, records moved) with wall, CPU and memory."""
    reset = _reset_hwm()
    cpu = _cpu()
    started = time.perf_counter()
    with AnonPeak() as anon:
        touched, moved = fn()
    return {
        "op": name,
        "touched": touched,
        "moved": moved,
        "seconds": time.perf_counter() - started,
        "cpu": _cpu() - cpu,
        "hwm_mb": peak_rss_mb(),
        "hwm_reset": reset,
        "anon_mb": anon.mb,
    }


OPS = (
    "classify",
    "reclassify_all",
    "add_broad",
    "add_narrow",
    "remove",
    "schedule_change",
    "event_date",
    "batch",
    "check",
)
OP_LABELS = {
    "classify": "load schedule + 20 rules, classify all",
    "reclassify_all": "full reclassify (20 rules)",
    "add_broad": f"add broad rule `{BROAD_RULE[0]}`",
    "add_narrow": f"add narrow text rule `{NARROW_RULE[0]}`",
    "remove": f"remove rule `{RULES[REMOVED_RULE - 1][0]}`",
    "schedule_change": f"schedule file: {CHANGED_SERIES[0]} to {CHANGED_SERIES[1]}",
    "event_date": f"event `{EVENT[0]}` for `{EVENT[2]}`",
    "batch": f"classify an import batch ({BATCH:,} records, the import hook's path)",
    "check": "full reclassify after the changes (must move 0)",
}


def child_ours(db: Path, folder: Path) -> dict[str, Any]:
    from retention_desk import retention as rt
    from retention_desk.archive import Archive

    archive = Archive.open(db)
    agency, change = schedule_files(folder)
    rt.ensure_schedules(archive)  # the shipped files: once per archive, not classification
    ops: list[dict[str, Any]] = []

    def load() -> tuple[int, int]:
        done = rt.import_schedule(archive, agency)
        return archive.count("SELECT count(*) FROM records"), done.moved

    def reclassify() -> tuple[int, int]:
        summary = rt.classify(archive)
        return summary.records, summary.moved

    def add(query: str, code: str) -> Callable[[], tuple[int, int]]:
        def run() -> tuple[int, int]:
            done = rt.add_rule(archive, query, code)
            return done.matched, done.moved

        return run

    def remove() -> tuple[int, int]:
        rule_id = rt.list_rules(archive)[REMOVED_RULE - 1].id
        done = rt.remove_rule(archive, rule_id)
        return done.matched, done.moved

    def schedule_change() -> tuple[int, int]:
        done = rt.import_schedule(archive, change)
        touched = archive.count(
            "SELECT count(*) FROM record_retention WHERE series_code = :c", c=CHANGED_SERIES[0]
        )
        return touched, done.moved

    def event_date() -> tuple[int, int]:
        name, when, query = EVENT
        count = rt.set_event_date(archive, name, when, query=query)
        return count, -1

    ops.append(timed("classify", load))
    ops.append(timed("reclassify_all", reclassify))
    ops.append(timed("add_broad", add(*BROAD_RULE)))
    ops.append(timed("add_narrow", add(*NARROW_RULE)))
    ops.append(timed("remove", remove))
    ops.append(timed("schedule_change", schedule_change))

    def batch() -> tuple[int, int]:
        summary = rt.classify(archive, _batch_ids(archive))
        return min(BATCH, summary.records), summary.moved

    ops.append(timed("event_date", event_date))
    _forget(archive, "record_retention")  # as if just imported: never classified
    ops.append(timed("batch", batch))
    ops.append(timed("check", reclassify))
    summary = rt.classification_summary(archive)
    archive.close()
    return {
        "ops": ops,
        "per_series": summary.per_series,
        "unclassified": summary.unclassified,
        "records": summary.records,
        "process_hwm_mb": peak_rss_mb(),
    }


def _batch_ids(archive: Any) -> list[int]:
    with archive.read() as conn:
        found = conn.exec_driver_sql(
            f"SELECT id FROM records ORDER BY id DESC LIMIT {BATCH}"
        ).scalars()
        return [int(i) for i in found]


def _forget(archive: Any, table: str) -> None:
    """Drop the batch's classification (untimed), so it is classified as new records are."""
    ids = ",".join(str(i) for i in _batch_ids(archive))
    with archive.write() as conn:
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE record_id IN ({ids})")


# ------------------------------------------------------------------------ bare SQL
def _period(retention: str) -> tuple[int, int, int] | None:
    if retention == "permanent":
        return None
    years = months = days = 0
    rest = retention[1:]
    for unit in ("Y", "M", "D"):
        if unit in rest:
            number, rest = rest.split(unit, 1)
            value = int(number)
            years, months, days = (
                (value, months, days)
                if unit == "Y"
                else (years, value, days)
                if unit == "M"
                else (years, months, value)
            )
    return years, months, days


def _eligible_sql(retention: str, trigger: str) -> str:
    """SQLite's date arithmetic for the eligible date (UTC dates, NULL while not known)."""
    period = _period(retention)
    if period is None:
        return "NULL"
    years, months, days = period
    shift = f"'+{years} years', '+{months} months', '+{days + 1} days'"
    if trigger.startswith("event:"):
        event = trigger.removeprefix("event:")
        return (
            f"(SELECT date(e.event_date, {shift}) FROM bare_events e"
            f" WHERE e.record_id = r.id AND e.event = '{event}')"
        )
    start = {
        "created": "r.created_at",
        "calendar_year_end": "date(r.created_at, 'start of year', '+1 year', '-1 day')",
        "fiscal_year_end": (
            "date(r.created_at, 'start of month', '+6 months', 'start of year', '+6 months',"
            " '-1 day')"
        ),
    }[trigger]
    return f"date({start}, {shift})"


def _precedence(series: tuple[str, str, str, str, str]) -> tuple[int, int]:
    # the longest retention writes last: permanent, then events, then by period length
    _code, _title, retention, trigger, _disp = series
    period = _period(retention)
    if period is None:
        return (3, 0)
    if trigger.startswith("event:"):
        return (2, 0)
    years, months, days = period
    return (1, years * 372 + months * 31 + days)


def child_bare(db: Path) -> dict[str, Any]:
    from retention_desk.archive import Archive
    from retention_desk.retention.scope import compile_rule_query

    archive = Archive.open(db)
    series = {s[0]: s for s in SERIES}
    # compiling the queries is the search engine's job on both sides and not timed here
    compiled = {q: compile_rule_query(archive, q) for q, _c in (*RULES, BROAD_RULE, NARROW_RULE)}
    compiled[EVENT[2]] = compile_rule_query(archive, EVENT[2])
    rules = [(i + 1, q, c) for i, (q, c) in enumerate(RULES)]
    ops: list[dict[str, Any]] = []

    def apply(conn: Any, rule: tuple[int, str, str], extra: str = "") -> int:
        rule_id, query, code = rule
        sql, params = compiled[query]
        s = series[code]
        status = "'permanent'" if s[2] == "permanent" else "'dated'"
        result = conn.exec_driver_sql(
            "INSERT OR REPLACE INTO bare_rr (record_id, series_code, rule_id, eligible_on,"
            f" status, disposition) SELECT r.id, '{code}', {rule_id},"
            f" {_eligible_sql(s[2], s[3])}, {status}, '{s[4]}' FROM records r"
            f" WHERE r.id IN ({sql}){extra}",
            dict(params),
        )
        return max(result.rowcount, 0)

    def by_precedence(items: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        return sorted(items, key=lambda r: (_precedence(series[r[2]]), -r[0]))

    def classify_all() -> tuple[int, int]:
        with archive.write() as conn:
            conn.exec_driver_sql("DELETE FROM bare_rr")
            written = sum(apply(conn, rule) for rule in by_precedence(rules))
        return written, -1

    def add(query: str, code: str) -> Callable[[], tuple[int, int]]:
        def run() -> tuple[int, int]:
            rule_id = max(r[0] for r in rules) + 1
            rules.append((rule_id, query, code))
            sql, params = compiled[query]
            s = series[code]
            status = "'permanent'" if s[2] == "permanent" else "'dated'"
            with archive.write() as conn:
                result = conn.exec_driver_sql(
                    "INSERT INTO bare_rr (record_id, series_code, rule_id, eligible_on, status,"
                    f" disposition) SELECT r.id, '{code}', {rule_id},"
                    f" {_eligible_sql(s[2], s[3])}, {status}, '{s[4]}' FROM records r"
                    f" WHERE r.id IN ({sql}) ON CONFLICT(record_id) DO UPDATE SET"
                    " series_code = excluded.series_code, rule_id = excluded.rule_id,"
                    " eligible_on = excluded.eligible_on, status = excluded.status,"
                    " disposition = excluded.disposition WHERE"
                    " coalesce(excluded.eligible_on, '9') > coalesce(bare_rr.eligible_on, '9')",
                    dict(params),
                )
            return max(result.rowcount, 0), -1

        return run

    def remove() -> tuple[int, int]:
        rule = rules.pop(REMOVED_RULE - 1)
        with archive.write() as conn:
            conn.exec_driver_sql("DELETE FROM bare_scope")
            conn.exec_driver_sql(
                f"INSERT INTO bare_scope SELECT record_id FROM bare_rr WHERE rule_id = {rule[0]}"
            )
            touched = int(conn.exec_driver_sql("SELECT count(*) FROM bare_scope").scalar_one())
            conn.exec_driver_sql(f"DELETE FROM bare_rr WHERE rule_id = {rule[0]}")
            for other in by_precedence(rules):
                apply(conn, other, " AND r.id IN (SELECT id FROM bare_scope)")
        return touched, -1

    def schedule_change() -> tuple[int, int]:
        code, retention = CHANGED_SERIES
        old = series[code]
        series[code] = (code, old[1], retention, old[3], old[4])
        with archive.write() as conn:
            result = conn.exec_driver_sql(
                f"UPDATE bare_rr SET eligible_on = (SELECT {_eligible_sql(retention, old[3])}"
                " FROM records r WHERE r.id = bare_rr.record_id) WHERE series_code = ?",
                (code,),
            )
        return max(result.rowcount, 0), -1

    def event_date() -> tuple[int, int]:
        name, when, query = EVENT
        sql, params = compiled[query]
        codes = [s[0] for s in SERIES if s[3] == f"event:{name}"]
        with archive.write() as conn:
            result = conn.exec_driver_sql(
                "INSERT OR REPLACE INTO bare_events (record_id, event, event_date)"
                f" SELECT r.id, '{name}', '{when.isoformat()}' FROM records r"
                f" WHERE r.id IN ({sql})",
                dict(params),
            )
            for code in codes:
                s = series[code]
                conn.exec_driver_sql(
                    f"UPDATE bare_rr SET eligible_on = (SELECT {_eligible_sql(s[2], s[3])}"
                    " FROM records r WHERE r.id = bare_rr.record_id)"
                    f" WHERE series_code = '{code}' AND record_id IN (SELECT record_id FROM"
                    f" bare_events WHERE event = '{name}' AND event_date = '{when.isoformat()}')"
                )
        return max(result.rowcount, 0), -1

    with archive.write() as conn:
        for sql in (
            "CREATE TABLE bare_rr (record_id INTEGER PRIMARY KEY, series_code TEXT,"
            " rule_id INTEGER, eligible_on TEXT, status TEXT, disposition TEXT)",
            "CREATE INDEX bare_rr_series ON bare_rr(series_code)",
            "CREATE INDEX bare_rr_rule ON bare_rr(rule_id)",
            "CREATE INDEX bare_rr_eligible ON bare_rr(eligible_on)",
            "CREATE TABLE bare_events (record_id INTEGER, event TEXT, event_date TEXT,"
            " PRIMARY KEY (record_id, event)) WITHOUT ROWID",
            "CREATE TEMP TABLE bare_scope (id INTEGER PRIMARY KEY)",
        ):
            conn.exec_driver_sql(sql)
    ops.append(timed("classify", classify_all))
    ops.append(timed("reclassify_all", classify_all))
    ops.append(timed("add_broad", add(*BROAD_RULE)))
    ops.append(timed("add_narrow", add(*NARROW_RULE)))
    ops.append(timed("remove", remove))
    ops.append(timed("schedule_change", schedule_change))

    def batch() -> tuple[int, int]:
        ids = _batch_ids(archive)
        with archive.write() as conn:
            conn.exec_driver_sql("DELETE FROM bare_scope")
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.executemany("INSERT INTO bare_scope(id) VALUES (?)", ((i,) for i in ids))
            for rule in by_precedence(rules):
                apply(conn, rule, " AND r.id IN (SELECT id FROM bare_scope)")
        return len(ids), -1

    ops.append(timed("event_date", event_date))
    _forget(archive, "bare_rr")
    ops.append(timed("batch", batch))
    ops.append(timed("check", classify_all))
    archive.close()
    return {"ops": ops, "process_hwm_mb": peak_rss_mb()}


# ------------------------------------------------------------------------ parent
def archive_for(cache: Path, records: int, seed: int) -> Path:
    from bench import archive_gen

    path = cache / f"archive-{records}-s{seed}.rdesk"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for stale in cache.glob(partial.name + "*"):
            stale.unlink()
        print(f"generating {records} records into {path} ...", file=sys.stderr)
        archive_gen.generate(partial, records, seed, progress=records >= 100_000)
        partial.rename(path)
    return path


def measure(side: str, db: Path, folder: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.retention_bench", "--child", side, "--db", str(db)]
    cmd += ["--work", str(folder)]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} measurement failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}" if b > 0 else "n/a"


def table(ours: dict[str, Any], bare: dict[str, Any] | None) -> str:
    lines = [
        "| operation | records touched | moved | ours wall s | ours CPU s | bare wall s"
        " | bare CPU s | ratio wall | ratio CPU | ours peak MB | ours anon MB"
        " | bare peak MB | bare anon MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    bare_ops = {o["op"]: o for o in bare["ops"]} if bare else {}
    for o in ours["ops"]:
        b = bare_ops.get(o["op"])
        moved = f"{o['moved']:,}" if o["moved"] >= 0 else ""
        row = (
            f"| {OP_LABELS[o['op']]} | {o['touched']:,} | {moved} | {o['seconds']:.2f}"
            f" | {o['cpu']:.2f} | "
        )
        if b is not None:
            row += (
                f"{b['seconds']:.2f} | {b['cpu']:.2f} | {_ratio(o['seconds'], b['seconds'])}"
                f" | {_ratio(o['cpu'], b['cpu'])} | "
            )
        else:
            row += "n/a | n/a | | | "
        row += f"{o['hwm_mb']:.0f} | {o['anon_mb']:.0f} | "
        row += f"{b['hwm_mb']:.0f} | {b['anon_mb']:.0f} |" if b is not None else "n/a | n/a |"
        lines.append(row)
    return "\n".join(lines)


def verdict(ours: dict[str, Any]) -> list[str]:
    ops = {o["op"]: o for o in ours["ops"]}
    notes = []
    classify_s = ops["classify"]["seconds"]
    notes.append(
        f"classify all: {classify_s:.1f} s (target <= {TARGET_CLASSIFY_S:.0f} s at 1M)"
        f" {'met' if classify_s <= TARGET_CLASSIFY_S else 'MISSED'}"
    )
    for op in ("add_broad", "remove"):
        s = ops[op]["seconds"]
        notes.append(
            f"{OP_LABELS[op]}: {s:.1f} s (target <= {TARGET_RULE_CHANGE_S:.0f} s at 1M)"
            f" {'met' if s <= TARGET_RULE_CHANGE_S else 'MISSED'}"
        )
    check = ops["check"]["moved"]
    notes.append(
        "consistency: the last full reclassify moved"
        f" {check} record(s) ({'the incremental paths agree' if check == 0 else 'MISMATCH'})"
    )
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.retention_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cache", default=str(DEFAULT_CACHE), help="where the archive is kept")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the worked-on copy")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument("--child", choices=("ours", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        db, folder = Path(args.db), Path(args.work)
        result = child_ours(db, folder) if args.child == "ours" else child_bare(db)
        print(json.dumps(result))
        return 0

    if args.records < 1:
        print("--records must be at least 1.", file=sys.stderr)
        return 1
    cache = Path(args.cache)
    source = archive_for(cache, args.records, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="retention-bench-", dir=cache))
    try:
        work = folder / "work.rdesk"
        started = time.perf_counter()
        shutil.copyfile(source, work)
        copy_s = time.perf_counter() - started
        ours = measure("ours", work, folder)
        bare = None if args.skip_bare else measure("bare", work, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"Archive: {ours['records']:,} records ({source.stat().st_size / 2**20:,.0f} MB,"
        f" copied in {copy_s:.1f} s); 20 rules over {len(SERIES)} agency series;"
        f" load average {os.getloadavg()[0]:.1f}. Ratio = ours / bare seconds."
    )
    print(table(ours, bare))
    print(
        f"After the run: {ours['unclassified']:,} unclassified; per series "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(ours["per_series"].items()))
    )
    notes = verdict(ours)
    for note in notes:
        print(note)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"records": args.records, "ours": ours, "bare": bare}, indent=2),
            encoding="utf-8",
        )
    return 0 if ours["ops"][-1]["moved"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Search latency on a large archive.

    python -m bench.search_bench --archive /tmp/bench.rdesk [--records 1000000] [--runs 5]

Creates the archive with bench.archive_gen when PATH does not exist. For a fixed query set
(common, mid-frequency and rare words, phrases, prefixes, filters, date ranges and
combinations) it times, after one warm-up run each:
- the first page of 50 sorted by date (`SearchEngine.page`, the GUI's first paint),
- the first page of 50 sorted by relevance,
- the facets (which include the exact total),
- beside them the bare FTS5 statements: `SELECT rowid FROM record_fts WHERE record_fts
  MATCH ? LIMIT 50` and the same `ORDER BY rank LIMIT 50`,
and prints a Markdown table with p50/p95 per query and pooled over the whole set.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import archive_gen
from retention_desk.archive import Archive
from retention_desk.search import SearchEngine

FIXED_QUERIES = (
    ("common", "the"),
    ("common", "police"),
    ("common", "water"),
    ("mid", "parade"),
    ("mid", "{mid}"),
    ("rare", "{rare}"),
    ("rare", "{very_rare}"),
    ("phrase", '"road closure"'),
    ("phrase", '"thank you for your patience"'),
    ("prefix", "traf*"),
    ("prefix", "{prefix}*"),
    ("filter", "platform:youtube"),
    ("filter", "kind:comment is:deleted"),
    ("filter", "account:x/MetroPD"),
    ("filter", "has:media"),
    ("date", "on:2023-07"),
    ("date", "after:2024-06 kind:post"),
    ("combo", "police platform:facebook"),
    ("combo", "snow on:2021"),
    ("combo", "police -snow"),
    ("combo", "fire OR storm"),
    ("combo", '"missing person" after:2020'),
    ("combo", "the platform:youtube"),
    ("combo", "{rare} kind:comment"),
    ("combo", "is:edited police"),
    ("all", ""),
)


def _vocab_words(archive: Archive) -> dict[str, str]:
    """Pseudo-words by document frequency, chosen the same way for the same archive."""
    raw = sqlite3.connect(f"file:{archive.path}?mode=ro", uri=True)
    try:
        raw.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, record_fts, row)")

        def band(low: int, high: int) -> str:
            row = raw.execute(
                "SELECT term FROM temp.v WHERE doc BETWEEN ? AND ? AND length(term) > 5"
                " ORDER BY term LIMIT 1",
                (low, high),
            ).fetchone()
            return row[0] if row else "zzzz"

        return {
            "mid": band(900, 1100),
            "rare": band(40, 60),
            "very_rare": band(3, 5),
            "prefix": band(2000, 5000)[:3],
        }
    finally:
        raw.close()


def _timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = fn()  # warm-up (and the value to report)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _fmt(values: list[float]) -> str:
    return f"{_p(values, 0.5):.1f} / {_p(values, 0.95):.1f}" if values else "n/a"


def run(archive_path: Path, runs: int) -> dict[str, Any]:
    archive = Archive.open(archive_path)
    engine = SearchEngine(archive)
    # The GUI starts the warm-up on a thread of its own right after opening an archive, and
    # the user's first searches run beside it: time both, as they happen there.
    warm: dict[str, float] = {}

    def warm_up() -> None:
        began = time.perf_counter()
        engine.warm_up()
        warm["s"] = time.perf_counter() - began

    warmer = threading.Thread(target=warm_up)
    warmer.start()
    during: dict[str, float] = {}
    for label, query, call in (
        ("first page, no query", "", lambda q: engine.page(q, limit=50)),
        ("facets, no query", "", lambda q: engine.facets(q)),
        ("first page, police", "police", lambda q: engine.page(q, limit=50)),
        ("first page, parade", "parade", lambda q: engine.page(q, limit=50)),
    ):
        began = time.perf_counter()
        call(query)
        during[label] = round((time.perf_counter() - began) * 1000, 1)
    during_warm = warmer.is_alive()
    warmer.join()
    warm_up_s = warm["s"]
    words = _vocab_words(archive)
    rows: list[dict[str, Any]] = []
    pooled: dict[str, list[float]] = {
        "date": [],
        "relevance": [],
        "facets": [],
        "fts": [],
        "fts_rank": [],
    }
    with archive.read() as conn:
        records = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
        versions = conn.execute(text("SELECT count(*) FROM record_versions")).scalar_one()
    for role, template in FIXED_QUERIES:
        query = template.format(**words)
        q = engine.parse(query)
        date_t, page = _timed(lambda q=q: engine.page(q, sort="date", limit=50), runs)
        rel_t, _ = _timed(lambda q=q: engine.page(q, sort="relevance", limit=50), runs)
        fac_t, facets = _timed(lambda q=q: engine.facets(q), runs)
        fts_t: list[float] = []
        rank_t: list[float] = []
        if q.fts is not None:
            with archive.read() as conn:
                engine.backend.prepare_read(conn)
                bare = text("SELECT rowid FROM record_fts WHERE record_fts MATCH :m LIMIT 50")
                ranked = text(
                    "SELECT rowid FROM record_fts WHERE record_fts MATCH :m ORDER BY rank LIMIT 50"
                )
                fts_t, _ = _timed(
                    lambda c=conn, s=bare, m=q.fts: c.execute(s, {"m": m}).all(), runs
                )
                rank_t, _ = _timed(
                    lambda c=conn, s=ranked, m=q.fts: c.execute(s, {"m": m}).all(), runs
                )
        for key, values in (
            ("date", date_t),
            ("relevance", rel_t),
            ("facets", fac_t),
            ("fts", fts_t),
            ("fts_rank", rank_t),
        ):
            pooled[key] += values
        rows.append(
            {
                "role": role,
                "query": query,
                "matches": facets.total,
                "strategy": page.strategy,
                "date": date_t,
                "relevance": rel_t,
                "facets": fac_t,
                "fts": fts_t,
                "fts_rank": rank_t,
            }
        )
        print(
            f"  {query!r}: {facets.total} records, date p50 {statistics.median(date_t):.1f} ms",
            flush=True,
        )
    engine.close()
    archive.close()
    return {
        "archive": str(archive_path),
        "warm_up_s": round(warm_up_s, 2),
        "during_warm_up_ms": during,
        "warm_up_still_running_after_them": during_warm,
        "records": records,
        "versions": versions,
        "size_mb": round(archive_path.stat().st_size / 2**20),
        "runs": runs,
        "sqlite": sqlite3.sqlite_version,
        "python": platform.python_version(),
        "queries": rows,
        "pooled": pooled,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Archive: {report['records']} records, {report['versions']} versions,"
        f" {report['size_mb']} MB; SQLite {report['sqlite']}, Python {report['python']};"
        f" {report['runs']} timed runs per query after a warm-up run. Times in ms, p50 / p95."
        f" Engine warm-up (date keys and facet groups, on its own thread): {report['warm_up_s']} s;"
        " searches run beside it (ms, first run after opening"
        + (
            ", the warm-up still running after them"
            if report.get("warm_up_still_running_after_them")
            else ""
        )
        + "): "
        + "; ".join(f"{k} {v}" for k, v in report.get("during_warm_up_ms", {}).items())
        + ".",
        "",
        "| role | query | matches | plan | page 50 by date | page 50 by relevance | facets"
        " | bare FTS LIMIT 50 | bare FTS rank LIMIT 50 |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in report["queries"]:
        shown = row["query"].replace("|", "\\|") or "(empty)"
        lines.append(
            f"| {row['role']} | `{shown}` | {row['matches']} | {row['strategy']}"
            f" | {_fmt(row['date'])} | {_fmt(row['relevance'])} | {_fmt(row['facets'])}"
            f" | {_fmt(row['fts'])} | {_fmt(row['fts_rank'])} |"
        )
    pooled = report["pooled"]
    lines.append(
        f"| **all** | pooled over every run | | | **{_fmt(pooled['date'])}**"
        f" | **{_fmt(pooled['relevance'])}** | **{_fmt(pooled['facets'])}**"
        f" | {_fmt(pooled['fts'])} | {_fmt(pooled['fts_rank'])} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench", description=__doc__)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument(
        "--records",
        type=int,
        default=1_000_000,
        help="size of the archive to generate when PATH does not exist",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    args = parser.parse_args(argv)
    if not args.archive.exists():
        print(f"generating {args.records} records into {args.archive} ...", flush=True)
        archive_gen.generate(args.archive, args.records)
    report = run(args.archive, args.runs)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

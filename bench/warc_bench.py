"""WARC import benchmark: retention_desk's importer against the bare libraries it builds on.

    python -m bench.warc_bench --pages 20000 [--keep DIR] [--json]

1. Writes a deterministic synthetic WARC (gzip per record, warcio's writer): for every page a
   request and an HTML response (realistic municipal text, some bodies Content-Encoding: gzip),
   an image; every 10th page a stylesheet and a revisit of an earlier page.
2. Runs, each in its own child process (so peak RSS is measured separately, same machine, same
   file, same run):
   - `retention`: `run_import` into a fresh archive: everything the app does (SHA-256 of the
     file, original stored byte-exact as blobs, digests of every record checked, truncation
     checks, visible text, revisit resolution, audit rows, FTS5 index through triggers);
   - `bare`: warcio ArchiveIterator + selectolax text extraction + sqlite3 executemany of the
     same rows + FTS5 insert: the least any tool built on these libraries has to do;
   - `bare2`: the same with the archive's second, trigram FTS5 index beside the word index.
3. Prints records/s for both, peak RSS, and the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.measure import AnonPeak, peak_rss_mb

WORDS = tuple(
    [
        "city",
        "council",
        "county",
        "commission",
        "sheriff",
        "police",
        "department",
        "public",
        "works",
        "road",
        "closure",
        "water",
        "main",
        "repair",
        "budget",
        "hearing",
        "meeting",
        "agenda",
        "minutes",
        "ordinance",
        "resolution",
        "permit",
        "zoning",
        "variance",
        "planning",
        "board",
        "library",
        "parks",
        "recreation",
        "community",
        "event",
        "notice",
        "emergency",
        "alert",
        "weather",
        "advisory",
        "traffic",
        "detour",
        "construction",
        "schedule",
        "election",
        "polling",
        "location",
        "voter",
        "registration",
        "animal",
        "shelter",
        "adoption",
        "fire",
        "station",
        "training",
        "grant",
        "application",
        "audit",
        "report",
        "finance",
        "procurement",
        "bid",
        "contract",
        "vendor",
        "invoice",
        "residents",
        "neighborhood",
        "downtown",
        "street",
        "avenue",
        "bridge",
        "highway",
        "transit",
        "bus",
        "route",
        "the",
        "a",
        "of",
        "to",
        "and",
        "in",
        "for",
        "on",
        "with",
        "at",
        "by",
        "from",
        "this",
        "that",
        "will",
        "be",
        "is",
        "are",
        "was",
        "has",
        "have",
        "please",
        "contact",
        "office",
        "hours",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "weekend",
        "today",
        "tomorrow",
        "morning",
        "evening",
        "information",
        "questions",
        "comments",
        "public",
        "records",
        "request",
        "Albuquerque",
        "Santa",
        "Fe",
        "Las",
        "Cruces",
        "Rio",
        "Rancho",
        "Roswell",
        "Farmington",
        "Gallup",
        "Taos",
    ]
)
TEMPLATE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
    "<link rel=stylesheet href=/site.css><style>body{{font-family:sans-serif}}</style>"
    "<script>window.dataLayer=[];function gtag(){{dataLayer.push(arguments)}}</script>"
    "</head><body><header><nav><ul>{nav}</ul></nav></header><main><article>"
    "<h1>{title}</h1>{paragraphs}</article></main>"
    "<footer><p>{footer}</p></footer><script src=/app.js></script></body></html>"
)


# ------------------------------------------------------------------------------- generate
def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def page_html(rng: random.Random, index: int) -> bytes:
    title = f"{_sentence(rng, 6)[:-1]} #{index}"
    nav = "".join(
        f"<li><a href='/section/{i}'>{rng.choice(WORDS).title()}</a></li>" for i in range(10)
    )
    paragraphs = "".join(
        "<p>"
        + " ".join(_sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 7)))
        + f" <a href='/item/{rng.randint(1, 10**6)}'>{rng.choice(WORDS)}</a></p>"
        for _ in range(rng.randint(4, 9))
    )
    footer = _sentence(rng, 12)
    html = TEMPLATE.format(title=title, nav=nav, paragraphs=paragraphs, footer=footer)
    return html.encode("utf-8")


def _warc_date(index: int) -> str:
    seconds = index * 7
    day, hour = 1 + seconds // 86400, seconds // 3600 % 24
    return f"2024-03-{day:02d}T{hour:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"


def generate(path: Path, pages: int, seed: int = 20240301) -> dict[str, int]:
    """Write the synthetic WARC; returns what it holds."""
    rng = random.Random(seed)
    counts = {"pages": 0, "revisits": 0, "images": 0, "stylesheets": 0, "requests": 0}
    digests: list[tuple[str, str, str]] = []  # (uri, date, payload digest) of earlier pages
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for index in range(pages):
            uri = f"https://www.example-county.gov/news/{index}"
            date = _warc_date(index)
            body = page_html(rng, index)
            headers = [("Content-Type", "text/html; charset=utf-8")]
            stored = body
            if index % 4 == 0:
                stored = gzip.compress(body, compresslevel=6, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
            headers.append(("Content-Length", str(len(stored))))
            response = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(stored),
                length=len(stored),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(response)
            digests.append((uri, date, response.rec_headers.get_header("WARC-Payload-Digest")))
            counts["pages"] += 1
            request = writer.create_warc_record(
                uri,
                "request",
                http_headers=StatusAndHeaders(
                    f"GET /news/{index} HTTP/1.1",
                    [("Host", "www.example-county.gov"), ("User-Agent", "bench")],
                    is_http_request=True,
                ),
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(request)
            counts["requests"] += 1
            image = rng.randbytes(2048)
            writer.write_record(
                writer.create_warc_record(
                    f"https://www.example-county.gov/img/{index}.png",
                    "response",
                    payload=io.BytesIO(image),
                    length=len(image),
                    http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"
                    ),
                    warc_headers_dict={"WARC-Date": date},
                )
            )
            counts["images"] += 1
            if index % 10 == 5:
                css = b"body{margin:0}" * 50
                writer.write_record(
                    writer.create_warc_record(
                        f"https://www.example-county.gov/site.css?v={index}",
                        "response",
                        payload=io.BytesIO(css),
                        length=len(css),
                        http_headers=StatusAndHeaders(
                            "200 OK", [("Content-Type", "text/css")], protocol="HTTP/1.1"
                        ),
                        warc_headers_dict={"WARC-Date": date},
                    )
                )
                counts["stylesheets"] += 1
            if index % 10 == 9:
                old_uri, old_date, digest = digests[rng.randrange(len(digests))]
                writer.write_record(
                    writer.create_revisit_record(
                        old_uri,
                        digest,
                        old_uri,
                        old_date,
                        http_headers=StatusAndHeaders(
                            "200 OK",
                            [("Content-Type", "text/html; charset=utf-8")],
                            protocol="HTTP/1.1",
                        ),
                        warc_headers_dict={"WARC-Date": _warc_date(index)},
                    )
                )
                counts["revisits"] += 1
    return counts


# -------------------------------------------------------------------------------- workers
def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_retention(warc: Path, workdir: Path) -> dict[str, Any]:
    from retention_desk.archive import Archive
    from retention_desk.importers.base import ImportOptions
    from retention_desk.importers.registry import all_importers
    from retention_desk.importers.run import run_import

    all_importers()  # module imports are a one-off start-up cost, not import throughput
    archive = Archive.create(workdir / "bench.rdesk", operator="bench")
    before = peak_rss_mb()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    summary = run_import(archive, [warc], ImportOptions(format="warc"))
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    archive.close()
    (result,) = summary.files
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "records": result.added,
        "status": result.status,
        "warnings": len(result.warnings),
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }


_BARE_SCHEMA = """
CREATE TABLE captures (id INTEGER PRIMARY KEY, record_id TEXT UNIQUE, url TEXT,
  captured_at TEXT, title TEXT, text TEXT, http_status INTEGER, content_type TEXT,
  payload_digest TEXT, revisit_of TEXT);
CREATE VIRTUAL TABLE captures_fts USING fts5(title, text, content='captures', content_rowid='id');
"""


# the archive's second index (substring search, migration 0005), for the bare side that
# builds the same two indexes
_BARE_TRIGRAM = (
    "CREATE VIRTUAL TABLE captures_tri USING fts5(title, text, content='captures',"
    " content_rowid='id', tokenize='trigram', detail=none, columnsize=0)"
)


def run_bare_trigram(warc: Path, workdir: Path) -> dict[str, Any]:
    return run_bare(warc, workdir, trigram=True)


def run_bare(warc: Path, workdir: Path, trigram: bool = False) -> dict[str, Any]:
    from selectolax.lexbor import LexborHTMLParser

    db = sqlite3.connect(workdir / "bare.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.executescript(_BARE_SCHEMA)
    if trigram:
        db.execute(_BARE_TRIGRAM)
    before = peak_rss_mb()
    cpu = _cpu_seconds()
    start = time.perf_counter()
    rows: list[tuple[Any, ...]] = []
    by_digest: dict[str, tuple[str, str, str]] = {}
    next_id = 1
    db.execute("BEGIN")

    def flush() -> None:
        db.executemany("INSERT INTO captures VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany(
            "INSERT INTO captures_fts (rowid, title, text) VALUES (?,?,?)",
            [(r[0], r[4], r[5]) for r in rows],
        )
        if trigram:
            db.executemany(
                "INSERT INTO captures_tri (rowid, title, text) VALUES (?,?,?)",
                [(r[0], r[4], r[5]) for r in rows],
            )
        rows.clear()

    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type not in ("response", "revisit"):
                continue
            headers = record.http_headers
            ctype = headers.get_header("Content-Type", "") if headers else ""
            if "html" not in ctype:
                continue
            rec_id = record.rec_headers.get_header("WARC-Record-ID")
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if record.rec_type == "revisit":
                original = by_digest.get(digest)
                if original is None:
                    continue
                title, text, revisit_of = original[0], original[1], original[2]
            else:
                tree = LexborHTMLParser(record.content_stream().read().decode("utf-8", "replace"))
                node = tree.css_first("title")
                title = node.text() if node is not None else None
                tree.strip_tags(["script", "style", "noscript", "template"])
                text = " ".join(tree.body.text(separator=" ").split()) if tree.body else ""
                by_digest[digest] = (title, text, rec_id)
                revisit_of = None
            rows.append(
                (
                    next_id,
                    rec_id,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.rec_headers.get_header("WARC-Date"),
                    title,
                    text,
                    int(headers.get_statuscode() or 0),
                    ctype,
                    digest,
                    revisit_of,
                )
            )
            next_id += 1
            if len(rows) >= 2000:
                flush()
    flush()
    db.commit()
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    count = db.execute("SELECT count(*) FROM captures").fetchone()[0]
    db.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "records": count,
        "status": "done",
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }


# ----------------------------------------------------------------------------------- main
def _child(kind: str, warc: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"warcbench-{kind}-") as tmp:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.warc_bench",
                "--worker",
                kind,
                "--warc",
                str(warc),
                "--workdir",
                tmp,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--keep", type=Path, help="write the WARC here and keep it")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--worker", choices=("retention", "bare", "bare2"), help=argparse.SUPPRESS)
    parser.add_argument("--warc", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker = {"retention": run_retention, "bare": run_bare, "bare2": run_bare_trigram}[
            args.worker
        ]
        with AnonPeak() as anon:
            result = worker(args.warc, args.workdir)
        result["peak_anon_mb"] = anon.mb
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory(prefix="warcbench-") as tmp:
        warc = (args.keep or Path(tmp)) / f"synthetic-{args.pages}.warc.gz"
        warc.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        contents = generate(warc, args.pages)
        generated = time.perf_counter() - start
        sha = hashlib.sha256(warc.read_bytes()).hexdigest()
        results = {
            "retention": _child("retention", warc),
            "bare": _child("bare", warc),
            # the same word + trigram indexes the archive keeps: the same work, both printed
            "bare2": _child("bare2", warc),
        }
        report = {
            "pages": args.pages,
            "warc_bytes": warc.stat().st_size,
            "warc_sha256": sha,
            "contents": contents,
            "generate_seconds": round(generated, 2),
            "results": results,
            "ratio_seconds": round(results["retention"]["seconds"] / results["bare"]["seconds"], 2),
            # the target's definition, as for X: our records/s over bare's (same records)
            "rate_ratio_wall": round(
                results["bare"]["seconds"] / results["retention"]["seconds"], 2
            ),
            "rate_ratio_cpu": round(
                results["bare"]["cpu_seconds"] / results["retention"]["cpu_seconds"], 2
            ),
            "rate_ratio_wall_trigram": round(
                results["bare2"]["seconds"] / results["retention"]["seconds"], 2
            ),
            "rate_ratio_cpu_trigram": round(
                results["bare2"]["cpu_seconds"] / results["retention"]["cpu_seconds"], 2
            ),
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"synthetic WARC: {args.pages} pages, {report['warc_bytes'] / 1e6:.1f} MB, {contents}")
    print(
        f"{'':12} {'records':>8} {'wall s':>8} {'CPU s':>8} {'records/s':>10} {'peak RSS MB':>12}"
        f" {'anon MB':>8}"
    )
    for name, res in results.items():
        rate = res["records"] / res["seconds"] if res["seconds"] else 0.0
        print(
            f"{name:12} {res['records']:>8} {res['seconds']:>8.2f} {res['cpu_seconds']:>8.2f}"
            f" {rate:>10.0f} {res['peak_rss_mb']:>12.0f} {res.get('peak_anon_mb', 0):>8.0f}"
        )
    print(
        f"rate ratio retention/bare: {report['rate_ratio_wall']} wall,"
        f" {report['rate_ratio_cpu']} CPU (target 0.5; time ratio {report['ratio_seconds']})"
    )
    print(
        f"rate ratio retention/bare2 (word + trigram FTS5): {report['rate_ratio_wall_trigram']}"
        f" wall, {report['rate_ratio_cpu_trigram']} CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

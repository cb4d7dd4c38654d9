"""Production benchmark: 10,000 records with redactions, our renderers against the bare
libraries laying out the same text, in the same invocation.

    python -m bench.production_bench [--records 10000] [--json]

The plan is synthetic and deterministic (seeded): threads of posts, comments and replies with
municipal-news text, about one record in four redacted (one to three boxes), one in fifty
withheld, a few records edited (two versions shown). Each side runs in its own child process
on the same plan, so wall time, CPU time and peak RSS (VmHWM) are per side:

- **PDF, ours**: `production.pdf.render_pdf` (plan -> Bates-numbered PDF: record headers,
  indentation, boxes, slip sheets, redaction and withheld logs, embedded DejaVu Sans);
- **PDF, bare**: reportlab platypus `SimpleDocTemplate` with the same font laying out the same
  text: one escaped `Paragraph` per line ours prints (boxes as `[REDACTED code]` text), a page
  per thread and per withheld record, the logs as tables, a footer with a running number: the
  least a tool laying out the same text on these libraries does;
- **XLSX, ours**: `production.xlsx.render_xlsx` (typed and forced-string cells, continuation
  rows, logs and manifest sheets, fixed zip times);
- **XLSX, bare**: openpyxl write-only `append` of the same rows' values (no forced types, no
  other sheets), saved with `Workbook.save`.

Targets (issue 13): PDF at >= 0.6x the bare speed, XLSX at >= 0.7x (ratio = bare wall time /
our wall time; 1.0 is as fast as bare).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.measure import peak_rss_mb
from retention_desk.production.model import (
    LogEntry,
    Piece,
    ProducedMedia,
    ProducedRecord,
    ProducedVersion,
    ProductionPlan,
    Shown,
)

WORDS = [
    "the",
    "council",
    "met",
    "on",
    "tuesday",
    "to",
    "discuss",
    "road",
    "repairs",
    "park",
    "hours",
    "library",
    "budget",
    "water",
    "rates",
    "public",
    "safety",
    "fire",
    "station",
    "volunteers",
    "parade",
    "permits",
    "snow",
    "removal",
    "recycling",
    "schedule",
    "meeting",
    "agenda",
    "minutes",
    "residents",
    "comment",
    "thanks",
    "please",
    "call",
    "office",
    "hours",
    "closed",
    "holiday",
    "event",
    "downtown",
    "street",
    "lights",
    "traffic",
    "signal",
    "bridge",
    "detour",
]
CODES = ("14-2-1.1", "14-2-1(A)", "14-2-1(D)", "14-2-1(G)")


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 90)))


def _pieces(rng: random.Random, redact: bool) -> tuple[Piece, ...]:
    text = _text(rng)
    if not redact:
        return (Piece(text),)
    words = text.split(" ")
    out: list[Piece] = []
    for _ in range(rng.randint(1, 3)):
        cut = rng.randint(1, max(1, len(words) - 1))
        out.append(Piece(" ".join(words[:cut]) + " "))
        out.append(Piece(box=rng.choice(CODES)))
        words = words[cut:] or ["end"]
    out.append(Piece(" " + " ".join(words)))
    return tuple(out)


def make_plan(n: int, seed: int = 13) -> ProductionPlan:
    rng = random.Random(seed)
    records: list[ProducedRecord] = []
    root = 0
    redactions = withheld = 0
    for i in range(1, n + 1):
        depth = 0 if i == 1 or rng.random() < 0.15 else min(2, rng.randint(1, 2))
        if depth == 0:
            root = i
        if rng.random() < 0.02:
            withheld += 1
            log = (LogEntry(i, "record", None, "14-2-1(G)", "Attorney-client privileged"),)
            records.append(
                ProducedRecord(
                    i, "facebook", "comment", "cityofsandia", Shown(()), Shown(()), Shown(()),
                    None, None, depth, None if depth == 0 else root, root, False, False, False,
                    False, (), (), "14-2-1(G)", (), log,
                )
            )  # fmt: skip
            continue
        redact = rng.random() < 0.25
        nversions = 2 if rng.random() < 0.05 else 1
        versions = []
        for seq in range(1, nversions + 1):
            versions.append(
                ProducedVersion(
                    i * 10 + seq,
                    seq,
                    seq == nversions,
                    "2025-06-01 16:15 UTC",
                    None,
                    Shown(()),
                    Shown(_pieces(rng, redact)),
                )
            )
        log = tuple(
            LogEntry(i, "text", v.seq, p.box or "", "Protected personal identifier")
            for v in versions
            for p in v.text.pieces
            if p.is_box
        )
        redactions += len(log)
        fixity = (
            (f"keyed HMAC-SHA256 {'ab' * 32}",)
            if log
            else (f"SHA-256 of version text {'cd' * 32}", f"SHA-256 of original {'ef' * 32}")
        )
        records.append(
            ProducedRecord(
                record_id=i,
                platform="facebook",
                kind="post" if depth == 0 else ("comment" if depth == 1 else "reply"),
                account="cityofsandia",
                author_name=Shown.of(f"Resident {rng.randint(1, 5000)}"),
                author_handle=Shown.of(f"user{rng.randint(1, 5000)}"),
                url=Shown.of(f"https://facebook.com/cityofsandia/posts/{i}"),
                created_utc="2025-06-01 16:15 UTC",
                created_local="2025-06-01 10:15 MDT",
                depth=depth,
                parent_id=None if depth == 0 else root,
                thread_id=root,
                deleted=rng.random() < 0.03,
                hidden=depth > 0 and rng.random() < 0.02,
                edited=nversions > 1,
                restricted=False,
                versions=tuple(versions),
                media=(ProducedMedia(i, "other", "video 1", None, None, False),)
                if depth == 0 and rng.random() < 0.1
                else (),
                withheld=None,
                fixity=fixity,
                log=log,
            )
        )
    return ProductionPlan(
        request_number="IPRA-2026-0001",
        review=False,
        versions="all",
        agency_name="City of Sandia",
        time_zone="America/Denver",
        records=tuple(records),
        restricted_left_out=0,
        redaction_count=redactions,
        withheld_count=withheld,
    )


# ------------------------------------------------------------------------------ sides
def ours_pdf(plan: ProductionPlan) -> tuple[int, int]:
    from retention_desk.production.pdf import render_pdf

    made = render_pdf(plan, bates_prefix="RD", bates_start=1, produced_on=date(2026, 3, 4))
    return len(made.data), int(made.pages)


def bare_pdf(plan: ProductionPlan) -> tuple[int, int]:
    """The same text as ours, one escaped Paragraph per line ours prints (record heading,
    author, time, link, reply, version label, text, media, fixity), each thread and each
    withheld record from a new page, and the two logs as tables with a repeated header row;
    no boxes, no font fallback checks, no page bookkeeping for Bates ranges."""
    import io
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    from retention_desk.pdf_fonts import register_fonts

    fonts = register_fonts()
    base = {
        "body": ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13),
        "head": ParagraphStyle("head", fontName=fonts.bold, fontSize=9, leading=12),
        "small": ParagraphStyle("small", fontName=fonts.regular, fontSize=7, leading=9),
    }
    styles: dict[tuple[str, int], ParagraphStyle] = {}

    def p(text: str, kind: str, depth: int = 0) -> Paragraph:
        style = styles.get((kind, depth))
        if style is None:
            style = styles[(kind, depth)] = ParagraphStyle(
                f"{kind}{depth}", parent=base[kind], leftIndent=18 * depth
            )
        return Paragraph(escape(text), style)

    flow: list[Any] = []
    last_thread = None
    for n, rec in enumerate(plan.records):
        if n and (rec.thread_id != last_thread or rec.withheld):
            flow.append(PageBreak())
        last_thread = rec.thread_id
        d = rec.depth
        if rec.withheld:
            flow += [
                p("WITHHELD", "head"),
                p(f"Record {rec.record_id} ({rec.platform} {rec.kind})", "head"),
                p(f"Withheld in full under {rec.withheld}.", "body"),
                PageBreak(),
            ]
            continue
        flow.append(p(f"Record {rec.record_id} - {rec.platform} {rec.kind}", "head", d))
        flow.append(
            p(f"Author: {rec.author_name.plain()} ({rec.author_handle.plain()})", "body", d)
        )
        flow.append(p(f"Posted: {rec.created_local} ({rec.created_utc})", "body", d))
        flow.append(p(f"Link: {rec.url.plain()}", "body", d))
        if rec.parent_id is not None and d:
            flow.append(p(f"In reply to record {rec.parent_id}", "body", d))
        for v in rec.versions:
            flow.append(p(f"Version v{v.seq}, seen {v.observed_at}", "small", d))
            flow.append(p(v.text.plain(), "body", d))
        for m in rec.media:
            flow.append(p(f"[{m.name}: a {m.kind} file, not shown in this production]", "body", d))
        for line in rec.fixity:
            flow.append(p(line, "small", d))
        flow.append(Spacer(1, 8))
    for title, rows in (
        ("Redaction log", [e for r in plan.records if not r.withheld for e in r.log]),
        ("Withheld log", [e for r in plan.records for e in r.log if e.field == "record"]),
    ):
        flow += [PageBreak(), p(title, "head")]
        data = [[p(h, "small") for h in ("Bates", "Record", "Field", "Exemption", "Description")]]
        data += [
            [p("RD0000001", "small"), p(str(e.record_id), "small"), p(e.field, "small"),
             p(e.code, "small"), p(e.description, "small")]
            for e in rows
        ]  # fmt: skip
        table = Table(data, colWidths=[100, 45, 70, 65, 250], repeatRows=1, hAlign="LEFT")
        table.setStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)])
        flow.append(table)
    pages = {"n": 0}

    def footer(canvas: Any, _doc: Any) -> None:
        pages["n"] += 1
        canvas.setFont(fonts.regular, 8)
        canvas.drawRightString(580, 20, f"RD{pages['n']:07d}  {plan.request_number}")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=LETTER, invariant=1).build(
        flow, onFirstPage=footer, onLaterPages=footer
    )
    return len(buf.getvalue()), pages["n"]


def ours_xlsx(plan: ProductionPlan) -> tuple[int, int]:
    from retention_desk.production.xlsx import XlsxInput, render_xlsx

    control = {r.record_id: f"RD{i:07d}" for i, r in enumerate(plan.records, 1)}
    data = render_xlsx(plan, XlsxInput(control, "Control numbers, one per record.", "2026-03-04"))
    return len(data), len(plan.records)


def bare_xlsx(plan: ProductionPlan) -> tuple[int, int]:
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Records")
    rows = 0
    for i, rec in enumerate(plan.records, 1):
        for v in rec.versions or (None,):
            ws.append(
                [
                    f"RD{i:07d}",
                    rec.record_id,
                    rec.platform,
                    rec.account,
                    rec.kind,
                    rec.author_name.plain(),
                    rec.author_handle.plain(),
                    rec.created_local,
                    rec.created_utc,
                    rec.url.plain(),
                    rec.thread_id,
                    rec.parent_id,
                    v.seq if v else None,
                    v.text.plain() if v else f"WITHHELD {rec.withheld}",
                ]
            )
            rows += 1
    buf = io.BytesIO()
    wb.save(buf)
    return len(buf.getvalue()), rows


SIDES = {"ours_pdf": ours_pdf, "bare_pdf": bare_pdf, "ours_xlsx": ours_xlsx, "bare_xlsx": bare_xlsx}


def _child(side: str, records: int) -> dict[str, Any]:
    plan = make_plan(records)
    t0, c0 = time.perf_counter(), time.process_time()
    size, count = SIDES[side](plan)
    return {
        "side": side,
        "wall_s": round(time.perf_counter() - t0, 2),
        "cpu_s": round(time.process_time() - c0, 2),
        "bytes": size,
        "units": count,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _run_side(side: str, records: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.production_bench", "--side", side, "--records", str(records)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if done.returncode != 0:
        return {"side": side, "error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        print(json.dumps(_child(args.side, args.records)))
        return 0
    results = {
        s: _run_side(s, args.records) for s in ("bare_pdf", "ours_pdf", "bare_xlsx", "ours_xlsx")
    }
    ratios = {}
    for kind in ("pdf", "xlsx"):
        ours, bare = results[f"ours_{kind}"], results[f"bare_{kind}"]
        if "wall_s" in ours and "wall_s" in bare and ours["wall_s"]:
            ratios[kind] = round(bare["wall_s"] / ours["wall_s"], 2)
    plan = make_plan(args.records)
    summary = {
        "records": args.records,
        "redactions": plan.redaction_count,
        "withheld": plan.withheld_count,
        "results": results,
        "speed_ratio_bare_over_ours": ratios,
        "targets": {"pdf": 0.6, "xlsx": 0.7},
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"{args.records} records, {plan.redaction_count} redactions, {plan.withheld_count} withheld"
        f" (load average {os.getloadavg()[0]:.1f})"
    )
    print(f"{'side':<10} {'wall s':>8} {'CPU s':>8} {'MB out':>8} {'units':>7} {'peak RSS MB':>12}")
    for side, r in results.items():
        if "error" in r:
            print(f"{side:<10} not run: {r['error']}")
            continue
        print(
            f"{side:<10} {r['wall_s']:>8} {r['cpu_s']:>8} {r['bytes'] / 1e6:>8.1f} {r['units']:>7}"
            f" {r['peak_rss_mb']:>12}"
        )
    for kind, ratio in ratios.items():
        target = summary["targets"][kind]  # type: ignore[index]
        verdict = "meets" if ratio >= target else "MISSES"
        print(f"{kind}: ours at {ratio}x bare speed ({verdict} the {target}x target)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

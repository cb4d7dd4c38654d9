"""`retention-desk review NUMBER [--accept-type TYPE | --accept ID... | --reject ID... |
--undo ID | --adjust ID START:END] [--status S] [--type T] [--report FILE] [--json]`: the
review queue of a request's redaction candidates (found by `detect NUMBER`).

Without an action it lists the candidates (context with the part accepting would black out
in brackets, what may stay visible, status) and the progress counts. `--report FILE.xlsx`
writes the review report for counsel. Also `detect NUMBER [--json]`, whose code is here
(`run_detect`), so the two halves of the review read alike.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.cmd_redact import parse_range
from retention_desk.cli.common import open_archive, print_json, stderr_progress
from retention_desk.safetext import printable


@contextmanager
def review_errors() -> Iterator[None]:
    from retention_desk.ipra.errors import IpraError
    from retention_desk.redaction.errors import RedactionError
    from retention_desk.review.errors import ReviewError

    try:
        yield
    except (ReviewError, IpraError, RedactionError) as exc:
        raise CliError(printable(exc, limit=2000)) from None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "review",
        help="the review queue of a request's redaction candidates: list, accept, reject",
        description="Decisions are kept with who and when; re-running detection keeps them."
        " Accepting a candidate makes redactions of the request (what 14-2-6(F) lets stay"
        " visible, stays visible).",
    )
    p.add_argument("number", metavar="NUMBER", help="the request number")
    act = p.add_mutually_exclusive_group()
    act.add_argument(
        "--accept-type", metavar="TYPE", help="accept every undecided candidate of TYPE"
    )
    act.add_argument("--accept", metavar="ID", type=int, nargs="+", help="accept candidates")
    act.add_argument("--reject", metavar="ID", type=int, nargs="+", help="reject candidates")
    act.add_argument("--undo", metavar="ID", type=int, help="take a decision back")
    act.add_argument(
        "--adjust",
        metavar=("ID", "START:END"),
        nargs=2,
        help="accept a candidate with its blacked-out span changed (Python string indices)",
    )
    act.add_argument("--report", metavar="FILE", help="write the review report (XLSX) for counsel")
    p.add_argument("--status", choices=("undecided", "accepted", "rejected"), help="list filter")
    p.add_argument("--type", dest="kind", metavar="TYPE", help="list filter")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def progress_dict(progress: Any) -> dict[str, Any]:
    return {
        "request": progress.request,
        "total": progress.total,
        "decided": progress.decided,
        "undecided": progress.undecided,
        "by_type": {
            k.kind: {
                "total": k.total,
                "decided": k.decided,
                "accepted": k.accepted,
                "rejected": k.rejected,
                "covered": k.covered,
                "undecided": k.undecided,
            }
            for k in progress.kinds
        },
    }


def _progress_lines(progress: Any) -> list[str]:
    lines = [
        f"Request {progress.request}: {progress.decided:,} of {progress.total:,} candidates"
        f" decided, {progress.undecided:,} undecided."
    ]
    for k in progress.kinds:
        lines.append(
            f"  {k.kind.replace('_', ' '):<18} {k.decided:>6,} / {k.total:<6,} decided"
            f" ({k.accepted:,} accepted, {k.rejected:,} rejected, {k.covered:,} inside a"
            " redaction already made)"
        )
    return lines


def run_detect(args: argparse.Namespace) -> int:
    """`detect NUMBER [--json]`: detection over the request's records, candidates stored."""
    from retention_desk.review.detect_run import detect_request

    with open_archive(args) as archive, review_errors():
        made = detect_request(archive, args.number, progress=stderr_progress(not args.json))
    if args.json:
        print_json(
            {
                "request": made.request,
                "records": made.records,
                "found": made.found,
                "new": made.new,
                "kept": made.kept,
                "reopened": made.reopened,
                "dropped": made.dropped,
                "candidates": progress_dict(made.progress),
            }
        )
        return 0
    print(
        f"Searched {made.records:,} records ({made.values:,} texts and names): {made.found:,}"
        f" candidates, {made.new:,} new, {made.kept:,} found before (decisions kept)"
        + (
            f", {made.reopened:,} undecided again (the text under them changed)"
            if made.reopened
            else ""
        )
        + (f", {made.dropped:,} undecided ones no longer found" if made.dropped else "")
        + "."
    )
    for line in _progress_lines(made.progress):
        print(line)
    return 0


def _candidate_dict(ctx: Any) -> dict[str, Any]:
    c = ctx.candidate
    return {
        "id": c.id,
        "record": c.record_id,
        "version": c.version_id,
        "field": c.field,
        "type": c.kind,
        "rule": c.rule,
        "code": c.code,
        "span": [c.start, c.end],
        "redact": [list(r) for r in c.redact],
        "suggestion": c.suggestion,
        "status": c.status,
        "covered": c.covered,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at,
        "redactions": list(c.redaction_ids),
        "visible": ctx.visible,
    }


def _shown(ctx: Any) -> str:
    found = "".join(f"[{t}]" if hidden else t for t, hidden in ctx.runs)
    return printable(f"…{ctx.before}{found}{ctx.after}…", limit=300)


def _list(args: argparse.Namespace, archive: Any) -> int:
    from retention_desk.review.store import context_of, list_candidates, review_progress

    cands = list_candidates(archive, args.number, status=args.status, kind=args.kind)
    contexts = _contexts(archive, args.number, cands, context_of)
    progress = review_progress(archive, args.number)
    if args.json:
        print_json(
            {
                "progress": progress_dict(progress),
                "candidates": [_candidate_dict(c) for c in contexts],
            }
        )
        return 0
    for line in _progress_lines(progress):
        print(line)
    for ctx in contexts:
        c = ctx.candidate
        state = "covered" if c.covered else c.status
        keep = f"; {ctx.visible} stays visible" if ctx.visible else ""
        hint = " (suggestion)" if c.suggestion else ""
        print(f"{c.id:>6}  record {c.record_id} {c.field}  {c.kind}{hint}  {state}  {c.code}{keep}")
        print(f"        {_shown(ctx)}")
    return 0


def _contexts(archive: Any, number: str, cands: list[Any], context_of: Any) -> list[Any]:
    from retention_desk.review.store import value_of

    out = []
    with archive.read() as conn:
        for cand in cands:
            value = value_of(conn, cand)
            if value is None or cand.end > len(value):
                continue
            out.append(context_of(cand, value))
    return out


def run(args: argparse.Namespace) -> int:
    from retention_desk.review import decide

    with open_archive(args) as archive, review_errors():
        if args.report:
            from retention_desk.review.report import write_report

            path = write_report(archive, args.number, Path(args.report))
            if args.json:
                print_json({"request": args.number, "report": str(path)})
            else:
                print(f"Review report written to {printable(path, limit=2000)}.")
            return 0
        changed: list[int] | None = None
        what = ""
        if args.accept_type:
            changed, what = decide.accept_type(archive, args.number, args.accept_type), "accepted"
        elif args.accept:
            changed, what = decide.accept(archive, args.number, args.accept), "accepted"
        elif args.reject:
            changed, what = decide.reject(archive, args.number, args.reject), "rejected"
        elif args.undo is not None:
            changed, what = [decide.undo(archive, args.number, args.undo).id], "undecided again"
        elif args.adjust:
            try:
                cid = int(args.adjust[0])
            except ValueError:
                raise CliError(
                    f"--adjust takes a candidate id first, not {args.adjust[0][:20]!r}"
                ) from None
            start, end = parse_range(args.adjust[1])
            changed, what = (
                [decide.adjust(archive, args.number, cid, start, end).id],
                "accepted (adjusted)",
            )
        if changed is None:
            return _list(args, archive)
        from retention_desk.review.store import review_progress

        progress = review_progress(archive, args.number)
    if args.json:
        print_json({"changed": changed, "status": what, "progress": progress_dict(progress)})
        return 0
    print(f"{len(changed):,} candidate{'s' if len(changed) != 1 else ''} {what}.")
    for line in _progress_lines(progress):
        print(line)
    return 0

"""`retention-desk detect --jsonl`: protected personal identifiers in any text, as ranges.

Reads lines `{"id": ..., "text": "..."}` on standard input and writes one line
`{"id": ..., "redact": [[start, end], ...]}` per input line, in order, flushed as it goes:
the character ranges (Python string indices) that would be blacked out if every candidate
were accepted, suggestions included. No archive is opened, so any labelled corpus can be
scored against it.

A line that is not a JSON object with an "id" and a string "text" is reported on stderr with
its line number and reason and produces no output line; the good lines around it are still
answered, and the exit code is 1 when any line was bad. Blank lines are skipped.

`detect NUMBER [--json]` searches a request's records and stores the candidates in its review
queue (`cli.cmd_review.run_detect`, `review.detect_run`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from retention_desk.cli import CliError
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "detect",
        help="find protected personal identifiers: --jsonl reads texts on stdin",
        description='With --jsonl: read {"id", "text"} lines on stdin, write'
        ' {"id", "redact": [[start, end], ...]} lines on stdout.',
    )
    p.add_argument("number", nargs="?", metavar="NUMBER", help="request number")
    p.add_argument("--jsonl", action="store_true", help="texts on stdin, ranges on stdout")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.jsonl:
        if args.number is not None:
            raise CliError("detect --jsonl reads standard input: give no request NUMBER")
        return run_jsonl(_stdin_lines(), sys.stdout, sys.stderr)
    if args.number is None:
        raise CliError("give a request NUMBER, or --jsonl to read texts on standard input")
    from retention_desk.cli.cmd_review import run_detect

    return run_detect(args)


def _stdin_lines() -> Iterator[bytes | str]:
    buffer = getattr(sys.stdin, "buffer", None)
    # bytes, so one line in a wrong encoding is one bad line, not a crash of the stream
    yield from (buffer if buffer is not None else sys.stdin)


def run_jsonl(lines: Iterable[bytes | str], out: Any, err: Any) -> int:
    # imported here: the other commands do not pay for compiling the detection patterns
    from retention_desk.detection import redact_ranges

    bad = 0
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if not line.strip():
                continue
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            if "id" not in item:
                raise ValueError('no "id"')
            text = item.get("text")
            if not isinstance(text, str):
                raise ValueError('"text" is missing or not a string')
        except (UnicodeDecodeError, ValueError) as exc:
            bad += 1
            print(f"retention-desk: detect: line {number}: {printable(exc)}", file=err)
            continue
        ranges = [[start, end] for start, end in redact_ranges(text)]
        out.write(json.dumps({"id": item["id"], "redact": ranges}, ensure_ascii=False) + "\n")
        out.flush()
    return 1 if bad else 0

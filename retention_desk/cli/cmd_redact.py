"""`retention-desk redact add RECORD --range START:END --code CODE [--note T] [--field F]
[--version ID|vN|current|all] [--request N] [--json] | withhold RECORD --code CODE [--media ID]
[--note T] [--request N] [--json] | list [--request N] [--record ID] [--json] | remove ID |
stale [--json] | review ID --range START:END [--json]`: redactions as data.

`--range START:END` counts characters of the field's value as `retention-desk show ID --json`
prints it (Python string indices: code points, so an emoji of one code point counts one).
Redactions never change the archive; a production applies them and refuses while any is
stale. Notes stay in the redactions table; audit rows carry ids, fields and codes only.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.cmd_exemption import redaction_errors
from retention_desk.cli.common import open_archive, print_json
from retention_desk.cli.retention_text import quoted, text
from retention_desk.redaction import (
    RedactionInfo,
    StaleRedaction,
    add_redaction,
    list_redactions,
    remove_redaction,
    review_redaction,
    stale_redactions,
    withhold,
)
from retention_desk.redaction.model import FIELDS

_RANGE = re.compile(r"\s*(\d+)\s*:\s*(\d+)\s*")
REASON_WORDS = {
    "record gone": "the record is gone",
    "version gone": "the version is gone",
    "medium gone": "the medium is gone",
    "text changed": "the text under it changed",
    "no key": "the record has no seal to key its digest",
}


def register(sub: Any) -> None:
    p = sub.add_parser("redact", help="redactions and withholdings: add, withhold, list, ...")
    actions = p.add_subparsers(dest="redact_action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="redact characters of a record under an exemption code (audited)",
        description="START:END are Python string indices into the field's value as"
        " 'retention-desk show ID --json' prints it.",
    )
    add.add_argument("record", metavar="RECORD", type=int, help="record id")
    add.add_argument("--range", metavar="START:END", required=True, dest="span")
    add.add_argument("--code", metavar="CODE", required=True, help="see 'exemption list'")
    add.add_argument("--note", metavar="T", default="", help="why (kept, never audited)")
    add.add_argument("--field", metavar="F", default="text", help=", ".join(FIELDS))
    add.add_argument(
        "--version",
        metavar="ID",
        default=None,
        help="a version id, or vN as 'show' numbers them; 'current' (the default:"
        " follows re-imports) or 'all'",
    )
    add.add_argument("--request", metavar="N", help="request number to keep it with")
    add.add_argument("--json", action="store_true", help="machine-readable output")
    add.set_defaults(func=run_add)
    hold = actions.add_parser("withhold", help="withhold a whole record or one medium (audited)")
    hold.add_argument("record", metavar="RECORD", type=int, help="record id")
    hold.add_argument("--code", metavar="CODE", required=True, help="see 'exemption list'")
    hold.add_argument("--media", metavar="ID", type=int, help="withhold only this medium")
    hold.add_argument("--note", metavar="T", default="", help="why (kept, never audited)")
    hold.add_argument("--request", metavar="N", help="request number to keep it with")
    hold.add_argument("--json", action="store_true", help="machine-readable output")
    hold.set_defaults(func=run_withhold)
    ls = actions.add_parser("list", help="redactions and withholdings")
    ls.add_argument("--request", metavar="N", help="only those kept with this request")
    ls.add_argument("--record", metavar="ID", type=int, help="only those of this record")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(func=run_list)
    rm = actions.add_parser("remove", help="remove a redaction or withholding (audited)")
    rm.add_argument("id", metavar="ID", type=int, help="redaction id (see 'redact list')")
    rm.add_argument("--json", action="store_true", help="machine-readable output")
    rm.set_defaults(func=run_remove)
    stale = actions.add_parser(
        "stale", help="redactions whose text changed or whose record is gone"
    )
    stale.add_argument("--json", action="store_true", help="machine-readable output")
    stale.set_defaults(func=run_stale)
    review = actions.add_parser(
        "review", help="re-anchor a redaction on the text as it is now (audited)"
    )
    review.add_argument("id", metavar="ID", type=int, help="redaction id")
    review.add_argument("--range", metavar="START:END", required=True, dest="span")
    review.add_argument("--json", action="store_true", help="machine-readable output")
    review.set_defaults(func=run_review)


def parse_range(typed: str) -> tuple[int, int]:
    match = _RANGE.fullmatch(typed)
    if match is None:
        raise CliError(
            f"--range {quoted(typed)} must be START:END, two character positions such as 10:19."
        )
    return int(match.group(1)), int(match.group(2))


def redaction_dict(info: RedactionInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "kind": info.kind,
        "record": info.record_id,
        "version": info.version,
        "version_seq": info.version_seq,
        "field": info.field,
        "start": info.start,
        "end": info.end,
        "media": info.media_id,
        "code": info.code,
        "note": info.note,
        "request": info.request_number,
        "created_at": info.created_at,
        "created_by": info.created_by,
        "reviewed_at": info.reviewed_at,
        "reviewed_by": info.reviewed_by,
    }


def describe(info: RedactionInfo) -> str:
    """One line: what is covered, under which code, kept with which request."""
    if info.kind == "withhold":
        what = (
            f"medium {info.media_id} of record {info.record_id}"
            if info.media_id
            else (f"record {info.record_id}")
        )
        head = f"withholds {what}"
    else:
        if isinstance(info.version, int):
            seq = f"v{info.version_seq}" if info.version_seq else "a version that is gone"
            version = f"version {info.version} ({seq})"
        else:
            version = f"{info.version} version" + ("s" if info.version == "all" else "")
        where = info.field if info.field in ("text", "title") else f"{info.field} (record)"
        head = f"record {info.record_id} {where} {info.start}:{info.end}"
        if info.field in ("text", "title"):
            head += f", {version}"
    request = f" [request {text(info.request_number)}]" if info.request_number else ""
    return f"{info.id:>5}  {head}  code {text(info.code)}{request}"


def run_add(args: argparse.Namespace) -> int:
    start, end = parse_range(args.span)
    with open_archive(args) as archive, redaction_errors():
        info = add_redaction(
            archive,
            args.record,
            start,
            end,
            args.code,
            field=args.field.strip().lower(),
            version=args.version,
            note=args.note,
            request=args.request,
        )
    if args.json:
        print_json(redaction_dict(info))
        return 0
    print(f"Added redaction {info.id}: {describe(info).split('  ', 1)[1].strip()}.")
    print("  The archive is unchanged; a production applies it (recorded in the audit trail).")
    return 0


def run_withhold(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        info = withhold(
            archive,
            args.record,
            args.code,
            media_id=args.media,
            note=args.note,
            request=args.request,
        )
    if args.json:
        print_json(redaction_dict(info))
        return 0
    print(f"Added withholding {info.id}: {describe(info).split('  ', 1)[1].strip()}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        found = list_redactions(archive, request=args.request, record_id=args.record)
    if args.json:
        print_json([redaction_dict(r) for r in found])
        return 0
    if not found:
        print("No redactions.")
        return 0
    for info in found:
        print(describe(info))
        if info.note:
            print(f"       note: {text(info.note)}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        info = remove_redaction(archive, args.id)
    if args.json:
        print_json(redaction_dict(info))
        return 0
    print(f"Removed redaction {info.id} (recorded in the audit trail).")
    return 0


def stale_dict(item: StaleRedaction) -> dict[str, Any]:
    return {**redaction_dict(item.redaction), "reason": item.reason, "at_seq": item.version_seq}


def run_stale(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, redaction_errors():
        found = stale_redactions(archive)
    if args.json:
        print_json([stale_dict(s) for s in found])
        return 0
    if not found:
        print("No stale redactions: every redaction still covers the characters it was made on.")
        return 0
    for item in found:
        where = f" (v{item.version_seq})" if item.version_seq else ""
        print(f"{describe(item.redaction)}: {REASON_WORDS.get(item.reason, item.reason)}{where}")
    print(
        f"{len(found)} stale redaction(s): productions refuse to run until each is reviewed"
        " ('redact review ID --range START:END') or removed."
    )
    return 0


def run_review(args: argparse.Namespace) -> int:
    start, end = parse_range(args.span)
    with open_archive(args) as archive, redaction_errors():
        info = review_redaction(archive, args.id, start, end)
    if args.json:
        print_json(redaction_dict(info))
        return 0
    print(
        f"Reviewed redaction {info.id}: now {info.start}:{info.end} (recorded in the audit trail)."
    )
    return 0

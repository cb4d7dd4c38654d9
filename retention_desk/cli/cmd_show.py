"""`retention-desk show ID`: one record with its thread, versions, media and provenance."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.cmd_search import one_line
from retention_desk.cli.common import open_archive, print_json
from retention_desk.platforms import account_label, platform_label
from retention_desk.search import RecordDetail, RecordNotFound, SearchEngine, record_detail
from retention_desk.timefmt import NO_TIME, show_time


def register(sub: Any) -> None:
    p = sub.add_parser(
        "show", help="show one record: thread, versions, media, provenance and fixity"
    )
    p.add_argument("id", metavar="ID", help="record id (as listed by search)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--utc", action="store_true", help="times in UTC instead of the agency's time zone"
    )
    p.set_defaults(func=run)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def detail_dict(detail: RecordDetail) -> dict[str, Any]:
    return dict(_jsonable(asdict(detail)))


def _print(detail: RecordDetail, tz: Any, utc: bool = False) -> None:
    def local(value: datetime | str | None) -> str:
        # one wording with the GUI: the agency's zone and its abbreviation, or UTC
        return show_time(value, tz, utc=utc, empty=NO_TIME)

    rec = detail.record
    flags = [
        name
        for name, on in (
            ("DELETED on the platform", rec.deleted_at is not None),
            ("HIDDEN on the platform", rec.hidden_at is not None),
            (f"EDITED ({rec.version_count} versions)", rec.version_count > 1),
            ("restricted (private message)", rec.restricted),
        )
        if on
    ]
    print(
        f"Record {rec.id}: {one_line(platform_label(rec.platform))} {rec.kind}"
        f" {one_line(rec.platform_id)}"
    )
    if flags:
        print("  " + "; ".join(flags))
    account = detail.account
    if account:
        handle = one_line(account.handle or account.display_name)
        print(f"Account:   {one_line(account_label(account.platform, handle))}")
    author = detail.author
    print(f"Author:    {one_line(author.name)} (@{one_line(author.handle)})")
    print(f"Created:   {local(rec.created_at)} (as written: {one_line(rec.created_at_raw)})")
    if rec.deleted_at:
        print(f"Deleted:   {local(rec.deleted_at)}")
    if rec.hidden_at:
        print(f"Hidden:    {local(rec.hidden_at)}")
    print(f"Link:      {one_line(rec.url) or '(none)'}")
    if rec.title:
        print(f"Title:     {one_line(rec.title)}")
    print("Text:")
    for line in (rec.text or "").splitlines() or [""]:
        print("  " + one_line(line))

    truncated = ", truncated" if detail.thread_truncated else ""
    print(f"\nThread ({len(detail.thread)} records{truncated}):")
    for node in detail.thread:
        marks = "".join(
            f" [{m}]"
            for m, on in (
                ("deleted", node.deleted),
                ("hidden", node.hidden),
                ("edited", node.edited),
            )
            if on
        )
        pointer = ">" if node.is_focus else " "
        print(
            f"{pointer} {'  ' * node.depth}#{node.id} {node.kind} {local(node.created_at)}"
            f" {one_line(node.author, 24)}{marks}: {one_line(node.text, 70)}"
        )

    print(f"\nVersions ({len(detail.versions)}):")
    for version in detail.versions:
        print(
            f"  v{version.seq} observed {local(version.observed_at)}"
            + (
                f", edited {local(version.platform_edited_at)}"
                if version.platform_edited_at
                else ""
            )
            + (f" at {one_line(version.locator)}" if version.locator else "")
        )
        for line in version.diff.splitlines():
            print("      " + one_line(line))

    if detail.media:
        print(f"\nMedia ({len(detail.media)}):")
        for m in detail.media:
            state = "MISSING" if m.missing else f"sha256 {m.sha256}"
            print(
                f"  {one_line(m.filename or m.original_uri)} {one_line(m.mime_type)}"
                f" {m.size or ''} {state}"
            )

    print(f"\nProvenance ({len(detail.provenance)} source files):")
    for p in detail.provenance:
        inside = f" in {one_line(p.container)}" if p.container else ""
        print(
            f"  {one_line(p.name)}{inside} [{one_line(p.detected_format) or '?'}]"
            f" sha256 {p.sha256}"
            f" at {one_line(p.locator)}; batch {p.batch_id} {local(p.batch_started_at)}"
            f" by {one_line(p.operator)}"
        )

    fixity = detail.fixity
    verify = (
        "never verified"
        if fixity.last_verify_ok is None
        else f"{'passed' if fixity.last_verify_ok else 'FAILED'} at {local(fixity.last_verify_at)}"
    )
    print(f"\nFixity: archive verify {verify}")
    if fixity.capture is not None:
        print(f"  capture checks: {one_line(json.dumps(fixity.capture, sort_keys=True))}")
    for name, digest in fixity.capture_digests.items():
        print(f"  {one_line(name)}: {one_line(digest)}")
    if detail.extra:
        print("\nPlatform metadata:")
        text = json.dumps(detail.extra, ensure_ascii=False, sort_keys=True, indent=1, default=str)
        for line in text.splitlines():
            indent = len(line) - len(line.lstrip(" "))
            print("  " + " " * indent + one_line(line))


def run(args: argparse.Namespace) -> int:
    try:
        record_id = int(args.id)
    except ValueError:
        raise CliError(f"record id must be a number, not {args.id!r}") from None
    with open_archive(args) as archive:
        try:
            detail = record_detail(archive, record_id)
        except RecordNotFound as exc:
            raise CliError(str(exc)) from None
        tz = SearchEngine(archive, keep_connection=False).tz
    if args.json:
        print_json(detail_dict(detail))
    else:
        _print(detail, tz, utc=args.utc)
    return 0

"""`retention-desk import PATH...`: import exports and web archives, detected by content."""

from __future__ import annotations

import argparse
import json
from typing import Any

from retention_desk.archive import Archive
from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json, stderr_progress
from retention_desk.importers.base import ImportOptions
from retention_desk.importers.meta.owner import suggested_account
from retention_desk.importers.registry import all_importers, format_names
from retention_desk.importers.run import ImportSummary, detect, preview, run_import
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import platform exports, CSV files and web archives")
    # nargs="*" so that --list-formats needs no PATH; run() asks for one otherwise.
    p.add_argument("paths", nargs="*", metavar="PATH", help="zip, folder or file")
    p.add_argument(
        "--format",
        metavar="NAME",
        help="skip detection and read as this format (see --list-formats)",
    )
    p.add_argument("--account", metavar="HANDLE", help="assign the records to this account")
    p.add_argument(
        "--mapping",
        metavar="PRESET",
        help="CSV column mapping: a saved preset name, or JSON like"
        ' \'{"id": "Post ID", "text": "Message"}\'',
    )
    p.add_argument("--platform", metavar="NAME", help="CSV: platform when no column says it")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="only show what would be imported (detected format, account, dates)",
    )
    p.add_argument(
        "--list-formats",
        action="store_true",
        help="list the formats --format accepts (name and what each imports), then exit",
    )
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(func=run)


def _mapping(archive: Archive, spec: str | None) -> tuple[dict[str, str] | None, str | None]:
    if spec is None:
        return None, None
    if spec.lstrip().startswith("{"):
        try:
            value = json.loads(spec)
        except json.JSONDecodeError as exc:
            raise CliError(f"--mapping is not valid JSON: {exc}") from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise CliError("--mapping JSON must map field names to column names")
        return value, None
    from retention_desk.importers.csv.mapping import load_preset

    preset = load_preset(archive, spec)
    if preset is None:
        raise CliError(f"no saved CSV mapping preset named {spec!r}")
    return preset, spec


def formats() -> list[dict[str, str]]:
    """Every importer in detection order: its --format name, what it imports, its platform."""
    return [{"name": i.name, "label": i.label, "platform": i.platform} for i in all_importers()]


def _list_formats(as_json: bool) -> int:
    listed = formats()
    if as_json:
        print_json(listed)
        return 0
    width = max(len(f["name"]) for f in listed)
    for f in listed:
        print(f"{f['name']:<{width}}  {f['label']}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.list_formats:
        return _list_formats(args.json)
    if not args.paths:
        raise CliError("give at least one PATH to import (or --list-formats)")
    if args.format and args.format not in format_names():
        raise CliError(f"unknown format {args.format!r}; known: {', '.join(format_names())}")
    with open_archive(args) as archive:
        mapping, preset = _mapping(archive, args.mapping)
        options = ImportOptions(
            format=args.format,
            account=args.account,
            mapping=mapping,
            mapping_preset=preset,
            platform=args.platform,
        )
        detection = detect(args.paths, options)
        try:
            if args.dry_run:
                previews = preview(detection, options)
                # one preview per claim: the account each suggests where the files cannot name it
                suggested = [suggested_account(claim) for _t, _i, claim in detection.claims]
                if args.json:
                    print_json(
                        {
                            "previews": previews,
                            "suggested_accounts": suggested,
                            "errors": detection.errors,
                            "notes": detection.notes,
                        }
                    )
                else:
                    for p, suggestion in zip(previews, suggested, strict=True):
                        span = (
                            f"{p.date_from:%Y-%m-%d} to {p.date_to:%Y-%m-%d}"
                            if p.date_from and p.date_to
                            else "dates unknown"
                        )
                        count = (
                            f"about {p.approx_records} records"
                            if p.approx_records is not None
                            else "record count unknown"
                        )
                        account = printable(p.account) if p.account else "(none)"
                        if not p.account and suggestion:
                            account = f"(none; suggested: {printable(suggestion)})"
                        print(
                            f"{printable(p.source)}: {printable(p.label)}; account {account};"
                            f" {span}; {count}"
                        )
                        for note in p.notes:
                            print(f"  note: {printable(note)}")
                    for note in detection.notes:
                        print(f"note: {printable(note)}")
                    for label, problem in detection.refused:
                        print(f"refused: {printable(label)}: {printable(problem)}")
                    for error in detection.errors:
                        print(f"error: {printable(error)}")
                return 1 if detection.errors and not previews else 0
            summary = run_import(
                archive,
                args.paths,
                options,
                detection=detection,
                progress=stderr_progress(not args.json),
            )
        finally:
            detection.close()
    if args.json:
        print_json(summary.to_dict())
    else:
        _print_summary(summary)
    return 0 if summary.status == "completed" else 1


def _print_summary(summary: ImportSummary) -> None:
    # Paths, member names, warnings and errors come from the inputs (a zip member may be named
    # with terminal escapes): each goes through printable() before it reaches the terminal.
    for f in summary.files:
        path = printable(f.path)
        if f.status == "imported":
            line = (
                f"imported  {path} [{printable(f.format)}]: {f.added} added, {f.new_versions} new"
                f" versions, {f.unchanged} unchanged, {f.flagged_deleted} flagged deleted,"
                f" {f.media_stored} media stored"
            )
            if f.media_missing:
                line += f", {len(f.media_missing)} media missing"
            print(line)
        elif f.status == "kept":
            print(f"kept      {path} [{printable(f.format)}]: {printable(f.note or 'no records')}")
        elif f.status == "duplicate":
            print(f"unchanged {path}: already imported; nothing added")
        else:
            print(f"{f.status:<9} {path}: {printable(f.error or '')}")
        for w in f.warnings[:20]:
            print(f"          warning: {printable(w)}")
        if len(f.warnings) > 20:
            print(f"          ... and {len(f.warnings) - 20} more warnings")
    for note in summary.notes:
        print(f"note: {printable(note)}")
    for error in summary.errors:
        print(f"error: {printable(error)}")
    print(closing_line(summary))


def closing_line(summary: ImportSummary) -> str:
    """The batch's last line: every kind of problem it had is counted, so "completed with
    errors" never stands beside nothing but "0 failed"."""
    t = summary.totals()
    problems = [
        f"{n} {what}"
        for n, what in (
            (t["files_failed"], "file(s) failed"),
            (t["files_refused"], "refused"),
            (
                len(summary.errors),
                "input(s) not imported" if summary.status != "failed" else "error(s)",
            ),
        )
        if n
    ]
    return (
        f"Batch {summary.batch_id} {summary.status.replace('_', ' ')}: {t['added']} records"
        f" added, {t['new_versions']} new versions, {t['unchanged']} unchanged"
        + (f"; {', '.join(problems)}" if problems else "; no problems")
    )

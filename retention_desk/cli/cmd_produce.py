"""`retention-desk produce NUMBER --format pdf|xlsx [--review-copy] [--versions all|latest]
[--include-restricted ID...] [--only-new] [--allow-undecided] --out DIR [--json]`: produce a
request's responsive records, redacted, as a Bates-numbered PDF or an XLSX with its manifest
(CSV and JSON), stored with the request; `--only-new` makes a rolling production of the
records no earlier release in that format holds, `--allow-undecided` releases although review
candidates are undecided (audited). Also `produce --list NUMBER [--json]` (the request's
productions), `produce --reproduce ID --out DIR [--json]` (re-make one byte for byte while its
records exist) and `produce --export ID --out DIR [--json]` (write its files as released).

The same functions drive the production dialog (`retention_desk.production`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json, stderr_progress
from retention_desk.ipra.errors import IpraError
from retention_desk.redaction.errors import RedactionError
from retention_desk.safetext import printable


def register(sub: Any) -> None:
    p = sub.add_parser(
        "produce",
        help="produce a request's records, redacted: Bates-numbered PDF or XLSX with manifest",
        description="Produces the request's responsive records with their redactions applied"
        " (refused while any redaction is stale), numbered with the Bates prefix from Settings,"
        " continuing the request's earlier productions. A review copy is for the custodian and"
        " counsel: the hidden text is visible, it uses no Bates numbers and its file names say"
        " REVIEW-COPY-NOT-FOR-RELEASE.",
    )
    p.add_argument("number", metavar="NUMBER", nargs="?", help="the request number")
    p.add_argument("--format", dest="file_format", metavar="pdf|xlsx", choices=("pdf", "xlsx"))
    p.add_argument("--review-copy", action="store_true", help="not for release: text visible")
    p.add_argument("--versions", metavar="all|latest", choices=("all", "latest"), default="latest")
    p.add_argument(
        "--include-restricted",
        metavar="ID",
        type=int,
        nargs="+",
        action="extend",
        default=[],
        help="private messages to include (left out unless named)",
    )
    p.add_argument(
        "--only-new",
        action="store_true",
        help="a rolling production: only the records no earlier release in this format holds",
    )
    p.add_argument(
        "--allow-undecided",
        action="store_true",
        help="release although redaction candidates are undecided (audited)",
    )
    p.add_argument("--out", metavar="DIR", help="folder the files are written to")
    p.add_argument("--list", action="store_true", help="list the request's productions")
    p.add_argument("--reproduce", metavar="ID", type=int, help="re-make production ID")
    p.add_argument("--export", metavar="ID", type=int, help="write production ID as released")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


@contextmanager
def _errors() -> Iterator[None]:
    from retention_desk.production.store import ProduceError

    caught: tuple[type[Exception], ...] = (ProduceError, IpraError, RedactionError)
    try:
        from retention_desk.production.errors import ProductionError

        caught = (*caught, ProductionError)
    except ImportError:  # pragma: no cover - the plan's errors module is not there yet
        pass
    try:
        yield
    except caught as exc:
        raise CliError(printable(exc, limit=2000)) from None


def _mode(args: argparse.Namespace) -> str:
    modes = [
        m
        for m, on in (
            ("list", args.list),
            ("reproduce", args.reproduce is not None),
            ("export", args.export is not None),
        )
        if on
    ]
    if len(modes) > 1:
        raise CliError(f"choose one of --{' or --'.join(modes)}.")
    mode = modes[0] if modes else "produce"
    if mode in ("list", "produce") and not args.number:
        raise CliError(f"produce {'--list ' if mode == 'list' else ''}needs a request NUMBER.")
    if mode in ("reproduce", "export") and args.number:
        raise CliError(f"--{mode} takes a production id, not a request number.")
    if mode != "list" and not args.out:
        raise CliError("produce needs --out DIR, the folder the files are written to.")
    if mode == "produce" and args.file_format is None:
        raise CliError("produce needs --format pdf or --format xlsx.")
    return mode


def _bates(first: str | None, last: str | None) -> dict[str, str] | None:
    return {"first": first, "last": last} if first and last else None


def _print_result(result: Any, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "production": result.production,
                "request": result.request,
                "kind": result.kind,
                "format": result.file_format,
                "files": [str(p) for p in result.files],
                "bates": _bates(result.bates_first, result.bates_last),
                "records": result.records,
                "redactions": result.redactions,
                "withheld": result.withheld,
            }
        )
        return
    numbers = (
        f"; Bates {result.bates_first}-{result.bates_last}"
        if result.bates_first
        else "; no Bates numbers used"
    )
    what = "Review copy (not for release)" if result.kind == "review" else "Production"
    print(
        f"{what} {result.production} of {printable(result.request)}: {result.records} records,"
        f" {result.redactions} redactions, {result.withheld} withheld{numbers}"
    )
    for path in result.files:
        print(printable(path, limit=4000))


def _numbers(info: Any) -> tuple[str | None, str | None]:
    from retention_desk.production.manifest import label

    digits = int(info.options.get("digits", 7))
    if info.bates_first is None or info.bates_last is None:
        return None, None
    return (
        label(info.bates_prefix, digits, info.bates_first),
        label(info.bates_prefix, digits, info.bates_last),
    )


def _list(archive: Any, number: str, as_json: bool) -> int:
    from retention_desk.production.store import list_productions

    infos = list_productions(archive, number)
    if as_json:
        print_json(
            [
                {
                    "production": i.id,
                    "kind": i.kind,
                    "format": i.file_format,
                    "bates": _bates(*_numbers(i)),
                    "records": i.record_count,
                    "redactions": i.redaction_count,
                    "withheld": i.withheld_count,
                    "versions": i.options.get("versions"),
                    "produced_on": i.produced_on,
                    "created_at": i.created_at,
                    "created_by": i.created_by,
                    "can_reproduce": i.has_key,
                    "files": [
                        {"name": f.name, "sha256": f.sha256, "size": f.size} for f in i.files
                    ],
                }
                for i in infos
            ]
        )
        return 0
    if not infos:
        print(f"Request {printable(number)} has no productions.")
        return 0
    for i in infos:
        first, last = _numbers(i)
        numbers = f"{first}-{last}" if first else "-"
        key = "" if i.has_key else "  (key deleted: export only)"
        print(
            f"{i.id:>5}  {i.produced_on}  {i.kind:<7} {i.file_format:<4}  {numbers:<21}"
            f"  {i.record_count} records, {i.redaction_count} redactions,"
            f" {i.withheld_count} withheld  by {printable(i.created_by, limit=60)}{key}"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from retention_desk.production import produce, store

    mode = _mode(args)
    archive = open_archive(args)
    try:
        with _errors():
            if mode == "list":
                return _list(archive, args.number, args.json)
            out = Path(args.out).expanduser()
            if mode == "export":
                paths = store.export_files(archive, args.export, out)
                if args.json:
                    print_json({"production": args.export, "files": [str(p) for p in paths]})
                else:
                    for path in paths:
                        print(printable(path, limit=4000))
                return 0
            if mode == "reproduce":
                result = produce.reproduce(archive, args.reproduce, out)
            else:
                result = produce.produce(
                    archive,
                    args.number,
                    file_format=args.file_format,
                    review_copy=args.review_copy,
                    versions=args.versions,
                    include_restricted=args.include_restricted,
                    only_new=args.only_new,
                    allow_undecided=args.allow_undecided,
                    out_dir=out,
                    progress=stderr_progress(not args.json),
                )
            _print_result(result, args.json)
            return 0
    finally:
        archive.close()

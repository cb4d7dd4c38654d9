"""`retention-desk disposal destroy REPORT [--yes]` and `disposal certificate REPORT --pdf FILE`.

Added to the `disposal` command by cmd_disposal (its `register(actions)` hook). `destroy`
without `--yes` names the count and asks; without a terminal to ask on it refuses, so a script
can never destroy records by accident.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, stderr_progress
from retention_desk.disposal.certificate import export_certificate
from retention_desk.disposal.destroy import count_to_destroy, destroy
from retention_desk.disposal.errors import DisposalError
from retention_desk.ipra.requests import open_request_count
from retention_desk.safetext import printable


def register(actions: Any) -> None:
    d = actions.add_parser(
        "destroy",
        help="destroy an approved report's records that are still eligible (audited)",
        description="Holds and eligibility are checked again record by record as they go;"
        " a record held since the report was run is skipped and listed.",
    )
    d.add_argument("report", metavar="REPORT", type=int, help="disposal report number")
    d.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    d.set_defaults(func=run_destroy)
    c = actions.add_parser(
        "certificate", help="write the certificate of destruction (1.13.30.11 NMAC) as PDF"
    )
    c.add_argument("report", metavar="REPORT", type=int, help="disposal report number")
    c.add_argument("--pdf", metavar="FILE", required=True, help="where to write the PDF")
    c.set_defaults(func=run_certificate)


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except DisposalError as exc:
        raise CliError(printable(str(exc))) from None


def _confirm(count: int, number: int) -> bool:
    if not sys.stdin.isatty():
        raise CliError(
            f"Destroying report {number} needs confirmation: run it with --yes (no terminal"
            " to ask on)."
        )
    print(
        f"{count:,} record(s) of disposal report {number} will be destroyed and cannot be"
        " recovered. Type 'yes' to go on: ",
        end="",
        flush=True,
    )
    return sys.stdin.readline().strip().lower() == "yes"


def run_destroy(args: argparse.Namespace) -> int:
    with open_archive(args) as archive, _errors():
        count = count_to_destroy(archive, args.report)
        still_open = open_request_count(archive)
        if still_open:
            # responsive records are held, but one not yet found for an open request is not
            print(
                f"Warning: {still_open:,} IPRA request(s) still open; a record responsive to"
                " one that is not yet in its set is not held. Check `retention-desk request"
                " list --open` first.",
                file=sys.stderr,
            )
        if not args.yes and not _confirm(count, args.report):
            print("Nothing was destroyed.")
            return 1
        try:
            result = destroy(archive, args.report, progress=stderr_progress(sys.stderr.isatty()))
        except KeyboardInterrupt:
            raise CliError(
                "Destruction was interrupted: the batches already done stay destroyed; run"
                " the same command again to finish."
            ) from None
    print(
        f"Destroyed {result.destroyed_now:,} record(s) of disposal report {result.report}"
        f" ({result.destroyed:,} of {result.total:,} in all)."
    )
    for skip in result.skipped:
        print(f"Skipped record {skip.record_id}: {skip.words}.")
    for kept in result.retained:
        print(
            f"Record {kept.record_id} stays inside original file {kept.source_file_id}:"
            f" {printable(kept.reason)}."
        )
    for copy in result.copies:
        print(f"A copy made earlier may still hold the records: {printable(copy)}")
    for note in result.notes:
        print(printable(note))
    print(f"Next: retention-desk disposal certificate {result.report} --pdf FILE")
    return 0


def run_certificate(args: argparse.Namespace) -> int:
    path = Path(args.pdf).expanduser()
    with open_archive(args) as archive, _errors():
        cert = export_certificate(archive, args.report, path)
    print(f"Wrote the certificate of destruction for report {cert.report}: {printable(path)}")
    if cert.exceptions:
        print(f"It lists {len(cert.exceptions)} exception(s).")
    return 0
